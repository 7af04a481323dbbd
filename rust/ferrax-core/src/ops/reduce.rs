//! NumPy-style reductions and scans: axis normalization, `keepdims`, dtype rules.

use super::{lax, numpy};
use crate::data::Scalar;
use crate::dtype::DType;
use crate::error::Result;
use crate::prim::{ArgOp, ArgReduce, BinaryOp, CumOp, Cumulative, ReduceOp};
use crate::shape::{normalize_axes, normalize_axis};
use crate::trace::bind1;
use crate::value::Value;

/// Normalized axes: `None` is every axis.
pub fn axes_of(op: &str, axis: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    match axis {
        None => Ok((0..ndim).collect()),
        Some(a) => normalize_axes(op, a, ndim),
    }
}

fn keep(x: Value, axes: &[usize], keepdims: bool) -> Result<Value> {
    if keepdims {
        lax::expand_dims(&x, axes)
    } else {
        Ok(x)
    }
}

/// `sum`, `prod`, `max`, `min`, `all`, `any` over `axis` (None: all axes).
pub fn reduce(op: ReduceOp, x: &Value, axis: Option<&[i64]>, keepdims: bool) -> Result<Value> {
    let name = match op {
        ReduceOp::Sum => "sum",
        ReduceOp::Prod => "prod",
        ReduceOp::Max => "max",
        ReduceOp::Min => "min",
        ReduceOp::And => "all",
        ReduceOp::Or => "any",
    };
    let axes = axes_of(name, axis, x.shape().len())?;
    let x = match (op, x.dtype()) {
        // Booleans sum and multiply as the default integer, as in NumPy and JAX.
        (ReduceOp::Sum | ReduceOp::Prod, DType::Bool) => {
            lax::convert(x, DType::default_int(), false)?
        }
        (ReduceOp::And | ReduceOp::Or, d) if d != DType::Bool => {
            let zero = Value::scalar(Scalar::Int(0), d, true);
            lax::binary(BinaryOp::Ne, x, &zero)?
        }
        _ => x.clone(),
    };
    if matches!(op, ReduceOp::Max | ReduceOp::Min) {
        if let Some(&a) = axes.iter().find(|&&a| x.shape()[a] == 0) {
            return Err(crate::value_err!(
                "{name}: zero-size array to reduction operation {name} which has no identity \
                 (axis {a})"
            ));
        }
    }
    let r = lax::reduce(op, &x, &axes)?;
    keep(r, &axes, keepdims)
}

/// `mean`: the sum divided by the count, in the default float for integer inputs.
pub fn mean(x: &Value, axis: Option<&[i64]>, keepdims: bool) -> Result<Value> {
    let axes = axes_of("mean", axis, x.shape().len())?;
    let count: usize = axes.iter().map(|&a| x.shape()[a]).product();
    let xf = numpy::to_inexact(x)?;
    let s = lax::reduce(ReduceOp::Sum, &xf, &axes)?;
    let n = Value::scalar(Scalar::Float(count as f64), xf.dtype(), true);
    let m = lax::binary(BinaryOp::Div, &s, &n)?;
    keep(m, &axes, keepdims)
}

/// `argmax`/`argmin`; `axis=None` searches the flattened array.
pub fn arg_reduce(op: ArgOp, x: &Value, axis: Option<i64>, keepdims: bool) -> Result<Value> {
    let name = match op {
        ArgOp::Max => "argmax",
        ArgOp::Min => "argmin",
    };
    let index_dtype = DType::default_int();
    match axis {
        None => {
            let flat = lax::reshape(x, &[x.shape().iter().product()])?;
            let r = bind1(
                ArgReduce {
                    op,
                    axis: 0,
                    index_dtype,
                },
                &[flat],
            )?;
            if keepdims {
                lax::reshape(&r, &vec![1; x.shape().len()])
            } else {
                Ok(r)
            }
        }
        Some(a) => {
            let axis = normalize_axis(name, a, x.shape().len())?;
            let r = bind1(
                ArgReduce {
                    op,
                    axis,
                    index_dtype,
                },
                std::slice::from_ref(x),
            )?;
            keep(r, &[axis], keepdims)
        }
    }
}

/// `cumsum`/`cumprod`/`cummax`/`cummin` along an axis (booleans scan as the default int).
pub fn cumulative(op: CumOp, x: &Value, axis: i64, reverse: bool) -> Result<Value> {
    let name = match op {
        CumOp::Sum => "cumsum",
        CumOp::Prod => "cumprod",
        CumOp::Max => "cummax",
        CumOp::Min => "cummin",
    };
    let axis = normalize_axis(name, axis, x.shape().len())?;
    let x = if x.dtype() == DType::Bool {
        lax::convert(x, DType::default_int(), false)?
    } else {
        x.clone()
    };
    bind1(Cumulative { op, axis, reverse }, &[x])
}

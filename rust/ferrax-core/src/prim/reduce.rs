//! Reductions, arg-reductions and cumulative scans.

use super::ad::{differentiable, linear_jvp, mul, scalar};
use super::batching::{phys, BatchResult};
use super::shape::py_bool;
use super::{expect_arity, tuple, BinaryOp, JvpResult, LinArg, Primitive};
use crate::aval::Aval;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::lax;
use crate::trace::bind1;
use crate::value::Value;
use crate::{type_err, value_err};

/// The monoid a reduction folds with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ReduceOp {
    Sum,
    Prod,
    Max,
    Min,
    /// Logical/bitwise and.
    And,
    /// Logical/bitwise or.
    Or,
}

/// `reduce_*`: folds the listed axes away.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reduce {
    /// The folding operation.
    pub op: ReduceOp,
    /// Sorted, distinct axes to reduce.
    pub axes: Vec<usize>,
}

fn check_axes(name: &str, axes: &[usize], ndim: usize) -> Result<()> {
    if axes.iter().any(|&a| a >= ndim) || axes.windows(2).any(|w| w[0] >= w[1]) {
        return Err(value_err!(
            "{name}: axes {} are invalid for an operand of rank {ndim}",
            tuple(axes)
        ));
    }
    Ok(())
}

impl Primitive for Reduce {
    fn name(&self) -> &'static str {
        match self.op {
            ReduceOp::Sum => "reduce_sum",
            ReduceOp::Prod => "reduce_prod",
            ReduceOp::Max => "reduce_max",
            ReduceOp::Min => "reduce_min",
            ReduceOp::And => "reduce_and",
            ReduceOp::Or => "reduce_or",
        }
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        check_axes(self.name(), &self.axes, x.ndim())?;
        let ok = match self.op {
            ReduceOp::And | ReduceOp::Or => !x.dtype.is_float(),
            ReduceOp::Sum | ReduceOp::Prod => x.dtype != DType::Bool,
            ReduceOp::Max | ReduceOp::Min => true,
        };
        if !ok {
            return Err(type_err!(
                "{} does not accept dtype {}",
                self.name(),
                x.dtype
            ));
        }
        let shape = (0..x.ndim())
            .filter(|d| !self.axes.contains(d))
            .map(|d| x.shape[d])
            .collect();
        Ok(vec![x.with_shape(shape)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("axes", tuple(&self.axes))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let x = &primals[0];
        let y = bind1(self.clone(), primals)?;
        let t = match &tangents[0] {
            Some(t) if differentiable(y.aval()) => t,
            _ => return Ok((vec![y], vec![None])),
        };
        let tangent = match self.op {
            ReduceOp::Sum => Some(bind1(self.clone(), std::slice::from_ref(t))?),
            ReduceOp::Max | ReduceOp::Min => Some(self.extremum_tangent(x, &y, t)?),
            ReduceOp::Prod => Some(self.prod_tangent(x, t)?),
            ReduceOp::And | ReduceOp::Or => None,
        };
        Ok((vec![y], vec![tangent]))
    }

    /// Only `reduce_sum` is linear: its cotangent broadcasts back.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        if self.op != ReduceOp::Sum {
            return Err(Error::NotImplemented {
                prim: self.name().into(),
                rule: "transpose (it is not linear)".into(),
            });
        }
        let Some(ct) = &cts[0] else {
            return Ok(vec![None]);
        };
        let a = args[0].aval();
        let kept: Vec<usize> = (0..a.ndim()).filter(|d| !self.axes.contains(d)).collect();
        Ok(vec![Some(lax::broadcast_in_dim(ct, &a.shape, &kept)?)])
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        let b = dims[0].unwrap_or(0);
        let axes: Vec<usize> = self.axes.iter().map(|&a| phys(a, b)).collect();
        let out_b = dims[0].map(|b| b - axes.iter().filter(|&&a| a < b).count());
        Ok((vec![lax::reduce(self.op, &args[0], &axes)?], vec![out_b]))
    }
}

impl Reduce {
    fn kept(&self, ndim: usize) -> Vec<usize> {
        (0..ndim).filter(|d| !self.axes.contains(d)).collect()
    }

    /// The mean of the tangents at the positions that attain the extremum.
    fn extremum_tangent(&self, x: &Value, y: &Value, t: &Value) -> Result<Value> {
        let yb = lax::broadcast_in_dim(y, x.shape(), &self.kept(x.shape().len()))?;
        let hit = lax::binary(BinaryOp::Eq, x, &yb)?;
        let ones = lax::convert(&hit, x.dtype(), false)?;
        let sum = |v: &Value| lax::reduce(ReduceOp::Sum, v, &self.axes);
        let picked = lax::select_n(&hit, &[scalar(0.0, t), t.clone()])?;
        lax::binary(BinaryOp::Div, &sum(&picked)?, &sum(&ones)?)
    }

    /// `sum_i t_i * prod_{j != i} x_j`, with the products of the other elements from
    /// exclusive scans (no division, so zeros in `x` are handled exactly).
    fn prod_tangent(&self, x: &Value, t: &Value) -> Result<Value> {
        let n = x.shape().len();
        let kept = self.kept(n);
        let mut perm = kept.clone();
        perm.extend(&self.axes);
        let mut flat: Vec<usize> = kept.iter().map(|&d| x.shape()[d]).collect();
        let r: usize = self.axes.iter().map(|&d| x.shape()[d]).product();
        flat.push(r);
        let arrange = |v: &Value| lax::reshape(&lax::transpose(v, &perm)?, &flat);
        let (xf, tf) = (arrange(x)?, arrange(t)?);
        let last = flat.len() - 1;
        let exclusive = |reverse: bool| -> Result<Value> {
            let scan = bind1(
                Cumulative {
                    op: CumOp::Prod,
                    axis: last,
                    reverse,
                },
                std::slice::from_ref(&xf),
            )?;
            let mut one_shape = flat.clone();
            one_shape[last] = 1;
            let ones = lax::full(&one_shape, crate::data::Scalar::Float(1.0), x.dtype())?;
            if r == 0 {
                return Ok(scan);
            }
            let zeros_start = vec![0; flat.len()];
            let mut shifted_start = zeros_start.clone();
            let mut limit = flat.clone();
            let strides = vec![1; flat.len()];
            if reverse {
                shifted_start[last] = 1;
                let tail = lax::slice(&scan, &shifted_start, &limit, &strides)?;
                lax::concatenate(&[tail, ones], last)
            } else {
                limit[last] = r - 1;
                let head = lax::slice(&scan, &zeros_start, &limit, &strides)?;
                lax::concatenate(&[ones, head], last)
            }
        };
        let others = mul(&exclusive(false)?, &exclusive(true)?)?;
        lax::reduce(ReduceOp::Sum, &mul(&tf, &others)?, &[last])
    }
}

impl Cumulative {
    /// The tangent of `cumprod`/`cummax`/`cummin` as a parallel prefix scan over pairs
    /// `(value, tangent)` with the derivative of the combining operation (log2(n) rounds of
    /// shift-and-combine, using only primitives with JVP and transpose rules). Exact with
    /// zeros (no division); ties in max/min share the derivative as `max`'s rule does.
    fn scan_tangent(&self, x: &Value, t: &Value) -> Result<Value> {
        let axis = self.axis;
        let n = x.shape()[axis];
        let flip = |v: &Value| -> Result<Value> {
            if self.reverse {
                lax::rev(v, &[axis])
            } else {
                Ok(v.clone())
            }
        };
        let (mut a, mut da) = (flip(x)?, flip(t)?);
        let identity = match self.op {
            CumOp::Prod => 1.0,
            CumOp::Max => f64::NEG_INFINITY,
            CumOp::Min => f64::INFINITY,
            CumOp::Sum => 0.0,
        };
        let shift = |v: &Value, by: usize, fill: f64| -> Result<Value> {
            let mut config = vec![(0i64, 0i64, 0i64); v.shape().len()];
            config[axis] = (by as i64, -(by as i64), 0);
            bind1(super::Pad { config }, &[v.clone(), scalar(fill, v)])
        };
        let mut offset = 1;
        while offset < n {
            let (sa, sda) = (shift(&a, offset, identity)?, shift(&da, offset, 0.0)?);
            let (na, nda) = match self.op {
                CumOp::Prod => {
                    let na = mul(&sa, &a)?;
                    let nda = lax::binary(BinaryOp::Add, &mul(&sda, &a)?, &mul(&sa, &da)?)?;
                    (na, nda)
                }
                _ => {
                    let op = if self.op == CumOp::Max {
                        BinaryOp::Max
                    } else {
                        BinaryOp::Min
                    };
                    let na = lax::binary(op, &sa, &a)?;
                    let (hit_s, hit) = (
                        lax::binary(BinaryOp::Eq, &sa, &na)?,
                        lax::binary(BinaryOp::Eq, &a, &na)?,
                    );
                    let (zero, one, half) = (scalar(0.0, x), scalar(1.0, x), scalar(0.5, x));
                    let w_s = lax::select_n(
                        &hit_s,
                        &[
                            zero.clone(),
                            lax::select_n(&hit, &[one.clone(), half.clone()])?,
                        ],
                    )?;
                    let w = lax::select_n(&hit, &[zero, lax::select_n(&hit_s, &[one, half])?])?;
                    let nda = lax::binary(BinaryOp::Add, &mul(&sda, &w_s)?, &mul(&da, &w)?)?;
                    (na, nda)
                }
            };
            a = na;
            da = nda;
            offset *= 2;
        }
        flip(&da)
    }
}

/// Which extremum an arg-reduction finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgOp {
    /// Index of the largest element (NaN counts as largest; first occurrence).
    Max,
    /// Index of the smallest element (NaN counts as smallest; first occurrence).
    Min,
}

/// `argmax`/`argmin` along one axis.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArgReduce {
    /// Which extremum.
    pub op: ArgOp,
    /// The reduced axis.
    pub axis: usize,
    /// Integer dtype of the indices.
    pub index_dtype: DType,
}

impl Primitive for ArgReduce {
    fn name(&self) -> &'static str {
        match self.op {
            ArgOp::Max => "argmax",
            ArgOp::Min => "argmin",
        }
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        check_axes(self.name(), &[self.axis], x.ndim())?;
        if x.shape[self.axis] == 0 {
            return Err(value_err!(
                "{}: attempt to get the {} of an empty sequence",
                self.name(),
                self.name()
            ));
        }
        if !self.index_dtype.is_int() {
            return Err(type_err!(
                "{}: index_dtype must be an integer type, got {}",
                self.name(),
                self.index_dtype
            ));
        }
        let mut shape = x.shape.clone();
        shape.remove(self.axis);
        Ok(vec![Aval::new(shape, self.index_dtype)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("axes", tuple(&[self.axis])),
            ("index_dtype", self.index_dtype.name().to_string()),
        ]
    }

    fn jvp(&self, primals: &[Value], _tangents: &[Option<Value>]) -> JvpResult {
        Ok((vec![bind1(self.clone(), primals)?], vec![None]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        let b = dims[0].unwrap_or(0);
        let axis = phys(self.axis, b);
        let out_b = dims[0].map(|b| if axis < b { b - 1 } else { b });
        let p = ArgReduce {
            op: self.op,
            axis,
            index_dtype: self.index_dtype,
        };
        Ok((vec![bind1(p, args)?], vec![out_b]))
    }
}

/// The operation of a cumulative scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum CumOp {
    Sum,
    Prod,
    Max,
    Min,
}

/// `cumsum`/`cumprod`/`cummax`/`cummin` along one axis, optionally from the end.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cumulative {
    /// The scan operation.
    pub op: CumOp,
    /// The scanned axis.
    pub axis: usize,
    /// Scan from the last element backwards.
    pub reverse: bool,
}

impl Primitive for Cumulative {
    fn name(&self) -> &'static str {
        match self.op {
            CumOp::Sum => "cumsum",
            CumOp::Prod => "cumprod",
            CumOp::Max => "cummax",
            CumOp::Min => "cummin",
        }
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        check_axes(self.name(), &[self.axis], x.ndim())?;
        if x.dtype == DType::Bool {
            return Err(type_err!("{} does not accept dtype bool", self.name()));
        }
        Ok(vec![x.clone()])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("axis", self.axis.to_string()),
            ("reverse", py_bool(self.reverse)),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        match self.op {
            CumOp::Sum => linear_jvp(self.clone().into(), primals, tangents, 1),
            _ => {
                let y = bind1(self.clone(), primals)?;
                let t = match &tangents[0] {
                    Some(t) if differentiable(y.aval()) => Some(self.scan_tangent(&primals[0], t)?),
                    _ => None,
                };
                Ok((vec![y], vec![t]))
            }
        }
    }

    /// Only `cumsum` is linear: its transpose is the cumsum in the other direction.
    fn transpose(&self, cts: &[Option<Value>], _args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        if self.op != CumOp::Sum {
            return Err(Error::NotImplemented {
                prim: self.name().into(),
                rule: "transpose (it is not linear)".into(),
            });
        }
        let Some(ct) = &cts[0] else {
            return Ok(vec![None]);
        };
        let rev = Cumulative {
            op: CumOp::Sum,
            axis: self.axis,
            reverse: !self.reverse,
        };
        Ok(vec![Some(bind1(rev, std::slice::from_ref(ct))?)])
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        let b = dims[0].unwrap_or(0);
        let p = Cumulative {
            op: self.op,
            axis: phys(self.axis, b),
            reverse: self.reverse,
        };
        Ok((vec![bind1(p, args)?], vec![dims[0]]))
    }
}

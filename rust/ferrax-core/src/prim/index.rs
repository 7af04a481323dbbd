//! Static and dynamic slicing.

use super::ad::{linear_jvp, scalar, zeros};
use super::batching::{at_front, unbatchable, BatchResult};
use super::{expect_arity, tuple, JvpResult, LinArg, Pad, Primitive};
use crate::aval::Aval;
use crate::error::Result;
use crate::shape::fmt_shape;
use crate::trace::bind1;
use crate::value::Value;
use crate::{type_err, value_err};

/// A zero start index of the same dtype as the given ones (int32 when there are none).
fn zero_index(starts: &[Value]) -> Value {
    let dtype = starts
        .first()
        .map_or(crate::dtype::DType::I32, Value::dtype);
    Value::scalar(crate::data::Scalar::Int(0), dtype, false)
}

/// The constant start indices of a dynamic slice being transposed.
fn const_starts(name: &str, args: &[LinArg]) -> Result<Vec<Value>> {
    args.iter().map(|a| a.value(name).cloned()).collect()
}

/// `slice`: elements `start[d] + k * strides[d]` below `limit[d]` in each dimension.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slice {
    /// First index per dimension.
    pub start_indices: Vec<usize>,
    /// Exclusive end per dimension.
    pub limit_indices: Vec<usize>,
    /// Positive step per dimension.
    pub strides: Vec<usize>,
}

impl Primitive for Slice {
    fn name(&self) -> &'static str {
        "slice"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        let n = x.ndim();
        let lens_ok = self.start_indices.len() == n
            && self.limit_indices.len() == n
            && self.strides.len() == n;
        let valid = lens_ok
            && (0..n).all(|d| {
                self.start_indices[d] <= self.limit_indices[d]
                    && self.limit_indices[d] <= x.shape[d]
                    && self.strides[d] >= 1
            });
        if !valid {
            return Err(value_err!(
                "slice: start {} limit {} strides {} are invalid for shape {}",
                tuple(&self.start_indices),
                tuple(&self.limit_indices),
                tuple(&self.strides),
                fmt_shape(&x.shape)
            ));
        }
        let shape = (0..n)
            .map(|d| (self.limit_indices[d] - self.start_indices[d]).div_ceil(self.strides[d]))
            .collect();
        Ok(vec![x.with_shape(shape)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("limit_indices", tuple(&self.limit_indices)),
            ("start_indices", tuple(&self.start_indices)),
            ("strides", tuple(&self.strides)),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    /// Zero-pads the cotangent back to the operand's shape (interior padding undoes strides).
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let Some(ct) = &cts[0] else {
            return Ok(vec![None]);
        };
        let a = args[0].aval();
        let config = (0..a.ndim())
            .map(|d| {
                let (start, step, n) = (self.start_indices[d], self.strides[d], ct.shape()[d]);
                let end = if n == 0 {
                    start
                } else {
                    start + (n - 1) * step + 1
                };
                (
                    start as i64,
                    (a.shape[d] - end) as i64,
                    if n == 0 { 0 } else { step as i64 - 1 },
                )
            })
            .collect();
        Ok(vec![Some(bind1(
            Pad { config },
            &[ct.clone(), scalar(0.0, ct)],
        )?)])
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let b = dims[0].unwrap_or(0);
        let (mut start, mut limit, mut strides) = (
            self.start_indices.clone(),
            self.limit_indices.clone(),
            self.strides.clone(),
        );
        start.insert(b, 0);
        limit.insert(b, size);
        strides.insert(b, 1);
        let s = Slice {
            start_indices: start,
            limit_indices: limit,
            strides,
        };
        Ok((vec![bind1(s, args)?], vec![dims[0]]))
    }
}

fn check_start_indices(name: &str, x: &Aval, starts: &[&Aval]) -> Result<()> {
    if starts.len() != x.ndim() {
        return Err(value_err!(
            "{name}: got {} start indices for an operand of rank {}",
            starts.len(),
            x.ndim()
        ));
    }
    if let Some(bad) = starts.iter().find(|s| s.ndim() != 0 || !s.dtype.is_int()) {
        return Err(type_err!(
            "{name}: start indices must be integer scalars, got {}",
            bad.describe()
        ));
    }
    Ok(())
}

/// `dynamic_slice(x, *starts)`: a `slice_sizes` window at run-time starts, clamped to fit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DynamicSlice {
    /// Window size per dimension.
    pub slice_sizes: Vec<usize>,
}

impl Primitive for DynamicSlice {
    fn name(&self) -> &'static str {
        "dynamic_slice"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let x = inputs
            .first()
            .ok_or_else(|| type_err!("dynamic_slice requires an operand"))?;
        check_start_indices(self.name(), x, &inputs[1..])?;
        if self.slice_sizes.len() != x.ndim()
            || self.slice_sizes.iter().zip(&x.shape).any(|(s, d)| s > d)
        {
            return Err(value_err!(
                "dynamic_slice: slice_sizes {} must not exceed the operand shape {}",
                tuple(&self.slice_sizes),
                fmt_shape(&x.shape)
            ));
        }
        Ok(vec![x.with_shape(self.slice_sizes.clone())])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("slice_sizes", tuple(&self.slice_sizes))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    /// The cotangent written into zeros at the (clamped) window.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let mut out = vec![None; args.len()];
        let Some(ct) = &cts[0] else { return Ok(out) };
        let mut ins = vec![zeros(args[0].aval())?, ct.clone()];
        ins.extend(const_starts(self.name(), &args[1..])?);
        out[0] = Some(bind1(DynamicUpdateSlice, &ins)?);
        Ok(out)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        if dims[1..].iter().any(Option::is_some) {
            return Err(unbatchable(
                "dynamic_slice",
                "batched start indices need a gather",
            ));
        }
        let mut ins = vec![at_front(&args[0], dims[0], size)?];
        ins.push(zero_index(&args[1..]));
        ins.extend_from_slice(&args[1..]);
        let mut sizes = vec![size];
        sizes.extend_from_slice(&self.slice_sizes);
        Ok((
            vec![bind1(DynamicSlice { slice_sizes: sizes }, &ins)?],
            vec![Some(0)],
        ))
    }
}

/// `dynamic_update_slice(x, update, *starts)`: `x` with a window replaced by `update`,
/// starts clamped so that it fits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DynamicUpdateSlice;

impl Primitive for DynamicUpdateSlice {
    fn name(&self) -> &'static str {
        "dynamic_update_slice"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        if inputs.len() < 2 {
            return Err(type_err!(
                "dynamic_update_slice requires an operand and an update"
            ));
        }
        let (x, u) = (inputs[0], inputs[1]);
        check_start_indices(self.name(), x, &inputs[2..])?;
        if u.dtype != x.dtype {
            return Err(type_err!(
                "dynamic_update_slice: update dtype {} differs from operand dtype {}",
                u.dtype,
                x.dtype
            ));
        }
        if u.ndim() != x.ndim() || u.shape.iter().zip(&x.shape).any(|(a, b)| a > b) {
            return Err(value_err!(
                "dynamic_update_slice: update of shape {} does not fit operand of shape {}",
                fmt_shape(&u.shape),
                fmt_shape(&x.shape)
            ));
        }
        Ok(vec![x.clone()])
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 2)
    }

    /// The operand gets the cotangent with the window zeroed, the update the window.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let mut out = vec![None; args.len()];
        let Some(ct) = &cts[0] else { return Ok(out) };
        let starts = const_starts(self.name(), &args[2..])?;
        let u = args[1].aval();
        if args[0].is_linear() {
            let mut ins = vec![ct.clone(), zeros(u)?];
            ins.extend(starts.iter().cloned());
            out[0] = Some(bind1(DynamicUpdateSlice, &ins)?);
        }
        if args[1].is_linear() {
            let mut ins = vec![ct.clone()];
            ins.extend(starts);
            out[1] = Some(bind1(
                DynamicSlice {
                    slice_sizes: u.shape.clone(),
                },
                &ins,
            )?);
        }
        Ok(out)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        if dims[2..].iter().any(Option::is_some) {
            return Err(unbatchable(
                "dynamic_update_slice",
                "batched start indices need a scatter",
            ));
        }
        let mut ins = vec![
            at_front(&args[0], dims[0], size)?,
            at_front(&args[1], dims[1], size)?,
        ];
        ins.push(zero_index(&args[2..]));
        ins.extend_from_slice(&args[2..]);
        Ok((vec![bind1(DynamicUpdateSlice, &ins)?], vec![Some(0)]))
    }
}

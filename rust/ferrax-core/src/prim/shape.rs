//! Primitives that move, create or retype elements without arithmetic.

use super::ad::{differentiable, linear_jvp, scalar};
use super::batching::{at_front, phys, same_layout, unbatchable, BatchResult};
use super::{expect_arity, tuple, JvpResult, LinArg, Primitive, ReduceOp};
use crate::aval::Aval;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::lax;
use crate::shape::{check_permutation, fmt_shape, size, Shape};
use crate::trace::bind1;
use crate::value::Value;
use crate::{type_err, value_err};

/// The cotangent of a linear single-operand primitive, or `None` without one.
fn ct1(
    cts: &[Option<Value>],
    f: impl FnOnce(&Value) -> Result<Value>,
) -> Result<Vec<Option<Value>>> {
    Ok(vec![match &cts[0] {
        Some(ct) => Some(f(ct)?),
        None => None,
    }])
}

/// `convert_element_type`: casts elementwise (floats to ints truncate and saturate).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConvertElementType {
    /// Target dtype.
    pub dtype: DType,
    /// Whether the result is weakly typed.
    pub weak: bool,
}

impl Primitive for ConvertElementType {
    fn name(&self) -> &'static str {
        "convert_element_type"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        Ok(vec![Aval {
            shape: inputs[0].shape.clone(),
            dtype: self.dtype,
            weak: self.weak,
        }])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("new_dtype", self.dtype.name().to_string()),
            ("weak_type", py_bool(self.weak)),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let y = bind1(self.clone(), primals)?;
        let t = match &tangents[0] {
            Some(t) if differentiable(y.aval()) && differentiable(primals[0].aval()) => {
                Some(bind1(self.clone(), std::slice::from_ref(t))?)
            }
            _ => None,
        };
        Ok((vec![y], vec![t]))
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let a = args[0].aval();
        ct1(cts, |ct| lax::convert(ct, a.dtype, a.weak))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        same_layout(&self.clone().into(), args, dims)
    }
}

/// `bitcast_convert_type`: reinterprets each element's bits as another dtype of the same
/// width (`float32` <-> `int32`/`uint32`, `float64` <-> `int64`). Not differentiable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BitcastConvertType {
    /// Target dtype.
    pub dtype: DType,
}

impl Primitive for BitcastConvertType {
    fn name(&self) -> &'static str {
        "bitcast_convert_type"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let from = inputs[0].dtype;
        let width = |d: DType| match d {
            DType::Bool => 1,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::F64 => 8,
        };
        if width(from) != width(self.dtype) || from == DType::Bool {
            return Err(type_err!(
                "bitcast_convert_type: {} and {} do not have the same bit width",
                from.name(),
                self.dtype.name()
            ));
        }
        Ok(vec![Aval::new(inputs[0].shape.clone(), self.dtype)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("new_dtype", self.dtype.name().to_string())]
    }
    fn jvp(&self, primals: &[Value], _tangents: &[Option<Value>]) -> JvpResult {
        Ok((vec![bind1(self.clone(), primals)?], vec![None]))
    }
    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        same_layout(&self.clone().into(), args, dims)
    }
}

pub(crate) fn py_bool(b: bool) -> String {
    if b { "True" } else { "False" }.to_string()
}

/// `iota`: `0, 1, 2, ...` along `dimension` of `shape`, broadcast along the others.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Iota {
    /// Element type.
    pub dtype: DType,
    /// Output shape.
    pub shape: Shape,
    /// The counting dimension.
    pub dimension: usize,
}

impl Primitive for Iota {
    fn name(&self) -> &'static str {
        "iota"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 0)?;
        if self.dimension >= self.shape.len() {
            return Err(value_err!(
                "iota: dimension {} is out of range for shape {}",
                self.dimension,
                fmt_shape(&self.shape)
            ));
        }
        if self.dtype == DType::Bool {
            return Err(type_err!("iota does not accept dtype bool"));
        }
        Ok(vec![Aval::new(self.shape.clone(), self.dtype)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("dimension", self.dimension.to_string()),
            ("dtype", self.dtype.name().to_string()),
            ("shape", tuple(&self.shape)),
        ]
    }

    fn jvp(&self, primals: &[Value], _tangents: &[Option<Value>]) -> JvpResult {
        Ok((vec![bind1(self.clone(), primals)?], vec![None]))
    }

    fn batch(&self, args: &[Value], _dims: &[Option<usize>], _size: usize) -> BatchResult {
        Ok((vec![bind1(self.clone(), args)?], vec![None]))
    }
}

/// `broadcast_in_dim`: operand dimension `i` becomes output dimension `broadcast_dimensions[i]`
/// (its size equal to the output's, or 1); the other output dimensions are new.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BroadcastInDim {
    /// Output shape.
    pub shape: Shape,
    /// Where each operand dimension lands, strictly increasing.
    pub broadcast_dimensions: Vec<usize>,
}

impl Primitive for BroadcastInDim {
    fn name(&self) -> &'static str {
        "broadcast_in_dim"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        let dims = &self.broadcast_dimensions;
        let bad = dims.len() != x.ndim()
            || dims.windows(2).any(|w| w[0] >= w[1])
            || dims
                .iter()
                .zip(&x.shape)
                .any(|(&d, &s)| d >= self.shape.len() || (s != 1 && s != self.shape[d]));
        if bad {
            return Err(value_err!(
                "broadcast_in_dim: cannot broadcast operand of shape {} to shape {} with \
                 broadcast_dimensions {}",
                fmt_shape(&x.shape),
                fmt_shape(&self.shape),
                tuple(dims)
            ));
        }
        Ok(vec![x.with_shape(self.shape.clone())])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("broadcast_dimensions", tuple(&self.broadcast_dimensions)),
            ("shape", tuple(&self.shape)),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    /// Sums over the new dimensions and the broadcast size-1 ones.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let a = args[0].aval().clone();
        let dims = self.broadcast_dimensions.clone();
        ct1(cts, |ct| {
            let summed: Vec<usize> = (0..self.shape.len())
                .filter(|d| match dims.iter().position(|x| x == d) {
                    None => true,
                    Some(i) => a.shape[i] == 1 && self.shape[*d] != 1,
                })
                .collect();
            let r = lax::reduce(ReduceOp::Sum, ct, &summed)?;
            lax::reshape(&r, &a.shape)
        })
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let x = at_front(&args[0], dims[0], size)?;
        let mut shape = vec![size];
        shape.extend_from_slice(&self.shape);
        let mut bd = vec![0];
        bd.extend(self.broadcast_dimensions.iter().map(|d| d + 1));
        Ok((vec![lax::broadcast_in_dim(&x, &shape, &bd)?], vec![Some(0)]))
    }
}

/// `reshape`: same elements in row-major order, another shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reshape {
    /// Output shape.
    pub new_sizes: Shape,
}

impl Primitive for Reshape {
    fn name(&self) -> &'static str {
        "reshape"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        if size(&self.new_sizes) != x.size() {
            return Err(value_err!(
                "reshape: cannot reshape array of shape {} (size {}) into shape {} (size {})",
                fmt_shape(&x.shape),
                x.size(),
                fmt_shape(&self.new_sizes),
                size(&self.new_sizes)
            ));
        }
        Ok(vec![x.with_shape(self.new_sizes.clone())])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("new_sizes", tuple(&self.new_sizes))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let a = args[0].aval().clone();
        ct1(cts, |ct| lax::reshape(ct, &a.shape))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let x = at_front(&args[0], dims[0], size)?;
        let mut shape = vec![size];
        shape.extend_from_slice(&self.new_sizes);
        Ok((vec![lax::reshape(&x, &shape)?], vec![Some(0)]))
    }
}

/// `transpose`: output dimension `i` is operand dimension `permutation[i]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Transpose {
    /// The permutation.
    pub permutation: Vec<usize>,
}

impl Primitive for Transpose {
    fn name(&self) -> &'static str {
        "transpose"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        check_permutation("transpose", &self.permutation, x.ndim())?;
        let shape = self.permutation.iter().map(|&p| x.shape[p]).collect();
        Ok(vec![x.with_shape(shape)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("permutation", tuple(&self.permutation))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    fn transpose(&self, cts: &[Option<Value>], _args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let mut inverse = vec![0; self.permutation.len()];
        for (i, &p) in self.permutation.iter().enumerate() {
            inverse[p] = i;
        }
        ct1(cts, |ct| lax::transpose(ct, &inverse))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let x = at_front(&args[0], dims[0], size)?;
        let mut perm = vec![0];
        perm.extend(self.permutation.iter().map(|p| p + 1));
        Ok((vec![lax::transpose(&x, &perm)?], vec![Some(0)]))
    }
}

/// `squeeze`: removes the listed dimensions, each of size 1.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Squeeze {
    /// Sorted, distinct dimensions to remove.
    pub dimensions: Vec<usize>,
}

impl Primitive for Squeeze {
    fn name(&self) -> &'static str {
        "squeeze"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        for &d in &self.dimensions {
            if d >= x.ndim() || x.shape[d] != 1 {
                return Err(value_err!(
                    "squeeze: cannot squeeze dimension {d} of an array of shape {}: only \
                     existing dimensions of size 1 can be squeezed",
                    fmt_shape(&x.shape)
                ));
            }
        }
        let shape = (0..x.ndim())
            .filter(|d| !self.dimensions.contains(d))
            .map(|d| x.shape[d])
            .collect();
        Ok(vec![x.with_shape(shape)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("dimensions", tuple(&self.dimensions))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let a = args[0].aval().clone();
        ct1(cts, |ct| lax::reshape(ct, &a.shape))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let x = at_front(&args[0], dims[0], size)?;
        let d: Vec<usize> = self.dimensions.iter().map(|d| d + 1).collect();
        Ok((vec![lax::squeeze(&x, &d)?], vec![Some(0)]))
    }
}

/// `expand_dims`: inserts size-1 dimensions at the listed output positions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExpandDims {
    /// Sorted, distinct output positions of the new dimensions.
    pub dimensions: Vec<usize>,
}

impl Primitive for ExpandDims {
    fn name(&self) -> &'static str {
        "expand_dims"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        let rank = x.ndim() + self.dimensions.len();
        if self.dimensions.iter().any(|&d| d >= rank) {
            return Err(value_err!(
                "expand_dims: dimensions {} out of range for result rank {rank}",
                tuple(&self.dimensions)
            ));
        }
        let mut src = x.shape.iter();
        let shape = (0..rank)
            .map(|d| {
                if self.dimensions.contains(&d) {
                    1
                } else {
                    src.next().copied().unwrap_or(1)
                }
            })
            .collect();
        Ok(vec![x.with_shape(shape)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("dimensions", tuple(&self.dimensions))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let a = args[0].aval().clone();
        ct1(cts, |ct| lax::reshape(ct, &a.shape))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let x = at_front(&args[0], dims[0], size)?;
        let d: Vec<usize> = self.dimensions.iter().map(|d| d + 1).collect();
        Ok((vec![lax::expand_dims(&x, &d)?], vec![Some(0)]))
    }
}

/// `rev`: reverses the order of elements along the listed dimensions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rev {
    /// Dimensions to reverse.
    pub dimensions: Vec<usize>,
}

impl Primitive for Rev {
    fn name(&self) -> &'static str {
        "rev"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        if self.dimensions.iter().any(|&d| d >= x.ndim()) {
            return Err(value_err!(
                "rev: dimensions {} out of range for shape {}",
                tuple(&self.dimensions),
                fmt_shape(&x.shape)
            ));
        }
        Ok(vec![x.clone()])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("dimensions", tuple(&self.dimensions))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    fn transpose(&self, cts: &[Option<Value>], _args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        ct1(cts, |ct| lax::rev(ct, &self.dimensions))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        let b = dims[0].unwrap_or(0);
        let d: Vec<usize> = self.dimensions.iter().map(|&k| phys(k, b)).collect();
        Ok((vec![lax::rev(&args[0], &d)?], vec![dims[0]]))
    }
}

/// `concatenate`: joins operands of one dtype along `dimension`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Concatenate {
    /// The joining dimension.
    pub dimension: usize,
}

impl Primitive for Concatenate {
    fn name(&self) -> &'static str {
        "concatenate"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let first = inputs
            .first()
            .ok_or_else(|| value_err!("concatenate requires at least one operand"))?;
        let d = self.dimension;
        if d >= first.ndim() {
            return Err(value_err!(
                "concatenate: dimension {d} is out of range for operands of rank {}",
                first.ndim()
            ));
        }
        let mut total = 0;
        for a in inputs {
            if a.dtype != first.dtype {
                return Err(type_err!(
                    "concatenate requires operands of the same dtype, got {} and {}",
                    first.dtype,
                    a.dtype
                ));
            }
            let same_rest = a.ndim() == first.ndim()
                && (0..a.ndim()).all(|i| i == d || a.shape[i] == first.shape[i]);
            if !same_rest {
                return Err(value_err!(
                    "concatenate: operand shapes must match except along dimension {d}, got {} \
                     and {}",
                    fmt_shape(&first.shape),
                    fmt_shape(&a.shape)
                ));
            }
            total += a.shape[d];
        }
        let mut shape = first.shape.clone();
        shape[d] = total;
        Ok(vec![Aval {
            shape,
            dtype: first.dtype,
            weak: inputs.iter().all(|a| a.weak),
        }])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("dimension", self.dimension.to_string())]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, primals.len())
    }

    /// Each linear operand gets its slice of the cotangent.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let mut out = vec![None; args.len()];
        let Some(ct) = &cts[0] else { return Ok(out) };
        let d = self.dimension;
        let mut offset = 0;
        for (i, a) in args.iter().enumerate() {
            let shape = &a.aval().shape;
            if a.is_linear() {
                let mut start = vec![0; shape.len()];
                let mut limit = ct.shape().to_vec();
                start[d] = offset;
                limit[d] = offset + shape[d];
                out[i] = Some(lax::slice(ct, &start, &limit, &vec![1; shape.len()])?);
            }
            offset += shape[d];
        }
        Ok(out)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let xs = args
            .iter()
            .zip(dims)
            .map(|(v, d)| at_front(v, *d, size))
            .collect::<Result<Vec<_>>>()?;
        Ok((
            vec![lax::concatenate(&xs, self.dimension + 1)?],
            vec![Some(0)],
        ))
    }
}

/// `pad(x, padding_value)`: `(low, high, interior)` per dimension; low/high may be negative.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pad {
    /// `(low, high, interior)` for each dimension.
    pub config: Vec<(i64, i64, i64)>,
}

impl Pad {
    /// The padded size of one dimension, if valid.
    pub fn out_dim(size: usize, (lo, hi, interior): (i64, i64, i64)) -> Option<usize> {
        let n = size as i64;
        let core = if n == 0 { 0 } else { n + (n - 1) * interior };
        let total = lo + hi + core;
        (interior >= 0 && total >= 0).then_some(total as usize)
    }
}

impl Primitive for Pad {
    fn name(&self) -> &'static str {
        "pad"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 2)?;
        let (x, v) = (inputs[0], inputs[1]);
        if v.ndim() != 0 || v.dtype != x.dtype {
            return Err(type_err!(
                "pad: the padding value must be a scalar of the operand's dtype {}, got {}",
                x.dtype,
                v.describe()
            ));
        }
        if self.config.len() != x.ndim() {
            return Err(value_err!(
                "pad: padding_config has {} entries, the operand has rank {}",
                self.config.len(),
                x.ndim()
            ));
        }
        let mut shape = Vec::with_capacity(x.ndim());
        for (&s, &c) in x.shape.iter().zip(&self.config) {
            shape.push(Pad::out_dim(s, c).ok_or_else(|| {
                value_err!(
                    "pad: padding {c:?} is invalid for a dimension of size {s} (interior must \
                     be >= 0 and the result non-negative)"
                )
            })?);
        }
        Ok(vec![x.with_shape(shape)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        let parts: Vec<String> = self
            .config
            .iter()
            .map(|(l, h, i)| format!("({l}, {h}, {i})"))
            .collect();
        vec![("padding_config", format!("({})", parts.join(", ")))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        linear_jvp(self.clone().into(), primals, tangents, 2)
    }

    /// The operand's cotangent is the strided slice at its positions (after restoring any
    /// cropped border); the padding value's is the sum of the rest.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let Some(ct) = &cts[0] else {
            return Ok(vec![None, None]);
        };
        let a = args[0].aval().clone();
        let uncrop: Vec<(i64, i64, i64)> = self
            .config
            .iter()
            .map(|&(lo, hi, _)| ((-lo).max(0), (-hi).max(0), 0))
            .collect();
        let full = bind1(Pad { config: uncrop }, &[ct.clone(), scalar(0.0, ct)])?;
        let mut start = Vec::with_capacity(a.ndim());
        let mut limit = Vec::with_capacity(a.ndim());
        let mut strides = Vec::with_capacity(a.ndim());
        for (d, &(lo, _, interior)) in self.config.iter().enumerate() {
            let lo = lo.max(0) as usize;
            let step = interior as usize + 1;
            start.push(lo);
            limit.push(if a.shape[d] == 0 {
                lo
            } else {
                lo + (a.shape[d] - 1) * step + 1
            });
            strides.push(step);
        }
        let ct_x = lax::slice(&full, &start, &limit, &strides)?;
        let ct_v = if args[1].is_linear() {
            let all: Vec<usize> = (0..ct.shape().len()).collect();
            let total = lax::reduce(ReduceOp::Sum, ct, &all)?;
            let all_x: Vec<usize> = (0..a.ndim()).collect();
            let inner = lax::reduce(ReduceOp::Sum, &ct_x, &all_x)?;
            Some(lax::binary(super::BinaryOp::Sub, &total, &inner)?)
        } else {
            None
        };
        let ct_x = if args[0].is_linear() {
            Some(ct_x)
        } else {
            None
        };
        Ok(vec![ct_x, ct_v])
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        if dims[1].is_some() {
            return Err(unbatchable("pad", "a batched padding value"));
        }
        let b = dims[0].unwrap_or(0);
        let mut config = self.config.clone();
        config.insert(b, (0, 0, 0));
        Ok((vec![bind1(Pad { config }, args)?], vec![dims[0]]))
    }
}

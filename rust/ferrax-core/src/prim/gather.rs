//! `gather` and `scatter`: reading and updating whole slices of an operand at integer index
//! tuples, the primitives behind NumPy's advanced indexing and `x.at[idx]`.
//!
//! Both index `axes` of the operand with `indices` of shape `I + [len(axes)]`; every index
//! tuple selects the slice over the remaining dimensions, so a gather's output (and a
//! scatter's updates) have shape `I + rest`. Out-of-bound tuples are clamped (`gather`,
//! `fill = false`), read as zeros (`gather`, `fill = true`) or dropped (`scatter`).

use super::ad::{differentiable, zeros};
use super::batching::{at_front, move_axis, BatchResult};
use super::{expect_arity, tuple, BinaryOp, JvpResult, LinArg, Primitive, SelectN};
use crate::aval::Aval;
use crate::data::Scalar;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::lax;
use crate::shape::fmt_shape;
use crate::trace::bind1;
use crate::value::Value;
use crate::{type_err, value_err};

/// How `scatter` combines an update with the operand's element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScatterOp {
    /// Replaces the element.
    Set,
    /// Adds to it.
    Add,
    /// Multiplies it.
    Mul,
    /// Keeps the minimum.
    Min,
    /// Keeps the maximum.
    Max,
}

impl ScatterOp {
    fn name(self) -> &'static str {
        match self {
            ScatterOp::Set => "scatter",
            ScatterOp::Add => "scatter_add",
            ScatterOp::Mul => "scatter_mul",
            ScatterOp::Min => "scatter_min",
            ScatterOp::Max => "scatter_max",
        }
    }
}

/// The shape rule both primitives share: the operand, the index shape `I` and the slice
/// shape `rest`.
fn index_shapes(
    name: &str,
    axes: &[usize],
    x: &Aval,
    idx: &Aval,
) -> Result<(Vec<usize>, Vec<usize>)> {
    if !idx.dtype.is_int() {
        return Err(type_err!(
            "{name}: indices must be integers, got {}",
            idx.dtype
        ));
    }
    let mut seen = vec![false; x.ndim()];
    for &a in axes {
        if a >= x.ndim() || seen[a] {
            return Err(value_err!(
                "{name}: axes {} are invalid for an operand of shape {}",
                tuple(axes),
                fmt_shape(&x.shape)
            ));
        }
        seen[a] = true;
    }
    if idx.shape.last() != Some(&axes.len()) {
        return Err(value_err!(
            "{name}: indices of shape {} must end in a dimension of size {} (one entry per \
             indexed axis)",
            fmt_shape(&idx.shape),
            axes.len()
        ));
    }
    let batch = idx.shape[..idx.ndim() - 1].to_vec();
    let rest = (0..x.ndim())
        .filter(|d| !seen[*d])
        .map(|d| x.shape[d])
        .collect();
    Ok((batch, rest))
}

/// Indices with a leading batch component: `[b, idx...]` for example `b`, and the axes
/// shifted behind a new leading operand axis.
fn with_batch_index(idx: &Value, axes: &[usize]) -> Result<(Value, Vec<usize>)> {
    let shape = idx.shape();
    let mut one = shape.to_vec();
    if let Some(last) = one.last_mut() {
        *last = 1;
    }
    let iota = lax::iota(idx.dtype(), one, 0)?;
    let idx = lax::concatenate(&[iota, idx.clone()], shape.len() - 1)?;
    let mut new_axes = vec![0];
    new_axes.extend(axes.iter().map(|a| a + 1));
    Ok((idx, new_axes))
}

/// `gather[axes fill] operand indices`: the operand's slices at each index tuple.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Gather {
    /// The operand axes the index tuples address.
    pub axes: Vec<usize>,
    /// Out-of-bound tuples read zeros (`true`) or are clamped into range (`false`).
    pub fill: bool,
}

/// `gather` of `x` at `idx`.
pub fn gather(x: &Value, idx: &Value, axes: &[usize], fill: bool) -> Result<Value> {
    bind1(
        Gather {
            axes: axes.to_vec(),
            fill,
        },
        &[x.clone(), idx.clone()],
    )
}

/// `scatter` of `updates` into `x` at `idx`, combining with `op`.
pub fn scatter(
    x: &Value,
    idx: &Value,
    updates: &Value,
    axes: &[usize],
    op: ScatterOp,
) -> Result<Value> {
    bind1(
        Scatter {
            axes: axes.to_vec(),
            op,
            unique_indices: false,
        },
        &[x.clone(), idx.clone(), updates.clone()],
    )
}

/// Where each update of a `scatter` (set) survives: `true` for the last update written to its
/// index tuple. Update `k` (row-major over the index batch) writes `k + 1` into a map of the
/// operand and reads it back (a dropped, out-of-bound tuple reads 0).
fn last_writers(idx: &Value, u: &Aval, x: &Aval, axes: &[usize]) -> Result<Value> {
    let batch = &idx.shape()[..idx.shape().len() - 1];
    let count: usize = batch.iter().product();
    let dtype = if count < i32::MAX as usize {
        DType::I32
    } else {
        DType::I64
    };
    let ids = lax::iota(dtype, vec![count], 0)?;
    let ids = lax::binary(BinaryOp::Add, &ids, &lax::full(&[], Scalar::Int(1), dtype)?)?;
    let ids = lax::reshape(&ids, batch)?;
    let dims: Vec<usize> = (0..batch.len()).collect();
    let ids = lax::broadcast_in_dim(&ids, &u.shape, &dims)?;
    let map = lax::full(&x.shape, Scalar::Int(0), dtype)?;
    let written = gather(
        &scatter(&map, idx, &ids, axes, ScatterOp::Set)?,
        idx,
        axes,
        true,
    )?;
    lax::binary(BinaryOp::Eq, &written, &ids)
}

/// Index tuples clamped into the operand's bounds along `axes`.
fn clamp_indices(idx: &Value, x: &Aval, axes: &[usize]) -> Result<Value> {
    let shape = idx.shape().to_vec();
    let dtype = idx.dtype();
    let limits: Vec<Value> = axes
        .iter()
        .map(|&a| {
            Value::scalar(
                Scalar::Int(x.shape[a].saturating_sub(1) as i64),
                dtype,
                false,
            )
        })
        .map(|v| lax::broadcast_in_dim(&v, &[1], &[]))
        .collect::<Result<_>>()?;
    let hi = lax::concatenate(&limits, 0)?;
    let hi = lax::broadcast_in_dim(&hi, &shape, &[shape.len() - 1])?;
    // A scalar lower bound: clamp accepts rank-0 bounds.
    lax::clamp(&Value::scalar(Scalar::Int(0), dtype, false), idx, &hi)
}

impl Primitive for Gather {
    fn name(&self) -> &'static str {
        "gather"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 2)?;
        let (mut shape, rest) = index_shapes("gather", &self.axes, inputs[0], inputs[1])?;
        shape.extend(rest);
        Ok(vec![inputs[0].with_shape(shape)])
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("axes", tuple(&self.axes)),
            ("mode", if self.fill { "fill" } else { "clip" }.into()),
        ]
    }

    /// Linear in the operand.
    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        super::ad::linear_jvp(self.clone().into(), primals, tangents, 1)
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let idx = args[1].value("gather")?;
        let x = args[0].aval();
        let Some(ct) = &cts[0] else {
            return Ok(vec![None, None]);
        };
        let idx = if self.fill {
            idx.clone()
        } else {
            clamp_indices(idx, x, &self.axes)?
        };
        let ct_x = scatter(&zeros(x)?, &idx, ct, &self.axes, ScatterOp::Add)?;
        Ok(vec![Some(ct_x), None])
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let (x, idx) = (&args[0], &args[1]);
        match (dims[0], dims[1]) {
            (Some(bx), None) => {
                let x = move_axis(x, bx, 0)?;
                let axes: Vec<usize> = self.axes.iter().map(|a| a + 1).collect();
                let out = gather(&x, idx, &axes, self.fill)?;
                Ok((vec![out], vec![Some(idx.shape().len() - 1)]))
            }
            (None, Some(bi)) => {
                let idx = move_axis(idx, bi, 0)?;
                Ok((vec![gather(x, &idx, &self.axes, self.fill)?], vec![Some(0)]))
            }
            _ => {
                let x = at_front(x, dims[0], size)?;
                let idx = at_front(idx, dims[1], size)?;
                let (idx, axes) = with_batch_index(&idx, &self.axes)?;
                Ok((vec![gather(&x, &idx, &axes, self.fill)?], vec![Some(0)]))
            }
        }
    }
}

/// `scatter[axes op] operand indices updates`: the operand with each update slice combined
/// into it at its index tuple (in order; out-of-bound tuples are dropped).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scatter {
    /// The operand axes the index tuples address.
    pub axes: Vec<usize>,
    /// How updates combine with the operand.
    pub op: ScatterOp,
    /// The caller promises that no two index tuples are equal (as JAX's `unique_indices`);
    /// `scatter_mul` needs it for a derivative in its updates.
    pub unique_indices: bool,
}

impl Primitive for Scatter {
    fn name(&self) -> &'static str {
        self.op.name()
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 3)?;
        let (x, u) = (inputs[0], inputs[2]);
        let (mut want, rest) = index_shapes(self.name(), &self.axes, x, inputs[1])?;
        want.extend(rest);
        if u.shape != want {
            return Err(value_err!(
                "{}: updates must have shape {} for operand {} and indices {}, got {}",
                self.name(),
                fmt_shape(&want),
                fmt_shape(&x.shape),
                fmt_shape(&inputs[1].shape),
                fmt_shape(&u.shape)
            ));
        }
        if u.dtype != x.dtype {
            return Err(type_err!(
                "{}: updates must have the operand's dtype {}, got {}",
                self.name(),
                x.dtype,
                u.dtype
            ));
        }
        Ok(vec![x.clone()])
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("axes", tuple(&self.axes)),
            ("unique_indices", self.unique_indices.to_string()),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let (x, idx, u) = (&primals[0], &primals[1], &primals[2]);
        if self.op == ScatterOp::Mul && tangents[2].is_some() && !self.unique_indices {
            // With repeated tuples the derivative in one update involves the others.
            return Err(crate::error::Error::NotImplemented {
                prim: self.name().into(),
                rule: "jvp in the updates without unique_indices=True".into(),
            });
        }
        let out = bind1(self.clone(), primals)?;
        let (tx, tu) = (&tangents[0], &tangents[2]);
        if !differentiable(out.aval()) || (tx.is_none() && tu.is_none()) {
            return Ok((vec![out], vec![None]));
        }
        let or0 = |t: &Option<Value>, a: &Value| match t {
            Some(t) => Ok(t.clone()),
            None => zeros(a.aval()),
        };
        let axes = &self.axes;
        let t = match self.op {
            ScatterOp::Add | ScatterOp::Set => {
                scatter(&or0(tx, x)?, idx, &or0(tu, u)?, axes, self.op)?
            }
            ScatterOp::Mul => {
                // Unique tuples (checked above where updates carry tangents):
                // d(x u) = dx u + x du.
                let from_x = bind1(self.clone(), &[or0(tx, x)?, idx.clone(), u.clone()])?;
                match tu {
                    Some(tu) => {
                        let xu = lax::binary(BinaryOp::Mul, &gather(x, idx, axes, true)?, tu)?;
                        let from_u = scatter(&zeros(x.aval())?, idx, &xu, axes, ScatterOp::Add)?;
                        lax::binary(BinaryOp::Add, &from_x, &from_u)?
                    }
                    None => from_x,
                }
            }
            ScatterOp::Min | ScatterOp::Max => {
                // The winners' tangents, shared equally where the operand and updates tie.
                let dtype = x.dtype();
                let as_count = |b: &Value| lax::convert(b, dtype, false);
                let kept = lax::binary(BinaryOp::Eq, &out, x)?;
                let won = lax::binary(BinaryOp::Eq, u, &gather(&out, idx, axes, true)?)?;
                let zx = zeros(x.aval())?;
                let from_x = bind1(SelectN, &[kept.clone(), zx.clone(), or0(tx, x)?])?;
                let tu_won = bind1(SelectN, &[won.clone(), zeros(u.aval())?, or0(tu, u)?])?;
                let from_u = scatter(&zx, idx, &tu_won, axes, ScatterOp::Add)?;
                let winners = lax::binary(
                    BinaryOp::Add,
                    &as_count(&kept)?,
                    &scatter(&zx, idx, &as_count(&won)?, axes, ScatterOp::Add)?,
                )?;
                // At least 1, so a NaN result (no winner) keeps a finite divisor.
                let winners =
                    lax::binary(BinaryOp::Max, &winners, &super::ad::scalar(1.0, &winners))?;
                let total = lax::binary(BinaryOp::Add, &from_x, &from_u)?;
                lax::binary(BinaryOp::Div, &total, &winners)?
            }
        };
        Ok((vec![out], vec![Some(t)]))
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let idx = args[1].value(self.name())?;
        let Some(ct) = &cts[0] else {
            return Ok(vec![None, None, None]);
        };
        let axes = &self.axes;
        let ct_u = |ct: &Value| -> Result<Option<Value>> {
            Ok(if args[2].is_linear() {
                Some(gather(ct, idx, axes, true)?)
            } else {
                None
            })
        };
        match self.op {
            ScatterOp::Add => {
                let ct_x = args[0].is_linear().then(|| ct.clone());
                Ok(vec![ct_x, None, ct_u(ct)?])
            }
            ScatterOp::Set => {
                // Only the last update written to a tuple reaches the output.
                let ct_u = match ct_u(ct)? {
                    Some(ct_u) if !self.unique_indices => {
                        let u = args[2].aval();
                        let last = last_writers(idx, u, args[0].aval(), axes)?;
                        Some(bind1(SelectN, &[last, zeros(u)?, ct_u])?)
                    }
                    other => other,
                };
                let ct_x = if args[0].is_linear() {
                    Some(scatter(
                        ct,
                        idx,
                        &zeros(args[2].aval())?,
                        axes,
                        ScatterOp::Set,
                    )?)
                } else {
                    None
                };
                Ok(vec![ct_x, None, ct_u])
            }
            ScatterOp::Mul if !args[2].is_linear() => {
                let u = args[2].value(self.name())?;
                Ok(vec![
                    Some(bind1(self.clone(), &[ct.clone(), idx.clone(), u.clone()])?),
                    None,
                    None,
                ])
            }
            _ => Err(crate::error::Error::NotImplemented {
                prim: self.name().into(),
                rule: "transpose (it is not linear in these operands)".into(),
            }),
        }
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let x = at_front(&args[0], dims[0], size)?;
        let idx = at_front(&args[1], dims[1], size)?;
        let u = at_front(&args[2], dims[2], size)?;
        let (idx, axes) = with_batch_index(&idx, &self.axes)?;
        let batched = Scatter {
            axes,
            op: self.op,
            unique_indices: self.unique_indices,
        };
        Ok((vec![bind1(batched, &[x, idx, u])?], vec![Some(0)]))
    }
}

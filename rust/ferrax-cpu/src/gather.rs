//! Kernels of `gather` and `scatter`: slices of the operand addressed by integer index tuples.

use std::borrow::Cow;

use ferrax_core::data::HostData;
use ferrax_core::prim::ScatterOp;
use ferrax_core::shape::size;
use ferrax_core::{map_data, type_err, Aval, Result};

use crate::elem::Num;

/// Where the index tuples point: the flat offset of each tuple's slice (`None` when out of
/// bounds) and the offsets of the slice's elements relative to it.
struct Plan {
    bases: Vec<Option<usize>>,
    within: Vec<usize>,
}

/// The index data as i64 (borrowed when it already is).
fn indices(idx: &HostData) -> Result<Cow<'_, [i64]>> {
    Ok(match idx {
        HostData::I32(v) => Cow::Owned(v.iter().map(|&i| i64::from(i)).collect()),
        HostData::U32(v) => Cow::Owned(v.iter().map(|&i| i64::from(i)).collect()),
        HostData::I64(v) => Cow::Borrowed(v.as_slice()),
        other => return Err(type_err!("gather: indices of dtype {}", other.dtype())),
    })
}

fn plan(x: &Aval, idx: &HostData, ia: &Aval, axes: &[usize], clamp: bool) -> Result<Plan> {
    let strides = ferrax_core::shape::strides(&x.shape);
    let ix = indices(idx)?;
    let k = axes.len();
    let n = size(&ia.shape[..ia.shape.len().saturating_sub(1)]);
    let mut bases = Vec::with_capacity(n);
    for t in 0..n {
        let mut off = 0usize;
        let mut inside = true;
        for (j, &a) in axes.iter().enumerate() {
            let dim = x.shape[a] as i64;
            let mut i = ix[t * k + j];
            if clamp {
                i = i.clamp(0, (dim - 1).max(0));
            }
            if i < 0 || i >= dim {
                inside = false;
                break;
            }
            off += i as usize * strides[a];
        }
        bases.push(inside.then_some(off));
    }
    let rest: Vec<usize> = (0..x.shape.len()).filter(|d| !axes.contains(d)).collect();
    let rest_shape: Vec<usize> = rest.iter().map(|&d| x.shape[d]).collect();
    let mut within = Vec::with_capacity(size(&rest_shape));
    let mut pos = vec![0usize; rest.len()];
    for _ in 0..size(&rest_shape) {
        within.push(pos.iter().zip(&rest).map(|(&p, &d)| p * strides[d]).sum());
        for d in (0..pos.len()).rev() {
            pos[d] += 1;
            if pos[d] < rest_shape[d] {
                break;
            }
            pos[d] = 0;
        }
    }
    Ok(Plan { bases, within })
}

/// `gather`: out-of-bound tuples are clamped, or read as zeros when `fill`.
pub fn gather(
    x: &HostData,
    xa: &Aval,
    idx: &HostData,
    ia: &Aval,
    axes: &[usize],
    fill: bool,
) -> Result<HostData> {
    let p = plan(xa, idx, ia, axes, !fill)?;
    Ok(map_data!(x, v => take(v, &p)))
}

fn take<T: Copy + Default>(v: &[T], p: &Plan) -> Vec<T> {
    let mut out = Vec::with_capacity(p.bases.len() * p.within.len());
    for base in &p.bases {
        match base {
            Some(b) => out.extend(p.within.iter().map(|&w| v[b + w])),
            None => out.extend(p.within.iter().map(|_| T::default())),
        }
    }
    out
}

/// How an update combines with a numeric element (NaN propagates through min and max).
#[inline(always)]
fn combine<T: Num>(op: ScatterOp, a: T, b: T) -> T {
    match op {
        ScatterOp::Set => b,
        ScatterOp::Add => a.add(b),
        ScatterOp::Mul => a.mul(b),
        ScatterOp::Min => a.min_nan(b),
        ScatterOp::Max => a.max_nan(b),
    }
}

/// How an update combines with a boolean element (sums and maxima are `or`, products and
/// minima `and`).
fn combine_bool(op: ScatterOp, a: bool, b: bool) -> bool {
    match op {
        ScatterOp::Set => b,
        ScatterOp::Add | ScatterOp::Max => a | b,
        ScatterOp::Mul | ScatterOp::Min => a & b,
    }
}

fn scatter_into<T: Copy>(out: &mut [T], u: &[T], p: &Plan, f: impl Fn(T, T) -> T) {
    for (t, base) in p.bases.iter().enumerate() {
        if let Some(b) = base {
            let row = &u[t * p.within.len()..(t + 1) * p.within.len()];
            for (&w, &val) in p.within.iter().zip(row) {
                out[b + w] = f(out[b + w], val);
            }
        }
    }
}

/// `scatter`: updates combined in order; out-of-bound tuples are dropped.
pub fn scatter(
    x: &HostData,
    xa: &Aval,
    idx: &HostData,
    ia: &Aval,
    updates: &HostData,
    axes: &[usize],
    op: ScatterOp,
) -> Result<HostData> {
    let p = plan(xa, idx, ia, axes, false)?;
    let mut out = x.clone();
    macro_rules! run {
        ($($var:ident),*) => {
            match (&mut out, updates) {
                (HostData::Bool(o), HostData::Bool(u)) => {
                    scatter_into(o, u, &p, |a, b| combine_bool(op, a, b))
                }
                $((HostData::$var(o), HostData::$var(u)) => {
                    scatter_into(o, u, &p, |a, b| combine(op, a, b))
                })*
                (o, u) => {
                    return Err(type_err!(
                        "scatter: updates of dtype {} for an operand of dtype {}",
                        u.dtype(),
                        o.dtype()
                    ))
                }
            }
        };
    }
    run!(I32, U32, I64, F32, F64);
    Ok(out)
}

//! Helpers the batching (vmap) rules share: moving and inserting the batch dimension,
//! mapping per-example dimensions to physical ones, and the elementwise rule.

use super::{Prim, Primitive};
use crate::aval::Aval;
use crate::error::{Error, Result};
use crate::ops::lax;
use crate::trace::bind;
use crate::value::Value;

/// Outputs and their batch dimensions (`None`: not batched).
pub type BatchResult = Result<(Vec<Value>, Vec<Option<usize>>)>;

/// The error for a primitive whose batching rule does not cover these operands.
pub fn unbatchable(prim: &str, what: &str) -> Error {
    Error::NotImplemented {
        prim: prim.to_string(),
        rule: format!("batching ({what})"),
    }
}

/// Moves dimension `from` of `v` to position `to`.
pub fn move_axis(v: &Value, from: usize, to: usize) -> Result<Value> {
    if from == to {
        return Ok(v.clone());
    }
    let n = v.shape().len();
    let mut perm: Vec<usize> = (0..n).filter(|&d| d != from).collect();
    perm.insert(to, from);
    lax::transpose(v, &perm)
}

/// `v` with its batch dimension first: moved if batched, broadcast to `size` if not.
pub fn at_front(v: &Value, dim: Option<usize>, size: usize) -> Result<Value> {
    match dim {
        Some(d) => move_axis(v, d, 0),
        None => {
            let mut shape = vec![size];
            shape.extend_from_slice(v.shape());
            let dims: Vec<usize> = (1..shape.len()).collect();
            lax::broadcast_in_dim(v, &shape, &dims)
        }
    }
}

/// The physical position of per-example dimension `k` when the batch sits at `bdim`.
pub fn phys(k: usize, bdim: usize) -> usize {
    if k < bdim {
        k
    } else {
        k + 1
    }
}

/// The per-example abstract value of a batched operand.
pub fn unbatched_aval(v: &Value, dim: Option<usize>) -> Aval {
    let mut a = v.aval().clone();
    if let Some(d) = dim {
        a.shape.remove(d);
    }
    a
}

/// Batching for elementwise primitives: operands are brought to one layout with the batch
/// first (scalars that are not batched stay scalars, which elementwise primitives broadcast).
/// When every batched operand already shares a batch dimension and the rest are scalars,
/// nothing moves.
pub fn elementwise(
    prim: &Prim,
    args: &[Value],
    dims: &[Option<usize>],
    size: usize,
) -> BatchResult {
    let per_example: Vec<Aval> = args
        .iter()
        .zip(dims)
        .map(|(v, d)| unbatched_aval(v, *d))
        .collect();
    let refs: Vec<&Aval> = per_example.iter().collect();
    let out = prim.abstract_eval(&refs)?;
    let out_shape = &out[0].shape;
    let first = dims.iter().flatten().next().copied();
    let aligned = args.iter().zip(dims).all(|(v, d)| match d {
        Some(d) => Some(*d) == first && v.shape().len() == out_shape.len() + 1,
        None => v.shape().is_empty(),
    });
    if aligned {
        let outs = bind(prim, args)?;
        let n = outs.len();
        return Ok((outs, vec![first; n]));
    }
    let mut full = vec![size];
    full.extend_from_slice(out_shape);
    let mut ins = Vec::with_capacity(args.len());
    for (v, d) in args.iter().zip(dims) {
        ins.push(match d {
            None if v.shape().is_empty() => v.clone(),
            None => {
                let off = full.len() - v.shape().len();
                let bd: Vec<usize> = (off..full.len()).collect();
                lax::broadcast_in_dim(v, &full, &bd)?
            }
            Some(d) => {
                let front = move_axis(v, *d, 0)?;
                if front.shape() == full.as_slice() {
                    front
                } else {
                    lax::broadcast_in_dim(&front, &full, &[0])?
                }
            }
        });
    }
    let outs = bind(prim, &ins)?;
    let n = outs.len();
    Ok((outs, vec![Some(0); n]))
}

/// Applies a single-operand primitive that works on any layout, keeping the batch dimension.
pub fn same_layout(prim: &Prim, args: &[Value], dims: &[Option<usize>]) -> BatchResult {
    let outs = bind(prim, args)?;
    let n = outs.len();
    Ok((outs, vec![dims[0]; n]))
}

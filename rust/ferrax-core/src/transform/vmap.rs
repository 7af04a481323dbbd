//! `vmap` over closures of values: the batch trace with in and out axes.

use crate::error::Error;
use crate::prim::batching::move_axis;
use crate::shape::fmt_shape;
use crate::trace::{batch_tracer, unpack_batch, BatchGuard};
use crate::value::Value;

type Res<T, E> = std::result::Result<T, E>;

/// Maps `f` over axis `in_axes[i]` of argument `i` (`None`: not mapped), producing outputs
/// with the batch at `out_axes[j]` (`None`: the output must not depend on the batch).
/// `size` is the batch size; axes are non-negative here.
pub fn vmap<E: From<Error>>(
    f: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    args: &[Value],
    in_axes: &[Option<usize>],
    out_axes: &[Option<usize>],
    size: usize,
) -> Res<Vec<Value>, E> {
    let guard = BatchGuard::new(size);
    let level = guard.level;
    let ins = args
        .iter()
        .zip(in_axes)
        .map(|(a, d)| batch_tracer(level, a.clone(), *d))
        .collect();
    let outs = f(ins)?;
    drop(guard);
    if outs.len() != out_axes.len() {
        return Err(Error::Value(format!(
            "vmap: out_axes has {} entries for {} outputs",
            out_axes.len(),
            outs.len()
        ))
        .into());
    }
    let mut result = Vec::with_capacity(outs.len());
    for (i, (o, want)) in outs.iter().zip(out_axes).enumerate() {
        let (val, bdim) = unpack_batch(level, o);
        result.push(match (bdim, want) {
            (Some(b), Some(w)) => {
                if *w > val.shape().len() - 1 {
                    return Err(Error::Value(format!(
                        "vmap: out_axes {w} is out of range for output {i} of per-example shape {}",
                        fmt_shape(o.shape())
                    ))
                    .into());
                }
                move_axis(&val, b, *w)?
            }
            (None, Some(w)) => {
                if *w > val.shape().len() {
                    return Err(Error::Value(format!(
                        "vmap: out_axes {w} is out of range for output {i} of shape {}",
                        fmt_shape(val.shape())
                    ))
                    .into());
                }
                let mut shape = val.shape().to_vec();
                shape.insert(*w, size);
                let dims: Vec<usize> = (0..shape.len()).filter(|&d| d != *w).collect();
                crate::ops::lax::broadcast_in_dim(&val, &shape, &dims)?
            }
            (Some(_), None) => {
                return Err(Error::Value(format!(
                    "vmap: out_axes is None for output {i}, but it depends on the mapped \
                     arguments (per-example shape {})",
                    fmt_shape(o.shape())
                ))
                .into())
            }
            (None, None) => val,
        });
    }
    Ok(result)
}

/// Like [`vmap`], but returns every output with its batch first, and whether it depends on
/// the mapped arguments at all (unbatched outputs are returned as they are), so that the
/// caller can place axes once the output structure is known.
pub fn vmap_front<E: From<Error>>(
    f: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    args: &[Value],
    in_axes: &[Option<usize>],
    size: usize,
) -> Res<(Vec<Value>, Vec<bool>), E> {
    let guard = BatchGuard::new(size);
    let level = guard.level;
    let ins = args
        .iter()
        .zip(in_axes)
        .map(|(a, d)| batch_tracer(level, a.clone(), *d))
        .collect();
    let outs = f(ins)?;
    drop(guard);
    let mut vals = Vec::with_capacity(outs.len());
    let mut batched = Vec::with_capacity(outs.len());
    for o in &outs {
        let (val, bdim) = unpack_batch(level, o);
        batched.push(bdim.is_some());
        vals.push(match bdim {
            Some(b) => move_axis(&val, b, 0)?,
            None => val,
        });
    }
    Ok((vals, batched))
}

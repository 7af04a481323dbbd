//! The batch trace (vmap): each primitive's batching rule maps it over a batch dimension.

use std::sync::Arc;

use super::{bind, pop, push, MainTrace};
use crate::error::{Error, Result};
use crate::prim::{Prim, Primitive};
use crate::value::{Payload, Tracer, Value};

/// A batched tracer at `level`: `val` carries the batch at dimension `bdim`.
pub fn batch_tracer(level: usize, val: Value, bdim: Option<usize>) -> Value {
    match bdim {
        Some(d) => {
            let mut aval = val.aval().clone();
            aval.shape.remove(d);
            Value::Tracer(Arc::new(Tracer {
                level,
                aval,
                payload: Payload::Batch { val, bdim: d },
            }))
        }
        None => val,
    }
}

/// The value and batch dimension of a value as seen by the batch trace at `level`.
pub fn unpack_batch(level: usize, v: &Value) -> (Value, Option<usize>) {
    if let Value::Tracer(t) = v {
        if t.level == level {
            if let Payload::Batch { val, bdim } = &t.payload {
                return (val.clone(), Some(*bdim));
            }
        }
    }
    (v.clone(), None)
}

pub(super) fn process(
    level: usize,
    size: usize,
    prim: &Prim,
    inputs: &[Value],
) -> Result<Vec<Value>> {
    let (vals, dims): (Vec<Value>, Vec<Option<usize>>) =
        inputs.iter().map(|v| unpack_batch(level, v)).unzip();
    if dims.iter().all(Option::is_none) {
        return bind(prim, &vals);
    }
    let (outs, out_dims) = prim.batch(&vals, &dims, size)?;
    if outs.len() != out_dims.len() {
        return Err(Error::Backend(format!(
            "{}: the batching rule returned {} outputs and {} batch dimensions",
            prim.name(),
            outs.len(),
            out_dims.len()
        )));
    }
    Ok(outs
        .into_iter()
        .zip(out_dims)
        .map(|(v, d)| batch_tracer(level, v, d))
        .collect())
}

/// An active batch trace of `size` examples; popped when dropped, also on errors.
pub struct BatchGuard {
    /// The trace's level.
    pub level: usize,
}

impl BatchGuard {
    /// Pushes a batch trace.
    pub fn new(size: usize) -> BatchGuard {
        BatchGuard {
            level: push(MainTrace::Batch(size)),
        }
    }
}

impl Drop for BatchGuard {
    fn drop(&mut self) {
        pop();
    }
}

//! The JVP trace: each primitive's JVP rule pushes tangents forward beside the primal values.

use std::sync::Arc;

use super::{bind, pop, push, MainTrace};
use crate::error::{Error, Result};
use crate::prim::{Prim, Primitive};
use crate::value::{Payload, Tracer, Value};

/// A JVP tracer at `level` (a primal whose tangent is `None` stays a plain value).
pub fn jvp_tracer(level: usize, primal: Value, tangent: Option<Value>) -> Value {
    match tangent {
        Some(tangent) => Value::Tracer(Arc::new(Tracer {
            level,
            aval: primal.aval().clone(),
            payload: Payload::Jvp { primal, tangent },
        })),
        None => primal,
    }
}

/// The primal and tangent of a value as seen by the JVP trace at `level`.
pub fn unpack_jvp(level: usize, v: &Value) -> (Value, Option<Value>) {
    if let Value::Tracer(t) = v {
        if t.level == level {
            if let Payload::Jvp { primal, tangent } = &t.payload {
                return (primal.clone(), Some(tangent.clone()));
            }
        }
    }
    (v.clone(), None)
}

pub(super) fn process(level: usize, prim: &Prim, inputs: &[Value]) -> Result<Vec<Value>> {
    let (primals, tangents): (Vec<Value>, Vec<Option<Value>>) =
        inputs.iter().map(|v| unpack_jvp(level, v)).unzip();
    if tangents.iter().all(Option::is_none) {
        return bind(prim, &primals);
    }
    let (outs, out_tangents) = prim.jvp(&primals, &tangents)?;
    if outs.len() != out_tangents.len() {
        return Err(Error::Backend(format!(
            "{}: the JVP rule returned {} outputs and {} tangents",
            prim.name(),
            outs.len(),
            out_tangents.len()
        )));
    }
    Ok(outs
        .into_iter()
        .zip(out_tangents)
        .map(|(p, t)| jvp_tracer(level, p, t))
        .collect())
}

/// An active JVP trace; popped when dropped, also on errors.
pub struct JvpGuard {
    /// The trace's level.
    pub level: usize,
}

impl JvpGuard {
    /// Pushes a JVP trace.
    pub fn new() -> JvpGuard {
        JvpGuard {
            level: push(MainTrace::Jvp),
        }
    }
}

impl Default for JvpGuard {
    fn default() -> Self {
        JvpGuard::new()
    }
}

impl Drop for JvpGuard {
    fn drop(&mut self) {
        pop();
    }
}

//! The trace stack and `bind`, the single entry point of every operation.
//!
//! `bind(prim, inputs)` finds the innermost active trace among its inputs (and the dynamic
//! trace of an enclosing staging transformation) and lets it process the primitive. The eval
//! trace is the bottom: level 0, concrete data. Each transformation pushes a main trace with a
//! higher level; values of outer levels are constants to inner ones.

mod batch;
mod eval;
mod jvp;
mod stage;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub use batch::{batch_tracer, unpack_batch, BatchGuard};
pub use eval::eval_primitive;
pub use jvp::{jvp_tracer, unpack_jvp, JvpGuard};
pub use stage::{provenance, trace_for_jit, trace_to_jaxpr, trace_to_linear, StageBuilder};

use crate::error::{Error, Result};
use crate::prim::Prim;
use crate::value::Value;

/// An active transformation on the stack.
#[derive(Clone)]
pub(crate) enum MainTrace {
    /// Staging into the IR (`make_jaxpr`, later `jit`, and the linear part of `linearize`).
    Stage(Rc<RefCell<StageBuilder>>),
    /// Forward-mode differentiation.
    Jvp,
    /// Vectorization over a batch of the given size.
    Batch(usize),
}

thread_local! {
    static STACK: RefCell<Vec<MainTrace>> = const { RefCell::new(Vec::new()) };
    static DYNAMIC: Cell<usize> = const { Cell::new(0) };
}

/// Pushes a main trace, returning its level (1 for the first).
pub(crate) fn push(main: MainTrace) -> usize {
    STACK.with(|s| {
        let mut s = s.borrow_mut();
        s.push(main);
        s.len()
    })
}

/// Pops the innermost main trace.
pub(crate) fn pop() {
    STACK.with(|s| {
        s.borrow_mut().pop();
    });
}

/// Sets the dynamic level (the staging trace that captures input-independent operations),
/// returning the previous one.
pub(crate) fn set_dynamic(level: usize) -> usize {
    DYNAMIC.with(|d| d.replace(level))
}

fn main_at(level: usize) -> Option<MainTrace> {
    STACK.with(|s| s.borrow().get(level.wrapping_sub(1)).cloned())
}

/// Applies a primitive to values, dispatching to the innermost relevant trace.
pub fn bind(prim: &Prim, inputs: &[Value]) -> Result<Vec<Value>> {
    let input_level = inputs.iter().map(Value::level).max().unwrap_or(0);
    let level = input_level.max(DYNAMIC.with(Cell::get));
    if level == 0 {
        return eval_primitive(prim, inputs);
    }
    match main_at(level) {
        Some(MainTrace::Stage(builder)) => stage::process(&builder, level, prim, inputs),
        Some(MainTrace::Jvp) => jvp::process(level, prim, inputs),
        Some(MainTrace::Batch(size)) => batch::process(level, size, prim, inputs),
        None => Err(Error::Concretization(format!(
            "{}: an operand is a tracer of a transformation that has already finished (a \
             leaked tracer); pass values out of transformed functions as outputs instead",
            prim
        ))),
    }
}

/// The level of the innermost trace among `values` if it is a forward-mode (JVP) trace.
pub fn innermost_jvp_level(values: &[Value]) -> Option<usize> {
    let level = values.iter().map(Value::level).max().unwrap_or(0);
    match main_at(level) {
        Some(MainTrace::Jvp) => Some(level),
        _ => None,
    }
}

/// Whether the innermost trace among `values` (and the dynamic trace) is a staging trace.
pub fn innermost_is_staging(values: &[Value]) -> bool {
    let level = values.iter().map(Value::level).max().unwrap_or(0);
    let level = level.max(DYNAMIC.with(Cell::get));
    matches!(main_at(level), Some(MainTrace::Stage(_)))
}

/// Applies a primitive with exactly one output.
pub fn bind1(prim: impl Into<Prim>, inputs: &[Value]) -> Result<Value> {
    let prim = prim.into();
    bind(&prim, inputs)?
        .pop()
        .ok_or_else(|| Error::Backend(format!("{prim} produced no output")))
}

//! Gather and scatter: the primitives behind advanced indexing and `.at[]` updates.

use pyo3::prelude::*;
use pyo3::wrap_pyfunction;

use super::{wrap, Res};
use crate::convert::to_value;

/// `gather(x, indices, axes, fill)`: slices of `x` at the index tuples in the last axis of
/// `indices` (out of bounds: clamped, or zeros when `fill`).
#[pyfunction(name = "gather")]
fn gather_slices(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    indices: &Bound<'_, PyAny>,
    axes: Vec<usize>,
    fill: bool,
) -> Res {
    wrap(
        py,
        ferrax_core::prim::gather(&to_value(x)?, &to_value(indices)?, &axes, fill),
    )
}

/// `scatter(x, indices, updates, axes, op)`: `x` with `updates` combined in at the index
/// tuples (`op`: set, add, mul, min, max; out-of-bound tuples are dropped).
#[pyfunction(name = "scatter")]
fn scatter_slices(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    indices: &Bound<'_, PyAny>,
    updates: &Bound<'_, PyAny>,
    axes: Vec<usize>,
    op: &str,
) -> Res {
    use ferrax_core::prim::ScatterOp;
    let op = match op {
        "set" => ScatterOp::Set,
        "add" => ScatterOp::Add,
        "mul" => ScatterOp::Mul,
        "min" => ScatterOp::Min,
        "max" => ScatterOp::Max,
        other => {
            return Err(crate::errors::to_pyerr(
                py,
                ferrax_core::value_err!("scatter: unknown op {other:?}"),
            ))
        }
    };
    wrap(
        py,
        ferrax_core::prim::scatter(
            &to_value(x)?,
            &to_value(indices)?,
            &to_value(updates)?,
            &axes,
            op,
        ),
    )
}

/// Registers the indexing functions on the module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(gather_slices, m)?)?;
    m.add_function(wrap_pyfunction!(scatter_slices, m)?)
}

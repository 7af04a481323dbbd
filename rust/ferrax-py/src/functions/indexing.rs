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

/// One Python function per scatter combination, so that no name is matched per call.
macro_rules! scatter_fns {
    ($($name:ident => $op:ident: $doc:literal),* $(,)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (x, indices, updates, axes, unique_indices=false))]
        fn $name(
            py: Python<'_>,
            x: &Bound<'_, PyAny>,
            indices: &Bound<'_, PyAny>,
            updates: &Bound<'_, PyAny>,
            axes: Vec<usize>,
            unique_indices: bool,
        ) -> Res {
            let prim = ferrax_core::prim::Scatter {
                axes,
                op: ferrax_core::prim::ScatterOp::$op,
                unique_indices,
            };
            let args = [to_value(x)?, to_value(indices)?, to_value(updates)?];
            wrap(py, ferrax_core::trace::bind1(prim, &args))
        }
    )*};
}

scatter_fns! {
    scatter => Set: "`scatter(x, indices, updates, axes)`: `x` with the update slices written at the index tuples (the last write wins).",
    scatter_add => Add: "`scatter_add`: `x` with the update slices added at the index tuples.",
    scatter_mul => Mul: "`scatter_mul`: `x` with the update slices multiplied in at the index tuples.",
    scatter_min => Min: "`scatter_min`: the minimum of `x` and the update slices at the index tuples.",
    scatter_max => Max: "`scatter_max`: the maximum of `x` and the update slices at the index tuples.",
}

/// Registers the indexing functions on the module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(gather_slices, m)?)?;
    m.add_function(wrap_pyfunction!(scatter, m)?)?;
    m.add_function(wrap_pyfunction!(scatter_add, m)?)?;
    m.add_function(wrap_pyfunction!(scatter_mul, m)?)?;
    m.add_function(wrap_pyfunction!(scatter_min, m)?)?;
    m.add_function(wrap_pyfunction!(scatter_max, m)?)
}

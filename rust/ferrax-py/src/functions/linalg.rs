//! Matrix decompositions and triangular solves.

use ferrax_core::prim::Prim;
use ferrax_core::trace::bind;
use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::wrap_pyfunction;

use super::{wrap, Res};
use crate::array::Array;
use crate::convert::to_value;

/// `decompose(name, x)`: a matrix decomposition over the last two dimensions, one of
/// `cholesky`, `lu`, `qr`, `eigh`, `svd`; returns its outputs as a list.
#[pyfunction]
fn decompose<'py>(
    py: Python<'py>,
    name: &str,
    x: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    use ferrax_core::prim::linalg::{Cholesky, Eigh, Lu, Qr, Svd};
    let prim: Prim = match name {
        "cholesky" => Cholesky.into(),
        "lu" => Lu.into(),
        "qr" => Qr.into(),
        "eigh" => Eigh.into(),
        "svd" => Svd.into(),
        other => {
            return Err(crate::errors::to_pyerr(
                py,
                ferrax_core::value_err!("decompose: unknown decomposition {other:?}"),
            ))
        }
    };
    let outs = bind(&prim, &[to_value(x)?]).map_err(|e| crate::errors::to_pyerr(py, e))?;
    PyList::new(py, outs.into_iter().map(Array::new))
}

/// `triangular_solve(a, b, lower, transpose_a, unit_diagonal)`: `x` with `op(a) x = b`.
#[pyfunction]
fn triangular_solve(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    lower: bool,
    transpose_a: bool,
    unit_diagonal: bool,
) -> Res {
    wrap(
        py,
        ferrax_core::prim::linalg::tsolve(
            &to_value(a)?,
            &to_value(b)?,
            lower,
            transpose_a,
            unit_diagonal,
        ),
    )
}

/// Registers the linear-algebra functions on the module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(decompose, m)?)?;
    m.add_function(wrap_pyfunction!(triangular_solve, m)?)
}

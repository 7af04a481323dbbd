//! Matrix decompositions and triangular solves.

use ferrax_core::prim::Prim;
use ferrax_core::trace::bind;
use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::wrap_pyfunction;

use super::{wrap, Res};
use crate::array::Array;
use crate::convert::to_value;

/// Binds a decomposition and returns its outputs as a list.
fn decompose<'py>(
    py: Python<'py>,
    prim: Prim,
    x: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let outs = bind(&prim, &[to_value(x)?]).map_err(|e| crate::errors::to_pyerr(py, e))?;
    PyList::new(py, outs.into_iter().map(Array::new))
}

/// One Python function per decomposition (over the last two dimensions).
macro_rules! decompositions {
    ($($name:ident => $prim:ident: $doc:literal),* $(,)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        fn $name<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
            decompose(py, ferrax_core::prim::linalg::$prim.into(), x)
        }
    )*};
}

decompositions! {
    cholesky => Cholesky: "`cholesky(x)`: `[l]`, lower triangular with `x = l l^T`.",
    lu => Lu: "`lu(x)`: `[lu, permutation]` with partial pivoting.",
    qr => Qr: "`qr(x)`: `[q, r]`, the reduced decomposition.",
    eigh => Eigh: "`eigh(x)`: `[w, v]`, ascending eigenvalues and eigenvectors of a symmetric `x`.",
    svd => Svd: "`svd(x)`: `[u, s, vt]`, the reduced decomposition, `s` descending.",
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
    m.add_function(wrap_pyfunction!(cholesky, m)?)?;
    m.add_function(wrap_pyfunction!(lu, m)?)?;
    m.add_function(wrap_pyfunction!(qr, m)?)?;
    m.add_function(wrap_pyfunction!(eigh, m)?)?;
    m.add_function(wrap_pyfunction!(svd, m)?)?;
    m.add_function(wrap_pyfunction!(triangular_solve, m)?)
}

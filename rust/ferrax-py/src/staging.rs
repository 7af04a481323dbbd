//! `make_jaxpr`: stages a Python function into the IR.

use ferrax_core::ir::ClosedJaxpr as CoreJaxpr;
use ferrax_core::prim::control::Program;
use ferrax_core::trace::trace_to_jaxpr;
use ferrax_core::{Aval, Value};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::autodiff::call_flat;
use crate::convert::to_value;

/// A staged program; `str()` prints it in JAX's jaxpr grammar.
#[pyclass(frozen, module = "ferrax", name = "ClosedJaxpr")]
pub struct ClosedJaxpr {
    inner: CoreJaxpr,
}

type AvalTuple = (Py<PyTuple>, String, bool);

fn aval_tuple(py: Python<'_>, a: &Aval) -> PyResult<AvalTuple> {
    Ok((
        PyTuple::new(py, &a.shape)?.unbind(),
        a.dtype.name().to_string(),
        a.weak,
    ))
}

impl ClosedJaxpr {
    /// A closed program from a hoisted one: its leading inputs become constants again.
    pub fn from_program(program: &Program, consts: &[Value]) -> ClosedJaxpr {
        let mut jaxpr = (*program.0).clone();
        let rest = jaxpr.invars.split_off(consts.len().min(jaxpr.invars.len()));
        jaxpr.constvars = std::mem::replace(&mut jaxpr.invars, rest);
        ClosedJaxpr {
            inner: CoreJaxpr {
                jaxpr,
                consts: consts.to_vec(),
            },
        }
    }
}

#[pymethods]
impl ClosedJaxpr {
    /// The program as text (JAX's jaxpr grammar).
    fn as_text(&self) -> String {
        self.inner.to_string()
    }

    #[getter]
    fn in_avals(&self, py: Python<'_>) -> PyResult<Vec<AvalTuple>> {
        let j = &self.inner.jaxpr;
        j.invars
            .iter()
            .map(|v| aval_tuple(py, &j.avals[v.0]))
            .collect()
    }

    #[getter]
    fn out_avals(&self, py: Python<'_>) -> PyResult<Vec<AvalTuple>> {
        let j = &self.inner.jaxpr;
        j.outvars
            .iter()
            .map(|a| aval_tuple(py, j.atom_aval(a)))
            .collect()
    }

    #[getter]
    fn eqn_count(&self) -> usize {
        self.inner.jaxpr.eqns.len()
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        self.inner.to_string()
    }
}

/// Traces `fun(*args)` with abstract values of `args`.
#[pyfunction]
pub fn make_jaxpr(
    py: Python<'_>,
    fun: &Bound<'_, PyAny>,
    args: &Bound<'_, PyAny>,
) -> PyResult<ClosedJaxpr> {
    let vals: Vec<Value> = args
        .try_iter()?
        .map(|a| to_value(&a?))
        .collect::<PyResult<_>>()?;
    let avals: Vec<Aval> = vals.iter().map(|v| v.aval().clone()).collect();
    let staged = trace_to_jaxpr(&avals, |tracers| call_flat(fun, tracers));
    staged
        .map(|inner| ClosedJaxpr { inner })
        .map_err(|e| e.into_pyerr(py))
}

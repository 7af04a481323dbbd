//! `make_jaxpr`: stages a Python function into the IR.

use ferrax_core::ir::ClosedJaxpr as CoreJaxpr;
use ferrax_core::trace::trace_to_jaxpr;
use ferrax_core::{Aval, Error, Value};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::array::Array;
use crate::convert::to_value;
use crate::errors::to_pyerr;

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

#[pymethods]
impl ClosedJaxpr {
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

/// Errors while staging: from the core, or raised by the Python function.
enum Failure {
    Core(Error),
    Py(PyErr),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

fn outputs(out: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    if out.is_instance_of::<PyTuple>() || out.is_instance_of::<PyList>() {
        out.try_iter()?.map(|o| to_value(&o?)).collect()
    } else {
        Ok(vec![to_value(out)?])
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
    let staged = trace_to_jaxpr(&avals, |tracers| {
        let arrays = tracers
            .into_iter()
            .map(|t| Py::new(py, Array::new(t)))
            .collect::<PyResult<Vec<_>>>()
            .map_err(Failure::Py)?;
        let out = fun
            .call1(PyTuple::new(py, arrays).map_err(Failure::Py)?)
            .map_err(Failure::Py)?;
        outputs(&out).map_err(Failure::Py)
    });
    match staged {
        Ok(inner) => Ok(ClosedJaxpr { inner }),
        Err(Failure::Core(e)) => Err(to_pyerr(py, e)),
        Err(Failure::Py(e)) => Err(e),
    }
}

//! One mapping from ferrax's error enum onto the Python classes of `ferrax.errors`.

use ferrax_core::Error;
use pyo3::exceptions::{
    PyIndexError, PyNotImplementedError, PyOverflowError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::PyType;

/// The class name in `ferrax.errors` for each error variant.
fn class_name(e: &Error) -> &'static str {
    match e {
        Error::Type(_) => "FerraxTypeError",
        Error::Value(_) => "FerraxValueError",
        Error::AxisOutOfRange { .. } => "AxisError",
        Error::IndexOutOfRange { .. } | Error::Index(_) => "FerraxIndexError",
        Error::Overflow(_) => "FerraxOverflowError",
        Error::Concretization(_) => "ConcretizationTypeError",
        Error::NotImplemented { .. } => "FerraxNotImplementedError",
        Error::Backend(_) => "FerraxRuntimeError",
    }
}

fn builtin(e: &Error, msg: String) -> PyErr {
    match e {
        Error::Type(_) | Error::Concretization(_) => PyTypeError::new_err(msg),
        Error::Value(_) | Error::AxisOutOfRange { .. } => PyValueError::new_err(msg),
        Error::IndexOutOfRange { .. } | Error::Index(_) => PyIndexError::new_err(msg),
        Error::Overflow(_) => PyOverflowError::new_err(msg),
        Error::NotImplemented { .. } => PyNotImplementedError::new_err(msg),
        Error::Backend(_) => PyRuntimeError::new_err(msg),
    }
}

/// Converts a core error into the Python exception a JAX user expects.
pub fn to_pyerr(py: Python<'_>, e: Error) -> PyErr {
    let msg = e.to_string();
    let class = py
        .import("ferrax.errors")
        .and_then(|m| m.getattr(class_name(&e)))
        .ok()
        .and_then(|c| c.cast_into::<PyType>().ok());
    match class {
        Some(cls) => PyErr::from_type(cls, msg),
        None => builtin(&e, msg),
    }
}

/// `?`-friendly conversion of core results.
pub trait IntoPy<T> {
    /// Maps the error onto its Python class.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for ferrax_core::Result<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, e))
    }
}

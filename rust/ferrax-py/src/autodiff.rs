//! Python entry points of the autodiff transformations over flat lists of arrays; pytree
//! handling and the `grad` family live in `ferrax/_autodiff.py`.

use ferrax_core::transform::{self, Linearized};
use ferrax_core::{Error, Value};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::array::Array;
use crate::convert::to_value;
use crate::errors::{to_pyerr, IntoPy};

/// Errors while tracing a Python function: from the core, or raised by the function.
pub enum Failure {
    /// A ferrax error.
    Core(Error),
    /// An exception raised by the Python function.
    Py(PyErr),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

impl Failure {
    /// The Python exception to raise.
    pub fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Core(e) => to_pyerr(py, e),
            Failure::Py(e) => e,
        }
    }
}

/// Flat values from a Python function's result: an array-like, or a tuple/list of them.
pub fn outputs(out: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    if out.is_instance_of::<PyTuple>() || out.is_instance_of::<PyList>() {
        out.try_iter()?.map(|o| to_value(&o?)).collect()
    } else {
        Ok(vec![to_value(out)?])
    }
}

/// Calls a Python function on values wrapped as Arrays; returns its flat outputs.
pub fn call_flat(fun: &Bound<'_, PyAny>, ins: Vec<Value>) -> Result<Vec<Value>, Failure> {
    let py = fun.py();
    let arrays = ins
        .into_iter()
        .map(|v| Py::new(py, Array::new(v)))
        .collect::<PyResult<Vec<_>>>()
        .map_err(Failure::Py)?;
    let args = PyTuple::new(py, arrays).map_err(Failure::Py)?;
    let out = fun.call1(args).map_err(Failure::Py)?;
    outputs(&out).map_err(Failure::Py)
}

pub fn values(xs: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    xs.try_iter()?.map(|x| to_value(&x?)).collect()
}

pub fn arrays(py: Python<'_>, vs: Vec<Value>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(py, vs.into_iter().map(Array::new))
}

/// `jvp(fun, primals, tangents) -> (outputs, output tangents)` over flat lists.
#[pyfunction]
pub fn jvp<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    primals: &Bound<'py, PyAny>,
    tangents: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
    let (p, t) = (values(primals)?, values(tangents)?);
    if p.len() != t.len() {
        return Err(to_pyerr(
            py,
            ferrax_core::value_err!(
                "jvp: got {} primals and {} tangents; they must match one to one",
                p.len(),
                t.len()
            ),
        ));
    }
    let (outs, touts) =
        transform::jvp(|ins| call_flat(fun, ins), &p, &t).map_err(|e| e.into_pyerr(py))?;
    Ok((arrays(py, outs)?, arrays(py, touts)?))
}

/// A function linearized at a point; calling it applies the tangent map, `transpose_apply`
/// the cotangent map.
#[pyclass(frozen, module = "ferrax", name = "LinearFunction")]
pub struct LinearFunction {
    inner: Linearized,
}

#[pymethods]
impl LinearFunction {
    /// Tangents of the inputs to tangents of the outputs.
    #[pyo3(signature = (*tangents))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        tangents: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyList>> {
        let t = values(tangents.as_any())?;
        arrays(py, self.inner.jvp(&t).py_err(py)?)
    }

    /// Cotangents of the outputs to cotangents of the inputs (the VJP).
    #[pyo3(signature = (*cotangents))]
    fn transpose_apply<'py>(
        &self,
        py: Python<'py>,
        cotangents: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyList>> {
        let c = values(cotangents.as_any())?;
        arrays(py, transform::backward(&self.inner, &c).py_err(py)?)
    }

    /// The linear program, in JAX's jaxpr grammar.
    fn __str__(&self) -> String {
        self.inner.linear.to_string()
    }

    /// Abstract values of the outputs as `(shape, dtype, weak)`.
    #[getter]
    fn out_avals(&self) -> Vec<(Vec<usize>, String, bool)> {
        self.inner
            .out_avals
            .iter()
            .map(|a| (a.shape.clone(), a.dtype.name().to_string(), a.weak))
            .collect()
    }
}

/// `linearize(fun, primals) -> (outputs, LinearFunction)`: the primal now, the linear part
/// recorded (also the forward pass of `vjp`).
#[pyfunction]
pub fn linearize<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    primals: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyList>, LinearFunction)> {
    let p = values(primals)?;
    let (outs, inner) =
        transform::linearize(|ins| call_flat(fun, ins), &p).map_err(|e| e.into_pyerr(py))?;
    Ok((arrays(py, outs)?, LinearFunction { inner }))
}

/// `stop_gradient(x)`: the identity with a zero derivative.
#[pyfunction]
pub fn stop_gradient(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Array> {
    let v = to_value(x)?;
    Ok(Array::new(
        ferrax_core::trace::bind1(ferrax_core::prim::StopGradient, &[v]).py_err(py)?,
    ))
}

/// Two lists of values from a Python pair `(list, list)`.
fn pair(out: &Bound<'_, PyAny>, what: &str) -> PyResult<(Vec<Value>, Vec<Value>)> {
    let t = out.cast::<PyTuple>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!("{what} must return a pair of lists"))
    })?;
    if t.len() != 2 {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} must return a pair of lists, got {} items",
            t.len()
        )));
    }
    Ok((outputs(&t.get_item(0)?)?, outputs(&t.get_item(1)?)?))
}

fn list_arg<'py>(py: Python<'py>, vs: Vec<Value>) -> Result<Bound<'py, PyList>, Failure> {
    arrays(py, vs).map_err(Failure::Py)
}

/// `custom_jvp_call(fun, rule, args)`: `fun(*args)` whose derivative is given by
/// `rule(primals, tangents) -> (outputs, output_tangents)` (flat lists).
#[pyfunction]
pub fn custom_jvp_call<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    rule: &Bound<'py, PyAny>,
    args: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let vals = values(args)?;
    let kept = rule.clone().unbind();
    let outs = transform::custom_jvp_call(
        &vals,
        |ins| call_flat(fun, ins),
        |p, t| {
            let out = rule
                .call1((list_arg(py, p)?, list_arg(py, t)?))
                .map_err(Failure::Py)?;
            pair(&out, "a custom_jvp rule").map_err(Failure::Py)
        },
        move || {
            std::sync::Arc::new(move |p: Vec<Value>, t: Vec<Value>| {
                Python::attach(|py| {
                    let out = kept.bind(py).call1((arrays(py, p)?, arrays(py, t)?))?;
                    pair(&out, "a custom_jvp rule")
                })
                .map_err(|e| raised(e, "custom_jvp rule"))
            })
        },
    )
    .map_err(|e| e.into_pyerr(py))?;
    arrays(py, outs)
}

/// A Python exception from a user function kept in a staged program, as a core error (its
/// message kept).
fn raised(e: PyErr, what: &str) -> Error {
    let msg = Python::attach(|py| e.value(py).to_string());
    Error::Backend(format!("{what} raised: {msg}"))
}

/// `custom_vjp_call(fun, fwd, bwd, args)`: `fun(*args)` differentiated in reverse mode by
/// `fwd(primals) -> (outputs, residuals)` and `bwd(residuals, cotangents) -> cotangents`.
#[pyfunction]
pub fn custom_vjp_call<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    fwd: &Bound<'py, PyAny>,
    bwd: &Bound<'py, PyAny>,
    args: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let vals = values(args)?;
    let kept_fwd = fwd.clone().unbind();
    let bwd_fn: Py<PyAny> = bwd.clone().unbind();
    let backward: std::sync::Arc<transform::BackwardFn> =
        std::sync::Arc::new(move |res: &[Value], cts: &[Value]| {
            Python::attach(|py| {
                let call = || -> PyResult<Vec<Value>> {
                    let out = bwd_fn
                        .bind(py)
                        .call1((arrays(py, res.to_vec())?, arrays(py, cts.to_vec())?))?;
                    outputs(&out)
                };
                call().map_err(|e| {
                    let msg = e.value(py).to_string();
                    // The Python exception is kept as the message of a runtime error.
                    Error::Backend(format!("custom_vjp backward function raised: {msg}"))
                })
            })
        });
    let outs = transform::custom_vjp_call(
        &vals,
        |ins| call_flat(fun, ins),
        |p| {
            let out = fwd.call1((list_arg(py, p)?,)).map_err(Failure::Py)?;
            pair(&out, "a custom_vjp forward function").map_err(Failure::Py)
        },
        backward,
        move || {
            std::sync::Arc::new(move |p: Vec<Value>| {
                Python::attach(|py| {
                    let out = kept_fwd.bind(py).call1((arrays(py, p)?,))?;
                    pair(&out, "a custom_vjp forward function")
                })
                .map_err(|e| raised(e, "custom_vjp forward function"))
            })
        },
    )
    .map_err(|e| e.into_pyerr(py))?;
    arrays(py, outs)
}

/// `vmap(fun, args, in_axes, axis_size) -> (outputs, batched)`: outputs have the batch first
/// where `batched` is true; `in_axes` holds a non-negative axis or `None` per argument.
#[pyfunction]
pub fn vmap<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    args: &Bound<'py, PyAny>,
    in_axes: Vec<Option<usize>>,
    axis_size: usize,
) -> PyResult<(Bound<'py, PyList>, Vec<bool>)> {
    let vals = values(args)?;
    if vals.len() != in_axes.len() {
        return Err(to_pyerr(
            py,
            ferrax_core::value_err!(
                "vmap: {} in_axes entries for {} arguments",
                in_axes.len(),
                vals.len()
            ),
        ));
    }
    let (outs, batched) =
        transform::vmap_front(|ins| call_flat(fun, ins), &vals, &in_axes, axis_size)
            .map_err(|e| e.into_pyerr(py))?;
    Ok((arrays(py, outs)?, batched))
}

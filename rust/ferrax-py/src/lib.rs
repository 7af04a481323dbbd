// PyO3 expands `#[pymethods]` into unsafe calls inside unsafe fns.
#![allow(unsafe_op_in_unsafe_fn)]
//! `ferrax._ferrax`: the Python extension module. It owns no semantics: every function
//! converts its arguments, calls `ferrax-core`, and maps errors onto `ferrax.errors`.

mod array;
mod autodiff;
mod control;
mod convert;
mod errors;
mod functions;
mod jit;
mod pytree;
mod staging;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _ferrax(m: &Bound<'_, PyModule>) -> PyResult<()> {
    ferrax_cpu::install();
    m.add_class::<array::Array>()?;
    m.add_class::<staging::ClosedJaxpr>()?;
    m.add_function(wrap_pyfunction!(staging::make_jaxpr, m)?)?;
    m.add_class::<autodiff::LinearFunction>()?;
    m.add_function(wrap_pyfunction!(autodiff::jvp, m)?)?;
    m.add_function(wrap_pyfunction!(autodiff::linearize, m)?)?;
    m.add_function(wrap_pyfunction!(autodiff::stop_gradient, m)?)?;
    m.add_function(wrap_pyfunction!(autodiff::custom_jvp_call, m)?)?;
    m.add_function(wrap_pyfunction!(autodiff::custom_vjp_call, m)?)?;
    m.add_function(wrap_pyfunction!(autodiff::vmap, m)?)?;
    m.add_class::<pytree::PyTreeDef>()?;
    m.add_function(wrap_pyfunction!(pytree::tree_flatten, m)?)?;
    m.add_function(wrap_pyfunction!(pytree::tree_flatten_with_path, m)?)?;
    m.add_function(wrap_pyfunction!(pytree::register_pytree_node, m)?)?;
    m.add_class::<jit::JitFunction>()?;
    m.add_class::<jit::ShapeDtypeStruct>()?;
    m.add_function(wrap_pyfunction!(control::cond, m)?)?;
    m.add_function(wrap_pyfunction!(control::while_loop, m)?)?;
    m.add_function(wrap_pyfunction!(control::scan, m)?)?;
    functions::register(m)?;
    Ok(())
}

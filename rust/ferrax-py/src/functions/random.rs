//! Random bits: the threefry2x32 primitive.

use ferrax_core::prim::Threefry2x32;
use ferrax_core::trace::bind;
use pyo3::prelude::*;
use pyo3::wrap_pyfunction;

use crate::array::Array;
use crate::convert::to_value;
use crate::errors::IntoPy;

/// `threefry2x32(k0, k1, x0, x1)`: the two uint32 output words of the Threefry-2x32 hash
/// (20 rounds) of the counters `(x0, x1)` under the keys `(k0, k1)`, elementwise; each
/// operand is a uint32 scalar or of the one common shape.
#[pyfunction]
fn threefry2x32(
    py: Python<'_>,
    k0: &Bound<'_, PyAny>,
    k1: &Bound<'_, PyAny>,
    x0: &Bound<'_, PyAny>,
    x1: &Bound<'_, PyAny>,
) -> PyResult<(Array, Array)> {
    let args = [to_value(k0)?, to_value(k1)?, to_value(x0)?, to_value(x1)?];
    let outs = bind(&Threefry2x32.into(), &args).py_err(py)?;
    let [y0, y1]: [_; 2] = outs
        .try_into()
        .map_err(|_| ferrax_core::Error::Backend("threefry2x32: expected two outputs".into()))
        .py_err(py)?;
    Ok((Array::new(y0), Array::new(y1)))
}

/// Registers the random-bit functions on the module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(threefry2x32, m)?)
}

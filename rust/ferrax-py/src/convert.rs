//! Conversions between Python objects and ferrax values.

use ferrax_core::data::{HostData, Scalar};
use ferrax_core::dtype::x64_enabled;
use ferrax_core::{Aval, DType, Error, Value};
use pyo3::buffer::{Element, PyBuffer};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt};

use crate::array::Array;
use crate::errors::to_pyerr;

/// The dtype ferrax stores for a NumPy dtype name (narrow types widen, 64-bit canonicalizes).
fn dtype_for_numpy(name: &str) -> Result<DType, Error> {
    Ok(match name {
        "bool" => DType::Bool,
        "int8" | "int16" | "int32" => DType::I32,
        "int64" => DType::I64.canonicalize(),
        "uint8" | "uint16" | "uint32" => DType::U32,
        "uint64" if !x64_enabled() => DType::U32,
        "float16" | "float32" => DType::F32,
        "float64" => DType::F64.canonicalize(),
        other => {
            return Err(Error::Type(format!(
                "arrays of dtype {other} are not supported by ferrax"
            )))
        }
    })
}

/// Parses a user-supplied dtype name, canonicalizing 64-bit types when x64 is off.
pub fn parse_dtype(py: Python<'_>, name: &str) -> PyResult<DType> {
    DType::from_name(name)
        .map(DType::canonicalize)
        .map_err(|e| to_pyerr(py, e))
}

fn read<T: Element + Copy>(obj: &Bound<'_, PyAny>) -> PyResult<Vec<T>> {
    PyBuffer::<T>::get(obj)?.to_vec(obj.py())
}

/// An array from anything NumPy can turn into an array (lists, NumPy arrays and scalars).
pub fn from_numpy(obj: &Bound<'_, PyAny>, dtype: Option<DType>) -> PyResult<Value> {
    let py = obj.py();
    let np = py.import("numpy")?;
    let arr = np.call_method1("asarray", (obj,)).map_err(|e| {
        let kind = if e.is_instance_of::<pyo3::exceptions::PyValueError>(py) {
            Error::Value
        } else {
            Error::Type
        };
        to_pyerr(
            py,
            kind(format!(
                "asarray: cannot convert the input to an array: {}",
                e.value(py)
            )),
        )
    })?;
    let np_name: String = arr.getattr("dtype")?.getattr("name")?.extract()?;
    let target = match dtype {
        Some(d) => d,
        None => dtype_for_numpy(&np_name).map_err(|e| to_pyerr(py, e))?,
    };
    let native: bool = arr.getattr("dtype")?.getattr("isnative")?.extract()?;
    let arr = if np_name != target.name() || !native {
        // Casting NaN or out-of-range values is defined (saturating); NumPy need not warn.
        let quiet = pyo3::types::PyDict::new(py);
        quiet.set_item("all", "ignore")?;
        let state = np.call_method("errstate", (), Some(&quiet))?;
        state.call_method0("__enter__")?;
        let cast = arr.call_method1("astype", (target.name(),));
        state.call_method1("__exit__", (py.None(), py.None(), py.None()))?;
        cast?
    } else {
        arr
    };
    // (`ascontiguousarray` would turn a 0-d array into a 1-d one.)
    let contiguous: bool = arr.getattr("flags")?.getattr("c_contiguous")?.extract()?;
    let arr = if contiguous {
        arr
    } else {
        arr.call_method1("copy", ("C",))?
    };
    let shape: Vec<usize> = arr.getattr("shape")?.extract()?;
    // Read through a 1-d view: the buffer of a 0-d array has no shape to check.
    let arr = arr.call_method1("reshape", (-1,))?;
    let data = match target {
        DType::Bool => {
            let bytes = read::<u8>(&arr.call_method1("view", ("uint8",))?)?;
            HostData::Bool(bytes.into_iter().map(|b| b != 0).collect())
        }
        DType::I32 => HostData::I32(read::<i32>(&arr)?),
        DType::U32 => HostData::U32(read::<u32>(&arr)?),
        DType::I64 => HostData::I64(read::<i64>(&arr)?),
        DType::F32 => HostData::F32(read::<f32>(&arr)?),
        DType::F64 => HostData::F64(read::<f64>(&arr)?),
    };
    Ok(Value::concrete(Aval::new(shape, target), data))
}

/// A weakly typed scalar from a Python int, checked against the default integer's range.
fn from_pyint(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    let py = obj.py();
    let v: i64 = obj.extract().map_err(|_| {
        to_pyerr(
            py,
            Error::Overflow(format!("Python int {obj} too large to convert to int64")),
        )
    })?;
    let dtype = DType::default_int();
    if dtype == DType::I32 && i32::try_from(v).is_err() {
        return Err(to_pyerr(
            py,
            Error::Overflow(format!("Python int {v} too large to convert to int32")),
        ));
    }
    Ok(Value::scalar(Scalar::Int(v), dtype, true))
}

/// Rejects a Python int that does not fit an integer dtype it is converted to.
pub fn check_int_fits(obj: &Bound<'_, PyAny>, dtype: DType) -> PyResult<()> {
    if !obj.is_exact_instance_of::<PyInt>() || !dtype.is_int() {
        return Ok(());
    }
    let v: i128 = obj.extract().unwrap_or(i128::MAX);
    let (lo, hi) = match dtype {
        DType::I32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        DType::U32 => (0, i128::from(u32::MAX)),
        _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
    };
    if v < lo || v > hi {
        return Err(to_pyerr(
            obj.py(),
            Error::Overflow(format!("Python int {obj} too large to convert to {dtype}")),
        ));
    }
    Ok(())
}

/// Any array-like as a value: Arrays as they are, Python scalars weakly typed, the rest
/// through NumPy.
pub fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(a) = obj.cast::<Array>() {
        return Ok(a.get().value.clone());
    }
    if obj.is_exact_instance_of::<PyBool>() {
        return Ok(Value::scalar(
            Scalar::Bool(obj.extract()?),
            DType::Bool,
            false,
        ));
    }
    if obj.is_exact_instance_of::<PyInt>() {
        return from_pyint(obj);
    }
    if obj.is_exact_instance_of::<PyFloat>() {
        let f: f64 = obj.extract()?;
        return Ok(Value::scalar(
            Scalar::Float(f),
            DType::default_float(),
            true,
        ));
    }
    from_numpy(obj, None)
}

/// A Python scalar for element `i` of concrete data.
pub fn scalar_to_py(py: Python<'_>, s: Scalar) -> PyResult<Py<PyAny>> {
    Ok(match s {
        Scalar::Bool(b) => PyBool::new(py, b).to_owned().into_any().unbind(),
        Scalar::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Scalar::UInt(u) => u.into_pyobject(py)?.into_any().unbind(),
        Scalar::Float(f) => f.into_pyobject(py)?.into_any().unbind(),
    })
}

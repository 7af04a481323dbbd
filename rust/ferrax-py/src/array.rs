//! The one `Array` type of the Python API: concrete data or a tracer, immutable.

use std::ffi::{c_int, CString};
use std::sync::Arc;

use ferrax_core::data::HostData;
use ferrax_core::ops::index::{bad_index, getitem, IndexItem};
use ferrax_core::ops::{index, numpy, reduce};
use ferrax_core::prim::{ArgOp, BinaryOp, ReduceOp, UnaryOp};
use ferrax_core::{Error, Value};
use pyo3::exceptions::{PyBufferError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyEllipsis, PyInt, PyList, PyNone, PySlice, PyTuple};

use crate::convert::{parse_dtype, scalar_to_py, to_value};
use crate::errors::{to_pyerr, IntoPy};

/// An n-dimensional array (concrete, or a tracer while a transformation runs).
#[pyclass(frozen, module = "ferrax", name = "Array")]
pub struct Array {
    /// The value behind the array.
    pub value: Value,
}

/// Why a traced value cannot become a Python value, naming the jitted function's arguments
/// it depends on when it is known.
fn concretization_message(value: &Value, what: &str) -> String {
    let origin = match ferrax_core::trace::provenance(value) {
        Some(names) => format!("it depends on the argument(s) {names} of the traced function"),
        None => "it depends on a function argument being traced".to_string(),
    };
    format!(
        "Abstract tracer value encountered where concrete value is expected: {what} of a \
         traced array {}; {origin}. Use lax.cond, lax.switch or lax.select for \
         value-dependent control flow, or mark the argument static (static_argnums or \
         static_argnames of jit).",
        value.aval().describe()
    )
}

impl Array {
    /// Wraps a value.
    pub fn new(value: Value) -> Array {
        Array { value }
    }

    fn concrete(&self, py: Python<'_>, what: &str) -> PyResult<&ferrax_core::value::Concrete> {
        self.value.as_concrete().ok_or_else(|| {
            to_pyerr(
                py,
                Error::Concretization(concretization_message(&self.value, what)),
            )
        })
    }

    /// The concrete value behind forward-mode tracers too: Python control flow on values
    /// works under `grad` (the primal is computed now), but nothing here carries a tangent.
    fn concrete_primal(
        &self,
        py: Python<'_>,
        what: &str,
    ) -> PyResult<&ferrax_core::value::Concrete> {
        self.value.concrete_primal().ok_or_else(|| {
            to_pyerr(
                py,
                Error::Concretization(concretization_message(&self.value, what)),
            )
        })
    }

    fn numpy<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        slf.get().concrete(py, "conversion to NumPy")?;
        let mv = pyo3::types::PyMemoryView::from(slf.as_any())?;
        py.import("numpy")?.call_method1("asarray", (mv,))
    }

    fn scalar_item(&self, py: Python<'_>, what: &str) -> PyResult<ferrax_core::Scalar> {
        let c = self.concrete_primal(py, what)?;
        if c.aval.size() != 1 {
            return Err(PyTypeError::new_err(format!(
                "only size-1 arrays can be converted to Python scalars ({what} of an array of \
                 shape {})",
                ferrax_core::shape::fmt_shape(&c.aval.shape)
            )));
        }
        c.data()
            .py_err(py)?
            .get(0)
            .ok_or_else(|| PyTypeError::new_err("empty array"))
    }
}

/// Parses a Python index into basic-indexing items, or `None` when it uses integer arrays,
/// lists, boolean masks or traced scalars (NumPy's advanced indexing, handled in
/// `ferrax/_indexing.py`).
fn parse_index(idx: &Bound<'_, PyAny>) -> PyResult<Option<Vec<IndexItem>>> {
    let py = idx.py();
    // `Ok(None)`: an advanced index.
    let one = |it: &Bound<'_, PyAny>| -> PyResult<Option<IndexItem>> {
        if it.is_instance_of::<PyNone>() {
            return Ok(Some(IndexItem::NewAxis));
        }
        if it.is_instance_of::<PyEllipsis>() {
            return Ok(Some(IndexItem::Ellipsis));
        }
        if let Ok(s) = it.cast::<PySlice>() {
            let part = |name: &str| -> PyResult<Option<i64>> {
                let v = s.getattr(name)?;
                if v.is_none() {
                    Ok(None)
                } else {
                    v.call_method0("__index__")?.extract().map(Some)
                }
            };
            return Ok(Some(IndexItem::Slice(
                part("start")?,
                part("stop")?,
                part("step")?,
            )));
        }
        // A Python bool is a 0-d mask, as in NumPy (checked before int, its base class).
        if it.is_instance_of::<PyBool>() || it.is_instance_of::<PyList>() {
            return Ok(None);
        }
        if it.is_instance_of::<PyInt>() {
            return Ok(Some(IndexItem::Int(it.extract()?)));
        }
        if let Ok(a) = it.cast::<Array>() {
            let v = &a.get().value;
            if v.aval().ndim() > 0 || v.dtype() == ferrax_core::DType::Bool {
                return Ok(None);
            }
            if v.dtype().is_int() {
                // A concrete integer scalar is a basic index; a traced one becomes a gather.
                return Ok(v
                    .as_concrete()
                    .and_then(|c| c.data().ok()?.get(0))
                    .map(|s| IndexItem::Int(s.as_i64())));
            }
        } else if it.hasattr("shape")? && it.hasattr("dtype")? {
            // NumPy arrays and scalars: arrays and booleans index as arrays.
            let ndim: usize = it.getattr("ndim")?.extract().unwrap_or(0);
            let kind: String = it.getattr("dtype")?.getattr("kind")?.extract()?;
            if ndim > 0 || kind == "b" {
                return Ok(None);
            }
        }
        if let Ok(i) = it
            .call_method0("__index__")
            .and_then(|i| i.extract::<i64>())
        {
            return Ok(Some(IndexItem::Int(i)));
        }
        let kind = it.get_type().name()?.to_string();
        Err(to_pyerr(py, bad_index(&kind)))
    };
    match idx.cast::<PyTuple>() {
        Ok(t) => t.iter().map(|it| one(&it)).collect(),
        Err(_) => Ok(one(idx)?.map(|item| vec![item])),
    }
}

/// `ferrax._indexing.<name>`, looked up once.
fn indexing_attr<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyAny>> {
    Ok(cell
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("ferrax._indexing")?.getattr(name)?.unbind())
        })?
        .bind(py))
}

/// Optional axis argument: None, an int or a sequence of ints.
fn parse_axis(axis: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<i64>>> {
    match axis {
        None => Ok(None),
        Some(a) if a.is_none() => Ok(None),
        Some(a) => {
            if let Ok(i) = a.extract::<i64>() {
                Ok(Some(vec![i]))
            } else {
                Ok(Some(a.extract::<Vec<i64>>()?))
            }
        }
    }
}

/// Shape arguments given either as separate ints or as one sequence.
fn shape_args(args: &Bound<'_, PyTuple>) -> PyResult<Vec<i64>> {
    if args.len() == 1 {
        let a = args.get_item(0)?;
        if let Ok(v) = a.extract::<Vec<i64>>() {
            return Ok(v);
        }
    }
    args.extract()
}

/// Defines binary operator methods (and their reflections) over NumPy-style functions.
macro_rules! binops {
    ($(($name:ident, $rname:ident, $f:expr)),* $(,)?) => {
        #[pymethods]
        impl Array {
            $(
                fn $name(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Array> {
                    let o = to_value(other)?;
                    let f: fn(&Value, &Value) -> ferrax_core::Result<Value> = $f;
                    Ok(Array::new(f(&self.value, &o).py_err(py)?))
                }
                fn $rname(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Array> {
                    let o = to_value(other)?;
                    let f: fn(&Value, &Value) -> ferrax_core::Result<Value> = $f;
                    Ok(Array::new(f(&o, &self.value).py_err(py)?))
                }
            )*
        }
    };
}

binops!(
    (__add__, __radd__, |a, b| numpy::binary(BinaryOp::Add, a, b)),
    (__sub__, __rsub__, |a, b| numpy::binary(BinaryOp::Sub, a, b)),
    (__mul__, __rmul__, |a, b| numpy::binary(BinaryOp::Mul, a, b)),
    (__truediv__, __rtruediv__, numpy::true_divide),
    (__floordiv__, __rfloordiv__, numpy::floor_divide),
    (__mod__, __rmod__, numpy::remainder),
    (__matmul__, __rmatmul__, numpy::matmul),
    (__and__, __rand__, |a, b| numpy::binary(BinaryOp::And, a, b)),
    (__or__, __ror__, |a, b| numpy::binary(BinaryOp::Or, a, b)),
    (__xor__, __rxor__, |a, b| numpy::binary(BinaryOp::Xor, a, b)),
    (__lshift__, __rlshift__, |a, b| numpy::binary(
        BinaryOp::ShiftLeft,
        a,
        b
    )),
    (__rshift__, __rrshift__, |a, b| numpy::binary(
        BinaryOp::ShiftRightArithmetic,
        a,
        b
    )),
);

/// Keeps the shape, strides and format of an exported buffer alive until it is released.
struct BufferMeta {
    shape: Vec<isize>,
    strides: Vec<isize>,
    format: CString,
    _data: Arc<HostData>,
}

fn buffer_format(d: ferrax_core::DType) -> &'static str {
    use ferrax_core::DType::*;
    match d {
        Bool => "?",
        I32 => "i",
        U32 => "I",
        I64 => "q",
        F32 => "f",
        F64 => "d",
    }
}

#[pymethods]
impl Array {
    /// NumPy defers binary operators with NumPy arrays to this type.
    #[classattr]
    #[allow(non_upper_case_globals)]
    const __array_priority__: i32 = 100;

    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.value.shape())
    }

    /// The NumPy dtype object (made once per dtype: attribute reads are frequent).
    #[getter]
    fn dtype<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        use ferrax_core::DType;
        static DTYPES: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();
        let all = DTYPES.get_or_try_init(py, || {
            let np = py.import("numpy")?;
            DType::ALL
                .iter()
                .map(|d| Ok(np.call_method1("dtype", (d.name(),))?.unbind()))
                .collect::<PyResult<Vec<_>>>()
        })?;
        let dtype = self.value.dtype();
        let i = DType::ALL
            .iter()
            .position(|d| *d == dtype)
            .unwrap_or_default();
        Ok(all[i].bind(py).clone())
    }

    #[getter]
    fn ndim(&self) -> usize {
        self.value.shape().len()
    }

    #[getter]
    fn size(&self) -> usize {
        self.value.aval().size()
    }

    #[getter]
    fn weak_type(&self) -> bool {
        self.value.aval().weak
    }

    #[getter(T)]
    fn t(&self, py: Python<'_>) -> PyResult<Array> {
        Ok(Array::new(index::transpose(&self.value, None).py_err(py)?))
    }

    fn item(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        scalar_to_py(py, self.scalar_item(py, "item()")?)
    }

    fn tolist(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        Ok(Array::numpy(slf)?.call_method0("tolist")?.unbind())
    }

    fn astype(&self, py: Python<'_>, dtype: &Bound<'_, PyAny>) -> PyResult<Array> {
        let name = crate::functions::dtype_name(dtype)?;
        let d = parse_dtype(py, &name)?;
        Ok(Array::new(
            ferrax_core::ops::lax::convert(&self.value, d, false).py_err(py)?,
        ))
    }

    #[pyo3(signature = (*shape))]
    fn reshape(&self, py: Python<'_>, shape: &Bound<'_, PyTuple>) -> PyResult<Array> {
        let s = shape_args(shape)?;
        Ok(Array::new(index::reshape(&self.value, &s).py_err(py)?))
    }

    #[pyo3(signature = (*axes))]
    fn transpose(&self, py: Python<'_>, axes: &Bound<'_, PyTuple>) -> PyResult<Array> {
        let a = if axes.is_empty() {
            None
        } else {
            Some(shape_args(axes)?)
        };
        Ok(Array::new(
            index::transpose(&self.value, a.as_deref()).py_err(py)?,
        ))
    }

    #[pyo3(signature = (axis=None, keepdims=false))]
    fn sum(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<Array> {
        let a = parse_axis(axis)?;
        Ok(Array::new(
            reduce::reduce(ReduceOp::Sum, &self.value, a.as_deref(), keepdims).py_err(py)?,
        ))
    }

    #[pyo3(signature = (axis=None, keepdims=false))]
    fn prod(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<Array> {
        let a = parse_axis(axis)?;
        Ok(Array::new(
            reduce::reduce(ReduceOp::Prod, &self.value, a.as_deref(), keepdims).py_err(py)?,
        ))
    }

    #[pyo3(signature = (axis=None, keepdims=false))]
    fn max(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<Array> {
        let a = parse_axis(axis)?;
        Ok(Array::new(
            reduce::reduce(ReduceOp::Max, &self.value, a.as_deref(), keepdims).py_err(py)?,
        ))
    }

    #[pyo3(signature = (axis=None, keepdims=false))]
    fn min(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<Array> {
        let a = parse_axis(axis)?;
        Ok(Array::new(
            reduce::reduce(ReduceOp::Min, &self.value, a.as_deref(), keepdims).py_err(py)?,
        ))
    }

    #[pyo3(signature = (axis=None, keepdims=false))]
    fn mean(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<Array> {
        let a = parse_axis(axis)?;
        Ok(Array::new(
            reduce::mean(&self.value, a.as_deref(), keepdims).py_err(py)?,
        ))
    }

    #[pyo3(signature = (axis=None))]
    fn argmax(&self, py: Python<'_>, axis: Option<i64>) -> PyResult<Array> {
        Ok(Array::new(
            reduce::arg_reduce(ArgOp::Max, &self.value, axis, false).py_err(py)?,
        ))
    }

    #[pyo3(signature = (axis=None))]
    fn argmin(&self, py: Python<'_>, axis: Option<i64>) -> PyResult<Array> {
        Ok(Array::new(
            reduce::arg_reduce(ArgOp::Min, &self.value, axis, false).py_err(py)?,
        ))
    }

    /// Waits until the data is computed (deferred elementwise programs run here).
    fn block_until_ready(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        if let Some(c) = slf.get().value.as_concrete() {
            c.data().py_err(slf.py())?;
        }
        Ok(slf)
    }

    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__<'py>(
        slf: &Bound<'py, Self>,
        dtype: Option<&Bound<'py, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut arr = Array::numpy(slf)?;
        if let Some(d) = dtype.filter(|d| !d.is_none()) {
            arr = arr.call_method1("astype", (d,))?;
        }
        if copy == Some(true) {
            arr = arr.call_method0("copy")?;
        }
        Ok(arr)
    }

    fn __len__(&self) -> PyResult<usize> {
        self.value
            .shape()
            .first()
            .copied()
            .ok_or_else(|| PyTypeError::new_err("len() of unsized object (a 0-d array)"))
    }

    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let this = slf.get();
        let n = this
            .__len__()
            .map_err(|_| PyTypeError::new_err("iteration over a 0-d array"))?;
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            let v = getitem(&this.value, &[IndexItem::Int(i as i64)]).py_err(py)?;
            rows.push(Py::new(py, Array::new(v))?);
        }
        Ok(pyo3::types::PyList::new(py, rows)?
            .try_iter()?
            .into_any()
            .unbind())
    }

    fn __getitem__<'py>(
        slf: &Bound<'py, Self>,
        idx: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        static ADVANCED: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let py = slf.py();
        let Some(items) = parse_index(idx)? else {
            return indexing_attr(py, &ADVANCED, "getitem")?.call1((slf, idx));
        };
        let out = Array::new(getitem(&slf.get().value, &items).py_err(py)?);
        Ok(Bound::new(py, out)?.into_any())
    }

    /// Functional updates: `x.at[idx].set(v)`, `.add`, `.multiply`, `.min`, `.max`, `.get`.
    #[getter]
    fn at<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        static HELPER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        indexing_attr(slf.py(), &HELPER, "_IndexUpdateHelper")?.call1((slf,))
    }

    fn __float__(&self, py: Python<'_>) -> PyResult<f64> {
        Ok(self.scalar_item(py, "float()")?.as_f64())
    }

    fn __int__(&self, py: Python<'_>) -> PyResult<i64> {
        Ok(self.scalar_item(py, "int()")?.as_i64())
    }

    fn __index__(&self, py: Python<'_>) -> PyResult<i64> {
        if !self.value.dtype().is_int() {
            return Err(PyTypeError::new_err(format!(
                "only integer scalar arrays can be converted to a scalar index, got {}",
                self.value.aval().describe()
            )));
        }
        Ok(self.scalar_item(py, "__index__()")?.as_i64())
    }

    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        let c = self.concrete_primal(py, "bool()")?;
        if c.aval.size() != 1 {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "The truth value of an array with more than one element is ambiguous (shape \
                 {}). Use a.any() or a.all()",
                ferrax_core::shape::fmt_shape(&c.aval.shape)
            )));
        }
        Ok(self.scalar_item(py, "bool()")?.as_f64() != 0.0)
    }

    fn __pow__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Array> {
        let _ = modulo;
        let o = to_value(other)?;
        Ok(Array::new(
            numpy::binary(BinaryOp::Pow, &self.value, &o).py_err(py)?,
        ))
    }

    fn __rpow__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Array> {
        let _ = modulo;
        let o = to_value(other)?;
        Ok(Array::new(
            numpy::binary(BinaryOp::Pow, &o, &self.value).py_err(py)?,
        ))
    }

    fn __neg__(&self, py: Python<'_>) -> PyResult<Array> {
        Ok(Array::new(
            numpy::unary(UnaryOp::Neg, &self.value).py_err(py)?,
        ))
    }

    fn __pos__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __abs__(&self, py: Python<'_>) -> PyResult<Array> {
        Ok(Array::new(
            numpy::unary(UnaryOp::Abs, &self.value).py_err(py)?,
        ))
    }

    fn __invert__(&self, py: Python<'_>) -> PyResult<Array> {
        Ok(Array::new(
            numpy::unary(UnaryOp::Not, &self.value).py_err(py)?,
        ))
    }

    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: pyo3::basic::CompareOp,
    ) -> PyResult<Py<PyAny>> {
        use pyo3::basic::CompareOp::*;
        let Ok(o) = to_value(other) else {
            return Ok(py.NotImplemented());
        };
        let bop = match op {
            Lt => BinaryOp::Lt,
            Le => BinaryOp::Le,
            Eq => BinaryOp::Eq,
            Ne => BinaryOp::Ne,
            Gt => BinaryOp::Gt,
            Ge => BinaryOp::Ge,
        };
        let v = numpy::binary(bop, &self.value, &o).py_err(py)?;
        Ok(Py::new(py, Array::new(v))?.into_any())
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        let aval = this.value.aval();
        if this.value.as_concrete().is_none() {
            return Ok(format!("Traced<{aval}>"));
        }
        let arr = Array::numpy(slf)?;
        let np = slf.py().import("numpy")?;
        let kwargs = pyo3::types::PyDict::new(slf.py());
        kwargs.set_item("separator", ", ")?;
        kwargs.set_item("prefix", "Array(")?;
        let body: String = np
            .call_method("array2string", (arr,), Some(&kwargs))?
            .extract()?;
        let weak = if aval.weak { ", weak_type=True" } else { "" };
        let shape = if aval.size() == 0 {
            format!(", shape={}", ferrax_core::shape::fmt_shape(&aval.shape))
        } else {
            String::new()
        };
        Ok(format!("Array({body}{shape}, dtype={}{weak})", aval.dtype))
    }

    fn __str__(slf: &Bound<'_, Self>) -> PyResult<String> {
        if slf.get().value.as_concrete().is_none() {
            return Array::__repr__(slf);
        }
        Ok(Array::numpy(slf)?.str()?.to_string())
    }

    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let py = slf.py();
        let this = slf.get();
        let c = this.concrete(py, "export through the buffer protocol")?;
        if flags & ffi::PyBUF_WRITABLE == ffi::PyBUF_WRITABLE {
            return Err(PyBufferError::new_err("ferrax arrays are immutable"));
        }
        let dtype = c.aval.dtype;
        let item = dtype.size_bytes() as isize;
        let strides = ferrax_core::shape::strides(&c.aval.shape)
            .into_iter()
            .map(|s| s as isize * item)
            .collect();
        let data = Arc::clone(c.data().py_err(py)?);
        let mut meta = Box::new(BufferMeta {
            shape: c.aval.shape.iter().map(|&d| d as isize).collect(),
            strides,
            format: CString::new(buffer_format(dtype))
                .map_err(|e| PyBufferError::new_err(e.to_string()))?,
            _data: Arc::clone(&data),
        });
        let bytes = data.as_bytes();
        // SAFETY: `view` is the caller's buffer struct; every pointer stored in it stays valid
        // until `__releasebuffer__` frees `meta`, which also keeps the data alive.
        unsafe {
            (*view).buf = bytes.as_ptr() as *mut std::ffi::c_void;
            (*view).len = bytes.len() as isize;
            (*view).readonly = 1;
            (*view).itemsize = item;
            (*view).format = if flags & ffi::PyBUF_FORMAT == ffi::PyBUF_FORMAT {
                meta.format.as_ptr() as *mut std::ffi::c_char
            } else {
                std::ptr::null_mut()
            };
            (*view).ndim = meta.shape.len() as c_int;
            (*view).shape = if flags & ffi::PyBUF_ND == ffi::PyBUF_ND {
                meta.shape.as_mut_ptr()
            } else {
                std::ptr::null_mut()
            };
            (*view).strides = if flags & ffi::PyBUF_STRIDES == ffi::PyBUF_STRIDES {
                meta.strides.as_mut_ptr()
            } else {
                std::ptr::null_mut()
            };
            (*view).suboffsets = std::ptr::null_mut();
            (*view).internal = Box::into_raw(meta) as *mut std::ffi::c_void;
            (*view).obj = slf.into_any().into_ptr();
        }
        Ok(())
    }

    unsafe fn __releasebuffer__(&self, view: *mut ffi::Py_buffer) {
        // SAFETY: `internal` was set by `__getbuffer__` to a leaked `Box<BufferMeta>`.
        unsafe {
            let meta = (*view).internal as *mut BufferMeta;
            if !meta.is_null() {
                drop(Box::from_raw(meta));
            }
        }
    }
}

//! Module-level functions of `ferrax._ferrax`: one per primitive (lax) and the NumPy-style
//! composites. Each converts its arguments, calls the core, and maps errors.

use ferrax_core::dtype::{promote, set_x64, x64_enabled, WeakDType};
use ferrax_core::ops::{index, lax, numpy, reduce};
use ferrax_core::prim::*;
use ferrax_core::trace::{bind, bind1};
use ferrax_core::{DType, Value};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use pyo3::wrap_pyfunction;

mod indexing;
mod linalg;
mod random;

use crate::array::Array;
use crate::convert::{parse_dtype, to_value};
use crate::errors::IntoPy;

type Res = PyResult<Array>;

fn wrap(py: Python<'_>, r: ferrax_core::Result<Value>) -> Res {
    Ok(Array::new(r.py_err(py)?))
}

/// A dtype argument as a NumPy name (accepts strings, NumPy dtypes and scalar types).
pub fn dtype_name(d: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = d.cast::<PyString>() {
        return Ok(s.to_string());
    }
    let np = d.py().import("numpy")?;
    np.call_method1("dtype", (d,))?.getattr("name")?.extract()
}

fn values(xs: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    xs.try_iter()?.map(|x| to_value(&x?)).collect()
}

macro_rules! unary_fns {
    ($(($name:ident, $op:expr)),* $(,)?) => {
        $(
            #[doc = concat!("Elementwise `", stringify!($name), "` (integers promote to float where needed).")]
            #[pyfunction]
            fn $name(py: Python<'_>, x: &Bound<'_, PyAny>) -> Res {
                wrap(py, numpy::unary($op, &to_value(x)?))
            }
        )*
        fn add_unary(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( m.add_function(wrap_pyfunction!($name, m)?)?; )*
            Ok(())
        }
    };
}

unary_fns!(
    (neg, UnaryOp::Neg),
    (sign, UnaryOp::Sign),
    (floor, UnaryOp::Floor),
    (ceil, UnaryOp::Ceil),
    (abs, UnaryOp::Abs),
    (exp, UnaryOp::Exp),
    (exp2, UnaryOp::Exp2),
    (log, UnaryOp::Log),
    (log1p, UnaryOp::Log1p),
    (expm1, UnaryOp::Expm1),
    (sqrt, UnaryOp::Sqrt),
    (rsqrt, UnaryOp::Rsqrt),
    (sin, UnaryOp::Sin),
    (cos, UnaryOp::Cos),
    (tan, UnaryOp::Tan),
    (tanh, UnaryOp::Tanh),
    (asin, UnaryOp::Asin),
    (acos, UnaryOp::Acos),
    (atan, UnaryOp::Atan),
    (sinh, UnaryOp::Sinh),
    (cosh, UnaryOp::Cosh),
    (asinh, UnaryOp::Asinh),
    (acosh, UnaryOp::Acosh),
    (atanh, UnaryOp::Atanh),
    (logistic, UnaryOp::Logistic),
    (erf, UnaryOp::Erf),
    (erf_inv, UnaryOp::ErfInv),
    (is_finite, UnaryOp::IsFinite),
    (not_, UnaryOp::Not),
);

/// Rounds; `rounding_method` 0 rounds half away from zero, 1 half to even.
#[pyfunction]
#[pyo3(signature = (x, rounding_method=0))]
fn round(py: Python<'_>, x: &Bound<'_, PyAny>, rounding_method: i32) -> Res {
    let op = if rounding_method == 1 {
        UnaryOp::RoundEven
    } else {
        UnaryOp::Round
    };
    wrap(py, numpy::unary(op, &to_value(x)?))
}

macro_rules! binary_fns {
    ($(($name:ident, $f:expr)),* $(,)?) => {
        $(
            #[doc = concat!("Elementwise `", stringify!($name), "` with promotion and broadcasting.")]
            #[pyfunction]
            fn $name(py: Python<'_>, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> Res {
                let f: fn(&Value, &Value) -> ferrax_core::Result<Value> = $f;
                wrap(py, f(&to_value(x)?, &to_value(y)?))
            }
        )*
        fn add_binary(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( m.add_function(wrap_pyfunction!($name, m)?)?; )*
            Ok(())
        }
    };
}

binary_fns!(
    (add, |a, b| numpy::binary(BinaryOp::Add, a, b)),
    (sub, |a, b| numpy::binary(BinaryOp::Sub, a, b)),
    (mul, |a, b| numpy::binary(BinaryOp::Mul, a, b)),
    (div, |a, b| numpy::binary(BinaryOp::Div, a, b)),
    (rem, |a, b| numpy::binary(BinaryOp::Rem, a, b)),
    (pow, |a, b| numpy::binary(BinaryOp::Pow, a, b)),
    (max, |a, b| numpy::binary(BinaryOp::Max, a, b)),
    (min, |a, b| numpy::binary(BinaryOp::Min, a, b)),
    (atan2, |a, b| numpy::binary(BinaryOp::Atan2, a, b)),
    (nextafter, |a, b| numpy::binary(BinaryOp::Nextafter, a, b)),
    (eq, |a, b| numpy::binary(BinaryOp::Eq, a, b)),
    (ne, |a, b| numpy::binary(BinaryOp::Ne, a, b)),
    (lt, |a, b| numpy::binary(BinaryOp::Lt, a, b)),
    (le, |a, b| numpy::binary(BinaryOp::Le, a, b)),
    (gt, |a, b| numpy::binary(BinaryOp::Gt, a, b)),
    (ge, |a, b| numpy::binary(BinaryOp::Ge, a, b)),
    (and_, |a, b| numpy::binary(BinaryOp::And, a, b)),
    (or_, |a, b| numpy::binary(BinaryOp::Or, a, b)),
    (xor, |a, b| numpy::binary(BinaryOp::Xor, a, b)),
    (shift_left, |a, b| numpy::binary(BinaryOp::ShiftLeft, a, b)),
    (shift_right_logical, |a, b| numpy::binary(
        BinaryOp::ShiftRightLogical,
        a,
        b
    )),
    (shift_right_arithmetic, |a, b| numpy::binary(
        BinaryOp::ShiftRightArithmetic,
        a,
        b
    )),
    (true_divide, numpy::true_divide),
    (floor_divide, numpy::floor_divide),
    (remainder, numpy::remainder),
    (matmul, numpy::matmul),
    (dot, numpy::dot),
);

/// `cases[which]` elementwise, all operands broadcast together.
#[pyfunction]
#[pyo3(signature = (which, *cases))]
fn select_n(
    py: Python<'_>,
    which: &Bound<'_, PyAny>,
    cases: &Bound<'_, pyo3::types::PyTuple>,
) -> Res {
    let w = to_value(which)?;
    let cs = values(cases.as_any())?;
    let refs: Vec<&Value> = cs.iter().collect();
    let r = (|| {
        let promoted = numpy::prepare("select_n", &refs)?;
        let mut all = vec![w.clone()];
        all.extend(promoted);
        let shapes: Vec<&[usize]> = all.iter().map(Value::shape).collect();
        let shape = ferrax_core::shape::broadcast_shapes("select_n", &shapes)?;
        let all = all
            .iter()
            .map(|v| {
                if v.shape().is_empty() {
                    Ok(v.clone())
                } else {
                    numpy::broadcast_to(v, &shape)
                }
            })
            .collect::<ferrax_core::Result<Vec<_>>>()?;
        lax::select_n(&all[0], &all[1..])
    })();
    wrap(py, r)
}

/// NumPy's `where(cond, x, y)`.
#[pyfunction]
#[pyo3(name = "where")]
fn where_(
    py: Python<'_>,
    cond: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
) -> Res {
    wrap(
        py,
        numpy::where_(&to_value(cond)?, &to_value(x)?, &to_value(y)?),
    )
}

/// `clamp(lo, x, hi)`.
#[pyfunction]
fn clamp(
    py: Python<'_>,
    lo: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    hi: &Bound<'_, PyAny>,
) -> Res {
    wrap(
        py,
        numpy::clamp(&to_value(lo)?, &to_value(x)?, &to_value(hi)?),
    )
}

/// `fma(a, b, c)`: `a * b + c` rounded once (one float dtype; scalars or one shape).
#[pyfunction]
fn fma(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>, c: &Bound<'_, PyAny>) -> Res {
    let args = [to_value(a)?, to_value(b)?, to_value(c)?];
    wrap(py, bind1(Fma, &args))
}

/// `convert_element_type`.
#[pyfunction]
#[pyo3(signature = (x, dtype, weak_type=false))]
fn convert_element_type(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    dtype: &Bound<'_, PyAny>,
    weak_type: bool,
) -> Res {
    let d = parse_dtype(py, &dtype_name(dtype)?)?;
    wrap(py, lax::convert(&to_value(x)?, d, weak_type))
}

/// `bitcast_convert_type`: the same bits read as another dtype of the same width.
#[pyfunction]
fn bitcast_convert_type(py: Python<'_>, x: &Bound<'_, PyAny>, dtype: &Bound<'_, PyAny>) -> Res {
    let d = parse_dtype(py, &dtype_name(dtype)?)?;
    wrap(
        py,
        ferrax_core::trace::bind1(
            ferrax_core::prim::BitcastConvertType { dtype: d },
            &[to_value(x)?],
        ),
    )
}

/// An array from an array-like, optionally cast.
#[pyfunction]
#[pyo3(signature = (obj, dtype=None))]
fn asarray(py: Python<'_>, obj: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>) -> Res {
    let target = match dtype.filter(|d| !d.is_none()) {
        Some(d) => Some(parse_dtype(py, &dtype_name(d)?)?),
        None => None,
    };
    match target {
        Some(d) if obj.cast::<Array>().is_err() => {
            crate::convert::check_int_fits(obj, d)?;
            Ok(Array::new(crate::convert::from_numpy(obj, Some(d))?))
        }
        Some(d) => wrap(py, lax::convert(&to_value(obj)?, d, false)),
        None => Ok(Array::new(to_value(obj)?)),
    }
}

/// Enables or disables 64-bit types.
#[pyfunction(name = "set_x64")]
fn py_set_x64(enabled: bool) {
    set_x64(enabled);
}

/// Whether 64-bit types are enabled.
#[pyfunction(name = "x64_enabled")]
fn py_x64_enabled() -> bool {
    x64_enabled()
}

/// JAX's promotion over array-likes and dtype names.
#[pyfunction]
#[pyo3(signature = (*args))]
fn result_type(py: Python<'_>, args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<String> {
    let mut types = Vec::with_capacity(args.len());
    for a in args.iter() {
        let is_dtype = a.is_instance_of::<PyString>()
            || a.is_instance_of::<pyo3::types::PyType>()
            || a.hasattr("char")? && !a.hasattr("shape")?;
        if is_dtype {
            let d = parse_dtype(py, &dtype_name(&a)?)?;
            types.push(WeakDType {
                dtype: d,
                weak: false,
            });
        } else {
            types.push(to_value(&a)?.aval().weak_dtype());
        }
    }
    Ok(promote(&types)
        .map(|t| t.dtype)
        .unwrap_or(DType::default_float())
        .name()
        .to_string())
}

/// `promote_dtypes(a, a_weak, b, b_weak)`: the join of two dtype names on JAX's lattice, not
/// canonicalized (`jnp.promote_types`; a weak operand stands for a Python type).
#[pyfunction]
fn promote_dtypes(
    py: Python<'_>,
    a: &str,
    a_weak: bool,
    b: &str,
    b_weak: bool,
) -> PyResult<String> {
    let named = |name: &str, weak: bool| -> PyResult<WeakDType> {
        let dtype = DType::from_name(name).map_err(|e| crate::errors::to_pyerr(py, e))?;
        Ok(WeakDType { dtype, weak })
    };
    let joined = ferrax_core::dtype::join_dtypes(named(a, a_weak)?, named(b, b_weak)?);
    Ok(joined.name().to_string())
}

/// `inexact_dtype(name, weak)`: the float dtype JAX's `promote_dtypes_inexact` gives a value
/// of dtype `name` (weakly typed or not).
#[pyfunction]
fn inexact_dtype(py: Python<'_>, name: &str, weak: bool) -> PyResult<String> {
    Ok(parse_dtype(py, name)?.to_inexact(weak).name().to_string())
}

/// Non-negative sizes, indices or strides given to `op`.
fn sizes(py: Python<'_>, op: &str, what: &str, v: &[i64]) -> PyResult<Vec<usize>> {
    match v.iter().find(|&&d| d < 0) {
        Some(bad) => Err(crate::errors::to_pyerr(
            py,
            ferrax_core::value_err!("{op}: {what} must be non-negative, got {bad} in {v:?}"),
        )),
        None => Ok(v.iter().map(|&d| d as usize).collect()),
    }
}

/// `iota(dtype, size)`.
#[pyfunction]
fn iota(py: Python<'_>, dtype: &Bound<'_, PyAny>, size: i64) -> Res {
    let size = sizes(py, "iota", "size", &[size])?[0];
    let d = parse_dtype(py, &dtype_name(dtype)?)?;
    wrap(py, lax::iota(d, vec![size], 0))
}

/// `broadcasted_iota(dtype, shape, dimension)`.
#[pyfunction]
fn broadcasted_iota(
    py: Python<'_>,
    dtype: &Bound<'_, PyAny>,
    shape: Vec<i64>,
    dimension: i64,
) -> Res {
    let shape = sizes(py, "broadcasted_iota", "shape", &shape)?;
    let d = parse_dtype(py, &dtype_name(dtype)?)?;
    let dim = ferrax_core::shape::normalize_axis("broadcasted_iota", dimension, shape.len())
        .py_err(py)?;
    wrap(py, lax::iota(d, shape, dim))
}

/// `full(shape, fill_value, dtype=None)`.
#[pyfunction]
#[pyo3(signature = (shape, fill_value, dtype=None))]
fn full(
    py: Python<'_>,
    shape: Vec<i64>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
) -> Res {
    let shape = sizes(py, "full", "shape", &shape)?;
    let v = to_value(fill_value)?;
    let v = match dtype.filter(|d| !d.is_none()) {
        Some(d) => lax::convert(&v, parse_dtype(py, &dtype_name(d)?)?, false).py_err(py)?,
        None => v,
    };
    wrap(py, numpy::broadcast_to(&v, &shape))
}

/// `broadcast_in_dim(x, shape, broadcast_dimensions)`.
#[pyfunction]
fn broadcast_in_dim(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    shape: Vec<i64>,
    broadcast_dimensions: Vec<i64>,
) -> Res {
    let shape = sizes(py, "broadcast_in_dim", "shape", &shape)?;
    let broadcast_dimensions = sizes(
        py,
        "broadcast_in_dim",
        "broadcast_dimensions",
        &broadcast_dimensions,
    )?;
    let v = to_value(x)?;
    wrap(
        py,
        bind1(
            BroadcastInDim {
                shape,
                broadcast_dimensions,
            },
            &[v],
        ),
    )
}

/// NumPy's `broadcast_to`.
#[pyfunction]
fn broadcast_to(py: Python<'_>, x: &Bound<'_, PyAny>, shape: Vec<i64>) -> Res {
    let shape = sizes(py, "broadcast_to", "shape", &shape)?;
    wrap(py, numpy::broadcast_to(&to_value(x)?, &shape))
}

/// `reshape` (one entry may be -1).
#[pyfunction]
fn reshape(py: Python<'_>, x: &Bound<'_, PyAny>, new_sizes: Vec<i64>) -> Res {
    wrap(py, index::reshape(&to_value(x)?, &new_sizes))
}

/// `transpose` (default: reverse the axes).
#[pyfunction]
#[pyo3(signature = (x, permutation=None))]
fn transpose(py: Python<'_>, x: &Bound<'_, PyAny>, permutation: Option<Vec<i64>>) -> Res {
    wrap(py, index::transpose(&to_value(x)?, permutation.as_deref()))
}

/// `squeeze` (default: every size-1 axis).
#[pyfunction]
#[pyo3(signature = (x, dimensions=None))]
fn squeeze(py: Python<'_>, x: &Bound<'_, PyAny>, dimensions: Option<Vec<i64>>) -> Res {
    wrap(py, index::squeeze(&to_value(x)?, dimensions.as_deref()))
}

/// `expand_dims`.
#[pyfunction]
fn expand_dims(py: Python<'_>, x: &Bound<'_, PyAny>, dimensions: Vec<i64>) -> Res {
    wrap(py, index::expand_dims(&to_value(x)?, &dimensions))
}

/// `rev`.
#[pyfunction]
fn rev(py: Python<'_>, x: &Bound<'_, PyAny>, dimensions: Vec<i64>) -> Res {
    let v = to_value(x)?;
    let dims =
        ferrax_core::shape::normalize_axes("rev", &dimensions, v.shape().len()).py_err(py)?;
    wrap(py, lax::rev(&v, &dims))
}

/// `concatenate` with NumPy promotion.
#[pyfunction]
fn concatenate(py: Python<'_>, operands: &Bound<'_, PyAny>, dimension: i64) -> Res {
    let vs = values(operands)?;
    let r = (|| {
        let first = vs
            .first()
            .ok_or_else(|| ferrax_core::value_err!("concatenate requires at least one array"))?;
        if first.shape().is_empty() {
            return Err(ferrax_core::value_err!(
                "concatenate: zero-dimensional arrays cannot be concatenated"
            ));
        }
        let d = ferrax_core::shape::normalize_axis("concatenate", dimension, first.shape().len())?;
        let refs: Vec<&Value> = vs.iter().collect();
        lax::concatenate(&numpy::promote_values(&refs)?, d)
    })();
    wrap(py, r)
}

/// `pad(x, padding_value, padding_config)`.
#[pyfunction]
fn pad(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    padding_value: &Bound<'_, PyAny>,
    padding_config: Vec<(i64, i64, i64)>,
) -> Res {
    let v = to_value(x)?;
    let p = lax::convert(&to_value(padding_value)?, v.dtype(), false).py_err(py)?;
    wrap(
        py,
        bind1(
            Pad {
                config: padding_config,
            },
            &[v, p],
        ),
    )
}

/// Static `slice`.
#[pyfunction]
#[pyo3(signature = (x, start_indices, limit_indices, strides=None))]
fn slice(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    start_indices: Vec<i64>,
    limit_indices: Vec<i64>,
    strides: Option<Vec<i64>>,
) -> Res {
    let start_indices = sizes(py, "slice", "start_indices", &start_indices)?;
    let limit_indices = sizes(py, "slice", "limit_indices", &limit_indices)?;
    let strides = match strides {
        Some(st) => Some(sizes(py, "slice", "strides", &st)?),
        None => None,
    };
    let v = to_value(x)?;
    let strides = strides.unwrap_or_else(|| vec![1; start_indices.len()]);
    wrap(
        py,
        bind1(
            Slice {
                start_indices,
                limit_indices,
                strides,
            },
            &[v],
        ),
    )
}

fn start_values(py: Python<'_>, starts: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    values(starts)?
        .into_iter()
        .map(|s| {
            if s.dtype().is_int() {
                Ok(s)
            } else {
                Err(crate::errors::to_pyerr(
                    py,
                    ferrax_core::type_err!(
                        "start indices must be integers, got {}",
                        s.aval().describe()
                    ),
                ))
            }
        })
        .collect()
}

/// `dynamic_slice(x, start_indices, slice_sizes)`.
#[pyfunction]
fn dynamic_slice(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    start_indices: &Bound<'_, PyAny>,
    slice_sizes: Vec<i64>,
) -> Res {
    let slice_sizes = sizes(py, "dynamic_slice", "slice_sizes", &slice_sizes)?;
    let mut ins = vec![to_value(x)?];
    ins.extend(start_values(py, start_indices)?);
    wrap(py, bind1(DynamicSlice { slice_sizes }, &ins))
}

/// `dynamic_update_slice(x, update, start_indices)`.
#[pyfunction]
fn dynamic_update_slice(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    update: &Bound<'_, PyAny>,
    start_indices: &Bound<'_, PyAny>,
) -> Res {
    let v = to_value(x)?;
    let u = lax::convert(&to_value(update)?, v.dtype(), v.aval().weak).py_err(py)?;
    let mut ins = vec![v, u];
    ins.extend(start_values(py, start_indices)?);
    wrap(py, bind1(DynamicUpdateSlice, &ins))
}

/// Basic indexing.
#[pyfunction]
fn getitem(x: &Bound<'_, PyAny>, idx: &Bound<'_, PyAny>) -> Res {
    let a = Py::new(x.py(), Array::new(to_value(x)?))?;
    let r = a.bind(x.py()).call_method1("__getitem__", (idx,))?;
    Ok(Array::new(r.cast::<Array>()?.get().value.clone()))
}

macro_rules! reduce_fns {
    ($(($name:ident, $op:expr)),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "` over sorted axes.")]
            #[pyfunction]
            fn $name(py: Python<'_>, x: &Bound<'_, PyAny>, axes: Vec<i64>) -> Res {
                let v = to_value(x)?;
                let a = ferrax_core::shape::normalize_axes(stringify!($name), &axes, v.shape().len()).py_err(py)?;
                wrap(py, lax::reduce($op, &v, &a))
            }
        )*
    };
}

reduce_fns!(
    (reduce_sum, ReduceOp::Sum),
    (reduce_prod, ReduceOp::Prod),
    (reduce_max, ReduceOp::Max),
    (reduce_min, ReduceOp::Min),
    (reduce_and, ReduceOp::And),
    (reduce_or, ReduceOp::Or),
);

fn axis_arg(axis: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<i64>>> {
    match axis {
        None => Ok(None),
        Some(a) if a.is_none() => Ok(None),
        Some(a) => a
            .extract::<i64>()
            .map(|i| Some(vec![i]))
            .or_else(|_| a.extract().map(Some)),
    }
}

macro_rules! np_reduce_fns {
    ($(($name:ident, $op:expr)),* $(,)?) => {
        $(
            #[doc = concat!("NumPy-style `", stringify!($name), "`.")]
            #[pyfunction]
            #[pyo3(signature = (x, axis=None, keepdims=false))]
            fn $name(py: Python<'_>, x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> Res {
                let a = axis_arg(axis)?;
                wrap(py, reduce::reduce($op, &to_value(x)?, a.as_deref(), keepdims))
            }
        )*
    };
}

np_reduce_fns!(
    (sum, ReduceOp::Sum),
    (prod, ReduceOp::Prod),
    (amax, ReduceOp::Max),
    (amin, ReduceOp::Min),
    (all, ReduceOp::And),
    (any, ReduceOp::Or),
);

/// NumPy-style `mean`.
#[pyfunction]
#[pyo3(signature = (x, axis=None, keepdims=false))]
fn mean(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    axis: Option<&Bound<'_, PyAny>>,
    keepdims: bool,
) -> Res {
    let a = axis_arg(axis)?;
    wrap(py, reduce::mean(&to_value(x)?, a.as_deref(), keepdims))
}

/// `argmax` (int32 indices).
#[pyfunction]
#[pyo3(signature = (x, axis=None, keepdims=false))]
fn argmax(py: Python<'_>, x: &Bound<'_, PyAny>, axis: Option<i64>, keepdims: bool) -> Res {
    wrap(
        py,
        reduce::arg_reduce(ArgOp::Max, &to_value(x)?, axis, keepdims),
    )
}

/// `argmin` (int32 indices).
#[pyfunction]
#[pyo3(signature = (x, axis=None, keepdims=false))]
fn argmin(py: Python<'_>, x: &Bound<'_, PyAny>, axis: Option<i64>, keepdims: bool) -> Res {
    wrap(
        py,
        reduce::arg_reduce(ArgOp::Min, &to_value(x)?, axis, keepdims),
    )
}

macro_rules! cum_fns {
    ($(($name:ident, $op:expr)),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "` along an axis.")]
            #[pyfunction]
            #[pyo3(signature = (x, axis=0, reverse=false))]
            fn $name(py: Python<'_>, x: &Bound<'_, PyAny>, axis: i64, reverse: bool) -> Res {
                wrap(py, reduce::cumulative($op, &to_value(x)?, axis, reverse))
            }
        )*
    };
}

cum_fns!(
    (cumsum, CumOp::Sum),
    (cumprod, CumOp::Prod),
    (cummax, CumOp::Max),
    (cummin, CumOp::Min),
);

/// Sorts operands by the first `num_keys` of them.
#[pyfunction]
#[pyo3(signature = (operands, dimension=-1, is_stable=true, num_keys=1))]
fn sort<'py>(
    py: Python<'py>,
    operands: &Bound<'py, PyAny>,
    dimension: i64,
    is_stable: bool,
    num_keys: usize,
) -> PyResult<Bound<'py, PyList>> {
    let vs = values(operands)?;
    let rank = vs.first().map_or(0, |v| v.shape().len());
    let d = ferrax_core::shape::normalize_axis("sort", dimension, rank).py_err(py)?;
    let outs = bind(
        &Prim::Sort(Sort {
            dimension: d,
            is_stable,
            num_keys,
        }),
        &vs,
    )
    .py_err(py)?;
    PyList::new(py, outs.into_iter().map(Array::new))
}

type DimNums = ((Vec<i64>, Vec<i64>), (Vec<i64>, Vec<i64>));

/// `dot_general(lhs, rhs, ((lc, rc), (lb, rb)), preferred_element_type=None)`.
#[pyfunction]
#[pyo3(signature = (lhs, rhs, dimension_numbers, preferred_element_type=None))]
fn dot_general(
    py: Python<'_>,
    lhs: &Bound<'_, PyAny>,
    rhs: &Bound<'_, PyAny>,
    dimension_numbers: DimNums,
    preferred_element_type: Option<&Bound<'_, PyAny>>,
) -> Res {
    let ((lc, rc), (lb, rb)) = dimension_numbers;
    let dims = |v: Vec<i64>| sizes(py, "dot_general", "dimension numbers", &v);
    let (lc, rc, lb, rb) = (dims(lc)?, dims(rc)?, dims(lb)?, dims(rb)?);
    let pref = match preferred_element_type.filter(|d| !d.is_none()) {
        Some(d) => Some(parse_dtype(py, &dtype_name(d)?)?),
        None => None,
    };
    let (l, r) = (to_value(lhs)?, to_value(rhs)?);
    let v = numpy::promote_values(&[&l, &r]).py_err(py)?;
    let dims = DotGeneral {
        lhs_contract: lc,
        rhs_contract: rc,
        lhs_batch: lb,
        rhs_batch: rb,
        preferred_element_type: pref,
    };
    wrap(py, lax::dot_general(&v[0], &v[1], dims))
}

/// Registers every function on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    indexing::register(m)?;
    linalg::register(m)?;
    random::register(m)?;
    add_unary(m)?;
    add_binary(m)?;
    macro_rules! add {
        ($($f:ident),*) => { $( m.add_function(wrap_pyfunction!($f, m)?)?; )* };
    }
    add!(
        round,
        select_n,
        where_,
        clamp,
        fma,
        convert_element_type,
        bitcast_convert_type,
        asarray,
        py_set_x64,
        py_x64_enabled,
        result_type,
        promote_dtypes,
        inexact_dtype,
        iota,
        broadcasted_iota,
        full,
        broadcast_in_dim,
        broadcast_to,
        reshape,
        transpose,
        squeeze,
        expand_dims,
        rev,
        concatenate,
        pad,
        slice,
        dynamic_slice,
        dynamic_update_slice,
        getitem,
        reduce_sum,
        reduce_prod,
        reduce_max,
        reduce_min,
        reduce_and,
        reduce_or,
        sum,
        prod,
        amax,
        amin,
        all,
        any,
        mean,
        argmax,
        argmin,
        cumsum,
        cumprod,
        cummax,
        cummin,
        sort,
        dot_general
    );
    Ok(())
}

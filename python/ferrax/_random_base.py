"""Argument checks and the core samplers (uniform, normal, gumbel) shared by ``ferrax.random``
and its helper modules. Every sampler follows JAX's construction, and its float arithmetic is
XLA's (``_random_math``), so that values match JAX's on CPU bit for bit."""

import math

import numpy as np

from . import _ferrax, _threefry, lax
from . import _random_math as xla_math
from ._util import as_array, dtype_name, is_array, shape_tuple
from .errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError

__all__ = [
    "broadcast_shapes",
    "check_shape",
    "default_float",
    "default_int",
    "float_dtype",
    "gumbel_impl",
    "int_dtype",
    "key_arg",
    "no_sharding",
    "normal_impl",
    "shape_arg",
    "shape_of",
    "split_key",
    "uniform_impl",
]


def default_float():
    """The default float dtype: float32, or float64 with x64."""
    return np.dtype(_ferrax.result_type(1.0))


def default_int():
    """The default integer dtype: int32, or int64 with x64."""
    return np.dtype(_ferrax.result_type(1))


def _canonical(op, name):
    """``name`` in its canonical width (64-bit types become 32-bit ones without x64)."""
    try:
        return np.dtype(_ferrax.result_type(name))
    except TypeError:
        raise FerraxNotImplementedError(
            f"{op}: dtype {name} is not supported by ferrax (it has int32, uint32, int64, "
            "float32 and float64)"
        ) from None


def float_dtype(op, dtype):
    """The float dtype a sampler produces: ``dtype`` canonicalized, or the default float."""
    if dtype is None:
        return default_float()
    name = dtype_name(dtype, op)
    if np.dtype(name).kind != "f":
        raise FerraxValueError(f"{op}: the dtype argument must be a float dtype, got {name}")
    return _canonical(op, name)


def int_dtype(op, dtype):
    """The integer dtype a sampler produces: ``dtype`` canonicalized, or the default int."""
    if dtype is None:
        return default_int()
    name = dtype_name(dtype, op)
    if np.dtype(name).kind not in "iu":
        raise FerraxValueError(f"{op}: the dtype argument must be an integer dtype, got {name}")
    return _canonical(op, name)


def no_sharding(op, out_sharding):
    """``out_sharding`` is accepted for JAX's signatures; ferrax has no sharding to apply."""
    if out_sharding is not None:
        raise FerraxNotImplementedError(f"{op}: out_sharding is not supported")


def key_arg(op, key):
    """A single raw key ``uint32[2]``, checked."""
    return _threefry.check_key(op, key)


def shape_arg(op, shape):
    """A shape argument (an int or a sequence of ints) as a tuple."""
    if is_array(shape):
        raise FerraxTypeError(
            f"{op}: shape must be a tuple of Python ints (static), got an Array; under jit, "
            "pass it through static_argnums"
        )
    return shape_tuple(shape, op)


def shape_of(x):
    """The shape of an array or a Python scalar."""
    return tuple(x.shape) if hasattr(x, "shape") else ()


def broadcast_shapes(op, *shapes):
    """NumPy's broadcast of ``shapes``; FerraxValueError naming ``op`` if incompatible."""
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise FerraxValueError(
            f"{op}: parameter shapes {', '.join(str(tuple(s)) for s in shapes)} are not "
            "broadcast-compatible"
        ) from None


def check_shape(op, shape, *param_shapes):
    """Checks that the parameter shapes broadcast to exactly ``shape``."""
    if not param_shapes:
        return
    try:
        out = tuple(np.broadcast_shapes(shape, *param_shapes))
    except ValueError:
        out = None
    if out != tuple(shape):
        shown = ", ".join(str(tuple(s)) for s in param_shapes)
        raise FerraxValueError(
            f"{op}: parameter shapes ({shown}) must broadcast to the shape argument {shape}, "
            f"but they give {out if out is not None else 'no common shape'}"
        )


def split_key(key, num=2):
    """``num`` keys split from ``key``, as a list of ``uint32[2]`` arrays."""
    keys = _threefry.split(key, (num,))
    return [lax.reshape(lax.slice(keys, (i, 0), (i + 1, 2)), (2,)) for i in range(num)]


def _unit_floats(key, shape, dtype):
    """Floats in [0, 1) from random bits: the mantissa bits set under the exponent of 1.0,
    bitcast to ``dtype``, minus 1."""
    if dtype == np.float32:
        bits = _threefry.random_bits(key, 32, shape)
        word = lax.or_(lax.shift_right_logical(bits, np.uint32(32 - 23)), np.uint32(0x3F800000))
        return lax.sub(lax.bitcast_convert_type(word, dtype), np.float32(1.0))
    if dtype == np.float64:
        bits = _threefry.random_bits(key, 64, shape)
        word = lax.shift_right_logical(bits, np.int64(64 - 52))
        word = lax.or_(word, np.int64(0x3FF0000000000000))
        return lax.sub(lax.bitcast_convert_type(word, dtype), np.float64(1.0))
    raise FerraxTypeError(f"uniform: dtype must be float32 or float64, got {dtype}")


def _exact_scale(minval, maxval, dtype):
    """Whether ``maxval - minval`` is statically known to be 0 or a power of two, so that
    ``floats * span`` is exact and no fused multiply-add is needed."""
    if is_array(minval) or is_array(maxval):
        return False
    span = np.asarray(maxval, dtype) - np.asarray(minval, dtype)
    if not np.all(np.isfinite(span)):
        return False
    mantissa, _ = np.frexp(span)
    return bool(np.all((span == 0) | (np.abs(mantissa) == 0.5)))


def uniform_impl(op, key, shape, dtype, minval, maxval):
    """Uniform values in ``[minval, maxval)`` as JAX draws them:
    ``max(minval, floats * (maxval - minval) + minval)`` with the multiply-add fused, as XLA
    compiles it."""
    exact = _exact_scale(minval, maxval, dtype)
    minval = lax.convert_element_type(as_array(minval), dtype)
    maxval = lax.convert_element_type(as_array(maxval), dtype)
    check_shape(op, shape, tuple(minval.shape), tuple(maxval.shape))
    floats = _unit_floats(key, shape, dtype)
    span = lax.sub(maxval, minval)
    if exact:
        scaled = lax.add(lax.mul(floats, span), minval)
    else:
        scaled = xla_math.fma(floats, span, minval)
    return lax.max(minval, scaled)


def normal_impl(key, shape, dtype):
    """Standard normal values: ``sqrt(2) * erf_inv(u)`` with ``u`` uniform in (-1, 1)."""
    lo = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    u = uniform_impl("normal", key, shape, dtype, lo, np.array(1.0, dtype))
    sqrt2 = np.array(math.sqrt(2), dtype)
    return lax.mul(sqrt2, xla_math.erf_inv(u))


def gumbel_impl(key, shape, dtype, mode):
    """Standard Gumbel values ``-log(-log(u))``; mode "high" spends two uniforms per value to
    resolve probabilities below float32's 2**-23 (as JAX's mode="high")."""
    info = np.finfo(dtype)
    if mode in (None, "low"):
        u = uniform_impl("gumbel", key, shape, dtype, info.tiny, 1.0)
        return lax.neg(xla_math.log(lax.neg(xla_math.log(u))))
    if mode == "high":
        both = uniform_impl("gumbel", key, (2, *shape), dtype, 0.0, 1.0)
        high = lax.reshape(lax.slice_in_dim(both, 0, 1, axis=0), shape)
        low = lax.reshape(lax.slice_in_dim(both, 1, 2, axis=0), shape)
        fine = lax.add(lax.add(high, lax.mul(np.array(2.0**-info.nmant, dtype), low)), info.tiny)
        x = lax.select(lax.ge(high, np.array(0.5, dtype)), high, fine)
        return lax.neg(xla_math.log(lax.neg(xla_math.log1p(lax.neg(x)))))
    if mode == "highest":
        raise FerraxNotImplementedError(
            "gumbel: mode='highest' is not implemented (it needs a count-leading-zeros op); "
            "use mode='high'"
        )
    raise FerraxValueError(f"gumbel: mode must be 'low' or 'high', got {mode!r}")

"""Argument checks and the core samplers (uniform, normal, gumbel) shared by ``ferrax.random``
and its helper modules. Every sampler follows JAX's construction, and its float arithmetic is
XLA's (``_random_math``), so that values match JAX's on CPU bit for bit."""

import functools
import math

import numpy as np

from . import _ferrax, _threefry, lax
from . import _random_math as xla_math
from ._ferrax import fma
from ._util import as_array, dtype_name, is_array, shape_tuple
from .errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from .numpy._dtypes import default_float, default_int

__all__ = [
    "broadcast_shapes",
    "check_shape",
    "float_dtype",
    "gumbel_impl",
    "int_dtype",
    "key_arg",
    "no_sharding",
    "normal_impl",
    "shape_arg",
    "split_key",
    "uniform_impl",
    "uniform_pair",
]

_KEY_DTYPE = np.dtype(np.uint32)


def _canonical(op, name):
    """``name`` in its canonical width (64-bit types become 32-bit ones without x64)."""
    try:
        return np.dtype(_ferrax.result_type(name))
    except TypeError:
        raise FerraxNotImplementedError(
            f"{op}: dtype {name} is not supported by ferrax (it has int32, uint32, int64, "
            "float32 and float64)"
        ) from None


def _sample_dtype(op, dtype, kinds, x64):
    """The canonical NumPy dtype of ``dtype`` (the default float or int for None), which must
    be of one of ``kinds`` ("f" or "iu"). ``x64`` is the mode the answer depends on: it is part
    of the cache key of ``_cached_sample_dtype``."""
    del x64
    if dtype is None:
        return np.dtype(default_float() if kinds == "f" else default_int())
    name = dtype_name(dtype, op)
    if np.dtype(name).kind not in kinds:
        what = "a float" if kinds == "f" else "an integer"
        raise FerraxValueError(f"{op}: the dtype argument must be {what} dtype, got {name}")
    return _canonical(op, name)


_cached_sample_dtype = functools.lru_cache(maxsize=512)(_sample_dtype)


def _dtype_arg(op, dtype, kinds):
    x64 = _ferrax.x64_enabled()
    try:
        return _cached_sample_dtype(op, dtype, kinds, x64)
    except TypeError:  # an unhashable dtype-like (or a bad dtype: the uncached call re-raises)
        return _sample_dtype(op, dtype, kinds, x64)


def float_dtype(op, dtype):
    """The float dtype a sampler produces (a NumPy dtype): ``dtype`` canonicalized, or the
    default float for None. Answers are cached per dtype argument and x64 mode."""
    return _dtype_arg(op, dtype, "f")


def int_dtype(op, dtype):
    """The integer dtype a sampler produces (a NumPy dtype): ``dtype`` canonicalized, or the
    default int for None. Answers are cached per dtype argument and x64 mode."""
    return _dtype_arg(op, dtype, "iu")


def no_sharding(op, out_sharding):
    """``out_sharding`` is accepted for JAX's signatures; ferrax has no sharding to apply."""
    if out_sharding is not None:
        raise FerraxNotImplementedError(f"{op}: out_sharding is not supported")


def key_arg(op, key):
    """A single raw key ``uint32[2]``, checked (an Array that is one passes through as it is)."""
    if is_array(key) and key.shape == (2,) and key.dtype == _KEY_DTYPE:
        return key
    return _threefry.check_key(op, key)


def shape_arg(op, shape):
    """A shape argument (an int or a sequence of ints) as a tuple."""
    if type(shape) is tuple:  # the common case, a tuple of Python ints, is returned as it is
        for d in shape:
            if type(d) is not int or d < 0:
                break
        else:
            return shape
    if is_array(shape):
        raise FerraxTypeError(
            f"{op}: shape must be a tuple of Python ints (static), got an Array; under jit, "
            "pass it through static_argnums"
        )
    return shape_tuple(shape, op)


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
    for param_shape in param_shapes:  # scalars and parameters of the full shape need no check
        if param_shape and tuple(param_shape) != tuple(shape):
            break
    else:
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


def _to_shape(x, shape):
    """``x`` broadcast to ``shape`` (trailing dimensions aligned), unless it is a scalar or
    already has that shape: the fma primitive takes scalars or operands of one shape."""
    x_shape = tuple(x.shape)
    if not x_shape or x_shape == shape:
        return x
    return lax.broadcast_in_dim(x, shape, tuple(range(len(shape) - len(x_shape), len(shape))))


def _exact_span(minval, maxval, dtype):
    """Whether ``maxval - minval`` is a constant 0 or power of two: then ``floats * span`` is
    exact, a plain multiply and add round as the fused multiply-add does, and they stay in the
    backend's fused elementwise chain (the ``fma`` primitive is not part of it)."""
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
    compiles it. ``minval``/``maxval`` must broadcast to ``shape``."""
    exact = _exact_span(minval, maxval, dtype)
    minval = lax.convert_element_type(as_array(minval), dtype)
    maxval = lax.convert_element_type(as_array(maxval), dtype)
    check_shape(op, shape, tuple(minval.shape), tuple(maxval.shape))
    minval, maxval = _to_shape(minval, shape), _to_shape(maxval, shape)
    floats = _unit_floats(key, shape, dtype)
    span = lax.sub(maxval, minval)
    if exact:
        scaled = lax.add(lax.mul(floats, span), minval)
    else:
        scaled = fma(floats, span, minval)
    return lax.max(minval, scaled)


def uniform_pair(op, key, shape, dtype):
    """The two uniforms of JAX's ``mode="high"`` samplers: one ``uniform`` draw of shape
    ``(2, *shape)`` split into its halves, the second scaled by ``2**-nmant`` so that it fills
    in the bits below the first's resolution."""
    both = uniform_impl(op, key, (2, *shape), dtype, 0.0, 1.0)
    first = lax.reshape(lax.slice_in_dim(both, 0, 1, axis=0), shape)
    second = lax.reshape(lax.slice_in_dim(both, 1, 2, axis=0), shape)
    return first, lax.mul(second, xla_math.const(2.0 ** -np.finfo(dtype).nmant, dtype))


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
        high, low = uniform_pair("gumbel", key, shape, dtype)
        fine = lax.add(lax.add(high, low), info.tiny)
        x = lax.select(lax.ge(high, np.array(0.5, dtype)), high, fine)
        return lax.neg(xla_math.log(lax.neg(xla_math.log1p(lax.neg(x)))))
    if mode == "highest":
        raise FerraxNotImplementedError(
            "gumbel: mode='highest' is not implemented (it needs a count-leading-zeros op); "
            "use mode='high'"
        )
    raise FerraxValueError(f"gumbel: mode must be 'low' or 'high', got {mode!r}")

"""``ferrax.nn.initializers``: functions that make initial parameter arrays, as JAX's.

An initializer is called as ``init(key, shape, dtype=None)`` and returns an array of that
shape and dtype (the default float dtype when ``dtype`` is None). ``zeros`` and ``ones`` are
initializers themselves; every other name here is a factory that returns one, e.g.
``glorot_normal()(key, (784, 256))``.
"""

import math

import numpy as np

from .. import numpy as jnp
from .. import random
from .._random_base import no_sharding
from .._util import dtype_name, int_tuple, shape_tuple
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from ..numpy._common import norm_axis
from ..numpy._dtypes import default_float

__all__ = [
    "constant",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "lecun_normal",
    "lecun_uniform",
    "normal",
    "ones",
    "truncated_normal",
    "uniform",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

# The standard deviation of a standard normal truncated to [-2, 2]: dividing by it makes a
# truncated-normal sample have the requested variance.
_TRUNCATED_STDDEV = 0.87962566103423978

_MODES = ("fan_in", "fan_out", "fan_avg", "fan_geo_avg")
_DISTRIBUTIONS = ("truncated_normal", "normal", "uniform")


def _any_dtype(op, dtype):
    """``dtype``'s name, or the default float dtype's for None."""
    return default_float() if dtype is None else dtype_name(dtype, op)


def _float_dtype(op, dtype):
    """``dtype``'s name, which must be a float dtype (the default float for None)."""
    name = _any_dtype(op, dtype)
    kind = np.dtype(name).kind
    if kind == "c":
        raise FerraxNotImplementedError(f"{op}: complex dtypes ({name}) are not supported")
    if kind != "f":
        raise FerraxTypeError(f"{op}: the dtype must be a float dtype, got {name}")
    return name


def _scalar(op, what, value):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise FerraxTypeError(f"{op}: {what} must be a real number, got {value!r}") from None


# --- constant initializers ----------------------------------------------------------------
def zeros(key, shape, dtype=None, out_sharding=None):
    """An array of zeros (``key`` is ignored)."""
    del key
    no_sharding("zeros", out_sharding)
    return jnp.full(shape_tuple(shape, "zeros"), 0, _any_dtype("zeros", dtype))


def ones(key, shape, dtype=None, out_sharding=None):
    """An array of ones (``key`` is ignored)."""
    del key
    no_sharding("ones", out_sharding)
    return jnp.full(shape_tuple(shape, "ones"), 1, _any_dtype("ones", dtype))


def constant(value, dtype=None):
    """A factory of initializers that fill the array with ``value`` (broadcast to the shape)."""
    default_dtype = dtype

    def init(key, shape, dtype=default_dtype, out_sharding=None):
        del key
        no_sharding("constant", out_sharding)
        return jnp.full(shape_tuple(shape, "constant"), value, _any_dtype("constant", dtype))

    return init


# --- simple random initializers -----------------------------------------------------------
def _scaled(op, draw, factor, dtype):
    """A factory's initializer: ``draw(key, shape, dtype)`` (a standard sampler) times
    ``factor``, with ``dtype`` the factory's default float dtype."""
    default_dtype = dtype

    def init(key, shape, dtype=default_dtype, out_sharding=None):
        no_sharding(op, out_sharding)
        return draw(key, shape_tuple(shape, op), _float_dtype(op, dtype)) * factor

    return init


def normal(stddev=1e-2, dtype=None):
    """A factory of initializers that draw from ``N(0, stddev^2)``."""
    return _scaled("normal", random.normal, _scalar("normal", "stddev", stddev), dtype)


def uniform(scale=1e-2, dtype=None):
    """A factory of initializers that draw uniformly from ``[0, scale)``."""
    return _scaled("uniform", random.uniform, _scalar("uniform", "scale", scale), dtype)


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    """A factory of initializers that draw ``stddev * z``, ``z`` a standard normal truncated
    to ``[lower, upper]`` (so the samples' standard deviation is somewhat below ``stddev``)."""
    stddev = _scalar("truncated_normal", "stddev", stddev)

    def draw(key, shape, dtype):
        return random.truncated_normal(key, lower, upper, shape, dtype)

    return _scaled("truncated_normal", draw, stddev, dtype)


# --- variance scaling ---------------------------------------------------------------------
def _axes(op, what, axes, ndim):
    """An axis or a sequence of axes (``what``: in_axis, ...), each normalized into
    ``[0, ndim)``."""
    return [norm_axis(a, ndim, f"{op} ({what})") for a in int_tuple(axes, op, what)]


def _compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    """``(fan_in, fan_out)`` of a weight ``shape``.

    The dimensions that are none of ``in_axis``, ``out_axis`` and ``batch_axis`` form the
    receptive field (a convolution's spatial dimensions); its size multiplies both fans.
    """
    op = "variance_scaling"
    shape = shape_tuple(shape, op)
    if in_axis == -2 and len(shape) < 2:
        raise FerraxValueError(
            f"{op}: cannot compute the fans of a {len(shape)}-dimensional weight shape "
            f"{shape} with the default in_axis=-2; use a shape of at least 2 dimensions or "
            "give in_axis and out_axis explicitly"
        )
    ndim = len(shape)
    in_axes = _axes(op, "in_axis", in_axis, ndim)
    out_axes = _axes(op, "out_axis", out_axis, ndim)
    batch_axes = _axes(op, "batch_axis", batch_axis, ndim)
    in_size = math.prod(shape[a] for a in in_axes)
    out_size = math.prod(shape[a] for a in out_axes)
    batch_size = math.prod(shape[a] for a in batch_axes)
    if in_size == 0 or out_size == 0 or batch_size == 0:
        raise FerraxValueError(f"{op}: the fans of shape {shape} are zero")
    receptive_field = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive_field, out_size * receptive_field


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """A factory of initializers whose samples have variance ``scale / n``.

    ``n`` is, per ``mode``, ``fan_in``, ``fan_out``, their mean (``"fan_avg"``) or their
    geometric mean (``"fan_geo_avg"``); the fans come from the weight shape (see
    ``_compute_fans``). ``distribution`` is ``"truncated_normal"`` (a normal truncated at two
    standard deviations, rescaled so that its variance is the target), ``"normal"`` or
    ``"uniform"`` (on ``[-sqrt(3 scale / n), sqrt(3 scale / n))``).
    """
    op = "variance_scaling"
    scale = _scalar(op, "scale", scale)
    if scale <= 0:
        raise FerraxValueError(f"{op}: scale must be positive, got {scale}")
    if mode not in _MODES:
        raise FerraxValueError(f"{op}: invalid mode {mode!r}; expected one of {_MODES}")
    if distribution not in _DISTRIBUTIONS:
        raise FerraxValueError(
            f"{op}: invalid distribution {distribution!r}; expected one of {_DISTRIBUTIONS}"
        )
    default_dtype = dtype

    def init(key, shape, dtype=default_dtype, out_sharding=None):
        no_sharding(op, out_sharding)
        name = _float_dtype(op, dtype)
        shape = shape_tuple(shape, op)
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        n = {
            "fan_in": fan_in,
            "fan_out": fan_out,
            "fan_avg": (fan_in + fan_out) / 2,
            "fan_geo_avg": (fan_in * fan_out) ** 0.5,
        }[mode]
        # The factors are rounded to the sample dtype step by step, as JAX computes them, so
        # that the samples match JAX's bit for bit.
        variance = np.asarray(scale / n, name)
        if distribution == "truncated_normal":
            stddev = np.sqrt(variance) / np.asarray(_TRUNCATED_STDDEV, name)
            return random.truncated_normal(key, -2, 2, shape, name) * float(stddev)
        if distribution == "normal":
            return random.normal(key, shape, name) * float(np.sqrt(variance))
        return random.uniform(key, shape, name, -1, 1) * float(np.sqrt(3 * variance))

    return init


def glorot_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """Glorot (Xavier) uniform: variance ``2 / (fan_in + fan_out)``, uniform distribution."""
    return variance_scaling(1.0, "fan_avg", "uniform", in_axis, out_axis, batch_axis, dtype)


def glorot_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """Glorot (Xavier) normal: variance ``2 / (fan_in + fan_out)``, truncated normal."""
    return variance_scaling(
        1.0, "fan_avg", "truncated_normal", in_axis, out_axis, batch_axis, dtype
    )


def lecun_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """LeCun uniform: variance ``1 / fan_in``, uniform distribution."""
    return variance_scaling(1.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def lecun_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """LeCun normal: variance ``1 / fan_in``, truncated normal."""
    return variance_scaling(1.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


def he_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """He (Kaiming) uniform: variance ``2 / fan_in``, uniform distribution."""
    return variance_scaling(2.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def he_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """He (Kaiming) normal: variance ``2 / fan_in``, truncated normal."""
    return variance_scaling(2.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_uniform = he_uniform
kaiming_normal = he_normal

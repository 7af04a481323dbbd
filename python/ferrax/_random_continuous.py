"""Continuous samplers of ``ferrax.random`` built on uniform floats: uniform, normal,
truncated_normal, gumbel, exponential, laplace and logistic.

Each transforms uniform bits exactly as JAX does, with XLA's float arithmetic
(``_random_math``), so the values equal JAX's on CPU bit for bit.
"""

import functools

import numpy as np

from . import _random_math as xla_math
from . import lax
from ._jit import jit
from ._random_base import (
    broadcast_shapes,
    check_shape,
    float_dtype,
    gumbel_impl,
    key_arg,
    no_sharding,
    normal_impl,
    shape_arg,
    uniform_impl,
)
from ._util import as_array

__all__ = [
    "exponential",
    "gumbel",
    "laplace",
    "logistic",
    "normal",
    "truncated_normal",
    "uniform",
]


# The samplers run staged: after the argument checks, one jitted program per shape and dtype
# (as JAX's samplers are jitted), so a small draw costs one call instead of dozens of eager
# operations, and the counters of a shape are computed once, at staging.
_uniform = jit(uniform_impl, static_argnums=(0, 2, 3))
_normal = jit(normal_impl, static_argnums=(1, 2))
_gumbel = jit(gumbel_impl, static_argnums=(1, 2, 3))


def _prepare(op, key, shape, dtype, out_sharding):
    """The checked key, shape tuple and float dtype of a sampler call."""
    no_sharding(op, out_sharding)
    return key_arg(op, key), shape_arg(op, shape), float_dtype(op, dtype)


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0, *, out_sharding=None):
    """Uniform floats in ``[minval, maxval)`` of ``shape`` and ``dtype`` (default float32, or
    float64 with x64). ``minval``/``maxval`` must broadcast to ``shape``."""
    key, shape, dtype = _prepare("uniform", key, shape, dtype, out_sharding)
    return _uniform("uniform", key, shape, dtype, minval, maxval)


def normal(key, shape=(), dtype=None, *, out_sharding=None):
    """Standard normal floats of ``shape`` and ``dtype``: ``sqrt(2) * erf_inv(u)`` with ``u``
    uniform in (-1, 1), as JAX draws them."""
    key, shape, dtype = _prepare("normal", key, shape, dtype, out_sharding)
    return _normal(key, shape, dtype)


def _truncated_normal_impl(key, lower, upper, shape, dtype):
    """``truncated_normal`` after its argument checks. ``erf(bound / sqrt 2)`` is computed as
    XLA computes it: the division by the constant becomes a multiplication by its reciprocal
    (and float64 erf is libm's, in XLA and in the core)."""
    lower = lax.convert_element_type(lower, dtype)
    upper = lax.convert_element_type(upper, dtype)
    inv_sqrt2 = np.array(1, dtype) / np.array(np.sqrt(2), dtype)
    a = xla_math.erf(lax.mul(lower, inv_sqrt2))
    b = xla_math.erf(lax.mul(upper, inv_sqrt2))
    u = uniform_impl("truncated_normal", key, shape, dtype, a, b)
    out = lax.mul(np.array(np.sqrt(2), dtype), xla_math.erf_inv(u))
    lo = lax.nextafter(lax.stop_gradient(lower), np.array(np.inf, dtype))
    hi = lax.nextafter(lax.stop_gradient(upper), np.array(-np.inf, dtype))
    return lax.min(hi, lax.max(lo, out))


_truncated_normal = jit(_truncated_normal_impl, static_argnums=(3, 4))


def truncated_normal(key, lower, upper, shape=None, dtype=None, *, out_sharding=None):
    """Standard normal values conditioned on ``lower < x < upper``, by inverting the normal
    CDF on ``[erf(lower / sqrt 2), erf(upper / sqrt 2))``; results are clipped into the open
    interval. ``shape`` defaults to the broadcast of ``lower`` and ``upper``."""
    no_sharding("truncated_normal", out_sharding)
    key = key_arg("truncated_normal", key)
    dtype = float_dtype("truncated_normal", dtype)
    lower, upper = as_array(lower), as_array(upper)
    lower_shape, upper_shape = tuple(lower.shape), tuple(upper.shape)
    if shape is None:
        shape = broadcast_shapes("truncated_normal", lower_shape, upper_shape)
    else:
        shape = shape_arg("truncated_normal", shape)
        check_shape("truncated_normal", shape, lower_shape, upper_shape)
    return _truncated_normal(key, lower, upper, shape, dtype)


def gumbel(key, shape=(), dtype=None, mode=None, *, out_sharding=None):
    """Standard Gumbel values ``-log(-log(u))``. ``mode="high"`` spends two uniforms per value
    so that tail probabilities below float32 resolution are sampled correctly."""
    key, shape, dtype = _prepare("gumbel", key, shape, dtype, out_sharding)
    return _gumbel(key, shape, dtype, mode)


@functools.partial(jit, static_argnums=(1, 2))
def _exponential(key, shape, dtype):
    u = uniform_impl("exponential", key, shape, dtype, 0.0, 1.0)
    return lax.neg(xla_math.log1p(lax.neg(u)))


@functools.partial(jit, static_argnums=(1, 2))
def _laplace(key, shape, dtype):
    lo = np.array(-1.0, dtype) + np.finfo(dtype).epsneg
    u = uniform_impl("laplace", key, shape, dtype, lo, 1.0)
    return lax.mul(lax.sign(u), xla_math.log1p(lax.neg(lax.abs(u))))


@functools.partial(jit, static_argnums=(1, 2))
def _logistic(key, shape, dtype):
    u = uniform_impl("logistic", key, shape, dtype, np.finfo(dtype).tiny, 1.0)
    return lax.sub(xla_math.log(u), xla_math.log1p(lax.neg(u)))


def exponential(key, shape=(), dtype=None, *, out_sharding=None):
    """Exponential(1) values ``-log1p(-u)``, density ``e**-x`` for ``x >= 0``."""
    return _exponential(*_prepare("exponential", key, shape, dtype, out_sharding))


def laplace(key, shape=(), dtype=None, *, out_sharding=None):
    """Laplace(0, 1) values, density ``e**-|x| / 2``: ``sign(u) * log1p(-|u|)`` with ``u``
    uniform in (-1, 1)."""
    return _laplace(*_prepare("laplace", key, shape, dtype, out_sharding))


def logistic(key, shape=(), dtype=None, *, out_sharding=None):
    """Standard logistic values ``log(u) - log1p(-u)``, density ``e**-x / (1 + e**-x)**2``."""
    return _logistic(*_prepare("logistic", key, shape, dtype, out_sharding))

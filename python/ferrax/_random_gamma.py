"""Gamma-family samplers of ``ferrax.random``: gamma, loggamma, beta and dirichlet.

Gamma variates use the rejection method of Marsaglia and Tsang ("A simple method for
generating gamma variables", ACM TOMS 2000) with one key per element, as JAX does: the key is
split into one key per output element and a ``lax.while_loop`` per element (vectorized by
``vmap``) draws normal/uniform proposals until one is accepted. Shapes below 1 are boosted:
``Gamma(a) = Gamma(a + 1) * U ** (1 / a)``, computed in log space for ``loggamma``.

As in JAX, the samples are differentiable in ``a`` by the implicit reparameterization
gradient (``_random_gamma_grad``), and beta and dirichlet through their log-gamma draws.
"""

import functools
import math

import numpy as np

from . import _random_math as xla_math
from . import _threefry, lax
from . import numpy as jnp
from ._custom import custom_jvp
from ._ferrax import fma
from ._random_base import (
    broadcast_shapes,
    check_shape,
    float_dtype,
    key_arg,
    no_sharding,
    normal_impl,
    shape_arg,
    split_key,
    uniform_impl,
)
from ._random_gamma_grad import gamma_sample_grad
from ._util import as_array
from ._vmap import vmap
from .errors import FerraxValueError

__all__ = ["beta", "dirichlet", "gamma", "loggamma"]


def _gamma_one(key, alpha, log_space):
    """One Gamma(alpha) variate (or its log) from one key; ``alpha`` is a scalar."""
    dtype = alpha.dtype

    const = functools.partial(xla_math.const, dtype=dtype)
    zero, one = const(0), const(1)
    boost_mask = lax.ge(alpha, one)
    alpha_orig = alpha
    alpha = lax.select(boost_mask, alpha, lax.add(alpha, one))
    d = lax.sub(alpha, const(1.0 / 3.0))
    # XLA rewrites (1/3) / sqrt(d) as (1/3) * rsqrt(d) (its rsqrt refines the CPU's estimate
    # by one Newton step, which this correctly rounded one can differ from in the last bit).
    c = lax.mul(lax.rsqrt(d), const(1.0 / 3.0))

    def rejected(state):
        _, x2, v, u = state
        squeeze = lax.ge(u, fma(lax.neg(lax.mul(x2, x2)), const(0.0331), one))
        log_v = xla_math.log(v)
        bound = lax.add(lax.mul(x2, const(0.5)), lax.mul(d, lax.add(lax.sub(one, v), log_v)))
        return lax.and_(squeeze, lax.ge(xla_math.log(u), bound))

    def next_normal(state):
        key, _, _ = state
        key, subkey = split_key(key)
        x = normal_impl(subkey, (), dtype)
        return key, x, fma(x, c, one)

    def propose(state):
        key = state[0]
        key, x_key, u_key = split_key(key, 3)
        init = (x_key, lax.full((), 0, dtype), lax.full((), -1, dtype))
        _, x, v = lax.while_loop(lambda s: lax.le(s[2], zero), next_normal, init)
        u = uniform_impl("gamma", u_key, (), dtype, 0.0, 1.0)
        return key, lax.mul(x, x), lax.mul(lax.mul(v, v), v), u

    key, subkey = split_key(key)
    init = (key, lax.full((), 0, dtype), lax.full((), 1, dtype), lax.full((), 2, dtype))
    _, _, v, _ = lax.while_loop(rejected, propose, init)
    if log_space:
        u = uniform_impl("loggamma", subkey, (), dtype, 0.0, 1.0)
        log_u = xla_math.log1p(lax.neg(u))  # = -Exponential, log of (1 - u) in (0, 1]
        skip = lax.or_(boost_mask, lax.eq(log_u, zero))
        log_boost = lax.select(skip, zero, lax.mul(log_u, lax.div(one, alpha_orig)))
        return lax.add(lax.add(xla_math.log(d), xla_math.log(v)), log_boost)
    u = lax.sub(one, uniform_impl("gamma", subkey, (), dtype, 0.0, 1.0))
    boost = lax.select(boost_mask, one, lax.pow(u, lax.div(one, alpha_orig)))
    return lax.mul(lax.mul(d, v), boost)


def _gamma_draws(key, a, log_space):
    """Gamma variates (or their logs) of ``a``'s shape (``a`` of the sampling dtype)."""
    shape = tuple(a.shape)
    n = math.prod(shape)
    if n == 0:
        return lax.full(shape, 0, a.dtype)
    keys = _threefry.split(key, (n,))
    alphas = lax.reshape(a, (n,))
    samples = vmap(lambda k, al: _gamma_one(k, al, log_space))(keys, alphas)
    return lax.reshape(samples, shape)


_gamma_impl = custom_jvp(_gamma_draws, nondiff_argnums=(0, 2))


@_gamma_impl.defjvp
def _gamma_impl_jvp(key, log_space, primals, tangents):
    """The implicit reparameterization gradient: ``d sample / d a`` with the sample's CDF value
    held fixed (for log samples, divided by the sample)."""
    (a,), (da,) = primals, tangents
    out = _gamma_impl(key, a, log_space)
    if log_space:
        tiny = np.finfo(a.dtype).tiny
        x = xla_math.exp(out)
        x = lax.select(lax.eq(x, np.array(0, a.dtype)), lax.full_like(x, tiny), x)
        slope = lax.div(gamma_sample_grad(a, x), x)
    else:
        slope = gamma_sample_grad(a, out)
    return out, lax.mul(da, slope)


def _gamma_args(op, key, a, shape, dtype, out_sharding):
    no_sharding(op, out_sharding)
    key = key_arg(op, key)
    dtype = float_dtype(op, dtype)
    a = as_array(a)
    if shape is None:
        shape = tuple(a.shape)
    else:
        shape = shape_arg(op, shape)
        check_shape(op, shape, tuple(a.shape))
    a = jnp.broadcast_to(lax.convert_element_type(a, dtype), shape)
    return key, a


def gamma(key, a, shape=None, dtype=None, *, out_sharding=None):
    """Gamma(a, 1) variates: density ``x**(a-1) e**-x / Gamma(a)`` for ``x > 0``.

    ``a`` (positive; a float or array) must broadcast to ``shape``, which defaults to ``a``'s
    shape. For very small ``a`` prefer ``loggamma``.
    """
    key, a = _gamma_args("gamma", key, a, shape, dtype, out_sharding)
    return _gamma_impl(key, a, False)


def loggamma(key, a, shape=None, dtype=None, *, out_sharding=None):
    """The logarithm of Gamma(a, 1) variates, accurate where ``gamma`` underflows to 0."""
    key, a = _gamma_args("loggamma", key, a, shape, dtype, out_sharding)
    return _gamma_impl(key, a, True)


def beta(key, a, b, shape=None, dtype=None, *, out_sharding=None):
    """Beta(a, b) variates on (0, 1), as ``Ga / (Ga + Gb)`` of two independent gamma variates
    (taken in log space to keep precision). ``shape`` defaults to the broadcast of ``a`` and
    ``b``."""
    no_sharding("beta", out_sharding)
    key = key_arg("beta", key)
    dtype = float_dtype("beta", dtype)
    a, b = as_array(a), as_array(b)
    if shape is None:
        shape = broadcast_shapes("beta", tuple(a.shape), tuple(b.shape))
    else:
        shape = shape_arg("beta", shape)
        check_shape("beta", shape, tuple(a.shape), tuple(b.shape))
    key_a, key_b = split_key(key)
    a = jnp.broadcast_to(lax.convert_element_type(a, dtype), shape)
    b = jnp.broadcast_to(lax.convert_element_type(b, dtype), shape)
    log_ga = _gamma_impl(key_a, a, True)
    log_gb = _gamma_impl(key_b, b, True)
    log_max = lax.max(log_ga, log_gb)
    ga = xla_math.exp(lax.sub(log_ga, log_max))
    gb = xla_math.exp(lax.sub(log_gb, log_max))
    return lax.div(ga, lax.add(ga, gb))


def _softmax_last(x):
    """``softmax(x, -1)`` as XLA computes it: the division by the broadcast row sum becomes a
    multiplication by its reciprocal."""
    x_max = lax.stop_gradient(jnp.max(x, axis=-1, keepdims=True))
    unnormalized = xla_math.exp(lax.sub(x, x_max))
    total = jnp.sum(unnormalized, axis=-1, keepdims=True)
    return lax.mul(unnormalized, lax.div(np.array(1, x.dtype), total))


def dirichlet(key, alpha, shape=None, dtype=None, *, out_sharding=None):
    """Dirichlet(alpha) variates: vectors on the simplex along the last axis of ``alpha``.

    ``alpha`` has shape ``(..., k)``; the result has shape ``shape + (k,)``, where ``shape``
    (default ``alpha.shape[:-1]``) must hold the broadcast of ``alpha.shape[:-1]``.
    """
    no_sharding("dirichlet", out_sharding)
    key = key_arg("dirichlet", key)
    dtype = float_dtype("dirichlet", dtype)
    alpha = as_array(alpha)
    if alpha.ndim < 1:
        raise FerraxValueError(
            f"dirichlet: alpha must have at least one dimension, got shape {tuple(alpha.shape)}"
        )
    batch = tuple(alpha.shape[:-1])
    if shape is None:
        shape = batch
    else:
        shape = shape_arg("dirichlet", shape)
        check_shape("dirichlet", shape, batch)
    full = (*shape, alpha.shape[-1])
    alpha = jnp.broadcast_to(lax.convert_element_type(alpha, dtype), full)
    return _softmax_last(_gamma_impl(key, alpha, True))

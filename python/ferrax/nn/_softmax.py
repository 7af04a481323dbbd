"""``softmax``, ``log_softmax`` and ``logsumexp`` of ``ferrax.nn``, as ``jax.nn``'s.

All three subtract the maximum before exponentiating, so large inputs do not overflow, and
accept ``-inf`` entries (they contribute nothing to the sum). ``softmax`` has a ``custom_jvp``
so that its derivative is the closed form ``y * (dx - <y, dx>)``.
"""

import functools
import math

import numpy as np

from .. import lax
from .. import numpy as jnp
from .._custom import custom_jvp
from ..errors import FerraxValueError
from ..numpy._common import norm_axes, promote
from ._args import inexact_array, numeric_array, where_mask

__all__ = ["log_softmax", "logsumexp", "softmax"]


@functools.partial(custom_jvp, nondiff_argnums=(2,))
def _softmax(x, where, axes):
    x_max = jnp.max(x, axes, keepdims=True, initial=-jnp.inf, where=where)
    if where is not None:
        x = jnp.where(where, x, -jnp.inf)
    unnormalized = jnp.exp(x - x_max)
    result = unnormalized / jnp.sum(unnormalized, axes, keepdims=True)
    if where is not None:
        result = jnp.where(where, result, lax.full_like(result, 0))
    return result


@_softmax.defjvp
def _softmax_jvp(axes, primals, tangents):
    x, where = primals
    x_dot = tangents[0]
    y = _softmax(x, where, axes)
    # d softmax = y * (dx - <y, dx>); masked entries have y = 0 and drop out of the sum.
    y_dot = y * x_dot
    return y, y_dot - y * jnp.sum(y_dot, axes, keepdims=True)


def softmax(x, axis=-1, where=None):
    """``exp(x) / sum(exp(x))`` over ``axis`` (an int, a tuple of ints, or None for all).

    ``where`` masks elements out of the normalization; their output is 0. The maximum is
    subtracted before exponentiating, so large inputs do not overflow. A slice whose entries
    are all ``-inf`` (or all masked) gives NaN, as in JAX.
    """
    x = inexact_array("softmax", x)
    axes = norm_axes(axis, x.ndim, "softmax")
    where = where_mask("softmax", where, x.shape)
    if where is not None:
        where = jnp.broadcast_to(where, x.shape)
    return _softmax(x, where, axes)


def log_softmax(x, axis=-1, where=None):
    """``x - logsumexp(x)`` over ``axis``; masked-out elements (``where``) give ``-inf``."""
    x = inexact_array("log_softmax", x)
    axes = norm_axes(axis, x.ndim, "log_softmax")
    where = where_mask("log_softmax", where, x.shape)
    x_max = jnp.max(x, axes, keepdims=True, initial=-jnp.inf, where=where)
    x_max = lax.stop_gradient(x_max)
    x_safe = x if where is None else jnp.where(where, x, -jnp.inf)
    shifted = x_safe - x_max
    result = shifted - jnp.log(jnp.sum(jnp.exp(shifted), axes, keepdims=True))
    if where is not None:
        result = jnp.where(where, result, -jnp.inf)
    return result


def _broadcast_weights(a, b):
    """``a`` and the weights ``b`` promoted to a common float dtype and broadcast together."""
    b = numeric_array("logsumexp (b)", b)
    a, b = promote(a, b, to_inexact=True)
    try:
        shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    except ValueError:
        raise FerraxValueError(
            f"logsumexp: b of shape {tuple(b.shape)} does not broadcast against a of "
            f"shape {tuple(a.shape)}"
        ) from None
    return jnp.broadcast_to(a, shape), jnp.broadcast_to(b, shape)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """``log(sum(b * exp(a)))`` over ``axis``, as ``jax.nn.logsumexp``/SciPy's.

    ``b`` scales each exponential (it broadcasts against ``a``); with ``return_sign`` the
    result is ``(log|sum|, sign(sum))``, otherwise a negative sum gives NaN. ``where`` masks
    elements out of the sum. The (finite) maximum is subtracted first, under
    ``stop_gradient``, so that large values neither overflow nor bend the derivative.
    """
    a = inexact_array("logsumexp", a)
    if b is not None:
        a, b = _broadcast_weights(a, b)
    axes = norm_axes(axis, a.ndim, "logsumexp")
    where = where_mask("logsumexp", where, a.shape)
    if where is not None:
        a = jnp.where(where, a, -jnp.inf)
    if b is not None:
        a = jnp.where(b != 0, a, -jnp.inf)
    a_max = jnp.max(a, axes, keepdims=True)
    a_max = lax.stop_gradient(jnp.where(jnp.isfinite(a_max), a_max, lax.full_like(a_max, 0)))
    exp_a = jnp.exp(a - a_max)
    if b is not None:
        exp_a = exp_a * b
    sumexp = jnp.sum(exp_a, axes, keepdims=keepdims)
    if not keepdims:
        a_max = jnp.reshape(a_max, sumexp.shape)
    sign = jnp.sign(sumexp)
    out = jnp.log(jnp.abs(sumexp)) + a_max
    if return_sign:
        return out, sign
    if b is not None:
        out = jnp.where(sign < 0, lax.full_like(out, math.nan), out)
    return out

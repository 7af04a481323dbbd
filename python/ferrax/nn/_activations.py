"""Elementwise activation functions of ``ferrax.nn``, with ``jax.nn``'s names and defaults.

Everything is composed from ``ferrax.numpy``/``ferrax.lax`` operations, so it works under
``grad``, ``jvp``, ``vmap`` and ``jit``. Where the plain composition would have the wrong
derivative (the kinks of ``relu`` and ``relu6``) or an unstable one (``softplus``), a
``custom_jvp`` gives the rule explicitly.
"""

import math

from .. import lax
from .. import numpy as jnp
from .._custom import custom_jvp
from ..errors import FerraxTypeError
from ._args import inexact_array, numeric_array

__all__ = [
    "elu",
    "gelu",
    "hard_tanh",
    "leaky_relu",
    "log_sigmoid",
    "relu",
    "relu6",
    "sigmoid",
    "silu",
    "softplus",
    "swish",
    "tanh",
]


@custom_jvp
def _relu(x):
    return jnp.maximum(x, 0)


# relu'(0) = 0: the derivative is taken from the right only where x > 0.
_relu.defjvps(lambda g, ans, x: jnp.where(x > 0, g, lax.full_like(g, 0)))


def relu(x):
    """Rectified linear unit, ``max(x, 0)``; its derivative at 0 is 0 (as JAX's).

    Integer inputs give integer outputs, as in JAX.
    """
    return _relu(numeric_array("relu", x))


@custom_jvp
def _relu6(x):
    return jnp.minimum(jnp.maximum(x, 0), 6)


_relu6.defjvps(lambda g, ans, x: jnp.where((x > 0) & (x < 6), g, lax.full_like(g, 0)))


def relu6(x):
    """``min(max(x, 0), 6)``; the derivative is 0 at both kinks (0 and 6), as JAX's.

    Integer inputs give the default float dtype, as in JAX (which clips at the float ``6.``).
    """
    return _relu6(inexact_array("relu6", x))


def sigmoid(x):
    """The logistic function ``1 / (1 + exp(-x))``."""
    return lax.logistic(inexact_array("sigmoid", x))


def _softplus_value(x):
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): exp never overflows and nothing cancels.
    return jnp.maximum(x, 0) + jnp.log1p(jnp.exp(-jnp.abs(x)))


@custom_jvp
def _softplus(x):
    return _softplus_value(x)


# The derivative is the sigmoid, exactly (also at x = 0, where |x| has a kink).
_softplus.defjvps(lambda g, ans, x: g * lax.logistic(x))


def softplus(x):
    """``log(1 + exp(x))``, computed without overflow for large ``|x|``."""
    return _softplus(inexact_array("softplus", x))


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, finite for every finite ``x``."""
    return -_softplus(-inexact_array("log_sigmoid", x))


def silu(x):
    """Sigmoid linear unit, ``x * sigmoid(x)`` (also called swish)."""
    x = inexact_array("silu", x)
    return x * lax.logistic(x)


swish = silu


def tanh(x):
    """Hyperbolic tangent."""
    return jnp.tanh(inexact_array("tanh", x))


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    x = inexact_array("elu", x)
    positive = x > 0
    # expm1 only ever sees non-positive values, so neither it nor its derivative overflows.
    negative_part = alpha * jnp.expm1(jnp.where(positive, lax.full_like(x, 0), x))
    return jnp.where(positive, x, negative_part)


def leaky_relu(x, negative_slope=1e-2):
    """``x`` if ``x >= 0``, else ``negative_slope * x``."""
    x = numeric_array("leaky_relu", x)
    return jnp.where(x >= 0, x, negative_slope * x)


def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``; the derivative is 1 at the ends ``x = ±1``, as JAX's."""
    x = numeric_array("hard_tanh", x)
    one = lax.full_like(x, 1)
    return jnp.where(x > 1, one, jnp.where(x < -1, -one, x))


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_SQRT_HALF = math.sqrt(0.5)


def gelu(x, approximate=True):
    """Gaussian error linear unit, ``x * Phi(x)`` with ``Phi`` the standard normal CDF.

    ``approximate=True`` (the default, as in JAX) uses the tanh approximation
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``; ``approximate=False`` the exact
    ``0.5 x (1 + erf(x / sqrt(2)))``. With no ``erfc`` primitive available, the exact form
    is accurate to about ``|x| * eps`` in absolute terms for ``x << 0`` (where ``1 + erf``
    cancels), rather than in relative terms.
    """
    if not isinstance(approximate, (bool, int)):
        raise FerraxTypeError(f"gelu: approximate must be a bool, got {approximate!r}")
    x = inexact_array("gelu", x)
    if approximate:
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * (x * x * x))
        return x * (0.5 * (1.0 + jnp.tanh(inner)))
    return x * (0.5 * (1.0 + lax.erf(x * _SQRT_HALF)))

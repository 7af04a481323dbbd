"""``one_hot`` and ``standardize`` of ``ferrax.nn``: labels and features made into inputs."""

import operator

from .. import lax
from .. import numpy as jnp
from .._util import dtype_name
from ..errors import AxisError, FerraxTypeError, FerraxValueError
from ..numpy._common import norm_axes
from ..numpy._dtypes import default_float
from ._args import inexact_array, numeric_array, where_mask

__all__ = ["one_hot", "standardize"]


def one_hot(x, num_classes, *, dtype=None, axis=-1):
    """One-hot encoding of the integer array ``x`` with ``num_classes`` classes.

    The class dimension is inserted at ``axis`` of the output. Indices outside
    ``[0, num_classes)`` (negative ones included) give all-zero vectors, as in JAX.
    ``dtype`` defaults to the default float dtype (float32, or float64 with x64).
    """
    try:
        num_classes = operator.index(num_classes)
    except TypeError:
        raise FerraxTypeError(
            f"one_hot: num_classes must be a Python int, got {type(num_classes).__name__} "
            f"{num_classes!r}"
        ) from None
    if num_classes < 0:
        raise FerraxValueError(f"one_hot: num_classes must be non-negative, got {num_classes}")
    x = numeric_array("one_hot", x)
    try:
        axis = operator.index(axis)
    except TypeError:
        raise FerraxTypeError(f"one_hot: axis must be an int, got {axis!r}") from None
    out_ndim = x.ndim + 1
    if not -out_ndim <= axis < out_ndim:
        raise AxisError(
            f"one_hot: axis {axis} is out of bounds for an output of dimension {out_ndim}"
        )
    axis %= out_ndim
    name = default_float() if dtype is None else dtype_name(dtype, "one_hot")
    out_shape = tuple(x.shape[:axis]) + (num_classes,) + tuple(x.shape[axis:])
    index_dtype = x.dtype.name if x.dtype.kind in "iu" else default_float()
    classes = lax.broadcasted_iota(index_dtype, out_shape, axis)
    hot = jnp.expand_dims(x, axis) == classes
    return lax.convert_element_type(hot, name)


def standardize(
    x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None, *, algorithm="fast"
):
    """``(x - mean) / sqrt(variance + epsilon)`` over ``axis``, as ``jax.nn.standardize``.

    ``mean`` and ``variance`` default to the statistics of ``x`` over ``axis`` (restricted to
    ``where`` if given). ``algorithm="fast"`` (JAX's default) computes the variance as
    ``mean(x^2) - mean(x)^2`` clipped at 0; ``"stable"`` as ``mean((x - mean)^2)``.
    """
    if algorithm not in ("fast", "stable"):
        raise FerraxValueError(
            f"standardize: unknown algorithm {algorithm!r}; expected 'fast' or 'stable'"
        )
    x = inexact_array("standardize", x)
    axes = norm_axes(axis, x.ndim, "standardize")
    where = where_mask("standardize", where, x.shape)
    if mean is None:
        mean = jnp.mean(x, axes, keepdims=True, where=where)
    else:
        mean = numeric_array("standardize (mean)", mean)
    if variance is None:
        if algorithm == "fast":
            variance = jnp.mean(x * x, axes, keepdims=True, where=where) - mean * mean
            variance = jnp.maximum(variance, 0)
        else:
            centered = x - mean
            variance = jnp.mean(centered * centered, axes, keepdims=True, where=where)
    else:
        variance = numeric_array("standardize (variance)", variance)
    return (x - mean) * lax.rsqrt(variance + epsilon)

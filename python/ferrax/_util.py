"""Argument normalization shared by ``lax`` and ``numpy``: dtype spellings, axes, int tuples.

Nothing here decides a dtype or a shape; that is the Rust core's job.
"""

import operator

import numpy as np

from . import _ferrax
from .errors import AxisError, FerraxTypeError, FerraxValueError

__all__ = [
    "as_array",
    "axis_arg",
    "dtype_name",
    "int_tuple",
    "is_array",
    "norm_axes",
    "norm_axis",
    "shape_tuple",
]


def is_array(x):
    """Whether ``x`` is a ferrax Array (concrete or traced)."""
    return isinstance(x, _ferrax.Array)


def as_array(x):
    """``x`` as a ferrax Array; Arrays are returned as they are (weak types survive)."""
    return x if isinstance(x, _ferrax.Array) else _ferrax.asarray(x)


def dtype_name(dtype, op="dtype"):
    """NumPy's name of any dtype spelling (``np.float32``, ``"f4"``, ``float``); None stays None.

    Whether ferrax supports the dtype, and its 32-bit canonical form, is decided by ``_ferrax``.
    """
    if dtype is None:
        return None
    if isinstance(dtype, str):
        try:
            return np.dtype(dtype).name
        except TypeError:
            raise FerraxTypeError(f"{op}: dtype {dtype!r} is not understood") from None
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise FerraxTypeError(f"{op}: {dtype!r} is not a dtype") from None


def _index(value, op, what):
    try:
        return operator.index(value)
    except TypeError:
        raise FerraxTypeError(
            f"{op}: {what} must be integers, got {type(value).__name__} {value!r}"
        ) from None


def int_tuple(values, op, what="dimensions"):
    """A tuple of Python ints from an int or a sequence of ints (NumPy ints and Arrays allowed)."""
    if values is None:
        return None
    try:
        return (operator.index(values),)
    except TypeError:
        pass
    try:
        items = list(values)
    except TypeError:
        raise FerraxTypeError(
            f"{op}: {what} must be an int or a sequence of ints, got {values!r}"
        ) from None
    return tuple(_index(v, op, what) for v in items)


def shape_tuple(shape, op):
    """A shape argument (an int or a sequence of ints) as a tuple of non-negative ints."""
    shape = int_tuple(shape, op, "shape")
    if any(d < 0 for d in shape):
        raise FerraxValueError(f"{op}: negative dimensions are not allowed, got shape {shape}")
    return shape


def axis_arg(axis, op):
    """An axis argument as ``_ferrax`` takes it: None, an int, or a tuple of ints."""
    if axis is None:
        return None
    try:
        return operator.index(axis)
    except TypeError:
        return int_tuple(axis, op, "axes")


def norm_axis(axis, ndim, op):
    """``axis`` as an int in ``[0, ndim)``: a FerraxTypeError naming ``op`` when it is not an
    integer, an AxisError when it is outside ``[-ndim, ndim)``."""
    try:
        axis = operator.index(axis)
    except TypeError:
        raise FerraxTypeError(f"{op}: axis must be an integer, got {axis!r}") from None
    if not -ndim <= axis < ndim:
        raise AxisError(f"{op}: axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def norm_axes(axis, ndim, op):
    """``axis`` (None: all, an int or a sequence) as a sorted tuple of distinct axes in
    ``[0, ndim)``; a repeated axis is an AxisError."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(norm_axis(a, ndim, op) for a in int_tuple(axis, op, "axes"))
    if len(set(axes)) != len(axes):
        raise AxisError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(axes))


def repeated_product(x, n, multiply):
    """``x`` combined with itself ``n >= 1`` times by the associative ``multiply``, by
    repeated squaring (``2 log2 n`` calls at most)."""
    result, base = None, x
    while n:
        if n & 1:
            result = base if result is None else multiply(result, base)
        n >>= 1
        if n:
            base = multiply(base, base)
    return result

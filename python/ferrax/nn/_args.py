"""Argument checks shared by the ``ferrax.nn`` functions: arrays, masks and reduction axes."""

import numpy as np

from .. import lax
from .._util import as_array, axis_arg
from ..errors import AxisError, FerraxTypeError, FerraxValueError
from ..numpy._dtypes import default_float, result_type

_NUMERIC_KINDS = "biuf"


def numeric_array(name, x):
    """``x`` as a ferrax Array of a numeric dtype; anything else is a FerraxTypeError."""
    try:
        x = as_array(x)
    except FerraxTypeError as err:
        raise FerraxTypeError(f"{name}: expected a numeric array, got {err}") from None
    if x.dtype.kind not in _NUMERIC_KINDS:
        raise FerraxTypeError(f"{name}: expected a numeric array, got dtype {x.dtype.name}")
    return x


def inexact_array(name, x):
    """``x`` as a float Array: bools and integers become the default float dtype."""
    x = numeric_array(name, x)
    if x.dtype.kind != "f":
        x = lax.convert_element_type(x, default_float())
    return x


def promote_inexact(a, b):
    """``a`` and ``b`` converted to their common float dtype (the default float for ints)."""
    name = result_type(a, b).name
    if np.dtype(name).kind != "f":
        name = default_float()
    if a.dtype.name != name:
        a = lax.convert_element_type(a, name)
    if b.dtype.name != name:
        b = lax.convert_element_type(b, name)
    return a, b


def where_mask(name, where, shape):
    """The ``where=`` argument as a bool Array that broadcasts against ``shape`` (None stays
    None)."""
    if where is None:
        return None
    where = numeric_array(f"{name} (where)", where)
    if where.dtype.kind != "b":
        raise FerraxTypeError(f"{name}: where must be a boolean array, got dtype {where.dtype}")
    try:
        np.broadcast_shapes(tuple(where.shape), tuple(shape))
    except ValueError:
        raise FerraxValueError(
            f"{name}: where of shape {tuple(where.shape)} does not broadcast against the "
            f"input's shape {tuple(shape)}"
        ) from None
    return where


def reduction_axes(name, axis, ndim):
    """``axis`` (None, an int or a sequence of ints) as a sorted tuple of axes in ``[0, ndim)``."""
    axis = axis_arg(axis, name)
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else axis
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise AxisError(f"{name}: axis {a} is out of bounds for array of dimension {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise FerraxValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def zeros_like(x):
    """Zeros of ``x``'s shape and dtype."""
    return lax.full_like(x, 0)

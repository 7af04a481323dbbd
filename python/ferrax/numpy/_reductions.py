"""Reductions and cumulative reductions of ``ferrax.numpy`` over ``_ferrax``'s."""

import builtins
import operator

from .. import _ferrax
from .._util import as_array, axis_arg, dtype_name
from ..errors import FerraxNotImplementedError, FerraxValueError
from ._dtypes import default_int

__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "cumprod",
    "cumsum",
    "max",
    "mean",
    "min",
    "prod",
    "sum",
]


def _unsupported(op, out=None, where=None, initial=None):
    for name, value in (("out", out), ("where", where), ("initial", initial)):
        if value is not None:
            raise FerraxNotImplementedError(f"{op}: the {name} argument is not supported yet")


def _convert(x, dtype, op):
    name = dtype_name(dtype, op)
    if name is None:
        return x
    name = _ferrax.result_type(name)  # the canonical (32-bit unless x64) spelling
    return x if x.dtype.name == name else _ferrax.convert_element_type(x, name)


def _reduces_empty(a, axis):
    """Whether reducing ``a`` over ``axis`` reduces some output element over no input."""
    if a.size != 0:
        return False
    if axis is None:
        return True
    axes = (axis,) if isinstance(axis, int) else axis
    try:
        return builtins.any(a.shape[ax] == 0 for ax in axes)
    except IndexError:
        return False  # a bad axis; _ferrax raises the AxisError


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Sum over ``axis`` (all axes if None); bools sum as the default integer."""
    _unsupported("sum", out, where)
    a = _convert(as_array(a), dtype, "sum")
    result = _ferrax.sum(a, axis_arg(axis, "sum"), keepdims)
    if initial is not None:
        result = _ferrax.add(result, initial)
    return _convert(result, dtype, "sum")


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Product over ``axis`` (all axes if None)."""
    _unsupported("prod", out, where)
    a = _convert(as_array(a), dtype, "prod")
    result = _ferrax.prod(a, axis_arg(axis, "prod"), keepdims)
    if initial is not None:
        result = _ferrax.mul(result, initial)
    return _convert(result, dtype, "prod")


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Arithmetic mean over ``axis``; integer inputs give the default float dtype."""
    _unsupported("mean", out, where)
    a = as_array(a)
    name = dtype_name(dtype, "mean")
    if name is not None and name.startswith("float"):
        a = _convert(a, name, "mean")
    return _convert(_ferrax.mean(a, axis_arg(axis, "mean"), keepdims), name, "mean")


def _extreme(fn, op, a, axis, out, keepdims, initial, where):
    _unsupported(op, out, where, initial)
    a = as_array(a)
    axis = axis_arg(axis, op)
    if _reduces_empty(a, axis):
        raise FerraxValueError(
            f"{op}: zero-size array to reduction operation {op} which has no identity"
        )
    return fn(a, axis, keepdims)


def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Largest value over ``axis`` (NaN-propagating)."""
    return _extreme(_ferrax.amax, "max", a, axis, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Smallest value over ``axis`` (NaN-propagating)."""
    return _extreme(_ferrax.amin, "min", a, axis, out, keepdims, initial, where)


amax = max
amin = min


def all(a, axis=None, out=None, keepdims=False, *, where=None):
    """Whether every element over ``axis`` is true."""
    _unsupported("all", out, where)
    return _ferrax.all(a, axis_arg(axis, "all"), keepdims)


def any(a, axis=None, out=None, keepdims=False, *, where=None):
    """Whether some element over ``axis`` is true."""
    _unsupported("any", out, where)
    return _ferrax.any(a, axis_arg(axis, "any"), keepdims)


def _arg(fn, op, a, axis, out, keepdims):
    _unsupported(op, out)
    a = as_array(a)
    if axis is not None:
        axis = operator.index(axis)
    if _reduces_empty(a, axis):
        raise FerraxValueError(f"{op}: attempt to get {op} of an empty sequence")
    result = fn(a, axis, bool(keepdims))
    index = default_int()
    return result if result.dtype.name == index else _ferrax.convert_element_type(result, index)


def argmax(a, axis=None, out=None, keepdims=None):
    """Index of the largest value (flattened if ``axis`` is None); the first NaN wins."""
    return _arg(_ferrax.argmax, "argmax", a, axis, out, keepdims)


def argmin(a, axis=None, out=None, keepdims=None):
    """Index of the smallest value (flattened if ``axis`` is None); the first NaN wins."""
    return _arg(_ferrax.argmin, "argmin", a, axis, out, keepdims)


def _cumulative(fn, op, a, axis, dtype, out):
    _unsupported(op, out)
    a = as_array(a)
    if axis is None:
        a = _ferrax.reshape(a, (-1,))
        axis = 0
    if dtype is not None:
        a = _convert(a, dtype, op)
    elif a.dtype.kind == "b":
        a = _ferrax.convert_element_type(a, default_int())
    return fn(a, operator.index(axis), False)


def cumsum(a, axis=None, dtype=None, out=None):
    """Running sum along ``axis`` (over the flattened array if None); bools count as ints."""
    return _cumulative(_ferrax.cumsum, "cumsum", a, axis, dtype, out)


def cumprod(a, axis=None, dtype=None, out=None):
    """Running product along ``axis`` (over the flattened array if None)."""
    return _cumulative(_ferrax.cumprod, "cumprod", a, axis, dtype, out)

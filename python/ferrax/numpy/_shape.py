"""Shape manipulation and selection of ``ferrax.numpy``: reshape, transpose, stack, where, ..."""

import operator

from .. import _ferrax
from .._util import as_array, dtype_name, int_tuple, is_array, shape_tuple
from ..errors import AxisError, FerraxNotImplementedError, FerraxValueError
from ._dtypes import default_int

__all__ = [
    "argsort",
    "broadcast_to",
    "clip",
    "concatenate",
    "expand_dims",
    "flip",
    "moveaxis",
    "ravel",
    "reshape",
    "sort",
    "squeeze",
    "stack",
    "swapaxes",
    "transpose",
    "where",
]


def _check_order(order, op):
    if order not in ("C", None):
        raise FerraxNotImplementedError(f"{op}: only C order is supported, got order={order!r}")


def _axis(axis, ndim, op):
    """``axis`` normalized into ``[0, ndim)``, or an AxisError."""
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise AxisError(f"{op}: axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def reshape(a, shape, order="C"):
    """``a`` with a new ``shape`` (one entry may be -1)."""
    _check_order(order, "reshape")
    return _ferrax.reshape(a, int_tuple(shape, "reshape", "shape"))


def ravel(a, order="C"):
    """``a`` flattened to one dimension."""
    _check_order(order, "ravel")
    return _ferrax.reshape(a, (-1,))


def transpose(a, axes=None):
    """``a`` with its axes permuted (reversed if ``axes`` is None)."""
    return _ferrax.transpose(a, int_tuple(axes, "transpose", "axes"))


def swapaxes(a, axis1, axis2):
    """``a`` with ``axis1`` and ``axis2`` exchanged."""
    a = as_array(a)
    i, j = _axis(axis1, a.ndim, "swapaxes"), _axis(axis2, a.ndim, "swapaxes")
    perm = list(range(a.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return _ferrax.transpose(a, perm)


def moveaxis(a, source, destination):
    """``a`` with the axes ``source`` moved to positions ``destination``."""
    a = as_array(a)
    src = [_axis(s, a.ndim, "moveaxis") for s in int_tuple(source, "moveaxis", "source")]
    dst = [_axis(d, a.ndim, "moveaxis") for d in int_tuple(destination, "moveaxis", "destination")]
    if len(src) != len(dst):
        raise FerraxValueError("moveaxis: source and destination must have the same length")
    rest = [i for i in range(a.ndim) if i not in src]
    perm = [None] * a.ndim
    for s, d in zip(src, dst):
        perm[d] = s
    it = iter(rest)
    perm = [p if p is not None else next(it) for p in perm]
    return _ferrax.transpose(a, perm)


def squeeze(a, axis=None):
    """``a`` without size-1 axes (only those in ``axis`` if given)."""
    return _ferrax.squeeze(a, int_tuple(axis, "squeeze", "axis"))


def expand_dims(a, axis):
    """``a`` with size-1 axes inserted at positions ``axis`` of the result."""
    return _ferrax.expand_dims(a, int_tuple(axis, "expand_dims", "axis"))


def broadcast_to(array, shape):
    """``array`` broadcast to ``shape`` by NumPy's rules."""
    return _ferrax.broadcast_to(array, shape_tuple(shape, "broadcast_to"))


def flip(m, axis=None):
    """``m`` reversed along ``axis`` (all axes if None)."""
    m = as_array(m)
    axes = tuple(range(m.ndim)) if axis is None else int_tuple(axis, "flip", "axis")
    return _ferrax.rev(m, axes)


def _operands(arrays, op):
    if is_array(arrays):
        arrays = list(arrays)
    arrays = [as_array(a) for a in arrays]
    if not arrays:
        raise FerraxValueError(f"{op}: need at least one array")
    return arrays


def concatenate(arrays, axis=0, dtype=None):
    """The ``arrays`` joined along an existing ``axis`` (flattened first if None)."""
    arrays = _operands(arrays, "concatenate")
    if axis is None:
        arrays = [_ferrax.reshape(a, (-1,)) for a in arrays]
        axis = 0
    out = _ferrax.concatenate(arrays, operator.index(axis))
    name = dtype_name(dtype, "concatenate")
    if name is not None:
        out = _ferrax.convert_element_type(out, name)
    return out


def stack(arrays, axis=0, out=None, dtype=None):
    """The ``arrays`` (all of one shape) joined along a new ``axis``."""
    if out is not None:
        raise FerraxNotImplementedError("stack: the out argument is not supported")
    arrays = _operands(arrays, "stack")
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) != 1:
        shown = ", ".join(str(tuple(a.shape)) for a in arrays)
        raise FerraxValueError(f"stack: all input arrays must have the same shape, got {shown}")
    axis = _axis(axis, arrays[0].ndim + 1, "stack")
    return concatenate([_ferrax.expand_dims(a, (axis,)) for a in arrays], axis, dtype)


def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """``x`` where ``condition`` holds, else ``y`` (all three broadcast together)."""
    if x is None and y is None:
        raise FerraxNotImplementedError(
            "where: the one-argument form (nonzero) needs data-dependent shapes; not supported yet"
        )
    if x is None or y is None:
        raise FerraxValueError("where: either both or neither of x and y must be given")
    if size is not None or fill_value is not None:
        raise FerraxNotImplementedError("where: size and fill_value are not supported yet")
    condition = as_array(condition)
    if condition.dtype.kind != "b":
        condition = _ferrax.ne(condition, 0)
    return _ferrax.where(condition, x, y)


def clip(arr, /, min=None, max=None):
    """``arr`` limited to ``[min, max]``; either bound may be None."""
    if min is not None:
        arr = _ferrax.max(min, arr)
    if max is not None:
        arr = _ferrax.min(max, arr)
    return as_array(arr)


def sort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """``a`` sorted along ``axis`` (flattened if None), NaNs last."""
    del kind
    if order is not None or descending:
        raise FerraxNotImplementedError("sort: order and descending are not supported yet")
    a = as_array(a)
    if axis is None:
        a, axis = _ferrax.reshape(a, (-1,)), 0
    return _ferrax.sort([a], operator.index(axis), bool(stable), 1)[0]


def argsort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """Indices that sort ``a`` along ``axis`` (flattened if None), NaNs last."""
    del kind
    if order is not None or descending:
        raise FerraxNotImplementedError("argsort: order and descending are not supported yet")
    a = as_array(a)
    if axis is None:
        a, axis = _ferrax.reshape(a, (-1,)), 0
    axis = _axis(axis, a.ndim, "argsort") if a.ndim else 0
    if a.ndim == 0:
        return _ferrax.full((), 0, default_int())
    indices = _ferrax.broadcasted_iota(default_int(), a.shape, axis)
    return _ferrax.sort([a, indices], axis, bool(stable), 1)[1]

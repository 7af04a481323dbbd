"""Shape manipulation and selection of ``ferrax.numpy``: reshape, transpose, stack, where,
select, diff, ... The padding, rearranging and data-dependent-length functions live in
``_padding``, ``_rearrange`` and ``_setops`` and are exported from here."""

import operator

import numpy as np

from .. import _ferrax
from .._util import as_array, dtype_name, int_tuple, is_array, norm_axis, shape_tuple
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from . import _padding, _rearrange, _setops
from ._common import slice_axis
from ._elementwise import _to_bool
from ._padding import *
from ._rearrange import *
from ._setops import *
from ._setops import nonzero

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_arrays",
    "broadcast_to",
    "clip",
    "concatenate",
    "diff",
    "ediff1d",
    "expand_dims",
    "flip",
    "moveaxis",
    "piecewise",
    "ravel",
    "reshape",
    "select",
    "squeeze",
    "stack",
    "swapaxes",
    "transpose",
    "where",
]
__all__ += _padding.__all__ + _rearrange.__all__ + _setops.__all__


def _check_order(order, op):
    if order not in ("C", None):
        raise FerraxNotImplementedError(f"{op}: only C order is supported, got order={order!r}")


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
    i, j = norm_axis(axis1, a.ndim, "swapaxes"), norm_axis(axis2, a.ndim, "swapaxes")
    perm = list(range(a.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return _ferrax.transpose(a, perm)


def moveaxis(a, source, destination):
    """``a`` with the axes ``source`` moved to positions ``destination``."""
    a = as_array(a)
    src = [norm_axis(s, a.ndim, "moveaxis") for s in int_tuple(source, "moveaxis", "source")]
    dst = [
        norm_axis(d, a.ndim, "moveaxis") for d in int_tuple(destination, "moveaxis", "destination")
    ]
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
    axis = norm_axis(axis, arrays[0].ndim + 1, "stack")
    return concatenate([_ferrax.expand_dims(a, (axis,)) for a in arrays], axis, dtype)


def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """``x`` where ``condition`` holds, else ``y`` (all three broadcast together); with only
    ``condition``, ``nonzero(condition, size=size, fill_value=fill_value)``."""
    if x is None and y is None:
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise FerraxValueError("where: either both or neither of x and y must be given")
    if size is not None or fill_value is not None:
        raise FerraxValueError("where: size and fill_value apply only to the one-argument form")
    return _ferrax.where(_to_bool(condition), x, y)


def clip(arr, /, min=None, max=None):
    """``arr`` limited to ``[min, max]``; either bound may be None."""
    if min is not None:
        arr = _ferrax.max(min, arr)
    if max is not None:
        arr = _ferrax.min(max, arr)
    return as_array(arr)


def _atleast(arys, make):
    out = [make(as_array(a)) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys):
    """The arrays with at least 1 dimension (a scalar becomes shape ``(1,)``); one array
    for one argument, a list otherwise."""
    return _atleast(arys, lambda a: _ferrax.reshape(a, (1,)) if a.ndim == 0 else a)


def atleast_2d(*arys):
    """The arrays with at least 2 dimensions (leading size-1 axes added)."""
    return _atleast(
        arys,
        lambda a: _ferrax.reshape(a, (1,) * (2 - a.ndim) + tuple(a.shape)) if a.ndim < 2 else a,
    )


def _to_3d(a):
    if a.ndim == 0:
        return _ferrax.reshape(a, (1, 1, 1))
    if a.ndim == 1:
        return _ferrax.reshape(a, (1, a.shape[0], 1))
    return _ferrax.expand_dims(a, (2,)) if a.ndim == 2 else a


def atleast_3d(*arys):
    """The arrays with at least 3 dimensions: ``(n,)`` becomes ``(1, n, 1)`` and
    ``(m, n)`` becomes ``(m, n, 1)``."""
    return _atleast(arys, _to_3d)


def broadcast_arrays(*args):
    """The arrays broadcast against each other to their common shape (a list)."""
    arrays = [as_array(a) for a in args]
    try:
        shape = np.broadcast_shapes(*[tuple(a.shape) for a in arrays])
    except ValueError:
        shown = ", ".join(str(tuple(a.shape)) for a in arrays)
        raise FerraxValueError(f"broadcast_arrays: incompatible shapes {shown}") from None
    return [a if tuple(a.shape) == shape else _ferrax.broadcast_to(a, shape) for a in arrays]


def select(condlist, choicelist, default=0):
    """Entrywise, the choice of the first condition that holds, else ``default``."""
    condlist, choicelist = list(condlist), list(choicelist)
    if len(condlist) != len(choicelist):
        raise FerraxValueError(
            f"select: condlist and choicelist must have the same length, got {len(condlist)} "
            f"and {len(choicelist)}"
        )
    if not condlist:
        raise FerraxValueError("select: condlist must not be empty")
    out = default
    for i in reversed(range(len(condlist))):
        cond = as_array(condlist[i])
        if cond.dtype.kind != "b":
            raise FerraxTypeError(f"select: condlist[{i}] must be boolean, got dtype {cond.dtype}")
        out = _ferrax.where(cond, choicelist[i], out)
    return as_array(out)


def piecewise(x, condlist, funclist, *args, **kw):
    """``funclist[i](x)`` (or the constant ``funclist[i]``) where ``condlist[i]`` holds, later
    conditions winning; one extra function gives the value where no condition holds (else 0).
    Every function is evaluated on all of ``x``; the result has ``x``'s dtype."""
    x = as_array(x)
    if isinstance(condlist, (list, tuple)):
        conds = [_to_bool(c) for c in condlist]
    else:
        stacked = _to_bool(condlist)
        conds = [stacked] if stacked.ndim == x.ndim else list(stacked)
    funcs = list(funclist)
    if len(funcs) not in (len(conds), len(conds) + 1):
        raise FerraxValueError(
            f"piecewise: with {len(conds)} conditions funclist needs {len(conds)} or "
            f"{len(conds) + 1} entries, got {len(funcs)}"
        )

    def value(f):
        out = f(x, *args, **kw) if callable(f) else f
        return _ferrax.convert_element_type(as_array(out), x.dtype.name)

    out = value(funcs[-1]) if len(funcs) > len(conds) else _ferrax.full((), 0, x.dtype.name)
    out = _ferrax.broadcast_to(out, x.shape)
    for cond, f in zip(conds, funcs):
        out = _ferrax.where(cond, value(f), out)
    return out


def _edge_block(v, a, axis):
    """``prepend``/``append`` of ``diff``: a scalar becomes a size-1 slab along ``axis``."""
    v = as_array(v)
    if v.ndim == 0:
        shape = list(a.shape)
        shape[axis] = 1
        return _ferrax.broadcast_to(v, shape)
    return v


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The ``n``-th discrete difference ``a[i + 1] - a[i]`` along ``axis`` (``!=`` for
    booleans), after joining ``prepend`` and ``append`` to ``a``."""
    a = as_array(a)
    if a.ndim == 0:
        raise FerraxValueError("diff: the input must be at least 1-D, got a scalar")
    axis = norm_axis(axis, a.ndim, "diff")
    n = operator.index(n)
    if n < 0:
        raise FerraxValueError(f"diff: order n must be non-negative, got {n}")
    parts = [_edge_block(prepend, a, axis)] if prepend is not None else []
    parts.append(a)
    if append is not None:
        parts.append(_edge_block(append, a, axis))
    if len(parts) > 1:
        a = _ferrax.concatenate(parts, axis)
    for _ in range(n):
        length = a.shape[axis]
        if length == 0:
            break
        hi, lo = slice_axis(a, axis, 1, length), slice_axis(a, axis, 0, length - 1)
        a = _ferrax.ne(hi, lo) if a.dtype.kind == "b" else _ferrax.sub(hi, lo)
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """The differences of the flattened ``ary``, with ``to_begin`` and ``to_end`` (in
    ``ary``'s dtype) joined before and after."""
    a = _ferrax.reshape(as_array(ary), (-1,))
    parts = [diff(a)]
    dtype = a.dtype.name
    if to_begin is not None:
        parts.insert(
            0, _ferrax.reshape(_ferrax.convert_element_type(as_array(to_begin), dtype), (-1,))
        )
    if to_end is not None:
        parts.append(_ferrax.reshape(_ferrax.convert_element_type(as_array(to_end), dtype), (-1,)))
    return parts[0] if len(parts) == 1 else _ferrax.concatenate(parts, 0)

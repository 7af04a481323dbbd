"""Sorting and searching in sorted arrays: ``sort``, ``argsort``, ``lexsort``,
``partition``, ``argpartition`` and ``searchsorted``.

Everything is built on the multi-operand stable ``sort`` primitive (NaNs sort last), which
differentiates in the sorted values and batches.
"""

import operator

from .. import _ferrax
from .._indexing import take
from .._util import as_array, is_array
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from ._common import norm_axis
from ._dtypes import default_int
from ._elementwise import isnan

__all__ = ["argpartition", "argsort", "lexsort", "partition", "searchsorted", "sort"]


def flat_or_axis(a, axis, op):
    """``(a, axis)``: ``a`` as an Array, flattened when ``axis`` is None (the axis is then 0),
    else with ``axis`` normalized and checked under ``op``'s name."""
    a = as_array(a)
    if axis is None:
        return _ferrax.reshape(a, (-1,)), 0
    return a, norm_axis(axis, a.ndim, op)


def _check_unsupported(order, op):
    if order is not None:
        raise FerraxNotImplementedError(
            f"{op}: the order argument (structured dtypes) is not supported"
        )


def sort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """``a`` sorted along ``axis`` (flattened if None); NaNs sort last, or first when
    ``descending``."""
    del kind
    _check_unsupported(order, "sort")
    a, axis = flat_or_axis(a, axis, "sort")
    if a.ndim == 0:
        return a
    if descending:
        return _ferrax.rev(_ferrax.sort([_ferrax.rev(a, (axis,))], axis, True, 1)[0], (axis,))
    return _ferrax.sort([a], axis, bool(stable), 1)[0]


def argsort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """Indices that sort ``a`` along ``axis`` (flattened if None). Equal elements keep
    their order when ``stable``, in both directions."""
    del kind
    _check_unsupported(order, "argsort")
    a, axis = flat_or_axis(a, axis, "argsort")
    if a.ndim == 0:
        return _ferrax.full((), 0, default_int())
    indices = _ferrax.broadcasted_iota(default_int(), a.shape, axis)
    if not descending:
        return _ferrax.sort([a, indices], axis, bool(stable), 1)[1]
    # Sorting the reversed array stably and reversing the result keeps equal elements in
    # their original order; positions in the reversed array map back as n - 1 - j.
    order_rev = _ferrax.sort([_ferrax.rev(a, (axis,)), indices], axis, True, 1)[1]
    return _ferrax.sub(a.shape[axis] - 1, _ferrax.rev(order_rev, (axis,)))


def lexsort(keys, axis=-1):
    """Indices that sort by several keys along ``axis``; the last key is the primary one."""
    if is_array(keys) or not isinstance(keys, (list, tuple)):
        keys = list(as_array(keys))
    keys = [as_array(k) for k in keys]
    if not keys:
        raise FerraxTypeError("lexsort: need a sequence of keys with at least one key")
    shapes = {tuple(k.shape) for k in keys}
    if len(shapes) != 1:
        raise FerraxValueError(f"lexsort: all keys need the same shape, got {sorted(shapes)}")
    shape = keys[0].shape
    if not shape:
        return _ferrax.full((), 0, default_int())
    axis = norm_axis(axis, len(shape), "lexsort")
    indices = _ferrax.broadcasted_iota(default_int(), shape, axis)
    return _ferrax.sort([*reversed(keys), indices], axis, True, len(keys))[-1]


def _kth(kth, n, op):
    try:
        kth = operator.index(kth)
    except TypeError:
        raise FerraxTypeError(f"{op}: kth must be a single static integer, got {kth!r}") from None
    if not -n <= kth < n:
        raise FerraxValueError(f"{op}: kth {kth} is out of bounds for an axis of length {n}")


def partition(a, kth, axis=-1):
    """``a`` rearranged along ``axis`` so that position ``kth`` holds the value it would
    have when sorted, smaller values before it and larger after it. (This implementation
    returns the fully sorted array, which is one such arrangement.)"""
    a = as_array(a)
    axis = norm_axis(axis, a.ndim, "partition")
    _kth(kth, a.shape[axis], "partition")
    return _ferrax.sort([a], axis, True, 1)[0]


def argpartition(a, kth, axis=-1):
    """Indices that ``partition`` ``a`` around ``kth`` along ``axis`` (here: a stable
    argsort, which is one valid answer)."""
    a = as_array(a)
    axis = norm_axis(axis, a.ndim, "argpartition")
    _kth(kth, a.shape[axis], "argpartition")
    return argsort(a, axis)


def _before(x, y, exact_float):
    """``x < y`` in the order of ``sort``: NaN after every number."""
    less = _ferrax.lt(x, y)
    if not exact_float:
        return less
    return _ferrax.or_(less, _ferrax.and_(isnan(y), _ferrax.not_(isnan(x))))


def _goes_right(entry, v, side, is_float):
    """Whether the answer lies right of a sorted ``entry`` when searching for ``v``."""
    if side == "left":
        return _before(entry, v, is_float)
    return _ferrax.not_(_before(v, entry, is_float))


def _search_by_sort(a, v, side):
    """``searchsorted`` by one sort of ``a`` and ``v`` together: at equal values the queries
    go before the entries of ``a`` (``left``) or after them (``right``); a query's answer is
    the number of entries of ``a`` sorted before it."""
    n, flat = a.shape[0], _ferrax.reshape(v, (-1,))
    m = flat.shape[0]
    from_a = _ferrax.concatenate(
        [_ferrax.full((n,), 1, "int32"), _ferrax.full((m,), 0, "int32")], 0
    )
    tie = from_a if side == "left" else _ferrax.sub(1, from_a)
    origin = _ferrax.iota("int32", n + m)
    _, tie, origin = _ferrax.sort([_ferrax.concatenate([a, flat], 0), tie, origin], 0, True, 2)
    from_a = tie if side == "left" else _ferrax.sub(1, tie)
    before = _ferrax.cumsum(from_a, 0, False)
    back = _ferrax.sort([origin, before], 0, True, 1)[1]
    return _ferrax.reshape(_ferrax.slice(back, (n,), (n + m,), None), v.shape)


_METHODS = ("scan", "scan_unrolled", "sort", "compare_all")


def searchsorted(a, v, side="left", sorter=None, *, method="scan"):
    """Positions at which the values ``v`` would be inserted into the sorted 1-D ``a`` to
    keep it sorted: before equal entries (``side='left'``) or after them (``'right'``).

    ``method``: ``'scan'``/``'scan_unrolled'`` run a binary search (``log2(len(a))``
    gathers); ``'sort'`` sorts ``a`` and ``v`` together; ``'compare_all'`` compares every
    pair, which is fastest for short ``a``.
    """
    a, v = as_array(a), as_array(v)
    if a.ndim != 1:
        raise FerraxValueError(f"searchsorted: a must be one-dimensional, got shape {a.shape}")
    if side not in ("left", "right"):
        raise FerraxValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if method not in _METHODS:
        raise FerraxValueError(f"searchsorted: method must be one of {_METHODS}, got {method!r}")
    if sorter is not None:
        a = take(a, as_array(sorter), mode="clip")
    common = _ferrax.result_type(a, v)
    a = _ferrax.convert_element_type(a, common)
    v = _ferrax.convert_element_type(v, common)
    is_float = a.dtype.kind == "f"
    n = a.shape[0]
    if method == "sort":
        return _search_by_sort(a, v, side)
    if method == "compare_all":
        right = _goes_right(
            _ferrax.expand_dims(a, tuple(range(v.ndim))),
            _ferrax.expand_dims(v, (v.ndim,)),
            side,
            is_float,
        )
        return _ferrax.sum(_ferrax.convert_element_type(right, "int32"), -1, False)
    lo = _ferrax.full(v.shape, 0, "int32")
    hi = _ferrax.full(v.shape, n, "int32")
    for _ in range(n.bit_length()):
        mid = _ferrax.floor_divide(_ferrax.add(lo, hi), 2)
        entry = take(a, mid, mode="clip")
        right = _ferrax.and_(_goes_right(entry, v, side, is_float), _ferrax.lt(lo, hi))
        lo = _ferrax.where(right, _ferrax.add(mid, 1), lo)
        hi = _ferrax.where(right, hi, mid)
    return lo

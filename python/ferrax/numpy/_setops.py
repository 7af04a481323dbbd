"""Functions whose result's length depends on the data: ``nonzero``, ``argwhere``,
``flatnonzero``, ``unique`` and the set operations (``union1d``, ``intersect1d``, ...), plus
``isin``.

As in JAX, the length is read from a concrete input when ``size`` is None (tracing then
raises a ConcretizationTypeError), and fixed to ``size`` otherwise, the missing entries
being ``fill_value``. Both cases run the same code: a stable sort, a mask of the entries
kept, and ``compact``, which moves them to the front.
"""

import collections

import numpy as np

from .. import _ferrax
from .._indexing import take
from .._util import as_array, is_array
from ..errors import FerraxValueError
from ._common import compact, concrete, norm_axis, slice_axis, static_int
from ._dtypes import default_int
from ._elementwise import isnan
from ._sorting import searchsorted

__all__ = [
    "argwhere",
    "flatnonzero",
    "intersect1d",
    "isin",
    "nonzero",
    "setdiff1d",
    "setxor1d",
    "union1d",
    "unique",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
]

_SIZE_HINT = "unless size= is given (the result's length depends on the values)"


def _length(mask, size, op):
    """``size``, or the number of True entries of a concrete ``mask``."""
    if size is not None:
        size = static_int(size, op, "size")
        if size < 0:
            raise FerraxValueError(f"{op}: size must be non-negative, got {size}")
        return size
    return int(np.count_nonzero(concrete(mask, op, _SIZE_HINT)))


# --- nonzero -------------------------------------------------------------------------------
def _fills(fill_value, ndim, op):
    """``nonzero``'s ``fill_value`` (a scalar or one value per axis) as one value per axis."""
    if fill_value is None:
        return (0,) * ndim
    scalar = fill_value.ndim == 0 if is_array(fill_value) else np.ndim(fill_value) == 0
    if scalar:
        return (fill_value,) * ndim
    fills = tuple(fill_value)
    if len(fills) != ndim:
        raise FerraxValueError(
            f"{op}: fill_value must be a scalar or a tuple of {ndim} values, got {fill_value!r}"
        )
    return fills


def nonzero(a, *, size=None, fill_value=None):
    """A tuple of index arrays, one per axis, of the nonzero entries of ``a`` in row-major
    order. With ``size``, exactly ``size`` entries (missing ones ``fill_value``, default 0)."""
    a = as_array(a)
    if a.ndim == 0:
        raise FerraxValueError(
            "nonzero: calling nonzero on 0-d arrays is not allowed; use atleast_1d first"
        )
    mask = _ferrax.reshape(a if a.dtype.kind == "b" else _ferrax.ne(a, 0), (-1,))
    length = _length(mask, size, "nonzero")
    fills = _fills(fill_value, a.ndim, "nonzero")
    index = default_int()
    (flat,), valid = compact([_ferrax.iota(index, a.size)], mask, 0, length)
    out, stride = [], a.size
    for dim, fill in zip(a.shape, fills):
        stride //= max(dim, 1)
        coord = _ferrax.rem(_ferrax.floor_divide(flat, max(stride, 1)), max(dim, 1))
        out.append(_ferrax.where(valid, coord, _ferrax.convert_element_type(fill, index)))
    return tuple(out)


def flatnonzero(a, *, size=None, fill_value=None):
    """Indices of the nonzero entries of the flattened ``a`` (see ``nonzero``)."""
    return nonzero(_ferrax.reshape(as_array(a), (-1,)), size=size, fill_value=fill_value)[0]


def argwhere(a, *, size=None, fill_value=None):
    """The indices of the nonzero entries of ``a`` as rows of a ``(count, a.ndim)`` array."""
    a = as_array(a)
    scalar = a.ndim == 0
    cols = nonzero(_ferrax.reshape(a, (1,)) if scalar else a, size=size, fill_value=fill_value)
    out = _ferrax.concatenate([_ferrax.expand_dims(c, (1,)) for c in cols], 1)
    return slice_axis(out, 1, 0, 0) if scalar else out


# --- unique --------------------------------------------------------------------------------
def _same(x, y, equal_nan):
    """Elementwise ``x == y``, NaN equal to NaN when ``equal_nan``."""
    eq = _ferrax.eq(x, y)
    if equal_nan and x.dtype.kind == "f":
        eq = _ferrax.or_(eq, _ferrax.and_(isnan(x), isnan(y)))
    return eq


def _run_starts(rows, n, equal_nan):
    """Mask of the entries that differ from their predecessor (``rows`` sorted, ``(n, m)``)."""
    if n == 0:
        return _ferrax.full((0,), True, "bool")
    same = _same(slice_axis(rows, 0, 1, n), slice_axis(rows, 0, 0, n - 1), equal_nan)
    differs = _ferrax.not_(_ferrax.all(same, 1, False))
    return _ferrax.concatenate([_ferrax.full((1,), True, "bool"), differs], 0)


def _fill(out, valid, fill):
    """``out`` with the entries past the valid ones (``valid`` along axis 0) set to ``fill``."""
    if fill is None:
        return out
    mask = _ferrax.broadcast_in_dim(valid, out.shape, (0,))
    return _ferrax.where(mask, out, _ferrax.convert_element_type(fill, out.dtype.name))


def _first_row(x):
    return _ferrax.reshape(slice_axis(x, 0, 0, 1), x.shape[1:]) if x.shape[0] else None


UniqueAllResult = collections.namedtuple(
    "UniqueAllResult", ["values", "indices", "inverse_indices", "counts"]
)
UniqueCountsResult = collections.namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = collections.namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def unique(
    ar,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    *,
    equal_nan=True,
    size=None,
    fill_value=None,
    sorted=True,
):
    """The sorted unique values of ``ar`` (flattened, or the unique slices along ``axis``),
    optionally with the index of each one's first occurrence, the inverse indices that
    rebuild ``ar`` and the counts. With ``size``: the first ``size`` unique values, padded
    with ``fill_value`` (default: the smallest value); padded indices are those of the
    smallest value and padded counts 0."""
    del sorted
    a = as_array(ar)
    if axis is None:
        moved, out_shape = _ferrax.reshape(a, (a.size, 1)), None
    else:
        axis = norm_axis(axis, a.ndim, "unique")
        perm = [axis] + [d for d in range(a.ndim) if d != axis]
        moved = _ferrax.transpose(a, perm)
        out_shape = tuple(moved.shape)
        moved = _ferrax.reshape(moved, (a.shape[axis], -1))
    n, m = moved.shape
    index = default_int()
    if m:
        columns = [_ferrax.reshape(slice_axis(moved, 1, j, j + 1), (n,)) for j in range(m)]
        *columns, order = _ferrax.sort([*columns, _ferrax.iota(index, n)], 0, True, m)
        rows = _ferrax.concatenate([_ferrax.expand_dims(c, (1,)) for c in columns], 1)
    else:
        order, rows = _ferrax.iota(index, n), moved
    starts = _run_starts(rows, n, equal_nan)
    length = _length(starts, size, "unique")
    # The run starts, moved to the front; counts need one more: where the next run starts.
    extra = 1 if return_counts else 0
    (bounds,), more = compact([_ferrax.iota(index, n)], starts, 0, length + extra)
    positions, valid = bounds, more
    if extra:
        positions, valid = slice_axis(bounds, 0, 0, length), slice_axis(more, 0, 0, length)
    values = (
        take(rows, positions, 0, mode="clip") if n else _ferrax.full((length, m), 0, a.dtype.name)
    )
    default_fill = _first_row(rows)
    fill = default_fill if fill_value is None else fill_value
    values = _fill(values, valid, fill)
    if axis is None:
        values = _ferrax.reshape(values, (length,))
    else:
        values = _ferrax.reshape(values, (length,) + out_shape[1:])
        back = list(range(1, values.ndim))
        back.insert(axis, 0)
        values = _ferrax.transpose(values, back)
    extras = []
    if return_index:
        first = take(order, positions, mode="clip") if n else _ferrax.full((length,), 0, index)
        extras.append(_fill(first, valid, _first_row(_ferrax.reshape(order, (n, 1)))))
    if return_inverse:
        rank = _ferrax.sub(_ferrax.cumsum(_ferrax.convert_element_type(starts, index), 0), 1)
        inverse = _ferrax.sort([order, rank], 0, True, 1)[1]
        extras.append(_ferrax.reshape(inverse, a.shape) if axis is None else inverse)
    if return_counts:
        bounds = _ferrax.where(more, bounds, _ferrax.full((), n, index))
        extras.append(
            _ferrax.sub(slice_axis(bounds, 0, 1, length + 1), slice_axis(bounds, 0, 0, length))
        )
    return (values, *extras) if extras else values


def unique_values(x, /, *, size=None, fill_value=None):
    """The sorted unique values of ``x`` (flattened, NaNs distinct); see ``unique``."""
    return unique(x, equal_nan=False, size=size, fill_value=fill_value)


def unique_counts(x, /, *, size=None, fill_value=None):
    """``(values, counts)`` of the unique values of ``x``; see ``unique``."""
    return UniqueCountsResult(
        *unique(x, return_counts=True, equal_nan=False, size=size, fill_value=fill_value)
    )


def unique_inverse(x, /, *, size=None, fill_value=None):
    """``(values, inverse_indices)`` with ``values[inverse_indices] == x``; see ``unique``."""
    return UniqueInverseResult(
        *unique(x, return_inverse=True, equal_nan=False, size=size, fill_value=fill_value)
    )


def unique_all(x, /, *, size=None, fill_value=None):
    """``(values, indices, inverse_indices, counts)`` of ``x``; see ``unique``."""
    out = unique(
        x,
        return_index=True,
        return_inverse=True,
        return_counts=True,
        equal_nan=False,
        size=size,
        fill_value=fill_value,
    )
    return UniqueAllResult(*out)


# --- membership and set operations ---------------------------------------------------------
def isin(element, test_elements, assume_unique=False, invert=False, *, method="auto"):
    """Whether each entry of ``element`` occurs in ``test_elements`` (negated if ``invert``).

    ``method``: ``'compare_all'`` compares every pair; ``'sort'`` (or ``'binary_search'``)
    sorts ``test_elements`` and searches it; ``'auto'`` picks by size.
    """
    del assume_unique
    element, test = as_array(element), _ferrax.reshape(as_array(test_elements), (-1,))
    if method not in ("auto", "compare_all", "sort", "binary_search"):
        raise FerraxValueError(f"isin: unknown method {method!r}")
    if method == "auto":
        method = "compare_all" if element.size * test.size <= 1 << 16 else "sort"
    if method == "compare_all" or test.shape[0] == 0:
        hit = _ferrax.eq(_ferrax.expand_dims(element, (element.ndim,)), test)
        found = _ferrax.any(hit, -1, False)
    else:
        test = _ferrax.sort([test], 0, True, 1)[0]
        at = searchsorted(test, element, method="scan")
        found = _ferrax.eq(take(test, at, mode="clip"), element)
    return _ferrax.not_(found) if invert else found


def _sorted_flat(x):
    x = _ferrax.reshape(as_array(x), (-1,))
    return _ferrax.sort([x], 0, True, 1)[0]


def _select(values, keep, size, fill_value, op):
    """The entries of the 1-D ``values`` where ``keep`` holds, as ``_length`` sizes them;
    missing ones are ``fill_value`` (default: the first kept value)."""
    length = _length(keep, size, op)
    (out,), valid = compact([values], keep, 0, length)
    if fill_value is None and length and values.shape[0]:
        fill_value = _ferrax.reshape(slice_axis(out, 0, 0, 1), ())
    return _fill(out, valid, fill_value)


def union1d(ar1, ar2, *, size=None, fill_value=None):
    """The sorted unique values found in ``ar1`` or ``ar2``."""
    both = [_ferrax.reshape(as_array(x), (-1,)) for x in (ar1, ar2)]
    return unique(_ferrax.concatenate(both, 0), size=size, fill_value=fill_value)


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """The values of ``ar1`` not in ``ar2``: sorted and unique, or when ``assume_unique``
    in ``ar1``'s order."""
    if assume_unique:
        values = _ferrax.reshape(as_array(ar1), (-1,))
        keep = isin(values, ar2, invert=True)
    else:
        values = _sorted_flat(ar1)
        keep = _ferrax.and_(
            _run_starts(_ferrax.expand_dims(values, (1,)), values.shape[0], True),
            isin(values, ar2, invert=True),
        )
    return _select(values, keep, size, fill_value, "setdiff1d")


def setxor1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """The sorted values found in exactly one of ``ar1`` and ``ar2``. As in NumPy, a NaN
    never matches: each input holding NaNs contributes one NaN."""
    del assume_unique
    values, firsts = [], []
    for x in (ar1, ar2):
        s = _sorted_flat(x)
        values.append(s)
        firsts.append(_run_starts(_ferrax.expand_dims(s, (1,)), s.shape[0], True))
    # The unique values of both inputs, sorted, then those unequal to both neighbours.
    late = _ferrax.not_(_ferrax.concatenate(firsts, 0))
    late, merged = _ferrax.sort([late, _ferrax.concatenate(values, 0)], 0, True, 2)
    n = merged.shape[0]
    if n == 0:
        return _select(merged, _ferrax.not_(late), size, fill_value, "setxor1d")
    valid = _ferrax.not_(late)
    differs = _ferrax.ne(slice_axis(merged, 0, 1, n), slice_axis(merged, 0, 0, n - 1))
    edge = _ferrax.full((1,), True, "bool")
    after_prev = _ferrax.concatenate(
        [edge, _ferrax.or_(differs, _ferrax.not_(slice_axis(valid, 0, 0, n - 1)))], 0
    )
    before_next = _ferrax.concatenate(
        [_ferrax.or_(differs, _ferrax.not_(slice_axis(valid, 0, 1, n))), edge], 0
    )
    keep = _ferrax.and_(valid, _ferrax.and_(after_prev, before_next))
    return _select(merged, keep, size, fill_value, "setxor1d")


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None, fill_value=None):
    """The sorted unique values found in both ``ar1`` and ``ar2``; with ``return_indices``
    also the index of each one's first occurrence in the flattened ``ar1`` and ``ar2``."""
    del assume_unique
    a1 = _ferrax.reshape(as_array(ar1), (-1,))
    a2 = _ferrax.reshape(as_array(ar2), (-1,))
    index = default_int()
    values, order1 = _ferrax.sort([a1, _ferrax.iota(index, a1.shape[0])], 0, True, 1)
    keep = _ferrax.and_(
        _run_starts(_ferrax.expand_dims(values, (1,)), a1.shape[0], True), isin(values, a2)
    )
    out = _select(values, keep, size, fill_value, "intersect1d")
    if not return_indices:
        return out
    length = out.shape[0]
    (idx1,), valid = compact([order1], keep, 0, length)
    sorted2, order2 = _ferrax.sort([a2, _ferrax.iota(index, a2.shape[0])], 0, True, 1)
    idx2 = (
        take(order2, searchsorted(sorted2, out), mode="clip")
        if a2.shape[0]
        else _ferrax.full((length,), 0, index)
    )
    zero = _ferrax.full((), 0, index)
    return out, _ferrax.where(valid, idx1, zero), _ferrax.where(valid, idx2, zero)

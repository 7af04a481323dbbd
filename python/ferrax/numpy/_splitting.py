"""Cutting arrays apart and joining them: ``split`` and friends, the ``*stack`` family,
``append``, ``insert`` and ``delete``.

Static positions become slices (so the results differentiate and batch like any slice);
``insert`` with traced positions and ``delete`` with traced unique positions go through a
stable sort and a gather.
"""

import itertools
import operator

import numpy as np

from .. import _ferrax
from .._indexing import take
from .._util import as_array, is_array
from ..errors import ConcretizationTypeError, FerraxIndexError, FerraxTypeError, FerraxValueError
from ._common import compact, concrete_ints, maybe_concrete, norm_axis, slice_axis, static_take
from ._dtypes import default_int
from ._shape import _operands, atleast_1d, atleast_2d, atleast_3d, concatenate
from ._sorting import flat_or_axis

__all__ = [
    "append",
    "array_split",
    "column_stack",
    "delete",
    "dsplit",
    "dstack",
    "hsplit",
    "hstack",
    "insert",
    "split",
    "vsplit",
    "vstack",
]


# --- split ---------------------------------------------------------------------------------
def _sections(value):
    """``indices_or_sections`` as an int (a number of sections) or None (a list of indices)."""
    if isinstance(value, (bool, np.bool_)):
        return None
    try:
        return operator.index(value)
    except TypeError:
        pass
    arr = maybe_concrete(value) if is_array(value) else None
    if arr is not None and arr.ndim == 0 and arr.dtype.kind in "iu":
        return int(arr)
    return None


def _bounds_from_indices(indices, n, op):
    """Start and stop of every piece for split points ``indices`` (Python slice rules)."""
    points = concrete_ints(indices, op, "split indices")
    if points.ndim != 1:
        raise FerraxValueError(f"{op}: split indices must be one-dimensional, got {points.shape}")
    edges = [0] + [int(p) for p in points] + [n]
    bounds = []
    for start, stop in itertools.pairwise(edges):
        start, stop, _ = slice(start, stop).indices(n)
        bounds.append((start, max(start, stop)))
    return bounds


def _split(op, ary, indices_or_sections, axis, equal):
    a = as_array(ary)
    if a.ndim == 0:
        raise FerraxValueError(f"{op}: cannot split a 0-dimensional array")
    axis = norm_axis(axis, a.ndim, op)
    n = a.shape[axis]
    sections = _sections(indices_or_sections)
    if sections is None:
        bounds = _bounds_from_indices(indices_or_sections, n, op)
    else:
        if sections <= 0:
            raise FerraxValueError(f"{op}: number of sections must be positive, got {sections}")
        if equal and n % sections:
            raise FerraxValueError(
                f"{op}: array split does not result in an equal division: {n} elements along "
                f"axis {axis} into {sections} sections"
            )
        each, extra = divmod(n, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        starts = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        bounds = list(itertools.pairwise(starts))
    return [slice_axis(a, axis, start, stop) for start, stop in bounds]


def split(ary, indices_or_sections, axis=0):
    """``ary`` cut along ``axis`` into equal sections (an int) or at the given indices."""
    return _split("split", ary, indices_or_sections, axis, equal=True)


def array_split(ary, indices_or_sections, axis=0):
    """Like ``split``, but a number of sections need not divide the axis: the first
    ``n % sections`` pieces get one element more."""
    return _split("array_split", ary, indices_or_sections, axis, equal=False)


def hsplit(ary, indices_or_sections):
    """``split`` along the second axis (the first for 1-D arrays)."""
    a = as_array(ary)
    if a.ndim == 0:
        raise FerraxValueError("hsplit: hsplit only works on arrays of 1 or more dimensions")
    return _split("hsplit", a, indices_or_sections, 1 if a.ndim > 1 else 0, equal=True)


def vsplit(ary, indices_or_sections):
    """``split`` along the first axis of an array of at least 2 dimensions."""
    a = as_array(ary)
    if a.ndim < 2:
        raise FerraxValueError(
            f"vsplit: vsplit only works on arrays of 2 or more dimensions, got shape {a.shape}"
        )
    return _split("vsplit", a, indices_or_sections, 0, equal=True)


def dsplit(ary, indices_or_sections):
    """``split`` along the third axis of an array of at least 3 dimensions."""
    a = as_array(ary)
    if a.ndim < 3:
        raise FerraxValueError(
            f"dsplit: dsplit only works on arrays of 3 or more dimensions, got shape {a.shape}"
        )
    return _split("dsplit", a, indices_or_sections, 2, equal=True)


# --- stacking ------------------------------------------------------------------------------
def hstack(tup, dtype=None):
    """The arrays joined along the second axis (the first for 1-D arrays, scalars as 1-D)."""
    arrays = [atleast_1d(a) for a in _operands(tup, "hstack")]
    return concatenate(arrays, 0 if arrays[0].ndim == 1 else 1, dtype)


def vstack(tup, dtype=None):
    """The arrays, made at least 2-D (a 1-D array becomes a row), joined along the first axis."""
    return concatenate([atleast_2d(a) for a in _operands(tup, "vstack")], 0, dtype)


def dstack(tup, dtype=None):
    """The arrays, made at least 3-D as ``atleast_3d`` does, joined along the third axis."""
    return concatenate([atleast_3d(a) for a in _operands(tup, "dstack")], 2, dtype)


def column_stack(tup):
    """The arrays joined as columns: 1-D arrays (and scalars) become ``(n, 1)`` columns."""
    arrays = _operands(tup, "column_stack")
    return concatenate([_ferrax.reshape(a, (a.size, 1)) if a.ndim < 2 else a for a in arrays], 1)


def append(arr, values, axis=None):
    """``values`` joined to the end of ``arr`` along ``axis`` (both flattened if None)."""
    arr, values = as_array(arr), as_array(values)
    if axis is None:
        return _ferrax.concatenate([_ferrax.reshape(arr, (-1,)), _ferrax.reshape(values, (-1,))], 0)
    axis = norm_axis(axis, arr.ndim, "append")
    if values.ndim != arr.ndim:
        raise FerraxValueError(
            f"append: values must have the array's rank {arr.ndim} when axis is given, got "
            f"shapes {arr.shape} and {values.shape}"
        )
    return _ferrax.concatenate([arr, values], axis)


# --- delete and insert ---------------------------------------------------------------------
def _check_positions(positions, n, op, upper):
    bad = (positions < -n) | (positions > upper)
    if bad.any():
        raise FerraxIndexError(
            f"{op}: index {int(positions[bad][0])} is out of bounds for axis with size {n}"
        )
    return np.where(positions < 0, positions + n, positions)


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    """``arr`` without the entries ``obj`` (an int, a slice, integer indices or a boolean
    mask) along ``axis`` (flattened if None). Traced integer indices are accepted with
    ``assume_unique_indices=True``, which fixes the result's length."""
    a, axis = flat_or_axis(arr, axis, "delete")
    n = a.shape[axis]
    if isinstance(obj, slice):
        removed = np.arange(n)[obj]
    else:
        removed = maybe_concrete(obj)
        if removed is None:
            return _delete_traced(a, as_array(obj), axis, assume_unique_indices)
    keep = np.ones(n, bool)
    if removed.dtype == np.bool_:
        if removed.shape != (n,):
            raise FerraxValueError(
                f"delete: a boolean obj must be one-dimensional with the axis length {n}, got "
                f"shape {removed.shape}"
            )
        keep = ~removed
    elif removed.size:
        if removed.dtype.kind not in "iu":
            raise FerraxValueError(
                f"delete: obj must be integers or booleans, got dtype {removed.dtype}"
            )
        keep[_check_positions(removed.ravel().astype(np.int64), n, "delete", n - 1)] = False
    return static_take(a, np.flatnonzero(keep), axis)


def _delete_traced(a, obj, axis, assume_unique):
    if not assume_unique or obj.dtype.kind not in "iu":
        raise ConcretizationTypeError(
            "delete: obj is traced; pass static indices, or unique integer indices with "
            "assume_unique_indices=True"
        )
    n = a.shape[axis]
    obj = _ferrax.reshape(_ferrax.convert_element_type(obj, "int32"), (-1,))
    obj = _ferrax.where(_ferrax.lt(obj, 0), _ferrax.add(obj, n), obj)
    iota = _ferrax.iota("int32", n)
    hit = _ferrax.eq(_ferrax.expand_dims(iota, (1,)), _ferrax.expand_dims(obj, (0,)))
    keep = _ferrax.not_(_ferrax.any(hit, 1, False))
    (positions,), _ = compact([iota], keep, 0, max(n - obj.shape[0], 0))
    return take(a, positions, axis, mode="clip")


def _insert_values(values, a, axis, scalar_index, n_indices, op):
    """``values`` in ``a``'s dtype, broadcast to ``a``'s shape with the number of inserted
    entries along ``axis``: ``n_indices``, or for a single position the values' own length
    there (a scalar position takes the values' first axis as that length, as NumPy does)."""
    given = tuple(as_array(values).shape)
    v = _ferrax.convert_element_type(as_array(values), a.dtype.name)
    if v.ndim < a.ndim:
        v = _ferrax.reshape(v, (1,) * (a.ndim - v.ndim) + given)
    if scalar_index and v.ndim == a.ndim:
        perm = list(range(1, v.ndim))
        perm.insert(axis, 0)
        v = _ferrax.transpose(v, perm)
    along = v.shape[axis] if v.ndim == a.ndim else -1
    count = along if n_indices is None else n_indices
    shape = list(a.shape)
    shape[axis] = count
    if v.ndim != a.ndim or along not in (1, count):
        raise FerraxValueError(
            f"{op}: values of shape {given} cannot be inserted at {count} positions into an "
            f"array of shape {a.shape} along axis {axis}"
        )
    try:
        fits = np.broadcast_shapes(tuple(v.shape), tuple(shape)) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise FerraxValueError(
            f"{op}: values of shape {given} do not broadcast to the inserted shape {tuple(shape)}"
        )
    return _ferrax.broadcast_to(v, shape), count


def insert(arr, obj, values, axis=None):
    """``arr`` with ``values`` inserted before the positions ``obj`` (an int, a slice or
    integer indices, static or traced) along ``axis`` (flattened if None)."""
    a, axis = flat_or_axis(arr, axis, "insert")
    n = a.shape[axis]
    if isinstance(obj, slice):
        obj = np.arange(n)[obj]
    index = maybe_concrete(obj)
    traced = index is None
    index_arr = as_array(obj) if traced else index
    if index_arr.ndim > 1:
        raise FerraxValueError(
            f"insert: obj must be a slice, a scalar or one-dimensional, got shape "
            f"{tuple(index_arr.shape)}"
        )
    if not traced and index.size == 0:
        index = index_arr = index.astype(np.int64)
    if index_arr.dtype.kind not in "iu":
        raise FerraxTypeError(f"insert: obj must be integers, got dtype {index_arr.dtype}")
    single = index_arr.size == 1
    count = None if single else index_arr.shape[0]
    v, count = _insert_values(values, a, axis, index_arr.ndim == 0, count, "insert")
    joined = _ferrax.concatenate([a, v], axis)
    if traced:
        return take(joined, _traced_order(as_array(obj), n, count), axis, mode="clip")
    positions = _check_positions(index.ravel().astype(np.int64), n, "insert", n)
    positions = np.broadcast_to(positions, (count,))
    # The values (entries n, n + 1, ... of ``joined``) go before the old entries at their
    # positions, in their given order where positions repeat, as NumPy's insert puts them.
    order = np.insert(np.arange(n), positions, np.arange(n, n + count))
    return static_take(joined, order, axis)


def _traced_order(obj, n, count):
    """The gather order of ``insert`` for traced positions, clipped into ``[0, n]`` as JAX
    does: old entry ``i`` sorts at ``2i + 1`` and a value inserted before position ``p`` at
    ``2p``, so a stable sort puts the values before the old entry at their position, in
    their given order."""
    pos = _ferrax.reshape(_ferrax.convert_element_type(obj, "int32"), (-1,))
    pos = _ferrax.where(_ferrax.lt(pos, 0), _ferrax.add(pos, n), pos)
    pos = _ferrax.broadcast_to(_ferrax.clamp(0, pos, n), (count,))
    old = _ferrax.add(_ferrax.mul(_ferrax.iota("int32", n), 2), 1)
    keys = _ferrax.concatenate([old, _ferrax.mul(pos, 2)], 0)
    order = _ferrax.iota(default_int(), n + count)
    return _ferrax.sort([keys, order], 0, True, 1)[1]

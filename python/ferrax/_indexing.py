"""NumPy's advanced indexing (integer arrays and boolean masks) and ``x.at[idx]`` updates,
over the ``gather`` and ``scatter`` primitives.

Basic indexing (ints, slices, ``None``, ``...``) is handled in Rust; an index with arrays
comes here. Out-of-bound indices are clamped when reading and dropped when updating, as in
JAX; negative indices count from the end. An update whose index is made of ints and step-1
slices writes one window (``dynamic_update_slice``); other updates scatter into the
flattened array at flat positions computed from the index alone.
"""

import math

import numpy as np

from . import _ferrax
from ._util import as_array, norm_axis
from .errors import FerraxIndexError, FerraxTypeError, FerraxValueError

__all__ = ["getitem", "take", "take_along_axis"]


def _is_array_index(e):
    if isinstance(e, (list, np.ndarray)):
        return True
    return isinstance(e, _ferrax.Array) and (e.ndim > 0 or e.dtype == np.bool_)


def _mask_to_indices(mask):
    """The integer arrays of ``nonzero(mask)``; needs a concrete mask."""
    try:
        concrete = np.asarray(mask)
    except TypeError:
        raise FerraxIndexError(
            "boolean mask indexing needs a concrete mask: its result's shape depends on the "
            "mask's values, so it cannot be traced (under jit or vmap); use jnp.where instead"
        ) from None
    return [_ferrax.asarray(i.astype(np.int32)) for i in np.nonzero(concrete)]


def _entries(idx, ndim, ints_are_arrays=False):
    """The index as ``(entries, contiguous)``.

    ``entries`` has one entry per dimension: ints, slices, None or int32 arrays (masks expanded
    to their nonzero positions, ``...`` to full slices). Once any array is present, or with
    ``ints_are_arrays``, ints become 0-d arrays: NumPy treats them as advanced indices then.
    ``contiguous`` tells whether the array entries stand next to each other in the index as
    written; a slice, None or ``...`` between them moves the indexed dimensions to the front.
    """
    items = idx if isinstance(idx, tuple) else (idx,)
    out = []
    for e in items:
        if isinstance(e, (bool, np.bool_)):
            raise FerraxIndexError("indexing with a Python bool is not supported")
        if _is_array_index(e):
            a = as_array(e) if not isinstance(e, list) else _ferrax.asarray(np.asarray(e))
            if a.dtype == np.bool_:
                out.extend(_mask_to_indices(a))
                continue
            if a.dtype.kind not in "iu":
                raise FerraxIndexError(
                    f"array indices must be integers or booleans, got dtype {a.dtype}"
                )
            out.append(_ferrax.convert_element_type(a, "int32"))
        elif isinstance(e, _ferrax.Array) and e.ndim == 0 and e.dtype.kind in "iu":
            out.append(_ferrax.convert_element_type(e, "int32"))
        else:
            out.append(e)
    if ints_are_arrays or any(isinstance(e, _ferrax.Array) for e in out):
        out = [_ferrax.full((), int(e), "int32") if _is_int(e) else e for e in out]
    consumed = sum(1 for e in out if e is not None and e is not Ellipsis)
    if consumed > ndim:
        raise FerraxIndexError(
            f"too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"
        )
    ellipses = [i for i, e in enumerate(out) if e is Ellipsis]
    if len(ellipses) > 1:
        raise FerraxIndexError("an index can only have a single ellipsis ('...')")
    advanced = [i for i, e in enumerate(out) if isinstance(e, _ferrax.Array)]
    contiguous = not advanced or advanced[-1] - advanced[0] == len(advanced) - 1
    fill = [slice(None)] * (ndim - consumed)
    if ellipses:
        at = ellipses[0]
        return out[:at] + fill + out[at + 1 :], contiguous
    return out + fill, contiguous


def _is_int(e):
    return isinstance(e, (int, np.integer)) and not isinstance(e, (bool, np.bool_))


def _normalize(a, n):
    """``a + n`` where ``a < 0``: negative indices count from the end."""
    size = _ferrax.full((), n, "int32")
    return _ferrax.add(a, _ferrax.select_n(_ferrax.lt(a, 0), _ferrax.full((), 0, "int32"), size))


def _gather(x, entries, contiguous, fill):
    """``x[entries]`` with at least one array entry: the basic entries first, then one gather
    over the array-indexed dimensions, placed where NumPy places them."""
    basic = tuple(slice(None) if isinstance(e, _ferrax.Array) else e for e in entries)
    y = x[basic]
    positions = [p for p, e in enumerate(entries) if isinstance(e, _ferrax.Array)]
    arrays = [e for e in entries if isinstance(e, _ferrax.Array)]
    shape = tuple(np.broadcast_shapes(*[a.shape for a in arrays]))
    k = len(shape)
    cols = []
    for a, p in zip(arrays, positions):
        a = _normalize(a, y.shape[p])
        cols.append(_ferrax.broadcast_in_dim(a, shape + (1,), tuple(range(k - a.ndim, k))))
    index = cols[0] if len(cols) == 1 else _ferrax.concatenate(cols, k)
    out = _ferrax.gather(y, index, positions, fill)
    if contiguous and positions[0] > 0:
        first = positions[0]
        perm = list(range(k, k + first)) + list(range(k)) + list(range(k + first, out.ndim))
        out = _ferrax.transpose(out, perm)
    return out


def getitem(x, idx):
    """``x[idx]`` with NumPy's rules, integer arrays and boolean masks included.

    Once an index holds an array, its ints are advanced indices too (so ``x[0, :, [1, 2]]``
    puts the indexed dimension first, as NumPy does); out-of-bound array entries are clamped,
    as in JAX.
    """
    idx, empties = _scalar_bools(idx)
    entries, contiguous = _entries(idx, x.ndim)
    if not any(isinstance(e, _ferrax.Array) for e in entries):
        out = x[tuple(entries)]
        # A False selects nothing: its new axis (at its place among the output axes) is empty.
        for axis in empties:
            limits = list(out.shape)
            limits[axis] = 0
            out = _ferrax.slice(out, [0] * out.ndim, limits)
        return out
    if empties:
        raise FerraxIndexError("indexing with False next to array indices is not supported")
    return _gather(x, entries, contiguous, fill=False)


def _scalar_bools(idx):
    """NumPy's scalar booleans: each adds an axis of length 1 (True) or 0 (False). Returns the
    index with them as None, and the output axes of the False ones (for a basic index)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    flags = [isinstance(e, (bool, np.bool_)) for e in items]
    if not any(flags):
        return idx, []
    empties, axis = [], 0
    for e, flag in zip(items, flags, strict=True):
        if flag and not e:
            if any(i is Ellipsis for i in items):
                raise FerraxIndexError("indexing with False together with ... is not supported")
            empties.append(axis)
        if flag or e is None or isinstance(e, slice):
            axis += 1
    return tuple(None if flag else e for e, flag in zip(items, flags, strict=True)), empties


def _flat_positions(x, entries, contiguous):
    """For every element ``x[entries]`` selects, its flat position in ``x`` (-1 where an
    index is out of bounds), as ``sum(index_d * stride_d)`` over ``x``'s dimensions.

    ``entries`` holds slices, None and int32 arrays (no ints). The result has the shape of
    ``x[entries]``: the arrays' broadcast shape sits at the first array's place when
    ``contiguous``, else in front.
    """
    advanced, basic = [], []  # (x dimension, array); (x dimension or None, size, start, step)
    batch_at = None if contiguous else 0  # where the arrays' dimensions go in the result
    d = 0
    for e in entries:
        if isinstance(e, _ferrax.Array):
            batch_at = len(basic) if batch_at is None else batch_at
            advanced.append((d, e))
        elif e is None:
            basic.append((None, 1, 0, 1))
            continue
        else:
            start, stop, step = e.indices(x.shape[d])
            basic.append((d, len(range(start, stop, step)), start, step))
        d += 1
    batch_at = batch_at or 0
    batch = tuple(np.broadcast_shapes(*[a.shape for _, a in advanced]))
    sizes = [size for _, size, _, _ in basic]
    shape = tuple(sizes[:batch_at]) + batch + tuple(sizes[batch_at:])
    strides = [math.prod(x.shape[i + 1 :]) for i in range(x.ndim)]
    flat = _ferrax.full(shape, 0, "int32")
    for r, (d, _, start, step) in enumerate(basic):
        if d is not None:
            coord = _ferrax.broadcasted_iota("int32", shape, r if r < batch_at else r + len(batch))
            flat = _ferrax.add(flat, _ferrax.mul(coord, step * strides[d]))
            flat = _ferrax.add(flat, start * strides[d])
    oob = None
    end = batch_at + len(batch)
    for d, a in advanced:
        a = _normalize(a, x.shape[d])
        bad = _ferrax.or_(_ferrax.lt(a, 0), _ferrax.ge(a, x.shape[d]))
        dims = tuple(range(end - a.ndim, end))
        flat = _ferrax.add(flat, _ferrax.broadcast_in_dim(_ferrax.mul(a, strides[d]), shape, dims))
        bad = _ferrax.broadcast_in_dim(bad, shape, dims)
        oob = bad if oob is None else _ferrax.or_(oob, bad)
    if oob is not None:
        flat = _ferrax.select_n(oob, flat, _ferrax.full((), -1, "int32"))
    return flat


def _values(op, values, x, shape):
    """``values`` in ``x``'s dtype, broadcast to the indexed ``shape``."""
    values = as_array(values)
    if values.dtype != x.dtype:
        values = _ferrax.convert_element_type(values, x.dtype.name)
    try:
        fits = np.broadcast_shapes(values.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise FerraxValueError(
            f"at[].{op}: values of shape {values.shape} do not broadcast to the indexed "
            f"shape {shape}"
        )
    if values.shape == shape:
        return values
    return _ferrax.broadcast_in_dim(
        values, shape, tuple(range(len(shape) - values.ndim, len(shape)))
    )


def _basic_window(x, entries):
    """For an index of ints, step-1 slices and None: ``(starts, sizes, shape, inside)``, the
    window of ``x`` it selects, the shape of ``x[entries]`` and whether every int is in bounds
    (negative ints count from the end); None when the index needs a scatter."""
    starts, sizes, shape, inside = [], [], [], True
    d = 0
    for e in entries:
        if e is None:
            shape.append(1)
            continue
        n = x.shape[d]
        d += 1
        if isinstance(e, slice):
            start, stop, step = e.indices(n)
            if step != 1:
                return None
            starts.append(start)
            sizes.append(max(0, stop - start))
            shape.append(sizes[-1])
        elif _is_int(e):
            i = int(e) + n if e < 0 else int(e)
            inside = inside and 0 <= i < n
            starts.append(min(max(i, 0), max(n - 1, 0)))
            sizes.append(1)
        else:
            return None
    return starts, sizes, tuple(shape), inside


_SCATTERS = {
    "set": _ferrax.scatter,
    "add": _ferrax.scatter_add,
    "multiply": _ferrax.scatter_mul,
    "min": _ferrax.scatter_min,
    "max": _ferrax.scatter_max,
}
_COMBINE = {
    "add": _ferrax.add,
    "multiply": _ferrax.mul,
    "min": _ferrax.min,
    "max": _ferrax.max,
}


class _IndexUpdateRef:
    """``x.at[idx]``: functional updates of the selected elements.

    Out-of-bound indices are dropped (negative ones count from the end), as JAX's default
    update mode. An index of ints, step-1 slices and None writes one window of ``x``
    (``dynamic_update_slice``); any other index scatters into the flattened ``x``.
    """

    def __init__(self, array, index):
        self.array, self.index = array, index

    def __repr__(self):
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def _update(self, op, values, unique_indices=False):
        x = self.array
        entries, contiguous = _entries(self.index, x.ndim)
        window = None
        if not any(isinstance(e, _ferrax.Array) for e in entries):
            window = _basic_window(x, entries)
        if window is not None:
            starts, sizes, shape, inside = window
            values = _values(op, values, x, shape)
            if not inside or 0 in sizes:
                return x
            update = _ferrax.reshape(values, tuple(sizes))
            if op != "set":
                limits = [s + n for s, n in zip(starts, sizes)]
                update = _COMBINE[op](_ferrax.slice(x, starts, limits), update)
            return _ferrax.dynamic_update_slice(x, update, starts)
        entries = [_ferrax.full((), int(e), "int32") if _is_int(e) else e for e in entries]
        flat = _flat_positions(x, entries, contiguous)
        values = _values(op, values, x, tuple(flat.shape))
        out = _SCATTERS[op](
            _ferrax.reshape(x, (x.size,)),
            _ferrax.reshape(flat, (flat.size, 1)),
            _ferrax.reshape(values, (flat.size,)),
            [0],
            unique_indices,
        )
        return _ferrax.reshape(out, x.shape)

    def get(self, mode=None, fill_value=None, indices_are_sorted=False, unique_indices=False):
        """``x[idx]``; ``mode='fill'`` returns ``fill_value`` for out-of-bound indices."""
        del indices_are_sorted, unique_indices
        if mode in (None, "clip", "promise_in_bounds"):
            return getitem(self.array, self.index)
        if mode != "fill":
            raise FerraxValueError(f"at[].get: unknown mode {mode!r}")
        entries, contiguous = _entries(self.index, self.array.ndim, ints_are_arrays=True)
        flat = _flat_positions(self.array, entries, contiguous)
        safe = _ferrax.max(flat, 0)
        got = _ferrax.gather(
            _ferrax.reshape(self.array, (self.array.size,)),
            _ferrax.reshape(safe, flat.shape + (1,)),
            [0],
            False,
        )
        fill = _default_fill(self.array.dtype) if fill_value is None else fill_value
        fill = _ferrax.convert_element_type(fill, self.array.dtype.name)
        return _ferrax.select_n(_ferrax.lt(flat, 0), got, fill)

    def set(self, values, *, unique_indices=False, **_):
        """``x`` with the selected elements replaced by ``values``."""
        return self._update("set", values, unique_indices)

    def add(self, values, *, unique_indices=False, **_):
        """``x`` with ``values`` added to the selected elements (repeats accumulate)."""
        return self._update("add", values, unique_indices)

    def multiply(self, values, *, unique_indices=False, **_):
        """``x`` with the selected elements multiplied by ``values``."""
        return self._update("multiply", values, unique_indices)

    mul = multiply

    def divide(self, values, *, unique_indices=False, **_):
        """``x / d`` with ``d`` ones except at the selected elements, which are multiplied by
        ``values`` (cast to ``x``'s dtype), as JAX computes it. The division is
        ``jnp.true_divide``'s: integer ``x`` gives a float result."""
        d = _IndexUpdateRef(_ferrax.full(self.array.shape, 1, self.array.dtype.name), self.index)
        return _ferrax.true_divide(self.array, d.multiply(values, unique_indices=unique_indices))

    def power(self, values, **_):
        """``x`` with the selected elements raised to ``values``."""
        return self.set(_ferrax.pow(getitem(self.array, self.index), values))

    def min(self, values, *, unique_indices=False, **_):
        """``x`` with the selected elements replaced by their minimum with ``values``."""
        return self._update("min", values, unique_indices)

    def max(self, values, *, unique_indices=False, **_):
        """``x`` with the selected elements replaced by their maximum with ``values``."""
        return self._update("max", values, unique_indices)


class _IndexUpdateHelper:
    """The ``at`` property of arrays: ``x.at[idx].set(v)`` and friends."""

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _IndexUpdateRef(self.array, index)


def _default_fill(dtype):
    """JAX's fill value for out-of-bound reads: NaN, the most negative signed integer, the
    largest unsigned one, or True."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return np.nan
    if dtype.kind == "i":
        return int(np.iinfo(dtype).min)
    if dtype.kind == "u":
        return int(np.iinfo(dtype).max)
    return True


def _fill_oob(out, oob, fill_value, dtype, out_mask_shape):
    fill = _default_fill(dtype) if fill_value is None else fill_value
    fill = _ferrax.convert_element_type(fill, np.dtype(dtype).name)
    mask = _ferrax.broadcast_in_dim(oob, out.shape, out_mask_shape)
    return _ferrax.select_n(mask, out, fill)


_MODES = ("fill", "clip", "wrap", "promise_in_bounds")


def _mode(mode, op):
    mode = "fill" if mode is None else mode
    if mode not in _MODES:
        raise FerraxValueError(f"{op}: unknown mode {mode!r}; expected one of {_MODES}")
    return mode


def _int_indices(indices, op):
    indices = as_array(indices)
    if indices.dtype.kind not in "iu":
        raise FerraxTypeError(f"{op}: indices must be integers, got dtype {indices.dtype}")
    return _ferrax.convert_element_type(indices, "int32")


def take(
    a,
    indices,
    axis=None,
    mode=None,
    unique_indices=False,
    indices_are_sorted=False,
    fill_value=None,
):
    """Elements of ``a`` at ``indices`` along ``axis`` (flattened when None), as JAX's
    ``jnp.take``. ``mode``: ``'fill'`` (default: negative indices count from the end and
    out-of-bound ones give ``fill_value``), ``'clip'`` (indices clamped into range, negative
    ones to 0, as NumPy's) or ``'wrap'`` (indices taken modulo the axis' size)."""
    del unique_indices, indices_are_sorted
    a = as_array(a)
    idx = _int_indices(indices, "take")
    if axis is None:
        a, axis = _ferrax.reshape(a, (a.size,)), 0
    axis = norm_axis(axis, a.ndim, "take")
    mode = _mode(mode, "take")
    n = a.shape[axis]
    if n == 0 and idx.size != 0:
        raise FerraxIndexError(f"take: cannot take {idx.size} indices from an empty axis")
    oob = None
    if mode == "wrap":
        idx = _ferrax.remainder(idx, _ferrax.full((), n, "int32"))
    elif mode != "clip":
        idx = _normalize(idx, n)
        if mode == "fill":
            oob = _ferrax.or_(_ferrax.lt(idx, 0), _ferrax.ge(idx, n))
    out = _ferrax.gather(a, _ferrax.reshape(idx, idx.shape + (1,)), [axis], oob is not None)
    k = idx.ndim
    if oob is not None:
        out = _fill_oob(out, oob, fill_value, a.dtype, tuple(range(k)))
    if axis == 0 or k == 0:
        return out
    perm = list(range(k, k + axis)) + list(range(k)) + list(range(k + axis, out.ndim))
    return _ferrax.transpose(out, perm)


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """``arr`` indexed along ``axis`` by ``indices`` of the same rank (other axes
    broadcast), as ``np.take_along_axis``. Negative indices count from the end; out-of-bound
    ones give ``fill_value`` (``mode='fill'``, the default) or are clamped (``'clip'``)."""
    arr = as_array(arr)
    indices = _int_indices(indices, "take_along_axis")
    if axis is None:
        arr, axis = _ferrax.reshape(arr, (arr.size,)), 0
        indices = _ferrax.reshape(indices, (indices.size,))
    if indices.ndim != arr.ndim:
        raise FerraxValueError(
            f"take_along_axis: indices must have the array's rank {arr.ndim}, got shape "
            f"{indices.shape}"
        )
    axis = norm_axis(axis, arr.ndim, "take_along_axis")
    mode = _mode(mode, "take_along_axis")
    base = [1 if d == axis else s for d, s in enumerate(arr.shape)]
    other = [1 if d == axis else s for d, s in enumerate(indices.shape)]
    shape = list(np.broadcast_shapes(tuple(base), tuple(other)))
    shape[axis] = indices.shape[axis]
    shape = tuple(shape)
    n = arr.shape[axis]
    if mode == "wrap":
        idx = _ferrax.remainder(indices, _ferrax.full((), max(n, 1), "int32"))
    else:
        idx = _normalize(indices, n)
    dims = tuple(range(len(shape)))
    cols = []
    for d in range(arr.ndim):
        if d == axis:
            col = _ferrax.broadcast_in_dim(idx, shape, dims)
        elif arr.shape[d] == 1:
            col = _ferrax.full(shape, 0, "int32")
        else:
            col = _ferrax.broadcasted_iota("int32", shape, d)
        cols.append(_ferrax.reshape(col, shape + (1,)))
    fill = mode == "fill"
    out = _ferrax.gather(arr, _ferrax.concatenate(cols, len(shape)), list(range(arr.ndim)), fill)
    if fill:
        oob = _ferrax.or_(_ferrax.lt(idx, 0), _ferrax.ge(idx, n))
        out = _fill_oob(
            out, _ferrax.broadcast_in_dim(oob, shape, dims), fill_value, arr.dtype, dims
        )
    return out

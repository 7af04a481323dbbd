"""NumPy's advanced indexing (integer arrays and boolean masks) and ``x.at[idx]`` updates,
over the ``gather`` and ``scatter`` primitives.

Basic indexing (ints, slices, ``None``, ``...``) is handled in Rust; an index with arrays
comes here. Out-of-bound indices are clamped when reading and dropped when updating, as in
JAX; negative indices count from the end.
"""

import numpy as np

from . import _ferrax
from ._util import as_array
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


def _entries(idx, ndim, ints_are_arrays):
    """The index as a list of per-dimension entries: ints, slices, None, or int32 arrays
    (masks expanded to their nonzero positions, ``...`` to full slices)."""
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
        elif ints_are_arrays and isinstance(e, (int, np.integer)):
            out.append(_ferrax.full((), int(e), "int32"))
        elif isinstance(e, _ferrax.Array) and e.ndim == 0 and e.dtype.kind in "iu":
            out.append(_ferrax.convert_element_type(e, "int32"))
        else:
            out.append(e)
    consumed = sum(1 for e in out if e is not None and e is not Ellipsis)
    if consumed > ndim:
        raise FerraxIndexError(
            f"too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"
        )
    if sum(1 for e in out if e is Ellipsis) > 1:
        raise FerraxIndexError("an index can only have a single ellipsis ('...')")
    fill = [slice(None)] * (ndim - consumed)
    if Ellipsis in [e for e in out if not isinstance(e, _ferrax.Array)]:
        at = next(i for i, e in enumerate(out) if e is Ellipsis)
        return out[:at] + fill + out[at + 1 :]
    return out + fill


def _gather(x, entries, fill):
    """``x[entries]`` with at least one array entry: basic indexing first, then one gather
    over the array-indexed dimensions, placed where NumPy places them."""
    basic = tuple(slice(None) if isinstance(e, _ferrax.Array) else e for e in entries)
    y = x[basic]
    positions, pos = [], 0
    for e in entries:
        if isinstance(e, (int, np.integer)):
            continue
        if isinstance(e, _ferrax.Array):
            positions.append(pos)
        pos += 1
    arrays = [e for e in entries if isinstance(e, _ferrax.Array)]
    shape = tuple(np.broadcast_shapes(*[a.shape for a in arrays]))
    cols = []
    for a, p in zip(arrays, positions):
        n = _ferrax.full((), y.shape[p], "int32")
        a = _ferrax.add(a, _ferrax.select_n(_ferrax.lt(a, 0), _ferrax.full((), 0, "int32"), n))
        cols.append(
            _ferrax.broadcast_in_dim(a, shape + (1,), tuple(range(len(shape) - a.ndim, len(shape))))
        )
    index = _ferrax.concatenate(cols, len(shape))
    out = _ferrax.gather(y, index, positions, fill)
    k = len(shape)
    contiguous = positions == list(range(positions[0], positions[0] + len(positions)))
    if contiguous and positions[0] > 0:
        perm = (
            list(range(k, k + positions[0]))
            + list(range(k))
            + list(range(k + positions[0], out.ndim))
        )
        out = _ferrax.transpose(out, perm)
    return out


def getitem(x, idx):
    """``x[idx]`` with NumPy's rules, integer arrays and boolean masks included."""
    entries = _entries(idx, x.ndim, ints_are_arrays=False)
    if not any(isinstance(e, _ferrax.Array) for e in entries):
        return x[tuple(entries)]
    return _gather(x, entries, fill=False)


def _flat_positions(x, idx):
    """For every element ``x[idx]`` selects, its flat position in ``x`` (-1 out of bounds)."""
    iota = _ferrax.reshape(_ferrax.add(_ferrax.iota("int32", x.size), 1), x.shape)
    entries = _entries(idx, x.ndim, ints_are_arrays=True)
    if any(isinstance(e, _ferrax.Array) for e in entries):
        picked = _gather(iota, entries, fill=True)
    else:
        picked = iota[tuple(entries)]
    return _ferrax.sub(picked, 1)


_OPS = {"set": "set", "add": "add", "multiply": "mul", "min": "min", "max": "max"}


class _IndexUpdateRef:
    """``x.at[idx]``: functional updates of the selected elements."""

    def __init__(self, array, index):
        self.array, self.index = array, index

    def __repr__(self):
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def _update(self, op, values):
        x = self.array
        flat = _flat_positions(x, self.index)
        values = as_array(values)
        if values.dtype != x.dtype:
            values = _ferrax.convert_element_type(values, x.dtype.name)
        try:
            shape = np.broadcast_shapes(values.shape, flat.shape)
        except ValueError:
            raise FerraxValueError(
                f"at[].{op}: values of shape {values.shape} do not broadcast to the indexed "
                f"shape {flat.shape}"
            ) from None
        if shape != flat.shape:
            raise FerraxValueError(
                f"at[].{op}: values of shape {values.shape} do not broadcast to the indexed "
                f"shape {flat.shape}"
            )
        values = _ferrax.broadcast_in_dim(
            values, shape, tuple(range(len(shape) - values.ndim, len(shape)))
        )
        out = _ferrax.scatter(
            _ferrax.reshape(x, (x.size,)),
            _ferrax.reshape(flat, (flat.size, 1)),
            _ferrax.reshape(values, (flat.size,)),
            [0],
            _OPS[op],
        )
        return _ferrax.reshape(out, x.shape)

    def get(self, mode=None, fill_value=None, indices_are_sorted=False, unique_indices=False):
        """``x[idx]``; ``mode='fill'`` returns ``fill_value`` for out-of-bound indices."""
        del indices_are_sorted, unique_indices
        if mode in (None, "clip", "promise_in_bounds"):
            return getitem(self.array, self.index)
        if mode != "fill":
            raise FerraxValueError(f"at[].get: unknown mode {mode!r}")
        flat = _flat_positions(self.array, self.index)
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

    def set(self, values, **_):
        """``x`` with the selected elements replaced by ``values``."""
        return self._update("set", values)

    def add(self, values, **_):
        """``x`` with ``values`` added to the selected elements (repeats accumulate)."""
        return self._update("add", values)

    def multiply(self, values, **_):
        """``x`` with the selected elements multiplied by ``values``."""
        return self._update("multiply", values)

    mul = multiply

    def divide(self, values, **_):
        """``x`` with the selected elements divided by ``values``."""
        return self._update("multiply", _ferrax.true_divide(1, values))

    def power(self, values, **_):
        """``x`` with the selected elements raised to ``values``."""
        return self.set(_ferrax.pow(getitem(self.array, self.index), values))

    def min(self, values, **_):
        """``x`` with the selected elements replaced by their minimum with ``values``."""
        return self._update("min", values)

    def max(self, values, **_):
        """``x`` with the selected elements replaced by their maximum with ``values``."""
        return self._update("max", values)


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


def _normalized(indices, size, mode):
    """Indices made non-negative (``wrap``: modulo ``size``) and the out-of-bound mask."""
    indices = _ferrax.convert_element_type(indices, "int32")
    n = _ferrax.full((), size, "int32")
    if mode == "wrap":
        return _ferrax.rem(_ferrax.add(_ferrax.rem(indices, n), n), n), None
    shifted = _ferrax.add(
        indices, _ferrax.select_n(_ferrax.lt(indices, 0), _ferrax.full((), 0, "int32"), n)
    )
    oob = _ferrax.or_(_ferrax.lt(shifted, 0), _ferrax.ge(shifted, n))
    return shifted, oob


def _fill_oob(out, oob, fill_value, dtype, out_mask_shape):
    fill = _default_fill(dtype) if fill_value is None else fill_value
    fill = _ferrax.convert_element_type(fill, np.dtype(dtype).name)
    mask = _ferrax.broadcast_in_dim(oob, out.shape, out_mask_shape)
    return _ferrax.select_n(mask, out, fill)


def take(
    a,
    indices,
    axis=None,
    mode=None,
    unique_indices=False,
    indices_are_sorted=False,
    fill_value=None,
):
    """Elements of ``a`` at ``indices`` along ``axis`` (flattened when None). ``mode``:
    ``'fill'`` (default: out-of-bound gives ``fill_value``), ``'clip'`` or ``'wrap'``."""
    del unique_indices, indices_are_sorted
    a, indices = as_array(a), as_array(indices)
    if indices.dtype.kind not in "iu":
        raise FerraxTypeError(f"take: indices must be integers, got dtype {indices.dtype}")
    if axis is None:
        a, axis = _ferrax.reshape(a, (a.size,)), 0
    if not -a.ndim <= axis < a.ndim:
        raise FerraxValueError(
            f"take: axis {axis} is out of bounds for array of dimension {a.ndim}"
        )
    axis %= a.ndim
    mode = "fill" if mode is None else mode
    if mode not in ("fill", "clip", "wrap", "promise_in_bounds"):
        raise FerraxValueError(f"take: unknown mode {mode!r}")
    idx, oob = _normalized(indices, a.shape[axis], mode)
    out = _ferrax.gather(a, _ferrax.reshape(idx, idx.shape + (1,)), [axis], mode == "fill")
    k = idx.ndim
    if mode == "fill":
        out = _fill_oob(out, oob, fill_value, a.dtype, tuple(range(k)))
    perm = list(range(k, k + axis)) + list(range(k)) + list(range(k + axis, out.ndim))
    return _ferrax.transpose(out, perm)


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """``arr`` indexed along ``axis`` by ``indices`` of the same rank (other axes
    broadcast), as ``np.take_along_axis``; out-of-bound indices as in ``take``."""
    arr, indices = as_array(arr), as_array(indices)
    if axis is None:
        arr, axis = _ferrax.reshape(arr, (arr.size,)), 0
        indices = _ferrax.reshape(indices, (indices.size,))
    if indices.ndim != arr.ndim:
        raise FerraxValueError(
            f"take_along_axis: indices must have the array's rank {arr.ndim}, got shape "
            f"{indices.shape}"
        )
    if not -arr.ndim <= axis < arr.ndim:
        raise FerraxValueError(f"take_along_axis: axis {axis} is out of bounds for rank {arr.ndim}")
    axis %= arr.ndim
    mode = "fill" if mode is None else mode
    base = [1 if d == axis else s for d, s in enumerate(arr.shape)]
    other = [1 if d == axis else s for d, s in enumerate(indices.shape)]
    shape = list(np.broadcast_shapes(tuple(base), tuple(other)))
    shape[axis] = indices.shape[axis]
    shape = tuple(shape)
    idx, oob = _normalized(indices, arr.shape[axis], mode)
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
    out = _ferrax.gather(
        arr, _ferrax.concatenate(cols, len(shape)), list(range(arr.ndim)), mode == "fill"
    )
    if mode == "fill":
        out = _fill_oob(
            out, _ferrax.broadcast_in_dim(oob, shape, dims), fill_value, arr.dtype, dims
        )
    return out

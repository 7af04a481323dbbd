"""Rearranging and repeating entries: ``roll``, ``rot90``, ``fliplr``, ``flipud``, ``tile``
and ``repeat``.

Static shifts and repeat counts become slices, broadcasts and reshapes; a traced shift
and traced repeat counts (with ``total_repeat_length``) become a gather, so all of them
differentiate and batch.
"""

import numpy as np

from .. import _ferrax
from .._indexing import take
from .._util import as_array, int_tuple
from ..errors import ConcretizationTypeError, FerraxValueError
from ._common import maybe_concrete, norm_axis, slice_axis, static_int
from ._sorting import searchsorted

__all__ = ["fliplr", "flipud", "repeat", "roll", "rot90", "tile"]


def fliplr(m):
    """``m`` reversed along its second axis (needs at least 2 dimensions)."""
    m = as_array(m)
    if m.ndim < 2:
        raise FerraxValueError(f"fliplr: the input must be at least 2-D, got shape {m.shape}")
    return _ferrax.rev(m, (1,))


def flipud(m):
    """``m`` reversed along its first axis (needs at least 1 dimension)."""
    m = as_array(m)
    if m.ndim < 1:
        raise FerraxValueError("flipud: the input must be at least 1-D, got a scalar")
    return _ferrax.rev(m, (0,))


def rot90(m, k=1, axes=(0, 1)):
    """``m`` rotated by ``k`` quarter turns in the plane of ``axes``, from the first axis
    towards the second."""
    m = as_array(m)
    axes = int_tuple(axes, "rot90", "axes")
    if len(axes) != 2:
        raise FerraxValueError(f"rot90: axes must hold 2 axes, got {axes}")
    if m.ndim < 2:
        raise FerraxValueError(f"rot90: the input must be at least 2-D, got shape {m.shape}")
    a0, a1 = (norm_axis(a, m.ndim, "rot90") for a in axes)
    if a0 == a1:
        raise FerraxValueError(f"rot90: the two axes must differ, got {axes}")
    k = static_int(k, "rot90", "k") % 4
    if k == 0:
        return m
    if k == 2:
        return _ferrax.rev(m, (a0, a1))
    perm = list(range(m.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return _ferrax.transpose(_ferrax.rev(m, (a1,)), perm)
    return _ferrax.rev(_ferrax.transpose(m, perm), (a1,))


def _roll_static(a, shift, axis):
    n = a.shape[axis]
    shift %= n
    if shift == 0:
        return a
    return _ferrax.concatenate(
        [slice_axis(a, axis, n - shift, n), slice_axis(a, axis, 0, n - shift)], axis
    )


def _roll_traced(a, shift, axis):
    """Entry ``j`` takes entry ``(j - shift) mod n``: a gather, which batches over a traced
    shift (a dynamic slice would need batched start indices)."""
    n = a.shape[axis]
    shift = _ferrax.rem(_ferrax.convert_element_type(shift, "int32"), n)
    source = _ferrax.rem(_ferrax.add(_ferrax.sub(_ferrax.iota("int32", n), shift), n), n)
    return take(a, source, axis, mode="clip")


def roll(a, shift, axis=None):
    """``a`` with its entries shifted cyclically by ``shift`` along ``axis`` (the flattened
    array if None). ``shift`` and ``axis`` may be sequences (broadcast against each other);
    the shift may be traced."""
    a = as_array(a)
    if axis is None:
        return _ferrax.reshape(roll(_ferrax.reshape(a, (-1,)), shift, 0), a.shape)
    axes = np.atleast_1d(np.asarray(int_tuple(axis, "roll", "axis")))
    known = maybe_concrete(shift)
    shifts = as_array(shift) if known is None else known
    if shifts.ndim > 1:
        raise FerraxValueError(f"roll: shift must be a scalar or 1-D, got shape {shifts.shape}")
    count = np.broadcast_shapes((axes.shape[0],), tuple(shifts.shape) or (1,))[0]
    axes = np.broadcast_to(axes, (count,))
    for i, ax in enumerate(axes):
        ax = norm_axis(int(ax), a.ndim, "roll")
        if a.shape[ax] == 0:
            continue
        if known is not None:
            s = np.broadcast_to(known, (count,))[i]
            if known.dtype.kind not in "iu":
                raise FerraxValueError(f"roll: shift must be integers, got {shift!r}")
            a = _roll_static(a, int(s), ax)
        else:
            s = shifts if shifts.ndim == 0 else shifts[i if shifts.shape[0] > 1 else 0]
            a = _roll_traced(a, s, ax)
    return a


def tile(A, reps):
    """``A`` repeated ``reps[i]`` times along each axis (``A`` and ``reps`` padded with
    leading ones to the same length)."""
    a = as_array(A)
    reps = int_tuple(reps, "tile", "reps")
    if any(r < 0 for r in reps):
        raise FerraxValueError(f"tile: reps must be non-negative, got {reps}")
    ndim = max(a.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - a.ndim) + tuple(a.shape)
    interleaved = [d for pair in zip(reps, shape) for d in pair]
    out = _ferrax.broadcast_in_dim(
        _ferrax.reshape(a, shape), interleaved, tuple(range(1, 2 * ndim, 2))
    )
    return _ferrax.reshape(out, tuple(r * s for r, s in zip(reps, shape)))


def _repeat_scalar(a, count, axis):
    """Each entry along ``axis`` repeated ``count`` times: a broadcast and a reshape."""
    shape = list(a.shape)
    wide = shape[: axis + 1] + [count] + shape[axis + 1 :]
    dims = tuple(d if d <= axis else d + 1 for d in range(a.ndim))
    out = _ferrax.broadcast_in_dim(a, wide, dims)
    shape[axis] *= count
    return _ferrax.reshape(out, shape)


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    """Each entry of ``a`` repeated ``repeats`` times (an int or one count per entry) along
    ``axis`` (flattened if None). With ``total_repeat_length`` the counts may be traced: the
    result is cut to that length, or extended by repeating the last entry."""
    a = as_array(a)
    if axis is None:
        a, axis = _ferrax.reshape(a, (-1,)), 0
    axis = norm_axis(axis, max(a.ndim, 1), "repeat")
    if a.ndim == 0:
        a = _ferrax.reshape(a, (1,))
    n = a.shape[axis]
    total = None
    if total_repeat_length is not None:
        total = static_int(total_repeat_length, "repeat", "total_repeat_length")
    counts = maybe_concrete(repeats)
    if counts is not None:
        if counts.dtype.kind not in "iub" or counts.ndim > 1:
            raise FerraxValueError(
                f"repeat: repeats must be integers (0-D or 1-D), got {repeats!r}"
            )
        if (counts < 0).any():
            raise FerraxValueError(f"repeat: repeats may not be negative, got {repeats!r}")
        if counts.ndim == 0 and (total is None or total == n * int(counts)):
            return _repeat_scalar(a, int(counts), axis)
        try:
            counts = np.broadcast_to(counts, (n,))
        except ValueError:
            raise FerraxValueError(
                f"repeat: {counts.shape[0]} repeat counts for an axis of length {n}"
            ) from None
        source = np.repeat(np.arange(n), counts)
        if total is not None:
            source = np.concatenate([source, np.full(max(total - source.size, 0), n - 1)])[:total]
        if n == 0:
            return slice_axis(a, axis, 0, 0)
        return take(a, _ferrax.asarray(source.astype(np.int32)), axis, mode="clip")
    if total is None:
        raise ConcretizationTypeError(
            "repeat: traced repeats need a static total_repeat_length (the result's length)"
        )
    counts = _ferrax.convert_element_type(as_array(repeats), "int32")
    if counts.ndim > 1:
        raise FerraxValueError(f"repeat: repeats must be 0-D or 1-D, got shape {counts.shape}")
    counts = _ferrax.broadcast_to(counts, (n,))
    # Output position j takes the entry whose block of repeats contains j: the number of
    # blocks that end at or before j (past the end: the last entry).
    ends = _ferrax.cumsum(counts, 0, False)
    source = searchsorted(ends, _ferrax.iota("int32", total), side="right")
    return take(a, source, axis, mode="clip")

"""``pad`` with NumPy's modes: constant, edge, wrap, reflect, symmetric, linear_ramp,
maximum, minimum, mean, median and empty.

Axes are padded one after the other, each over the whole extent of the axes padded before
it, which is how NumPy fills the corners. Every mode is built from slices, reversals,
broadcasts and concatenations (plus arithmetic for ``odd`` reflections, ramps and
statistics), so ``pad`` differentiates and batches in the array and in ``constant_values``.
"""

import numpy as np

from .. import _ferrax
from .._util import as_array, is_array
from ..errors import FerraxNotImplementedError, FerraxValueError
from ._common import concrete_ints, inexact, slice_axis, static_take
from ._stats import median

__all__ = ["pad"]

_OPTIONS = {
    "constant": ("constant_values",),
    "edge": (),
    "wrap": (),
    "reflect": ("reflect_type",),
    "symmetric": ("reflect_type",),
    "linear_ramp": ("end_values",),
    "maximum": ("stat_length",),
    "minimum": ("stat_length",),
    "mean": ("stat_length",),
    "median": ("stat_length",),
    "empty": (),
}


def _pairs(value, ndim, op, what):
    """A per-axis ``(before, after)`` argument as a NumPy ``(ndim, 2)`` int array."""
    arr = concrete_ints(value, op, what)
    try:
        return np.broadcast_to(arr, (ndim, 2))
    except ValueError:
        raise FerraxValueError(
            f"{op}: {what} of shape {arr.shape} does not broadcast to ({ndim}, 2)"
        ) from None


def _value_pairs(value, ndim, dtype):
    """A per-axis ``(before, after)`` value argument as a ``(ndim, 2)`` table of scalars
    (Arrays, possibly traced, in ``dtype``)."""
    value = _ferrax.convert_element_type(as_array(value), dtype)
    if value.ndim > 2:
        raise FerraxValueError(
            f"pad: per-axis values must have at most 2 dimensions, got {value.shape}"
        )
    table = _ferrax.broadcast_to(
        _ferrax.reshape(value, (1,) * (2 - value.ndim) + tuple(value.shape)), (ndim, 2)
    )
    return [[table[i, j] for j in range(2)] for i in range(ndim)]


def _block(value, like, axis, width):
    """``value`` broadcast to ``like``'s shape with ``width`` entries along ``axis``."""
    shape = list(like.shape)
    shape[axis] = width
    return _ferrax.broadcast_to(value, shape)


def _join(left, a, right, axis):
    pieces = [p for p in (left, a, right) if p is not None and p.shape[axis]]
    if not pieces:
        return slice_axis(a, axis, 0, 0)
    return pieces[0] if len(pieces) == 1 else _ferrax.concatenate(pieces, axis)


def _edge(a, axis, lo, hi):
    n = a.shape[axis]
    left = _block(slice_axis(a, axis, 0, 1), a, axis, lo)
    right = _block(slice_axis(a, axis, n - 1, n), a, axis, hi)
    return _join(left, a, right, axis)


def _wrap(a, axis, lo, hi):
    n = a.shape[axis]
    return static_take(a, (np.arange(-lo, n + hi)) % n, axis)


def _reflect(a, axis, lo, hi, include_edge, odd):
    """NumPy's reflection: chunks mirrored about the current edges, growing as the padded
    area grows (in whole multiples of the original period), until both sides are filled.
    ``odd`` mirrors the values too (``2 * edge - x``)."""
    n = a.shape[axis]
    if n == 1:
        return _edge(a, axis, lo, hi)
    while lo > 0 or hi > 0:
        length = a.shape[axis]
        if include_edge:
            period = length // n * n
        else:
            period = (length - 1) // (n - 1) * (n - 1)
        skip = 0 if include_edge else 1
        left = right = None
        if lo > 0:
            c = min(period, lo)
            left = _ferrax.rev(slice_axis(a, axis, skip, skip + c), (axis,))
            if odd:
                left = _ferrax.sub(_ferrax.mul(slice_axis(a, axis, 0, 1), 2), left)
            lo -= c
        if hi > 0:
            c = min(period, hi)
            right = _ferrax.rev(slice_axis(a, axis, length - skip - c, length - skip), (axis,))
            if odd:
                right = _ferrax.sub(_ferrax.mul(slice_axis(a, axis, length - 1, length), 2), right)
            hi -= c
        a = _join(left, a, right, axis)
    return a


def _ramp(a, axis, lo, hi, ends):
    """Linear ramps from the end values to the edge values (edge excluded)."""
    n = a.shape[axis]
    sides = []
    for width, edge, end, flip in (
        (lo, slice_axis(a, axis, 0, 1), ends[0], False),
        (hi, slice_axis(a, axis, n - 1, n), ends[1], True),
    ):
        if not width:
            sides.append(None)
            continue
        shape = [1] * a.ndim
        shape[axis] = width
        frac = _ferrax.reshape(_ferrax.true_divide(_ferrax.iota("int32", width), width), shape)
        start, stop = inexact(end), inexact(edge)
        frac = _ferrax.convert_element_type(frac, _ferrax.result_type(start, stop))
        ramp = _ferrax.add(start, _ferrax.mul(_ferrax.sub(stop, start), frac))
        if a.dtype.kind in "iub":
            ramp = _ferrax.floor(ramp)
        ramp = _ferrax.convert_element_type(_block(ramp, a, axis, width), a.dtype.name)
        sides.append(_ferrax.rev(ramp, (axis,)) if flip else ramp)
    return _join(sides[0], a, sides[1], axis)


def _stat(a, axis, lo, hi, lengths, mode):
    n = a.shape[axis]
    sides = []
    for width, length, from_end in ((lo, lengths[0], False), (hi, lengths[1], True)):
        if not width:
            sides.append(None)
            continue
        length = n if length is None else min(int(length), n)
        if length <= 0:
            raise FerraxValueError(
                f"pad: stat_length of 0 yields no value for padding in mode {mode!r}"
            )
        part = slice_axis(a, axis, n - length, n) if from_end else slice_axis(a, axis, 0, length)
        if mode == "maximum":
            value = _ferrax.amax(part, axis, True)
        elif mode == "minimum":
            value = _ferrax.amin(part, axis, True)
        else:
            if mode == "mean":
                value = _ferrax.mean(inexact(part), axis, True)
            else:
                value = median(part, axis=axis, keepdims=True)
            if a.dtype.kind in "iu":
                value = _ferrax.round(value, 1)
            value = _ferrax.convert_element_type(value, a.dtype.name)
        sides.append(_block(value, a, axis, width))
    return _join(sides[0], a, sides[1], axis)


def _constant(a, widths, values):
    if values is None or not is_array(values) and np.ndim(values) == 0:
        fill = _ferrax.convert_element_type(0 if values is None else values, a.dtype.name)
        return _ferrax.pad(a, fill, [(int(lo), int(hi), 0) for lo, hi in widths])
    table = _value_pairs(values, a.ndim, a.dtype.name)
    for axis, (lo, hi) in enumerate(widths):
        config = [(0, 0, 0)] * a.ndim
        if lo:
            config[axis] = (int(lo), 0, 0)
            a = _ferrax.pad(a, table[axis][0], config)
        if hi:
            config[axis] = (0, int(hi), 0)
            a = _ferrax.pad(a, table[axis][1], config)
    return a


def pad(array, pad_width, mode="constant", **kwargs):
    """``array`` padded by ``pad_width`` (an int, ``(before, after)``, or one pair per axis)
    with NumPy's ``mode``s: ``constant`` (``constant_values``), ``edge``, ``wrap``,
    ``reflect`` and ``symmetric`` (``reflect_type`` ``'even'``/``'odd'``), ``linear_ramp``
    (``end_values``), ``maximum``/``minimum``/``mean``/``median`` (``stat_length``) and
    ``empty`` (zeros here)."""
    a = as_array(array)
    if callable(mode):
        raise FerraxNotImplementedError("pad: a callable mode is not supported")
    if mode not in _OPTIONS:
        raise FerraxValueError(
            f"pad: mode {mode!r} is not supported; choose one of {sorted(_OPTIONS)}"
        )
    unknown = set(kwargs) - set(_OPTIONS[mode])
    if unknown:
        raise FerraxValueError(
            f"pad: unsupported keyword arguments for mode {mode!r}: {sorted(unknown)}"
        )
    widths = _pairs(pad_width, a.ndim, "pad", "pad_width")
    if (widths < 0).any():
        raise FerraxValueError(f"pad: pad_width must be non-negative, got {pad_width!r}")
    if mode in ("constant", "empty"):
        return _constant(a, widths, kwargs.get("constant_values") if mode == "constant" else None)
    for axis, (lo, hi) in enumerate(widths):
        if (lo or hi) and a.shape[axis] == 0:
            raise FerraxValueError(f"pad: cannot extend the empty axis {axis} in mode {mode!r}")
    reflect_type = kwargs.get("reflect_type", "even")
    if reflect_type not in ("even", "odd"):
        raise FerraxValueError(f"pad: reflect_type must be 'even' or 'odd', got {reflect_type!r}")
    if mode == "linear_ramp":
        ends = _value_pairs(kwargs.get("end_values", 0), a.ndim, a.dtype.name)
    if mode in ("maximum", "minimum", "mean", "median"):
        raw = kwargs.get("stat_length")
        lengths = (
            [[None, None]] * a.ndim
            if raw is None
            else _pairs(raw, a.ndim, "pad", "stat_length").tolist()
        )
        if raw is not None and (np.asarray(lengths) < 0).any():
            raise FerraxValueError(f"pad: stat_length must be non-negative, got {raw!r}")
    for axis, (lo, hi) in enumerate(widths):
        lo, hi = int(lo), int(hi)
        if not lo and not hi:
            continue
        if mode == "edge":
            a = _edge(a, axis, lo, hi)
        elif mode == "wrap":
            a = _wrap(a, axis, lo, hi)
        elif mode in ("reflect", "symmetric"):
            a = _reflect(a, axis, lo, hi, mode == "symmetric", reflect_type == "odd")
        elif mode == "linear_ramp":
            a = _ramp(a, axis, lo, hi, ends[axis])
        else:
            a = _stat(a, axis, lo, hi, lengths[axis], mode)
    return a

"""Helpers shared by the composite ``ferrax.numpy`` functions (not public).

Nothing here decides a dtype: conversions go through ``_ferrax``'s promotion. The selection
helpers avoid the gather primitive: static positions become slices, data-dependent ones a
stable sort (``compact``) or a one-hot select-and-sum (``pick``), all of which differentiate
and batch.
"""

import operator

import numpy as np

from .. import _ferrax
from .._util import as_array, is_array, norm_axes, norm_axis
from ..errors import ConcretizationTypeError, FerraxTypeError

__all__ = [
    "FLOAT_LAYOUT",
    "compact",
    "concrete",
    "float_split",
    "inexact",
    "move_to_end",
    "norm_axes",
    "norm_axis",
    "pick",
    "pow2",
    "promote",
    "slice_axis",
    "static_int",
    "static_take",
    "zeros_of",
]


def move_to_end(a, axes):
    """``a`` transposed so that ``axes`` come last (in the given order)."""
    rest = [i for i in range(a.ndim) if i not in axes]
    perm = rest + list(axes)
    return a if perm == list(range(a.ndim)) else _ferrax.transpose(a, perm)


def inexact(x):
    """``x`` as a float array, as JAX's ``promote_dtypes_inexact``: floats stay, a weak integer
    becomes the default float, a strong one the float of its width (int64: float64, narrower
    types: float32)."""
    x = as_array(x)
    if x.dtype.kind == "f":
        return x
    weak = x.weak_type
    return _ferrax.convert_element_type(x, _ferrax.inexact_dtype(x.dtype.name, weak), weak)


def zeros_of(x, value=0):
    """A scalar ``value`` of ``x``'s dtype (for ``where`` fills that keep the dtype)."""
    return _ferrax.full((), value, x.dtype.name)


def static_int(value, op, what):
    """A Python int from a static argument; traced values are refused with a clear error."""
    if is_array(value):
        try:
            value = value.item()
        except ConcretizationTypeError:
            raise ConcretizationTypeError(
                f"{op}: {what} must be static (a Python int), got a traced array"
            ) from None
    try:
        return operator.index(value)
    except TypeError:
        raise FerraxTypeError(f"{op}: {what} must be an integer, got {value!r}") from None


def concrete(x, op, why):
    """``x`` as a NumPy array; a traced ``x`` raises a ConcretizationTypeError saying ``why``."""
    try:
        return np.asarray(x)
    except ConcretizationTypeError:
        raise ConcretizationTypeError(
            f"{op}: the input must be concrete (not traced under jit, vmap or grad) {why}"
        ) from None


def slice_axis(a, axis, start, stop, step=1):
    """``a[..., start:stop:step, ...]`` along ``axis`` (non-negative static bounds)."""
    starts = [0] * a.ndim
    limits = list(a.shape)
    strides = [1] * a.ndim
    starts[axis], limits[axis], strides[axis] = start, stop, step
    return _ferrax.slice(a, starts, limits, strides)


def _run(a, axis, start, step, count):
    if step == 0:
        piece = slice_axis(a, axis, start, start + 1)
        shape = list(a.shape)
        shape[axis] = count
        return _ferrax.broadcast_in_dim(piece, shape, tuple(range(a.ndim)))
    if step > 0:
        return slice_axis(a, axis, start, start + step * (count - 1) + 1, step)
    low = start + step * (count - 1)
    return _ferrax.rev(slice_axis(a, axis, low, start + 1, -step), (axis,))


def _runs(idx):
    """The runs ``(start, step, count)`` of constant stride that the 1-D NumPy int array
    ``idx`` is cut into, greedily from the left (a last lone index is a run of step 1).

    The stride changes are found with NumPy, so the Python work grows with the number of
    runs, not with the number of indices.
    """
    m = idx.size
    if m == 0:
        return []
    steps = np.diff(idx)
    # last[p]: the last q >= p with steps[p] == ... == steps[q].
    ends = np.append(np.flatnonzero(steps[1:] != steps[:-1]), m - 2)
    last = np.repeat(ends, np.diff(ends, prepend=-1))
    runs, i = [], 0
    while i < m - 1:
        j = int(last[i]) + 2
        runs.append((int(idx[i]), int(steps[i]), j - i))
        i = j
    if i == m - 1:
        runs.append((int(idx[i]), 1, 1))
    return runs


def static_take(a, idx, axis):
    """``a`` indexed along ``axis`` by the static non-negative indices ``idx`` (NumPy ints).

    The indices are cut into runs of constant stride; each run is one slice (reversed for a
    negative stride, broadcast for stride 0) and the runs are concatenated.
    """
    runs = _runs(np.asarray(idx, np.int64).ravel())
    if not runs:
        return slice_axis(a, axis, 0, 0)
    pieces = [_run(a, axis, start, step, count) for start, step, count in runs]
    return pieces[0] if len(pieces) == 1 else _ferrax.concatenate(pieces, axis)


def compact(operands, keep, axis, size, fills=None):
    """Moves the entries of ``operands`` where ``keep`` holds to the front along ``axis``,
    in their order, and returns them with ``size`` entries along ``axis``.

    ``operands`` all have ``keep``'s shape. Entries past the number kept are ``fills[i]``
    (a scalar, or None to leave whatever the sort put there). Returns ``(outs, valid)`` with
    ``valid`` the bool mask of the kept entries in the result.
    """
    keep = as_array(keep)
    key = _ferrax.convert_element_type(_ferrax.not_(keep), "int32")
    outs = _ferrax.sort([key, *operands], axis, True, 1)[1:]
    n = keep.shape[axis]
    count = _ferrax.sum(_ferrax.convert_element_type(keep, "int32"), axis, True)
    if size <= n:
        outs = [slice_axis(o, axis, 0, size) for o in outs]
    else:
        config = [(0, 0, 0)] * keep.ndim
        config[axis] = (0, size - n, 0)
        outs = [_ferrax.pad(o, zeros_of(o), config) for o in outs]
    shape = list(keep.shape)
    shape[axis] = size
    valid = _ferrax.lt(_ferrax.broadcasted_iota("int32", shape, axis), count)
    fills = fills or [None] * len(outs)
    outs = [
        o if f is None else _ferrax.where(valid, o, _ferrax.convert_element_type(f, o.dtype.name))
        for o, f in zip(outs, fills)
    ]
    return outs, valid


def pick(a, idx):
    """``a[..., idx[..., j]]`` along the last axis, by a one-hot select and sum.

    ``a`` has shape ``(..., n)`` and ``idx`` (integers, clamped to ``[0, n)``) ``(..., k)``
    with leading dimensions that broadcast against ``a``'s; the result is ``(..., k)``.
    Exact, differentiable in ``a`` and batchable; it costs ``O(n * k)`` per leading element.
    """
    a, idx = as_array(a), as_array(idx)
    n = a.shape[-1]
    idx = _ferrax.clamp(0, _ferrax.convert_element_type(idx, "int32"), max(n - 1, 0))
    hot = _ferrax.eq(_ferrax.expand_dims(idx, (idx.ndim,)), _ferrax.iota("int32", n))
    vals = _ferrax.expand_dims(a, (a.ndim - 1,))
    if a.dtype.kind == "b":
        return _ferrax.any(_ferrax.and_(hot, vals), -1, False)
    return _ferrax.sum(_ferrax.where(hot, vals, zeros_of(a)), -1, False)


def maybe_concrete(x):
    """``x`` as a NumPy array when its value is known now, or None when it is traced."""
    if not is_array(x):
        return np.asarray(x)
    try:
        return np.asarray(x)
    except ConcretizationTypeError:
        return None


def concrete_ints(values, op, what):
    """A static integer argument (an int, a sequence or a concrete array) as a NumPy int64
    array; a traced array raises a ConcretizationTypeError naming ``op`` and ``what``."""
    arr = maybe_concrete(values)
    if arr is None:
        raise ConcretizationTypeError(
            f"{op}: {what} must be static (Python ints or a concrete array), got a traced array"
        )
    if arr.size == 0:
        return arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise FerraxTypeError(f"{op}: {what} must be integers, got {values!r}")
    return arr.astype(np.int64)


# Kinds ordered as JAX's lattice orders them (bool < integers < floats).
_KIND_RANK = {"b": 0, "i": 1, "u": 1, "f": 2}


def promote(*args, to_inexact=False):
    """The arguments as arrays of their common dtype, as JAX's ``promote_dtypes`` (or
    ``promote_dtypes_inexact`` with ``to_inexact``, which makes integers and bools the default
    float).

    The dtype is ``_ferrax``'s promotion. The result is weak-typed when a weak argument decided
    it, that is when no strongly typed argument has the kind of the promoted dtype (so
    ``int32 array`` with ``2.0`` is a weak float32, ``float32 array`` with ``2`` a strong one).
    """
    arrays = [as_array(a) for a in args]
    joined = np.dtype(_ferrax.result_type(*arrays))
    rank = _KIND_RANK[joined.kind]
    weak = all(a.weak_type or _KIND_RANK[a.dtype.kind] < rank for a in arrays)
    name = joined.name
    if to_inexact and joined.kind != "f":
        name = _ferrax.inexact_dtype(name, weak)
    return [
        a
        if a.dtype.name == name and a.weak_type == weak
        else _ferrax.convert_element_type(a, name, weak)
        for a in arrays
    ]


# (integer dtype of the same width, mantissa bits, exponent bias) of each float dtype.
FLOAT_LAYOUT = {"float32": ("int32", 23, 127), "float64": ("int64", 52, 1023)}


def pow2(k, dtype):
    """Exactly ``2.0**k`` in ``dtype`` for integer ``k`` in the normal range, from its bits."""
    _, nmant, bias = FLOAT_LAYOUT[dtype]
    return _ferrax.bitcast_convert_type(_ferrax.shift_left(_ferrax.add(k, bias), nmant), dtype)


def float_split(x):
    """``(m, e, special)`` with ``x = m * 2**e``, ``0.5 <= |m| < 1`` and an integer ``e`` of
    the dtype's width; where ``special`` (zero, infinite or NaN) ``m`` is ``x`` and ``e`` 0.

    ``m`` is ``x`` times an exact power of two, so it is differentiable with derivative
    ``2**-e``. Subnormals are first scaled into the normal range.
    """
    dtype = x.dtype.name
    int_type, nmant, bias = FLOAT_LAYOUT[dtype]
    subnormal = _ferrax.lt(_ferrax.abs(x), float(np.finfo(dtype).tiny))
    xs = _ferrax.where(subnormal, _ferrax.mul(x, float(2**nmant)), x)
    bits = _ferrax.bitcast_convert_type(xs, int_type)
    field = _ferrax.and_(_ferrax.shift_right_logical(bits, nmant), 2 * bias + 1)
    special = _ferrax.or_(_ferrax.eq(x, 0), _ferrax.not_(_ferrax.is_finite(x)))
    e = _ferrax.where(special, 1, _ferrax.sub(field, bias - 1))
    # xs * 2**(2 - e) lies in [2, 4): both factors and the product are exact normal numbers.
    m = _ferrax.mul(_ferrax.mul(xs, pow2(_ferrax.sub(2, e), dtype)), 0.25)
    e = _ferrax.sub(e, _ferrax.where(subnormal, nmant, 0))
    return _ferrax.where(special, x, m), _ferrax.where(special, 0, e), special

"""Array creation: ``asarray``, ``zeros``, ``arange``, ``linspace``, ``logspace``, ``eye``,
``meshgrid``, ``indices`` and friends."""

import math
import operator

import numpy as np

from .. import _ferrax
from .._util import as_array, dtype_name, is_array, shape_tuple
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from ._common import maybe_concrete, norm_axis, slice_axis
from ._dtypes import default_float, default_int
from ._shape import moveaxis

__all__ = [
    "arange",
    "array",
    "asarray",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "geomspace",
    "identity",
    "indices",
    "linspace",
    "logspace",
    "meshgrid",
    "ones",
    "ones_like",
    "zeros",
    "zeros_like",
]


def _check_order(order, op):
    if order not in (None, "C", "K", "A"):
        raise FerraxNotImplementedError(f"{op}: only C order is supported, got order={order!r}")


def asarray(a, dtype=None, order=None, *, copy=None):
    """``a`` (Array, NumPy array, scalar or nested list) as an Array; Arrays pass through.

    Python scalars give weak-typed arrays; 64-bit inputs become 32-bit unless x64 is enabled.
    ``copy`` is accepted for compatibility: Arrays are immutable, so copies are never visible.
    """
    del copy
    _check_order(order, "asarray")
    if dtype is None and is_array(a):
        return a
    return _ferrax.asarray(a, dtype_name(dtype, "asarray"))


def array(object, dtype=None, copy=True, order="K", ndmin=0):
    """Like ``asarray``, with at least ``ndmin`` dimensions (leading size-1 ones added)."""
    del copy
    _check_order(order, "array")
    out = _ferrax.asarray(object, dtype_name(dtype, "array"))
    if ndmin > out.ndim:
        out = _ferrax.reshape(out, (1,) * (ndmin - out.ndim) + tuple(out.shape))
    return out


def _shape(shape, op):
    return shape_tuple(shape, op)


def zeros(shape, dtype=None):
    """An array of zeros (default float dtype unless ``dtype`` is given)."""
    return _ferrax.full(_shape(shape, "zeros"), 0, dtype_name(dtype, "zeros") or default_float())


def ones(shape, dtype=None):
    """An array of ones (default float dtype unless ``dtype`` is given)."""
    return _ferrax.full(_shape(shape, "ones"), 1, dtype_name(dtype, "ones") or default_float())


def empty(shape, dtype=None):
    """Same as ``zeros``: arrays are immutable, so there is no uninitialized memory to expose."""
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value`` (broadcast if it is an array).

    With no ``dtype`` the fill value's dtype is kept, weak for a Python scalar, as in JAX.
    """
    shape = _shape(shape, "full")
    name = dtype_name(dtype, "full")
    ndim = fill_value.ndim if is_array(fill_value) else np.ndim(fill_value)
    if ndim == 0:
        return _ferrax.full(shape, fill_value, name)
    return _ferrax.broadcast_to(_ferrax.asarray(fill_value, name), shape)


def full_like(a, fill_value, dtype=None, shape=None):
    """An array with the shape and dtype of ``a`` (unless given) filled with ``fill_value``.

    With no ``dtype``, a weak-typed ``a`` gives a weak-typed result.
    """
    a = as_array(a)
    shape = tuple(a.shape) if shape is None else _shape(shape, "full_like")
    name = a.dtype.name if dtype is None else dtype_name(dtype, "full_like")
    ndim = fill_value.ndim if is_array(fill_value) else np.ndim(fill_value)
    if ndim == 0:
        out = _ferrax.full(shape, fill_value, name)
    else:
        out = _ferrax.broadcast_to(_ferrax.asarray(fill_value, name), shape)
    if dtype is None and a.weak_type and not out.weak_type:
        out = _ferrax.convert_element_type(out, name, True)
    return out


def zeros_like(a, dtype=None, shape=None):
    """Zeros with the shape and dtype of ``a`` (unless given)."""
    return full_like(a, 0, dtype, shape)


def ones_like(a, dtype=None, shape=None):
    """Ones with the shape and dtype of ``a`` (unless given)."""
    return full_like(a, 1, dtype, shape)


def empty_like(prototype, dtype=None, shape=None):
    """Same as ``zeros_like``."""
    return full_like(prototype, 0, dtype, shape)


def _concrete(value, op):
    """A Python number from a scalar argument that decides a shape (must not be traced)."""
    if is_array(value):
        if value.ndim != 0:
            raise FerraxTypeError(f"{op}: expected a scalar, got an array of shape {value.shape}")
        return value.item()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (bool, int, float)):
        return value
    raise FerraxTypeError(f"{op}: expected a real scalar, got {type(value).__name__}")


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``; int32 for int arguments, float32 for floats."""
    args = [a for a in (start, stop, step) if a is not None]
    name = dtype_name(dtype, "arange") or _ferrax.result_type(*args)
    if stop is None:
        if step is not None:
            raise FerraxTypeError("arange: stop is required when step is given")
        start, stop = 0, start
    start = _concrete(start, "arange")
    stop = _concrete(stop, "arange")
    step = 1 if step is None else _concrete(step, "arange")
    if step == 0:
        raise FerraxValueError("arange: step must not be zero")
    kind = np.dtype(name).kind
    if start == 0 and step == 1 and isinstance(stop, int) and kind in "iuf":
        return _ferrax.iota(name, max(stop, 0))
    compute = {"f": np.float64, "i": np.int64, "u": np.int64}.get(kind, np.dtype(name))
    return _ferrax.asarray(np.arange(start, stop, step, dtype=compute), name)


def _sample_dtypes(start, stop, dtype, op):
    """``(name, compute)`` of ``linspace``, ``logspace`` and ``geomspace``: the result's dtype
    (``dtype``, else the float that ``start`` and ``stop`` promote to: a weak float promotes
    integers to the default float and keeps float32 as it is) and the float dtype the
    samples are computed in."""
    name = dtype_name(dtype, op) or _ferrax.result_type(start, stop, 1.0)
    return name, name if np.dtype(name).kind == "f" else default_float()


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced samples from ``start`` to ``stop`` (inclusive if ``endpoint``).

    ``start`` and ``stop`` may be arrays; the samples run along ``axis`` of the result.
    """
    try:
        num = operator.index(num)
    except TypeError:
        raise FerraxTypeError(f"linspace: num must be an integer, got {num!r}") from None
    if num < 0:
        raise FerraxValueError(f"linspace: number of samples, {num}, must be non-negative")
    name, compute = _sample_dtypes(start, stop, dtype, "linspace")
    start = _ferrax.convert_element_type(start, compute)
    stop = _ferrax.convert_element_type(stop, compute)
    delta = _ferrax.sub(stop, start)
    bshape = tuple(delta.shape)
    start, stop = (
        _ferrax.broadcast_in_dim(v, bshape, tuple(range(len(bshape) - v.ndim, len(bshape))))
        for v in (start, stop)
    )
    out_shape = (num,) + bshape
    bdims = tuple(range(1, len(out_shape)))
    div = num - 1 if endpoint else num
    if div > 0:
        step = _ferrax.true_divide(delta, div)
        ramp = _ferrax.broadcasted_iota(compute, out_shape, 0)
        out = _ferrax.add(
            _ferrax.mul(ramp, _ferrax.broadcast_in_dim(step, out_shape, bdims)),
            _ferrax.broadcast_in_dim(start, out_shape, bdims),
        )
        if endpoint:
            head = _ferrax.slice(out, (0,) * len(out_shape), (num - 1,) + bshape, None)
            last = _ferrax.broadcast_in_dim(stop, (1,) + bshape, bdims)
            out = _ferrax.concatenate([head, last], 0)
    else:
        step = _ferrax.full(bshape, math.nan, compute)
        out = _ferrax.broadcast_in_dim(start, out_shape, bdims)
    out = moveaxis(out, 0, norm_axis(axis, out.ndim, "linspace"))
    if np.dtype(name).kind in "iu":
        out = _ferrax.floor(out)
    if out.dtype.name != name:
        out = _ferrax.convert_element_type(out, name)
    return (out, step) if retstep else out


def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on diagonal ``k`` and zeros elsewhere."""
    n = operator.index(N)
    m = n if M is None else operator.index(M)
    k = operator.index(k)
    k = max(-n, min(m, k))  # beyond the matrix every diagonal is empty
    name = dtype_name(dtype, "eye") or default_float()
    rows = _ferrax.broadcasted_iota("int32", (n, m), 0)
    cols = _ferrax.broadcasted_iota("int32", (n, m), 1)
    return _ferrax.convert_element_type(_ferrax.eq(_ferrax.add(rows, k), cols), name)


def identity(n, dtype=None):
    """The ``n`` by ``n`` identity matrix."""
    return eye(n, dtype=dtype)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``: ``num`` samples evenly spaced on a log scale.

    ``base`` may be an array broadcast against ``start`` and ``stop``; an integer ``dtype``
    truncates the samples.
    """
    name, compute = _sample_dtypes(start, stop, dtype, "logspace")
    exponent = linspace(start, stop, num, endpoint, dtype=compute)  # samples along axis 0
    base = _ferrax.convert_element_type(base, compute)
    # Broadcast base against start and stop (not against the sample axis), as NumPy does.
    count, *bshape = exponent.shape
    ndim = max(base.ndim, len(bshape))
    exponent = _ferrax.reshape(exponent, (count, *(1,) * (ndim - len(bshape)), *bshape))
    base = _ferrax.reshape(base, (1, *(1,) * (ndim - base.ndim), *base.shape))
    out = _ferrax.pow(base, exponent)
    out = moveaxis(out, 0, norm_axis(axis, out.ndim, "logspace"))
    return out if out.dtype.name == name else _ferrax.convert_element_type(out, name)


def _refuse_zero(values, op):
    """Refuses concrete zeros in ``values``; traced values cannot be checked."""
    for v in values:
        v = maybe_concrete(v)
        if v is not None and np.any(v == 0):
            raise FerraxValueError(f"{op}: a geometric sequence cannot include zero")


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` samples from ``start`` to ``stop`` evenly spaced on a log scale, with the
    endpoints exact; negative ``start`` and ``stop`` give negative samples (opposite signs
    give NaNs in between)."""
    name, compute = _sample_dtypes(start, stop, dtype, "geomspace")
    start = _ferrax.convert_element_type(start, compute)
    stop = _ferrax.convert_element_type(stop, compute)
    _refuse_zero((start, stop), "geomspace")
    sign = _ferrax.sign(start)
    start, stop = _ferrax.mul(start, sign), _ferrax.mul(stop, sign)
    lin = linspace(_ferrax.log(start), _ferrax.log(stop), num, endpoint, dtype=compute)
    out = _ferrax.exp(lin)
    if num > 0:
        # The endpoints are the arguments themselves, not exp(log(x)).
        ends = [
            _ferrax.expand_dims(_ferrax.broadcast_to(v, out.shape[1:]), (0,)) for v in (start, stop)
        ]
        last = num - 1 if endpoint and num > 1 else num
        pieces = [ends[0], slice_axis(out, 0, 1, last)] + ([ends[1]] if last < num else [])
        out = _ferrax.concatenate(pieces, 0)
    out = moveaxis(_ferrax.mul(out, sign), 0, norm_axis(axis, out.ndim, "geomspace"))
    return out if out.dtype.name == name else _ferrax.convert_element_type(out, name)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from the 1-D coordinate vectors ``xi``, as a list.

    ``indexing="xy"`` (default) swaps the first two output axes, as for plotting; ``"ij"``
    keeps matrix order. ``sparse`` gives broadcastable arrays with size-1 axes instead of
    full grids. Arrays are immutable, so ``copy`` makes no difference.
    """
    del copy
    if indexing not in ("xy", "ij"):
        raise FerraxValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    args = [as_array(x) for x in xi]
    if any(a.ndim != 1 for a in args):
        shapes = ", ".join(str(tuple(a.shape)) for a in args)
        raise FerraxValueError(f"meshgrid: arguments must be 1-D, got shapes {shapes}")
    swap = indexing == "xy" and len(args) >= 2
    if swap:
        args[0], args[1] = args[1], args[0]
    sizes = [a.shape[0] for a in args]
    outs = []
    for i, a in enumerate(args):
        shape = [1] * len(args) if sparse else list(sizes)
        shape[i] = sizes[i]
        outs.append(_ferrax.broadcast_in_dim(a, tuple(shape), (i,)))
    if swap:
        outs[0], outs[1] = outs[1], outs[0]
    return outs


def indices(dimensions, dtype=None, sparse=False):
    """The index grid of an array of shape ``dimensions``: ``out[i]`` holds the ``i``-th index
    of each position (a tuple of broadcastable arrays if ``sparse``)."""
    dims = shape_tuple(dimensions, "indices")
    name = dtype_name(dtype, "indices") or default_int()
    if sparse:
        return tuple(
            _ferrax.broadcasted_iota(name, tuple(d if j == i else 1 for j, d in enumerate(dims)), i)
            for i in range(len(dims))
        )
    if not dims:
        return _ferrax.full((0,), 0, name)
    grids = [_ferrax.broadcasted_iota(name, (1, *dims), i + 1) for i in range(len(dims))]
    return _ferrax.concatenate(grids, 0)

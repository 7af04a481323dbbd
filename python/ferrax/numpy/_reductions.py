"""Reductions of ``ferrax.numpy`` over ``_ferrax``'s: sums, extremes, arg-extremes, running
reductions, and their NaN-skipping variants.

Each public function validates its axes under its own name, so an out-of-range axis given to
``nanmax`` is reported by ``nanmax``. The NaN-skipping variants replace NaNs by the reduction's
identity and reduce as usual, which keeps them differentiable and batchable.
"""

import builtins
import math

from .. import _ferrax
from .._util import as_array, dtype_name
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from ._common import norm_axes, norm_axis, zeros_of
from ._dtypes import default_float, default_int
from ._elementwise import _to_bool, isnan
from ._sorting import flat_or_axis

__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "cumulative_prod",
    "cumulative_sum",
    "max",
    "mean",
    "min",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmin",
    "nanprod",
    "nansum",
    "prod",
    "ptp",
    "sum",
]


def _unsupported(op, out=None, initial=None):
    for name, value in (("out", out), ("initial", initial)):
        if value is not None:
            raise FerraxNotImplementedError(f"{op}: the {name} argument is not supported yet")


def _convert(x, dtype, op):
    name = dtype_name(dtype, op)
    if name is None:
        return x
    name = _ferrax.result_type(name)  # the canonical (32-bit unless x64) spelling
    return x if x.dtype.name == name else _ferrax.convert_element_type(x, name)


def _axes(a, axis, op):
    """``axis`` (None, an int or a sequence) as a sorted tuple of axes of ``a``, checked and
    reported under ``op``."""
    return norm_axes(axis, a.ndim, op)


def _reduces_empty(a, axes):
    """Whether reducing ``a`` over ``axes`` reduces some output element over no input."""
    return a.size == 0 and builtins.any(a.shape[ax] == 0 for ax in axes)


def _mask(where, a, op):
    """The ``where`` argument as a bool array of ``a``'s shape."""
    where = as_array(where)
    if where.dtype.kind != "b":
        where = _ferrax.ne(where, 0)
    try:
        return _ferrax.broadcast_to(where, tuple(a.shape))
    except ValueError:
        raise FerraxValueError(
            f"{op}: where of shape {tuple(where.shape)} does not broadcast to the operand's "
            f"shape {tuple(a.shape)}"
        ) from None


def _masked(a, where, fill, op):
    """``a`` with the elements outside ``where`` replaced by ``fill`` (``a`` if no mask)."""
    if where is None:
        return a
    return _ferrax.where(_mask(where, a, op), a, _ferrax.full((), fill, a.dtype.name))


def _with_initial(combine, result, initial):
    if initial is None:
        return result
    return combine(result, _ferrax.convert_element_type(initial, result.dtype.name))


def _without_nan(a, fill):
    """``a`` with its NaNs replaced by ``fill`` (integer and bool arrays unchanged)."""
    a = as_array(a)
    if a.dtype.kind != "f":
        return a
    return _ferrax.where(isnan(a), _ferrax.full((), fill, a.dtype.name), a)


def _reduce(op, fn, combine, identity, a, axis, dtype, out, keepdims, initial, where):
    """A reduction with an identity (``sum``, ``prod``): ``fn`` over ``axis`` of ``a`` in
    ``dtype``, the elements outside ``where`` counting as ``identity``, then ``initial``
    joined by ``combine``."""
    _unsupported(op, out)
    a = _convert(as_array(a), dtype, op)
    axes = _axes(a, axis, op)
    a = _masked(a, where, identity, op)
    result = fn(a, axes, bool(keepdims))
    return _convert(_with_initial(combine, result, initial), dtype, op)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Sum over ``axis`` (all axes if None) of the elements where ``where`` holds; bools sum
    as the default integer. ``initial`` is added, cast to the result's dtype."""
    return _reduce(
        "sum", _ferrax.sum, _ferrax.add, 0, a, axis, dtype, out, keepdims, initial, where
    )


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Product over ``axis`` (all axes if None) of the elements where ``where`` holds."""
    return _reduce(
        "prod", _ferrax.prod, _ferrax.mul, 1, a, axis, dtype, out, keepdims, initial, where
    )


def _mean(op, a, axis, dtype, out, keepdims, where):
    _unsupported(op, out)
    a = as_array(a)
    name = dtype_name(dtype, op)
    if name is not None and name.startswith("float"):
        a = _convert(a, name, op)
    axes = _axes(a, axis, op)
    keepdims = bool(keepdims)
    if where is None:
        return _convert(_ferrax.mean(a, axes, keepdims), name, op)
    mask = _mask(where, a, op)
    if a.dtype.kind != "f":
        a = _ferrax.convert_element_type(a, default_float())
    total = _ferrax.sum(_ferrax.where(mask, a, zeros_of(a)), axes, keepdims)
    count = _ferrax.sum(_ferrax.convert_element_type(mask, a.dtype.name), axes, keepdims)
    return _convert(_ferrax.true_divide(total, count), name, op)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Arithmetic mean over ``axis`` of the elements where ``where`` holds; integer inputs give
    the default float dtype."""
    return _mean("mean", a, axis, dtype, out, keepdims, where)


def _extreme(fn, combine, op, a, axis, out, keepdims, initial, where):
    _unsupported(op, out)
    a = as_array(a)
    axes = _axes(a, axis, op)
    keepdims = bool(keepdims)
    if where is not None:
        if initial is None:
            raise FerraxValueError(
                f"{op}: reduction operation {op} has no identity, so a where mask needs initial"
            )
        a = _ferrax.where(
            _mask(where, a, op), a, _ferrax.convert_element_type(initial, a.dtype.name)
        )
    if _reduces_empty(a, axes):
        if initial is None:
            raise FerraxValueError(
                f"{op}: zero-size array to reduction operation {op} which has no identity"
            )
        if keepdims:
            shape = tuple(1 if i in axes else d for i, d in enumerate(a.shape))
        else:
            shape = tuple(d for i, d in enumerate(a.shape) if i not in axes)
        return _ferrax.full(shape, initial, a.dtype.name)
    return _with_initial(combine, fn(a, axes, keepdims), initial)


def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Largest value over ``axis`` (NaN-propagating); ``where`` masks need ``initial``."""
    return _extreme(_ferrax.amax, _ferrax.max, "max", a, axis, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Smallest value over ``axis`` (NaN-propagating); ``where`` masks need ``initial``."""
    return _extreme(_ferrax.amin, _ferrax.min, "min", a, axis, out, keepdims, initial, where)


amax = max
amin = min


def all(a, axis=None, out=None, keepdims=False, *, where=None):
    """Whether every element over ``axis`` (among those where ``where`` holds) is true."""
    _unsupported("all", out)
    a = _masked(_to_bool(a), where, True, "all")
    return _ferrax.all(a, _axes(a, axis, "all"), bool(keepdims))


def any(a, axis=None, out=None, keepdims=False, *, where=None):
    """Whether some element over ``axis`` (among those where ``where`` holds) is true."""
    _unsupported("any", out)
    a = _masked(_to_bool(a), where, False, "any")
    return _ferrax.any(a, _axes(a, axis, "any"), bool(keepdims))


def _flat_arg(a, axis, keepdims, op):
    """``(a, axis, restore)``: a flattened ``a`` when ``axis`` is None, and a function that
    reshapes a keepdims result of the flat array back to ``a``'s rank."""
    ndim = a.ndim
    flat, flat_axis = flat_or_axis(a, axis, op)
    if axis is None and keepdims:
        return flat, flat_axis, lambda r: _ferrax.reshape(r, (1,) * ndim)
    return flat, flat_axis, lambda r: r


def _arg(fn, op, a, axis, out, keepdims):
    _unsupported(op, out)
    a, axis, restore = _flat_arg(as_array(a), axis, keepdims, op)
    if a.shape[axis] == 0:
        raise FerraxValueError(f"{op}: attempt to get {op} of an empty sequence")
    result = restore(fn(a, axis, bool(keepdims)))
    index = default_int()
    return result if result.dtype.name == index else _ferrax.convert_element_type(result, index)


def argmax(a, axis=None, out=None, keepdims=None):
    """Index of the largest value (flattened if ``axis`` is None); the first NaN wins."""
    return _arg(_ferrax.argmax, "argmax", a, axis, out, keepdims)


def argmin(a, axis=None, out=None, keepdims=None):
    """Index of the smallest value (flattened if ``axis`` is None); the first NaN wins."""
    return _arg(_ferrax.argmin, "argmin", a, axis, out, keepdims)


def _cumulative(fn, op, a, axis, dtype, out):
    _unsupported(op, out)
    a, axis = flat_or_axis(a, axis, op)
    if dtype is not None:
        a = _convert(a, dtype, op)
    elif a.dtype.kind == "b":
        a = _ferrax.convert_element_type(a, default_int())
    return fn(a, axis, False)


def cumsum(a, axis=None, dtype=None, out=None):
    """Running sum along ``axis`` (over the flattened array if None); bools count as ints."""
    return _cumulative(_ferrax.cumsum, "cumsum", a, axis, dtype, out)


def cumprod(a, axis=None, dtype=None, out=None):
    """Running product along ``axis`` (over the flattened array if None)."""
    return _cumulative(_ferrax.cumprod, "cumprod", a, axis, dtype, out)


def _array_api_cumulative(fn, op, identity, x, axis, dtype, include_initial):
    x = as_array(x)
    if x.ndim == 0:
        raise FerraxValueError(f"{op}: the input must have at least one dimension")
    if axis is None:
        if x.ndim > 1:
            raise FerraxValueError(
                f"{op}: axis must be given for arrays of more than one dimension, got shape "
                f"{tuple(x.shape)}"
            )
        axis = 0
    axis = norm_axis(axis, x.ndim, op)
    result = _cumulative(fn, op, x, axis, dtype, None)
    if include_initial:
        config = [(0, 0, 0)] * result.ndim
        config[axis] = (1, 0, 0)
        result = _ferrax.pad(result, zeros_of(result, identity), config)
    return result


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    """The array API's running sum along ``axis`` (required beyond 1-D), optionally
    starting with a 0."""
    return _array_api_cumulative(
        _ferrax.cumsum, "cumulative_sum", 0, x, axis, dtype, include_initial
    )


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    """The array API's running product along ``axis``, optionally starting with a 1."""
    return _array_api_cumulative(
        _ferrax.cumprod, "cumulative_prod", 1, x, axis, dtype, include_initial
    )


def ptp(a, axis=None, out=None, keepdims=False):
    """Range (maximum minus minimum) over ``axis``."""
    _unsupported("ptp", out)
    a = as_array(a)
    if a.dtype.kind == "b":
        raise FerraxTypeError("ptp: bool arrays have no subtraction; convert them first")
    high = _extreme(_ferrax.amax, _ferrax.max, "ptp", a, axis, None, keepdims, None, None)
    low = _extreme(_ferrax.amin, _ferrax.min, "ptp", a, axis, None, keepdims, None, None)
    return _ferrax.sub(high, low)


def count_nonzero(a, axis=None, keepdims=False):
    """Number of nonzero (true) elements over ``axis``, as the default integer dtype."""
    a = _to_bool(a)
    total = _ferrax.sum(a, _axes(a, axis, "count_nonzero"), bool(keepdims))
    return _ferrax.convert_element_type(total, default_int())


# --- NaN-skipping variants -----------------------------------------------------------------


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Sum over ``axis`` treating NaNs as zero."""
    a = _without_nan(a, 0)
    return _reduce(
        "nansum", _ferrax.sum, _ferrax.add, 0, a, axis, dtype, out, keepdims, initial, where
    )


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Product over ``axis`` treating NaNs as one."""
    a = _without_nan(a, 1)
    return _reduce(
        "nanprod", _ferrax.prod, _ferrax.mul, 1, a, axis, dtype, out, keepdims, initial, where
    )


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """Mean over ``axis`` of the non-NaN elements (NaN where there are none)."""
    a = as_array(a)
    if a.dtype.kind == "f":
        keep = _ferrax.not_(isnan(a))
        where = keep if where is None else _ferrax.and_(keep, _mask(where, a, "nanmean"))
    return _mean("nanmean", a, axis, dtype, out, keepdims, where)


def _nan_extreme(fn, combine, op, fill, a, axis, out, keepdims, initial, where):
    a = as_array(a)
    if a.dtype.kind != "f":
        return _extreme(fn, combine, op, a, axis, out, keepdims, initial, where)
    result = _extreme(fn, combine, op, _without_nan(a, fill), axis, out, keepdims, initial, where)
    if initial is not None:
        return result
    nan = isnan(a)
    all_nan = _ferrax.all(nan, _axes(a, axis, op), bool(keepdims))
    return _ferrax.where(all_nan, _ferrax.full((), math.nan, a.dtype.name), result)


def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Largest non-NaN value over ``axis``; NaN where all are NaN (unless ``initial``)."""
    return _nan_extreme(
        _ferrax.amax, _ferrax.max, "nanmax", -math.inf, a, axis, out, keepdims, initial, where
    )


def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Smallest non-NaN value over ``axis``; NaN where all are NaN (unless ``initial``)."""
    return _nan_extreme(
        _ferrax.amin, _ferrax.min, "nanmin", math.inf, a, axis, out, keepdims, initial, where
    )


def _nan_arg(extreme, fill, op, a, axis, out, keepdims):
    """The first index of the NaN-skipping extreme along ``axis``; -1 where all are NaN.

    The index is found as the first position equal to ``nanmax``/``nanmin``, so an infinite
    extreme is told apart from the NaNs that were filled with the same infinity.
    """
    _unsupported(op, out)
    a = as_array(a)
    if a.dtype.kind != "f":
        return _arg(_ferrax.argmax if fill < 0 else _ferrax.argmin, op, a, axis, None, keepdims)
    a, axis, restore = _flat_arg(a, axis, keepdims, op)
    if a.shape[axis] == 0:
        raise FerraxValueError(f"{op}: attempt to get {op} of an empty sequence")
    best = extreme(_without_nan(a, fill), (axis,), True)
    first = _ferrax.argmax(_ferrax.eq(a, best), axis, bool(keepdims))
    all_nan = _ferrax.all(isnan(a), (axis,), bool(keepdims))
    first = _ferrax.convert_element_type(first, default_int())
    return restore(_ferrax.where(all_nan, _ferrax.full((), -1, first.dtype.name), first))


def nanargmax(a, axis=None, out=None, keepdims=None):
    """Index of the largest non-NaN value (flattened if ``axis`` is None); -1 if all NaN."""
    return _nan_arg(_ferrax.amax, -math.inf, "nanargmax", a, axis, out, keepdims)


def nanargmin(a, axis=None, out=None, keepdims=None):
    """Index of the smallest non-NaN value (flattened if ``axis`` is None); -1 if all NaN."""
    return _nan_arg(_ferrax.amin, math.inf, "nanargmin", a, axis, out, keepdims)


def nancumsum(a, axis=None, dtype=None, out=None):
    """Running sum along ``axis`` treating NaNs as zero (flattened if ``axis`` is None)."""
    return _cumulative(_ferrax.cumsum, "nancumsum", _without_nan(a, 0), axis, dtype, out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Running product along ``axis`` treating NaNs as one (flattened if ``axis`` is None)."""
    return _cumulative(_ferrax.cumprod, "nancumprod", _without_nan(a, 1), axis, dtype, out)

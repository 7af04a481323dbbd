"""Statistics of ``ferrax.numpy``: variance, quantiles and medians, averages, covariance.

All are compositions of ``_ferrax`` reductions, sorts and elementwise ops, so they
differentiate, batch and stage like their parts. Integer inputs give the default float
dtype wherever JAX's result is a float. The NaN-skipping reductions live in ``_reductions``.
"""

import math

import numpy as np

from .. import _ferrax
from .._util import as_array, dtype_name, int_tuple
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from . import _reductions as _red
from ._common import inexact, maybe_concrete, move_to_end, norm_axes, norm_axis, pick, zeros_of
from ._elementwise import isnan
from ._linalg import diagonal

__all__ = [
    "average",
    "corrcoef",
    "cov",
    "median",
    "nanmedian",
    "nanpercentile",
    "nanquantile",
    "nanstd",
    "nanvar",
    "percentile",
    "quantile",
    "std",
    "var",
]

_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _no_out(op, out):
    if out is not None:
        raise FerraxNotImplementedError(f"{op}: the out argument is not supported")


def _float_of(a, dtype, op):
    """``a`` as floats: ``dtype`` if one is given (it must be a float), else ``a``'s float."""
    name = dtype_name(dtype, op)
    if name is not None:
        name = _ferrax.result_type(name)
        if not name.startswith("float"):
            raise FerraxNotImplementedError(
                f"{op}: dtype={name} is not supported; only floating dtypes are"
            )
        return _ferrax.convert_element_type(a, name)
    return inexact(a)


def _variance(a, axis, dtype, out, ddof, keepdims, where, correction, op, skip_nan):
    _no_out(op, out)
    if correction is not None:
        if ddof != 0:
            raise FerraxValueError(f"{op}: ddof and correction cannot both be given")
        ddof = correction
    a = _float_of(as_array(a), dtype, op)
    axes = norm_axes(axis, a.ndim, op)
    keepdims = bool(keepdims)
    mask = None if where is None else _red._mask(where, a, op)
    if skip_nan:
        keep = _ferrax.not_(isnan(a))
        mask = keep if mask is None else _ferrax.and_(mask, keep)
    if mask is None:
        n = math.prod(a.shape[ax] for ax in axes)
        centered = _ferrax.sub(a, _ferrax.true_divide(_ferrax.sum(a, axes, True), max(n, 1)))
        total = _ferrax.sum(_ferrax.mul(centered, centered), axes, keepdims)
        if n - ddof <= 0:
            return _ferrax.full(tuple(total.shape), math.nan, total.dtype.name)
        return _ferrax.true_divide(total, n - ddof)
    zero = zeros_of(a)
    count = _ferrax.sum(_ferrax.convert_element_type(mask, a.dtype.name), axes, True)
    mean = _ferrax.true_divide(
        _ferrax.sum(_ferrax.where(mask, a, zero), axes, True), _ferrax.max(count, 1)
    )
    centered = _ferrax.where(mask, _ferrax.sub(a, mean), zero)
    total = _ferrax.sum(_ferrax.mul(centered, centered), axes, keepdims)
    dof = _ferrax.sub(count, ddof)
    if not keepdims:
        dof = _ferrax.squeeze(dof, axes)
    positive = _ferrax.gt(dof, 0)
    result = _ferrax.true_divide(total, _ferrax.where(positive, dof, 1))
    return _ferrax.where(positive, result, math.nan)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, correction=None):
    """Variance over ``axis``: the mean squared deviation, divided by ``N - ddof``.

    ``correction`` is the array API's name for ``ddof``. Where ``N - ddof <= 0`` the result
    is NaN, as in JAX.
    """
    return _variance(a, axis, dtype, out, ddof, keepdims, where, correction, "var", False)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, correction=None):
    """Standard deviation over ``axis``: the square root of ``var``."""
    return _ferrax.sqrt(
        _variance(a, axis, dtype, out, ddof, keepdims, where, correction, "std", False)
    )


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None):
    """Variance over ``axis`` ignoring NaNs (NaN where fewer than ``ddof + 1`` remain)."""
    return _variance(a, axis, dtype, out, ddof, keepdims, where, None, "nanvar", True)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None):
    """Standard deviation over ``axis`` ignoring NaNs."""
    return _ferrax.sqrt(_variance(a, axis, dtype, out, ddof, keepdims, where, None, "nanstd", True))


def _check_q(q, scale, op):
    """Refuses concrete quantiles outside ``[0, scale]``; traced ones cannot be checked."""
    values = maybe_concrete(q)
    if values is not None and np.any((values < 0) | (values > scale)):
        raise FerraxValueError(f"{op}: q must be in the range [0, {scale}], got {q!r}")


def _interpolate(s, pos, method):
    """The sorted rows ``s`` read at the fractional positions ``pos`` by ``method``."""
    lo = _ferrax.floor(pos)
    if method == "lower":
        return pick(s, lo)
    hi = _ferrax.ceil(pos)
    if method == "higher":
        return pick(s, hi)
    if method == "nearest":
        return pick(s, _ferrax.round(pos, 1))  # ties to even, as NumPy
    low, high = pick(s, lo), pick(s, hi)
    if method == "midpoint":
        return _ferrax.mul(_ferrax.add(low, high), 0.5)
    # NumPy's lerp: measured from the nearer end, so that g = 1 gives ``high`` exactly.
    g = _ferrax.sub(pos, lo)
    diff = _ferrax.sub(high, low)
    return _ferrax.where(
        _ferrax.ge(g, 0.5),
        _ferrax.sub(high, _ferrax.mul(diff, _ferrax.sub(1, g))),
        _ferrax.add(low, _ferrax.mul(diff, g)),
    )


def _quantile(op, a, q, axis, out, method, keepdims, skip_nan, scale=1):
    """The quantiles ``q`` (in ``[0, scale]``) of ``a`` over ``axis``; the body of
    ``quantile``, ``percentile``, ``median`` and their NaN-skipping variants."""
    _no_out(op, out)
    if method not in _QUANTILE_METHODS:
        raise FerraxValueError(
            f"{op}: method={method!r} is not recognized; use one of {_QUANTILE_METHODS}"
        )
    a = inexact(as_array(a))
    q = as_array(q)
    if q.ndim > 1:
        raise FerraxValueError(f"{op}: q must be a scalar or 1-D, got shape {tuple(q.shape)}")
    _check_q(q, scale, op)
    if scale != 1:
        q = _ferrax.true_divide(q, scale)
    axes = norm_axes(axis, a.ndim, op)
    n = math.prod(a.shape[ax] for ax in axes)
    if n == 0:
        raise FerraxValueError(f"{op}: cannot take a quantile of an empty slice")
    rest = [a.shape[i] for i in range(a.ndim) if i not in axes]
    x = _ferrax.reshape(move_to_end(a, axes), (*rest, n))
    s = _ferrax.sort([x], x.ndim - 1, True, 1)[0]  # NaNs sort last
    qs = _ferrax.reshape(_ferrax.convert_element_type(q, a.dtype.name), (-1,))
    nan = isnan(x)
    if skip_nan:
        count = _ferrax.sum(_ferrax.convert_element_type(_ferrax.not_(nan), a.dtype.name), -1, True)
    else:
        count = _ferrax.full((*rest, 1), n, a.dtype.name)
    out = _interpolate(s, _ferrax.mul(qs, _ferrax.sub(count, 1)), method)
    undefined = _ferrax.eq(count, 0) if skip_nan else _ferrax.any(nan, -1, True)
    out = _ferrax.where(undefined, math.nan, out)
    if keepdims:
        shape = [1 if i in axes else d for i, d in enumerate(a.shape)]
    else:
        shape = rest
    out = _ferrax.transpose(out, (out.ndim - 1, *range(out.ndim - 1)))
    return _ferrax.reshape(out, (*q.shape, *shape))


def quantile(
    a,
    q,
    axis=None,
    out=None,
    overwrite_input=False,
    method="linear",
    keepdims=False,
    *,
    interpolation=None,
):
    """The ``q``-th quantiles (``q`` in ``[0, 1]``, a scalar or 1-D) over ``axis``.

    ``method`` is one of ``linear`` (default), ``lower``, ``higher``, ``midpoint`` and
    ``nearest`` (ties to even, as NumPy). The dimensions of ``q`` come first in the result;
    a slice holding a NaN gives NaN. ``q`` may be traced.
    """
    del overwrite_input
    return _quantile("quantile", a, q, axis, out, interpolation or method, keepdims, False)


def nanquantile(
    a,
    q,
    axis=None,
    out=None,
    overwrite_input=False,
    method="linear",
    keepdims=False,
    *,
    interpolation=None,
):
    """``quantile`` ignoring NaNs (NaN for slices that hold nothing else)."""
    del overwrite_input
    return _quantile("nanquantile", a, q, axis, out, interpolation or method, keepdims, True)


def percentile(
    a,
    q,
    axis=None,
    out=None,
    overwrite_input=False,
    method="linear",
    keepdims=False,
    *,
    interpolation=None,
):
    """The ``q``-th percentiles (``q`` in ``[0, 100]``): ``quantile(a, q / 100)``."""
    del overwrite_input
    return _quantile("percentile", a, q, axis, out, interpolation or method, keepdims, False, 100)


def nanpercentile(
    a,
    q,
    axis=None,
    out=None,
    overwrite_input=False,
    method="linear",
    keepdims=False,
    *,
    interpolation=None,
):
    """``percentile`` ignoring NaNs."""
    del overwrite_input
    return _quantile("nanpercentile", a, q, axis, out, interpolation or method, keepdims, True, 100)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median over ``axis`` (the mean of the two middle values for even counts)."""
    del overwrite_input
    return _quantile("median", a, 0.5, axis, out, "midpoint", keepdims, False)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median over ``axis`` ignoring NaNs."""
    del overwrite_input
    return _quantile("nanmedian", a, 0.5, axis, out, "midpoint", keepdims, True)


def _weights_like(w, a, axis, axes):
    """``w`` broadcast to ``a``'s shape: it has ``a``'s shape, or that of ``a`` along
    ``axis`` (an int or a tuple, in the given order)."""
    if tuple(w.shape) == tuple(a.shape):
        return w
    if axis is None:
        raise FerraxValueError(
            f"average: axis must be given when the shapes of a {tuple(a.shape)} and weights "
            f"{tuple(w.shape)} differ"
        )
    order = [norm_axis(ax, a.ndim, "average") for ax in int_tuple(axis, "average", "axis")]
    along = tuple(a.shape[ax] for ax in order)
    if tuple(w.shape) != along:
        raise FerraxValueError(
            f"average: weights of shape {tuple(w.shape)} are not consistent with a of shape "
            f"{tuple(a.shape)} along axis {axis!r} (expected {along})"
        )
    w = _ferrax.transpose(w, tuple(np.argsort(order)))  # into the axes' increasing order
    return _ferrax.broadcast_in_dim(w, tuple(a.shape), tuple(sorted(order)))


def average(a, axis=None, weights=None, returned=False, keepdims=False):
    """Weighted mean over ``axis``: ``sum(a * w) / sum(w)``.

    ``weights`` has ``a``'s shape, or the shape of ``a`` along ``axis``. With ``returned``
    the sum of the weights (broadcast to the result's shape) comes back too.
    """
    a = as_array(a)
    axes = norm_axes(axis, a.ndim, "average")
    keepdims = bool(keepdims)
    if weights is None:
        avg = _red.mean(a, axes, keepdims=keepdims)
        count = math.prod(a.shape[ax] for ax in axes)
        total = _ferrax.full(tuple(avg.shape), count, avg.dtype.name)
    else:
        w = _weights_like(as_array(weights), a, axis, axes)
        a, w = inexact(a), inexact(w)
        total = _ferrax.sum(w, axes, keepdims)
        avg = _ferrax.true_divide(_ferrax.sum(_ferrax.mul(a, w), axes, keepdims), total)
        total = _ferrax.broadcast_to(total, tuple(avg.shape))
        total = _ferrax.convert_element_type(total, avg.dtype.name)
    return (avg, total) if returned else avg


def _as_2d_rows(m, rowvar, op):
    m = inexact(as_array(m))
    if m.ndim > 2:
        raise FerraxValueError(f"{op}: m has more than 2 dimensions (shape {tuple(m.shape)})")
    if m.ndim < 2:
        m = _ferrax.reshape(m, (1, -1))
    if not rowvar and m.shape[0] != 1:
        m = _ferrax.transpose(m, (1, 0))
    return m


def _observation_weights(fweights, aweights, n):
    """The product of the frequency and analytic weights (None if neither is given)."""
    w = None
    for name, weights in (("fweights", fweights), ("aweights", aweights)):
        if weights is None:
            continue
        weights = as_array(weights)
        if name == "fweights" and weights.dtype.kind not in "iub":
            raise FerraxTypeError(f"cov: fweights must be integers, got {weights.dtype.name}")
        weights = inexact(weights)
        if weights.ndim != 1 or weights.shape[0] != n:
            raise FerraxValueError(
                f"cov: {name} must be 1-D of length {n}, got shape {tuple(weights.shape)}"
            )
        w = weights if w is None else _ferrax.mul(w, weights)
    return w


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    """Covariance matrix of the variables in the rows of ``m`` (columns if not ``rowvar``),
    with ``y`` as more variables; ``fweights``/``aweights`` weight the observations.

    A single variable gives a 0-d result, as in NumPy.
    """
    x = _as_2d_rows(m, rowvar, "cov")
    if y is not None:
        y = _as_2d_rows(y, rowvar, "cov")
        if y.shape[1] != x.shape[1]:
            raise FerraxValueError(
                f"cov: m and y have different numbers of observations ({x.shape[1]} and "
                f"{y.shape[1]})"
            )
        x = _ferrax.concatenate([x, y], 0)
    n = x.shape[1]
    if ddof is None:
        ddof = 0 if bias else 1
    w = _observation_weights(fweights, aweights, n)
    if w is None:
        mean = _ferrax.true_divide(_ferrax.sum(x, 1, True), max(n, 1))
        fact = _ferrax.full((), n - ddof, x.dtype.name)
        xc = _ferrax.sub(x, mean)
        xw = xc
    else:
        w_sum = _ferrax.sum(w, None, False)
        mean = _ferrax.true_divide(_ferrax.sum(_ferrax.mul(x, w), 1, True), w_sum)
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = _ferrax.sub(w_sum, ddof)
        else:
            aw = inexact(as_array(aweights))
            spread = _ferrax.sum(_ferrax.mul(w, aw), None, False)
            fact = _ferrax.sub(w_sum, _ferrax.true_divide(_ferrax.mul(ddof, spread), w_sum))
        xc = _ferrax.sub(x, mean)
        xw = _ferrax.mul(xc, w)
    fact = _ferrax.max(fact, 0)
    c = _ferrax.dot_general(xc, xw, (((1,), (1,)), ((), ())), None)
    c = _ferrax.true_divide(c, fact)
    return _ferrax.squeeze(c, None)


def corrcoef(x, y=None, rowvar=True):
    """Pearson correlation coefficients of the variables (see ``cov``), clipped to
    ``[-1, 1]``."""
    c = cov(x, y, rowvar)
    if c.ndim == 0:
        return _ferrax.true_divide(c, c)
    d = _ferrax.sqrt(diagonal(c))
    c = _ferrax.true_divide(c, _ferrax.reshape(d, (-1, 1)))
    c = _ferrax.true_divide(c, _ferrax.reshape(d, (1, -1)))
    return _ferrax.clamp(-1, c, 1)

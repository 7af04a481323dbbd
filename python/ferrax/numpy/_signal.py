"""One-dimensional numerics of ``ferrax.numpy``: ``interp``, ``polyval``, ``convolve`` and
``correlate``, composed from differentiable primitives."""

import numpy as np

from .. import _ferrax
from .._control import scan
from .._indexing import take
from .._util import dtype_name
from ..errors import FerraxValueError
from ._common import promote, slice_axis
from ._elementwise import isnan
from ._logic import real_array
from ._math_extra import floats
from ._sorting import searchsorted

__all__ = ["convolve", "correlate", "interp", "polyval"]


# --- 1-D helpers: interp, polyval, convolve, correlate -------------------------------------
def _one_d(op, name, x):
    if x.ndim != 1:
        raise FerraxValueError(f"{op}: {name} must be one-dimensional, got shape {tuple(x.shape)}")


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points ``(xp, fp)`` (``xp`` increasing) at ``x``.

    Outside ``[xp[0], xp[-1]]`` the result is ``left``/``right`` (default ``fp[0]``/``fp[-1]``),
    or the end segment's line for ``"extrapolate"``; with ``period`` the points repeat and
    ``left``/``right`` are ignored. Differentiable in ``x``, ``xp`` and ``fp``.
    """
    x, xp = floats("interp", x, xp)
    (fp,) = floats("interp", fp)
    if xp.ndim != 1 or tuple(xp.shape) != tuple(fp.shape):
        raise FerraxValueError(
            "interp: xp and fp must be one-dimensional arrays of equal size, got shapes "
            f"{tuple(xp.shape)} and {tuple(fp.shape)}"
        )
    if xp.shape[0] == 0:
        raise FerraxValueError("interp: xp and fp must not be empty")
    for name, side in (("left", left), ("right", right)):
        if isinstance(side, str) and side != "extrapolate":
            raise FerraxValueError(
                f"interp: the only string value of {name} is 'extrapolate', got {side!r}"
            )
    if period is not None:
        period = _ferrax.abs(real_array(period, "interp"))
        if period.ndim != 0:
            raise FerraxValueError(f"interp: period must be a scalar, got shape {period.shape}")
        x, xp = _ferrax.remainder(x, period), _ferrax.remainder(xp, period)
        xp, fp = _ferrax.sort([xp, fp], 0, True, 1)
        n = xp.shape[0]
        xp = _ferrax.concatenate(
            [
                _ferrax.sub(slice_axis(xp, 0, n - 1, n), period),
                xp,
                _ferrax.add(slice_axis(xp, 0, 0, 1), period),
            ],
            0,
        )
        fp = _ferrax.concatenate([slice_axis(fp, 0, n - 1, n), fp, slice_axis(fp, 0, 0, 1)], 0)
    n = xp.shape[0]
    # The segment [xp[hi - 1], xp[hi]] that holds x: a binary search, O(log n) per entry.
    hi = _ferrax.clamp(1, searchsorted(xp, x, side="right"), max(n - 1, 1))
    lo = _ferrax.sub(hi, 1)
    xp_lo, xp_hi, fp_lo, fp_hi = (
        take(table, i, mode="clip") for table in (xp, fp) for i in (lo, hi)
    )
    dx = _ferrax.sub(xp_hi, xp_lo)
    flat = _ferrax.le(_ferrax.abs(dx), float(np.spacing(np.finfo(xp.dtype.name).eps)))
    if n > 1:  # NumPy's NaN x gives NaN, also on a flat segment (fp[0] for a single point)
        flat = _ferrax.and_(flat, _ferrax.not_(isnan(x)))
    slope = _ferrax.true_divide(_ferrax.sub(fp_hi, fp_lo), _ferrax.where(flat, 1, dx))
    line = _ferrax.add(fp_lo, _ferrax.mul(_ferrax.sub(x, xp_lo), slope))
    out = _ferrax.where(flat, fp_lo, line)
    if period is None:
        if not isinstance(left, str):
            fill = slice_axis(fp, 0, 0, 1)[0] if left is None else left
            out = _ferrax.where(_ferrax.lt(x, slice_axis(xp, 0, 0, 1)[0]), fill, out)
        if not isinstance(right, str):
            fill = slice_axis(fp, 0, n - 1, n)[0] if right is None else right
            out = _ferrax.where(_ferrax.gt(x, slice_axis(xp, 0, n - 1, n)[0]), fill, out)
    return out


def polyval(p, x, *, unroll=16):
    """The polynomial with coefficients ``p`` (highest power first, along ``p``'s first axis)
    at ``x``, by Horner's rule; integers promote to the default float."""
    del unroll  # a code-generation hint for JAX's scan
    p, x = floats("polyval", p, x)
    if p.ndim == 0:
        raise FerraxValueError("polyval: p must have at least one dimension, got a scalar")
    try:
        shape = np.broadcast_shapes(tuple(p.shape[1:]), tuple(x.shape))
    except ValueError:
        raise FerraxValueError(
            f"polyval: coefficients of shape {tuple(p.shape)} do not broadcast against x of "
            f"shape {tuple(x.shape)}"
        ) from None
    init = _ferrax.full(shape, 0, x.dtype.name)
    return scan(lambda y, c: (_ferrax.add(_ferrax.mul(y, x), c), None), init, p)[0]


def _windows(x, m):
    """The ``(m, len(x) - m + 1)`` matrix ``W[j, k] = x[j + k]``, from ``m + 1`` copies of
    ``x`` laid end to end and read back with rows one element longer."""
    n = x.shape[0]
    copies = _ferrax.reshape(_ferrax.broadcast_in_dim(x, (m + 1, n), (1,)), ((m + 1) * n,))
    rows = _ferrax.reshape(slice_axis(copies, 0, 0, m * (n + 1)), (m, n + 1))
    return slice_axis(rows, 1, 0, n - m + 1)


def _conv(op, a, v, mode, preferred_element_type):
    a, v = real_array(a, op), real_array(v, op)
    _one_d(op, "a", a)
    _one_d(op, "v", v)
    if preferred_element_type is None:
        a, v = promote(a, v, to_inexact=True)
    else:
        a, v = promote(a, v)
    if a.shape[0] == 0 or v.shape[0] == 0:
        raise FerraxValueError(
            f"{op}: inputs cannot be empty, got shapes {tuple(a.shape)} and {tuple(v.shape)}"
        )
    reverse_out = False
    if a.shape[0] < v.shape[0]:
        a, v = v, a
        reverse_out = op == "correlate"
    if op == "convolve":
        v = _ferrax.rev(v, (0,))
    m = v.shape[0]
    pads = {"valid": (0, 0), "same": (m // 2, m - m // 2 - 1), "full": (m - 1, m - 1)}
    if mode not in pads:
        raise FerraxValueError(f"{op}: mode must be one of 'full', 'same', 'valid', got {mode!r}")
    lo, hi = pads[mode]
    padded = _ferrax.pad(a, _ferrax.full((), 0, a.dtype.name), [(lo, hi, 0)])
    out = _ferrax.dot(v, _windows(padded, m))
    if preferred_element_type is not None:
        name = _ferrax.result_type(dtype_name(preferred_element_type, op))
        out = _ferrax.convert_element_type(out, name)
    return _ferrax.rev(out, (0,)) if reverse_out else out


def convolve(a, v, mode="full", *, precision=None, preferred_element_type=None):
    """Discrete linear convolution ``c[k] = sum_j a[k - j] v[j]`` of two 1-D arrays.

    ``mode``: ``"full"`` (every overlap), ``"same"`` (``max(len(a), len(v))`` centred values)
    or ``"valid"`` (full overlaps only). Integers promote to the default float unless
    ``preferred_element_type`` is given. ``precision`` is accepted and ignored.
    """
    del precision
    return _conv("convolve", a, v, mode, preferred_element_type)


def correlate(a, v, mode="valid", *, precision=None, preferred_element_type=None):
    """Cross-correlation ``c[k] = sum_j a[k + j] v[j]`` of two 1-D arrays (modes as in
    ``convolve``, default ``"valid"``)."""
    del precision
    return _conv("correlate", a, v, mode, preferred_element_type)

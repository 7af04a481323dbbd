"""More elementwise math of ``ferrax.numpy``, composed from ``_ferrax``'s primitives: float
helpers (``hypot``, ``logaddexp``, ``sinc``, ``cbrt``, ``i0``, ...), float bit manipulation
(``frexp``, ``ldexp``), integer ``gcd``/``lcm`` and the 1-D ``interp``, ``polyval``,
``convolve`` and ``correlate``.

Float functions promote integers and bools to the default float as JAX's
``promote_dtypes_inexact`` does, keeping weak types. Derivatives follow JAX's conventions:
``logaddexp`` and ``cbrt`` have explicit JVP rules, ``sinc`` is smooth at 0, ``hypot`` has a
zero gradient at the origin. ferrax has no complex dtypes: complex input raises an error that
names the function.
"""

import math

import numpy as np

from .. import _ferrax
from .._control import while_loop
from .._custom import custom_jvp
from ..errors import FerraxNotImplementedError, FerraxValueError
from ._common import FLOAT_LAYOUT, float_split, inexact, pow2, promote
from ._elementwise import isinf, isnan
from ._logic import real_array, signbit

__all__ = [
    "cbrt",
    "copysign",
    "deg2rad",
    "degrees",
    "divmod",
    "fabs",
    "float_power",
    "fmax",
    "fmin",
    "frexp",
    "gcd",
    "heaviside",
    "hypot",
    "i0",
    "lcm",
    "ldexp",
    "logaddexp",
    "logaddexp2",
    "modf",
    "nan_to_num",
    "rad2deg",
    "radians",
    "sinc",
]

_INF = float("inf")


def floats(op, *xs):
    """The arguments promoted to their common float dtype (see ``_common.promote``)."""
    return promote(*(real_array(x, op) for x in xs), to_inexact=True)


# --- float helpers ------------------------------------------------------------------------
def fabs(x, /):
    """``|x|`` as a float (integers and bools promote to the default float)."""
    (x,) = floats("fabs", x)
    return _ferrax.abs(x)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """``x`` with NaN replaced by ``nan`` and infinities by ``posinf``/``neginf`` (by default
    the largest and lowest finite values of the dtype). Integers and bools are unchanged."""
    del copy
    x = real_array(x, "nan_to_num")
    if x.dtype.kind != "f":
        return x
    dtype = x.dtype.name
    info = np.finfo(dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf

    def value(v):
        return _ferrax.convert_element_type(v, dtype)

    out = _ferrax.where(isnan(x), value(nan), x)
    out = _ferrax.where(_ferrax.eq(out, _INF), value(posinf), out)
    return _ferrax.where(_ferrax.eq(out, -_INF), value(neginf), out)


def copysign(x1, x2, /):
    """``|x1|`` with the sign bit of ``x2`` (so ``-0.0`` and negative NaNs count as negative)."""
    x1, x2 = floats("copysign", x1, x2)
    mag = _ferrax.abs(x1)
    return _ferrax.where(signbit(x2), _ferrax.neg(mag), mag)


def hypot(x1, x2, /):
    """``sqrt(x1**2 + x2**2)`` without overflow or underflow in the squares.

    Computed as ``big * sqrt(1 + (small / big)**2)``; the gradient at the origin is 0, as JAX's.
    """
    x1, x2 = floats("hypot", x1, x2)
    a1, a2 = _ferrax.abs(x1), _ferrax.abs(x2)
    any_inf = _ferrax.or_(_ferrax.eq(a1, _INF), _ferrax.eq(a2, _INF))
    big, small = _ferrax.max(a1, a2), _ferrax.min(a1, a2)
    zero = _ferrax.eq(big, 0)
    ratio = _ferrax.true_divide(small, _ferrax.where(zero, 1, big))
    scaled = _ferrax.mul(big, _ferrax.sqrt(_ferrax.add(1, _ferrax.mul(ratio, ratio))))
    out = _ferrax.where(zero, big, scaled)
    return _ferrax.where(any_inf, _INF, out)


def _logaddexp_with(exp_fn, log1p_scale):
    """``log_b(b**x1 + b**x2)`` for base ``b``: ``exp_fn`` is ``b**x`` and ``log1p_scale`` is
    ``1 / ln(b)``. The JVP is ``t1 * b**(x1 - out) + t2 * b**(x2 - out)``, exact at ties and
    for every derivative order."""

    @custom_jvp
    def fn(x1, x2):
        delta = _ferrax.sub(x1, x2)
        same_inf = isnan(delta)  # infinities of one sign, or a NaN input
        safe = _ferrax.where(same_inf, 0, delta)
        tail = _ferrax.log1p(exp_fn(_ferrax.neg(_ferrax.abs(safe))))
        out = _ferrax.add(_ferrax.max(x1, x2), _ferrax.mul(tail, log1p_scale))
        return _ferrax.where(same_inf, _ferrax.add(x1, x2), out)

    @fn.defjvp
    def fn_jvp(primals, tangents):
        x1, x2 = primals
        t1, t2 = tangents
        out = fn(x1, x2)

        def no_pos_inf(v):
            return _ferrax.where(_ferrax.eq(v, _INF), 0, v)

        w1 = exp_fn(_ferrax.sub(no_pos_inf(x1), no_pos_inf(out)))
        w2 = exp_fn(_ferrax.sub(no_pos_inf(x2), no_pos_inf(out)))
        return out, _ferrax.add(_ferrax.mul(t1, w1), _ferrax.mul(t2, w2))

    return fn


_logaddexp = _logaddexp_with(_ferrax.exp, 1.0)
_logaddexp2 = _logaddexp_with(_ferrax.exp2, 1 / math.log(2))


def logaddexp(x1, x2, /):
    """``log(exp(x1) + exp(x2))`` without overflow."""
    return _logaddexp(*floats("logaddexp", x1, x2))


def logaddexp2(x1, x2, /):
    """``log2(2**x1 + 2**x2)`` without overflow."""
    return _logaddexp2(*floats("logaddexp2", x1, x2))


def deg2rad(x, /):
    """Degrees to radians: ``x * pi / 180``."""
    (x,) = floats("deg2rad", x)
    return _ferrax.mul(x, math.pi / 180)


def rad2deg(x, /):
    """Radians to degrees: ``x * 180 / pi``."""
    (x,) = floats("rad2deg", x)
    return _ferrax.mul(x, 180 / math.pi)


radians = deg2rad
degrees = rad2deg


def sinc(x, /):
    """``sin(pi x) / (pi x)``, and 1 at 0.

    At 0 the value comes from the Maclaurin series in ``pi x``, so derivatives up to order 9
    are exact there (``sinc''(0) = -pi**2 / 3``).
    """
    (x,) = floats("sinc", x)
    at_zero = _ferrax.eq(x, 0)
    t = _ferrax.mul(x, math.pi)
    safe = _ferrax.where(at_zero, 1, t)
    t2 = _ferrax.mul(t, t)
    series = 1.0
    for k in (9, 7, 5, 3):  # 1 - t^2/3! + t^4/5! - t^6/7! + t^8/9!, by Horner in t^2
        series = _ferrax.sub(1, _ferrax.mul(_ferrax.true_divide(t2, float(k * (k - 1))), series))
    return _ferrax.where(at_zero, series, _ferrax.true_divide(_ferrax.sin(safe), safe))


@custom_jvp
def _cbrt(x):
    mag = _ferrax.abs(x)
    y = _ferrax.pow(mag, 1 / 3)
    # One Newton step on y**3 = |x| corrects the rounding of the exponent 1/3.
    step = _ferrax.true_divide(_ferrax.sub(_ferrax.mul(_ferrax.mul(y, y), y), mag), 3)
    refined = _ferrax.sub(y, _ferrax.true_divide(step, _ferrax.mul(y, y)))
    ok = _ferrax.and_(_ferrax.gt(y, 0), _ferrax.is_finite(y))
    y = _ferrax.where(ok, refined, y)
    return _ferrax.where(signbit(x), _ferrax.neg(y), y)


@_cbrt.defjvp
def _cbrt_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    out = _cbrt(x)
    return out, _ferrax.true_divide(t, _ferrax.mul(3, _ferrax.mul(out, out)))


def cbrt(x, /):
    """The real cube root (negative for negative ``x``); its derivative is
    ``1 / (3 cbrt(x)**2)``."""
    (x,) = floats("cbrt", x)
    return _cbrt(x)


def heaviside(x1, x2, /):
    """The step function: 0 where ``x1 < 0``, 1 where ``x1 > 0`` and ``x2`` elsewhere (at 0,
    and, as in JAX, where ``x1`` is NaN)."""
    x1, x2 = floats("heaviside", x1, x2)
    inner = _ferrax.where(_ferrax.gt(x1, 0), 1.0, x2)
    return _ferrax.where(_ferrax.lt(x1, 0), 0.0, inner)


def float_power(x, y, /):
    """``x ** y`` computed in the promoted float dtype (integers promote to the default float)."""
    return _ferrax.pow(*floats("float_power", x, y))


def fmax(x1, x2):
    """Elementwise maximum that ignores NaNs: ``x1`` where ``x1 > x2`` or ``x2`` is NaN, else
    ``x2`` (so ties and their gradients go to ``x2``, as in JAX)."""
    x1, x2 = real_array(x1, "fmax"), real_array(x2, "fmax")
    return _ferrax.where(_ferrax.or_(_ferrax.gt(x1, x2), isnan(x2)), x1, x2)


def fmin(x1, x2):
    """Elementwise minimum that ignores NaNs: ``x1`` where ``x1 < x2`` or ``x2`` is NaN, else
    ``x2``."""
    x1, x2 = real_array(x1, "fmin"), real_array(x2, "fmin")
    return _ferrax.where(_ferrax.or_(_ferrax.lt(x1, x2), isnan(x2)), x1, x2)


_I0_SWITCH = 20.0
# Maclaurin coefficients 1 / (k!)^2 of i0 in (x/2)^2, highest first, for |x| <= 20.
_I0_SERIES = [1 / math.factorial(k) ** 2 for k in range(36)][::-1]
# Asymptotic coefficients ((2k-1)!!)^2 / (k! 8^k) of i0(x) sqrt(2 pi x) e^-x in 1/x, x > 20.
_I0_ASYMPTOTIC = [1.0]
for _k in range(27):
    _I0_ASYMPTOTIC.append(_I0_ASYMPTOTIC[-1] * (2 * _k + 1) ** 2 / (8 * (_k + 1)))
_I0_ASYMPTOTIC.reverse()


def _horner(coefficients, z):
    out = coefficients[0]
    for c in coefficients[1:]:
        out = _ferrax.add(_ferrax.mul(out, z), c)
    return out


def i0(x):
    """The modified Bessel function of the first kind of order 0.

    A power series in ``x**2`` for ``|x| <= 20`` (smooth through 0, where ``i0''(0) = 1/2``) and
    the asymptotic expansion ``e**x / sqrt(2 pi x) * P(1/x)`` beyond; differentiable, with
    derivative ``i1``.
    """
    (x,) = floats("i0", x)
    mag = _ferrax.abs(x)
    small = _ferrax.le(mag, _I0_SWITCH)
    xs = _ferrax.where(small, x, 0)
    series = _horner(_I0_SERIES, _ferrax.mul(_ferrax.mul(xs, xs), 0.25))
    xl = _ferrax.where(small, 2 * _I0_SWITCH, mag)
    half = _ferrax.exp(_ferrax.mul(xl, 0.5))
    scale = _ferrax.true_divide(half, _ferrax.sqrt(_ferrax.mul(xl, 2 * math.pi)))
    tail = _horner(_I0_ASYMPTOTIC, _ferrax.true_divide(1, xl))
    large = _ferrax.mul(half, _ferrax.mul(scale, tail))
    large = _ferrax.where(_ferrax.eq(mag, _INF), _INF, large)
    return _ferrax.where(small, series, large)


def modf(x, /, out=None):
    """``(fractional, integral)`` parts of ``x``: the integral part is ``x`` rounded toward
    zero and the fractional part the rest; infinities give ``(+-0, x)`` as in NumPy."""
    if out is not None:
        raise FerraxNotImplementedError("modf: the out argument is not supported")
    (x,) = floats("modf", x)
    whole = _ferrax.where(_ferrax.ge(x, 0), _ferrax.floor(x), _ferrax.ceil(x))
    frac = _ferrax.sub(x, whole)
    signed_zero = _ferrax.where(signbit(x), -0.0, 0.0)
    return _ferrax.where(isinf(x), signed_zero, frac), whole


def divmod(x1, x2, /):
    """``(floor_divide(x1, x2), remainder(x1, x2))``."""
    x1, x2 = real_array(x1, "divmod"), real_array(x2, "divmod")
    return _ferrax.floor_divide(x1, x2), _ferrax.remainder(x1, x2)


# --- float bits: frexp and ldexp -----------------------------------------------------------
def frexp(x, /):
    """``(mantissa, exponent)`` with ``x = mantissa * 2**exponent`` and ``0.5 <= |mantissa| <
    1``; the exponent is int32. Zeros, infinities and NaNs give ``(x, 0)``."""
    (x,) = floats("frexp", x)
    m, e, _ = float_split(x)
    return m, _ferrax.convert_element_type(e, "int32")


def ldexp(x1, x2, /):
    """``x1 * 2**x2`` for an integer ``x2``, rounded once (exact unless the result is
    subnormal), overflowing to infinity; the result has ``x1``'s float dtype."""
    x1, x2 = real_array(x1, "ldexp"), real_array(x2, "ldexp")
    if x2.dtype.kind == "f":
        raise FerraxValueError(
            f"ldexp: the exponent x2 must be an integer array, got {x1.dtype.name} and "
            f"{x2.dtype.name}"
        )
    x1 = inexact(x1)
    dtype = x1.dtype.name
    int_type, nmant, bias = FLOAT_LAYOUT[dtype]
    # Exponents beyond +-4 * bias saturate; clamping first keeps the conversion exact.
    if x2.dtype.kind == "u":
        x2 = _ferrax.min(x2, 4 * bias)
    elif x2.dtype.kind == "i":
        x2 = _ferrax.clamp(-4 * bias, x2, 4 * bias)
    n = _ferrax.convert_element_type(x2, int_type)
    m, e, special = float_split(x1)
    # x1 * 2**n = (2m) * 2**k with 2m in [1, 2): scale by 2**a (a normal exponent), then by
    # 2**b, which rounds once into the subnormals or overflows.
    k = _ferrax.add(e, _ferrax.sub(n, 1))
    a = _ferrax.clamp(1 - bias, k, bias)
    b = _ferrax.clamp(-(nmant + 3), _ferrax.sub(k, a), 2)
    out = _ferrax.mul(_ferrax.mul(_ferrax.mul(m, 2), pow2(a, dtype)), pow2(b, dtype))
    plain = _ferrax.mul(x1, pow2(_ferrax.clamp(1 - bias, n, bias), dtype))
    return _ferrax.where(special, plain, out)


# --- integers: gcd and lcm ----------------------------------------------------------------
def _integers(op, x1, x2):
    x1, x2 = promote(real_array(x1, op), real_array(x2, op))
    if x1.dtype.kind not in "iu":
        raise FerraxValueError(f"{op}: arguments must be integers, got {x1.dtype.name}")
    try:
        shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    except ValueError:
        raise FerraxValueError(
            f"{op}: incompatible shapes for broadcasting: {tuple(x1.shape)} vs {tuple(x2.shape)}"
        ) from None
    return _ferrax.broadcast_to(x1, shape), _ferrax.broadcast_to(x2, shape)


def _gcd(x1, x2):
    def body(state):
        a, b = state
        nonzero = _ferrax.ne(b, 0)
        safe_b = _ferrax.where(nonzero, b, 1)
        return _ferrax.where(nonzero, b, a), _ferrax.where(nonzero, _ferrax.rem(a, safe_b), 0)

    def cond(state):
        return _ferrax.any(_ferrax.ne(state[1], 0), None, False)

    return while_loop(cond, body, (_ferrax.abs(x1), _ferrax.abs(x2)))[0]


def gcd(x1, x2, /):
    """Greatest common divisor of ``|x1|`` and ``|x2|`` (Euclid's algorithm); ``gcd(0, 0)``
    is 0. Integers only."""
    return _gcd(*_integers("gcd", x1, x2))


def lcm(x1, x2, /):
    """Least common multiple of ``|x1|`` and ``|x2|``; 0 if either is 0. Integers only."""
    x1, x2 = _integers("lcm", x1, x2)
    d = _gcd(x1, x2)
    zero = _ferrax.eq(d, 0)
    multiple = _ferrax.mul(x1, _ferrax.floor_divide(x2, _ferrax.where(zero, 1, d)))
    return _ferrax.where(zero, 0, _ferrax.abs(multiple))

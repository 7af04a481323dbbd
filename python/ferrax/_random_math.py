"""The elementary functions of the samplers (log, log1p, exp, erf, erf_inv), computed as JAX's
CPU backend computes them, so that ``ferrax.random`` draws JAX's values bit for bit.

XLA evaluates these functions with its own approximations rather than a libm: Cephes-style
polynomials for ``log``, ``log1p`` near zero and ``exp``, M. Giles' polynomials for
``erf_inv`` ("Approximating the erfinv function", GPU Computing Gems, 2011) and a rational
function for float32 ``erf``, each with the multiply-adds fused as LLVM contracts them. The
CPU backend's float32 ``log``, ``log1p``, ``erf`` and ``erf_inv`` kernels are those same
evaluations (``ferrax-cpu``'s ``cephes`` module), so float32 uses ``lax`` directly. The rest
is written out here operation for operation, with the ``fma`` primitive wherever the compiled
code has an FMA: float32 ``exp`` (the backend's is a different approximation), float64
``log1p``, ``erf_inv`` and ``exp``. float64 ``log`` and ``erf`` are libm calls in XLA, as in
ferrax. XLA's CPU code also flushes subnormal numbers to zero; that is reproduced for float32
``log`` inputs and ``exp`` results, the places where the samplers meet them.

Where a function is emulated here (rather than being a ``lax`` operation, which has its own
derivative rule), the emulation carries a ``custom_jvp`` with the analytic derivative, so the
bit manipulations inside never see a tangent.
"""

import math

import numpy as np

from . import lax
from ._custom import custom_jvp
from ._ferrax import fma

__all__ = ["const", "erf", "erf_inv", "exp", "horner", "log", "log1p"]


def const(value, dtype):
    """``value`` as a 0-d NumPy array of ``dtype``: a constant operand of exactly that dtype
    (Python numbers would be weakly typed)."""
    return np.array(value, dtype)


def horner(x, coefficients):
    """``c0 * x**n + ... + cn`` by Horner's rule with one fused multiply-add per step, as XLA
    compiles it. Coefficients are arrays or Python numbers (taken in ``x``'s dtype)."""
    dtype = x.dtype
    p = coefficients[0]
    if not hasattr(p, "dtype"):
        p = const(p, dtype)
    for c in coefficients[1:]:
        p = fma(p, x, c if hasattr(c, "dtype") else const(c, dtype))
    return p


# --- log ----------------------------------------------------------------------------------
_F32 = np.dtype("float32")
_F64 = np.dtype("float64")


@custom_jvp
def _log_f32(x):
    """XLA's float32 log (the CPU backend's ``log`` kernel computes it the same way), with
    subnormal inputs counted as the smallest normal number, as XLA's flush-to-zero code does."""
    tiny = const(np.finfo(_F32).tiny, _F32)
    subnormal = lax.and_(lax.gt(x, const(0, _F32)), lax.lt(x, tiny))
    return lax.log(lax.select(subnormal, lax.full_like(x, tiny), x))


@_log_f32.defjvp
def _log_f32_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _log_f32(x), lax.div(dx, x)


def log(x):
    """Natural logarithm as XLA computes it on CPU (libm's for float64)."""
    if x.dtype == _F32:
        return _log_f32(x)
    return lax.log(x)


# --- log1p --------------------------------------------------------------------------------
# Cephes' log1p rational function: log1p(x) = x - x**2/2 + x**3 * P(x) / Q(x) for small |x|.
_LOG1P_P = (
    4.5270000862445199635215e-5,
    4.9854102823193375972212e-1,
    6.5787325942061044846969e0,
    2.9911919328553073277375e1,
    6.0949667980987787057556e1,
    5.7112963590585538103336e1,
    2.0039553499201281259648e1,
)
_LOG1P_Q = (
    1.5062909083469192043167e1,
    8.3047565967967209469434e1,
    2.2176239823732856465394e2,
    3.0909872225312059774938e2,
    2.1642788614495947685003e2,
    6.0118660497603843919306e1,
)


@custom_jvp
def _log1p_f64(x):
    """XLA's float64 log1p: the Cephes rational function where ``|x| < sqrt(2) - 1``, otherwise
    ``log(1 + x)``."""
    f = x.dtype
    large = log(lax.add(x, const(1, f)))
    x2 = lax.mul(x, x)
    zero = lax.mul(x, const(0, f))  # 0, or NaN for a non-finite x, as in the compiled code
    q = lax.add(lax.mul(lax.add(zero, const(1, f)), x), const(_LOG1P_Q[0], f))
    q = horner(x, [q, *_LOG1P_Q[1:]])
    p = lax.add(zero, const(_LOG1P_P[0], f))
    p = horner(x, [p, *_LOG1P_P[1:]])
    t = lax.mul(lax.mul(x, x2), lax.div(p, q))
    small = lax.add(x, lax.add(lax.mul(x2, const(-0.5, f)), t))  # an FMA with an exact product
    threshold = const(0.41421356237309504880, f)  # sqrt(2) - 1
    return lax.select(lax.lt(lax.abs(x), threshold), small, large)


@_log1p_f64.defjvp
def _log1p_f64_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _log1p_f64(x), lax.div(dx, lax.add(x, const(1, x.dtype)))


def log1p(x):
    """``log(1 + x)`` as XLA computes it on CPU (for float32, the backend's own kernel)."""
    if x.dtype == _F32:
        return lax.log1p(x)
    return _log1p_f64(x)


# --- erf_inv ------------------------------------------------------------------------------
# Giles' double-precision coefficients, highest degree first: 23 for w < 6.25, 19 for
# w < 16, 17 beyond. XLA runs one Horner chain over the first 17 with coefficients picked
# per branch and continues it only where the branch has more.
_ERF_INV_F64_W625 = (
    -3.6444120640178196996e-21,
    -1.685059138182016589e-19,
    1.2858480715256400167e-18,
    1.115787767802518096e-17,
    -1.333171662854620906e-16,
    2.0972767875968561637e-17,
    6.6376381343583238325e-15,
    -4.0545662729752068639e-14,
    -8.1519341976054721522e-14,
    2.6335093153082322977e-12,
    -1.2975133253453532498e-11,
    -5.4154120542946279317e-11,
    1.051212273321532285e-09,
    -4.1126339803469836976e-09,
    -2.9070369957882005086e-08,
    4.2347877827932403518e-07,
    -1.3654692000834678645e-06,
    -1.3882523362786468719e-05,
    0.0001867342080340571352,
    -0.00074070253416626697512,
    -0.0060336708714301490533,
    0.24015818242558961693,
    1.6536545626831027356,
)
_ERF_INV_F64_W16 = (
    2.2137376921775787049e-09,
    9.0756561938885390979e-08,
    -2.7517406297064545428e-07,
    1.8239629214389227755e-08,
    1.5027403968909827627e-06,
    -4.013867526981545969e-06,
    2.9234449089955446044e-06,
    1.2475304481671778723e-05,
    -4.7318229009055733981e-05,
    6.8284851459573175448e-05,
    2.4031110387097893999e-05,
    -0.0003550375203628474796,
    0.00095328937973738049703,
    -0.0016882755560235047313,
    0.0024914420961078508066,
    -0.0037512085075692412107,
    0.005370914553590063617,
    1.0052589676941592334,
    3.0838856104922207635,
)
_ERF_INV_F64_WBIG = (
    -2.7109920616438573243e-11,
    -2.5556418169965252055e-10,
    1.5076572693500548083e-09,
    -3.7894654401267369937e-09,
    7.6157012080783393804e-09,
    -1.4960026627149240478e-08,
    2.9147953450901080826e-08,
    -6.7711997758452339498e-08,
    2.2900482228026654717e-07,
    -9.9298272942317002539e-07,
    4.5260625972231537039e-06,
    -1.9681778105531670567e-05,
    7.5995277030017761139e-05,
    -0.00021503011930044477347,
    -0.00013871931833623122026,
    1.0103004648645343977,
    4.8499064014085844221,
)


@custom_jvp
def _erf_inv_f64(x):
    f = _F64
    w = lax.neg(log1p(lax.neg(lax.mul(x, x))))
    below_625 = lax.lt(w, const(6.25, f))
    below_16 = lax.lt(w, const(16, f))
    shift = lax.select(below_16, lax.full_like(x, 3.25), lax.full_like(x, 5.0))
    w = lax.select(below_625, lax.sub(w, const(3.125, f)), lax.sub(lax.sqrt(w), shift))

    def pick(a, b, c):
        return lax.select(below_625, lax.full_like(x, a), lax.select(below_16, b, c))

    shared = [
        pick(a, b, c)
        for a, b, c in zip(_ERF_INV_F64_W625, _ERF_INV_F64_W16, _ERF_INV_F64_WBIG, strict=False)
    ]
    p = horner(w, shared)
    for a, b in zip(_ERF_INV_F64_W625[17:19], _ERF_INV_F64_W16[17:19], strict=True):
        c = lax.select(below_625, lax.full_like(x, a), lax.full_like(x, b))
        p = lax.select(below_16, fma(p, w, c), p)
    for a in _ERF_INV_F64_W625[19:]:
        p = lax.select(below_625, fma(p, w, const(a, f)), p)
    unit = lax.eq(lax.abs(x), const(1, f))
    return lax.mul(x, lax.select(unit, lax.full_like(x, np.inf), p))


@_erf_inv_f64.defjvp
def _erf_inv_f64_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    y = _erf_inv_f64(x)
    scale = const(math.sqrt(math.pi) / 2, _F64)
    return y, lax.mul(dx, lax.mul(scale, lax.exp(lax.mul(y, y))))


def erf_inv(x):
    """The inverse error function as XLA computes it on CPU (for float32, the backend's own
    kernel)."""
    if x.dtype == _F32:
        return lax.erf_inv(x)
    return _erf_inv_f64(x)


# --- erf ----------------------------------------------------------------------------------
# The backend's float32 erf is XLA's rational approximation and its float64 erf is libm's, as
# in XLA.
erf = lax.erf


# --- exp ----------------------------------------------------------------------------------
# Cephes' expf polynomial (float32) and Pade approximant (float64), with XLA's range limits.
_EXP_F32_P = (
    1.9875691500e-4,
    1.3981999507e-3,
    8.3334519073e-3,
    4.1665795894e-2,
    1.6666665459e-1,
    0.5,
)
_EXP_F64_P = (1.26177193074810590878e-4, 3.02994407707441961300e-2, 1.0)
_EXP_F64_Q = (3.00198505138664455042e-6, 2.52448340349684104100e-3, 2.27265548208155028766e-1, 2.0)


def _exp_f32(x):
    """XLA's float32 exp: ``x = n log 2 + r`` with ``n = floor(x log2(e) + 1/2)``, a
    polynomial for ``e**r`` and ``2**n`` built from its bits; ``x`` clamped to [-87.8, 88.8].
    Results below the smallest normal number are flushed to zero, as XLA's CPU code runs with
    flush-to-zero."""
    f = _F32
    x = lax.min(lax.max(x, const(-87.8, f)), const(88.8, f))
    n = lax.floor(fma(x, const(1.44269504088896341, f), const(0.5, f)))
    n = lax.min(lax.max(n, const(-127, f)), const(127, f))
    r = lax.sub(x, lax.mul(n, const(0.693359375, f)))  # an exact product: n * 0.693359375
    r = fma(lax.neg(n), const(-2.12194440e-4, f), r)
    p = horner(r, _EXP_F32_P)
    y = lax.add(fma(p, lax.mul(r, r), r), const(1, f))
    scale_bits = lax.add(
        lax.shift_left(lax.convert_element_type(n, np.int32), np.int32(23)), np.int32(0x3F800000)
    )
    y = lax.mul(y, lax.bitcast_convert_type(scale_bits, f))
    return lax.select(lax.lt(y, const(np.finfo(f).tiny, f)), lax.full_like(y, 0), y)


def _exp_f64(x):
    """XLA's float64 exp: the same reduction with Cephes' Pade approximant
    ``e**g = 1 + 2 g P(g**2) / (Q(g**2) - g P(g**2))``, and ``2**n`` applied in four exact
    steps so that results near the ends of the range stay correct."""
    f = _F64
    lo, hi = const(-708.3964185322641, f), const(709.782712893384, f)
    xc = lax.max(lax.min(x, hi), lo)
    n = lax.floor(fma(xc, const(1.4426950408889634, f), const(0.5, f)))
    g = lax.sub(xc, lax.mul(n, const(0.693145751953125, f)))  # an exact product
    g = fma(lax.neg(n), const(1.4286068203094173e-06, f), g)
    g2 = lax.mul(g, g)
    pg = lax.mul(horner(g2, _EXP_F64_P), g)
    q = horner(g2, _EXP_F64_Q)
    y = lax.add(lax.mul(lax.div(pg, lax.sub(q, pg)), const(2, f)), const(1, f))
    k = lax.convert_element_type(lax.min(lax.max(n, const(-2099, f)), const(2099, f)), np.int64)
    quarter = lax.shift_right_arithmetic(k, np.int64(2))
    one_bits = np.int64(0x3FF0000000000000)
    step = lax.bitcast_convert_type(lax.add(lax.shift_left(quarter, np.int64(52)), one_bits), f)
    rest = lax.sub(k, lax.mul(quarter, np.int64(3)))
    last = lax.bitcast_convert_type(lax.add(lax.shift_left(rest, np.int64(52)), one_bits), f)
    y = lax.mul(lax.mul(lax.mul(lax.mul(y, step), step), step), last)
    y = lax.select(lax.lt(x, lo), lax.full_like(x, 0), y)
    return lax.select(lax.gt(x, hi), lax.full_like(x, np.inf), y)


@custom_jvp
def exp(x):
    """The exponential function as XLA computes it on CPU."""
    if x.dtype == _F32:
        return _exp_f32(x)
    return _exp_f64(x)


@exp.defjvp
def _exp_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    y = exp(x)
    return y, lax.mul(dx, y)

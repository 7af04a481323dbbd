"""One row per elementwise op: the ferrax function, its NumPy reference, input domains, dtypes,
the expected result dtype and the accuracy bound.

Accuracy bounds (ulp = unit in the last place of the result dtype, measured against the NumPy
reference evaluated in float64 and rounded once):
  * 0 ulp: IEEE-exact operations (+ - * /, sqrt, fmod, floor/ceil/round, min/max, compares).
  * 4 ulp: transcendental functions (exp, log, sin, cos, tanh, logistic, erf, pow, ...),
    on wide domains including large arguments, denormals, infinities and NaN.
  * 6 ulp: log2/log10, composed in ferrax.numpy as log(x) / log(base).
"""

import dataclasses
import math
from collections.abc import Callable

import ferrax.numpy as jnp
import numpy as np
from ferrax import lax

FLOAT = ("float32", "float64")
INT = ("int32", "uint32", "int64")
BOOL = ("bool",)
NUMERIC = FLOAT + INT
ALL = NUMERIC + BOOL

TINY = 1.4e-45  # smallest float32 denormal
SPECIALS = (0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, TINY, -TINY, 1e-39)


# --- input domains: fn(rng, shape, dtype) -> np.ndarray ------------------------------------
def uniform(lo, hi):
    """Uniform floats in [lo, hi); ints in [lo, hi] clipped to the dtype; bools at random."""

    def gen(rng, shape, dtype):
        dtype = np.dtype(dtype)
        if dtype.kind == "f":
            return rng.uniform(lo, hi, shape).astype(dtype)
        if dtype.kind == "b":
            return rng.random(shape) < 0.5
        info = np.iinfo(dtype)
        low = info.min if lo is None else max(int(lo), info.min)
        high = info.max if hi is None else min(int(hi), info.max)
        return rng.integers(low, high, size=shape, dtype=dtype, endpoint=True)

    return gen


def by_kind(f, i):
    """Generator ``f`` for float dtypes, ``i`` for integer and bool dtypes."""

    def gen(rng, shape, dtype):
        return (f if np.dtype(dtype).kind == "f" else i)(rng, shape, dtype)

    gen.by_kind = True
    return gen


def loguniform(lo, hi, signed=True):
    """Magnitudes spread evenly over the exponents of [lo, hi], random signs if ``signed``."""

    def gen(rng, shape, dtype):
        mag = np.exp(rng.uniform(math.log(lo), math.log(hi), shape))
        if signed:
            mag = mag * rng.choice([-1.0, 1.0], shape)
        return mag.astype(dtype)

    return gen


def mix(*gens):
    """Each generator fills an equal share of the (flattened) array."""

    def gen(rng, shape, dtype):
        n = int(np.prod(shape))
        parts = np.array_split(np.arange(n), len(gens))
        out = np.empty(n, dtype=dtype)
        for g, part in zip(gens, parts):
            out[part] = g(rng, (len(part),), dtype)
        return out.reshape(shape)

    return gen


def grid(lo, hi):
    """Integer-valued floats in [lo, hi], so that equal pairs occur."""

    def gen(rng, shape, dtype):
        return rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)

    return gen


def nonzero(gen):
    """``gen`` with zeros replaced by ones (integer divisors)."""

    def wrapped(rng, shape, dtype):
        x = gen(rng, shape, dtype)
        return np.where(x == 0, np.ones_like(x), x)

    return wrapped


# --- references ----------------------------------------------------------------------------
def trunc_div(a, b):
    """Integer division rounding toward zero (C and XLA semantics), exact in int64."""
    a64, b64 = a.astype(np.int64), b.astype(np.int64)
    q = np.abs(a64) // np.abs(b64)
    return (np.sign(a64) * np.sign(b64) * q).astype(np.result_type(a, b))


def round_away(x):
    """Rounds half away from zero (exact in float64 for float32 inputs)."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def logistic(x):
    """1 / (1 + exp(-x))."""
    return 1.0 / (1.0 + np.exp(-x))


def shift_right_logical(a, b):
    """Logical right shift: the bits of ``a`` as unsigned."""
    unsigned = a.view(np.uint32 if a.dtype.itemsize == 4 else np.uint64)
    return (unsigned >> b.astype(unsigned.dtype)).view(a.dtype)


def shift_right_arithmetic(a, b):
    """Arithmetic right shift: the bits of ``a`` as signed."""
    signed = a.view(np.int32 if a.dtype.itemsize == 4 else np.int64)
    return (signed >> b.astype(signed.dtype)).view(a.dtype)


erf = np.vectorize(math.erf, otypes=[np.float64])


# --- the table -----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class OpSpec:
    """One elementwise op and everything needed to test it against NumPy."""

    name: str
    fn: Callable
    ref: Callable
    nargs: int
    dtypes: tuple
    domain: tuple  # one generator per argument, or one shared by all
    out: str = "same"  # result dtype: "same", "float" (ints promote), "bool"
    ulp: int = 0  # float results: max ulp error; 0 means exact
    specials: bool = True  # add infinities, NaN, zeros and denormals to float inputs
    native_ref: bool = False  # evaluate the reference in the input dtype, not float64

    def generators(self):
        """The domain generator of each argument."""
        return self.domain if len(self.domain) == self.nargs else self.domain * self.nargs

    def __str__(self):
        return self.name


INT_ARGS_OF_FLOAT_FNS = uniform(0, 10)  # ints given to float functions, which promote them


def _domains(domain, out):
    domains = domain if isinstance(domain, tuple) else (domain,)
    if out == "float":
        domains = tuple(
            d if getattr(d, "by_kind", False) else by_kind(d, INT_ARGS_OF_FLOAT_FNS)
            for d in domains
        )
    return domains


def _u(name, fn, ref, dtypes, domain, out="same", **kw):
    return OpSpec(name, fn, ref, 1, dtypes, _domains(domain, out), out=out, **kw)


def _b(name, fn, ref, dtypes, domain, out="same", **kw):
    return OpSpec(name, fn, ref, 2, dtypes, _domains(domain, out), out=out, **kw)


WIDE = uniform(-100, 100)
FULL = by_kind(mix(WIDE, loguniform(1e-30, 1e30)), uniform(None, None))
DISCRETE = by_kind(mix(grid(-3, 3), uniform(-3, 3)), uniform(-3, 3))
DIVIDEND = by_kind(WIDE, uniform(-(2**31) + 1, None))
EXP_DOMAIN = mix(uniform(-104, 89), uniform(-1, 1), loguniform(1e-40, 1e2))
LOG_DOMAIN = mix(loguniform(1e-45, 3e38, signed=False), uniform(0.5, 2.0))
TRIG_DOMAIN = mix(uniform(-10, 10), loguniform(1e-40, 1.0), loguniform(1.0, 3e38))
TANH_DOMAIN = mix(uniform(-12, 12), loguniform(1e-40, 1e4))
LOGISTIC_DOMAIN = mix(uniform(-110, 110), loguniform(1e-40, 1.0))
UNIT = mix(uniform(-1, 1), loguniform(1e-40, 1.0))

UNARY = [
    # exact on every dtype
    _u("neg", jnp.negative, np.negative, NUMERIC, FULL),
    _u("abs", jnp.abs, np.abs, ALL, FULL),
    _u("sign", jnp.sign, np.sign, NUMERIC, FULL),
    _u("floor", jnp.floor, np.floor, NUMERIC, WIDE),
    _u("ceil", jnp.ceil, np.ceil, NUMERIC, WIDE),
    _u("trunc", jnp.trunc, np.trunc, NUMERIC, WIDE),
    _u("round", jnp.round, np.round, NUMERIC, mix(WIDE, uniform(-4, 4))),
    _u("lax.round", lax.round, round_away, FLOAT, mix(WIDE, uniform(-4, 4))),
    _u("rint", jnp.rint, np.rint, NUMERIC, mix(WIDE, uniform(-4, 4)), out="float"),
    _u("square", jnp.square, np.square, NUMERIC, uniform(-1000, 1000)),
    _u("reciprocal", jnp.reciprocal, np.reciprocal, FLOAT, WIDE),
    _u("invert", jnp.invert, np.invert, INT + BOOL, FULL),
    _u("lax.not_", lax.not_, np.invert, INT + BOOL, FULL),
    _u("isfinite", jnp.isfinite, np.isfinite, ALL, WIDE, out="bool"),
    _u("lax.is_finite", lax.is_finite, np.isfinite, FLOAT, WIDE, out="bool"),
    _u("isnan", jnp.isnan, np.isnan, ALL, WIDE, out="bool"),
    _u("isinf", jnp.isinf, np.isinf, ALL, WIDE, out="bool"),
    _u("logical_not", jnp.logical_not, np.logical_not, ALL, DISCRETE, out="bool"),
    _u(
        "sqrt",
        jnp.sqrt,
        np.sqrt,
        NUMERIC,
        mix(loguniform(1e-45, 3e38, False), uniform(0, 1e4)),
        out="float",
    ),
    # transcendental: 4 ulp
    _u("exp", jnp.exp, np.exp, NUMERIC, EXP_DOMAIN, out="float", ulp=4),
    _u(
        "exp2",
        jnp.exp2,
        np.exp2,
        NUMERIC,
        mix(uniform(-150, 128), uniform(-1, 1)),
        out="float",
        ulp=4,
    ),
    _u("expm1", jnp.expm1, np.expm1, NUMERIC, EXP_DOMAIN, out="float", ulp=4),
    _u("log", jnp.log, np.log, NUMERIC, LOG_DOMAIN, out="float", ulp=4),
    _u("log1p", jnp.log1p, np.log1p, NUMERIC, mix(LOG_DOMAIN, uniform(-1, 1)), out="float", ulp=4),
    _u("log2", jnp.log2, np.log2, NUMERIC, LOG_DOMAIN, out="float", ulp=6),
    _u("log10", jnp.log10, np.log10, NUMERIC, LOG_DOMAIN, out="float", ulp=6),
    _u("sin", jnp.sin, np.sin, NUMERIC, TRIG_DOMAIN, out="float", ulp=4),
    _u("cos", jnp.cos, np.cos, NUMERIC, TRIG_DOMAIN, out="float", ulp=4),
    _u(
        "tan",
        jnp.tan,
        np.tan,
        NUMERIC,
        mix(uniform(-10, 10), loguniform(1e-40, 1.0)),
        out="float",
        ulp=4,
    ),
    _u("tanh", jnp.tanh, np.tanh, NUMERIC, TANH_DOMAIN, out="float", ulp=4),
    _u("lax.logistic", lax.logistic, logistic, FLOAT, LOGISTIC_DOMAIN, out="float", ulp=4),
    _u("arcsin", jnp.arcsin, np.arcsin, NUMERIC, UNIT, out="float", ulp=4),
    _u("arccos", jnp.arccos, np.arccos, NUMERIC, UNIT, out="float", ulp=4),
    _u("arctan", jnp.arctan, np.arctan, NUMERIC, TRIG_DOMAIN, out="float", ulp=4),
    _u(
        "sinh",
        jnp.sinh,
        np.sinh,
        NUMERIC,
        mix(uniform(-89, 89), loguniform(1e-40, 1.0)),
        out="float",
        ulp=4,
    ),
    _u(
        "cosh",
        jnp.cosh,
        np.cosh,
        NUMERIC,
        mix(uniform(-89, 89), loguniform(1e-40, 1.0)),
        out="float",
        ulp=4,
    ),
    _u("arcsinh", jnp.arcsinh, np.arcsinh, NUMERIC, TANH_DOMAIN, out="float", ulp=4),
    _u(
        "arccosh",
        jnp.arccosh,
        np.arccosh,
        NUMERIC,
        mix(uniform(1, 10), loguniform(1, 3e38, signed=False)),
        out="float",
        ulp=4,
    ),
    _u("arctanh", jnp.arctanh, np.arctanh, NUMERIC, UNIT, out="float", ulp=4),
    _u(
        "lax.rsqrt",
        lax.rsqrt,
        lambda x: 1.0 / np.sqrt(x),
        FLOAT,
        loguniform(1e-45, 3e38, False),
        ulp=4,
    ),
    _u("lax.erf", lax.erf, erf, FLOAT, mix(uniform(-5, 5), loguniform(1e-40, 1.0)), ulp=4),
]

DIVISOR = nonzero(uniform(-1000, 1000))
BINARY = [
    _b("add", jnp.add, np.add, ALL, FULL),
    _b("subtract", jnp.subtract, np.subtract, NUMERIC, FULL),
    _b("multiply", jnp.multiply, np.multiply, ALL, FULL),
    _b("divide", jnp.divide, np.true_divide, NUMERIC, (WIDE, DIVISOR), out="float"),
    _b("lax.div", lax.div, trunc_div, INT, (DIVIDEND, DIVISOR)),
    _b("lax.div_float", lax.div, np.true_divide, FLOAT, (WIDE, DIVISOR)),
    _b(
        "floor_divide",
        jnp.floor_divide,
        np.floor_divide,
        NUMERIC,
        (DIVIDEND, DIVISOR),
        native_ref=True,
        ulp=1,
    ),
    _b("lax.rem", lax.rem, np.fmod, NUMERIC, (DIVIDEND, DIVISOR)),
    _b(
        "remainder",
        jnp.remainder,
        np.remainder,
        NUMERIC,
        (DIVIDEND, DIVISOR),
        native_ref=True,
        ulp=1,
    ),
    _b(
        "power",
        jnp.power,
        np.power,
        NUMERIC,
        (uniform(-6, 6), uniform(0, 7)),
        ulp=4,
        specials=False,
    ),
    _b("power_float", jnp.power, np.power, FLOAT, (uniform(0, 20), uniform(-20, 20)), ulp=4),
    _b("maximum", jnp.maximum, np.maximum, ALL, FULL),
    _b("minimum", jnp.minimum, np.minimum, ALL, FULL),
    _b("arctan2", jnp.arctan2, np.arctan2, NUMERIC, uniform(-10, 10), out="float", ulp=4),
    _b("nextafter", jnp.nextafter, np.nextafter, FLOAT, uniform(-3, 3), native_ref=True),
    _b("equal", jnp.equal, np.equal, ALL, DISCRETE, out="bool"),
    _b("not_equal", jnp.not_equal, np.not_equal, ALL, DISCRETE, out="bool"),
    _b("less", jnp.less, np.less, ALL, DISCRETE, out="bool"),
    _b("less_equal", jnp.less_equal, np.less_equal, ALL, DISCRETE, out="bool"),
    _b("greater", jnp.greater, np.greater, ALL, DISCRETE, out="bool"),
    _b("greater_equal", jnp.greater_equal, np.greater_equal, ALL, DISCRETE, out="bool"),
    _b("bitwise_and", jnp.bitwise_and, np.bitwise_and, INT + BOOL, FULL),
    _b("bitwise_or", jnp.bitwise_or, np.bitwise_or, INT + BOOL, FULL),
    _b("bitwise_xor", jnp.bitwise_xor, np.bitwise_xor, INT + BOOL, FULL),
    _b("logical_and", jnp.logical_and, np.logical_and, ALL, DISCRETE, out="bool"),
    _b("logical_or", jnp.logical_or, np.logical_or, ALL, DISCRETE, out="bool"),
    _b("logical_xor", jnp.logical_xor, np.logical_xor, ALL, DISCRETE, out="bool"),
    _b("left_shift", jnp.left_shift, np.left_shift, INT, (FULL, uniform(0, 31))),
    _b(
        "lax.shift_right_logical",
        lax.shift_right_logical,
        shift_right_logical,
        INT,
        (FULL, uniform(0, 31)),
    ),
    _b(
        "lax.shift_right_arithmetic",
        lax.shift_right_arithmetic,
        shift_right_arithmetic,
        INT,
        (FULL, uniform(0, 31)),
    ),
    _b("right_shift", jnp.right_shift, np.right_shift, INT, (FULL, uniform(0, 31))),
]

SPECS = UNARY + BINARY


def result_dtype(spec, dtype, x64):
    """The dtype JAX gives ``spec`` applied to operands of ``dtype`` (our own expectation)."""
    if spec.out == "bool":
        return "bool"
    if spec.out == "float" and dtype in ("bool",) + INT:
        return "float64" if x64 else "float32"
    return dtype

"""The elementwise extras of ``ferrax.numpy`` (float helpers, float bits, gcd/lcm, closeness and
sign predicates, real/complex views, interp, polyval, convolve, correlate) against NumPy and
SciPy: values on random and edge inputs, result dtypes and weak types, derivatives against
finite differences, ``vmap`` against a loop, ``jit`` against eager, and the errors."""

import math

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax import errors
from helpers import assert_exact, assert_ulp, x64_mode
from scipy import special


def fn(name):
    """``jnp.<name>``."""
    return getattr(jnp, name)


SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 2.5, -3.5, np.inf, -np.inf, np.nan])


def _random(rng, n=64):
    """Values over many magnitudes and both signs, with the special values appended."""
    mags = 10.0 ** rng.uniform(-6, 6, n)
    return np.concatenate([mags * rng.choice([-1.0, 1.0], n), SPECIAL])


def _pairs():
    """Every pair of special values, as two flat arrays."""
    a, b = np.meshgrid(SPECIAL, SPECIAL)
    return a.ravel(), b.ravel()


# --- unary float functions ----------------------------------------------------------------
# name -> (NumPy oracle in float64, max ulp in float32, max ulp in float64)
UNARY = {
    "fabs": (np.fabs, 0, 0),
    "deg2rad": (np.deg2rad, 1, 1),
    "radians": (np.radians, 1, 1),
    "rad2deg": (np.rad2deg, 1, 1),
    "degrees": (np.degrees, 1, 1),
    "cbrt": (np.cbrt, 2, 2),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_against_numpy(name, dtype, rng):
    oracle, ulp32, ulp64 = UNARY[name]
    x = _random(rng).astype(dtype)
    with x64_mode(dtype == "float64"):
        got = fn(name)(jnp.asarray(x))
    assert got.dtype == np.dtype(dtype)
    with np.errstate(all="ignore"):
        want = oracle(x.astype(np.float64))
    assert_ulp(got, want, ulp32 if dtype == "float32" else ulp64, (x,), name)


def test_sinc_against_numpy(rng):
    x = np.concatenate([rng.uniform(-6, 6, 200), [0.0, -0.0, 1.0, -2.0, 0.5, np.inf, np.nan]])
    with x64_mode(True), np.errstate(invalid="ignore"):
        assert_ulp(jnp.sinc(jnp.asarray(x)), np.sinc(x), 4, (x,), "sinc")
    # In float32, pi * x is rounded before the sine: near the zeros only absolute accuracy holds.
    got = jnp.sinc(jnp.asarray(x.astype(np.float32)))
    assert got.dtype == np.float32
    with np.errstate(invalid="ignore"):
        want = np.sinc(x.astype(np.float32))
    np.testing.assert_allclose(np.asarray(got), want, atol=2e-7)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_i0_against_numpy(dtype, rng):
    x = np.concatenate(
        [rng.uniform(-25, 25, 200), rng.uniform(-700, 700, 50), [0, 20, -20, 20.001, 85, 95]]
    )
    x = x.astype(dtype)
    with x64_mode(dtype == "float64"):
        got = jnp.i0(jnp.asarray(x))
    with np.errstate(over="ignore"):
        want = np.i0(x.astype(np.float64))
    assert_ulp(got, want, 12, (x,), "i0")  # the float64 series sums 36 positive terms
    # I0 is even and grows like e^|x| / sqrt(2 pi |x|), so I0(+-inf) = +inf (NumPy and SciPy
    # both give NaN there, so the closed-form limit is the oracle); NaN propagates.
    edge = jnp.i0(jnp.asarray([np.inf, -np.inf, np.nan]))
    assert edge.dtype == np.float32
    np.testing.assert_array_equal(
        np.asarray(edge), np.array([np.inf, np.inf, np.nan], np.float32), strict=True
    )


def test_unary_promotion():
    ints = jnp.asarray(np.array([1, -2, 3], np.int32))
    for name in ["fabs", "deg2rad", "rad2deg", "sinc", "cbrt", "i0"]:
        out = fn(name)(ints)
        assert out.dtype == np.float32, name
        assert not out.weak_type, name
        assert fn(name)(2).weak_type, name  # a Python scalar stays weak
        with x64_mode(True):
            # As JAX's promote_dtypes_inexact: the float of the integer's width.
            assert fn(name)(jnp.asarray(np.array([1, 2], np.int32))).dtype == np.float32, name
            assert fn(name)(jnp.asarray(np.array([1, 2], np.int64))).dtype == np.float64, name
            assert fn(name)(2).dtype == np.float64, name  # a weak int: the default float
    assert jnp.fabs(jnp.asarray([True, False])).dtype == np.float32


# --- binary float functions ---------------------------------------------------------------
BINARY = {
    "copysign": (np.copysign, 0),
    "hypot": (np.hypot, 1),
    "logaddexp": (np.logaddexp, None),
    "logaddexp2": (np.logaddexp2, None),
    "float_power": (np.float_power, None),
    "fmax": (np.fmax, 0),
    "fmin": (np.fmin, 0),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binary_against_numpy(name, dtype, rng):
    oracle, max_ulp = BINARY[name]
    a, b = _pairs()
    if name == "float_power":
        x1 = np.concatenate([rng.uniform(0.1, 10, 100), -rng.integers(1, 5, 20), a])
        x2 = np.concatenate([rng.uniform(-8, 8, 100), rng.integers(-3, 4, 20), b])
    else:
        x1 = np.concatenate([_random(rng)[:100], a])
        x2 = np.concatenate([rng.permutation(_random(rng))[:100] * 1.5, b])
    x1, x2 = x1.astype(dtype), x2.astype(dtype)
    with x64_mode(dtype == "float64"):
        got = fn(name)(jnp.asarray(x1), jnp.asarray(x2))
    assert got.dtype == np.dtype(dtype)
    with np.errstate(all="ignore"):
        want = oracle(x1.astype(np.float64), x2.astype(np.float64))
    if max_ulp is None:
        # log1p(exp(-|d|)) added to max(x1, x2) (and pow's exp(y log x)) is accurate relative
        # to the larger terms only.
        got, want = np.asarray(got, np.float64), want.astype(dtype).astype(np.float64)
        tol = 4e-6 if dtype == "float32" else 1e-14
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
        assert np.array_equal(np.isnan(got), np.isnan(want))
    else:
        assert_ulp(got, want, max_ulp, (x1, x2), name)
    if name in ("copysign", "fmax", "fmin"):
        # Zeros compare equal: check their signs bit for bit.
        assert_exact(np.signbit(np.asarray(got)), np.signbit(want.astype(dtype)))


def test_hypot_extremes():
    big = np.float32(2e38)  # the squares overflow, the result does not
    want = np.hypot(np.float64(big), np.float64(big))
    assert_ulp(jnp.hypot(big, big), want, 1, (big,), "hypot")
    assert np.asarray(jnp.hypot(np.float32(3e38), np.float32(3e38))) == np.inf
    tiny = np.float32(1e-40)  # squares would underflow
    np.testing.assert_allclose(np.asarray(jnp.hypot(tiny, tiny)), np.hypot(1e-40, 1e-40), 1e-5)
    assert np.asarray(jnp.hypot(np.inf, np.nan)) == np.inf


def test_heaviside_against_numpy(rng):
    x1 = np.concatenate([rng.standard_normal(50), [0.0, -0.0, np.inf, -np.inf]])
    x2 = rng.standard_normal(x1.shape)
    assert_exact(
        jnp.heaviside(jnp.asarray(x1, "float32"), jnp.asarray(x2, "float32")),
        np.heaviside(x1.astype(np.float32), x2.astype(np.float32)),
    )
    # As in JAX (not NumPy), a NaN x1 selects x2.
    assert np.asarray(jnp.heaviside(np.nan, 0.25)) == np.float32(0.25)


def test_binary_promotion_and_weak_types():
    f32 = jnp.asarray(np.array([3.0, 4.0], np.float32))
    i32 = jnp.asarray(np.array([3, 4], np.int32))
    for name in ["hypot", "copysign", "logaddexp", "logaddexp2", "float_power", "heaviside"]:
        f = fn(name)
        out = f(f32, 2)
        assert (out.dtype, out.weak_type) == (np.float32, False), name
        out = f(2, 3)
        assert (out.dtype, out.weak_type) == (np.float32, True), name
        out = f(i32, i32)
        assert (out.dtype, out.weak_type) == (np.float32, False), name
        out = f(i32, 2.0)  # JAX's lattice: int32 with a weak float is a weak float
        assert (out.dtype, out.weak_type) == (np.float32, True), name
        with x64_mode(True):
            assert f(jnp.asarray(np.array([1, 2], np.int32)), 2).dtype == np.float32, name
            assert f(jnp.asarray(np.array([1, 2], np.int64)), 2).dtype == np.float64, name
            assert f(jnp.asarray(np.array([1.0], np.float32)), 2.0).dtype == np.float32, name
    # fmax/fmin keep integer dtypes, as in JAX.
    assert jnp.fmax(i32, 3).dtype == np.int32
    assert_exact(jnp.fmin(i32, jnp.asarray(np.int32(3))), np.array([3, 3], np.int32))


# --- nan_to_num ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nan_to_num(dtype):
    x = SPECIAL.astype(dtype)
    with x64_mode(dtype == "float64"):
        assert_exact(jnp.nan_to_num(jnp.asarray(x)), np.nan_to_num(x))
        got = jnp.nan_to_num(jnp.asarray(x), nan=-7.0, posinf=1e3, neginf=-2.5)
        assert_exact(got, np.nan_to_num(x, nan=-7.0, posinf=1e3, neginf=-2.5))
    ints = np.array([1, -2], np.int32)
    assert_exact(jnp.nan_to_num(jnp.asarray(ints)), ints)


# --- closeness and equality ---------------------------------------------------------------
@pytest.mark.parametrize("equal_nan", [False, True])
@pytest.mark.parametrize("tols", [(1e-5, 1e-8), (0.1, 0.0), (0.0, 0.5)])
def test_isclose_against_numpy(equal_nan, tols, rng):
    a = np.concatenate([rng.standard_normal(100), _pairs()[0]])
    b = np.concatenate([a[:100] * (1 + rng.choice([0.0, 1e-6, 1e-4, 0.05, 0.3], 100)), _pairs()[1]])
    rtol, atol = tols
    with x64_mode(True):
        got = jnp.isclose(jnp.asarray(a), jnp.asarray(b), rtol, atol, equal_nan)
        assert_exact(got, np.isclose(a, b, rtol, atol, equal_nan))
        got = jnp.allclose(jnp.asarray(a[:100]), jnp.asarray(b[:100]), rtol, atol, equal_nan)
        assert_exact(got, np.bool_(np.allclose(a[:100], b[:100], rtol, atol, equal_nan)))
    # Broadcasting, and integers compared with tolerances in the default float dtype.
    assert_exact(
        jnp.isclose(jnp.asarray([[1], [2]]), jnp.asarray([1, 2, 3]), rtol, atol),
        np.isclose([[1], [2]], [1, 2, 3], rtol, atol),
    )


def test_isclose_integers_use_float_tolerances():
    x = jnp.asarray(np.array([1000, 2000], np.int32))
    assert_exact(jnp.isclose(x, x + 1, rtol=1e-3), np.array([True, True]))
    assert_exact(jnp.isclose(x, x + 1), np.array([False, False]))
    assert_exact(jnp.allclose(x, x), np.bool_(True))


def test_array_equal_and_equiv():
    a = np.array([1.0, np.nan, 3.0])
    cases = [
        (a, a),
        (a, a.copy()),
        ([1, 2], [1, 2]),
        ([1, 2], [1, 3]),
        ([1, 2], [1, 2, 3]),
        ([[1, 2]], [1, 2]),
        ([[1, 2], [1, 2]], [1, 2]),
        ([1, 2], [[1], [2]]),
    ]
    for x, y in cases:
        assert_exact(
            jnp.array_equal(jnp.asarray(x), jnp.asarray(y)), np.bool_(np.array_equal(x, y))
        )
        assert_exact(
            jnp.array_equiv(jnp.asarray(x), jnp.asarray(y)), np.bool_(np.array_equiv(x, y))
        )
        assert_exact(
            jnp.array_equal(jnp.asarray(x), jnp.asarray(y), equal_nan=True),
            np.bool_(np.array_equal(x, y, equal_nan=True)),
        )


# --- sign bits, infinities, real/complex queries ------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sign_predicates(dtype):
    x = np.concatenate([SPECIAL, [-np.nan, 1e-45, -1e-45, -5e-324]]).astype(dtype)
    with x64_mode(dtype == "float64"):
        for name in ["signbit", "isposinf", "isneginf"]:
            assert_exact(getattr(jnp, name)(jnp.asarray(x)), getattr(np, name)(x))


def test_sign_predicates_integers():
    for x in [np.array([-2, 0, 3], np.int32), np.array([0, 5], np.uint32), np.array([True, False])]:
        for name in ["signbit", "isposinf", "isneginf"]:
            assert_exact(getattr(jnp, name)(jnp.asarray(x)), getattr(np, name)(x))


def test_real_complex_queries(rng):
    x = rng.standard_normal((2, 3)).astype(np.float32)
    assert_exact(jnp.isreal(jnp.asarray(x)), np.isreal(x))
    assert_exact(jnp.iscomplex(jnp.asarray(x)), np.iscomplex(x))
    assert_exact(jnp.real(jnp.asarray(x)), np.real(x))
    assert_exact(jnp.conj(jnp.asarray(x)), np.conj(x))
    assert_exact(jnp.conjugate(jnp.asarray(x)), np.conjugate(x))
    assert_exact(jnp.imag(jnp.asarray(x)), np.imag(x))
    assert jnp.imag(2.0).weak_type
    for obj in [x, jnp.asarray(x), 1.0, [1, 2], 1j, np.array([1j]), [1j], None]:
        assert jnp.iscomplexobj(obj) == np.iscomplexobj(obj), obj
        assert jnp.isrealobj(obj) == np.isrealobj(obj), obj


@pytest.mark.parametrize("deg", [False, True])
def test_angle(deg, rng):
    x = np.concatenate([rng.standard_normal(20), [0.0, -0.0, np.inf, -np.inf]]).astype(np.float32)
    got = jnp.angle(jnp.asarray(x), deg=deg)
    assert got.dtype == np.float32
    assert_ulp(got, np.angle(x.astype(np.float64), deg=deg), 1, (x,), "angle")
    assert jnp.angle(jnp.asarray(np.array([-1, 2], np.int32))).dtype == np.float32
    with x64_mode(True):
        # As in JAX, zero-dimensional floats become the default float dtype.
        assert jnp.angle(jnp.asarray(np.float32(-1))).dtype == np.float64


def test_isscalar():
    for obj, want in [
        (1.0, True),
        (1, True),
        (1j, True),
        (np.int32(1), True),
        ("s", True),
        (np.array(1.0), True),
        (jnp.asarray(1.0), True),
        (np.array([1]), False),
        (jnp.asarray([1.0]), False),
        ([1], False),
        ((), False),
        (None, False),
    ]:
        assert jnp.isscalar(obj) is want, obj
    # Zero-dimensional arrays count, so the answer does not change under jit.
    assert jax.jit(lambda x: jnp.asarray(jnp.isscalar(x)))(1.0).item() is True


# --- float bits ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_frexp_and_ldexp(dtype, rng):
    info = np.finfo(dtype)
    x = np.concatenate(
        [
            _random(rng),
            [info.tiny, info.tiny / 3, -info.smallest_subnormal, info.max, info.min, 0.75, -1.0],
        ]
    ).astype(dtype)
    with x64_mode(dtype == "float64"):
        m, e = jnp.frexp(jnp.asarray(x))
        want_m, want_e = np.frexp(x)
        assert_exact(m, want_m)
        assert_exact(e, want_e.astype(np.int32))
        assert_exact(jnp.ldexp(m, e), x)
        # Exponents that overflow, underflow into subnormals (one rounding), or vanish.
        ns = rng.integers(
            -1200 if dtype == "float64" else -300, 1200 if dtype == "float64" else 300, x.size
        )
        ns[:8] = [0, 1, -1, 5000, -5000, -149, 127, 2**30]
        with np.errstate(over="ignore"):
            want = np.ldexp(x, ns.astype(np.int32))
        assert_exact(jnp.ldexp(jnp.asarray(x), jnp.asarray(ns.astype(np.int32))), want)


def test_ldexp_dtypes():
    assert jnp.ldexp(jnp.arange(5.0), 10).dtype == np.float32
    out = jnp.ldexp(jnp.asarray(np.array([3, -1], np.int32)), jnp.asarray([2, 3]))
    assert_exact(out, np.ldexp(np.array([3, -1]), [2, 3]).astype(np.float32))
    assert jnp.frexp(3)[1].dtype == np.int32
    # Huge unsigned and bool exponents (closed forms: overflow, and x * 2**b).
    assert np.asarray(jnp.ldexp(np.float32(1.5), np.uint32(4_000_000_000))) == np.inf
    assert_exact(jnp.ldexp(1.5, np.array([True, False])), np.array([3.0, 1.5], np.float32))


def test_modf_and_divmod(rng):
    x = np.concatenate([rng.uniform(-10, 10, 50), SPECIAL]).astype(np.float32)
    frac, whole = jnp.modf(jnp.asarray(x))
    want_frac, want_whole = np.modf(x)
    assert_exact(whole, want_whole)
    np.testing.assert_array_equal(np.asarray(frac), want_frac)
    assert jnp.modf(jnp.asarray(np.array([3], np.int32)))[0].dtype == np.float32
    a = rng.integers(-20, 20, 40).astype(np.int32)
    b = rng.choice([-7, -3, -1, 1, 2, 5], 40).astype(np.int32)
    for got, want in zip(jnp.divmod(jnp.asarray(a), jnp.asarray(b)), np.divmod(a, b), strict=True):
        assert_exact(got, want)
    af, bf = a.astype(np.float32) + 0.5, b.astype(np.float32)
    for got, want in zip(
        jnp.divmod(jnp.asarray(af), jnp.asarray(bf)), np.divmod(af, bf), strict=True
    ):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-6)


# --- gcd and lcm --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int32", "uint32"])
def test_gcd_lcm_against_numpy(dtype, rng):
    lo = 0 if dtype == "uint32" else -500
    a = rng.integers(lo, 500, (6, 7)).astype(dtype)
    b = rng.integers(lo, 500, (7,)).astype(dtype)
    a[0, :3] = [0, 0, 12]
    b[:3] = [0, 9, 0]
    assert_exact(jnp.gcd(jnp.asarray(a), jnp.asarray(b)), np.gcd(a, b))
    assert_exact(jnp.lcm(jnp.asarray(a), jnp.asarray(b)), np.lcm(a, b))
    assert jnp.gcd(jnp.asarray(a), 4).dtype == np.dtype(dtype)


# --- interp, polyval, convolve, correlate -------------------------------------------------
def test_interp_against_numpy(rng):
    xp = np.sort(rng.uniform(-3, 3, 9))
    fp = rng.standard_normal(9)
    x = np.concatenate([rng.uniform(-4, 4, (49,)), xp, [xp[0] - 1, xp[-1] + 1]])
    with x64_mode(True):
        got = jnp.interp(jnp.asarray(x), jnp.asarray(xp), jnp.asarray(fp))
        np.testing.assert_allclose(np.asarray(got), np.interp(x, xp, fp), rtol=1e-13, atol=1e-13)
        got = jnp.interp(jnp.asarray(x.reshape(5, 12)), xp, fp, left=-9.0, right=7.0)
        np.testing.assert_allclose(
            np.asarray(got), np.interp(x, xp, fp, -9.0, 7.0).reshape(5, 12), rtol=1e-13, atol=1e-13
        )
        got = jnp.interp(jnp.asarray(x), xp, fp, period=2.5)
        np.testing.assert_allclose(
            np.asarray(got), np.interp(x, xp, fp, period=2.5), rtol=1e-12, atol=1e-12
        )
        # "extrapolate" continues the end segments' lines.
        got = jnp.interp(
            jnp.asarray([xp[0] - 2, xp[-1] + 3]), xp, fp, left="extrapolate", right="extrapolate"
        )
        slope0 = (fp[1] - fp[0]) / (xp[1] - xp[0])
        slope1 = (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
        np.testing.assert_allclose(np.asarray(got), [fp[0] - 2 * slope0, fp[-1] + 3 * slope1])
    # A repeated point and a single point.
    np.testing.assert_allclose(
        np.asarray(
            jnp.interp(jnp.asarray([0.5, 1.0, 1.5]), [0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 3.0, 4.0])
        ),
        np.interp([0.5, 1.0, 1.5], [0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 3.0, 4.0]),
        rtol=1e-6,
    )
    assert_exact(
        jnp.interp(jnp.asarray([-1.0, 0.0, 2.0]), [0.0], [5.0]),
        np.interp([-1.0, 0.0, 2.0], [0.0], [5.0]).astype(np.float32),
    )
    assert jnp.interp(jnp.asarray([1, 2]), [0, 3], [0, 3]).dtype == np.float32


def test_polyval_against_numpy(rng):
    p = rng.standard_normal(6)
    x = rng.standard_normal((3, 4))
    with x64_mode(True):
        np.testing.assert_allclose(
            np.asarray(jnp.polyval(jnp.asarray(p), jnp.asarray(x))), np.polyval(p, x), rtol=1e-13
        )
        # Coefficients with trailing dimensions broadcast against x.
        p2 = rng.standard_normal((4, 3))
        want = sum(p2[i] * x[..., :3] ** (3 - i) for i in range(4))
        np.testing.assert_allclose(np.asarray(jnp.polyval(p2, x[..., :3])), want, rtol=1e-12)
    out = jnp.polyval(jnp.asarray([1, 2, 3]), jnp.asarray([0, 1, 2]))
    assert_exact(out, np.polyval([1, 2, 3], [0, 1, 2]).astype(np.float32))
    assert_exact(jnp.polyval(jnp.zeros((0,)), jnp.asarray([1.0, 2.0])), np.zeros(2, np.float32))


@pytest.mark.parametrize("name", ["convolve", "correlate"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("sizes", [(7, 3), (6, 4), (3, 8), (5, 5), (1, 4), (4, 1)])
def test_convolve_correlate_against_numpy(name, mode, sizes, rng):
    a, v = rng.standard_normal(sizes[0]), rng.standard_normal(sizes[1])
    with x64_mode(True):
        got = fn(name)(jnp.asarray(a), jnp.asarray(v), mode=mode)
        np.testing.assert_allclose(
            np.asarray(got), getattr(np, name)(a, v, mode=mode), rtol=1e-12, atol=1e-12
        )


def test_convolve_dtypes():
    a, v = np.array([1, 2, 3, 2, 1], np.int32), np.array([4, 1, 2], np.int32)
    assert_exact(jnp.convolve(jnp.asarray(a), jnp.asarray(v)), np.convolve(a, v).astype(np.float32))
    assert_exact(
        jnp.correlate(jnp.asarray(a), jnp.asarray(v), "full", preferred_element_type="int32"),
        np.correlate(a, v, "full").astype(np.int32),
    )


# --- derivatives --------------------------------------------------------------------------
def test_grads_binary(x64, rng):
    a = rng.uniform(0.5, 2.0, 6) * rng.choice([-1, 1], 6)
    b = rng.uniform(0.5, 2.0, 6) * rng.choice([-1, 1], 6)
    for name in ["hypot", "logaddexp", "logaddexp2", "copysign", "float_power"]:
        x = np.abs(a) if name == "float_power" else a
        check_grads(fn(name), (x, b), order=2, eps=1e-6, rtol=1e-6, atol=1e-8)
    check_grads(jnp.heaviside, (a, b), order=1)
    check_grads(jnp.fmax, (a, b), order=1)
    check_grads(jnp.fmin, (a, b), order=1)


def test_grads_unary(x64, rng):
    x = rng.uniform(0.3, 3.0, 5) * rng.choice([-1, 1], 5)
    for name in ["deg2rad", "rad2deg", "sinc", "cbrt", "fabs", "nan_to_num"]:
        check_grads(fn(name), (x,), order=2, eps=1e-6, rtol=1e-6, atol=1e-8)
    check_grads(
        jnp.i0, (np.array([-30.0, -19.9, -3.0, 0.4, 12.0, 20.5]),), order=2, eps=1e-6, rtol=1e-6
    )
    check_grads(lambda x: jnp.modf(x)[0], (x,), order=1)
    check_grads(lambda x: jnp.frexp(x)[0], (x,), order=1)
    check_grads(lambda x: jnp.ldexp(x, jnp.asarray([3, -2, 0, 7, -40])), (x,), order=1)


def test_gradient_conventions(x64):
    # hypot at the origin has a zero gradient, not NaN (as in JAX).
    assert jax.grad(lambda x: jnp.hypot(x, 0.0))(0.0).item() == 0.0
    assert jax.grad(lambda y: jnp.hypot(0.0, y))(0.0).item() == 0.0
    # logaddexp at a tie: derivative 1/2, second derivative 1/4 (not the 0 of max's rule).
    g = jax.grad(lambda x: jnp.logaddexp(x, 1.0))
    assert g(1.0).item() == pytest.approx(0.5)
    assert jax.grad(g)(1.0).item() == pytest.approx(0.25)
    g2 = jax.grad(lambda x: jnp.logaddexp2(x, 1.0))
    assert jax.grad(g2)(1.0).item() == pytest.approx(math.log(2) / 4)
    # sinc is smooth at 0: its derivatives there are those of sin(t)/t = sum (-t^2)^k/(2k+1)!
    # with t = pi x: 0, -pi^2/3, 0, pi^4/5.
    derivatives, d = [], jnp.sinc
    for _ in range(4):
        d = jax.grad(d)
        derivatives.append(d(0.0).item())
    np.testing.assert_allclose(derivatives, [0, -(math.pi**2) / 3, 0, math.pi**4 / 5], atol=1e-12)
    # cbrt' = 1 / (3 cbrt(x)^2); i0' = i1; i0''(0) = 1/2.
    assert jax.grad(jnp.cbrt)(-8.0).item() == pytest.approx(1 / 12)
    x = np.array([-25.0, -5.0, 0.0, 3.0, 19.0, 21.0, 60.0])
    np.testing.assert_allclose(
        np.asarray(jax.vmap(jax.grad(jnp.i0))(jnp.asarray(x))), special.i1(x), rtol=1e-12
    )
    assert jax.grad(jax.grad(jnp.i0))(0.0).item() == pytest.approx(0.5)
    # fmax/fmin ties send the gradient to x2, as JAX's where does.
    assert jax.grad(jnp.fmax, argnums=(0, 1))(1.0, 1.0) == (0.0, 1.0)
    assert jax.grad(jnp.fmin, argnums=(0, 1))(1.0, 1.0) == (0.0, 1.0)
    # copysign: d/dx1 is sign(x1) * sign bit of x2, d/dx2 is 0.
    assert jax.grad(jnp.copysign, argnums=(0, 1))(-2.0, 3.0) == (-1.0, 0.0)


def test_grads_signal(x64, rng):
    xp = np.sort(rng.uniform(-2, 2, 6))
    fp = rng.standard_normal(6)
    x = np.concatenate([rng.uniform(-1.8, 1.8, 5), [xp[0] - 0.5, xp[-1] + 0.5]])
    check_grads(lambda x, xp, fp: jnp.interp(x, xp, fp), (x, xp, fp), order=1)
    check_grads(lambda x, fp: jnp.interp(x, xp, fp, period=3.0), (x, fp), order=1)
    check_grads(jnp.polyval, (rng.standard_normal(4), rng.standard_normal(5)), order=2)
    for name in ["convolve", "correlate"]:
        for mode in ["full", "same", "valid"]:
            check_grads(
                lambda a, v, name=name, mode=mode: fn(name)(a, v, mode),
                (rng.standard_normal(6), rng.standard_normal(3)),
                order=1,
            )


def test_custom_rules_compose_with_transforms(x64, rng):
    x = rng.standard_normal(5)
    y = 0.3
    # d/dy sum(logaddexp(x, y)) = sum(exp(y - logaddexp(x, y))), with y broadcast.
    want = np.sum(np.exp(y - np.logaddexp(x, y)))
    g = jax.grad(lambda y: jnp.sum(jnp.logaddexp(jnp.asarray(x), y)))
    assert g(y).item() == pytest.approx(want, rel=1e-12)
    assert jax.jit(g)(y).item() == pytest.approx(want, rel=1e-12)
    per_example = jax.vmap(jax.grad(jnp.logaddexp), in_axes=(0, None))(jnp.asarray(x), y)
    np.testing.assert_allclose(np.asarray(per_example), np.exp(x - np.logaddexp(x, y)), 1e-12)
    cube = jax.vmap(jax.grad(jnp.cbrt))(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(cube), 1 / (3 * np.cbrt(x) ** 2), 1e-12)
    hess = jax.jit(jax.grad(jax.grad(jnp.cbrt)))(2.0)
    assert hess.item() == pytest.approx(-2 / 9 * 2.0 ** (-5 / 3), rel=1e-12)


# --- vmap and jit ---------------------------------------------------------------------------
def _loop(f, *args):
    return np.stack([np.asarray(f(*[a[i] for a in args])) for i in range(len(args[0]))])


def test_vmap_matches_loop(rng):
    a = rng.standard_normal((4, 5)).astype(np.float32)
    b = rng.standard_normal((4, 5)).astype(np.float32)
    cases = [
        (jnp.hypot, (a, b)),
        (jnp.logaddexp, (a, b)),
        (jnp.copysign, (a, b)),
        (lambda x: jnp.frexp(x)[0], (a,)),
        (jnp.sinc, (a,)),
        (jnp.i0, (a * 10,)),
        (lambda x, y: jnp.isclose(x, y, rtol=0.5), (a, b)),
        (jnp.signbit, (a,)),
        (lambda x, y: jnp.convolve(x, y[:3], "same"), (a, b)),
        (
            lambda x: jnp.interp(x, jnp.asarray([-1.0, 0.0, 2.0]), jnp.asarray([1.0, 3.0, 2.0])),
            (a,),
        ),
        (lambda fp: jnp.interp(jnp.asarray([-0.5, 0.7]), jnp.linspace(-1, 1, 5), fp), (a,)),
        (lambda p, x: jnp.polyval(p, x), (a, b)),
        (lambda xp, fp: jnp.interp(jnp.asarray([-0.3, 0.1, 2.0]), xp, fp), (np.sort(a, 1), b)),
        (lambda v: jnp.correlate(jnp.asarray([1.0, -2.0, 0.5]), v, "same"), (b,)),
    ]
    for f, args in cases:
        got = jax.vmap(f)(*[jnp.asarray(x) for x in args])
        np.testing.assert_allclose(np.asarray(got), _loop(f, *args), rtol=1e-6, atol=1e-6)
    ia = rng.integers(-60, 60, (5, 4)).astype(np.int32)
    ib = rng.integers(-60, 60, (5, 4)).astype(np.int32)
    for name in ["gcd", "lcm"]:
        got = jax.vmap(fn(name))(jnp.asarray(ia), jnp.asarray(ib))
        assert_exact(got, getattr(np, name)(ia, ib))


def test_jit_matches_eager(rng):
    a = jnp.asarray(rng.standard_normal(7).astype(np.float32))
    b = jnp.asarray(rng.standard_normal(7).astype(np.float32))
    for f in [
        jnp.hypot,
        jnp.logaddexp,
        lambda x, y: jnp.ldexp(x, jnp.asarray([1, 2, 3, -4, 0, 9, -9])),
        lambda x, y: jnp.isclose(x, y, rtol=0.3),
        lambda x, y: jnp.correlate(x, y[:3], "full"),
        lambda x, y: jnp.interp(x, jnp.sort(y), y),
        lambda x, y: jnp.gcd(jnp.asarray([12, 9, 0]), jnp.asarray([18, 6, 4])),
        lambda x, y: jnp.nan_to_num(x / (y * 0)),
    ]:
        np.testing.assert_array_equal(np.asarray(jax.jit(f)(a, b)), np.asarray(f(a, b)))


# --- errors -------------------------------------------------------------------------------
COMPLEX_REFUSED = [
    "hypot",
    "copysign",
    "logaddexp",
    "sinc",
    "cbrt",
    "fabs",
    "nan_to_num",
    "frexp",
    "i0",
    "fmax",
    "interp",
    "convolve",
    "gcd",
]


@pytest.mark.parametrize(
    "name",
    COMPLEX_REFUSED
    + ["real", "imag", "conj", "angle", "isclose", "signbit", "isreal", "array_equal"],
)
def test_complex_input_is_refused(name):
    z = np.array([1 + 2j, 3j])
    f = fn(name)
    nargs = {
        "interp": 3,
        "convolve": 2,
        "hypot": 2,
        "copysign": 2,
        "logaddexp": 2,
        "fmax": 2,
        "gcd": 2,
        "isclose": 2,
        "array_equal": 2,
    }.get(name, 1)
    with pytest.raises(errors.FerraxTypeError, match=name):
        f(*([z] * nargs))


def test_errors():
    with pytest.raises(ValueError, match="gcd: arguments must be integers"):
        jnp.gcd(jnp.asarray([1.0]), 2)
    with pytest.raises(ValueError, match="lcm: arguments must be integers"):
        jnp.lcm(jnp.asarray([True]), jnp.asarray([False]))
    with pytest.raises(ValueError, match="gcd: incompatible shapes"):
        jnp.gcd(jnp.asarray([1, 2]), jnp.asarray([1, 2, 3]))
    with pytest.raises(ValueError, match="ldexp: the exponent x2 must be an integer"):
        jnp.ldexp(1.0, 2.0)
    with pytest.raises(ValueError, match="convolve: a must be one-dimensional"):
        jnp.convolve(jnp.ones((2, 2)), jnp.ones(2))
    with pytest.raises(ValueError, match="correlate: inputs cannot be empty"):
        jnp.correlate(jnp.ones(3), jnp.ones(0))
    with pytest.raises(ValueError, match="mode must be one of"):
        jnp.convolve(jnp.ones(3), jnp.ones(2), mode="middle")
    with pytest.raises(ValueError, match="xp and fp must be one-dimensional arrays of equal size"):
        jnp.interp(1.0, jnp.ones(3), jnp.ones(4))
    with pytest.raises(ValueError, match="interp: xp and fp must not be empty"):
        jnp.interp(1.0, jnp.ones(0), jnp.ones(0))
    with pytest.raises(ValueError, match="only string value of left"):
        jnp.interp(1.0, jnp.ones(3), jnp.ones(3), left="clip")
    with pytest.raises(ValueError, match="period must be a scalar"):
        jnp.interp(1.0, jnp.ones(3), jnp.ones(3), period=jnp.ones(2))
    with pytest.raises(ValueError, match="polyval: p must have at least one dimension"):
        jnp.polyval(1.0, 2.0)
    with pytest.raises(ValueError, match="polyval: coefficients of shape"):
        jnp.polyval(jnp.ones((3, 2)), jnp.ones(4))
    with pytest.raises(NotImplementedError, match="isposinf: the out argument"):
        jnp.isposinf(jnp.ones(2), out=jnp.ones(2))
    with pytest.raises(NotImplementedError, match="modf: the out argument"):
        jnp.modf(jnp.ones(2), out=jnp.ones(2))
    with pytest.raises(ValueError):
        jnp.isclose(jnp.ones(2), jnp.ones(3))

"""Every elementwise op of ``op_specs.SPECS`` against its NumPy reference, for every dtype it
supports: result dtype (JAX's rules), shape and values (exact, or within the row's ulp bound)."""

import math

import ferrax
import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import lax
from helpers import X64_DTYPES, assert_exact, assert_ulp, x64_mode
from op_specs import BINARY, SPECIALS, SPECS, result_dtype

CASES = [(spec, dtype) for spec in SPECS for dtype in spec.dtypes]


def make_inputs(spec, dtype, rng, shape):
    """Random inputs from the row's domains, with special values placed at the front."""
    inputs = [gen(rng, shape, dtype) for gen in spec.generators()]
    if spec.specials and np.dtype(dtype).kind == "f":
        specials = np.array(SPECIALS, dtype=dtype)
        k = len(specials)
        if spec.nargs == 1:
            inputs[0].flat[:k] = specials
        else:
            inputs[0].flat[: k * k] = np.repeat(specials, k)
            inputs[1].flat[: k * k] = np.tile(specials, k)
    return inputs


def reference(spec, inputs, out_dtype):
    """The NumPy result, computed in float64 for float results unless the row says otherwise."""
    args = inputs
    if np.dtype(out_dtype).kind == "f" and not spec.native_ref:
        args = [x.astype(np.float64) for x in inputs]
    with np.errstate(all="ignore"):
        return np.asarray(spec.ref(*args))


def check(spec, got, inputs, out_dtype):
    """Compares ``got`` with the reference: ulp bound for floats, exact otherwise."""
    expected = reference(spec, inputs, out_dtype)
    got_np = np.asarray(got)
    if np.dtype(out_dtype).kind == "f":
        assert_ulp(got_np, expected, spec.ulp, inputs, spec.name)
    else:
        with np.errstate(all="ignore"):
            assert_exact(got_np, expected.astype(out_dtype))


@pytest.mark.parametrize(("spec", "dtype"), CASES, ids=[f"{s.name}-{d}" for s, d in CASES])
def test_op_values_and_dtype(spec, dtype, rng):
    x64 = dtype in X64_DTYPES
    with x64_mode(x64):
        shape = (7, 129) if spec.nargs == 1 else (31, 33)  # odd sizes reach the SIMD tails
        inputs = make_inputs(spec, dtype, rng, shape)
        got = spec.fn(*[jnp.asarray(x) for x in inputs])
        out_dtype = result_dtype(spec, dtype, x64)
        assert isinstance(got, ferrax.Array)
        assert got.dtype == np.dtype(out_dtype), f"{spec.name}({dtype}) gave {got.dtype}"
        assert got.shape == shape
        check(spec, got, inputs, out_dtype)


VIEW_SPECS = [s for s in SPECS if s.name in ("exp", "sin", "add", "maximum", "less", "floor")]


@pytest.mark.parametrize("spec", VIEW_SPECS, ids=[s.name for s in VIEW_SPECS])
@pytest.mark.parametrize("view", ["T", "reversed", "strided", "broadcast"])
def test_ops_on_views(spec, view, rng):
    dtype = "float32"
    raw = make_inputs(spec, dtype, rng, (12, 10))
    take = {
        "T": lambda a: a.T,
        "reversed": lambda a: a[::-1, ::-1],
        "strided": lambda a: a[1::2, ::3],
        "broadcast": lambda a: lax.broadcast_in_dim(a[0], (12, 10), (1,)),
    }[view]
    inputs = [np.asarray(take(jnp.asarray(x))) for x in raw]
    got = spec.fn(*[take(jnp.asarray(x)) for x in raw])
    assert got.shape == inputs[0].shape
    check(spec, got, inputs, result_dtype(spec, dtype, False))


BROADCAST_CASES = [spec for spec in BINARY]


@pytest.mark.parametrize("spec", BROADCAST_CASES, ids=[s.name for s in BROADCAST_CASES])
def test_binary_op_broadcasts(spec, rng):
    dtype = spec.dtypes[0]
    gx, gy = spec.generators()
    x, y = gx(rng, (3, 1), dtype), gy(rng, (4,), dtype)
    got = spec.fn(jnp.asarray(x), jnp.asarray(y))
    assert got.shape == (3, 4)
    check(spec, got, [x, y], result_dtype(spec, dtype, False))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_erf_inv_inverts_erf(dtype, rng):
    with x64_mode(dtype == "float64"):
        y = np.concatenate(
            [rng.uniform(-1, 1, 2000), 1 - np.exp(rng.uniform(-16, 0, 200)), [0.0, 0.5, -0.5]]
        ).astype(dtype)
        x = np.asarray(lax.erf_inv(jnp.asarray(y))).astype(np.float64)
        assert np.all(np.isfinite(x))
        back = np.vectorize(math.erf)(x)
        # 4 ulp of y, plus 4 ulp of x carried through erf's slope.
        eps = np.spacing(np.abs(y)).astype(np.float64)
        slope = 2 / np.sqrt(np.pi) * np.exp(-(x**2))
        tol = 4 * eps + 4 * np.spacing(np.abs(x).astype(dtype)).astype(np.float64) * slope
        ratio = np.abs(back - y) / tol
        worst = int(np.argmax(ratio))
        assert ratio[worst] <= 1, (
            f"erf(erf_inv({y[worst]!r})) = {back[worst]!r}: error {ratio[worst]:.1f}x the bound "
            f"(erf_inv gave {x[worst]!r})"
        )


def test_erf_inv_edges():
    got = np.asarray(lax.erf_inv(jnp.asarray([-1.0, 1.0, 0.0, 1.5, -2.0, np.nan], "float32")))
    assert got[0] == -np.inf and got[1] == np.inf and got[2] == 0.0
    assert np.isnan(got[3:]).all()


@pytest.mark.parametrize("dtype", ["int32", "uint32"])
def test_shifts_past_the_bit_width(dtype):
    x = np.array([1, 5, 2**31 - 1, 2**31 if dtype == "uint32" else -(2**31), 7], dtype=dtype)
    if dtype == "int32":
        x[-1] = -7
    s = np.array([32, 33, 40, 100, 32], dtype=dtype)
    a, b = jnp.asarray(x), jnp.asarray(s)
    # JAX (XLA) semantics: bits shifted past the width are gone; arithmetic shifts fill with sign.
    assert_exact(lax.shift_left(a, b), np.zeros_like(x))
    assert_exact(lax.shift_right_logical(a, b), np.zeros_like(x))
    signed = x.view(np.int32)
    fill = np.where(signed < 0, -1, 0).astype(np.int32).view(dtype)
    assert_exact(lax.shift_right_arithmetic(a, b), fill)


@pytest.mark.parametrize("fn", [lax.div, lax.rem, jnp.floor_divide, jnp.remainder])
@pytest.mark.parametrize("dtype", ["int32", "uint32"])
def test_integer_division_by_zero_does_not_crash(fn, dtype):
    x = jnp.asarray(np.array([7, 0, 3], dtype=dtype))
    out = fn(x, jnp.asarray(np.zeros(3, dtype=dtype)))
    assert out.shape == (3,) and out.dtype == np.dtype(dtype)
    np.asarray(out)  # materializes without raising


def test_lax_round_methods():
    x = jnp.asarray([0.5, 1.5, 2.5, -0.5, -2.5, 2.4], "float32")
    away = lax.round(x, lax.RoundingMethod.AWAY_FROM_ZERO)
    even = lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)
    raw = np.asarray(x)
    assert_exact(away, (np.sign(raw) * np.floor(np.abs(raw) + 0.5)).astype("float32"))
    assert_exact(even, np.round(raw))


def test_integer_pow_matches_power(rng):
    x = rng.uniform(-2, 2, 50).astype("float32")
    for y in [0, 1, 2, 3, 7, -1, -2]:
        got = np.asarray(lax.integer_pow(jnp.asarray(x), y))
        assert_ulp(got, np.power(x.astype(np.float64), y), 4, [x], f"integer_pow(., {y})")
    xi = jnp.asarray(np.arange(-3, 4, dtype="int32"))
    assert_exact(lax.integer_pow(xi, 3), np.arange(-3, 4, dtype="int32") ** 3)
    with pytest.raises(TypeError):
        lax.integer_pow(xi, -1)

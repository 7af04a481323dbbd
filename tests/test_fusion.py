"""Large elementwise chains are deferred and run as one fused pass; results must not change.

Arrays here have at least 2**16 elements, the size from which the eval trace defers
elementwise operations; NumPy in float64 (or the exact integer result) is the oracle.
"""

import ferrax
import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import errors, lax

N = 1 << 17  # above the fusion threshold


@pytest.fixture
def xs(rng):
    x = rng.uniform(-3, 3, N).astype(np.float32)
    y = rng.uniform(0.5, 2, N).astype(np.float32)
    return x, y


def test_chain_with_scalars_and_shared_inputs(xs):
    x, y = xs
    fx, fy = jnp.asarray(x), jnp.asarray(y)
    got = np.asarray(jnp.tanh(fx) * 2 + jnp.sin(fx) - fx / fy + 1.5)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    want = np.tanh(x64) * 2 + np.sin(x64) - x64 / y64 + 1.5
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6)
    assert got.dtype == np.float32


def test_select_clamp_convert_and_comparisons(xs):
    x, y = xs
    fx, fy = jnp.asarray(x), jnp.asarray(y)
    got = jnp.where(fx > 0, jnp.exp(fx), lax.clamp(-1.0, fx * fy, 1.0))
    want = np.where(x > 0, np.exp(x.astype(np.float64)), np.clip(x * y, -1.0, 1.0))
    np.testing.assert_allclose(np.asarray(got), want, rtol=2e-6, atol=1e-6)
    counts = jnp.sum((fx > 0).astype("int32") + (fy < 1).astype("int32"))
    assert int(counts) == int((x > 0).sum() + (y < 1).sum())


def test_integer_chain_is_exact(rng):
    a = rng.integers(-1000, 1000, N).astype(np.int32)
    b = rng.integers(1, 50, N).astype(np.int32)
    fa, fb = jnp.asarray(a), jnp.asarray(b)
    got = np.asarray((fa * 3 - fb) // fb + (fa % fb) * (fa > 0))
    want = (a * 3 - b) // b + (a % b) * (a > 0)
    np.testing.assert_array_equal(got, want)


def test_long_chains_and_reuse_of_intermediates(xs):
    x, _ = xs
    fx = jnp.asarray(x)
    acc, want = fx, x.astype(np.float64)
    for _ in range(100):  # longer than one fused program may grow
        acc = acc * 0.99 + 0.01
        want = want * 0.99 + 0.01
    np.testing.assert_allclose(np.asarray(acc), want, rtol=1e-5, atol=1e-5)
    half = jnp.sin(fx)
    a, b = np.asarray(half + 1), np.asarray(half * 2)
    np.testing.assert_allclose(a - 1, b / 2, rtol=1e-6, atol=1e-6)


def test_deferred_results_feed_other_primitives(xs):
    x, y = xs
    fx, fy = jnp.asarray(x), jnp.asarray(y)
    z = jnp.cos(fx) * fy
    np.testing.assert_allclose(
        float(jnp.sum(z)), float(np.sum(np.cos(x.astype(np.float64)) * y)), rtol=1e-4
    )
    np.testing.assert_allclose(
        np.asarray(z.reshape(256, -1)[3, ::7]),
        (np.cos(x.astype(np.float64)) * y).reshape(256, -1)[3, ::7],
        rtol=2e-6,
        atol=1e-6,
    )
    assert z.block_until_ready() is z


def test_errors_are_raised_where_the_op_is_called():
    big = jnp.ones(N)
    with pytest.raises(errors.FerraxValueError, match="add"):
        big + jnp.ones(N + 1)
    with pytest.raises(TypeError, match="shift_left"):
        lax.shift_left(big, big)


def test_staging_is_not_deferred():
    text = str(ferrax.make_jaxpr(lambda a: jnp.tanh(a) * 2 + jnp.sin(a))(jnp.ones(N)))
    assert "tanh" in text and "sin" in text and "add" in text

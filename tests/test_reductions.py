"""Reductions and cumulative reductions of ferrax.numpy and lax against NumPy."""

import warnings

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import lax
from helpers import assert_exact, x64_mode

AXES = [None, 0, 1, 2, -1, (0, 2), (2, 0), (), (0, 1, 2)]


@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "mean", "amax", "amin"])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_float_reductions(name, axis, keepdims, rng):
    x = rng.uniform(0.5, 1.5, (3, 4, 5)).astype(np.float32)
    got = getattr(jnp, name)(jnp.asarray(x), axis=axis, keepdims=keepdims)
    expected = getattr(np, name)(x.astype(np.float64), axis=axis, keepdims=keepdims)
    assert got.dtype == np.float32
    assert got.shape == expected.shape
    np.testing.assert_allclose(np.asarray(got), expected, rtol=2e-6)


@pytest.mark.parametrize("dtype", ["int32", "uint32", "bool"])
@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "mean"])
@pytest.mark.parametrize("axis", [None, 0, (0, 1)], ids=repr)
def test_integer_and_bool_reductions(dtype, name, axis, rng):
    x = rng.integers(0, 4, (3, 4, 5)).astype(dtype)
    if name == "prod":
        x = x[:, :2, :3]
    got = getattr(jnp, name)(jnp.asarray(x), axis=axis)
    expected = getattr(np, name)(x, axis=axis)
    # JAX: sums and products of bools and int32 are int32 (uint32 stays), means are float32.
    expected_dtype = {"mean": "float32"}.get(name)
    if expected_dtype is None:
        expected_dtype = dtype if name in ("max", "min") or dtype == "uint32" else "int32"
    assert got.dtype == np.dtype(expected_dtype)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)


@pytest.mark.parametrize("name", ["all", "any"])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize("dtype", ["bool", "int32", "float32"])
def test_all_any(name, axis, dtype, rng):
    x = (rng.random((4, 5)) < 0.7).astype(dtype)
    x[0] = 1
    got = getattr(jnp, name)(jnp.asarray(x), axis=axis)
    assert_exact(got, getattr(np, name)(x, axis=axis))


def test_empty_reductions():
    e = jnp.zeros((0, 3))
    assert_exact(jnp.sum(e), np.float32(0))
    assert_exact(jnp.prod(e, axis=0), np.ones(3, np.float32))
    assert_exact(jnp.all(jnp.asarray(np.zeros(0, bool))), np.bool_(True))
    assert_exact(jnp.any(jnp.asarray(np.zeros(0, bool))), np.bool_(False))
    assert_exact(jnp.max(e, axis=1), np.zeros((0,), np.float32))
    for fn in (jnp.max, jnp.min, jnp.argmax, jnp.argmin):
        with pytest.raises(ValueError):
            fn(e, axis=0)
        with pytest.raises(ValueError):
            fn(e)


def test_nan_propagation():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], np.float32)
    for name in ("max", "min", "sum", "mean", "prod"):
        got = getattr(jnp, name)(jnp.asarray(x), axis=1)
        assert_exact(got, getattr(np, name)(x, axis=1))


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin(axis, keepdims, rng):
    x = rng.integers(-5, 5, (4, 6)).astype(np.float32)
    for name in ("argmax", "argmin"):
        got = getattr(jnp, name)(jnp.asarray(x), axis=axis, keepdims=keepdims)
        expected = getattr(np, name)(x, axis=axis, keepdims=keepdims).astype(np.int32)
        assert_exact(got, expected)


def test_argmax_is_default_int_under_x64():
    with x64_mode(True):
        assert jnp.argmax(jnp.asarray([1.0, 3.0])).dtype == np.int64


@pytest.mark.parametrize("axes", [(0,), (1,), (0, 1), ()])
def test_lax_reductions(axes, rng):
    x = rng.integers(-3, 4, (4, 5)).astype(np.int32)
    b = x > 0
    assert_exact(lax.reduce_sum(jnp.asarray(x), axes), np.sum(x, axis=axes).astype(np.int32))
    assert_exact(lax.reduce_prod(jnp.asarray(x), axes), np.prod(x, axis=axes).astype(np.int32))
    assert_exact(lax.reduce_max(jnp.asarray(x), axes), np.max(x, axis=axes))
    assert_exact(lax.reduce_min(jnp.asarray(x), axes), np.min(x, axis=axes))
    assert_exact(lax.reduce_and(jnp.asarray(b), axes), np.all(b, axis=axes))
    assert_exact(lax.reduce_or(jnp.asarray(b), axes), np.any(b, axis=axes))
    assert_exact(lax.reduce_and(jnp.asarray(x), axes), np.bitwise_and.reduce(x, axis=axes))


def test_sum_dtype_and_initial():
    x = jnp.asarray([1, 2, 3])
    assert_exact(jnp.sum(x, dtype=jnp.float32), np.float32(6))
    assert_exact(jnp.sum(x, initial=10), np.int32(16))
    assert_exact(jnp.prod(x, initial=2), np.int32(12))
    assert_exact(jnp.mean(x, dtype="float32"), np.float32(2))


WHERE_OPS = ["sum", "prod", "mean", "max", "min", "any", "all", "var", "std"]
# max and min have no identity, so NumPy (and JAX) need ``initial`` with a mask; 1 lies inside
# both inputs' ranges, so it decides some slices and is overruled in others.
WHERE_INITIAL = {"max": 1, "min": 1}


@pytest.mark.parametrize("name", WHERE_OPS)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
@pytest.mark.parametrize("axis", [None, 0, 1], ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_where_masks_reductions(name, dtype, axis, keepdims, rng):
    if dtype == "float32":
        x = rng.uniform(0.5, 1.5, (4, 5)).astype(np.float32)
        x[2, 3] = 0.0  # a false element for any/all
    else:
        x = rng.integers(-3, 4, (4, 5)).astype(np.int32)
    mask = rng.random((4, 5)) < 0.6
    mask[1] = False  # an empty row: identity, initial or NaN along axis 1
    mask[[0, 2, 3], 0] = True  # every column keeps an element
    kwargs = {"axis": axis, "keepdims": keepdims, "where": mask}
    if name in WHERE_INITIAL:
        kwargs["initial"] = WHERE_INITIAL[name]
    got = getattr(jnp, name)(jnp.asarray(x), **{**kwargs, "where": jnp.asarray(mask)})
    with warnings.catch_warnings():  # NumPy warns on the empty slices of mean/var/std
        warnings.simplefilter("ignore", RuntimeWarning)
        src = x.astype(np.float64) if dtype == "float32" else x
        want = np.asarray(getattr(np, name)(src, **kwargs))
    # JAX's dtypes: sums and products of int32 stay int32, extremes keep the input dtype,
    # mean/var/std of ints are the default float, any/all are bool.
    want_dtype = {"any": "bool", "all": "bool"}.get(name, dtype)
    if name in ("mean", "var", "std"):
        want_dtype = "float32"
    if want_dtype == "float32":
        got = np.asarray(got)
        assert got.dtype == np.float32 and got.shape == want.shape, (got.dtype, got.shape)
        np.testing.assert_allclose(got, want, rtol=2e-6, equal_nan=True)
    else:
        assert_exact(got, want.astype(want_dtype))


def test_where_gradient_of_masked_sum(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    mask = rng.random((3, 4)) < 0.5
    grad = jax.grad(lambda v: jnp.sum(v * v, where=jnp.asarray(mask)))(jnp.asarray(x))
    # d/dx sum(mask * x^2) = 2 x mask (masked-out entries get a zero, of either sign)
    np.testing.assert_array_equal(np.asarray(grad), 2 * x * mask, strict=True)


def test_sum_of_ten_million_float32_is_accurate(rng):
    x = rng.random(10_000_000, dtype=np.float32)
    exact = np.sum(x, dtype=np.float64)
    got = float(jnp.sum(jnp.asarray(x)))
    assert abs(got - exact) / exact < 1e-6
    got_mean = float(jnp.mean(jnp.asarray(x)))
    assert abs(got_mean - exact / x.size) / (exact / x.size) < 1e-6


def test_sum_along_long_axis_is_accurate(rng):
    x = rng.random((4, 1_000_000), dtype=np.float32)
    exact = np.sum(x, axis=1, dtype=np.float64)
    got = np.asarray(jnp.sum(jnp.asarray(x), axis=1)).astype(np.float64)
    assert np.all(np.abs(got - exact) / exact < 1e-6)
    exact0 = np.sum(x.T, axis=0, dtype=np.float64)
    got0 = np.asarray(jnp.sum(jnp.asarray(np.ascontiguousarray(x.T)), axis=0)).astype(np.float64)
    assert np.all(np.abs(got0 - exact0) / exact0 < 1e-6)

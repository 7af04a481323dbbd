"""Array creation functions of ferrax.numpy against NumPy, with JAX's default dtypes."""

import ferrax.numpy as jnp
import numpy as np
import pytest
from helpers import assert_exact, x64_mode


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("shape", [3, (2, 3), (), (0, 2), [4]])
@pytest.mark.parametrize("dtype", [None, "int32", jnp.uint32, bool, float])
def test_filled(fn, shape, dtype):
    got = getattr(jnp, fn)(shape, dtype=dtype)
    expected_dtype = np.float32 if dtype in (None, float) else np.dtype(dtype)
    reference = np.zeros if fn == "empty" else getattr(np, fn)
    assert_exact(got, reference(shape, dtype=expected_dtype))
    assert not got.weak_type


def test_full():
    assert_exact(jnp.full((2, 2), 7, dtype="float32"), np.full((2, 2), 7, np.float32))
    assert_exact(jnp.full(3, True), np.full(3, True))
    assert_exact(jnp.full((2, 3), [1, 2, 3]), np.full((2, 3), [1, 2, 3], np.int32))
    weak = jnp.full((2,), 1.5)
    assert weak.dtype == np.float32 and weak.weak_type  # as lax.full: the fill's weak type


@pytest.mark.parametrize("fn", ["zeros_like", "ones_like", "empty_like"])
def test_like(fn):
    x = jnp.asarray(np.arange(6, dtype=np.int32).reshape(2, 3))
    ref = np.zeros_like if fn == "empty_like" else getattr(np, fn)
    base = np.arange(6, dtype=np.int32).reshape(2, 3)
    assert_exact(getattr(jnp, fn)(x), ref(base))
    assert_exact(getattr(jnp, fn)(x, dtype="float32"), ref(base, dtype=np.float32))
    assert_exact(getattr(jnp, fn)(x, shape=(4,)), ref(base, shape=(4,)))
    assert getattr(jnp, fn)(jnp.asarray(2.0)).weak_type


def test_full_like():
    x = jnp.asarray(np.ones((2, 2), np.float32))
    assert_exact(jnp.full_like(x, 3), np.full((2, 2), 3, np.float32))
    assert_exact(jnp.full_like(x, 3, dtype="int32"), np.full((2, 2), 3, np.int32))
    assert_exact(jnp.full_like(np.zeros(3, np.uint32), 5), np.full(3, 5, np.uint32))


@pytest.mark.parametrize(
    ("args", "dtype"),
    [
        ((5,), "int32"),
        ((2, 7), "int32"),
        ((1, 10, 3), "int32"),
        ((10, 1, -2), "int32"),
        ((0,), "int32"),
        ((-3,), "int32"),
        ((0.0, 1.0, 0.1), "float32"),
        ((2.5,), "float32"),
        ((1, 2.5, 0.5), "float32"),
        ((3, -2, -0.75), "float32"),
    ],
)
def test_arange(args, dtype):
    got = jnp.arange(*args)
    assert got.dtype == np.dtype(dtype)
    assert not got.weak_type
    expected = np.arange(*args).astype(dtype)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6, atol=1e-6)
    assert got.shape == expected.shape


def test_arange_dtype_and_errors():
    assert_exact(jnp.arange(4, dtype="float32"), np.arange(4, dtype=np.float32))
    assert_exact(jnp.arange(1, 4, dtype=jnp.uint32), np.arange(1, 4, dtype=np.uint32))
    assert_exact(jnp.arange(jnp.asarray(3)), np.arange(3, dtype=np.int32))
    with pytest.raises(ValueError):
        jnp.arange(0, 5, 0)
    with x64_mode(True):
        assert jnp.arange(3).dtype == np.int64
        assert jnp.arange(0.5, 3).dtype == np.float64


@pytest.mark.parametrize(
    ("start", "stop", "kwargs"),
    [
        (0.0, 1.0, {}),
        (0, 10, {"num": 5}),
        (-3.0, 7.0, {"num": 11, "endpoint": False}),
        (2.0, 2.0, {"num": 4}),
        (0.0, 1.0, {"num": 1}),
        (0.0, 1.0, {"num": 0}),
        (1.0, -1.0, {"num": 7}),
        (0, 9, {"num": 4, "dtype": "int32"}),
    ],
)
def test_linspace(start, stop, kwargs):
    got = jnp.linspace(start, stop, **kwargs)
    expected = np.linspace(start, stop, **kwargs)
    assert got.dtype == np.dtype(kwargs.get("dtype", "float32"))
    assert got.shape == expected.shape
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6, atol=1e-6)
    if kwargs.get("num", 50) > 1 and kwargs.get("endpoint", True):
        assert np.asarray(got)[-1] == np.float32(stop)  # the endpoint is exact


def test_linspace_arrays_axis_and_retstep():
    start = np.array([0.0, 1.0], np.float32)
    stop = np.array([1.0, 3.0], np.float32)
    for axis in (0, 1, -1):
        got = jnp.linspace(jnp.asarray(start), jnp.asarray(stop), 5, axis=axis)
        np.testing.assert_allclose(
            np.asarray(got), np.linspace(start, stop, 5, axis=axis), rtol=1e-6
        )
    got, step = jnp.linspace(0.0, 1.0, 5, retstep=True)
    _, expected_step = np.linspace(0.0, 1.0, 5, retstep=True)
    assert float(step) == pytest.approx(expected_step)
    with pytest.raises(ValueError):
        jnp.linspace(0.0, 1.0, -1)


@pytest.mark.parametrize(
    ("n", "m", "k"), [(3, None, 0), (3, 4, 1), (4, 3, -2), (2, 2, 5), (0, 3, 0), (3, 3, -3)]
)
def test_eye(n, m, k):
    assert_exact(jnp.eye(n, m, k), np.eye(n, m, k, dtype=np.float32))
    assert_exact(jnp.eye(n, m, k, dtype=bool), np.eye(n, m, k, dtype=bool))


def test_identity_and_array_ndmin():
    assert_exact(jnp.identity(3, dtype="int32"), np.identity(3, dtype=np.int32))
    assert_exact(jnp.array([1, 2], ndmin=3), np.array([1, 2], ndmin=3).astype(np.int32))
    assert_exact(jnp.array(2.0, dtype="float32"), np.array(2.0, np.float32))

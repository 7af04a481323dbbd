"""The Array type: attributes, methods, conversions, repr, operators and basic indexing."""

import operator

import ferrax
import ferrax.numpy as jnp
import numpy as np
import pytest
from helpers import assert_exact


def canonical(dtype):
    """The dtype JAX gives where NumPy (2.x, NEP 50) gives ``dtype``: 64 bits become 32."""
    return np.dtype({"float64": "float32", "int64": "int32"}.get(np.dtype(dtype).name, dtype))


@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 1, 4), (3, 0, 2)])
@pytest.mark.parametrize("dtype", ["float32", "int32", "uint32", "bool"])
def test_attributes(shape, dtype, rng):
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    a = jnp.asarray(x)
    assert isinstance(a, ferrax.Array) and isinstance(a, jnp.ndarray)
    assert a.shape == x.shape and isinstance(a.shape, tuple)
    assert a.dtype == x.dtype and isinstance(a.dtype, np.dtype)
    assert a.ndim == x.ndim and a.size == x.size
    assert not a.weak_type
    assert_exact(a, x)
    assert_exact(a.T, x.T)


def test_item_and_tolist(rng):
    for value in [1.5, 7, True, np.float32(2.25), np.int32(-3), np.uint32(4)]:
        a = jnp.asarray(value)
        item = a.item()
        expected = np.asarray(value).item()
        assert item == expected and type(item) is type(expected)
    x = rng.standard_normal((2, 3)).astype("float32")
    assert jnp.asarray(x).tolist() == x.tolist()
    xi = np.arange(6, dtype="int32").reshape(3, 2)
    assert jnp.asarray(xi).tolist() == xi.tolist()
    assert jnp.asarray([True, False]).tolist() == [True, False]
    assert jnp.asarray([[4.0]]).item() == 4.0
    with pytest.raises((TypeError, ValueError)):
        jnp.asarray([1.0, 2.0]).item()


@pytest.mark.parametrize("spelling", ["int32", np.int32, np.dtype("int32"), "i4", jnp.int32])
def test_astype_spellings(spelling):
    a = jnp.asarray([1.7, -2.7, 3.0])
    out = a.astype(spelling)
    assert out.dtype == np.int32
    assert_exact(out, np.array([1.7, -2.7, 3.0], np.float32).astype(np.int32))
    assert a.astype(bool).dtype == np.bool_
    assert a.astype("uint32").astype(float).dtype == np.float32


def test_reshape_and_transpose_forms(rng):
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    a = jnp.asarray(x)
    assert_exact(a.reshape(6, 4), x.reshape(6, 4))
    assert_exact(a.reshape((4, 6)), x.reshape((4, 6)))
    assert_exact(a.reshape(-1), x.reshape(-1))
    assert_exact(a.reshape(2, -1, 2), x.reshape(2, -1, 2))
    assert_exact(a.transpose(), x.transpose())
    assert_exact(a.transpose(1, 0, 2), x.transpose(1, 0, 2))
    assert_exact(a.transpose((2, 0, 1)), x.transpose((2, 0, 1)))
    assert_exact(a.transpose(-1, 0, 1), x.transpose(-1, 0, 1))


@pytest.mark.parametrize("method", ["sum", "mean", "max", "min", "prod"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_methods(method, axis, keepdims, rng):
    x = rng.uniform(0.5, 1.5, (3, 4)).astype("float32")
    got = getattr(jnp.asarray(x), method)(axis=axis, keepdims=keepdims)
    expected = getattr(x.astype(np.float64), method)(axis=axis, keepdims=keepdims)
    assert got.dtype == np.float32 and got.shape == expected.shape
    np.testing.assert_allclose(np.asarray(got), expected, rtol=2e-6)


def test_argmax_argmin_methods(rng):
    x = rng.standard_normal((4, 5)).astype("float32")
    a = jnp.asarray(x)
    assert_exact(a.argmax(), np.int32(np.argmax(x)))
    assert_exact(a.argmin(axis=1), np.argmin(x, axis=1).astype(np.int32))
    assert_exact(a.argmax(axis=0), np.argmax(x, axis=0).astype(np.int32))


def test_len_and_iteration(rng):
    x = rng.standard_normal((3, 2)).astype("float32")
    a = jnp.asarray(x)
    assert len(a) == 3
    rows = list(a)
    assert len(rows) == 3
    for row, expected in zip(rows, x):
        assert isinstance(row, ferrax.Array)
        assert_exact(row, expected)
    assert [r.item() for r in jnp.asarray([1, 2, 3])] == [1, 2, 3]
    with pytest.raises(TypeError):
        len(jnp.asarray(1.0))
    with pytest.raises(TypeError):
        iter(jnp.asarray(1.0))


def test_scalar_conversions():
    assert float(jnp.asarray(2.5)) == 2.5
    assert int(jnp.asarray(3.7)) == 3
    assert int(jnp.asarray(-3.7)) == -3
    assert bool(jnp.asarray(0.0)) is False and bool(jnp.asarray([2])) is True
    assert operator.index(jnp.asarray(4)) == 4
    assert [10, 20, 30][jnp.asarray(1)] == 20
    assert float(jnp.asarray([[1.5]])) == 1.5
    with pytest.raises(TypeError):
        operator.index(jnp.asarray(4.0))
    with pytest.raises(TypeError):
        float(jnp.asarray([1.0, 2.0]))
    with pytest.raises(ValueError):
        bool(jnp.asarray([1.0, 2.0]))


def test_block_until_ready(rng):
    x = rng.standard_normal(4).astype("float32")
    a = jnp.asarray(x) * 2
    assert_exact(a.block_until_ready(), x * 2)
    assert ferrax.block_until_ready(a) is a
    tree = {"a": a, "b": [a, (a, 3)]}
    assert ferrax.block_until_ready(tree) is tree
    host = ferrax.device_get(tree)
    assert isinstance(host["b"][1][0], np.ndarray) and host["b"][1][1] == 3
    assert_exact(host["a"], x * 2)


def jax_style_repr(value, weak=False):
    """The repr JAX prints: ``Array(<array2string with ', '>, dtype=<name>[, weak_type=True])``."""
    dtype = f"dtype={value.dtype.name}" + (", weak_type=True" if weak else "") + ")"
    if value.size == 0:
        body = f"[], shape={value.shape}"
    else:
        body = np.array2string(value, prefix="Array(", suffix=",", separator=", ")
    return f"Array({body}, {dtype}"


@pytest.mark.parametrize(
    "value",
    [
        np.array([1.0, 2.0], np.float32),
        np.array([1, 2, 3], np.int32),
        np.array([True, False]),
        np.array([[1.0, 2.5], [3.0, 4.0]], np.float32),
        np.array([[1, 2], [3, 4]], np.uint32),
        np.array(3.5, np.float32),
        np.zeros((0,), np.float32),
    ],
    ids=["f32", "i32", "bool", "2d", "u32-2d", "scalar", "empty"],
)
def test_repr(value):
    assert repr(jnp.asarray(value)) == jax_style_repr(value)


def test_repr_literal_and_weak():
    assert repr(jnp.asarray([1.0, 2.0])) == "Array([1., 2.], dtype=float32)"
    assert repr(jnp.asarray(2.0)) == jax_style_repr(np.array(2.0, np.float32), weak=True)


def test_arrays_are_immutable_and_unhashable():
    a = jnp.asarray([1.0, 2.0])
    with pytest.raises(TypeError):
        a[0] = 5.0
    with pytest.raises(TypeError):
        hash(a)
    b = a
    a += 1
    assert_exact(b, np.array([1.0, 2.0], np.float32))
    assert_exact(a, np.array([2.0, 3.0], np.float32))


BINARY_OPS = [
    operator.add,
    operator.sub,
    operator.mul,
    operator.truediv,
    operator.floordiv,
    operator.mod,
    operator.pow,
    operator.eq,
    operator.ne,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
]
INT_OPS = [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]


def _compare(got, expected_np, int_div=False):
    expected_dtype = np.dtype(np.float32) if int_div else canonical(expected_np.dtype)
    assert isinstance(got, ferrax.Array)
    assert got.dtype == expected_dtype, (got.dtype, expected_dtype)
    assert got.shape == expected_np.shape
    if expected_dtype.kind == "f":
        np.testing.assert_allclose(np.asarray(got), expected_np, rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_array_equal(np.asarray(got), expected_np)


@pytest.mark.parametrize("op", BINARY_OPS, ids=lambda o: o.__name__)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_binary_operators(op, dtype, rng):
    x = rng.integers(1, 6, (3, 4)).astype(dtype)
    y = rng.integers(1, 4, (4,)).astype(dtype)
    a, b = jnp.asarray(x), jnp.asarray(y)
    int_div = op is operator.truediv and dtype == "int32"
    _compare(op(a, b), op(x, y), int_div)
    _compare(op(a, y), op(x, y), int_div)  # Array op ndarray
    _compare(op(x, b), op(x, y), int_div)  # ndarray op Array: NumPy defers to Array
    for scalar in (2, 3.0):
        exp_l, exp_r = op(x, scalar), op(scalar, x)
        int_div_s = int_div and isinstance(scalar, int)
        _compare(op(a, scalar), exp_l, int_div_s)
        _compare(op(scalar, a), exp_r, int_div_s)


@pytest.mark.parametrize("op", INT_OPS, ids=lambda o: o.__name__)
def test_integer_operators(op, rng):
    x = rng.integers(0, 1000, (5,)).astype("int32")
    y = rng.integers(0, 8, (5,)).astype("int32")
    _compare(op(jnp.asarray(x), jnp.asarray(y)), op(x, y))
    _compare(op(jnp.asarray(x), 3), op(x, 3))
    if op not in (operator.lshift, operator.rshift):
        b = np.array([True, False, True])
        _compare(op(jnp.asarray(b), jnp.asarray(~b)), op(b, ~b))


def test_unary_operators(rng):
    x = rng.standard_normal(6).astype("float32")
    a = jnp.asarray(x)
    assert_exact(-a, -x)
    assert_exact(+a, +x)
    assert_exact(abs(a), abs(x))
    xi = np.array([1, -2, 3], np.int32)
    assert_exact(~jnp.asarray(xi), ~xi)
    assert_exact(~jnp.asarray([True, False]), np.array([False, True]))


def test_matmul_operator(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    y = rng.standard_normal((4, 2)).astype("float32")
    got = jnp.asarray(x) @ jnp.asarray(y)
    np.testing.assert_allclose(np.asarray(got), x.astype(float) @ y, rtol=1e-5, atol=1e-6)
    got = x @ jnp.asarray(y)
    assert isinstance(got, ferrax.Array)
    np.testing.assert_allclose(np.asarray(got), x.astype(float) @ y, rtol=1e-5, atol=1e-6)


X = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
INDICES = [
    0,
    -1,
    2,
    (1, 2),
    (1, -1, 3),
    (-3, 0, -5),
    slice(None),
    slice(1, None),
    slice(None, 2),
    slice(None, None, 2),
    slice(None, None, -1),
    slice(2, 0, -1),
    slice(-1, None, -2),
    slice(5, 10),
    slice(-10, 10),
    slice(2, 1),
    (slice(None), 1),
    (slice(None), slice(1, 3)),
    (slice(None, None, -1), slice(None, None, 3)),
    (0, slice(None, None, -2), slice(1, 4, 2)),
    None,
    (None, 0),
    (0, None),
    (slice(None), None, 1),
    (None, None, Ellipsis, None),
    Ellipsis,
    (Ellipsis, 0),
    (0, Ellipsis),
    (Ellipsis, slice(None, None, -1)),
    (1, Ellipsis, 2),
    (None, Ellipsis, 1, None),
    (slice(1, 2), Ellipsis, -1),
    (),
    np.int32(1),
    (np.int64(-1), slice(None)),
]


@pytest.mark.parametrize("idx", INDICES, ids=repr)
def test_basic_indexing(idx):
    assert_exact(jnp.asarray(X)[idx], X[idx])


def test_indexing_scalars_and_dtypes():
    for dtype in ["int32", "uint32", "bool"]:
        x = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
        assert_exact(jnp.asarray(x)[1, ::-2], x[1, ::-2])
    s = jnp.asarray(5.0)
    assert_exact(s[()], np.array(5.0, np.float32))
    assert_exact(s[...], np.array(5.0, np.float32))
    assert_exact(s[None], np.array([5.0], np.float32))


@pytest.mark.parametrize("idx", [3, -4, (0, 4), (0, 0, 5), (0, 0, -6), (0, 0, 0, 0)], ids=repr)
def test_indexing_out_of_range(idx):
    with pytest.raises(IndexError):
        jnp.asarray(X)[idx]


def test_bad_indices():
    a = jnp.asarray(X)
    with pytest.raises(IndexError):
        a[..., 0, ...]
    with pytest.raises(ValueError):
        a[::0]
    with pytest.raises((TypeError, IndexError)):
        a[1.5]
    with pytest.raises((TypeError, IndexError)):
        a["x"]

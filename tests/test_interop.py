"""NumPy interop: zero-copy read-only views out, conversion in from every dtype and layout,
and mixed NumPy/ferrax arithmetic giving ferrax Arrays."""

import operator

import ferrax
import ferrax.numpy as jnp
import numpy as np
import pytest
from helpers import assert_exact, x64_mode

SUPPORTED = ["bool", "int32", "uint32", "float32"]


@pytest.mark.parametrize("dtype", SUPPORTED)
def test_asarray_is_zero_copy_and_read_only(dtype):
    a = jnp.asarray(np.arange(12).reshape(3, 4).astype(dtype)) + jnp.zeros((), dtype)
    v1, v2 = np.asarray(a), np.asarray(a)
    assert np.shares_memory(v1, v2)
    assert not v1.flags.writeable
    with pytest.raises(ValueError):
        v1[0, 0] = 1
    assert v1.dtype == np.dtype(dtype) and v1.shape == (3, 4)


def test_array_dtype_argument_and_copies():
    a = jnp.asarray([1.5, 2.5])
    as64 = np.asarray(a, dtype=np.float64)
    assert as64.dtype == np.float64 and as64.tolist() == [1.5, 2.5]
    copy = np.array(a)
    copy[0] = 9.0  # np.array copies, so the copy is writable and the Array unchanged
    assert a.tolist() == [1.5, 2.5]


@pytest.mark.parametrize("dtype", SUPPORTED)
@pytest.mark.parametrize(
    "layout",
    ["contiguous", "fortran", "strided", "reversed", "transposed", "broadcast", "byteswapped"],
)
def test_from_numpy_any_layout(dtype, layout, rng):
    base = (rng.standard_normal((6, 8)) * 50).astype(dtype)
    x = {
        "contiguous": base,
        "fortran": np.asfortranarray(base),
        "strided": base[::2, 1::3],
        "reversed": base[::-1, ::-2],
        "transposed": base.T,
        "broadcast": np.broadcast_to(base[:1], (4, 8)),
        "byteswapped": base.astype(base.dtype.newbyteorder(">")),
    }[layout]
    a = jnp.asarray(x)
    assert a.dtype == np.dtype(dtype)
    assert_exact(a, np.ascontiguousarray(x).astype(dtype))


def test_from_numpy_is_a_snapshot():
    x = np.arange(4, dtype=np.float32)
    a = jnp.asarray(x)
    x[0] = 100.0  # Arrays are immutable: later writes to the source must not show through
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("src", "dtype32", "dtype64"),
    [("float64", "float32", "float64"), ("int64", "int32", "int64")],
)
def test_64_bit_numpy_inputs_are_canonicalized(src, dtype32, dtype64, rng):
    x = (rng.standard_normal(5) * 100).astype(src)
    with x64_mode(False):
        a = jnp.asarray(x)
        assert a.dtype == np.dtype(dtype32)
        assert_exact(a, x.astype(dtype32))
    with x64_mode(True):
        a = jnp.asarray(x)
        assert a.dtype == np.dtype(dtype64)
        assert_exact(a, x)


@pytest.mark.parametrize("src", ["int8", "uint8", "int16", "uint16", "float16"])
def test_narrow_numpy_inputs(src):
    x = np.array([1, 2, 3], dtype=src)
    try:
        a = jnp.asarray(x)
    except TypeError as e:  # an unsupported dtype must be a clean TypeError naming it
        assert isinstance(e, ferrax.errors.FerraxError)
        assert src in str(e)
    else:  # or a widening that keeps the values
        assert a.dtype.kind == x.dtype.kind and a.dtype.itemsize >= x.dtype.itemsize
        np.testing.assert_array_equal(np.asarray(a), x)


@pytest.mark.parametrize("value", [np.array([1 + 2j]), np.array(["a"]), np.array([object()])])
def test_unsupported_numpy_inputs_raise_type_error(value):
    with pytest.raises(TypeError) as info:
        jnp.asarray(value)
    assert isinstance(info.value, ferrax.errors.FerraxError)


def test_from_lists_and_scalars():
    assert_exact(jnp.asarray([[1, 2], [3, 4]]), np.array([[1, 2], [3, 4]], np.int32))
    assert_exact(jnp.asarray([1.0, 2]), np.array([1.0, 2.0], np.float32))
    assert_exact(jnp.asarray([True, False]), np.array([True, False]))
    assert_exact(jnp.asarray([np.float32(1), 2]), np.array([1, 2], np.float32))
    assert_exact(jnp.asarray(3.0), np.array(3.0, np.float32))
    assert_exact(jnp.asarray([]), np.zeros((0,), np.float32))
    assert_exact(jnp.asarray([[], []]), np.zeros((2, 0), np.float32))
    nested = [jnp.asarray([1.0, 2.0]), jnp.asarray([3.0, 4.0])]
    assert_exact(jnp.asarray(nested), np.array([[1, 2], [3, 4]], np.float32))
    with pytest.raises(ValueError):
        jnp.asarray([[1, 2], [3]])


def test_asarray_of_array_passes_through():
    a = jnp.asarray([1.0, 2.0])
    assert jnp.asarray(a) is a
    assert jnp.asarray(a, dtype="int32").dtype == np.int32


@pytest.mark.parametrize(
    "op",
    [
        operator.add,
        operator.sub,
        operator.mul,
        operator.truediv,
        operator.lt,
        operator.eq,
        operator.pow,
    ],
    ids=lambda o: o.__name__,
)
def test_numpy_op_ferrax_gives_ferrax(op, rng):
    x = rng.uniform(1, 2, (3, 4)).astype(np.float32)
    y = rng.uniform(1, 2, (4,)).astype(np.float32)
    for left, right in ((x, jnp.asarray(y)), (jnp.asarray(x), y)):
        got = op(left, right)
        assert isinstance(got, ferrax.Array), type(got)
        np.testing.assert_allclose(np.asarray(got), op(x, y), rtol=1e-6)


def test_numpy_functions_accept_arrays(rng):
    x = rng.standard_normal((3, 3)).astype(np.float32)
    a = jnp.asarray(x)
    np.testing.assert_allclose(np.sum(np.asarray(a)), np.sum(x), rtol=1e-6)
    np.testing.assert_array_equal(np.sin(np.asarray(a)), np.sin(x))
    np.testing.assert_array_equal(np.concatenate([a, a]), np.concatenate([x, x]))


def test_device_get_returns_numpy():
    a = jnp.asarray([1, 2, 3])
    host = ferrax.device_get(a)
    assert isinstance(host, np.ndarray) and host.dtype == np.int32
    assert host.tolist() == [1, 2, 3]

"""JAX's type promotion with weak types, and 64-bit canonicalization.

The expectations below are written out by hand from JAX's type-promotion lattice
(b1 < i* < {u32, i32} < i64 < f* < f32 < f64, where i* and f* are the weak types of Python
ints and floats, u32 v i32 = i64); nothing here re-derives them from code.
"""

import os
import subprocess
import sys

import ferrax
import ferrax.numpy as jnp
import numpy as np
import pytest
from helpers import x64_mode

# Operand kinds: strong arrays of a dtype, or Python scalars (weak).
STRONG = {
    "b": "bool",
    "i32": "int32",
    "u32": "uint32",
    "f32": "float32",
    "i64": "int64",
    "f64": "float64",
}
PY = {"I": 3, "F": 2.5, "B": True}  # Python int (weak), float (weak), bool (strong bool)


def operand(kind):
    """An array or Python scalar of the given kind."""
    if kind in PY:
        return PY[kind]
    return jnp.asarray(np.ones(3, dtype=STRONG[kind]))


# (lhs, rhs, dtype, weak) with x64 disabled.
TABLE_32 = [
    ("b", "b", "bool", False),
    ("b", "I", "int32", True),
    ("b", "F", "float32", True),
    ("b", "i32", "int32", False),
    ("b", "u32", "uint32", False),
    ("b", "f32", "float32", False),
    ("b", "B", "bool", False),
    ("i32", "I", "int32", False),
    ("i32", "F", "float32", True),
    ("i32", "i32", "int32", False),
    ("i32", "u32", "int32", False),  # i64 on the lattice, canonicalized to 32 bits
    ("i32", "f32", "float32", False),
    ("i32", "B", "int32", False),
    ("u32", "I", "uint32", False),
    ("u32", "F", "float32", True),
    ("u32", "u32", "uint32", False),
    ("u32", "f32", "float32", False),
    ("f32", "I", "float32", False),
    ("f32", "F", "float32", False),
    ("f32", "f32", "float32", False),
    ("f32", "B", "float32", False),
    ("I", "I", "int32", True),
    ("I", "F", "float32", True),
    ("F", "F", "float32", True),
]

# (lhs, rhs, dtype, weak) with x64 enabled.
TABLE_64 = [
    ("i32", "u32", "int64", False),
    ("i32", "I", "int32", False),
    ("i32", "F", "float64", True),
    ("u32", "I", "uint32", False),
    ("i64", "i32", "int64", False),
    ("i64", "u32", "int64", False),
    ("i64", "F", "float64", True),
    ("i64", "f32", "float32", False),
    ("f32", "F", "float32", False),
    ("f32", "I", "float32", False),
    ("f32", "f64", "float64", False),
    ("f64", "I", "float64", False),
    ("b", "I", "int64", True),
    ("I", "I", "int64", True),
    ("F", "F", "float64", True),
    ("I", "F", "float64", True),
]


def _check_pair(lhs, rhs, dtype, weak):
    a, b = operand(lhs), operand(rhs)
    for x, y in ((a, b), (b, a)):
        expected = np.dtype(dtype)
        assert np.dtype(ferrax._ferrax.result_type(x, y)) == expected
        assert jnp.result_type(x, y) == expected
        if isinstance(x, ferrax.Array) or isinstance(y, ferrax.Array):
            out = jnp.add(x, y)
        else:
            out = jnp.add(jnp.asarray(x), jnp.asarray(y))
        assert out.dtype == expected, f"{lhs} + {rhs}: {out.dtype} != {dtype}"
        assert out.weak_type == weak, f"{lhs} + {rhs}: weak_type {out.weak_type} != {weak}"


@pytest.mark.parametrize(("lhs", "rhs", "dtype", "weak"), TABLE_32)
def test_lattice_without_x64(lhs, rhs, dtype, weak, no_x64):
    _check_pair(lhs, rhs, dtype, weak)


@pytest.mark.parametrize(("lhs", "rhs", "dtype", "weak"), TABLE_64)
def test_lattice_with_x64(lhs, rhs, dtype, weak, x64):
    _check_pair(lhs, rhs, dtype, weak)


@pytest.mark.parametrize(
    ("expr", "dtype", "weak"),
    [
        (lambda f, i: f * 2.0, "float32", False),
        (lambda f, i: 2.0 * f, "float32", False),
        (lambda f, i: f / 3, "float32", False),
        (lambda f, i: i + 1.5, "float32", True),
        (lambda f, i: 1.5 - i, "float32", True),
        (lambda f, i: i * 2, "int32", False),
        (lambda f, i: i / 2, "float32", False),  # true division of ints gives the default float
        (lambda f, i: i // 2, "int32", False),
        (lambda f, i: i**2, "int32", False),
        (lambda f, i: i < 2.5, "bool", False),
        (lambda f, i: (i > 0) + 1, "int32", True),
    ],
)
def test_operators_keep_weak_types(expr, dtype, weak, no_x64):
    f = jnp.asarray(np.ones(3, np.float32))
    i = jnp.asarray(np.ones(3, np.int32))
    out = expr(f, i)
    assert out.dtype == np.dtype(dtype)
    assert out.weak_type == weak


def test_python_scalars_are_weak(no_x64):
    assert jnp.asarray(2.0).weak_type and jnp.asarray(2.0).dtype == np.float32
    assert jnp.asarray(2).weak_type and jnp.asarray(2).dtype == np.int32
    assert not jnp.asarray(True).weak_type and jnp.asarray(True).dtype == np.bool_
    assert not jnp.asarray(2.0, dtype="float32").weak_type
    assert not jnp.asarray(np.float32(2.0)).weak_type
    assert not jnp.asarray([1.0, 2.0]).weak_type


def test_numpy_scalars_are_strong(no_x64):
    i = jnp.asarray(np.ones(3, np.int32))
    assert (i + np.float32(1.5)).dtype == np.float32
    assert not (i + np.float32(1.5)).weak_type
    f = jnp.asarray(np.ones(3, np.float32))
    assert (f + np.int32(1)).dtype == np.float32
    assert not (f + np.float64(1.0)).weak_type  # np.float64 subclasses float but is strong
    assert not jnp.asarray(np.float64(1.0)).weak_type
    with x64_mode(True):
        assert (f + np.float64(1.0)).dtype == np.float64
        assert (jnp.asarray(np.ones(3, np.int32)) + np.int64(1)).dtype == np.int64


def test_weak_scalars_adopt_the_other_operands_width(x64):
    f32 = jnp.asarray(np.ones(3, np.float32))
    assert (f32 * 2.0).dtype == np.float32
    i32 = jnp.asarray(np.ones(3, np.int32))
    assert (i32 + 1).dtype == np.int32
    assert (i32 + 1.0).dtype == np.float64  # the weak float is float64 under x64


@pytest.mark.parametrize(
    ("value", "dtype32", "dtype64"),
    [
        (np.zeros(2, np.float64), "float32", "float64"),
        (np.zeros(2, np.int64), "int32", "int64"),
        (np.zeros(2, np.float32), "float32", "float32"),
        (np.zeros(2, np.uint32), "uint32", "uint32"),
        (1.5, "float32", "float64"),
        (7, "int32", "int64"),
        ([1.0, 2.0], "float32", "float64"),
        ([1, 2], "int32", "int64"),
        ([True, 2], "int32", "int64"),
        ([1, 2.5], "float32", "float64"),
        ([], "float32", "float64"),
    ],
)
def test_canonicalization(value, dtype32, dtype64):
    with x64_mode(False):
        assert jnp.asarray(value).dtype == np.dtype(dtype32)
    with x64_mode(True):
        assert jnp.asarray(value).dtype == np.dtype(dtype64)


@pytest.mark.parametrize("dtype", ["float64", "int64", float, int, np.float64, "f8"])
def test_64_bit_dtype_requests_are_canonicalized_without_x64(dtype, no_x64):
    expected = "float32" if np.dtype(dtype).kind == "f" else "int32"
    assert jnp.zeros(3, dtype=dtype).dtype == np.dtype(expected)
    assert jnp.asarray([1, 2], dtype=dtype).dtype == np.dtype(expected)
    assert jnp.ones(2).astype(dtype).dtype == np.dtype(expected)


def test_defaults_follow_x64():
    with x64_mode(False):
        assert jnp.zeros(2).dtype == np.float32
        assert jnp.arange(3).dtype == np.int32
        assert jnp.sum(jnp.asarray([True, False])).dtype == np.int32
    with x64_mode(True):
        assert jnp.zeros(2).dtype == np.float64
        assert jnp.arange(3).dtype == np.int64
        assert jnp.sum(jnp.asarray([True, False])).dtype == np.int64


def test_python_int_overflow(no_x64):
    with pytest.raises(OverflowError):
        jnp.asarray(2**40)
    with pytest.raises(OverflowError):
        jnp.asarray(np.ones(2, np.int32)) + 2**40
    with x64_mode(True):
        assert jnp.asarray(2**40).dtype == np.int64
        with pytest.raises(OverflowError):
            jnp.asarray(2**70)


def test_config_update_and_attribute():
    with x64_mode(False):
        assert ferrax.config.jax_enable_x64 is False
        ferrax.config.update("jax_enable_x64", True)
        assert ferrax.config.jax_enable_x64 is True
        assert ferrax._ferrax.x64_enabled() is True
        ferrax.config.jax_enable_x64 = False
        assert ferrax._ferrax.x64_enabled() is False
    with pytest.raises(AttributeError):
        ferrax.config.update("jax_no_such_flag", True)


def test_env_var_enables_x64_at_import():
    code = "import ferrax, ferrax.numpy as jnp; print(jnp.asarray(1.5).dtype)"
    for env_value, expected in (("1", "float64"), ("0", "float32")):
        env = {**os.environ, "FERRAX_ENABLE_X64": env_value}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == expected


@pytest.mark.parametrize(
    ("a", "b", "expected32", "expected64"),
    [
        # u32 v i32 = i64 on the lattice; a new dtype is canonicalized without x64, as in JAX
        ("int32", "uint32", "int32", "int64"),
        (jnp.uint32, jnp.int32, "int32", "int64"),
        ("bool", "int32", "int32", "int32"),
        (jnp.bool_, jnp.float32, "float32", "float32"),
        ("float32", "int32", "float32", "float32"),
        ("uint32", "float32", "float32", "float32"),
        (np.int32, np.float32, "float32", "float32"),
        # an operand's own 64-bit dtype is not canonicalized; Python types count as 64-bit
        ("int64", "int32", "int64", "int64"),
        ("float64", "float32", "float64", "float64"),
        ("float32", float, "float32", "float32"),
        ("int32", float, "float64", "float64"),
        ("int32", int, "int32", "int32"),
        ("bool", int, "int64", "int64"),
        ("uint32", int, "uint32", "uint32"),
        (int, float, "float64", "float64"),
    ],
)
@pytest.mark.parametrize("x64_enabled", [False, True])
def test_promote_types(a, b, expected32, expected64, x64_enabled):
    expected = np.dtype(expected64 if x64_enabled else expected32)
    with x64_mode(x64_enabled):
        assert jnp.promote_types(a, b) == expected
        assert jnp.promote_types(b, a) == expected


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [("int32", "float32"), ("uint32", "float32"), ("bool", "float32"), ("int64", "float64")],
)
def test_float_functions_keep_the_integer_width(dtype, expected, x64):
    """JAX's promote_dtypes_inexact: a strong integer becomes the float of its width (with
    x64, int32 gives float32), a weak one the default float."""
    x = jnp.asarray(np.array([1, 0], dtype))
    for out in (jnp.sin(x), jnp.true_divide(x, x), jnp.mean(x), jnp.sqrt(x)):
        assert (out.dtype, out.weak_type) == (np.dtype(expected), False)
    assert (jnp.sin(2).dtype, jnp.sin(2).weak_type) == (np.float64, True)

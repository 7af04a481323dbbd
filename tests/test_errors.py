"""Error types and messages: each mistake raises the builtin class a JAX user expects, derives
from FerraxError, and names the operation and the offending shapes, axes or dtypes."""

import re

import ferrax
import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import errors, lax


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (errors.FerraxTypeError, (TypeError,)),
        (errors.FerraxValueError, (ValueError,)),
        (errors.FerraxIndexError, (IndexError,)),
        (errors.AxisError, (ValueError, IndexError)),
        (errors.ConcretizationTypeError, (TypeError, errors.FerraxTypeError)),
        (errors.FerraxNotImplementedError, (NotImplementedError,)),
        (errors.FerraxOverflowError, (OverflowError,)),
        (errors.FerraxRuntimeError, (RuntimeError,)),
    ],
)
def test_hierarchy(cls, bases):
    assert issubclass(cls, errors.FerraxError)
    for base in bases:
        assert issubclass(cls, base)
    with pytest.raises(errors.FerraxError):
        raise cls("message")


def raises(exc, fn, *words):
    """Asserts that ``fn()`` raises ``exc`` (a FerraxError) whose message has all ``words``."""
    with pytest.raises(exc) as info:
        fn()
    assert isinstance(info.value, errors.FerraxError), type(info.value).__mro__
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


SHAPE_ERRORS = (TypeError, ValueError)  # JAX uses both for shape mismatches


def test_broadcast_mismatch_names_op_and_shapes():
    raises(SHAPE_ERRORS, lambda: jnp.ones(3) + jnp.ones(4), "add", "(3,)", "(4,)")
    raises(
        SHAPE_ERRORS,
        lambda: jnp.multiply(jnp.ones((2, 3)), jnp.ones((3, 2))),
        "mul",
        "(2, 3)",
        "(3, 2)",
    )
    raises(SHAPE_ERRORS, lambda: jnp.where(jnp.ones(2) > 0, jnp.ones(3), 0.0), "(2,)", "(3,)")


def test_matmul_mismatch():
    raises(
        SHAPE_ERRORS,
        lambda: jnp.matmul(jnp.ones((2, 3)), jnp.ones((4, 2))),
        "matmul",
        "(2, 3)",
        "(4, 2)",
    )
    raises(SHAPE_ERRORS, lambda: jnp.ones((2, 3)) @ jnp.ones(4), "(2, 3)", "(4,)")
    raises(
        SHAPE_ERRORS,
        lambda: lax.dot_general(jnp.ones((2, 3)), jnp.ones((4, 2)), (((1,), (0,)), ((), ()))),
        "dot_general",
    )


@pytest.mark.parametrize(
    ("fn", "op"),
    [
        (lambda x: jnp.sum(x, axis=5), "sum"),
        (lambda x: jnp.max(x, axis=-4), "max"),
        (lambda x: jnp.mean(x, axis=(0, 7)), "mean"),
        (lambda x: jnp.argmax(x, axis=3), "argmax"),
        (lambda x: jnp.cumsum(x, axis=3), "cumsum"),
        (lambda x: jnp.expand_dims(x, 5), "expand_dims"),
        (lambda x: jnp.concatenate([x, x], axis=4), "concatenate"),
        (lambda x: jnp.squeeze(x, 4), "squeeze"),
        (lambda x: jnp.stack([x, x], axis=4), "stack"),
    ],
)
def test_bad_axes_raise_axis_error(fn, op):
    x = jnp.ones((2, 3, 1))
    message = raises(errors.AxisError, lambda: fn(x), op)
    assert re.search(r"-?\d", message)
    with pytest.raises(IndexError):  # AxisError is an IndexError too
        fn(x)


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (lambda: jnp.bitwise_and(jnp.ones(3), jnp.ones(3)), ["float32"]),
        (lambda: jnp.invert(jnp.ones(3)), ["float32"]),
        (lambda: lax.shift_left(jnp.ones(3), 1), ["float32"]),
        (lambda: jnp.zeros(3, dtype="float16"), ["float16"]),
        (lambda: jnp.asarray([1.0], dtype="complex64"), ["complex64"]),
        (lambda: jnp.ones(2).astype("int8"), ["int8"]),
        (lambda: jnp.negative(jnp.asarray([True])), ["neg", "bool"]),
    ],
)
def test_bad_dtypes_raise_type_error(fn, words):
    raises(TypeError, fn, *words)


def test_bad_reshape():
    raises(ValueError, lambda: jnp.reshape(jnp.ones(6), (4,)), "reshape", "(6,)", "(4,)")
    raises(ValueError, lambda: jnp.ones(6).reshape(-1, -1), "reshape")
    raises(ValueError, lambda: jnp.ones(7).reshape(2, -1), "reshape", "(7,)")


def test_bad_transpose_and_shapes():
    raises(ValueError, lambda: jnp.transpose(jnp.ones((2, 3)), (0, 0)), "transpose")
    raises(ValueError, lambda: jnp.transpose(jnp.ones((2, 3)), (0,)), "transpose")
    raises(ValueError, lambda: jnp.zeros((-1, 2)), "zeros", "-1")
    raises(ValueError, lambda: jnp.broadcast_to(jnp.ones(3), (4,)), "(3,)", "(4,)")
    raises(
        ValueError,
        lambda: lax.broadcast_in_dim(jnp.ones(3), (4,), (0,)),
        "broadcast_in_dim",
        "(3,)",
        "(4,)",
    )
    raises(
        ValueError,
        lambda: jnp.concatenate([jnp.ones((2, 3)), jnp.ones((3, 2))]),
        "concatenate",
        "(2, 3)",
        "(3, 2)",
    )
    raises(ValueError, lambda: lax.slice(jnp.ones(4), (1,), (9,)), "slice", "(4,)")
    raises(ValueError, lambda: lax.pad(jnp.ones(4), 0.0, [(0, 0, -1)]), "pad")
    raises(ValueError, lambda: lax.pad(jnp.ones(4), 0.0, [(-3, -3, 0)]), "pad")
    raises(ValueError, lambda: lax.squeeze(jnp.ones((2, 3)), (0,)), "squeeze", "(2, 3)")
    raises(ValueError, lambda: lax.sort([jnp.ones(3), jnp.ones(4)]), "sort")
    raises(SHAPE_ERRORS, lambda: lax.dynamic_slice(jnp.ones(4), (0,), (5,)), "dynamic_slice")
    raises(
        SHAPE_ERRORS,
        lambda: lax.dynamic_update_slice(jnp.ones(4), jnp.ones(5), (0,)),
        "dynamic_update_slice",
    )


@pytest.mark.parametrize(
    ("idx", "words"),
    [(5, ["5", "3"]), (-4, ["-4", "3"]), ((0, 7), ["7", "4"]), ((0, 0, 0), [])],
    ids=repr,
)
def test_index_out_of_range(idx, words):
    raises(IndexError, lambda: jnp.ones((3, 4))[idx], *words)


def test_overflow():
    raises(OverflowError, lambda: jnp.asarray(2**40), "int32")
    raises(OverflowError, lambda: jnp.ones(3, dtype="int32") * 2**33)
    with pytest.raises(OverflowError):
        jnp.asarray(2**32, dtype="uint32")
    # The full uint32 range is reachable from Python ints.
    assert jnp.asarray(2**32 - 1, dtype="uint32").item() == 2**32 - 1


def test_not_implemented():
    raises(NotImplementedError, lambda: jnp.einsum("ij", jnp.ones((2, 2)), out=1), "out")
    raises(NotImplementedError, lambda: jnp.sum(jnp.ones(2), out=np.zeros(())), "out")


def test_concretization_error():
    with pytest.raises(errors.ConcretizationTypeError) as info:
        ferrax.make_jaxpr(lambda x: int(x))(jnp.ones(()))
    assert isinstance(info.value, TypeError)
    with pytest.raises(errors.ConcretizationTypeError):
        ferrax.make_jaxpr(lambda x: bool(x > 0))(1.0)
    with pytest.raises(errors.ConcretizationTypeError):
        ferrax.make_jaxpr(lambda x: x.item())(1.0)


def test_errors_do_not_poison_later_calls():
    with pytest.raises(ValueError):
        jnp.ones(3) + jnp.ones(4)
    assert (jnp.ones(3) + 1).tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize(
    ("fn", "op"),
    [
        (lambda: lax.iota("int32", -1), "iota"),
        (lambda: lax.dynamic_slice(jnp.ones(4), [0], [-1]), "dynamic_slice"),
        (lambda: lax.slice(jnp.ones(4), [-1], [2]), "slice"),
        (lambda: lax.slice(jnp.ones(4), [0], [2], [-1]), "slice"),
    ],
)
def test_negative_sizes_and_indices_name_the_op(fn, op):
    raises(SHAPE_ERRORS, fn, op)

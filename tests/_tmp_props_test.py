"""Property tests: random shapes, dtypes, axes and indices thrown at the ops.

Only documented exceptions may come out (FerraxError subclasses of TypeError, ValueError,
IndexError, NotImplementedError, OverflowError); a PanicException (a BaseException) or a crash
fails the test. Where NumPy rejects an input, ferrax must reject it too; where both succeed,
shapes and values must agree.
"""

import warnings

import ferrax.numpy as jnp
import numpy as np
from ferrax import errors, lax
from helpers import np_pad
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

ALLOWED = (TypeError, ValueError, IndexError, NotImplementedError, OverflowError)
PROPERTY = settings(max_examples=1500, deadline=None)
DTYPES = ["float32", "int32", "uint32", "bool"]


def attempt(fn):
    """``("ok", value)`` or ``("error", exc)``; any other outcome propagates and fails."""
    try:
        return "ok", fn()
    except ALLOWED as exc:
        assert isinstance(exc, errors.FerraxError), f"{type(exc).__name__}: {exc}"
        return "error", exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a panic: re-raised as a failure so Hypothesis can shrink it
        raise AssertionError(f"{type(exc).__name__} escaped: {exc}") from exc


def numpy_attempt(fn):
    """Like ``attempt`` for the NumPy reference, which raises its own exception types."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return "ok", fn()
    except (TypeError, ValueError, IndexError) as exc:
        return "error", exc


def assert_matches(got, expected, rtol=1e-5):
    """Same shape and values; integer results compare modulo their width."""
    got_np = np.asarray(got)
    expected = np.asarray(expected)
    assert got_np.shape == expected.shape, (got_np.shape, expected.shape)
    if got_np.dtype.kind in "iub":
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(got_np, expected.astype(got_np.dtype))
    else:
        np.testing.assert_allclose(got_np, expected, rtol=rtol, atol=1e-6, equal_nan=True)


def agree(ours, theirs, compare=assert_matches):
    """Both fail, or both succeed with matching results."""
    status, value = attempt(ours)
    ref_status, ref = numpy_attempt(theirs)
    if ref_status == "error":
        assert status == "error", f"NumPy raised {ref!r} but ferrax returned {value!r}"
    elif status == "ok":
        compare(value, ref)
    return status


@st.composite
def arrays(draw, dtypes=DTYPES, max_dims=4, max_side=4):
    """A random NumPy array of a random supported dtype with small, exactly representable values."""
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=max_side))
    if dtype == "bool":
        elements = st.booleans()
    elif dtype == "uint32":
        elements = st.integers(0, 3)
    elif dtype == "int32":
        elements = st.integers(-3, 3)
    else:
        elements = st.floats(-3, 3, width=32)
    return draw(hnp.arrays(dtype, shape, elements=elements))


def as_float64(x):
    """Float inputs widened for the reference; others unchanged."""
    return x.astype(np.float64) if x.dtype.kind == "f" else x


def reference_inputs(result, *xs):
    """The reference's inputs: float64 when ferrax's result is a float (ints and bools promote
    to float in ferrax, where NumPy may pick float16 or wrap around), else unchanged."""
    if np.dtype(result.dtype).kind == "f":
        return [x.astype(np.float64) for x in xs]
    return list(xs)


UNARY = {
    "abs": (jnp.abs, np.abs),
    "negative": (jnp.negative, np.negative),
    "sign": (jnp.sign, np.sign),
    "floor": (jnp.floor, np.floor),
    "sqrt": (jnp.sqrt, np.sqrt),
    "exp": (jnp.exp, np.exp),
    "log": (jnp.log, np.log),
    "sin": (jnp.sin, np.sin),
    "tanh": (jnp.tanh, np.tanh),
    "isnan": (jnp.isnan, np.isnan),
    "logical_not": (jnp.logical_not, np.logical_not),
    "invert": (jnp.invert, np.invert),
    "square": (jnp.square, np.square),
}


@PROPERTY
@given(arrays(), st.sampled_from(sorted(UNARY)))
def test_unary_ops(x, name):
    ours, ref = UNARY[name]
    status, value = attempt(lambda: ours(jnp.asarray(x)))
    if status == "ok":
        assert value.shape == x.shape
        ref_status, expected = numpy_attempt(lambda: ref(*reference_inputs(value, x)))
        if ref_status == "ok":
            assert_matches(value, expected)


BINARY = {
    "add": (jnp.add, np.add),
    "subtract": (jnp.subtract, np.subtract),
    "multiply": (jnp.multiply, np.multiply),
    "maximum": (jnp.maximum, np.maximum),
    "less": (jnp.less, np.less),
    "equal": (jnp.equal, np.equal),
    "bitwise_and": (jnp.bitwise_and, np.bitwise_and),
    "divide": (jnp.divide, np.true_divide),
    "arctan2": (jnp.arctan2, np.arctan2),
    "where": (None, None),
}


@PROPERTY
@given(arrays(max_dims=3), arrays(max_dims=3), st.sampled_from(sorted(BINARY)))
def test_binary_ops_broadcast(x, y, name):
    ours, ref = BINARY[name]
    if name == "where":
        cond = x.astype(bool)
        status, value = attempt(lambda: jnp.where(jnp.asarray(cond), jnp.asarray(y), 1))
        shapes = (cond.shape, y.shape)
    else:
        status, value = attempt(lambda: ours(jnp.asarray(x), jnp.asarray(y)))
        shapes = (x.shape, y.shape)
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        assert status == "error", f"{name}{shapes} should not broadcast"
        return
    if status == "ok":
        assert value.shape == shape
        if name != "where" and x.dtype == y.dtype:
            ref_status, expected = numpy_attempt(lambda: ref(*reference_inputs(value, x, y)))
            if ref_status == "ok":
                assert_matches(value, expected)
    else:
        assert not isinstance(value, IndexError)


AXIS = st.one_of(st.none(), st.integers(-5, 5), st.lists(st.integers(-5, 5), max_size=3).map(tuple))
REDUCTIONS = {
    "sum": (jnp.sum, np.sum),
    "prod": (jnp.prod, np.prod),
    "max": (jnp.max, np.max),
    "min": (jnp.min, np.min),
    "mean": (jnp.mean, np.mean),
    "all": (jnp.all, np.all),
    "any": (jnp.any, np.any),
}


@PROPERTY
@given(arrays(max_side=3), st.sampled_from(sorted(REDUCTIONS)), AXIS, st.booleans())
def test_reductions(x, name, axis, keepdims):
    ours, ref = REDUCTIONS[name]
    agree(
        lambda: ours(jnp.asarray(x), axis=axis, keepdims=keepdims),
        lambda: ref(as_float64(x), axis=axis, keepdims=keepdims),
    )


@PROPERTY
@given(
    arrays(max_side=3),
    st.sampled_from(["argmax", "argmin", "cumsum", "sort"]),
    st.one_of(st.none(), st.integers(-5, 5)),
)
def test_axis_ops(x, name, axis):
    ours, ref = {
        "argmax": (jnp.argmax, np.argmax),
        "argmin": (jnp.argmin, np.argmin),
        "cumsum": (jnp.cumsum, np.cumsum),
        "sort": (jnp.sort, np.sort),
    }[name]
    agree(lambda: ours(jnp.asarray(x), axis=axis), lambda: ref(as_float64(x), axis=axis))


INDEX_ITEM = st.one_of(
    st.integers(-6, 6),
    st.builds(
        slice,
        st.none() | st.integers(-6, 6),
        st.none() | st.integers(-6, 6),
        st.none() | st.integers(-3, 3),
    ),
    st.none(),
    st.just(Ellipsis),
)


@PROPERTY
@given(arrays(), st.lists(INDEX_ITEM, max_size=5).map(tuple))
def test_basic_indexing(x, idx):
    agree(lambda: jnp.asarray(x)[idx], lambda: x[idx])


@PROPERTY
@given(arrays(max_side=4), st.lists(st.integers(-1, 6), max_size=4).map(tuple))
def test_reshape(x, shape):
    agree(lambda: jnp.reshape(jnp.asarray(x), shape), lambda: np.reshape(x, shape))


@PROPERTY
@given(arrays(), st.lists(st.integers(-5, 5), max_size=5).map(tuple))
def test_transpose(x, perm):
    agree(lambda: jnp.transpose(jnp.asarray(x), perm), lambda: np.transpose(x, perm))


@PROPERTY
@given(arrays(max_dims=3), st.lists(st.integers(-5, 5), max_size=3).map(tuple))
def test_expand_dims_and_squeeze(x, axes):
    agree(lambda: jnp.expand_dims(jnp.asarray(x), axes), lambda: np.expand_dims(x, axes))
    agree(lambda: jnp.squeeze(jnp.asarray(x), axes), lambda: np.squeeze(x, axes))


@PROPERTY
@given(arrays(max_dims=3), arrays(max_dims=3), st.integers(-4, 4))
def test_concatenate(x, y, axis):
    status = agree(
        lambda: jnp.concatenate([jnp.asarray(x), jnp.asarray(y)], axis=axis),
        lambda: np.concatenate([x, y], axis=axis),
    )
    if status == "ok":
        assert x.ndim == y.ndim


@PROPERTY
@given(arrays(max_dims=3), st.data())
def test_pad(x, data):
    config = [
        (
            data.draw(st.integers(-4, 4)),
            data.draw(st.integers(-4, 4)),
            data.draw(st.integers(-1, 2)),
        )
        for _ in range(x.ndim)
    ]
    valid = all(
        i >= 0 and lo + hi + n + max(n - 1, 0) * i >= 0 for (lo, hi, i), n in zip(config, x.shape)
    )
    status, value = attempt(lambda: lax.pad(jnp.asarray(x), jnp.zeros((), x.dtype), config))
    if not valid:
        assert status == "error", f"pad{config} of {x.shape} should fail"
    else:
        assert status == "ok", value
        assert_matches(value, np_pad(x, x.dtype.type(0), config))


@PROPERTY
@given(arrays(max_dims=3), st.data())
def test_dynamic_slice(x, data):
    starts = [data.draw(st.integers(-6, 6)) for _ in range(x.ndim)]
    sizes = [data.draw(st.integers(0, 5)) for _ in range(x.ndim)]
    status, value = attempt(lambda: lax.dynamic_slice(jnp.asarray(x), starts, sizes))
    if any(k > n for k, n in zip(sizes, x.shape)):
        assert status == "error"
        return
    assert status == "ok", value
    clamped = [min(max(s, 0), n - k) for s, n, k in zip(starts, x.shape, sizes)]
    expected = x[tuple(slice(s, s + k) for s, k in zip(clamped, sizes))]
    assert_matches(value, expected)


NESTED = st.recursive(
    st.one_of(st.integers(-(2**40), 2**40), st.floats(allow_nan=True), st.booleans()),
    lambda children: st.lists(children, max_size=3),
    max_leaves=12,
)


@PROPERTY
@given(NESTED, st.sampled_from([None, "float32", "int32", "uint32", "bool", "float16"]))
def test_asarray_of_anything(obj, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's cast warnings (nan -> int)
        status, value = attempt(lambda: jnp.asarray(obj, dtype=dtype))
    if status == "ok":
        assert value.shape == np.shape(obj)

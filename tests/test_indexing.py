"""Advanced indexing, ``x.at[idx]`` updates, ``take`` and ``take_along_axis`` against NumPy;
their derivatives against finite differences, batching against a loop, jit against eager."""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax import errors

A = np.arange(60.0, dtype=np.float32).reshape(3, 4, 5)

INDICES = [
    np.array([2, 0, -1]),
    (np.array([0, 2]), np.array([1, 3])),
    (slice(1, None), np.array([0, 2])),
    (np.array([[0, 1], [2, 0]]), slice(None), np.array([4, 0])),  # separated: result first
    (Ellipsis, np.array([1, -2])),
    (None, np.array([1]), 2),
    (1, np.array([0, 3]), slice(None, None, -2)),
    (np.array([1, 2]), np.array([[0], [3]]), np.array([4, 1])),  # broadcasting index arrays
    A[:, :, 0] > 20,  # a 2-D boolean mask
    (slice(None), np.array([True, False, True, True])),
    [0, 2],
]


@pytest.mark.parametrize("idx", INDICES, ids=range(len(INDICES)))
def test_getitem_matches_numpy(idx):
    ours = idx if not isinstance(idx, tuple) else tuple(idx)
    got = jnp.asarray(A)[_to_ferrax(ours)]
    want = A[idx]
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.asarray(got), want)


def _to_ferrax(idx):
    """Index arrays as ferrax arrays (NumPy arrays and lists work too; both are tested)."""
    if isinstance(idx, tuple):
        return tuple(_to_ferrax(i) for i in idx)
    return jnp.asarray(idx) if isinstance(idx, np.ndarray) else idx


def test_numpy_index_arrays_work_directly():
    np.testing.assert_array_equal(np.asarray(jnp.asarray(A)[np.array([1, 0])]), A[[1, 0]])


def test_out_of_bound_reads_clamp_and_updates_drop():
    x = np.arange(5.0, dtype=np.float32)
    idx = np.array([0, 7, -1, -9])
    np.testing.assert_array_equal(
        jnp.asarray(x)[jnp.asarray(idx)], x[np.clip(np.where(idx < 0, idx + 5, idx), 0, 4)]
    )
    got = jnp.asarray(x).at[jnp.asarray(idx)].set(100.0)
    want = x.copy()
    want[[0, 4]] = 100.0  # 7 and -9 are out of bounds: dropped
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(jnp.asarray(x).at[9].add(1.0), x)
    fill = jnp.asarray(x).at[jnp.asarray([1, 9])].get(mode="fill", fill_value=-1.0)
    np.testing.assert_array_equal(fill, [1.0, -1.0])


@pytest.mark.parametrize("op", ["set", "add", "multiply", "min", "max"])
def test_at_updates_match_numpy(op, rng):
    x = rng.standard_normal((6, 3)).astype(np.float32)
    rows = np.array([4, 0, 4, 2])  # a repeated row accumulates (set: last write wins)
    v = rng.standard_normal((4, 3)).astype(np.float32)
    want = x.copy()
    ufunc = {"add": np.add, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}
    if op == "set":
        want[rows] = v
    else:
        ufunc[op].at(want, rows, v)
    got = getattr(jnp.asarray(x).at[jnp.asarray(rows)], op)(jnp.asarray(v))
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    # a slice with a broadcast scalar
    got = getattr(jnp.asarray(x).at[1:3, ::2], op)(2.0)
    want = x.copy()
    region = want[1:3, ::2]
    want[1:3, ::2] = {
        "set": lambda r: np.full_like(r, 2),
        "add": lambda r: r + 2,
        "multiply": lambda r: r * 2,
        "min": lambda r: np.minimum(r, 2),
        "max": lambda r: np.maximum(r, 2),
    }[op](region)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


def test_take_and_take_along_axis_match_numpy(rng):
    x = rng.standard_normal((4, 5)).astype(np.float32)
    idx = np.array([[3, 0], [1, 1]])
    for axis in (0, 1, -1, None):
        np.testing.assert_array_equal(
            jnp.take(x, jnp.asarray(idx), axis=axis), np.take(x, idx, axis=axis)
        )
    np.testing.assert_array_equal(
        jnp.take(x, jnp.asarray([1, 9]), axis=0, mode="clip"),
        np.take(x, [1, 9], axis=0, mode="clip"),
    )
    np.testing.assert_array_equal(
        jnp.take(x, jnp.asarray([1, 9]), axis=1, mode="wrap"),
        np.take(x, [1, 9], axis=1, mode="wrap"),
    )
    filled = np.asarray(jnp.take(x, jnp.asarray([1, 9]), axis=0))
    np.testing.assert_array_equal(filled[0], x[1])
    assert np.isnan(filled[1]).all()
    order = np.argsort(x, axis=1)
    for axis, ind in ((1, order), (0, np.argsort(x, axis=0)), (1, order[:, :2])):
        np.testing.assert_array_equal(
            jnp.take_along_axis(x, jnp.asarray(ind), axis), np.take_along_axis(x, ind, axis)
        )
    np.testing.assert_array_equal(
        jnp.take_along_axis(x[:1], jnp.asarray(order), 1), np.take_along_axis(x[:1], order, 1)
    )


def test_derivatives_of_gather_and_scatter(x64, rng):
    x = rng.standard_normal((5, 3))
    v = rng.standard_normal((3, 3))
    rows = jnp.asarray([4, 0, 2])
    check_grads(lambda a: a[jnp.asarray([3, 3, 0])] * a[1:4, jnp.asarray([2, 0])].sum(), (x,), 2)
    check_grads(lambda a, b: a.at[rows].set(b * 2), (x, v), 2)
    check_grads(lambda a, b: a.at[jnp.asarray([4, 0, 4])].add(b), (x, v), 2)
    check_grads(lambda a, b: a.at[rows].multiply(b, unique_indices=True), (x, v), 2)
    # Repeated tuples: only the last write of `set` reaches the output.
    check_grads(lambda a, b: a.at[jnp.asarray([4, 0, 4])].set(b), (x, v), 2)
    # min/max with distinct values away from ties
    check_grads(lambda a, b: a.at[rows].min(b + 0.5), (x, v), 1)
    check_grads(lambda a, b: a.at[rows].max(b - 0.5), (x, v), 1)
    check_grads(lambda a: jnp.take(a, jnp.asarray([2, -1]), axis=1), (x,), 2)
    check_grads(lambda a: jnp.take_along_axis(a, jnp.asarray(np.argsort(x, 0)), 0), (x,), 2)


def test_scatter_derivative_conventions():
    x = jnp.asarray([1.0, 2.0, 3.0, 4.0])
    twice = jnp.asarray([0, 0])
    # scatter_mul in the updates needs unique_indices=True, as in JAX.
    with pytest.raises(NotImplementedError, match="unique_indices"):
        jax.grad(lambda u: x.at[twice].multiply(u).sum())(jnp.asarray([2.0, 3.0]))
    # set: the last of the repeated writes gets the whole cotangent.
    got = jax.grad(lambda u: (x.at[twice].set(u) * 3.0).sum())(jnp.asarray([2.0, 5.0]))
    np.testing.assert_array_equal(got, [0.0, 3.0])
    # min/max: tied winners (operand and updates alike) share the derivative equally.
    both = jnp.asarray([1.0, 1.0])
    got = jax.grad(lambda a: a.at[twice].max(both).sum())(x)
    np.testing.assert_allclose(got, [1 / 3, 1.0, 1.0, 1.0], rtol=1e-6)
    got = jax.grad(lambda u: x.at[twice].max(u).sum())(jnp.asarray([3.0, 3.0]))
    np.testing.assert_allclose(got, [0.5, 0.5], rtol=1e-6)
    got = jax.grad(lambda u: x.at[twice].min(u).sum())(jnp.asarray([0.5, 2.0]))
    np.testing.assert_array_equal(got, [1.0, 0.0])


def test_batching_and_jit(rng):
    m = jnp.asarray(rng.standard_normal((4, 6)).astype(np.float32))
    i = jnp.asarray([5, 0, 2, 2])
    got = jax.vmap(lambda r, k: r[k])(m, i)
    np.testing.assert_array_equal(got, np.asarray(m)[np.arange(4), np.asarray(i)])
    got = jax.vmap(lambda r, k: r.at[k].add(10.0))(m, i)
    want = np.asarray(m).copy()
    want[np.arange(4), np.asarray(i)] += 10
    np.testing.assert_allclose(got, want, rtol=1e-6)
    got = jax.vmap(lambda r: r[jnp.asarray([1, 3])])(m)  # batched operand, shared indices
    np.testing.assert_array_equal(got, np.asarray(m)[:, [1, 3]])
    got = jax.vmap(lambda k: m[k], in_axes=0)(jnp.asarray([[0, 1], [3, 3]]))  # batched indices
    np.testing.assert_array_equal(got, np.asarray(m)[[[0, 1], [3, 3]]])
    f = lambda a, k: a.at[k].max(0.0)[k[0]]
    np.testing.assert_array_equal(jax.jit(f)(m, jnp.asarray([1, 2])), f(m, jnp.asarray([1, 2])))
    text = str(jax.make_jaxpr(lambda a, k: a[k])(m, i))
    assert "gather" in text


def test_errors():
    x = jnp.ones((2, 3))
    with pytest.raises(IndexError, match="too many indices"):
        x[jnp.asarray([0]), 0, 0]
    with pytest.raises(IndexError, match="integers or booleans"):
        x[jnp.asarray([0.5])]
    with pytest.raises(IndexError, match="concrete"):
        jax.jit(lambda a: a[a > 0])(x)
    with pytest.raises(ValueError, match="broadcast"):
        x.at[jnp.asarray([0, 1])].set(jnp.ones(4))
    with pytest.raises(ValueError, match="indices must have the array's rank"):
        jnp.take_along_axis(x, jnp.asarray([0]), 1)
    assert issubclass(errors.FerraxIndexError, IndexError)


# Ints next to an array index are advanced indices too: they take part in NumPy's rule that
# advanced indices separated by a slice, None or ``...`` put their dimensions first.
MIXED = [
    (0, slice(None), [1, 2]),
    ([0, 1], slice(None), 0),
    (slice(None), 0, [1, 2]),
    (0, [1, 2]),
    (Ellipsis, 0, [1]),
    ([0], None, 0),
    (slice(None), [0], Ellipsis, [1]),  # an ellipsis of no dimensions still separates
    (-1, [[0], [1]], slice(None, None, -2)),
    (None, 2, Ellipsis, [0, -1]),
]


@pytest.mark.parametrize("idx", MIXED, ids=range(len(MIXED)))
def test_ints_with_arrays_are_advanced_indices(idx, rng):
    got = jnp.asarray(A)[idx]
    assert got.shape == A[idx].shape
    np.testing.assert_array_equal(np.asarray(got), A[idx])
    v = rng.standard_normal(A[idx].shape).astype(np.float32)
    want = A.copy()
    want[idx] = v
    np.testing.assert_array_equal(jnp.asarray(A).at[idx].set(jnp.asarray(v)), want)


# Indices of ints, step-1 slices and None update one window (dynamic_update_slice); the
# others scatter. Both must agree with NumPy.
WINDOWS = [
    1,
    (-1, slice(1, 3)),
    (slice(None), None, 2),
    (slice(-2, None), slice(None, -1), 0),
    (2, 3, 4),
    (-3, -4, -5),
    (slice(1, 1),),
    (Ellipsis,),
    (None, 1, None),
    (1, slice(None, None, 2), -1),  # a step: scattered
    (slice(None, None, -1), 1),
]


@pytest.mark.parametrize("idx", WINDOWS, ids=range(len(WINDOWS)))
@pytest.mark.parametrize("op", ["set", "add", "multiply", "min", "max", "divide", "power"])
def test_window_updates_match_numpy(idx, op, rng):
    v = rng.uniform(0.5, 2.0, A[idx].shape).astype(np.float32)
    want = A.copy()
    region = want[idx]
    want[idx] = {
        "set": lambda r: v,
        "add": lambda r: r + v,
        "multiply": lambda r: r * v,
        "min": lambda r: np.minimum(r, v),
        "max": lambda r: np.maximum(r, v),
        "divide": lambda r: r / v,
        "power": lambda r: r**v,
    }[op](region)
    got = getattr(jnp.asarray(A).at[idx], op)(jnp.asarray(v))
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    scalar = getattr(jnp.asarray(A).at[idx], op)(1.5)
    want = A.copy()
    want[idx] = {
        "set": lambda r: 1.5,
        "add": lambda r: r + 1.5,
        "multiply": lambda r: r * 1.5,
        "min": lambda r: np.minimum(r, 1.5),
        "max": lambda r: np.maximum(r, 1.5),
        "divide": lambda r: r / np.float32(1.5),
        "power": lambda r: r**1.5,
    }[op](want[idx])
    np.testing.assert_allclose(np.asarray(scalar), want, rtol=1e-6)


def test_window_updates_are_dynamic_update_slices(x64, rng):
    text = str(jax.make_jaxpr(lambda a: a.at[5].set(1.0))(jnp.zeros(1000)))
    assert "dynamic_update_slice" in text
    assert "scatter" not in text and "iota" not in text
    text = str(jax.make_jaxpr(lambda a: a.at[1:3, -1].add(1.0))(jnp.zeros((4, 5))))
    assert "dynamic_update_slice" in text and "scatter" not in text
    x = rng.standard_normal((4, 5))
    v = rng.standard_normal(2)
    check_grads(lambda a, b: a.at[1:3, -1].set(b * 2), (x, v), 2)
    check_grads(lambda a, b: a.at[1:3, 2].multiply(b), (x, v), 2)
    check_grads(lambda a, b: a.at[0, 1:3].add(b), (x, v), 2)
    m = jnp.asarray(x)
    got = jax.vmap(lambda r, w: r.at[1:3].add(w))(m, jnp.ones((4, 2)))
    want = x.copy()
    want[:, 1:3] += 1
    np.testing.assert_allclose(got, want)
    np.testing.assert_array_equal(
        jax.jit(lambda a: a.at[2, 1:4].max(0.0))(m), m.at[2, 1:4].max(0.0)
    )


def test_out_of_bound_int_updates_drop():
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    for idx in (2, -3, (0, 3), (slice(None), -4)):
        for op in ("set", "add", "max"):
            np.testing.assert_array_equal(getattr(jnp.asarray(x).at[idx], op)(9.0), x)
    want = x.copy()
    want[-1, -1] = 9
    np.testing.assert_array_equal(jnp.asarray(x).at[-1, -1].set(9.0), want)


def test_at_divide_is_true_division():
    # integers: x / (ones with values multiplied in at idx), a float result as jnp.divide gives
    got = jnp.arange(6).at[1].divide(2)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.arange(6) / np.array([1, 2, 1, 1, 1, 1]))
    got = jnp.arange(6).at[jnp.asarray([1, 1, 4])].divide(2)
    np.testing.assert_array_equal(got, np.arange(6) / np.array([1, 4, 1, 1, 2, 1]))
    # floats: exactly x / v, not x * (1 / v) (they differ for x = 4, v = 3 in float32)
    x = np.arange(1.0, 20.0, dtype=np.float32)
    v = np.float32(3)
    assert (x * (np.float32(1) / v) != x / v).any()
    np.testing.assert_array_equal(jnp.asarray(x).at[:].divide(3.0), x / v)
    np.testing.assert_array_equal(jnp.asarray(x).at[jnp.arange(19)].divide(3.0), x / v)


def test_take_clip_clamps_negative_indices_as_numpy(rng):
    x = rng.standard_normal((4, 5)).astype(np.float32)
    idx = np.array([[-7, -1], [3, 9]])
    for mode in ("clip", "wrap"):
        for axis in (0, 1, -1, None):
            np.testing.assert_array_equal(
                jnp.take(x, jnp.asarray(idx), axis=axis, mode=mode),
                np.take(x, idx, axis=axis, mode=mode),
            )
    text = str(jax.make_jaxpr(lambda a: jnp.take(a, jnp.asarray([1, 7]), 0, mode="clip"))(x))
    assert "transpose" not in text and "select_n" not in text


def test_bad_axes_are_axis_errors():
    x = jnp.ones((2, 3))
    for call in (
        lambda: jnp.take(x, jnp.asarray([0]), axis=2),
        lambda: jnp.take_along_axis(x, jnp.asarray([[0]]), -3),
        lambda: jnp.linalg.norm(jnp.ones(3), axis=1),
        lambda: jnp.linalg.norm(x, axis=(0, -2)),
        lambda: jnp.swapaxes(x, 0, 2),
    ):
        with pytest.raises(errors.AxisError):
            call()
    with pytest.raises(TypeError, match="take: axis must be an integer"):
        jnp.take(x, jnp.asarray([0]), axis=1.0)
    np.testing.assert_allclose(
        jnp.linalg.norm(x, axis=np.int64(1)), np.linalg.norm(np.ones((2, 3)), axis=1)
    )
    np.testing.assert_allclose(
        jnp.linalg.norm(x, ord=1, axis=(np.int32(1), 0)),
        np.linalg.norm(np.ones((2, 3)), ord=1, axis=(1, 0)),
    )


@pytest.mark.parametrize(
    "idx",
    [True, False, (0, True), (np.True_,), (slice(None), False, 1), (True, 0, None), (1, np.False_)],
)
def test_scalar_booleans_add_an_axis(idx):
    n = np.arange(6).reshape(2, 3)
    got = jnp.arange(6).reshape(2, 3)[idx]
    np.testing.assert_array_equal(np.asarray(got), n[idx])
    assert got.shape == n[idx].shape

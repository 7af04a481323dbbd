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
    check_grads(lambda a, b: a.at[rows].multiply(b), (x, v), 2)
    # min/max with distinct values away from ties
    check_grads(lambda a, b: a.at[rows].min(b + 0.5), (x, v), 1)
    check_grads(lambda a, b: a.at[rows].max(b - 0.5), (x, v), 1)
    check_grads(lambda a: jnp.take(a, jnp.asarray([2, -1]), axis=1), (x,), 2)
    check_grads(lambda a: jnp.take_along_axis(a, jnp.asarray(np.argsort(x, 0)), 0), (x,), 2)


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

"""Sorting, searching, ``unique``, ``nonzero`` and the set operations of ``ferrax.numpy``
against NumPy, including the ``size=``/``fill_value=`` forms under jit and vmap."""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax.errors import ConcretizationTypeError
from helpers import assert_exact


def ints(rng, shape, high=5):
    return rng.integers(-high, high + 1, shape).astype("int32")


def floats(rng, shape):
    """Random float32s with ties and NaNs, the cases orderings get wrong."""
    x = rng.integers(-4, 5, shape).astype("float32") / 2
    x.ravel()[:: max(x.size // 3, 1)] = np.nan
    return x


def uints(rng, shape):
    """Random uint32s with ties and values above 2**31, which a signed comparison misorders."""
    x = rng.integers(0, 4, shape).astype("uint32")
    x.ravel()[::3] = np.uint32(2**32 - 1) - x.ravel()[::3]
    return x


def bools(rng, shape):
    return rng.random(shape) < 0.5


def as_int(x):
    """NumPy's int64 index results in ferrax's default int32."""
    return np.asarray(x).astype("int32")


# --- sort, argsort, lexsort, partition -----------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 0, 1, None])
@pytest.mark.parametrize("make", [ints, floats, uints, bools])
def test_sort_and_argsort(axis, make, rng):
    x = make(rng, (4, 7))
    assert_exact(jnp.sort(x, axis=axis), np.sort(x, axis=axis))
    assert_exact(jnp.argsort(x, axis=axis), as_int(np.argsort(x, axis=axis, kind="stable")))


@pytest.mark.parametrize("axis", [-1, 0, None])
@pytest.mark.parametrize("make", [ints, floats])
def test_descending_is_stable(axis, make, rng):
    x = make(rng, (5, 6))
    flat = x.ravel() if axis is None else x
    ax = 0 if axis is None else axis
    # stable descending order: sort the negated keys stably (NaN first, as in reverse order)
    key = (
        np.where(np.isnan(flat), -np.inf, -np.nan_to_num(flat, nan=0.0))
        if make is floats
        else -flat
    )
    want = np.argsort(key, axis=ax, kind="stable")
    assert_exact(jnp.argsort(x, axis=axis, descending=True), as_int(want))
    assert_exact(jnp.sort(x, axis=axis, descending=True), np.take_along_axis(flat, want, ax))


def test_sort_scalar_and_errors():
    # A scalar has no axis -1 (NumPy and JAX raise); flattening with axis=None works.
    for fn in (jnp.sort, jnp.argsort):
        with pytest.raises(ValueError, match="axis -1 is out of bounds"):
            fn(jnp.asarray(3.0))
    assert_exact(jnp.sort(jnp.asarray(3.0), axis=None), np.sort(np.float32(3.0), axis=None))
    with pytest.raises(ValueError, match="argsort: axis 2 is out of bounds"):
        jnp.argsort(jnp.ones((2, 2)), axis=2)
    with pytest.raises(NotImplementedError, match="sort: the order argument"):
        jnp.sort(jnp.ones(3), order="x")


def test_lexsort(rng):
    keys = [ints(rng, (4, 9), 1) for _ in range(3)]
    assert_exact(jnp.lexsort(keys), as_int(np.lexsort(keys)))
    assert_exact(jnp.lexsort(keys, axis=0), as_int(np.lexsort(keys, axis=0)))
    stacked = np.stack([k[0] for k in keys])
    assert_exact(jnp.lexsort(jnp.asarray(stacked)), as_int(np.lexsort(stacked)))
    with pytest.raises(TypeError, match="lexsort: need a sequence"):
        jnp.lexsort([])


@pytest.mark.parametrize("kth", [0, 3, -1])
def test_partition_contract(kth, rng):
    x = rng.standard_normal((3, 8)).astype("float32")
    p = np.asarray(jnp.partition(x, kth, axis=1))
    s = np.sort(x, axis=1)
    np.testing.assert_array_equal(p[:, kth], s[:, kth])
    assert (p[:, : kth % 8] <= p[:, kth % 8 : kth % 8 + 1]).all()
    assert (p[:, kth % 8 + 1 :] >= p[:, kth % 8 : kth % 8 + 1]).all()
    np.testing.assert_array_equal(np.sort(p, 1), s)
    idx = np.asarray(jnp.argpartition(x, kth, axis=1))
    np.testing.assert_array_equal(np.take_along_axis(x, idx, 1), p)
    with pytest.raises(ValueError, match="partition: kth 8 is out of bounds"):
        jnp.partition(x, 8, axis=1)


# --- searchsorted --------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["scan", "scan_unrolled", "compare_all", "sort"])
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 16])
def test_searchsorted(method, side, n, rng):
    a = np.sort(floats(rng, (n,)))
    v = np.concatenate([floats(rng, (3, 4)).ravel(), [np.nan, -np.inf, np.inf, 10.0]])
    want = np.searchsorted(a, v, side)
    assert_exact(jnp.searchsorted(a, v, side, method=method), as_int(want))
    ai = np.sort(ints(rng, (n,)))
    vi = ints(rng, (2, 5), 7)
    assert_exact(
        jnp.searchsorted(ai, vi, side, method=method), as_int(np.searchsorted(ai, vi, side))
    )


def test_searchsorted_sorter_scalar_and_errors(rng):
    a = ints(rng, (9,))
    order = np.argsort(a, kind="stable")
    v = ints(rng, (6,), 7)
    assert_exact(jnp.searchsorted(a, v, sorter=order), as_int(np.searchsorted(a, v, sorter=order)))
    assert_exact(
        jnp.searchsorted(np.sort(a), 2, "right"), np.int32(np.searchsorted(np.sort(a), 2, "right"))
    )
    # a Python float searched in int entries compares as a float
    assert_exact(jnp.searchsorted(np.sort(a), 0.5), np.int32(np.searchsorted(np.sort(a), 0.5)))
    with pytest.raises(ValueError, match="searchsorted: a must be one-dimensional"):
        jnp.searchsorted(np.ones((2, 2)), 1.0)
    with pytest.raises(ValueError, match="searchsorted: side must be"):
        jnp.searchsorted(a, 1, side="middle")


# --- nonzero, argwhere, flatnonzero, where -------------------------------------------------
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2), (0, 3)])
def test_nonzero_family(shape, rng):
    x = ints(rng, shape, 1)
    for got, want in zip(jnp.nonzero(x), np.nonzero(x), strict=True):
        assert_exact(got, as_int(want))
    assert_exact(jnp.argwhere(x), as_int(np.argwhere(x)))
    assert_exact(jnp.flatnonzero(x), as_int(np.flatnonzero(x)))
    for got, want in zip(jnp.where(jnp.asarray(x > 0)), np.where(x > 0), strict=True):
        assert_exact(got, as_int(want))
    assert_exact(jnp.argwhere(jnp.asarray(2.0)), as_int(np.argwhere(np.float32(2.0))))
    assert_exact(jnp.argwhere(jnp.asarray(0)), as_int(np.argwhere(np.int32(0))))


@pytest.mark.parametrize("size", [0, 2, 12])
def test_nonzero_with_size_under_jit(size, rng):
    x = ints(rng, (3, 4), 1)
    want = np.nonzero(x)
    count = want[0].size

    def padded(w, fill):
        out = np.full(size, fill, "int32")
        out[: min(size, count)] = w[:size]
        return out

    got = jax.jit(lambda a: jnp.nonzero(a, size=size))(x)
    for g, w in zip(got, want, strict=True):
        assert_exact(g, padded(w, 0))
    got = jax.jit(lambda a: jnp.nonzero(a, size=size, fill_value=(-1, 9)))(x)
    for g, w, f in zip(got, want, (-1, 9), strict=True):
        assert_exact(g, padded(w, f))
    got = jax.jit(lambda a: jnp.argwhere(a, size=size, fill_value=-2))(x)
    assert_exact(got, np.stack([padded(w, -2) for w in want], 1).reshape(size, 2))
    got = jax.jit(lambda a: jnp.flatnonzero(a, size=size, fill_value=-3))(x)
    assert_exact(got, padded(np.flatnonzero(x), -3))


def test_nonzero_errors():
    with pytest.raises(ConcretizationTypeError, match="nonzero: .*size="):
        jax.jit(jnp.nonzero)(jnp.ones(3))
    with pytest.raises(ConcretizationTypeError, match="nonzero"):
        jax.jit(lambda a: jnp.where(a > 0))(jnp.ones(3))
    with pytest.raises(ValueError, match="nonzero: calling nonzero on 0-d"):
        jnp.nonzero(jnp.asarray(1.0))
    with pytest.raises(ValueError, match="nonzero: fill_value must be"):
        jnp.nonzero(jnp.ones((2, 2)), size=3, fill_value=(1, 2, 3))


# --- unique --------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [ints, floats])
@pytest.mark.parametrize("shape", [(12,), (3, 5), (1,), (0,)])
def test_unique_flat(make, shape, rng):
    x = make(rng, shape)
    got = jnp.unique(x, return_index=True, return_inverse=True, return_counts=True)
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    assert_exact(got[0], want[0])
    for g, w in zip(got[1:], want[1:], strict=True):
        assert_exact(g, as_int(w))
    assert_exact(jnp.unique(x), np.unique(x))


def test_unique_equal_nan_false(rng):
    x = floats(rng, (10,))
    assert_exact(jnp.unique(x, equal_nan=False), np.unique(x, equal_nan=False))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unique_axis(axis, rng):
    x = ints(rng, (6, 4), 1)
    x[3] = x[1]
    x[:, 2] = x[:, 0]
    got = jnp.unique(x, return_index=True, return_inverse=True, return_counts=True, axis=axis)
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True, axis=axis)
    assert_exact(got[0], want[0])
    for g, w in zip(got[1:], want[1:], strict=True):
        assert_exact(g, as_int(w))
    x3 = ints(rng, (3, 4, 2), 1)
    assert_exact(jnp.unique(x3, axis=1), np.unique(x3, axis=1))


@pytest.mark.parametrize("size", [1, 3, 9])
def test_unique_size_under_jit(size, rng):
    x = ints(rng, (8,), 2)
    x[0] = 7
    values, index, inverse, counts = np.unique(
        x, return_index=True, return_inverse=True, return_counts=True
    )
    k = values.size

    def padded(w, fill):
        return np.concatenate([w[:size], np.full(max(size - k, 0), fill, w.dtype)])

    f = jax.jit(
        lambda a: jnp.unique(
            a, return_index=True, return_inverse=True, return_counts=True, size=size
        )
    )
    got = f(x)
    assert_exact(got[0], padded(values, values[0]))
    assert_exact(got[1], as_int(padded(index, index[0])))
    if size >= k:
        assert_exact(got[2], as_int(inverse))
    assert_exact(got[3], as_int(padded(counts, 0)))
    got = jax.jit(lambda a: jnp.unique(a, size=size, fill_value=-9))(x)
    assert_exact(got, padded(values, -9).astype("int32"))


def test_unique_axis_with_size_under_jit(rng):
    x = ints(rng, (5, 3), 1)
    x[4] = x[0]
    rows, counts = np.unique(x, axis=0, return_counts=True)
    k = rows.shape[0]
    f = jax.jit(lambda a: jnp.unique(a, axis=0, return_counts=True, size=k + 2, fill_value=-5))
    got_rows, got_counts = f(x)
    assert_exact(got_rows, np.concatenate([rows, np.full((2, 3), -5, "int32")]))
    assert_exact(got_counts, as_int(np.pad(counts, (0, 2))))
    got = jax.jit(lambda a: jnp.unique(a, axis=1, size=2))(x)
    assert_exact(got, np.unique(x, axis=1)[:, :2])


def test_unique_vmap_with_size(rng):
    xs = ints(rng, (4, 10), 3)
    got = jax.vmap(lambda a: jnp.unique(a, return_counts=True, size=10, fill_value=99))(xs)
    for i in range(4):
        vals, counts = np.unique(xs[i], return_counts=True)
        k = vals.size
        np.testing.assert_array_equal(np.asarray(got[0][i])[:k], vals)
        assert (np.asarray(got[0][i])[k:] == 99).all()
        np.testing.assert_array_equal(np.asarray(got[1][i]), np.pad(counts, (0, 10 - k)))


def test_unique_array_api_variants(rng):
    x = floats(rng, (3, 4))
    vals, index, inverse, counts = jnp.unique_all(x)
    want = np.unique_all(x)
    assert_exact(vals, want.values)
    assert_exact(index, as_int(want.indices))
    assert_exact(inverse, as_int(want.inverse_indices))
    assert_exact(counts, as_int(want.counts))
    assert_exact(jnp.unique_counts(x).counts, as_int(np.unique_counts(x).counts))
    assert_exact(
        jnp.unique_inverse(x).inverse_indices, as_int(np.unique_inverse(x).inverse_indices)
    )
    assert_exact(jnp.unique_values(x), np.unique_values(x))


def test_unique_errors():
    with pytest.raises(ConcretizationTypeError, match="unique: .*size="):
        jax.jit(jnp.unique)(jnp.ones(3))
    with pytest.raises(ConcretizationTypeError, match="unique"):
        jax.vmap(jnp.unique)(jnp.ones((2, 3)))
    with pytest.raises(ValueError, match="unique: axis 2 is out of bounds"):
        jnp.unique(jnp.ones((2, 2)), axis=2)
    with pytest.raises(ValueError, match="unique: size must be non-negative"):
        jnp.unique(jnp.ones(3), size=-1)


# --- isin and set operations ---------------------------------------------------------------
@pytest.mark.parametrize("method", ["auto", "compare_all", "sort"])
def test_isin(method, rng):
    x, t = floats(rng, (3, 4)), floats(rng, (5,))
    assert_exact(jnp.isin(x, t, method=method), np.isin(x, t))
    assert_exact(jnp.isin(x, t, invert=True, method=method), np.isin(x, t, invert=True))
    xi, ti = ints(rng, (7,)), ints(rng, (2, 3))
    assert_exact(jnp.isin(xi, ti, method=method), np.isin(xi, ti))
    assert_exact(jnp.isin(xi, np.zeros(0, "int32"), method=method), np.isin(xi, []))


def test_set_operations(rng):
    a, b = ints(rng, (9,), 4), ints(rng, (3, 2), 4)
    assert_exact(jnp.union1d(a, b), np.union1d(a, b))
    assert_exact(jnp.setdiff1d(a, b), np.setdiff1d(a, b))
    assert_exact(jnp.setxor1d(a, b), np.setxor1d(a, b))
    assert_exact(jnp.intersect1d(a, b), np.intersect1d(a, b))
    got = jnp.intersect1d(a, b, return_indices=True)
    want = np.intersect1d(a, b, return_indices=True)
    assert_exact(got[0], want[0])
    for g, w in zip(got[1:], want[1:], strict=True):
        assert_exact(g, as_int(w))
    u = np.unique(a)
    rng.shuffle(u)
    assert_exact(jnp.setdiff1d(u, b, assume_unique=True), np.setdiff1d(u, b, assume_unique=True))
    fa, fb = floats(rng, (8,)), floats(rng, (5,))
    for name in ("union1d", "setdiff1d", "setxor1d", "intersect1d"):
        assert_exact(getattr(jnp, name)(fa, fb), getattr(np, name)(fa, fb))


def test_set_operations_with_size_under_jit(rng):
    a, b = ints(rng, (9,), 4), ints(rng, (6,), 4)
    for name in ("union1d", "setdiff1d", "setxor1d", "intersect1d"):
        want = getattr(np, name)(a, b)
        for size in (1, 12):
            got = jax.jit(
                lambda x, y, n=name, s=size: getattr(jnp, n)(x, y, size=s, fill_value=-7)
            )(a, b)
            expect = np.concatenate([want[:size], np.full(max(size - want.size, 0), -7)])
            assert_exact(got, expect.astype("int32"))
    with pytest.raises(ConcretizationTypeError, match="setdiff1d"):
        jax.jit(jnp.setdiff1d)(a, b)


# --- transformations -----------------------------------------------------------------------
def test_derivatives(x64, rng):
    x = rng.standard_normal((3, 5))
    check_grads(lambda a: jnp.sort(a, axis=1, descending=True), (x,), 2)
    check_grads(lambda a: jnp.sort(a, axis=None) * jnp.arange(15.0), (x,), 2)
    check_grads(lambda a: jnp.partition(a, 2, axis=0), (x,), 1)
    check_grads(lambda a: jnp.unique(a, size=15, fill_value=0.0), (x,), 1)
    check_grads(lambda a: jnp.unique(jnp.round(a), size=4), (x,), 1)


def test_vmap_and_jit_of_searching(rng):
    a = np.sort(ints(rng, (4, 9)), axis=1)
    v = ints(rng, (4, 5), 6)
    want = np.stack([np.searchsorted(a[i], v[i], "right") for i in range(4)])
    for method in ("scan", "sort", "compare_all"):
        search = jax.jit(lambda s, q, m=method: jnp.searchsorted(s, q, "right", method=m))
        assert_exact(jax.vmap(search)(a, v), as_int(want))
    got = jax.jit(lambda s: jnp.where(s > 0, size=3, fill_value=-1)[0])(a[0])
    idx = np.flatnonzero(a[0] > 0)[:3]
    assert_exact(got, np.pad(idx, (0, 3 - idx.size), constant_values=-1).astype("int32"))
    got = jax.vmap(lambda s: jnp.nonzero(s > 0, size=9, fill_value=-1)[0])(a)
    for i in range(4):
        idx = np.flatnonzero(a[i] > 0)
        assert_exact(got[i], np.pad(idx, (0, 9 - idx.size), constant_values=-1).astype("int32"))
    got = jax.vmap(lambda s: jnp.argsort(s, descending=True))(a)
    assert_exact(got, as_int(np.stack([np.argsort(-a[i], kind="stable") for i in range(4)])))
    f = jax.jit(lambda s, q: (jnp.lexsort([q, s]), jnp.isin(q, s)))
    got = f(a[0], v[0, :1].repeat(9))
    want = (np.lexsort([v[0, :1].repeat(9), a[0]]), np.isin(v[0, :1].repeat(9), a[0]))
    assert_exact(got[0], as_int(want[0]))
    assert_exact(got[1], want[1])

"""Shape, selection, scan and sort operations against NumPy."""

import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import lax
from helpers import assert_exact, np_pad


def arange(shape, dtype="float32"):
    """Distinct values of ``dtype`` laid out in ``shape``."""
    return np.arange(int(np.prod(shape))).reshape(shape).astype(dtype)


@pytest.mark.parametrize(
    ("shape", "out_shape", "dims"),
    [
        ((3,), (2, 3), (1,)),
        ((3,), (3, 2), (0,)),
        ((3, 1), (3, 4), (0, 1)),
        ((), (2, 2), ()),
        ((2, 3), (2, 5, 3), (0, 2)),
        ((1,), (4,), (0,)),
    ],
)
def test_broadcast_in_dim(shape, out_shape, dims):
    x = arange(shape)
    expanded = x.reshape([shape[dims.index(i)] if i in dims else 1 for i in range(len(out_shape))])
    assert_exact(
        lax.broadcast_in_dim(jnp.asarray(x), out_shape, dims), np.broadcast_to(expanded, out_shape)
    )


def test_broadcast_to_and_lax_broadcast():
    x = arange((3, 1))
    assert_exact(jnp.broadcast_to(jnp.asarray(x), (2, 3, 4)), np.broadcast_to(x, (2, 3, 4)))
    assert_exact(lax.broadcast(jnp.asarray(x), (2,)), np.broadcast_to(x, (2, 3, 1)))


@pytest.mark.parametrize(
    ("shape", "new"),
    [
        ((2, 3, 4), (6, 4)),
        ((2, 3, 4), (-1,)),
        ((2, 3, 4), (4, -1)),
        ((6,), (1, 6, 1)),
        ((), (1, 1)),
        ((0, 3), (3, 0)),
        ((1,), ()),
    ],
)
def test_reshape(shape, new):
    x = arange(shape)
    assert_exact(jnp.reshape(jnp.asarray(x), new), x.reshape(new))
    assert_exact(lax.reshape(jnp.asarray(x), x.reshape(new).shape), x.reshape(new))


def test_lax_reshape_with_dimensions():
    x = arange((2, 3, 4))
    got = lax.reshape(jnp.asarray(x), (4, 6), dimensions=(2, 0, 1))
    assert_exact(got, np.transpose(x, (2, 0, 1)).reshape(4, 6))


def test_ravel():
    x = arange((2, 3, 4))
    assert_exact(jnp.ravel(jnp.asarray(x)), x.ravel())
    assert_exact(jnp.ravel(jnp.asarray(x).T), x.T.ravel())


@pytest.mark.parametrize("perm", [None, (0, 1, 2), (2, 1, 0), (1, 0, 2), (2, 0, 1), (-1, 0, 1)])
def test_transpose(perm):
    x = arange((2, 3, 4))
    assert_exact(jnp.transpose(jnp.asarray(x), perm), np.transpose(x, perm))
    if perm is not None:
        normalized = [p % 3 for p in perm]
        assert_exact(lax.transpose(jnp.asarray(x), normalized), np.transpose(x, normalized))


def test_swapaxes_moveaxis():
    x = arange((2, 3, 4))
    assert_exact(jnp.swapaxes(jnp.asarray(x), 0, -1), np.swapaxes(x, 0, -1))
    assert_exact(jnp.moveaxis(jnp.asarray(x), 0, -1), np.moveaxis(x, 0, -1))
    assert_exact(jnp.moveaxis(jnp.asarray(x), (0, 1), (2, 0)), np.moveaxis(x, (0, 1), (2, 0)))


@pytest.mark.parametrize("axis", [None, 0, 2, (0, 2), -1, (-1, 0)])
def test_squeeze(axis):
    x = arange((1, 3, 1))
    assert_exact(jnp.squeeze(jnp.asarray(x), axis), np.squeeze(x, axis))


def test_lax_squeeze_and_errors():
    x = arange((1, 3, 1))
    assert_exact(lax.squeeze(jnp.asarray(x), (0, 2)), x.reshape(3))
    with pytest.raises(ValueError):
        lax.squeeze(jnp.asarray(x), (1,))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3, (0, 1), (0, 3), (-1, 1)])
def test_expand_dims(axis):
    x = arange((2, 3))
    assert_exact(jnp.expand_dims(jnp.asarray(x), axis), np.expand_dims(x, axis))
    axes = (axis,) if isinstance(axis, int) else axis
    assert_exact(lax.expand_dims(jnp.asarray(x), axes), np.expand_dims(x, axis))


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_concatenate(axis):
    xs = [arange((2, 3)), arange((2, 3)) + 10, arange((2, 3)) * -1]
    if axis == 1 or axis == -1:
        xs[1] = arange((2, 5))
    if axis == 0:
        xs[2] = arange((4, 3))
    got = jnp.concatenate([jnp.asarray(x) for x in xs], axis=axis)
    assert_exact(got, np.concatenate(xs, axis=axis))
    if axis is not None:
        assert_exact(lax.concatenate([jnp.asarray(x) for x in xs], axis % 2), got)


def test_concatenate_promotes():
    got = jnp.concatenate([jnp.asarray([1, 2]), jnp.asarray([0.5])])
    assert got.dtype == np.float32
    assert_exact(got, np.array([1, 2, 0.5], np.float32))
    got = jnp.concatenate([jnp.asarray([True]), jnp.asarray(np.array([3], np.uint32))])
    assert got.dtype == np.uint32


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack(axis):
    xs = [arange((2, 3)) + k for k in range(3)]
    assert_exact(jnp.stack([jnp.asarray(x) for x in xs], axis=axis), np.stack(xs, axis=axis))
    with pytest.raises(ValueError):
        jnp.stack([jnp.asarray(xs[0]), jnp.asarray(arange((3, 2)))])


@pytest.mark.parametrize(
    "config",
    [
        [(1, 2, 0), (0, 0, 0)],
        [(0, 0, 1), (2, 1, 2)],
        [(-1, 0, 0), (0, -2, 0)],
        [(-2, 3, 1), (1, -3, 2)],
        [(0, 0, 0), (0, 0, 0)],
        [(3, -1, 0), (-4, 0, 1)],
    ],
)
def test_pad(config):
    x = arange((3, 4)) + 1
    assert_exact(lax.pad(jnp.asarray(x), -7.0, config), np_pad(x, -7.0, config))


def test_pad_int_and_weak_value():
    x = arange((4,), "int32")
    got = lax.pad(jnp.asarray(x), 9, [(1, 1, 1)])
    assert_exact(got, np_pad(x, 9, [(1, 1, 1)]))


@pytest.mark.parametrize(
    ("start", "limit", "strides"),
    [
        ((0, 0), (3, 4), None),
        ((1, 1), (3, 3), None),
        ((0, 0), (3, 4), (2, 3)),
        ((1, 0), (3, 4), (1, 2)),
        ((2, 4), (2, 4), None),
    ],
)
def test_slice(start, limit, strides):
    x = arange((3, 4))
    expected = x[
        tuple(
            slice(s, e, 1 if strides is None else k)
            for s, e, k in zip(start, limit, strides or (1, 1), strict=True)
        )
    ]
    assert_exact(lax.slice(jnp.asarray(x), start, limit, strides), expected)


def test_slice_in_dim():
    x = arange((4, 6))
    assert_exact(lax.slice_in_dim(jnp.asarray(x), 1, 5, 2, axis=1), x[:, 1:5:2])
    assert_exact(lax.slice_in_dim(jnp.asarray(x), -3, None, axis=0), x[-3:])


def _clamped(starts, shape, sizes):
    return [min(max(int(s), 0), n - k) for s, n, k in zip(starts, shape, sizes, strict=True)]


@pytest.mark.parametrize("starts", [(0, 0), (1, 2), (2, 3), (5, 9), (-3, -1), (1, -100)])
def test_dynamic_slice_clamps(starts):
    x = arange((4, 6))
    sizes = (2, 3)
    s0, s1 = _clamped(starts, x.shape, sizes)
    expected = x[s0 : s0 + sizes[0], s1 : s1 + sizes[1]]
    assert_exact(lax.dynamic_slice(jnp.asarray(x), starts, sizes), expected)
    as_arrays = [jnp.asarray(np.int32(s)) for s in starts]
    assert_exact(lax.dynamic_slice(jnp.asarray(x), as_arrays, sizes), expected)


@pytest.mark.parametrize("starts", [(0, 0), (1, 2), (3, 5), (10, 10), (-1, -1)])
def test_dynamic_update_slice_clamps(starts):
    x = arange((4, 6))
    update = -arange((2, 3)) - 1
    s0, s1 = _clamped(starts, x.shape, update.shape)
    expected = x.copy()
    expected[s0 : s0 + 2, s1 : s1 + 3] = update
    got = lax.dynamic_update_slice(jnp.asarray(x), jnp.asarray(update), starts)
    assert_exact(got, expected)
    assert_exact(x, arange((4, 6)))  # the input is untouched


def test_dynamic_in_dim_helpers():
    x = arange((5, 3))
    assert_exact(lax.dynamic_slice_in_dim(jnp.asarray(x), 2, 2), x[2:4])
    upd = np.zeros((1, 3), np.float32)
    expected = x.copy()
    expected[4:5] = upd
    assert_exact(lax.dynamic_update_slice_in_dim(jnp.asarray(x), jnp.asarray(upd), 9, 0), expected)


@pytest.mark.parametrize("dims", [(0,), (1,), (0, 1), ()])
def test_rev(dims):
    x = arange((3, 4))
    assert_exact(lax.rev(jnp.asarray(x), dims), np.flip(x, dims) if dims else x)
    assert_exact(jnp.flip(jnp.asarray(x), dims if dims else None), np.flip(x, dims or None))


ACCUMULATE = {
    "cumsum": (lax.cumsum, np.cumsum),
    "cumprod": (lax.cumprod, np.cumprod),
    "cummax": (lax.cummax, np.maximum.accumulate),
    "cummin": (lax.cummin, np.minimum.accumulate),
}


@pytest.mark.parametrize("name", list(ACCUMULATE))
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_cumulative(name, axis, reverse, dtype, rng):
    fn, ref = ACCUMULATE[name]
    x = rng.integers(-3, 4, (5, 6)).astype(dtype)
    src = np.flip(x, axis) if reverse else x
    expected = ref(src, axis=axis).astype(dtype)
    if reverse:
        expected = np.flip(expected, axis)
    assert_exact(fn(jnp.asarray(x), axis=axis, reverse=reverse), expected)


def test_cummax_propagates_nan():
    x = np.array([1.0, np.nan, 3.0, 0.0], np.float32)
    assert_exact(lax.cummax(jnp.asarray(x)), np.maximum.accumulate(x))


@pytest.mark.parametrize("dtype", ["float32", "int32", "uint32", "bool"])
@pytest.mark.parametrize("dimension", [0, 1, -1])
def test_sort_single(dtype, dimension, rng):
    x = (rng.standard_normal((5, 7)) * 10).astype(dtype)
    got = lax.sort(jnp.asarray(x), dimension=dimension)
    assert not isinstance(got, tuple)
    assert_exact(got, np.sort(x, axis=dimension))


def test_sort_nans_last_and_infinities():
    x = np.array([3.0, np.nan, -np.inf, 1.0, np.inf, np.nan, -2.0], np.float32)
    assert_exact(lax.sort(jnp.asarray(x)), np.sort(x))


def test_sort_multi_operand_is_stable(rng):
    keys = rng.integers(0, 4, 50).astype(np.int32)
    values = np.arange(50, dtype=np.float32)
    got_k, got_v = lax.sort((jnp.asarray(keys), jnp.asarray(values)), num_keys=1)
    order = np.argsort(keys, kind="stable")
    assert_exact(got_k, keys[order])
    assert_exact(got_v, values[order])
    k2, v2 = lax.sort_key_val(jnp.asarray(keys), jnp.asarray(values))
    assert_exact(k2, keys[order])
    assert_exact(v2, values[order])


def test_sort_two_keys(rng):
    k1 = rng.integers(0, 3, 40).astype(np.int32)
    k2 = rng.standard_normal(40).astype(np.float32)
    payload = np.arange(40, dtype=np.int32)
    out = lax.sort([jnp.asarray(k1), jnp.asarray(k2), jnp.asarray(payload)], num_keys=2)
    assert isinstance(out, tuple) and len(out) == 3
    order = np.lexsort((k2, k1))  # last key is the primary one in lexsort
    for got, expected in zip(out, (k1, k2, payload), strict=True):
        assert_exact(got, expected[order])


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_lax_argmax_argmin(dtype, rng):
    x = rng.integers(-5, 5, (6, 7)).astype(dtype)  # ties: the first index wins
    for axis in (0, 1):
        assert_exact(
            lax.argmax(jnp.asarray(x), axis, jnp.int32), np.argmax(x, axis).astype(np.int32)
        )
        assert_exact(lax.argmin(jnp.asarray(x), axis, "int32"), np.argmin(x, axis).astype(np.int32))
    assert lax.argmax(jnp.asarray(x), 0, "uint32").dtype == np.uint32


def test_argmax_nan_wins():
    x = np.array([[1.0, np.nan, 5.0, np.nan], [2.0, 0.0, -1.0, 3.0]], np.float32)
    assert_exact(jnp.argmax(jnp.asarray(x), axis=1), np.argmax(x, axis=1).astype(np.int32))
    assert_exact(jnp.argmin(jnp.asarray(x), axis=1), np.argmin(x, axis=1).astype(np.int32))


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_clamp_and_clip(dtype, rng):
    x = rng.integers(-10, 10, (4, 5)).astype(dtype)
    assert_exact(
        lax.clamp(np.array(-3, dtype), jnp.asarray(x), np.array(4, dtype)), np.clip(x, -3, 4)
    )
    lo = rng.integers(-10, 0, (4, 5)).astype(dtype)
    assert_exact(
        lax.clamp(jnp.asarray(lo), jnp.asarray(x), jnp.asarray(lo + 5)), np.clip(x, lo, lo + 5)
    )
    assert_exact(jnp.clip(jnp.asarray(x), -2, 3), np.clip(x, -2, 3))
    assert_exact(jnp.clip(jnp.asarray(x), max=1), np.minimum(x, 1))
    assert_exact(jnp.clip(jnp.asarray(x), min=1), np.maximum(x, 1))


def test_select_n(rng):
    pred = rng.random((3, 4)) < 0.5
    a = arange((3, 4))
    b = -arange((3, 4))
    assert_exact(
        lax.select_n(jnp.asarray(pred), jnp.asarray(a), jnp.asarray(b)), np.where(pred, b, a)
    )
    which = rng.integers(0, 3, (3, 4)).astype(np.int32)
    c = arange((3, 4)) * 100
    got = lax.select_n(jnp.asarray(which), jnp.asarray(a), jnp.asarray(b), jnp.asarray(c))
    assert_exact(got, np.choose(which, [a, b, c]))


def test_where(rng):
    cond = rng.random((3, 4)) < 0.5
    x = arange((3, 4))
    y = arange((4,)) * -1
    assert_exact(jnp.where(jnp.asarray(cond), jnp.asarray(x), jnp.asarray(y)), np.where(cond, x, y))
    got = jnp.where(jnp.asarray(cond), jnp.asarray(x), 1.5)  # weak scalar keeps float32
    assert got.dtype == np.float32
    assert_exact(got, np.where(cond, x, np.float32(1.5)))
    ints = jnp.where(jnp.asarray([1, 0, 2]), 1, 0)  # non-bool conditions are truth-tested
    assert_exact(ints, np.array([1, 0, 1], np.int32))
    with pytest.raises(ValueError, match="where: either both or neither of x and y"):
        jnp.where(jnp.asarray(cond), jnp.asarray(x))


def test_iota_and_full():
    assert_exact(lax.iota(np.int32, 5), np.arange(5, dtype=np.int32))
    assert_exact(lax.iota("float32", 3), np.arange(3, dtype=np.float32))
    assert_exact(
        lax.broadcasted_iota("int32", (2, 3), 1),
        np.broadcast_to(np.arange(3, dtype=np.int32), (2, 3)),
    )
    assert_exact(
        lax.broadcasted_iota("int32", (2, 3), 0),
        np.broadcast_to(np.arange(2, dtype=np.int32)[:, None], (2, 3)),
    )
    for dim in range(3):
        want = np.indices((2, 3, 4), dtype=np.int32)[dim]
        assert_exact(lax.broadcasted_iota("int32", (2, 3, 4), dim), want)
    assert_exact(lax.full((2, 2), 3.0, "float32"), np.full((2, 2), 3.0, np.float32))
    assert lax.full((2,), 3.0).weak_type
    assert_exact(lax.full_like(jnp.asarray([1, 2]), 7), np.array([7, 7], np.int32))

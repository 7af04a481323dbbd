"""dot_general, matmul, dot, vdot, inner, outer, tensordot and einsum against NumPy."""

import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import lax
from helpers import assert_exact


def randn(rng, *shape):
    """float32 standard normal values."""
    return rng.standard_normal(shape).astype(np.float32)


def close(got, expected, rtol=1e-5):
    """float32 results against a float64 NumPy reference, tolerance relative to the scale."""
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize(
    ("ls", "rs", "dims", "spec"),
    [
        ((3, 4), (4, 5), (((1,), (0,)), ((), ())), "ij,jk->ik"),
        ((4, 3), (4, 5), (((0,), (0,)), ((), ())), "ji,jk->ik"),
        ((2, 3, 4), (2, 4, 5), (((2,), (1,)), ((0,), (0,))), "bij,bjk->bik"),
        ((3, 2, 4), (4, 5, 2), (((2,), (0,)), ((1,), (2,))), "ibj,jkb->bik"),
        ((2, 3, 4), (3, 4, 6), (((1, 2), (0, 1)), ((), ())), "ijk,jkl->il"),
        ((5,), (5,), (((0,), (0,)), ((), ())), "i,i->"),
        ((3,), (4,), (((), ()), ((), ())), "i,j->ij"),
        ((2, 3), (2, 3), (((), ()), ((0, 1), (0, 1))), "ij,ij->ij"),
        ((2, 3, 4), (3, 2), (((1,), (0,)), ((0,), (1,))), "ajb,ja->ab"),
    ],
)
def test_dot_general(ls, rs, dims, spec, rng):
    x, y = randn(rng, *ls), randn(rng, *rs)
    got = lax.dot_general(jnp.asarray(x), jnp.asarray(y), dims)
    close(got, np.einsum(spec, x.astype(float), y.astype(float)))


def test_dot_general_ints_and_preferred_type(rng):
    x = rng.integers(-5, 5, (3, 4)).astype(np.int32)
    y = rng.integers(-5, 5, (4, 2)).astype(np.int32)
    dims = (((1,), (0,)), ((), ()))
    assert_exact(lax.dot_general(jnp.asarray(x), jnp.asarray(y), dims), x @ y)
    got = lax.dot_general(jnp.asarray(x), jnp.asarray(y), dims, preferred_element_type=np.float32)
    assert got.dtype == np.float32
    assert_exact(got, (x @ y).astype(np.float32))


def test_lax_dot(rng):
    x, y, v = randn(rng, 3, 4), randn(rng, 4, 5), randn(rng, 4)
    close(lax.dot(jnp.asarray(x), jnp.asarray(y)), x.astype(float) @ y)
    close(lax.dot(jnp.asarray(x), jnp.asarray(v)), x.astype(float) @ v)
    close(lax.dot(jnp.asarray(v), jnp.asarray(v)), v.astype(float) @ v)


@pytest.mark.parametrize(
    ("ls", "rs"),
    [
        ((3, 4), (4, 5)),
        ((4,), (4,)),
        ((4,), (4, 5)),
        ((3, 4), (4,)),
        ((2, 3, 4), (4, 5)),
        ((2, 3, 4), (2, 4, 5)),
        ((2, 1, 3, 4), (5, 4, 2)),
        ((3, 4), (7, 4, 2)),
        ((1, 4), (4, 1)),
        ((0, 4), (4, 3)),
        ((3, 0), (0, 2)),
    ],
)
def test_matmul(ls, rs, rng):
    x, y = randn(rng, *ls), randn(rng, *rs)
    expected = np.matmul(x.astype(float), y.astype(float))
    close(jnp.matmul(jnp.asarray(x), jnp.asarray(y)), expected)
    close(jnp.asarray(x) @ jnp.asarray(y), expected)


def test_matmul_ints_exact(rng):
    x = rng.integers(-100, 100, (6, 7)).astype(np.int32)
    y = rng.integers(-100, 100, (7, 3)).astype(np.int32)
    assert_exact(jnp.matmul(jnp.asarray(x), jnp.asarray(y)), x @ y)
    assert jnp.matmul(jnp.asarray(x), jnp.asarray(y, dtype="float32")).dtype == np.float32


def test_matmul_large_accuracy(rng):
    x, y = randn(rng, 256, 512), randn(rng, 512, 128)
    expected = x.astype(np.float64) @ y.astype(np.float64)
    got = np.asarray(jnp.matmul(jnp.asarray(x), jnp.asarray(y)))
    # float32 accumulation: errors well below 1e-5 of the sum of |products|.
    bound = 1e-5 * (np.abs(x).astype(np.float64) @ np.abs(y))
    assert np.all(np.abs(got - expected) <= bound)


@pytest.mark.parametrize(
    "ls, rs",
    [
        ((3, 4), (4, 2)),
        ((2, 3, 4), (5, 4, 6)),
        ((4,), (4, 2)),
        ((3, 4), (4,)),
        ((), (3,)),
        ((3,), ()),
    ],
)
def test_dot(ls, rs, rng):
    x, y = randn(rng, *ls), randn(rng, *rs)
    close(jnp.dot(jnp.asarray(x), jnp.asarray(y)), np.dot(x.astype(float), y.astype(float)))


def test_vdot_inner_outer_tensordot(rng):
    x, y = randn(rng, 2, 3), randn(rng, 2, 3)
    x64, y64 = x.astype(float), y.astype(float)
    close(jnp.vdot(jnp.asarray(x), jnp.asarray(y)), np.vdot(x64, y64))
    close(jnp.inner(jnp.asarray(x), jnp.asarray(y)), np.inner(x64, y64))
    close(jnp.inner(jnp.asarray(x), 2.0), np.inner(x64, 2.0))
    close(jnp.outer(jnp.asarray(x), jnp.asarray(y[0])), np.outer(x64, y64[0]))
    a, b = randn(rng, 2, 3, 4), randn(rng, 3, 4, 5)
    close(jnp.tensordot(jnp.asarray(a), jnp.asarray(b)), np.tensordot(a.astype(float), b))
    close(
        jnp.tensordot(jnp.asarray(a), jnp.asarray(b), axes=([1], [0])),
        np.tensordot(a.astype(float), b, axes=([1], [0])),
    )
    c = randn(rng, 4, 5)
    close(
        jnp.tensordot(jnp.asarray(a), jnp.asarray(c), axes=1),
        np.tensordot(a.astype(float), c, axes=1),
    )


EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("i,i->", [(5,), (5,)]),
    ("i,i", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("ij", [(3, 4)]),
    ("ji", [(3, 4)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("ij,j->i", [(3, 4), (4,)]),
    ("ijk,ikl->jl", [(2, 3, 4), (2, 4, 5)]),
    ("abc,cd,de->abe", [(2, 3, 4), (4, 5), (5, 6)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(7, 2, 3, 4), (2, 4, 5)]),
    ("...ij,jk", [(2, 3, 4), (4, 5)]),
    ("i...->...", [(3, 4, 5)]),
    ("ij,kj->ikj", [(2, 3), (4, 3)]),
    ("bqd,bkd->bqk", [(2, 5, 8), (2, 6, 8)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    (" ij , jk -> ik ", [(3, 4), (4, 5)]),
    ("ij,ik->jk", [(1, 3), (4, 5)]),
]


@pytest.mark.parametrize(("spec", "shapes"), EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum(spec, shapes, rng):
    ops = [randn(rng, *s) for s in shapes]
    expected = np.einsum(spec, *[o.astype(float) for o in ops])
    got = jnp.einsum(spec, *[jnp.asarray(o) for o in ops])
    assert got.dtype == np.float32
    close(got, expected)


def test_einsum_broadcasts_size_one_dims(rng):
    x, y = randn(rng, 1, 3, 4), randn(rng, 5, 4, 2)
    close(
        jnp.einsum("...ij,...jk->...ik", jnp.asarray(x), jnp.asarray(y)),
        np.einsum("...ij,...jk->...ik", x.astype(float), y.astype(float)),
    )


def test_einsum_errors(rng):
    x = jnp.asarray(randn(rng, 3, 3))
    with pytest.raises(ValueError, match="einsum: index 'i' has size 3 in operand 0 but 2"):
        jnp.einsum("ii->i", jnp.ones((2, 3)))  # a repeated index with two sizes
    with pytest.raises(ValueError, match="einsum: optimize must be .* got 'fastest'"):
        jnp.einsum("ij,jk->ik", x, x, optimize="fastest")
    with pytest.raises(ValueError, match=r"einsum: path \[\(0, 1\)\] leaves 2 operands"):
        jnp.einsum("ij,jk,kl->il", x, x, x, optimize=[(0, 1)])  # leaves two operands
    with pytest.raises(ValueError, match="einsum: subscripts 'ij,jk->ik' name 2 operands, got 1"):
        jnp.einsum("ij,jk->ik", x)  # one operand for two terms
    with pytest.raises(ValueError, match="einsum: operand 0 has 2 dimensions but .* name 3"):
        jnp.einsum("ijk->i", x)  # three subscripts for two dimensions
    with pytest.raises(ValueError, match="einsum: output subscript 'z' does not appear"):
        jnp.einsum("ij->iz", x)  # output label not in the inputs
    with pytest.raises(ValueError, match="einsum: index 'j' has size 4 in operand 1 but 3"):
        jnp.einsum("ij,jk->ik", x, jnp.asarray(randn(rng, 4, 2)))  # j: 3 vs 4


def test_einsum_ints_and_preferred_type(rng):
    x = rng.integers(-5, 5, (3, 4)).astype(np.int32)
    y = rng.integers(-5, 5, (4,)).astype(np.int32)
    assert_exact(jnp.einsum("ij,j->i", jnp.asarray(x), jnp.asarray(y)), x @ y)
    got = jnp.einsum("ij,j->i", jnp.asarray(x), jnp.asarray(y), preferred_element_type="float32")
    assert_exact(got, (x @ y).astype(np.float32))

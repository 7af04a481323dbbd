"""``ferrax.numpy.linalg`` against ``numpy.linalg`` (values, batches), its derivatives against
finite differences, batching against a loop and jit against eager."""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads


def spd(rng, *shape):
    a = rng.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def close(a, b, tol=1e-4):
    np.testing.assert_allclose(
        np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=tol, atol=tol
    )


def test_values_match_numpy(rng):
    a = rng.standard_normal((2, 4, 4)).astype(np.float32)
    s = spd(rng, 2, 4, 4).astype(np.float32)
    b = rng.standard_normal((2, 4, 3)).astype(np.float32)
    close(jnp.linalg.cholesky(s), np.linalg.cholesky(s))
    close(jnp.linalg.cholesky(s, upper=True), np.swapaxes(np.linalg.cholesky(s), -1, -2))
    close(jnp.linalg.det(a), np.linalg.det(a))
    sign, logdet = jnp.linalg.slogdet(a)
    want = np.linalg.slogdet(a)
    close(sign, want.sign)
    close(logdet, want.logabsdet)
    close(jnp.linalg.inv(a), np.linalg.inv(a), 1e-3)
    close(jnp.linalg.solve(a, b), np.linalg.solve(a, b), 1e-3)
    close(jnp.linalg.solve(a[0], b[0, :, 0]), np.linalg.solve(a[0], b[0, :, 0]), 1e-3)
    close(jnp.linalg.eigvalsh(s), np.linalg.eigvalsh(s))
    close(jnp.linalg.svdvals(a), np.linalg.svd(a, compute_uv=False))
    close(jnp.linalg.pinv(b), np.linalg.pinv(b), 1e-3)
    close(jnp.linalg.matrix_power(a[0], 3), np.linalg.matrix_power(a[0], 3), 1e-3)
    close(jnp.linalg.matrix_power(a[0], -2), np.linalg.matrix_power(a[0], -2), 1e-2)
    close(jnp.linalg.matrix_power(a[0], 0), np.eye(4))


def test_decompositions_reconstruct(rng):
    for shape in [(5, 3), (3, 5), (4, 4)]:
        a = rng.standard_normal((2,) + shape)
        q, r = jnp.linalg.qr(a)
        close(q @ r, a)
        k = min(shape)
        close(np.swapaxes(q, -1, -2) @ np.asarray(q), np.broadcast_to(np.eye(k), (2, k, k)))
        close(np.tril(np.asarray(r), -1), 0)
        u, s, vh = jnp.linalg.svd(a, full_matrices=False)
        close((np.asarray(u) * np.asarray(s)[..., None, :]) @ np.asarray(vh), a)
        assert np.all(np.diff(np.asarray(s), axis=-1) <= 0)
    s = spd(rng, 3, 3)
    w, v = jnp.linalg.eigh(s)
    close(np.asarray(v) @ np.diag(np.asarray(w)) @ np.asarray(v).T, s)


@pytest.mark.parametrize("ord", [None, 1, -1, 2, -2, np.inf, -np.inf, "fro", "nuc"])
def test_matrix_norms(rng, ord):
    a = rng.standard_normal((3, 4, 5))
    close(jnp.linalg.norm(a, ord=ord, axis=(1, 2)), np.linalg.norm(a, ord=ord, axis=(1, 2)))
    close(
        jnp.linalg.norm(a, ord=ord, axis=(1, 2), keepdims=True),
        np.linalg.norm(a, ord=ord, axis=(1, 2), keepdims=True),
    )


@pytest.mark.parametrize("ord", [None, 0, 1, 2, 3, 0.5, np.inf, -np.inf])
def test_vector_norms(rng, ord):
    x = rng.standard_normal((4, 6))
    close(jnp.linalg.norm(x, ord=ord, axis=1), np.linalg.norm(x, ord=ord, axis=1))
    close(jnp.linalg.norm(x), np.linalg.norm(x))


def test_derivatives(x64, rng):
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((3, 2))
    check_grads(lambda m: jnp.linalg.cholesky(m @ m.T + 3 * jnp.eye(3)), (a,), 2)
    check_grads(jnp.linalg.det, (a,), 2)
    check_grads(lambda m: jnp.linalg.slogdet(m)[1], (a,), 2)
    check_grads(jnp.linalg.inv, (a,), 2)
    check_grads(jnp.linalg.solve, (a, b), 2)
    sym = lambda m: m + m.T
    check_grads(lambda m: jnp.linalg.eigh(sym(m))[0], (a,), 2)
    # eigenvectors up to sign: v v^T per eigenvalue is sign-free
    check_grads(lambda m: jnp.einsum("ij,kj->jik", *(jnp.linalg.eigh(sym(m))[1],) * 2), (a,), 1)
    tall = rng.standard_normal((4, 3))
    check_grads(lambda m: jnp.linalg.qr(m), (tall,), 1)
    check_grads(lambda m: jnp.linalg.svd(m, full_matrices=False, compute_uv=False), (tall,), 2)

    # the per-singular-value projectors u_j u_j^T and v_j v_j^T are sign-free
    def projectors(m):
        u, _, vh = jnp.linalg.svd(m, full_matrices=False)
        return jnp.einsum("ij,kj->jik", u, u), jnp.einsum("ji,jk->jik", vh, vh)

    check_grads(projectors, (tall,), 1)
    check_grads(lambda m: jnp.linalg.norm(m, 2), (tall,), 1)
    check_grads(lambda m: jnp.linalg.pinv(m), (tall,), 1)


def test_batching_and_jit(rng):
    a = jnp.asarray(spd(rng, 5, 3, 3).astype(np.float32))
    for f in (
        jnp.linalg.cholesky,
        jnp.linalg.det,
        jnp.linalg.inv,
        lambda m: jnp.linalg.eigh(m)[0],
        jnp.linalg.svdvals,
    ):
        got = jax.vmap(f)(a)
        loop = np.stack([np.asarray(f(m)) for m in a])
        close(got, loop)
        close(jax.jit(f)(a), f(a))
    g = jax.vmap(jax.grad(lambda m: jnp.linalg.slogdet(m)[1]))(a)
    close(g, np.linalg.inv(np.asarray(a, np.float64)).swapaxes(-1, -2), 1e-3)


def test_errors_and_failures():
    with pytest.raises(ValueError, match="square"):
        jnp.linalg.inv(jnp.ones((2, 3)))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        jnp.linalg.qr(jnp.ones(3))
    with pytest.raises(NotImplementedError, match="full_matrices"):
        jnp.linalg.svd(jnp.ones((2, 3)))
    # not positive definite: NaN, as JAX
    assert np.isnan(np.asarray(jnp.linalg.cholesky(-jnp.eye(2)))).all()

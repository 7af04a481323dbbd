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


def close(got, want, rtol=1e-12, dtype=np.float64):
    """``got`` has ``dtype`` and ``want``'s shape, and matches it to ``rtol`` relative to the
    largest magnitude in ``want`` (so that entries near zero are not held to a relative bound)."""
    got = np.asarray(got)
    want = np.asarray(want, np.float64)
    assert got.dtype == dtype, got.dtype
    assert got.shape == want.shape, (got.shape, want.shape)
    scale = float(np.max(np.abs(want))) if want.size else 1.0
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=rtol, atol=rtol * scale)


def cond(m):
    """The largest 2-norm condition number of a (batch of) matrices."""
    return float(np.max(np.linalg.cond(m)))


def backward_error(a, x, b):
    """``||a x - b|| / (||a|| ||x||)`` per matrix, in float64: small for a backward-stable solve,
    whatever the conditioning of ``a``."""
    a, x, b = (np.asarray(m, np.float64) for m in (a, x, b))
    if x.ndim == a.ndim - 1:
        x, b = x[..., None], b[..., None]
    norm = lambda m: np.linalg.norm(m, axis=(-2, -1))
    return np.max(norm(a @ x - b) / (norm(a) * norm(x)))


def test_values_match_numpy(x64, rng):
    a = rng.standard_normal((2, 4, 4))
    s = spd(rng, 2, 4, 4)
    b = rng.standard_normal((2, 4, 3))
    close(jnp.linalg.cholesky(s), np.linalg.cholesky(s))
    close(jnp.linalg.cholesky(s, upper=True), np.swapaxes(np.linalg.cholesky(s), -1, -2))
    close(jnp.linalg.det(a), np.linalg.det(a))
    sign, logdet = jnp.linalg.slogdet(a)
    want = np.linalg.slogdet(a)
    close(sign, want.sign)
    close(logdet, want.logabsdet)
    # inverses and solves lose up to cond(a) times the precision of their inputs
    tol = 1e-13 * cond(a)
    close(jnp.linalg.inv(a), np.linalg.inv(a), tol)
    close(jnp.linalg.solve(a, b), np.linalg.solve(a, b), tol)
    close(jnp.linalg.solve(a[0], b[0, :, 0]), np.linalg.solve(a[0], b[0, :, 0]), tol)
    close(jnp.linalg.eigvalsh(s), np.linalg.eigvalsh(s))
    close(jnp.linalg.svdvals(a), np.linalg.svd(a, compute_uv=False))
    close(jnp.linalg.pinv(b), np.linalg.pinv(b), 1e-13 * cond(b))
    close(jnp.linalg.matrix_power(a[0], 3), np.linalg.matrix_power(a[0], 3))
    close(jnp.linalg.matrix_power(a[0], -2), np.linalg.matrix_power(a[0], -2), tol * cond(a))
    close(jnp.linalg.matrix_power(a[0], 0), np.eye(4))


def test_float32_solves_are_backward_stable(rng):
    a = rng.standard_normal((2, 4, 4)).astype(np.float32)
    b = rng.standard_normal((2, 4, 3)).astype(np.float32)
    eps = np.finfo(np.float32).eps
    x = jnp.linalg.solve(a, b)
    assert x.dtype == np.float32 and x.shape == b.shape
    assert backward_error(a, x, b) < 4 * 4 * eps
    x1 = jnp.linalg.solve(a[0], b[0, :, 0])
    assert x1.dtype == np.float32 and x1.shape == (4,)
    assert backward_error(a[0], x1, b[0, :, 0]) < 4 * 4 * eps
    inv = jnp.linalg.inv(a)
    assert inv.dtype == np.float32
    assert backward_error(a, inv, np.broadcast_to(np.eye(4), a.shape)) < 4 * 4 * eps
    # b has full column rank, so pinv(b) is a left inverse of b
    p = jnp.linalg.pinv(b)
    assert p.dtype == np.float32 and p.shape == (2, 3, 4)
    tol = 8 * 4 * eps * cond(b)
    close(p, np.linalg.pinv(b.astype(np.float64)), tol, np.float32)
    assert np.max(np.abs(np.asarray(p, np.float64) @ b - np.eye(3))) < tol
    m = jnp.linalg.matrix_power(a[0], -2)
    assert m.dtype == np.float32
    a0 = a[0].astype(np.float64)
    assert backward_error(a0 @ a0, m, np.eye(4)) < 8 * 4 * eps * cond(a)


def test_decompositions_reconstruct(x64, rng):
    for shape in [(5, 3), (3, 5), (4, 4)]:
        a = rng.standard_normal((2,) + shape)
        q, r = jnp.linalg.qr(a)
        close(q @ r, a)
        k = min(shape)
        close(np.swapaxes(q, -1, -2) @ np.asarray(q), np.broadcast_to(np.eye(k), (2, k, k)))
        assert np.all(np.tril(np.asarray(r), -1) == 0)
        u, s, vh = jnp.linalg.svd(a, full_matrices=False)
        close((np.asarray(u) * np.asarray(s)[..., None, :]) @ np.asarray(vh), a)
        close(s, np.linalg.svd(a, compute_uv=False))
        assert np.all(np.diff(np.asarray(s), axis=-1) <= 0)
    s = spd(rng, 3, 3)
    w, v = jnp.linalg.eigh(s)
    close(np.asarray(v) @ np.diag(np.asarray(w)) @ np.asarray(v).T, s)
    close(np.asarray(v).T @ np.asarray(v), np.eye(3))


def test_float32_decompositions(rng):
    eps = np.finfo(np.float32).eps
    a = rng.standard_normal((2, 5, 3)).astype(np.float32)
    q, r = jnp.linalg.qr(a)
    assert q.dtype == r.dtype == np.float32
    close(q @ r, a, 16 * eps, np.float32)
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    assert u.dtype == s.dtype == vh.dtype == np.float32
    close(s, np.linalg.svd(a.astype(np.float64), compute_uv=False), 16 * eps, np.float32)


@pytest.mark.parametrize("ord", [None, 1, -1, 2, -2, np.inf, -np.inf, "fro", "nuc"])
def test_matrix_norms(x64, rng, ord):
    a = rng.standard_normal((3, 4, 5))
    close(jnp.linalg.norm(a, ord=ord, axis=(1, 2)), np.linalg.norm(a, ord=ord, axis=(1, 2)))
    close(
        jnp.linalg.norm(a, ord=ord, axis=(1, 2), keepdims=True),
        np.linalg.norm(a, ord=ord, axis=(1, 2), keepdims=True),
    )


@pytest.mark.parametrize("ord", [None, 0, 1, 2, 3, 0.5, np.inf, -np.inf])
def test_vector_norms(x64, rng, ord):
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
        close(got, loop, 1e-6, np.float32)
        close(jax.jit(f)(a), f(a), 1e-6, np.float32)
    # d log|det m| / dm = inv(m)^T; the spd batch is well conditioned
    g = jax.vmap(jax.grad(lambda m: jnp.linalg.slogdet(m)[1]))(a)
    close(g, np.linalg.inv(np.asarray(a, np.float64)).swapaxes(-1, -2), 1e-5, np.float32)


def test_errors_and_failures():
    with pytest.raises(ValueError, match="square"):
        jnp.linalg.inv(jnp.ones((2, 3)))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        jnp.linalg.qr(jnp.ones(3))
    # not positive definite: NaN, as JAX
    assert np.isnan(np.asarray(jnp.linalg.cholesky(-jnp.eye(2)))).all()


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 3), (4, 4)])
def test_full_svd(shape, rng, x64):
    a = rng.standard_normal(shape)
    u, s, vh = (np.asarray(t) for t in jnp.linalg.svd(jnp.asarray(a)))
    nu, ns, nvh = np.linalg.svd(a)
    assert u.shape == nu.shape and vh.shape == nvh.shape
    np.testing.assert_allclose(s, ns, rtol=1e-12)
    for q in (u, vh):
        eye = np.broadcast_to(np.eye(q.shape[-1]), q.shape)
        np.testing.assert_allclose(q @ np.swapaxes(q, -1, -2), eye, atol=1e-12)
    k = min(shape[-2:])
    np.testing.assert_allclose((u[..., :k] * s[..., None, :]) @ vh[..., :k, :], a, atol=1e-12)
    if shape[-1] != shape[-2]:
        # As in JAX, the completed factors have no derivative.
        with pytest.raises(NotImplementedError, match="full_matrices"):
            jax.grad(lambda m: jnp.linalg.svd(m)[0].sum())(jnp.asarray(a))

"""vmap against loops over examples (NumPy or single-example calls as the oracle)."""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import errors, lax


@pytest.fixture
def mats(rng):
    mat = rng.standard_normal((150, 100)).astype(np.float32)
    batched_x = rng.standard_normal((10, 100)).astype(np.float32)
    return mat, batched_x


def close(a, b, tol=1e-4):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def test_matrix_vector_products(mats):
    mat, bx = mats
    m, b = jnp.asarray(mat), jnp.asarray(bx)
    want = bx.astype(np.float64) @ mat.T.astype(np.float64)
    close(jax.vmap(lambda v: jnp.dot(m, v))(b), want)
    close(jax.vmap(jnp.dot, in_axes=(None, 0))(m, b), want)
    out0 = jax.vmap(lambda v: jnp.dot(m, v), in_axes=1, out_axes=0)(b.T)
    out1 = jax.vmap(lambda v: jnp.dot(m, v), in_axes=1, out_axes=1)(b.T)
    assert out0.shape == (10, 150) and out1.shape == (150, 10)
    close(out0, want)
    close(out1, want.T)


def test_batched_program_has_no_extra_equations(mats):
    mat, bx = mats
    m = jnp.asarray(mat)
    single = jax.make_jaxpr(lambda v: jnp.dot(m, v))(jnp.asarray(bx[0]))
    batched = jax.make_jaxpr(jax.vmap(lambda v: jnp.dot(m, v)))(jnp.asarray(bx))
    assert batched.eqn_count <= single.eqn_count
    assert "dot_general" in str(batched)
    red = jax.make_jaxpr(jax.vmap(lambda v: jnp.sum(jnp.sin(v) * 2.0)))(jnp.asarray(bx))
    assert red.eqn_count == jax.make_jaxpr(lambda v: jnp.sum(jnp.sin(v) * 2.0))(bx[0]).eqn_count


def test_nested_vmaps_make_a_matrix_product(rng):
    a = rng.standard_normal((4, 5)).astype(np.float32)
    b = rng.standard_normal((5, 6)).astype(np.float32)
    vv = lambda x, y: jnp.vdot(x, y)
    mv = jax.vmap(vv, (0, None), 0)
    mm = jax.vmap(mv, (None, 1), 1)
    close(mm(jnp.asarray(a), jnp.asarray(b)), a.astype(np.float64) @ b)
    # the same axes twice, and different axes
    outer = jax.vmap(jax.vmap(lambda x, y: x * y, (0, 0)), (1, 1), 1)
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    close(outer(jnp.asarray(x), jnp.asarray(y)), x * y)


def test_per_example_gradients_match_a_loop(rng):
    n, d = 512, 1000
    X = rng.standard_normal((n, d)).astype(np.float32) / np.sqrt(d)
    y = rng.random(n) > 0.5
    W = jnp.asarray(rng.standard_normal(d).astype(np.float32))

    def loss(W, x, t):
        p = 1 / (1 + jnp.exp(-jnp.dot(x, W)))
        return -jnp.where(t, jnp.log(p), jnp.log(1 - p))

    per_example = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(W, jnp.asarray(X), jnp.asarray(y))
    assert per_example.shape == (n, d)
    Wn = np.asarray(W, np.float64)
    p = 1 / (1 + np.exp(-(X.astype(np.float64) @ Wn)))
    close(per_example, (p - y)[:, None] * X, tol=1e-4)
    for i in (0, 7, 511):  # single-example grad calls agree exactly in structure and value
        close(per_example[i], jax.grad(loss)(W, jnp.asarray(X[i]), jnp.asarray(y[i])), tol=1e-5)


@pytest.mark.parametrize(
    "fun, ref",
    [
        (lambda x: jnp.sum(x, axis=0), lambda x: x.sum(0)),
        (lambda x: jnp.max(x, axis=1), lambda x: x.max(1)),
        (lambda x: jnp.argmax(x, axis=1), lambda x: x.argmax(1)),
        (lambda x: x * jnp.arange(4.0), lambda x: x * np.arange(4.0)),
        (lambda x: x[1:, ::-1] + 1.0, lambda x: x[1:, ::-1] + 1.0),
        (lambda x: x[0], lambda x: x[0]),
        (lambda x: jnp.concatenate([x, 2 * x], axis=1), lambda x: np.concatenate([x, 2 * x], 1)),
        (lambda x: jnp.where(x > 0, x, -x), np.abs),
        (lambda x: jnp.cumsum(x, axis=1), lambda x: np.cumsum(x, 1)),
        (lambda x: jnp.sort(x, axis=0), lambda x: np.sort(x, 0)),
        (lambda x: x.T @ x, lambda x: x.T @ x),
        (lambda x: jnp.reshape(x, (-1,)), lambda x: x.reshape(-1)),
        (lambda x: lax.pad(x, 0.0, [(1, -1, 1), (0, 2, 0)]), None),
        (lambda x: lax.dynamic_slice(x, [1, 2], [2, 2]), lambda x: x[1:3, 2:4]),
    ],
)
def test_batching_rules_against_a_loop(rng, fun, ref):
    xs = rng.standard_normal((5, 3, 4)).astype(np.float32)
    got = np.asarray(jax.vmap(fun)(jnp.asarray(xs)))
    loop = np.stack([np.asarray(fun(jnp.asarray(x))) for x in xs])
    np.testing.assert_allclose(got, loop, rtol=1e-5, atol=1e-5)
    if ref is not None:
        np.testing.assert_allclose(got, np.stack([ref(x) for x in xs]), rtol=1e-4, atol=1e-4)


def test_pytree_axes_and_axis_size(rng):
    params = {"w": jnp.asarray(rng.standard_normal(3)), "b": 1.0}
    xs = jnp.asarray(rng.standard_normal((6, 3)))
    f = lambda p, x: jnp.dot(p["w"], x) + p["b"]
    out = jax.vmap(f, in_axes=({"w": None, "b": None}, 0))(params, xs)
    close(out, np.asarray(xs) @ np.asarray(params["w"]) + 1.0)
    both = jax.vmap(lambda x: (x, 2.0), out_axes=(0, None))(xs)
    assert both[0].shape == (6, 3) and float(both[1]) == 2.0
    made = jax.vmap(lambda: jnp.ones(2), in_axes=(), axis_size=4)()
    assert made.shape == (4, 2)
    neg = jax.vmap(lambda v: v * 2, in_axes=-1, out_axes=-1)(xs)
    close(neg, 2 * np.asarray(xs))


def test_composes_with_jvp_and_jacobians(rng):
    x = jnp.asarray(rng.standard_normal((4, 3)))
    f = lambda v: jnp.sin(v) * v
    _, t = jax.vmap(lambda v: jax.jvp(f, (v,), (jnp.ones(3),)))(x)
    xn = np.asarray(x, np.float64)
    close(t, np.cos(xn) * xn + np.sin(xn))
    jac = jax.vmap(jax.jacrev(f))(x)
    assert jac.shape == (4, 3, 3)
    close(jac[2], np.diag(np.cos(xn[2]) * xn[2] + np.sin(xn[2])))
    close(jax.grad(lambda v: jnp.sum(jax.vmap(f)(v)))(x), np.cos(xn) * xn + np.sin(xn))


def test_errors_name_arguments_and_axes():
    with pytest.raises(ValueError, match="argument 0 axis 0 has size 3; argument 1 axis 0 has"):
        jax.vmap(lambda a, b: a + b)(jnp.ones(3), jnp.ones(4))
    with pytest.raises(ValueError, match="in_axes 2 for argument 0"):
        jax.vmap(lambda a: a, in_axes=2)(jnp.ones((2, 2)))
    with pytest.raises(ValueError, match="one entry per positional argument"):
        jax.vmap(lambda a, b: a, in_axes=(0,))(jnp.ones(2), jnp.ones(2))
    with pytest.raises(ValueError, match="prefix"):
        jax.vmap(lambda d: d["a"], in_axes=({"b": 0},))({"a": jnp.ones(2)})
    with pytest.raises(ValueError, match="out_axes=None for output 0"):
        jax.vmap(lambda a: a * 2, out_axes=None)(jnp.ones(3))
    with pytest.raises(ValueError, match="axis_size"):
        jax.vmap(lambda a: a, in_axes=None)(jnp.ones(3))
    with pytest.raises(NotImplementedError, match="dynamic_slice"):
        jax.vmap(lambda x, i: lax.dynamic_slice(x, [i], [1]))(jnp.ones((2, 3)), jnp.arange(2))
    for e in (errors.FerraxValueError, errors.FerraxNotImplementedError):
        assert issubclass(e, errors.FerraxError)

"""The grad family against closed forms: logistic regression, a pytree class, nesting, control
flow, stop_gradient, Jacobians and Hessians, errors."""

import gc
import resource

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import tree_util


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(
        np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=tol, atol=tol
    )


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture
def logreg(rng):
    X = rng.standard_normal((4, 3)).astype(np.float32)
    y = np.array([True, False, True, True])
    W = rng.standard_normal(3).astype(np.float32)
    b = np.float32(0.3)
    return X, y, W, b


def predict(W, b, X):
    return 1 / (1 + jnp.exp(-(jnp.dot(X, W) + b)))


def nll(W, b, X, y):
    p = predict(W, b, X)
    return -jnp.sum(jnp.where(y, jnp.log(p), jnp.log(1 - p)))


def test_logistic_regression_gradients_match_the_closed_form(logreg):
    X, y, W, b = logreg
    gW, gb = jax.grad(nll, argnums=(0, 1))(jnp.asarray(W), b, jnp.asarray(X), jnp.asarray(y))
    residual = sigmoid(X.astype(np.float64) @ W + b) - y
    close(gW, X.T @ residual)
    close(gb, residual.sum())
    value, (gW2, _) = jax.value_and_grad(nll, argnums=(0, 1))(W, b, X, y)
    p = sigmoid(X.astype(np.float64) @ W + b)
    close(value, -np.sum(np.where(y, np.log(p), np.log(1 - p))))
    close(gW2, gW)


def test_jvp_is_the_jacobian_times_v_and_vjp_recovers_its_rows(logreg, rng):
    X, _, W, b = logreg
    p = sigmoid(X.astype(np.float64) @ W + b)
    jacobian = (p * (1 - p))[:, None] * X  # d predict / d W, shape (4, 3)
    v = rng.standard_normal(3).astype(np.float32)
    out, tangent = jax.jvp(lambda w: predict(w, b, X), (jnp.asarray(W),), (jnp.asarray(v),))
    close(out, p)
    close(tangent, jacobian @ v)
    out, pullback = jax.vjp(lambda w: predict(w, b, X), jnp.asarray(W))
    rows = [pullback(jnp.asarray(e))[0] for e in np.eye(4, dtype=np.float32)]
    close(np.stack([np.asarray(r) for r in rows]), jacobian)
    close(jax.jacrev(lambda w: predict(w, b, X))(W), jacobian)
    close(jax.jacfwd(lambda w: predict(w, b, X))(W), jacobian)


@tree_util.register_pytree_node_class
class Point:
    """A user class that is a pytree node with three children."""

    def __init__(self, x, y, z):
        self.x, self.y, self.z = x, y, z

    def tree_flatten(self):
        return (self.x, self.y, self.z), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        del aux
        return cls(*children)


def test_grad_of_a_pytree_class_returns_the_class():
    p = Point(jnp.asarray(1.0), jnp.asarray(2.0), jnp.asarray(-2.0))
    g = jax.grad(lambda q: jnp.sqrt(q.x**2 + q.y**2 + q.z**2))(p)
    assert isinstance(g, Point)
    close([g.x, g.y, g.z], np.array([1.0, 2.0, -2.0]) / 3.0)


def test_nested_derivatives():
    f = lambda x: jnp.sin(x) * x**2
    x = 0.7
    d1 = 2 * x * np.sin(x) + x**2 * np.cos(x)
    d2 = 2 * np.sin(x) + 4 * x * np.cos(x) - x**2 * np.sin(x)
    d3 = 6 * np.cos(x) - 6 * x * np.sin(x) - x**2 * np.cos(x)
    close(jax.grad(f)(x), d1)
    close(jax.grad(jax.grad(f))(x), d2, 1e-4)
    close(jax.grad(jax.grad(jax.grad(f)))(x), d3, 1e-4)
    # forward-over-reverse
    _, t = jax.jvp(jax.grad(f), (jnp.asarray(x),), (jnp.asarray(1.0),))
    close(t, d2, 1e-4)
    # perturbation confusion: d/dx (x * d/dy (x + y)) at any x is 1, not 2
    nested = jax.grad(lambda x: x * jax.grad(lambda y: x + y)(1.0))(3.0)
    assert float(nested) == 1.0


def test_python_control_flow_on_values_under_grad():
    def f(x):
        total = 0.0
        while total < 10:  # a data-dependent loop
            total = total + x * x
        return total if x > 0 else -total

    # 3 iterations for x = 2: total = 3 x^2, derivative 6 x
    close(jax.grad(f)(2.0), 12.0)
    close(jax.grad(f)(-2.0), 12.0)  # -3 x^2 -> -6 x


def test_stop_gradient_blocks_derivatives():
    close(jax.grad(lambda x: x * jax.lax.stop_gradient(x))(3.0), 3.0)
    g = jax.grad(lambda x: jnp.sum(jax.stop_gradient({"a": x})["a"] * x))(jnp.asarray([2.0, 3.0]))
    close(g, [2.0, 3.0])


def test_hessian_of_a_quadratic_form(rng):
    A = rng.standard_normal((3, 3)).astype(np.float32)
    x = rng.standard_normal(3).astype(np.float32)
    f = lambda v: jnp.dot(v, jnp.asarray(A) @ v) + jnp.sum(jnp.sin(v))
    want = A + A.T - np.diag(np.sin(x.astype(np.float64)))
    close(jax.hessian(f)(x), want, 1e-4)
    close(jax.jacfwd(jax.jacrev(f))(x), want, 1e-4)
    close(jax.jacrev(jax.jacrev(f))(x), want, 1e-4)


def test_has_aux_and_grad_of_a_function_that_calls_grad():
    g, aux = jax.grad(lambda x: (x**3, {"twice": 2 * x}), has_aux=True)(2.0)
    close(g, 12.0)
    close(aux["twice"], 4.0)
    inner = lambda x: jax.grad(lambda y: jnp.sin(y) * x)(x)  # cos(x) x
    close(jax.grad(inner)(1.3), np.cos(1.3) - 1.3 * np.sin(1.3), 1e-5)


def test_make_jaxpr_shows_the_differentiated_program():
    text = str(jax.make_jaxpr(jax.grad(lambda v: jnp.sin(v) * v))(1.0))
    assert "sin" in text and "cos" in text and "mul" in text


def test_checkpoint_keeps_values_and_derivatives():
    f = lambda x: jnp.sum(jnp.tanh(x) ** 2)
    x = jnp.asarray([0.1, -0.5, 2.0])
    close(jax.grad(jax.checkpoint(f))(x), jax.grad(f)(x))
    close(jax.remat(f)(x), f(x))


def test_errors():
    with pytest.raises(TypeError, match=r"scalar-output.*shape \(3,\)"):
        jax.grad(lambda x: x * 2)(jnp.ones(3))
    with pytest.raises(TypeError, match="argument 1 has dtype int32"):
        jax.grad(lambda x, n: x * n, argnums=(0, 1))(1.0, 2)
    with pytest.raises(TypeError, match="argument 0 has dtype bool"):
        jax.grad(lambda b: jnp.where(b, 1.0, 0.0))(True)
    _, pullback = jax.vjp(jnp.sin, jnp.ones(3))
    with pytest.raises(ValueError, match=r"shape \(3,\) and dtype float32.*shape \(4,\)"):
        pullback(jnp.ones(4))
    with pytest.raises(ValueError, match="dtype int32"):
        pullback(jnp.ones(3, dtype=jnp.int32))
    with pytest.raises(ValueError, match="structure"):
        pullback((jnp.ones(3), jnp.ones(3)))


def _rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024


def test_repeated_grad_calls_do_not_leak():
    f = lambda x: jnp.sum(jnp.sin(x) * x)
    g = jax.grad(f)
    x = jnp.ones(16)
    for _ in range(2000):  # warm up allocator pools and caches
        g(x)
    gc.collect()
    before = _rss_kib()
    for _ in range(100_000):
        g(x)
    gc.collect()
    grown = _rss_kib() - before
    # A leaked tape of even one 64-byte array per call would grow by over 6 MiB.
    assert grown < 2048, f"resident memory grew by {grown} KiB over 100,000 grad calls"

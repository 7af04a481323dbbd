"""A short tour of what ferrax does today: ``python -m ferrax.demo``."""

import numpy as np

import ferrax as jax
import ferrax.numpy as jnp


def section(title):
    """Prints a section heading."""
    print(f"\n== {title} ==")


def main():
    """Runs the tour."""
    section("arrays")
    x = jnp.arange(6, dtype=jnp.float32).reshape(2, 3)
    print("x =", repr(x))
    print("x.shape, x.dtype:", x.shape, x.dtype)
    print("x.T @ x =", repr(x.T @ x))
    print("jnp.sin(x).sum(axis=0) =", repr(jnp.sin(x).sum(axis=0)))

    section("NumPy interop")
    view = np.asarray(x)
    print("np.asarray(x) shares memory across calls:", np.shares_memory(view, np.asarray(x)))
    print("read-only view:", not view.flags.writeable)
    y = np.ones(3) + jnp.asarray([1.0, 2.0, 3.0])
    print("np.ones(3) + jnp.asarray(...) is a", type(y).__name__, "->", repr(y))
    print("float64 input is canonicalized:", jnp.asarray(np.zeros(2)).dtype)

    section("broadcasting and weak types")
    col = jnp.arange(3).reshape(3, 1)
    row = jnp.arange(4)
    print("(3,1) + (4,) ->", (col + row).shape)
    f32 = jnp.ones(3, dtype=jnp.float32)
    i32 = jnp.ones(3, dtype=jnp.int32)
    print("float32 * 2.0 ->", (f32 * 2.0).dtype, "(Python scalars are weak)")
    print("int32 + 1.5   ->", (i32 + 1.5).dtype)
    print("int32 + uint32 ->", (i32 + jnp.ones(3, dtype=jnp.uint32)).dtype)
    print("jnp.asarray(2.0) is weak:", jnp.asarray(2.0).weak_type)

    section("matmul")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 64, 32), dtype=np.float32)
    b = rng.standard_normal((32, 16), dtype=np.float32)
    c = jnp.matmul(a, b)
    err = np.max(np.abs(np.asarray(c) - a.astype(np.float64) @ b.astype(np.float64)))
    print(f"batched (4,64,32) @ (32,16) -> {c.shape}, max error vs float64 NumPy {err:.2e}")
    print("einsum('bij,jk->bk') shape:", jnp.einsum("bij,jk->bk", a, b).shape)

    section("make_jaxpr")
    print(jax.make_jaxpr(jnp.sin)(jnp.ones(3)))
    print(jax.make_jaxpr(lambda v: jnp.tanh(v) * 2.0 + jnp.sum(v))(jnp.ones(3)))

    section("autodiff")
    autodiff_tour()

    section("errors")
    try:
        jnp.ones(3) + jnp.ones(4)
    except jax.errors.FerraxError as e:
        print(f"{type(e).__name__}: {e}")


def autodiff_tour():
    """grad, jvp, vjp and nesting on a logistic-regression model."""
    rng = np.random.default_rng(1)
    X = jnp.asarray(rng.standard_normal((4, 3)).astype(np.float32))
    y = jnp.asarray(np.array([True, False, True, True]))
    W, b = jnp.asarray(np.array([0.5, -1.0, 0.25], np.float32)), 0.1

    def predict(W, b, X):
        return 1 / (1 + jnp.exp(-(X @ W + b)))

    def loss(W, b):
        p = predict(W, b, X)
        return -jnp.sum(jnp.where(y, jnp.log(p), jnp.log(1 - p)))

    gW, gb = jax.grad(loss, argnums=(0, 1))(W, b)
    print("grad of the NLL w.r.t. (W, b):", gW, gb)
    print("closed form X^T (p - y):      ", X.T @ (predict(W, b, X) - y.astype("float32")))
    _, jv = jax.jvp(lambda w: predict(w, b, X), (W,), (jnp.ones(3),))
    print("jvp of predict along ones:", jv)
    _, pull = jax.vjp(lambda w: predict(w, b, X), W)
    print("vjp row 0 of the Jacobian:", pull(jnp.asarray([1.0, 0.0, 0.0, 0.0]))[0])
    nested = jax.grad(lambda x: x * jax.grad(lambda z: x + z)(1.0))(2.0)
    print("d/dx (x * d/dy (x + y)) =", float(nested))
    print(jax.make_jaxpr(jax.grad(lambda v: jnp.sin(v) * v))(1.0))


if __name__ == "__main__":
    main()

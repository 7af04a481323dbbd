"""A short tour of what ferrax does today: ``python -m ferrax.demo``."""

import numpy as np

import ferrax as jax
import ferrax.numpy as jnp
from ferrax import lax


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
    section("vmap")
    vmap_tour()
    section("jit and lax control flow")
    jit_tour()
    section("numpy breadth, indexing, linalg, nn and random")
    api_tour()

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

    @jax.tree_util.register_pytree_node_class
    class Point:
        def __init__(self, x, y, z):
            self.x, self.y, self.z = x, y, z

        def tree_flatten(self):
            return (self.x, self.y, self.z), None

        @classmethod
        def tree_unflatten(cls, aux, children):
            return cls(*children)

    g = jax.grad(lambda p: jnp.sqrt(p.x**2 + p.y**2 + p.z**2))(Point(1.0, 2.0, -2.0))
    print(
        f"grad |p| at Point(1, 2, -2) -> Point({float(g.x):.4f}, {float(g.y):.4f}, {float(g.z):.4f})"
    )


def vmap_tour():
    """Batching: matrix-vector products, nested vmaps and per-example gradients."""
    rng = np.random.default_rng(2)
    mat = jnp.asarray(rng.standard_normal((150, 100)).astype(np.float32))
    batched_x = jnp.asarray(rng.standard_normal((10, 100)).astype(np.float32))
    mv = jax.vmap(lambda v: jnp.dot(mat, v))
    err = np.abs(np.asarray(mv(batched_x)) - np.asarray(batched_x @ mat.T)).max()
    print(f"vmap(lambda v: dot(mat, v))(batched_x): {mv(batched_x).shape}, vs x @ mat.T {err:.1e}")
    print(jax.make_jaxpr(mv)(batched_x))
    vv = lambda a, b: jnp.vdot(a, b)
    mm = jax.vmap(jax.vmap(vv, (0, None), 0), (None, 1), 1)
    a, b = jnp.ones((2, 3)), jnp.arange(12.0).reshape(3, 4)
    print("nested vmaps of vdot make a matrix product:", np.allclose(mm(a, b), a @ b))
    X = jnp.asarray(rng.standard_normal((512, 1000)).astype(np.float32) / 30)
    y = jnp.asarray(rng.random(512) > 0.5)
    w = jnp.zeros(1000)

    def loss(w, x, t):
        p = 1 / (1 + jnp.exp(-jnp.dot(x, w)))
        return -jnp.where(t, jnp.log(p), jnp.log(1 - p))

    per_example = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(w, X, y)
    print("per-example gradients, batch 512 x 1000 features:", per_example.shape)
    print(
        "row 3 equals a single grad call:",
        np.allclose(per_example[3], jax.grad(loss)(w, X[3], y[3])),
    )


def jit_tour():
    """A jitted training loop, its staged program, and lax control flow."""
    rng = np.random.default_rng(3)
    X = jnp.asarray(rng.standard_normal((256, 4)).astype(np.float32))
    true_w = jnp.asarray(np.array([1.5, -2.0, 0.5, 1.0], np.float32))
    y = (X @ true_w) > 0

    def loss(params, X, y):
        p = 1 / (1 + jnp.exp(-(X @ params["w"] + params["b"])))
        return -jnp.mean(jnp.where(y, jnp.log(p), jnp.log(1 - p)))

    @jax.jit
    def step(params, X, y):
        value, g = jax.value_and_grad(loss)(params, X, y)
        return jax.tree_util.tree_map(lambda p, d: p - 0.5 * d, params, g), value

    params = {"w": jnp.zeros(4), "b": jnp.zeros(())}
    for i in range(60):
        params, value = step(params, X, y)
        if i % 10 == 0 or i == 59:
            print(f"step {i:2d}  loss {float(value):.4f}")
    print("staged once:", step._cache_size(), "signature(s)")
    print(jax.jit(lambda x: jnp.sin(x) * 2.0).lower(jnp.ones(3)).as_text())
    collatz = lambda n: lax.while_loop(
        lambda c: c[0] != 1,
        lambda c: (jnp.where(c[0] % 2 == 0, c[0] // 2, 3 * c[0] + 1), c[1] + 1),
        (n, 0),
    )[1]
    print("vmap(while_loop) Collatz steps of 6, 7, 27:", jax.vmap(collatz)(jnp.asarray([6, 7, 27])))
    cumsum = lax.scan(lambda c, x: (c + x, c + x), 0.0, jnp.arange(5.0))[1]
    print("scan running sum:", cumsum)
    print(
        "grad through fori_loop of x^3:",
        float(jax.grad(lambda x: lax.fori_loop(0, 3, lambda i, v: v * x, 1.0))(2.0)),
    )


def api_tour():
    """Advanced indexing, functional updates, linalg, einsum paths, nn and JAX's random bits."""
    from ferrax import nn, random

    x = jnp.arange(12.0).reshape(3, 4)
    print("x[[0, 2], 1:3] =", x[jnp.asarray([0, 2]), 1:3])
    print("x.at[1, [0, 0]].add(1.0)[1] =", x.at[1, jnp.asarray([0, 0])].add(1.0)[1])
    print(
        "grad of sum(x[idx]**2):",
        jax.grad(lambda v: jnp.sum(v[jnp.asarray([0, 0, 2])] ** 2))(jnp.asarray([1.0, 2.0, 3.0])),
    )
    a = jnp.asarray([[4.0, 1.0], [1.0, 3.0]])
    print("cholesky:", jnp.linalg.cholesky(a).tolist())
    print("d det(a)/da == det(a) inv(a)^T:", jax.grad(jnp.linalg.det)(a).tolist())
    print("quantile, unique(size=4):", jnp.quantile(x, 0.25), jnp.unique(x[0] % 2, size=4))
    chain = (jnp.ones((64, 2)), jnp.ones((2, 64)), jnp.ones((64, 2)))
    print(jnp.einsum_path("ij,jk,kl->il", *chain, optimize="optimal")[1])
    print("nn.softmax:", nn.softmax(jnp.asarray([1.0, 2.0, 3.0])))
    key = random.PRNGKey(0)
    print("random.normal(PRNGKey(0), (4,)):", random.normal(key, (4,)))
    keys = random.split(key, 3)
    print("vmap over split keys:", jax.vmap(lambda k: random.uniform(k))(keys))


if __name__ == "__main__":
    main()

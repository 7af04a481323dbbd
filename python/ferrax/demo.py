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

    section("errors")
    try:
        jnp.ones(3) + jnp.ones(4)
    except jax.errors.FerraxError as e:
        print(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()

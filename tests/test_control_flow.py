"""lax control flow against Python loops on NumPy, derivatives against finite differences,
batching against a loop over examples, and the errors of mismatched branches and carries."""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax import lax


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(
        np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=tol, atol=tol
    )


def collatz_steps(n):
    return lax.while_loop(
        lambda c: c[0] != 1,
        lambda c: (jnp.where(c[0] % 2 == 0, c[0] // 2, 3 * c[0] + 1), c[1] + 1),
        (n, 0),
    )[1]


def collatz_python(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def test_cond_and_switch_values():
    assert float(lax.cond(True, lambda a: a + 1, lambda a: a - 1, 5.0)) == 6.0
    assert float(lax.cond(0, lambda a: a + 1, lambda a: a - 1, 5.0)) == 4.0
    branches = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b]
    for i, want in [(-3, 5), (0, 5), (1, 6), (2, -1), (7, -1)]:  # the index is clamped
        assert float(lax.switch(i, branches, 2.0, 3.0)) == want
    out = lax.cond(
        jnp.asarray(False),
        lambda p: {"s": p["x"].sum(), "t": (p["x"], 1.0)},
        lambda p: {"s": p["x"].max(), "t": (-p["x"], 2.0)},
        {"x": jnp.arange(3.0)},
    )
    assert float(out["s"]) == 2.0 and float(out["t"][1]) == 2.0
    close(out["t"][0], -np.arange(3.0))


def test_both_branches_are_staged_even_eagerly():
    traced = []
    lax.cond(True, lambda x: traced.append("t") or x, lambda x: traced.append("f") or x, 1.0)
    assert sorted(traced) == ["f", "t"]
    text = str(jax.make_jaxpr(lambda x: lax.cond(x > 0, jnp.sin, jnp.cos, x))(1.0))
    assert "cond[branches=" in text and "sin" in text and "cos" in text


def test_loops_against_python():
    for n in (1, 6, 7, 27):
        assert int(collatz_steps(n)) == collatz_python(n)
    assert int(jax.jit(collatz_steps)(27)) == collatz_python(27)
    total = lax.fori_loop(2, 7, lambda i, acc: acc + i * i, 0)
    assert int(total) == sum(i * i for i in range(2, 7))
    dynamic = jax.jit(lambda lo, hi: lax.fori_loop(lo, hi, lambda i, acc: acc + i, 0))
    assert int(dynamic(3, 10)) == sum(range(3, 10))
    assert float(lax.fori_loop(0, 0, lambda i, x: x + 1.0, 2.5)) == 2.5


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_against_python(rng, reverse):
    xs = rng.standard_normal((6, 3)).astype(np.float32)

    def step(carry, x):
        h, count = carry
        h = np.tanh(h * 0.5 + x) if isinstance(h, np.ndarray) else jnp.tanh(h * 0.5 + x)
        return (h, count + 1), h.sum()

    (h, count), ys = lax.scan(step, (jnp.zeros(3), 0), jnp.asarray(xs), reverse=reverse)
    hp, want = np.zeros(3, np.float32), []
    for x in xs[::-1] if reverse else xs:
        (hp, _), y = step((hp, 0), x)
        want.append(y)
    close(h, hp)
    close(ys, want[::-1] if reverse else want)
    assert int(count) == 6
    _, squares = lax.scan(lambda c, _: (c + 1, c * c), 0, None, length=4)
    np.testing.assert_array_equal(squares, [0, 1, 4, 9])
    np.testing.assert_allclose(
        lax.map(lambda v: v @ v, jnp.asarray(xs)), (xs * xs).sum(1), rtol=1e-5
    )
    close(lax.select(jnp.asarray([True, False]), jnp.ones(2), jnp.zeros(2)), [1, 0])


def test_reverse_mode_through_control_flow(x64, rng):
    x = rng.uniform(0.5, 1.5, (3,))

    def with_cond(v):
        return lax.cond(v.sum() > 0, lambda u: jnp.sin(u) * u, lambda u: jnp.exp(u), v)

    def with_switch(v):
        return lax.switch(1, [jnp.sin, lambda u: u**3, jnp.cos], v)

    def with_scan(v):
        def step(c, xi):
            c = jnp.tanh(c * xi + v)
            return c, c * xi

        return lax.scan(step, v * 0.5, jnp.stack([v, 2 * v, -v]))

    def with_fori(v):
        return lax.fori_loop(0, 4, lambda i, c: jnp.sin(c) * v + i, v)

    for f in (with_cond, with_switch, with_scan, with_fori):
        check_grads(f, (x,), order=2, modes=("fwd", "rev"))
    check_grads(lambda v: lax.scan(lambda c, xi: (c * xi, c), v, v[::-1], reverse=True), (x,), 1)


def test_while_loop_is_forward_mode_only(x64):
    def f(v):
        return lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, jnp.sin(c[1]) * 2), (0, v))[
            1
        ]

    check_grads(f, (np.array([0.3, 0.7]),), order=2, modes=("fwd",))
    with pytest.raises(NotImplementedError, match="while_loop.*lax.scan"):
        jax.grad(lambda v: f(v).sum())(jnp.ones(2))


def test_control_flow_under_jit_matches_eager(rng):
    x = jnp.asarray(rng.standard_normal(4).astype(np.float32))
    f = lambda v: (
        lax.cond(v[0] > 0, lambda u: u * 2, lambda u: -u, v)
        + lax.fori_loop(0, 3, lambda i, c: c * v, v)
    )
    np.testing.assert_array_equal(np.asarray(jax.jit(f)(x)), np.asarray(f(x)))
    g = jax.jit(jax.grad(lambda v: jnp.sum(lax.scan(lambda c, xi: (c * xi, c), 1.0, v)[1])))
    close(g(x), jax.grad(lambda v: jnp.sum(lax.scan(lambda c, xi: (c * xi, c), 1.0, v)[1]))(x))


def test_batching_against_a_loop(rng):
    xs = jnp.asarray(rng.standard_normal((5, 3)).astype(np.float32))
    per_example = [
        lambda v: lax.cond(v.sum() > 0, lambda u: u * 2, lambda u: jnp.sin(u), v),  # batched pred
        lambda v: lax.cond(True, lambda u: u * 2, lambda u: jnp.sin(u), v),  # unbatched pred
        lambda v: lax.switch(jnp.argmax(v), [jnp.sin, jnp.cos, jnp.tanh], v),
        lambda v: lax.scan(lambda c, xi: (c + xi, c * xi), 0.0, v),
        lambda v: lax.fori_loop(0, 3, lambda i, c: c * v + 1.0, jnp.zeros(3)),
        lambda v: lax.while_loop(
            lambda c: c[1] < 10.0,
            lambda c: (c[0] + 1, c[1] + jnp.abs(c[2]).sum() + 1, c[2] * 2),
            (0, 0.0, v),
        ),
    ]
    for f in per_example:
        got = jax.vmap(f)(xs)
        loop = [f(x) for x in xs]
        got_leaves, _ = jax.tree_util.tree_flatten(got)
        for k, leaf in enumerate(got_leaves):
            want = np.stack([np.asarray(jax.tree_util.tree_flatten(r)[0][k]) for r in loop])
            np.testing.assert_allclose(np.asarray(leaf), want, rtol=1e-5, atol=1e-6)
    # a while_loop whose trip count differs per example runs until every lane is done
    counts = jax.vmap(collatz_steps)(jnp.asarray([1, 6, 7, 27]))
    np.testing.assert_array_equal(counts, [collatz_python(n) for n in (1, 6, 7, 27)])


def test_per_example_gradients_through_scan(rng):
    xs = rng.standard_normal((4, 3)).astype(np.float32)

    def loss(w, x):
        return lax.scan(lambda c, xi: (c * w + xi, None), 0.0, x)[0]

    grads = jax.vmap(jax.grad(loss), in_axes=(None, 0))(0.5, jnp.asarray(xs))
    # c_3 = sum_i x_i w^(2 - i)  ->  d/dw = 2 x_0 w + x_1
    close(grads, 2 * xs[:, 0] * 0.5 + xs[:, 1], 1e-5)


def test_type_errors_show_both_sides():
    with pytest.raises(TypeError, match=r"f32\[3\].*f32\[2\]|f32\[2\].*f32\[3\]"):
        lax.cond(True, lambda x: x, lambda x: x[:2], jnp.ones(3))
    with pytest.raises(TypeError, match="structure"):
        lax.cond(True, lambda x: (x, x), lambda x: [x, x], jnp.ones(3))
    with pytest.raises(TypeError, match=r"input carry vs output carry.*i32\[\].*f32\[\]"):
        lax.while_loop(lambda c: c < 3, lambda c: c + 0.5, 0)
    with pytest.raises(TypeError, match=r"carry.*f32\[3\].*f32\[1,3\]"):
        lax.scan(lambda c, x: (c[None], x), jnp.ones(3), jnp.ones((2, 3)))
    with pytest.raises(TypeError, match="structure"):
        lax.scan(lambda c, x: ((c, c), x), jnp.ones(3), jnp.ones((2, 3)))
    with pytest.raises(ValueError, match="leading axis sizes"):
        lax.scan(lambda c, x: (c, x), 0.0, (jnp.ones(2), jnp.ones(3)))

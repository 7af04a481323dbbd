"""jit: staging and caching, jit against eager on every op, the IR it exposes, errors, and the
composition matrix of jit, grad, vmap and jvp against closed-form derivatives."""

import functools
import itertools

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import errors, lax
from helpers import X64_DTYPES, x64_mode
from op_specs import SPECS
from test_ops import make_inputs

CASES = [(spec, dtype) for spec in SPECS for dtype in spec.dtypes]


@pytest.mark.parametrize(("spec", "dtype"), CASES, ids=[f"{s.name}-{d}" for s, d in CASES])
def test_jit_matches_eager_on_every_op(spec, dtype, rng):
    with x64_mode(dtype in X64_DTYPES):
        inputs = [jnp.asarray(x) for x in make_inputs(spec, dtype, rng, (5, 17))]
        eager = spec.fn(*inputs)
        staged = jax.jit(spec.fn)(*inputs)
        assert staged.dtype == eager.dtype and staged.shape == eager.shape
        np.testing.assert_array_equal(np.asarray(staged), np.asarray(eager))


@pytest.mark.parametrize(
    "fun",
    [
        lambda x: jnp.sum(x, axis=0),
        lambda x: jnp.argmax(x, axis=1),
        lambda x: jnp.cumsum(x, axis=1),
        lambda x: jnp.sort(x, axis=0),
        lambda x: x.T @ x,
        lambda x: jnp.concatenate([x, 2 * x], axis=1)[::2, 1:],
        lambda x: jnp.where(x > 0, x, 0.5 * x).reshape(-1),
        lambda x: lax.pad(x, 0.0, [(1, -1, 1), (0, 2, 0)]),
        lambda x: lax.dynamic_slice(x, [1, 2], [2, 2]),
        lambda x: jnp.einsum("ij,kj->ik", x, x),
    ],
)
def test_jit_matches_eager_on_structural_ops(fun, rng):
    x = jnp.asarray(rng.standard_normal((3, 4)).astype(np.float32))
    np.testing.assert_array_equal(np.asarray(jax.jit(fun)(x)), np.asarray(fun(x)))


def test_second_call_does_not_retrace_and_new_signatures_do():
    traces = []

    @jax.jit
    def f(x, y):
        traces.append((x.shape, x.dtype))
        return jnp.sin(x) * y

    x = jnp.arange(3.0)
    np.testing.assert_allclose(f(x, 2.0), np.sin(np.arange(3.0)) * 2, rtol=1e-6)
    f(x, 5.0)
    f(jnp.arange(3.0) + 1, 2.0)
    assert len(traces) == 1  # same shapes, dtypes and weak types: no Python tracing
    f(jnp.arange(4.0), 2.0)  # new shape
    f(jnp.arange(3), 2.0)  # new dtype
    f(x, jnp.asarray(2.0, dtype=jnp.float32))  # a strong scalar instead of a weak one
    assert len(traces) == 4
    assert f._cache_size() == 4


def test_static_arguments():
    traces = []

    def power(x, n, *, mode="plain"):
        traces.append(n)
        out = x**n
        return out if mode == "plain" else -out

    f = jax.jit(power, static_argnums=1, static_argnames="mode")
    x = jnp.asarray([1.0, 2.0])
    np.testing.assert_allclose(f(x, 3), [1, 8])
    np.testing.assert_allclose(f(x, 3), [1, 8])
    np.testing.assert_allclose(f(x, 2, mode="neg"), [-1, -4])
    np.testing.assert_allclose(f(x, n=3), [1, 8])
    assert traces == [3, 2]
    g = functools.partial(jax.jit, static_argnums=(1,))(power)
    np.testing.assert_allclose(g(x, 2), [1, 4])
    with pytest.raises(TypeError, match="static argument n must be hashable"):
        g(x, [2])


def test_decorators_kwargs_and_pytrees():
    @functools.partial(jax.jit, donate_argnums=0)
    def step(params, batch, lr=0.1):
        return {k: v - lr * batch["g"] for k, v in params.items()}, jnp.sum(batch["g"])

    params = {"w": jnp.ones(3), "b": jnp.zeros(3)}
    new, total = step(params, {"g": jnp.arange(3.0)}, lr=0.5)
    np.testing.assert_allclose(new["w"], 1 - 0.5 * np.arange(3.0))
    np.testing.assert_allclose(new["b"], -0.5 * np.arange(3.0))
    assert float(total) == 3.0


def test_lower_eval_shape_and_make_jaxpr():
    f = jax.jit(lambda x, y: jnp.tanh(x) @ y)
    text = f.lower(jnp.ones((2, 3)), jnp.ones(3)).as_text()
    assert "tanh" in text and "dot_general" in text
    abstract = f.lower(jax.ShapeDtypeStruct((4, 5), jnp.float32), jnp.ones(5)).as_text()
    assert "f32[4,5]" in abstract
    out = jax.eval_shape(f, jax.ShapeDtypeStruct((4, 5), jnp.float32), jnp.ones(5))
    assert out.shape == (4,) and out.dtype == np.float32
    tree = jax.eval_shape(lambda x: {"a": x, "b": (x.sum(), x.astype(jnp.int32))}, jnp.ones((2, 2)))
    assert tree["a"].shape == (2, 2) and tree["b"][0].shape == () and tree["b"][1].dtype == np.int32
    nested = str(jax.make_jaxpr(lambda x: f(x, jnp.ones(3)) * 2)(jnp.ones((2, 3))))
    assert "pjit[name=<lambda>" in nested and "tanh" in nested


def test_constants_are_folded_at_staging():
    table = jnp.arange(3.0)
    text = jax.jit(lambda x: x + jnp.exp(table) * 2).lower(jnp.ones(3)).as_text()
    assert "exp" not in text and "mul" not in text  # computed once, entered as a constant
    assert text.count("add") == 1
    np.testing.assert_allclose(
        jax.jit(lambda x: x + jnp.exp(table) * 2)(jnp.ones(3)),
        1 + 2 * np.exp(np.arange(3.0)),
        rtol=1e-6,
    )


def test_python_control_flow_on_traced_values_raises():
    @jax.jit
    def relu_python(x, scale):
        return x if x.sum() > 0 else x * scale

    with pytest.raises(errors.ConcretizationTypeError, match="argument.s. x of the traced") as e:
        relu_python(jnp.ones(2), 2.0)
    assert isinstance(e.value, TypeError)
    assert "static_argnums" in str(e.value) and "lax.cond" in str(e.value)
    with pytest.raises(errors.ConcretizationTypeError, match=r"params\['w'\]"):
        jax.jit(lambda params: float(params["w"]))({"w": jnp.asarray(1.0)})
    with pytest.raises(errors.ConcretizationTypeError):
        jax.jit(lambda x: x.item())(jnp.asarray(1.0))
    # with the argument static, Python control flow is fine
    f = jax.jit(lambda x, flag: x * 2 if flag else x, static_argnums=1)
    np.testing.assert_allclose(f(jnp.ones(2), True), [2, 2])


def test_jit_inside_jit_and_closures():
    inner = jax.jit(lambda x: x * 3.0)
    outer = jax.jit(lambda x: inner(x) + inner(2 * x))
    np.testing.assert_allclose(outer(jnp.ones(2)), [9, 9])
    # a jitted function closing over an outer grad's tracer
    g = jax.grad(lambda x: jax.jit(lambda y: x * y)(3.0))(2.0)
    assert float(g) == 3.0


# --- the composition matrix ------------------------------------------------------------------
# Transformations of an elementwise function of any input shape:
#   jit, grad (of the sum), jvp (along ones), vmap (adds a leading axis to the input).
# The result is the k-th derivative of g applied elementwise, k = number of grad/jvp layers.


def g(x):
    return jnp.sin(x) * x


DERIVATIVES = [
    lambda x: np.sin(x) * x,
    lambda x: np.cos(x) * x + np.sin(x),
    lambda x: 2 * np.cos(x) - x * np.sin(x),
    lambda x: -3 * np.sin(x) - x * np.cos(x),
]

TRANSFORMS = {
    "jit": jax.jit,
    "grad": lambda f: jax.grad(lambda x: jnp.sum(f(x))),
    "jvp": lambda f: lambda x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1],
    "vmap": jax.vmap,
}

ORDERS = [c for n in (1, 2, 3) for c in itertools.product(TRANSFORMS, repeat=n)]


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_composition_matrix(order, rng):
    f = g
    for name in reversed(order):  # order[0] is the outermost transformation
        f = TRANSFORMS[name](f)
    n_vmap = order.count("vmap")
    x = rng.uniform(-2, 2, (2,) * n_vmap if n_vmap else ()).astype(np.float32)
    k = order.count("grad") + order.count("jvp")
    got = np.asarray(f(jnp.asarray(x)), np.float64)
    np.testing.assert_allclose(got, DERIVATIVES[k](x.astype(np.float64)), rtol=2e-5, atol=2e-5)

"""make_jaxpr printing in JAX's grammar: `{ lambda consts ; inputs. let eqns in (outs,) }`.

Expected strings are written from JAX's printed form; whitespace is normalized because JAX
breaks long programs over several lines.
"""

import itertools

import ferrax
import ferrax.numpy as jnp
import numpy as np
import pytest
from ferrax import lax


def jaxpr_text(fun, *args, **kwargs):
    """The printed jaxpr of ``fun(*args)`` on one line."""
    return " ".join(str(ferrax.make_jaxpr(fun, **kwargs)(*args)).split())


def test_sin():
    assert jaxpr_text(jnp.sin, jnp.ones(3)) == "{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b,) }"


def test_literal_scalars_are_printed_inline():
    text = jaxpr_text(lambda x: x * 2.0, jnp.ones(3))
    assert text == "{ lambda ; a:f32[3]. let b:f32[3] = mul a 2.0:f32[] in (b,) }"


def test_parameters_in_brackets():
    text = jaxpr_text(lambda x: lax.reduce_sum(x, (0,)), jnp.ones(3))
    assert text == "{ lambda ; a:f32[3]. let b:f32[] = reduce_sum[axes=(0,)] a in (b,) }"
    text = jaxpr_text(lambda x: lax.transpose(x, (1, 0)), jnp.ones((2, 3)))
    assert text == (
        "{ lambda ; a:f32[2,3]. let b:f32[3,2] = transpose[permutation=(1, 0)] a in (b,) }"
    )


def test_several_inputs_and_outputs():
    text = jaxpr_text(lambda x, y: (x + y, jnp.sin(x)), jnp.ones(3), jnp.ones(3))
    assert text == (
        "{ lambda ; a:f32[3] b:f32[3]. let c:f32[3] = add a b d:f32[3] = sin a in (c, d) }"
    )


def test_identity_has_no_equations():
    assert jaxpr_text(lambda x: x, jnp.ones(3)) == "{ lambda ; a:f32[3]. let in (a,) }"


def test_closed_over_arrays_are_constants():
    c = jnp.asarray([1.0, 2.0, 3.0])
    text = jaxpr_text(lambda x: x + c, jnp.ones(3))
    assert text == "{ lambda a:f32[3]; b:f32[3]. let c:f32[3] = add b a in (c,) }"


@pytest.mark.parametrize(
    ("dtype", "short"), [("float32", "f32"), ("int32", "i32"), ("uint32", "u32"), ("bool", "bool")]
)
def test_dtype_short_names(dtype, short):
    text = jaxpr_text(lambda x: x, jnp.zeros((2, 1), dtype))
    assert text == f"{{ lambda ; a:{short}[2,1]. let in (a,) }}"


def test_scalar_and_weak_inputs():
    assert jaxpr_text(jnp.sin, 2.0) == "{ lambda ; a:f32[]. let b:f32[] = sin a in (b,) }"
    jaxpr = ferrax.make_jaxpr(lambda x: x)(2.0)
    assert jaxpr.in_avals == [((), "float32", True)]


def test_variable_names_continue_after_z():
    def chain(x):
        for _ in range(30):
            x = jnp.sin(x)
        return x

    text = jaxpr_text(chain, jnp.ones(2))
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = list(letters) + ["ba", "bb", "bc", "bd", "be"]  # JAX's base-26 continuation
    eqns = " ".join(f"{n}:f32[2] = sin {p}" for p, n in itertools.pairwise(names))
    assert text == f"{{ lambda ; a:f32[2]. let {eqns} in (be,) }}"


def test_closed_jaxpr_properties():
    jaxpr = ferrax.make_jaxpr(lambda x, y: (jnp.sin(x) * y, x))(jnp.ones((2, 3)), jnp.ones(3))
    assert jaxpr.in_avals == [((2, 3), "float32", False), ((3,), "float32", False)]
    assert jaxpr.out_avals == [((2, 3), "float32", False), ((2, 3), "float32", False)]
    assert jaxpr.eqn_count == str(jaxpr).count(" = ")
    weak = ferrax.make_jaxpr(lambda x, n: x * n)(jnp.ones(2), 3)
    assert weak.in_avals == [((2,), "float32", False), ((), "int32", True)]
    assert weak.out_avals == [((2,), "float32", False)]


def test_numpy_functions_stage():
    jaxpr = ferrax.make_jaxpr(lambda x: jnp.einsum("ij,jk->ik", x, x))(jnp.ones((3, 3)))
    assert "dot_general" in str(jaxpr)
    jaxpr = ferrax.make_jaxpr(lambda x: jnp.linspace(0.0, x, 5))(1.0)
    assert jaxpr.out_avals == [((5,), "float32", False)]


def test_static_argnums():
    text = jaxpr_text(lambda x, n: x * n, jnp.ones(2), 3.0, static_argnums=1)
    assert text == "{ lambda ; a:f32[2]. let b:f32[2] = mul a 3.0:f32[] in (b,) }"


def test_concrete_values_are_unavailable_while_tracing():
    with pytest.raises(ferrax.errors.ConcretizationTypeError):
        ferrax.make_jaxpr(lambda x: float(x))(1.0)
    with pytest.raises(TypeError):
        ferrax.make_jaxpr(lambda x: 1 if x > 0 else 2)(1.0)
    with pytest.raises(TypeError):
        ferrax.make_jaxpr(lambda x: np.asarray(x))(jnp.ones(2))


def test_pytree_arguments_are_rejected_clearly():
    with pytest.raises(NotImplementedError):
        ferrax.make_jaxpr(lambda t: t[0])((jnp.ones(2), jnp.ones(2)))


STAGEABLE = {
    "floor": jnp.floor,
    "round": lambda x: jnp.round(x, 2),
    "isinf": jnp.isinf,
    "isnan": jnp.isnan,
    "isfinite": jnp.isfinite,
    "log2": jnp.log2,
    "abs": jnp.abs,
    "logical_and": lambda x: jnp.logical_and(x, x > 1),
    "max": lambda x: jnp.max(x, axis=0),
    "argmax": jnp.argmax,
    "cumsum": jnp.cumsum,
    "mean": jnp.mean,
    "sort": jnp.sort,
    "argsort": jnp.argsort,
    "clip": lambda x: jnp.clip(x, 0, 1),
    "stack": lambda x: jnp.stack([x, x]),
    "where": lambda x: jnp.where(x > 0, x, 0.0),
    "outer": lambda x: jnp.outer(x, x),
    "einsum": lambda x: jnp.einsum("i,j->ij", x, x),
    "zeros_like": jnp.zeros_like,
    "linspace": lambda x: jnp.linspace(x[0], x[1], 4),
    "eye": lambda x: jnp.eye(3) * x[0],
    "integer_pow": lambda x: lax.integer_pow(x, 5),
    "flip": jnp.flip,
    "moveaxis": lambda x: jnp.moveaxis(x[None], 0, 1),
    "inner": lambda x: jnp.inner(x, x),
}


@pytest.mark.parametrize("name", sorted(STAGEABLE))
def test_numpy_layer_stages_like_it_runs(name):
    fn = STAGEABLE[name]
    x = jnp.asarray([0.5, 1.5, -2.0, 3.0])
    eager = fn(x)
    jaxpr = ferrax.make_jaxpr(fn)(x)
    assert jaxpr.out_avals == [(tuple(eager.shape), eager.dtype.name, eager.weak_type)]

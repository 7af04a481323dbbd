"""einsum's contraction order against NumPy's exhaustive search, and einsum with repeated
indices (traces, diagonals) against NumPy, with derivatives."""

import itertools

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from helpers import x64_mode

LETTERS = "abcdefghij"


def pair_cost(inputs, output, sizes, path):
    """Multiply-adds of the pairwise contractions along ``path`` (opt_einsum's convention),
    each operand first summed over the indices nothing later needs."""
    terms = [set(t) for t in inputs]
    total = 0
    for step in path:
        i, j = sorted(step)
        a, b = terms[i], terms[j]
        rest = terms[:i] + terms[i + 1 : j] + terms[j + 1 :]
        needed = set(output).union(*rest)
        a_kept = {c for c in a if c in needed or c in b}
        b_kept = {c for c in b if c in needed or c in a}
        total += int(np.prod([sizes[c] for c in a_kept | b_kept]))
        terms = rest + [(a_kept | b_kept) & needed]
    return total


def random_network(rng, n_operands):
    """A random einsum over ``n_operands`` operands whose index sizes vary widely."""
    letters = LETTERS[: rng.integers(n_operands, 8)]
    sizes = {c: int(rng.choice([2, 3, 5, 17, 40])) for c in letters}
    inputs = []
    for _ in range(n_operands):
        k = int(rng.integers(1, 4))
        inputs.append("".join(rng.choice(list(letters), k, replace=False)))
    used = sorted(set("".join(inputs)))
    output = "".join(c for c in used if rng.random() < 0.3)
    spec = ",".join(inputs) + "->" + output
    shapes = [tuple(sizes[c] for c in t) for t in inputs]
    return spec, inputs, output, sizes, shapes


@pytest.mark.parametrize("seed", range(12))
def test_optimal_path_is_no_worse_than_numpys_optimal(seed):
    rng = np.random.default_rng(seed)
    spec, inputs, output, sizes, shapes = random_network(rng, int(rng.integers(3, 6)))
    ops = [rng.standard_normal(s) for s in shapes]
    ours = jnp.einsum_path(spec, *ops, optimize="optimal")[0][1:]
    numpys = np.einsum_path(spec, *ops, optimize="optimal")[0][1:]
    assert pair_cost(inputs, output, sizes, ours) <= pair_cost(inputs, output, sizes, numpys)
    for optimize in ("optimal", "greedy", False, "auto"):
        got = jnp.einsum(spec, *[o.astype(np.float32) for o in ops], optimize=optimize)
        expected = np.einsum(spec, *ops)
        scale = max(1.0, float(np.abs(expected).max())) if expected.size else 1.0
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * scale)


def test_optimal_matches_brute_force_over_orders():
    """On a four-operand network the exact search finds the cheapest of all sequential orders."""
    spec = "ab,bc,cd,de->ae"
    inputs, output = spec.split("->")[0].split(","), "ae"
    sizes = {"a": 40, "b": 2, "c": 40, "d": 3, "e": 40}
    ops = [np.ones(tuple(sizes[c] for c in t)) for t in inputs]
    best = min(
        pair_cost(inputs, output, sizes, path)
        for path in itertools.product(
            *[list(itertools.combinations(range(k), 2)) for k in (4, 3, 2)]
        )
    )
    ours = jnp.einsum_path(spec, *ops, optimize="optimal")[0][1:]
    assert pair_cost(inputs, output, sizes, ours) == best


def test_chain_is_contracted_through_the_small_intermediate():
    a = np.ones((64, 2), np.float32)
    b = np.ones((2, 64), np.float32)
    jaxpr = str(jax.make_jaxpr(lambda a, b, c: jnp.einsum("ij,jk,kl->il", a, b, c))(a, b, a))
    assert "f32[64,64]" not in jaxpr
    left_to_right = jax.make_jaxpr(
        lambda a, b, c: jnp.einsum("ij,jk,kl->il", a, b, c, optimize=False)
    )(a, b, a)
    assert "f32[64,64]" in str(left_to_right)


def test_explicit_path_is_followed():
    rng = np.random.default_rng(0)
    ops = [rng.standard_normal(s) for s in ((3, 4), (4, 5), (5, 6))]
    for path in (["einsum_path", (0, 2), (0, 1)], [(1, 2), (0, 1)]):
        got = jnp.einsum("ij,jk,kl->il", *ops, optimize=path)
        np.testing.assert_allclose(got, ops[0] @ ops[1] @ ops[2], rtol=1e-5)


@pytest.mark.parametrize(
    ("spec", "shapes"),
    [
        ("ii->i", [(4, 4)]),
        ("ii->", [(4, 4)]),
        ("ii", [(4, 4)]),
        ("iij->j", [(3, 3, 5)]),
        ("iji->ij", [(3, 5, 3)]),
        ("ij,ii->j", [(4, 5), (4, 4)]),
        ("bii->b", [(2, 3, 3)]),
        ("...ii->...i", [(2, 3, 3)]),
    ],
)
def test_repeated_indices_match_numpy(spec, shapes):
    rng = np.random.default_rng(1)
    ops = [rng.standard_normal(s) for s in shapes]
    got = jnp.einsum(spec, *[o.astype(np.float32) for o in ops])
    np.testing.assert_allclose(got, np.einsum(spec, *ops), rtol=1e-5, atol=1e-5)
    with x64_mode(True):
        check_grads(lambda *xs: jnp.einsum(spec, *xs), ops, 2)


def test_repeated_indices_batch():
    x = np.random.default_rng(2).standard_normal((5, 3, 3)).astype(np.float32)
    got = jax.vmap(lambda m: jnp.einsum("ii->", m))(x)
    np.testing.assert_allclose(got, np.trace(x, axis1=1, axis2=2), rtol=1e-5)

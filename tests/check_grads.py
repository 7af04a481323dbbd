"""``check_grads``: forward- and reverse-mode derivatives checked against finite differences."""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
from ferrax.tree_util import tree_flatten, tree_unflatten


def _leaves(tree):
    """The leaves of an output pytree as float64 NumPy arrays."""
    return [np.asarray(x, dtype=np.float64) for x in tree_flatten(tree)[0]]


def _call(f, args):
    """``f`` applied to ferrax copies of the NumPy ``args``; its output leaves in float64."""
    return _leaves(f(*[jnp.asarray(a) for a in args]))


def _central_difference(f, args, tangents, eps):
    """``(f(x + eps t) - f(x - eps t)) / (2 eps)``, leaf by leaf."""
    plus = _call(f, [a + eps * t for a, t in zip(args, tangents)])
    minus = _call(f, [a - eps * t for a, t in zip(args, tangents)])
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def _check_fwd(f, args, rng, eps, rtol, atol):
    tangents = [rng.standard_normal(a.shape) for a in args]
    out, tangent_out = jax.jvp(f, tuple(jnp.asarray(a) for a in args), tuple(tangents))
    out_leaves, tan_leaves = tree_flatten(out)[0], tree_flatten(tangent_out)[0]
    for o, t in zip(out_leaves, tan_leaves):
        assert (t.shape, t.dtype) == (o.shape, o.dtype), "jvp: tangent aval differs from primal"
    expected = _central_difference(f, args, tangents, eps)
    for k, (actual, want) in enumerate(zip(_leaves(tangent_out), expected)):
        np.testing.assert_allclose(
            actual, want, rtol, atol, err_msg=f"jvp output {k} vs finite differences"
        )


def _check_rev(f, args, rng, eps, rtol, atol):
    out, pullback = jax.vjp(f, *[jnp.asarray(a) for a in args])
    out_leaves, out_tree = tree_flatten(out)
    cts = [rng.standard_normal(o.shape).astype(o.dtype) for o in out_leaves]
    arg_cts = tree_flatten(pullback(tree_unflatten(out_tree, [jnp.asarray(c) for c in cts])))[0]
    assert len(arg_cts) == len(args), "vjp: one cotangent per argument expected"
    for a, c in zip(args, arg_cts):
        assert tuple(c.shape) == a.shape and c.dtype == a.dtype, "vjp: cotangent aval differs"
    # <vjp(ct), t> must equal the directional derivative of <ct, f(x)> along t.
    tangents = [rng.standard_normal(a.shape) for a in args]
    actual = sum(np.vdot(np.asarray(c, np.float64), t) for c, t in zip(arg_cts, tangents))
    diffs = _central_difference(f, args, tangents, eps)
    expected = sum(np.vdot(c.astype(np.float64), d) for c, d in zip(cts, diffs))
    np.testing.assert_allclose(actual, expected, rtol, atol, err_msg="<vjp(ct), t> vs <ct, fd>")


def check_grads(f, args, order, modes=("fwd", "rev"), eps=1e-4, rtol=1e-5, atol=1e-7, seed=0):
    """Checks the derivatives of ``f`` at ``args`` up to ``order`` against finite differences.

    ``args`` is a sequence of float64 NumPy arrays (``jax_enable_x64`` must be on) and ``f`` maps
    ferrax arrays to a pytree of arrays. Along seeded random directions ``t``:

    * ``"fwd"``: the tangent output of ``jax.jvp(f, args, t)`` must match the central difference
      ``(f(x + eps t) - f(x - eps t)) / (2 eps)``;
    * ``"rev"``: for a random output cotangent ``ct``, ``<vjp(ct), t>`` must match the central
      difference of ``x -> <ct, f(x)>`` along ``t``.

    For ``order > 1`` the same checks recurse, with ``order - 1``, on the derivative functions
    ``x -> jvp(f, x, t)[1]`` and ``x -> vjp(f, x)[1](ct)`` (fixed ``t`` and ``ct``), so that
    every combination of forward and reverse mode is exercised.
    """
    args = [np.asarray(a) for a in args]
    for a in args:
        assert a.dtype == np.float64, f"check_grads wants float64 arguments, got {a.dtype}"
        assert jnp.asarray(a).dtype == np.float64, "check_grads needs jax_enable_x64"
    rng = np.random.default_rng(seed)
    for mode in modes:
        {"fwd": _check_fwd, "rev": _check_rev}[mode](f, args, rng, eps, rtol, atol)
    if order <= 1:
        return
    primals = [jnp.asarray(a) for a in args]
    if "fwd" in modes:
        t = tuple(jnp.asarray(rng.standard_normal(a.shape)) for a in args)

        def f_jvp(*x):
            return jax.jvp(f, x, t)[1]

        check_grads(f_jvp, args, order - 1, modes, eps, rtol, atol, seed + 1)
    if "rev" in modes:
        out_leaves, out_tree = tree_flatten(f(*primals))
        ct = tree_unflatten(
            out_tree,
            [jnp.asarray(rng.standard_normal(o.shape).astype(o.dtype)) for o in out_leaves],
        )

        def f_vjp(*x):
            return jax.vjp(f, *x)[1](ct)

        check_grads(f_vjp, args, order - 1, modes, eps, rtol, atol, seed + 2)

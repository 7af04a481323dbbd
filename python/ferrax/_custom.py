"""``custom_jvp`` and ``custom_vjp``: functions whose derivatives the user defines.

The Rust core decides when a rule applies (forward-mode differentiation of the call); this
module flattens pytrees and handles ``nondiff_argnums``.
"""

import functools

from . import _ferrax
from .errors import FerraxTypeError
from .tree_util import tree_flatten, tree_map, tree_unflatten

__all__ = ["custom_jvp", "custom_vjp"]


def _zeros_like(x):
    x = x if isinstance(x, _ferrax.Array) else _ferrax.asarray(x)
    return _ferrax.full(x.shape, 0, str(x.dtype))


class _Call:
    """One call of a custom function: splits static (nondiff) and differentiable arguments."""

    def __init__(self, args, nondiff_argnums):
        self.n = len(args)
        self.static = {i % self.n: args[i] for i in nondiff_argnums}
        diff = tuple(a for i, a in enumerate(args) if i not in self.static)
        self.leaves, self.tree = tree_flatten(diff)
        self.out_tree = None

    def static_args(self):
        return [self.static[i] for i in sorted(self.static)]

    def diff_args(self, leaves):
        return tree_unflatten(self.tree, list(leaves))

    def full_args(self, leaves):
        it = iter(self.diff_args(leaves))
        return tuple(self.static[i] if i in self.static else next(it) for i in range(self.n))

    def flat_out(self, out):
        leaves, self.out_tree = tree_flatten(out)
        return leaves


class custom_jvp:
    """A function with a custom JVP rule (``defjvp`` or ``defjvps``), as ``jax.custom_jvp``."""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp = None

    def defjvp(self, jvp):
        """Sets the rule ``jvp(*nondiff_args, primals, tangents) -> (out, tangent_out)``."""
        self.jvp = jvp
        return jvp

    def defjvps(self, *jvps):
        """Sets one rule per argument, ``jvp_i(tangent_i, out, *primals)``; None for none."""

        def jvp(primals, tangents):
            out = self(*primals)
            terms = [f(t, out, *primals) for f, t in zip(jvps, tangents) if f is not None]
            if not terms:
                return out, tree_map(_zeros_like, out)
            total = terms[0]
            for t in terms[1:]:
                total = _add_trees(total, t)
            return out, total

        self.defjvp(jvp)

    def __call__(self, *args):
        if self.jvp is None:
            raise AttributeError(
                f"No JVP defined for custom_jvp function {self.fun.__name__} using defjvp."
            )
        call = _Call(args, self.nondiff_argnums)

        def flat_fun(*leaves):
            return call.flat_out(self.fun(*call.full_args(leaves)))

        def flat_rule(primals, tangents):
            out, tout = self.jvp(
                *call.static_args(), call.diff_args(primals), call.diff_args(tangents)
            )
            out_leaves = call.flat_out(out)
            t_leaves, t_tree = tree_flatten(tout)
            if t_tree != call.out_tree:
                raise FerraxTypeError(
                    f"custom_jvp rule of {self.fun.__name__} returned a tangent of structure "
                    f"{t_tree} for an output of structure {call.out_tree}"
                )
            return out_leaves, t_leaves

        outs = _ferrax.custom_jvp_call(flat_fun, flat_rule, call.leaves)
        return tree_unflatten(call.out_tree, outs)


def _add_trees(a, b):
    la, ta = tree_flatten(a)
    lb, _ = tree_flatten(b)
    return tree_unflatten(ta, [x + y for x, y in zip(la, lb)])


class custom_vjp:
    """A function with a custom VJP (``defvjp(fwd, bwd)``), as ``jax.custom_vjp``."""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd = self.bwd = None

    def defvjp(self, fwd, bwd):
        """``fwd(*args) -> (out, residuals)``; ``bwd(*nondiff_args, residuals, g)`` returns
        one cotangent per differentiable argument (a tuple; None means zero)."""
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args):
        if self.fwd is None:
            raise AttributeError(
                f"No VJP defined for custom_vjp function {self.fun.__name__} using defvjp."
            )
        call = _Call(args, self.nondiff_argnums)
        trees = {}

        def flat_fun(*leaves):
            return call.flat_out(self.fun(*call.full_args(leaves)))

        def flat_fwd(primals):
            out, res = self.fwd(*call.full_args(primals))
            res_leaves, trees["res"] = tree_flatten(res)
            return call.flat_out(out), res_leaves

        def flat_bwd(res, cts):
            g = tree_unflatten(call.out_tree, list(cts))
            cts_in = self.bwd(*call.static_args(), tree_unflatten(trees["res"], list(res)), g)
            if not isinstance(cts_in, (tuple, list)):
                raise FerraxTypeError(
                    f"custom_vjp backward function of {self.fun.__name__} must return a tuple "
                    f"with one cotangent per differentiable argument, got {type(cts_in).__name__}"
                )
            primals = call.diff_args(call.leaves)
            filled = tuple(
                tree_map(_zeros_like, p) if c is None else c for p, c in zip(primals, cts_in)
            )
            return tree_flatten(filled)[0]

        outs = _ferrax.custom_vjp_call(flat_fun, flat_fwd, flat_bwd, call.leaves)
        return tree_unflatten(call.out_tree, outs)

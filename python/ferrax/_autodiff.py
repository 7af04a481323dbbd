"""The autodiff API: ``jvp``, ``linearize``, ``vjp``, ``grad``, ``value_and_grad``,
``jacfwd``, ``jacrev``, ``hessian``, ``stop_gradient`` and ``checkpoint``.

Pytrees are flattened here; the transformations themselves run in the Rust core over flat
lists of arrays (``_ferrax.jvp`` and ``_ferrax.linearize``, whose ``transpose_apply`` is the
backward pass of ``vjp``).
"""

import functools

import numpy as np

from . import _ferrax
from ._vmap import vmap
from .errors import FerraxTypeError, FerraxValueError
from .lax import stop_gradient
from .tree_util import tree_flatten, tree_unflatten

__all__ = [
    "checkpoint",
    "grad",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "linearize",
    "remat",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]


def _as_array(x):
    return x if isinstance(x, _ferrax.Array) else _ferrax.asarray(x)


class _Flat:
    """``fun`` as a function of flat arrays; records the output structure and aux data."""

    def __init__(self, fun, in_tree, has_aux):
        self.fun, self.in_tree, self.has_aux = fun, in_tree, has_aux
        self.out_tree = self.aux_tree = None
        self.n_out = 0

    def __call__(self, *leaves):
        out = self.fun(*tree_unflatten(self.in_tree, list(leaves)))
        aux_leaves = []
        if self.has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise FerraxTypeError(
                    "has_aux=True requires the function to return a pair (output, aux), got "
                    f"{type(out).__name__}"
                )
            out, aux = out
            aux_leaves, self.aux_tree = tree_flatten(aux)
        out_leaves, self.out_tree = tree_flatten(out)
        self.n_out = len(out_leaves)
        return [_as_array(x) for x in out_leaves] + [_as_array(x) for x in aux_leaves]

    def split(self, flat):
        out = tree_unflatten(self.out_tree, flat[: self.n_out])
        if not self.has_aux:
            return out, None
        return out, tree_unflatten(self.aux_tree, flat[self.n_out :])


def jvp(fun, primals, tangents, has_aux=False):
    """Forward mode: ``(fun(*primals), d fun(primals) . tangents)``."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise FerraxTypeError(
            "jvp: primals and tangents must be tuples or lists of arguments, got "
            f"{type(primals).__name__} and {type(tangents).__name__}"
        )
    flat_p, tree_p = tree_flatten(tuple(primals))
    flat_t, tree_t = tree_flatten(tuple(tangents))
    if tree_p != tree_t:
        raise FerraxTypeError(
            "jvp: primal and tangent arguments must have the same tree structure, got "
            f"{tree_p} and {tree_t}"
        )
    flat = _Flat(fun, tree_p, has_aux)
    outs, touts = _ferrax.jvp(flat, [_as_array(p) for p in flat_p], flat_t)
    out, aux = flat.split(outs)
    tout, _ = flat.split(touts)
    return (out, tout, aux) if has_aux else (out, tout)


def linearize(fun, *primals, has_aux=False):
    """``(fun(*primals), f_jvp)`` where ``f_jvp(*tangents)`` applies the recorded tangent map."""
    flat_p, tree_p = tree_flatten(primals)
    flat = _Flat(fun, tree_p, has_aux)
    outs, lin = _ferrax.linearize(flat, [_as_array(p) for p in flat_p])
    out, aux = flat.split(outs)

    def f_jvp(*tangents):
        flat_t, tree_t = tree_flatten(tangents)
        if tree_t != tree_p:
            raise FerraxValueError(
                f"linearize: tangents must have the structure {tree_p}, got {tree_t}"
            )
        return flat.split(lin(*flat_t))[0]

    return (out, f_jvp, aux) if has_aux else (out, f_jvp)


def vjp(fun, *primals, has_aux=False):
    """Reverse mode: ``(fun(*primals), vjp_fn)`` with ``vjp_fn(cotangent)`` returning one
    cotangent per primal argument (a tuple)."""
    flat_p, tree_p = tree_flatten(primals)
    flat = _Flat(fun, tree_p, has_aux)
    outs, lin = _ferrax.linearize(flat, [_as_array(p) for p in flat_p])
    out, aux = flat.split(outs)
    aux_zeros = [_ferrax.full(o.shape, 0, o.dtype) for o in outs[flat.n_out :]]

    def vjp_fn(cotangent):
        flat_ct, tree_ct = tree_flatten(cotangent)
        if tree_ct != flat.out_tree:
            raise FerraxValueError(
                f"vjp: the cotangent must have the structure of the output {flat.out_tree}, "
                f"got {tree_ct}"
            )
        cts = lin.transpose_apply(*[_as_array(c) for c in flat_ct], *aux_zeros)
        return tree_unflatten(tree_p, cts)

    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def _argnums_tuple(argnums, nargs, name):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not isinstance(i, int) or not -nargs <= i < nargs:
            raise FerraxValueError(
                f"{name}: argnums {argnums!r} is out of range for a function called with "
                f"{nargs} positional arguments"
            )
    return tuple(i % nargs for i in nums)


def _check_differentiable(name, args, nums):
    for i in nums:
        for leaf in tree_flatten(args[i])[0]:
            dtype = np.dtype(_as_array(leaf).dtype)
            if not np.issubdtype(dtype, np.floating):
                raise FerraxTypeError(
                    f"{name} requires real-valued inputs (a floating-point dtype), but "
                    f"argument {i} has dtype {dtype.name}. Integer and boolean inputs have no "
                    "derivative; differentiate with respect to a float argument, or use vjp."
                )


def _partial_in(fun, args, kwargs, nums):
    def f(*diff):
        full = list(args)
        for i, d in zip(nums, diff):
            full[i] = d
        return fun(*full, **kwargs)

    return f


def value_and_grad(fun, argnums=0, has_aux=False):
    """``fun`` and its gradient with respect to ``argnums`` (an int or a tuple of ints)."""

    @functools.wraps(fun)
    def value_and_grad_fun(*args, **kwargs):
        name = f"grad of {getattr(fun, '__name__', 'a function')}"
        nums = _argnums_tuple(argnums, len(args), "grad")
        _check_differentiable("grad", args, nums)
        f = _partial_in(fun, args, kwargs, nums)
        res = vjp(f, *[args[i] for i in nums], has_aux=has_aux)
        out, vjp_fn = res[0], res[1]
        out_arr = out if isinstance(out, _ferrax.Array) else None
        if out_arr is None or out_arr.shape != ():
            shape = getattr(out, "shape", type(out).__name__)
            raise FerraxTypeError(
                f"{name}: gradients are only defined for scalar-output functions; the output "
                f"had shape {shape}"
            )
        if not np.issubdtype(np.dtype(out_arr.dtype), np.floating):
            raise FerraxTypeError(
                f"{name}: the output must be a float scalar to differentiate, got dtype "
                f"{out_arr.dtype}"
            )
        grads = vjp_fn(_ferrax.full((), 1.0, out_arr.dtype))
        g = grads[0] if isinstance(argnums, int) else grads
        return ((out, res[2]), g) if has_aux else (out, g)

    return value_and_grad_fun


def grad(fun, argnums=0, has_aux=False):
    """The gradient of a scalar function with respect to ``argnums``."""
    vg = value_and_grad(fun, argnums, has_aux)

    @functools.wraps(fun)
    def grad_fun(*args, **kwargs):
        (value, g) = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return grad_fun


def _size(shape):
    return int(np.prod(shape, dtype=np.int64))


def _basis(leaves):
    """The standard basis of the flattened leaves, as one batched array per leaf:
    leaf ``i`` gets shape ``(N, *shape_i)`` with ``N`` the total number of elements."""
    sizes = [_size(x.shape) for x in leaves]
    total = sum(sizes)
    out, start = [], 0
    for leaf, n in zip(leaves, sizes):
        block = np.zeros((total, n), dtype=np.dtype(leaf.dtype))
        block[start : start + n] = np.eye(n, dtype=block.dtype)
        out.append(_ferrax.asarray(block.reshape((total, *leaf.shape))))
        start += n
    return out


def _rows(batched, leaves):
    """Splits a batched result ``(N, ...)`` into the row blocks of each leaf."""
    out, start = [], 0
    for leaf in leaves:
        n = _size(leaf.shape)
        out.append(
            _ferrax.slice(
                batched, [start] + [0] * (batched.ndim - 1), [start + n, *batched.shape[1:]]
            )
        )
        start += n
    return out


def _jacobian(fun, argnums, has_aux, forward):
    name = "jacfwd" if forward else "jacrev"

    def jac_fun(*args, **kwargs):
        nums = _argnums_tuple(argnums, len(args), name)
        _check_differentiable(name, args, nums)
        f = _partial_in(fun, args, kwargs, nums)
        diff = tuple(args[i] for i in nums)
        in_leaves, in_tree = tree_flatten(diff)
        in_leaves = [_as_array(x) for x in in_leaves]
        res = vjp(f, *diff, has_aux=has_aux)
        out, vjp_fn = res[0], res[1]
        out_leaves, out_tree = tree_flatten(out)
        out_leaves = [_as_array(x) for x in out_leaves]
        blocks = []
        if forward:
            # One batched JVP over the basis of the inputs: rows are d out / d in_k.
            def push(*basis):
                return tree_flatten(jvp(f, diff, tree_unflatten(in_tree, list(basis)))[1])[0]

            cols = vmap(push)(*_basis(in_leaves))
            for o, oleaf in zip(cols, out_leaves):
                row = []
                for part, leaf in zip(_rows(o, in_leaves), in_leaves):
                    moved = _ferrax.transpose(part, list(range(1, part.ndim)) + [0])
                    row.append(_ferrax.reshape(moved, [*oleaf.shape, *leaf.shape]))
                blocks.append(row)
        else:
            # One batched VJP over the basis of the outputs: rows are d out_k / d in.
            def pull(*basis):
                return tree_flatten(vjp_fn(tree_unflatten(out_tree, list(basis))))[0]

            rows = vmap(pull)(*_basis(out_leaves))
            for k, oleaf in enumerate(out_leaves):
                row = []
                for r, leaf in zip(rows, in_leaves):
                    part = _rows(r, out_leaves)[k]
                    row.append(_ferrax.reshape(part, [*oleaf.shape, *leaf.shape]))
                blocks.append(row)
        per_out = [tree_unflatten(in_tree, row) for row in blocks]
        if isinstance(argnums, int):
            per_out = [p[0] for p in per_out]
        jac = tree_unflatten(out_tree, per_out)
        return (jac, res[2]) if has_aux else jac

    return jac_fun


def jacfwd(fun, argnums=0, has_aux=False):
    """The Jacobian by forward mode: a JVP vmapped over the basis of the inputs."""
    return functools.wraps(fun)(_jacobian(fun, argnums, has_aux, forward=True))


def jacrev(fun, argnums=0, has_aux=False):
    """The Jacobian by reverse mode: a VJP vmapped over the basis of the outputs."""
    return functools.wraps(fun)(_jacobian(fun, argnums, has_aux, forward=False))


def hessian(fun, argnums=0, has_aux=False):
    """The Hessian: forward mode over reverse mode."""
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux), argnums, has_aux=has_aux)


def checkpoint(fun, *, prevent_cse=True, policy=None, static_argnums=()):
    """Marks ``fun`` for rematerialization. Values and derivatives are those of ``fun``; the
    backward pass currently keeps the forward residuals rather than recomputing them."""
    del prevent_cse, policy, static_argnums
    return fun


remat = checkpoint

"""``vmap``: vectorizing map. Axis specifications are resolved here against the argument
pytrees; the mapping itself is the batch trace in the Rust core, where every primitive has a
batching rule (no per-example loop)."""

import functools

from . import _ferrax
from .errors import FerraxValueError
from .tree_util import tree_flatten, tree_structure, tree_unflatten

__all__ = ["vmap"]


def _is_axis(a):
    return a is None or isinstance(a, int)


def _broadcast_prefix(spec, tree, what):
    """One axis per leaf of ``tree``, from ``spec``: an axis, or a pytree prefix of ``tree``
    whose leaves are axes (None included)."""
    if _is_axis(spec):
        return [spec] * len(tree_flatten(tree)[0])
    spec_leaves, spec_tree = tree_flatten(spec, is_leaf=lambda x: x is None)
    try:
        subtrees = spec_tree.flatten_up_to(tree)
    except ValueError as e:
        raise FerraxValueError(
            f"vmap {what} specification {spec!r} must be a tree prefix of the corresponding "
            f"value, whose structure is {tree_structure(tree)}"
        ) from e
    out = []
    for axis, sub in zip(spec_leaves, subtrees):
        if not _is_axis(axis):
            raise FerraxValueError(f"vmap {what} must be ints or None, got {axis!r}")
        out.extend([axis] * len(tree_flatten(sub)[0]))
    return out


def _as_array(x):
    return x if isinstance(x, _ferrax.Array) else _ferrax.asarray(x)


def vmap(fun, in_axes=0, out_axes=0, axis_size=None):
    """Maps ``fun`` over an axis of its arguments: ``in_axes``/``out_axes`` are an int, None,
    or pytree prefixes of the arguments (a tuple over positional arguments) and outputs."""
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)

    @functools.wraps(fun)
    def vmapped(*args):
        if not _is_axis(in_axes) and len(in_axes) != len(args):
            raise FerraxValueError(
                f"vmap in_axes must be an int, None, or a tuple with one entry per positional "
                f"argument; got {len(in_axes)} entries for {len(args)} arguments"
            )
        specs = [in_axes] * len(args) if _is_axis(in_axes) else list(in_axes)
        flat_args, axes, arg_of = [], [], []
        for i, (arg, spec) in enumerate(zip(args, specs)):
            leaves = tree_flatten(arg)[0]
            flat_args.extend(_as_array(x) for x in leaves)
            axes.extend(_broadcast_prefix(spec, arg, f"in_axes for argument {i}"))
            arg_of.extend([i] * len(leaves))
        in_tree = tree_structure(args)
        norm, sizes = [], []
        for x, a, i in zip(flat_args, axes, arg_of):
            if a is None:
                norm.append(None)
                continue
            if not -x.ndim <= a < x.ndim:
                raise FerraxValueError(
                    f"vmap got in_axes {a} for argument {i}, an array of rank {x.ndim} "
                    f"(shape {x.shape})"
                )
            a %= x.ndim
            norm.append(a)
            sizes.append((i, a, x.shape[a]))
        distinct = {s for _, _, s in sizes}
        if len(distinct) > 1:
            listing = "; ".join(f"argument {i} axis {a} has size {s}" for i, a, s in sizes)
            raise FerraxValueError(f"vmap got inconsistent sizes for the mapped axes: {listing}")
        if distinct:
            size = distinct.pop()
            if axis_size is not None and axis_size != size:
                raise FerraxValueError(
                    f"vmap axis_size={axis_size} does not match the mapped size {size}"
                )
        elif axis_size is None:
            raise FerraxValueError(
                "vmap needs axis_size when no argument is mapped (all in_axes are None)"
            )
        else:
            size = axis_size
        out_box = []

        def flat_fun(*leaves):
            out = fun(*tree_unflatten(in_tree, list(leaves)))
            out_leaves, out_tree = tree_flatten(out)
            out_box.append(out_tree)
            return [_as_array(o) for o in out_leaves]

        outs, batched = _ferrax.vmap(flat_fun, flat_args, norm, size)
        out_tree = out_box[-1]
        out = tree_unflatten(out_tree, list(outs))
        out_specs = _broadcast_prefix(out_axes, out, "out_axes")
        placed = []
        for k, (o, b, a) in enumerate(zip(outs, batched, out_specs)):
            if a is None:
                if b:
                    raise FerraxValueError(
                        f"vmap has out_axes=None for output {k}, but that output depends on "
                        "the mapped arguments"
                    )
                placed.append(o)
                continue
            rank = o.ndim if b else o.ndim + 1
            if not -rank <= a < rank:
                raise FerraxValueError(
                    f"vmap out_axes {a} is out of range for output {k} of rank {rank}"
                )
            a %= rank
            if not b:
                o = _ferrax.broadcast_to(_ferrax.expand_dims(o, [0]), [size, *o.shape])
            if a:
                perm = list(range(1, a + 1)) + [0] + list(range(a + 1, rank))
                o = _ferrax.transpose(o, perm)
            placed.append(o)
        return tree_unflatten(out_tree, placed)

    return vmapped

"""``lax`` control flow: ``cond``, ``switch``, ``while_loop``, ``fori_loop``, ``scan``,
``map`` and ``select``. Branches and bodies are staged into sub-programs of the IR (eagerly
too) by the Rust core; here only the pytrees of operands, carries and outputs are handled."""

import operator

from . import _ferrax
from ._util import as_array
from .errors import FerraxTypeError, FerraxValueError
from .tree_util import tree_flatten, tree_unflatten

__all__ = ["cond", "fori_loop", "map", "scan", "select", "switch", "while_loop"]


def _flat_fun(fun, in_tree, out_trees, slot, what):
    """``fun`` over flat leaves; records the output structure in ``out_trees[slot]``."""

    def flat(*leaves):
        out = fun(*tree_unflatten(in_tree, list(leaves)))
        out_leaves, out_tree = tree_flatten(out)
        out_trees[slot] = out_tree
        return [as_array(x) for x in out_leaves]

    flat.__name__ = what
    return flat


def _same_structures(trees, what):
    for t in trees[1:]:
        if t != trees[0]:
            raise FerraxTypeError(f"{what} must have the same structure, got {trees[0]} and {t}")


def switch(index, branches, *operands):
    """``branches[clamp(index, 0, len(branches) - 1)](*operands)``, staged so that the index
    may be traced (under ``jit`` or ``vmap``)."""
    branches = list(branches)
    if not branches:
        raise FerraxValueError("switch: at least one branch is required")
    index = as_array(index)
    if index.shape != ():
        raise FerraxTypeError(f"switch: the index must be a scalar, got shape {index.shape}")
    if not (index.dtype.kind in "iub"):
        raise FerraxTypeError(f"switch: the index must be an integer, got dtype {index.dtype}")
    index = _ferrax.convert_element_type(index, "int32")
    flat_ops, in_tree = tree_flatten(operands)
    out_trees = [None] * len(branches)
    funs = [_flat_fun(b, in_tree, out_trees, i, f"branch_{i}") for i, b in enumerate(branches)]
    outs = _ferrax.cond(index, funs, [as_array(x) for x in flat_ops])
    _same_structures(out_trees, "switch: the branch outputs")
    return tree_unflatten(out_trees[0], outs)


def cond(pred, true_fun, false_fun, *operands):
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``; both branches are
    staged and must return the same types."""
    pred = as_array(pred)
    if pred.shape != ():
        raise FerraxTypeError(f"cond: the predicate must be a scalar, got shape {pred.shape}")
    if pred.dtype.kind not in "iub":
        raise FerraxTypeError(f"cond: the predicate must be boolean or integer, got {pred.dtype}")
    truth = pred if pred.dtype.kind == "b" else _ferrax.ne(pred, 0)
    index = _ferrax.convert_element_type(truth, "int32")
    flat_ops, in_tree = tree_flatten(operands)
    out_trees = [None, None]
    funs = [
        _flat_fun(false_fun, in_tree, out_trees, 0, "false_fun"),
        _flat_fun(true_fun, in_tree, out_trees, 1, "true_fun"),
    ]
    outs = _ferrax.cond(index, funs, [as_array(x) for x in flat_ops])
    _same_structures(out_trees, "cond: true_fun and false_fun outputs")
    return tree_unflatten(out_trees[0], outs)


def while_loop(cond_fun, body_fun, init_val):
    """Repeats ``val = body_fun(val)`` while ``cond_fun(val)``; forward-mode differentiable,
    batchable (a batched predicate runs until every example is done)."""
    flat, tree = tree_flatten(init_val)

    def flat_cond(*leaves):
        return [as_array(cond_fun(tree_unflatten(tree, list(leaves))))]

    def flat_body(*leaves):
        out_leaves, out_tree = tree_flatten(body_fun(tree_unflatten(tree, list(leaves))))
        if out_tree != tree:
            raise FerraxTypeError(
                f"while_loop: body_fun must return the carry's structure: input carry {tree}, "
                f"output carry {out_tree}"
            )
        return [as_array(x) for x in out_leaves]

    outs = _ferrax.while_loop(flat_cond, flat_body, [as_array(x) for x in flat])
    return tree_unflatten(tree, outs)


def _static_int(x):
    try:
        return operator.index(x)
    except TypeError:
        return None


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``[lower, upper)``. With Python-int bounds it is
    a ``scan`` (reverse-mode differentiable); with traced bounds a ``while_loop``."""
    lo, hi = _static_int(lower), _static_int(upper)
    if lo is not None and hi is not None:

        def step(carry, _):
            i, val = carry
            return (i + 1, body_fun(i, val)), None

        start = _ferrax.full((), lo, "int32")
        (_, val), _ = scan(step, (start, init_val), None, length=max(hi - lo, 0))
        return val
    lower, upper = as_array(lower), as_array(upper)

    def body(carry):
        i, hi_, val = carry
        return i + 1, hi_, body_fun(i, val)

    _, _, val = while_loop(lambda c: c[0] < c[1], body, (lower, upper, init_val))
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1, _split_transpose=False):
    """``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns the final carry and
    the stacked ``y``s. ``length`` is needed when ``xs`` is None."""
    del unroll, _split_transpose
    xs_flat, xs_tree = tree_flatten(xs)
    xs_flat = [as_array(x) for x in xs_flat]
    lengths = sorted({x.shape[0] if x.ndim else None for x in xs_flat}, key=str)
    if None in lengths:
        raise FerraxValueError("scan: every leaf of xs needs a leading axis to scan over")
    if length is not None:
        length = operator.index(length)
        lengths = sorted(set(lengths) | {length})
    if len(lengths) > 1:
        shapes = ", ".join(str(x.shape) for x in xs_flat)
        raise FerraxValueError(
            f"scan got leading axis sizes that differ: {lengths} (xs shapes {shapes}"
            f"{', length=' + str(length) if length is not None else ''})"
        )
    if not lengths:
        raise FerraxValueError("scan: length must be given when xs is None or has no leaves")
    carry_flat, carry_tree = tree_flatten(init)
    n_carry = len(carry_flat)
    y_tree = [None]

    def body(*leaves):
        carry = tree_unflatten(carry_tree, list(leaves[:n_carry]))
        x = tree_unflatten(xs_tree, list(leaves[n_carry:]))
        out = f(carry, x)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise FerraxTypeError("scan: f must return a pair (carry, y)")
        new_leaves, new_tree = tree_flatten(out[0])
        if new_tree != carry_tree:
            raise FerraxTypeError(
                f"scan: f must return the carry's structure: input carry {carry_tree}, "
                f"output carry {new_tree}"
            )
        y_leaves, y_tree[0] = tree_flatten(out[1])
        return [as_array(x) for x in new_leaves + y_leaves]

    outs = _ferrax.scan(body, [as_array(c) for c in carry_flat], xs_flat, lengths[0], reverse)
    return tree_unflatten(carry_tree, outs[:n_carry]), tree_unflatten(y_tree[0], outs[n_carry:])


def map(f, xs):
    """``f`` applied to each slice of ``xs`` along its leading axis, stacked."""
    return scan(lambda _, x: (None, f(x)), None, xs)[1]


def select(pred, on_true, on_false):
    """Elementwise ``on_true if pred else on_false``."""
    return _ferrax.select_n(pred, on_false, on_true)

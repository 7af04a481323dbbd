"""Top-level functions of ``ferrax``: staging to a jaxpr and moving values to the host."""

import functools

import numpy as np

from . import _ferrax
from .errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError

__all__ = ["block_until_ready", "device_get", "make_jaxpr"]


def _tree_map(fn, tree):
    """Applies ``fn`` to every leaf of nested tuples, lists and dicts."""
    if isinstance(tree, (tuple, list)):
        mapped = [_tree_map(fn, leaf) for leaf in tree]
        if isinstance(tree, tuple) and hasattr(tree, "_fields"):
            return type(tree)(*mapped)
        return type(tree)(mapped)
    if isinstance(tree, dict):
        return {key: _tree_map(fn, value) for key, value in tree.items()}
    return fn(tree)


def block_until_ready(x):
    """Waits until every Array in ``x`` (an Array or nested tuples/lists/dicts) is computed.

    Returns ``x`` itself, as ``jax.block_until_ready`` does.
    """

    def wait(leaf):
        if isinstance(leaf, _ferrax.Array):
            leaf.block_until_ready()
        return leaf

    _tree_map(wait, x)
    return x


def device_get(x):
    """Copies every Array in ``x`` to a NumPy array; other leaves are returned unchanged."""

    def get(leaf):
        if isinstance(leaf, _ferrax.Array):
            return np.asarray(leaf)
        return leaf

    return _tree_map(get, x)


def _normalize_static_argnums(static_argnums):
    if isinstance(static_argnums, int):
        return (static_argnums,)
    try:
        return tuple(int(i) for i in static_argnums)
    except TypeError:
        raise FerraxTypeError(
            f"make_jaxpr: static_argnums must be an int or a sequence of ints, "
            f"got {static_argnums!r}"
        ) from None


def make_jaxpr(fun, static_argnums=()):
    """Returns a function that stages ``fun(*args)`` and returns its ``ClosedJaxpr``.

    ``str()`` of the result prints JAX's grammar, e.g.
    ``{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b,) }``. Arguments must be arrays or
    scalars (Python scalars become weak-typed inputs); arguments listed in ``static_argnums``
    are passed to ``fun`` unchanged and do not appear as inputs.
    """
    if not callable(fun):
        raise FerraxTypeError(f"make_jaxpr: expected a callable, got {fun!r}")
    static = _normalize_static_argnums(static_argnums)

    @functools.wraps(fun)
    def staged(*args, **kwargs):
        if kwargs:
            raise FerraxNotImplementedError(
                "make_jaxpr: keyword arguments are not supported yet; pass them positionally"
            )
        n = len(args)
        if any(i >= n or i < -n for i in static):
            raise FerraxValueError(
                f"make_jaxpr: static_argnums {static} out of range for {n} positional arguments"
            )
        fixed = {i % n for i in static}
        dynamic = [a for i, a in enumerate(args) if i not in fixed]
        for a in dynamic:
            if isinstance(a, (tuple, list, dict)):
                raise FerraxNotImplementedError(
                    f"make_jaxpr: pytree arguments are not supported yet, got a "
                    f"{type(a).__name__}; pass arrays or scalars"
                )

        if not fixed:
            return _ferrax.make_jaxpr(fun, dynamic)

        def flat_fun(*traced):
            it = iter(traced)
            full = [args[i] if i in fixed else next(it) for i in range(n)]
            return fun(*full)

        return _ferrax.make_jaxpr(flat_fun, dynamic)

    return staged

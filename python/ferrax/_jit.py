"""``jit`` and ``eval_shape``. The call path (flattening, signature lookup, launching the
staged program) is ``_ferrax.JitFunction``, in Rust; this module normalizes the static
argument specification against the function's signature, as JAX does."""

import functools
import inspect

from . import _ferrax
from .errors import FerraxTypeError, FerraxValueError

__all__ = ["ShapeDtypeStruct", "eval_shape", "jit"]

ShapeDtypeStruct = _ferrax.ShapeDtypeStruct


def _as_tuple(x, what, kind):
    if x is None:
        return ()
    if isinstance(x, kind):
        return (x,)
    try:
        items = tuple(x)
    except TypeError:
        raise FerraxTypeError(
            f"jit: {what} must be {kind.__name__} or a sequence of them, got {x!r}"
        ) from None
    for i in items:
        if not isinstance(i, kind):
            raise FerraxTypeError(f"jit: {what} must contain {kind.__name__}s, got {i!r}")
    return items


def _positional_names(fun):
    try:
        params = inspect.signature(fun).parameters.values()
    except (TypeError, ValueError):
        return None, []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in params if p.kind in kinds]
    has_varargs = any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in params)
    return (None if has_varargs else len(names)), names


def jit(
    fun=None,
    *,
    static_argnums=None,
    static_argnames=None,
    donate_argnums=None,
    donate_argnames=None,
    inline=False,
    keep_unused=False,
    device=None,
    backend=None,
):
    """Stages ``fun`` once per signature (argument structure, shapes, dtypes, weak types and
    static arguments) and runs the staged program from then on.

    Arguments in ``static_argnums``/``static_argnames`` are passed to ``fun`` as they are
    and must be hashable; a new value retraces. ``donate_argnums`` is accepted (buffers are
    not reused yet). Usable as a decorator and through ``functools.partial``.
    """
    del donate_argnums, donate_argnames, inline, keep_unused, device, backend
    if fun is None:
        return functools.partial(
            jit, static_argnums=static_argnums, static_argnames=static_argnames
        )
    if not callable(fun):
        raise FerraxTypeError(f"jit: expected a callable, got {fun!r}")
    nums = _as_tuple(static_argnums, "static_argnums", int)
    names = _as_tuple(static_argnames, "static_argnames", str)
    n_positional, argnames = _positional_names(fun)
    if n_positional is not None:
        for i in nums:
            if not -n_positional <= i < max(n_positional, 1):
                raise FerraxValueError(
                    f"jit: static_argnums {i} is out of range for {fun.__name__ if hasattr(fun, '__name__') else fun} "
                    f"with {n_positional} positional parameters"
                )
        nums = tuple(i % n_positional if n_positional else i for i in nums)
    # As JAX: a static argument may be named or numbered; each implies the other.
    nums = tuple(sorted(set(nums) | {argnames.index(n) for n in names if n in argnames}))
    names = tuple(sorted(set(names) | {argnames[i] for i in nums if i < len(argnames)}))
    name = getattr(fun, "__name__", type(fun).__name__)
    return _ferrax.JitFunction(fun, list(nums), list(names), argnames, name)


def eval_shape(fun, *args, **kwargs):
    """The output of ``fun(*args, **kwargs)`` as ``ShapeDtypeStruct``s, computed by tracing
    only; arguments may be arrays or ``ShapeDtypeStruct``s."""
    return jit(fun).eval_shape(*args, **kwargs)

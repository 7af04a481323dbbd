"""Exception classes raised by ferrax.

Every class derives from :class:`FerraxError` and from the builtin exception a JAX user expects,
so ``except ValueError`` and ``except FerraxError`` both work. The Rust extension looks these
classes up by name on this module, so the names are part of the contract with ``_ferrax``.
"""

__all__ = [
    "AxisError",
    "ConcretizationTypeError",
    "FerraxError",
    "FerraxIndexError",
    "FerraxNotImplementedError",
    "FerraxOverflowError",
    "FerraxRuntimeError",
    "FerraxTypeError",
    "FerraxValueError",
]


class FerraxError(Exception):
    """Base class of every error ferrax raises on purpose."""


class FerraxTypeError(FerraxError, TypeError):
    """An operand of the wrong dtype or kind (also a ``TypeError``)."""


class FerraxValueError(FerraxError, ValueError):
    """Shapes or parameters an operation cannot accept (also a ``ValueError``)."""


class FerraxIndexError(FerraxError, IndexError):
    """An index outside its dimension (also an ``IndexError``)."""


class AxisError(FerraxError, ValueError, IndexError):
    """An axis outside ``[-ndim, ndim)``; both a ``ValueError`` and an ``IndexError``, as NumPy's."""


class ConcretizationTypeError(FerraxTypeError):
    """A traced value used where a concrete Python value is needed (``float(x)`` under tracing)."""


class FerraxNotImplementedError(FerraxError, NotImplementedError):
    """A feature or transformation rule that ferrax does not have yet."""


class FerraxOverflowError(FerraxError, OverflowError):
    """A Python integer too large for the target dtype (also an ``OverflowError``)."""


class FerraxRuntimeError(FerraxError, RuntimeError):
    """A failure inside a backend (also a ``RuntimeError``)."""

"""Dtype names of ``ferrax.numpy`` and dtype queries; promotion itself is ``_ferrax``'s.

The scalar types (``float32``, ``int32``, ...) are classes, as in JAX: they work wherever a
dtype is expected, compare equal to NumPy's scalar types, and calling one makes an Array of
that dtype (``jnp.float32(3)``), canonicalized to 32 bits unless x64 is enabled.
"""

import numpy as np

from .. import _ferrax
from .._util import dtype_name
from ..errors import FerraxTypeError, FerraxValueError

__all__ = [
    "bool",
    "bool_",
    "can_cast",
    "double",
    "dtype",
    "finfo",
    "float32",
    "float64",
    "float_",
    "floating",
    "generic",
    "iinfo",
    "inexact",
    "int32",
    "int64",
    "int_",
    "integer",
    "isdtype",
    "issubdtype",
    "number",
    "promote_types",
    "result_type",
    "signedinteger",
    "single",
    "uint32",
    "unsignedinteger",
]


class _ScalarMeta(type):
    """Metaclass of the scalar types: a dtype-like class whose call makes an Array."""

    def __hash__(cls):
        return hash(cls.dtype.type)

    def __eq__(cls, other):
        return other is cls or other is cls.dtype.type

    def __ne__(cls, other):
        return not cls.__eq__(other)

    def __call__(cls, x):
        from .._util import as_array

        if isinstance(x, _ferrax.Array):
            return _ferrax.convert_element_type(as_array(x), _ferrax.result_type(cls.dtype.name))
        return _ferrax.asarray(x, cls.dtype.name)

    def __instancecheck__(cls, instance):
        return isinstance(instance, cls.dtype.type)

    def __repr__(cls):
        return f"<class 'ferrax.numpy.{cls.__name__}'>"


def _scalar_type(name, np_type):
    return _ScalarMeta(name, (object,), {"dtype": np.dtype(np_type), "__module__": __name__})


float32 = single = _scalar_type("float32", np.float32)
float64 = double = float_ = _scalar_type("float64", np.float64)
int32 = _scalar_type("int32", np.int32)
int64 = int_ = _scalar_type("int64", np.int64)
uint32 = _scalar_type("uint32", np.uint32)
bool_ = _scalar_type("bool", np.bool_)
bool = bool_

dtype = np.dtype
generic = np.generic
number = np.number
integer = np.integer
signedinteger = np.signedinteger
unsignedinteger = np.unsignedinteger
floating = np.floating
inexact = np.inexact


def _np_dtype_like(x, op):
    """``x`` as something NumPy's dtype functions take: Arrays give their dtype, ferrax scalar
    types their NumPy type; abstract classes (``jnp.floating``) pass through."""
    if isinstance(x, _ferrax.Array):
        return x.dtype
    if isinstance(x, _ScalarMeta):
        return x.dtype.type
    if isinstance(x, type) and issubclass(x, np.generic):
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype
    try:
        return np.dtype(x)
    except TypeError:
        raise FerraxTypeError(f"{op}: {x!r} is not a dtype or an array") from None


def finfo(dtype):
    """Machine limits of a float dtype (or of an array's dtype), as ``numpy.finfo``.

    As in JAX, ``finfo(float64)`` describes float64 even when x64 is disabled.
    """
    np_dtype = _np_dtype_like(dtype, "finfo")
    if np.dtype(np_dtype).kind not in "fc":
        raise FerraxValueError(f"finfo: {np.dtype(np_dtype).name} is not a floating dtype")
    return np.finfo(np_dtype)


def iinfo(int_type):
    """Machine limits of an integer dtype (or of an array's dtype), as ``numpy.iinfo``."""
    np_dtype = _np_dtype_like(int_type, "iinfo")
    if np.dtype(np_dtype).kind not in "iu":
        raise FerraxValueError(f"iinfo: {np.dtype(np_dtype).name} is not an integer dtype")
    return np.iinfo(np_dtype)


def issubdtype(arg1, arg2):
    """Whether ``arg1`` is lower than or equal to ``arg2`` in NumPy's type hierarchy."""
    return np.issubdtype(_np_dtype_like(arg1, "issubdtype"), _np_dtype_like(arg2, "issubdtype"))


def isdtype(dtype, kind):
    """The array API's dtype kind test: ``kind`` is a dtype, a kind name (``"bool"``,
    ``"signed integer"``, ``"unsigned integer"``, ``"integral"``, ``"real floating"``,
    ``"complex floating"``, ``"numeric"``) or a tuple of those."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    kinds = tuple(
        k if isinstance(k, str) else np.dtype(_np_dtype_like(k, "isdtype")) for k in kinds
    )
    return np.isdtype(np.dtype(_np_dtype_like(dtype, "isdtype")), kinds)


def can_cast(from_, to, casting="safe"):
    """Whether ``from_`` (a dtype or an array) casts to ``to`` under NumPy's ``casting`` rule.

    Python scalars are refused, as in JAX and NumPy 2 (the answer would depend on the value).
    """
    if isinstance(from_, (int, float, complex)):
        raise FerraxTypeError(
            f"can_cast: Python scalars are not supported (got {from_!r}); pass a dtype or array"
        )
    return np.can_cast(
        np.dtype(_np_dtype_like(from_, "can_cast")),
        np.dtype(_np_dtype_like(to, "can_cast")),
        casting,
    )


def _is_dtype_like(x):
    return isinstance(x, (str, np.dtype)) or (isinstance(x, type) and x is not _ferrax.Array)


# As in JAX, the Python types ``int`` and ``float`` stand for weakly typed values: they take
# the other operand's width (``promote_types(float32, float)`` is float32).
_WEAK_SAMPLES = {int: 0, float: 0.0}


_PYTHON_TYPE_DTYPES = {int: "int64", float: "float64", bool: "bool"}


def _promotion_operand(x, op):
    """``x`` as ``_ferrax.result_type`` takes it: a weak sample for the Python types ``int``
    and ``float``, a dtype name for other dtypes, and arrays and scalars as they are."""
    for kind, sample in _WEAK_SAMPLES.items():
        if x is kind:
            return sample
    return dtype_name(x, op) if _is_dtype_like(x) else x


def result_type(*args):
    """JAX's promotion of arrays, scalars (weak) and dtypes; a canonical NumPy dtype."""
    if not args:
        raise FerraxTypeError("result_type: at least one array or dtype is required")
    return np.dtype(_ferrax.result_type(*[_promotion_operand(a, "result_type") for a in args]))


def promote_types(a, b):
    """The dtype that dtypes ``a`` and ``b`` promote to on JAX's lattice.

    As in JAX, a result that is one of the operands is not canonicalized
    (``promote_types(int64, int32)`` is int64 even with x64 disabled; the Python types ``int``
    and ``float`` count as int64 and float64), while a new dtype the lattice introduces is
    (``promote_types(int32, uint32)`` is int64 canonicalized to int32).
    """
    (name_a, weak_a), (name_b, weak_b) = (_lattice_operand(x) for x in (a, b))
    result = np.dtype(_ferrax.promote_dtypes(name_a, weak_a, name_b, weak_b))
    if _ferrax.x64_enabled() or result.name in (name_a, name_b):
        return result
    return np.dtype(_ferrax.result_type(result.name))


def _lattice_operand(x):
    """``(dtype name, weak)`` of a ``promote_types`` operand: the Python types ``int`` and
    ``float`` are the weak 64-bit types, as in JAX."""
    if x is int or x is float:
        return _PYTHON_TYPE_DTYPES[x], True
    return ("bool" if x is bool else dtype_name(x, "promote_types")), False


def default_float():
    """Name of the default float dtype: ``float32``, or ``float64`` with x64."""
    return _ferrax.result_type(1.0)


def default_int():
    """Name of the default integer dtype: ``int32``, or ``int64`` with x64."""
    return _ferrax.result_type(1)

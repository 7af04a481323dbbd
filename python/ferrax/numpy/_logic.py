"""Comparisons and predicates of ``ferrax.numpy`` (closeness, equality of whole arrays, sign
bits, infinities of one sign) and the real/complex queries and views.

ferrax has no complex dtypes, so every array is real: ``isreal`` is all true, ``iscomplex`` all
false, ``real``/``conj`` are the identity and ``imag`` is zeros, while a complex NumPy array or
Python complex is refused with an error naming the function.
"""

import math

import numpy as np

from .. import _ferrax
from .._util import as_array
from ..errors import FerraxNotImplementedError, FerraxTypeError
from ._common import FLOAT_LAYOUT, inexact, promote
from ._creation import zeros_like
from ._elementwise import isnan

__all__ = [
    "allclose",
    "angle",
    "array_equal",
    "array_equiv",
    "conj",
    "conjugate",
    "imag",
    "isclose",
    "iscomplex",
    "iscomplexobj",
    "isneginf",
    "isposinf",
    "isreal",
    "isrealobj",
    "isscalar",
    "real",
    "signbit",
]


def real_array(x, op):
    """``x`` as an Array; complex input raises a FerraxTypeError naming ``op``."""
    try:
        return as_array(x)
    except FerraxTypeError as err:
        raise FerraxTypeError(f"{op}: {err}") from None


def _all_false(x):
    return _ferrax.full(x.shape, False, "bool")


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``|a - b| <= atol + rtol * |b|`` elementwise, after promoting to a float dtype.

    Infinities are close only to the same infinity; NaNs are close to nothing, or to NaN with
    ``equal_nan``.
    """
    a, b = promote(real_array(a, "isclose"), real_array(b, "isclose"), to_inexact=True)
    dtype = a.dtype.name
    rtol = _ferrax.convert_element_type(rtol, dtype)
    atol = _ferrax.convert_element_type(atol, dtype)
    bound = _ferrax.add(atol, _ferrax.mul(rtol, _ferrax.abs(b)))
    out = _ferrax.le(_ferrax.abs(_ferrax.sub(a, b)), bound)
    a_inf = _ferrax.eq(_ferrax.abs(a), float("inf"))
    b_inf = _ferrax.eq(_ferrax.abs(b), float("inf"))
    out = _ferrax.and_(out, _ferrax.not_(_ferrax.or_(a_inf, b_inf)))
    out = _ferrax.or_(out, _ferrax.and_(_ferrax.and_(a_inf, b_inf), _ferrax.eq(a, b)))
    if equal_nan:
        out = _ferrax.or_(out, _ferrax.and_(isnan(a), isnan(b)))
    return out


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of ``a`` is close to ``b`` (see ``isclose``); a bool Array."""
    return _ferrax.all(isclose(a, b, rtol, atol, equal_nan), None, False)


def _false():
    return _ferrax.asarray(False)


def array_equal(a1, a2, equal_nan=False):
    """Whether ``a1`` and ``a2`` have the same shape and elements; a bool Array.

    Different shapes give False. With ``equal_nan``, NaNs in the same places count as equal.
    """
    a1, a2 = real_array(a1, "array_equal"), real_array(a2, "array_equal")
    if tuple(a1.shape) != tuple(a2.shape):
        return _false()
    eq = _ferrax.eq(a1, a2)
    if equal_nan:
        eq = _ferrax.or_(eq, _ferrax.and_(isnan(a1), isnan(a2)))
    return _ferrax.all(eq, None, False)


def array_equiv(a1, a2):
    """Whether ``a1`` and ``a2`` broadcast together and are equal everywhere; a bool Array."""
    a1, a2 = real_array(a1, "array_equiv"), real_array(a2, "array_equiv")
    try:
        np.broadcast_shapes(tuple(a1.shape), tuple(a2.shape))
    except ValueError:
        return _false()
    return _ferrax.all(_ferrax.eq(a1, a2), None, False)


def _is_signed_inf(x, value, op, out):
    if out is not None:
        raise FerraxNotImplementedError(f"{op}: the out argument is not supported")
    x = real_array(x, op)
    if x.dtype.kind != "f":
        return _all_false(x)
    return _ferrax.eq(x, value)


def isposinf(x, /, out=None):
    """Whether each element is positive infinity (always False for integers and bools)."""
    return _is_signed_inf(x, float("inf"), "isposinf", out)


def isneginf(x, /, out=None):
    """Whether each element is negative infinity (always False for integers and bools)."""
    return _is_signed_inf(x, float("-inf"), "isneginf", out)


def isreal(x, /):
    """Whether each element has a zero imaginary part: all True, as ferrax arrays are real."""
    x = real_array(x, "isreal")
    return _ferrax.full(x.shape, True, "bool")


def iscomplex(x, /):
    """Whether each element has a nonzero imaginary part: all False, as ferrax arrays are real."""
    return _all_false(real_array(x, "iscomplex"))


def iscomplexobj(x):
    """Whether ``x`` has a complex dtype (a NumPy array or Python complex can; an Array cannot)."""
    if x is None:
        return False
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        try:
            return np.dtype(dtype).kind == "c"
        except TypeError:
            pass
    return bool(np.iscomplexobj(x))


def isrealobj(x):
    """``not iscomplexobj(x)``."""
    return not iscomplexobj(x)


def isscalar(element):
    """Whether ``element`` is a scalar: a Python or NumPy scalar, or an array with no dimensions.

    As in JAX, and unlike NumPy, zero-dimensional arrays count, so the answer does not change
    under ``jit``; lists, tuples and None are not scalars. The answer is a Python bool.
    """
    if np.isscalar(element):
        return True
    if isinstance(element, (np.ndarray, _ferrax.Array)):
        return element.ndim == 0
    if hasattr(element, "__jax_array__"):
        return np.ndim(element.__jax_array__()) == 0
    return False


def signbit(x, /):
    """Whether the sign bit of each element is set: true for ``-0.0`` and negative NaNs too.

    Integers give ``x < 0`` and bools False.
    """
    x = real_array(x, "signbit")
    kind = x.dtype.kind
    if kind == "b":
        return _all_false(x)
    if kind != "f":
        return _ferrax.lt(x, 0)
    bits = _ferrax.bitcast_convert_type(x, FLOAT_LAYOUT[x.dtype.name][0])
    return _ferrax.lt(bits, 0)


def conjugate(x, /):
    """The complex conjugate: ``x`` itself, as ferrax arrays are real."""
    return real_array(x, "conjugate")


conj = conjugate


def real(val, /):
    """The real part: ``val`` itself, as ferrax arrays are real."""
    return real_array(val, "real")


def imag(val, /):
    """The imaginary part: zeros of ``val``'s shape and dtype."""
    return zeros_like(real_array(val, "imag"))


def angle(z, deg=False):
    """The argument of each element: 0 for ``z >= 0`` and pi for negative ``z`` (and ``-0.0``).

    Integers, bools and zero-dimensional floats give the default float dtype, as in JAX; with
    ``deg`` the angle is in degrees.
    """
    z = inexact(real_array(z, "angle"))
    if z.ndim == 0:
        z = _ferrax.convert_element_type(z, _ferrax.result_type(1.0))
    out = _ferrax.atan2(zeros_like(z), z)
    return _ferrax.mul(out, 180 / math.pi) if deg else out

"""Elementwise math of ``ferrax.numpy``: NumPy's names over ``_ferrax``'s elementwise functions.

Dtype promotion and broadcasting happen in Rust. The few functions written out here only
dispatch on the operand's dtype where JAX does (``floor`` of an integer is the integer itself).
"""

from .. import _ferrax
from .._util import as_array
from ..errors import FerraxNotImplementedError, FerraxTypeError
from ._dtypes import default_float

__all__ = [
    "abs",
    "absolute",
    "add",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "around",
    "bitwise_and",
    "bitwise_not",
    "bitwise_or",
    "bitwise_xor",
    "ceil",
    "cos",
    "cosh",
    "divide",
    "equal",
    "exp",
    "exp2",
    "expm1",
    "fix",
    "floor",
    "floor_divide",
    "fmod",
    "greater",
    "greater_equal",
    "invert",
    "isfinite",
    "isinf",
    "isnan",
    "left_shift",
    "less",
    "less_equal",
    "log",
    "log1p",
    "log2",
    "log10",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "nextafter",
    "not_equal",
    "positive",
    "power",
    "reciprocal",
    "remainder",
    "right_shift",
    "rint",
    "round",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "subtract",
    "tan",
    "tanh",
    "true_divide",
    "trunc",
]

add = _ferrax.add
subtract = _ferrax.sub
multiply = _ferrax.mul
divide = _ferrax.true_divide
true_divide = _ferrax.true_divide
floor_divide = _ferrax.floor_divide
mod = _ferrax.remainder
remainder = _ferrax.remainder
fmod = _ferrax.rem
power = _ferrax.pow
negative = _ferrax.neg
sign = _ferrax.sign
exp = _ferrax.exp
exp2 = _ferrax.exp2
log = _ferrax.log
log1p = _ferrax.log1p
expm1 = _ferrax.expm1
sqrt = _ferrax.sqrt
sin = _ferrax.sin
cos = _ferrax.cos
tan = _ferrax.tan
tanh = _ferrax.tanh
arcsin = _ferrax.asin
arccos = _ferrax.acos
arctan = _ferrax.atan
arctan2 = _ferrax.atan2
sinh = _ferrax.sinh
cosh = _ferrax.cosh
arcsinh = _ferrax.asinh
arccosh = _ferrax.acosh
arctanh = _ferrax.atanh
maximum = _ferrax.max
minimum = _ferrax.min
nextafter = _ferrax.nextafter
equal = _ferrax.eq
not_equal = _ferrax.ne
less = _ferrax.lt
less_equal = _ferrax.le
greater = _ferrax.gt
greater_equal = _ferrax.ge
bitwise_and = _ferrax.and_
bitwise_or = _ferrax.or_
bitwise_xor = _ferrax.xor
invert = _ferrax.not_
bitwise_not = _ferrax.not_
left_shift = _ferrax.shift_left


def _is_float(x):
    return x.dtype.kind == "f"


def positive(x, /):
    """``+x``: the array itself (bool is rejected, as in NumPy)."""
    x = as_array(x)
    if x.dtype.kind == "b":
        raise FerraxTypeError("positive: operand of dtype bool is not supported")
    return x


def absolute(x, /):
    """``|x|``; bools and unsigned integers are returned unchanged."""
    x = as_array(x)
    if x.dtype.kind in "bu":
        return x
    return _ferrax.abs(x)


abs = absolute


def floor(x, /):
    """Largest integer not above ``x``; integer and bool arrays are returned unchanged."""
    x = as_array(x)
    return _ferrax.floor(x) if _is_float(x) else x


def ceil(x, /):
    """Smallest integer not below ``x``; integer and bool arrays are returned unchanged."""
    x = as_array(x)
    return _ferrax.ceil(x) if _is_float(x) else x


def trunc(x, /):
    """``x`` rounded toward zero; integer and bool arrays are returned unchanged."""
    x = as_array(x)
    if not _is_float(x):
        return x
    return _ferrax.where(_ferrax.lt(x, 0), _ferrax.ceil(x), _ferrax.floor(x))


fix = trunc


def round(a, decimals=0, out=None):
    """Rounds half to even at ``decimals`` decimal places; integers are returned unchanged."""
    if out is not None:
        raise FerraxNotImplementedError("round: the out argument is not supported")
    a = as_array(a)
    if not _is_float(a):
        if decimals < 0:
            raise FerraxNotImplementedError("round: integers with decimals < 0 are not supported")
        return a
    if decimals == 0:
        return _ferrax.round(a, 1)
    factor = 10.0**decimals
    return _ferrax.true_divide(_ferrax.round(_ferrax.mul(a, factor), 1), factor)


around = round


def rint(x, /):
    """Rounds half to even; integers and bools become the default float dtype."""
    x = as_array(x)
    if not _is_float(x):
        return _ferrax.convert_element_type(x, default_float())
    return _ferrax.round(x, 1)


def square(x, /):
    """``x * x``."""
    return _ferrax.mul(x, x)


def reciprocal(x, /):
    """``1 / x`` (integers promote to the default float)."""
    return _ferrax.true_divide(1, x)


def log2(x, /):
    """Base-2 logarithm, as ``log(x) / log(2)``."""
    x = _ferrax.log(x)
    return _ferrax.true_divide(x, _ferrax.log(_ferrax.full((), 2, x.dtype.name)))


def log10(x, /):
    """Base-10 logarithm, as ``log(x) / log(10)``."""
    x = _ferrax.log(x)
    return _ferrax.true_divide(x, _ferrax.log(_ferrax.full((), 10, x.dtype.name)))


def right_shift(x1, x2, /):
    """``x1 >> x2``: arithmetic for signed integers, logical for unsigned ones."""
    if _ferrax.result_type(x1, x2).startswith("uint"):
        return _ferrax.shift_right_logical(x1, x2)
    return _ferrax.shift_right_arithmetic(x1, x2)


def _to_bool(x):
    x = as_array(x)
    return x if x.dtype.kind == "b" else _ferrax.ne(x, 0)


def logical_and(x1, x2, /):
    """Elementwise ``x1 and x2`` of the truth values."""
    return _ferrax.and_(_to_bool(x1), _to_bool(x2))


def logical_or(x1, x2, /):
    """Elementwise ``x1 or x2`` of the truth values."""
    return _ferrax.or_(_to_bool(x1), _to_bool(x2))


def logical_xor(x1, x2, /):
    """Elementwise ``x1 != x2`` of the truth values."""
    return _ferrax.xor(_to_bool(x1), _to_bool(x2))


def logical_not(x, /):
    """Elementwise ``not x``."""
    return _ferrax.not_(_to_bool(x))


def isfinite(x, /):
    """Neither infinite nor NaN; always true for integers and bools."""
    x = as_array(x)
    if _is_float(x):
        return _ferrax.is_finite(x)
    return _ferrax.full(x.shape, True, "bool")


def isnan(x, /):
    """Whether each element is NaN (``x != x``)."""
    x = as_array(x)
    if _is_float(x):
        return _ferrax.ne(x, x)
    return _ferrax.full(x.shape, False, "bool")


def isinf(x, /):
    """Whether each element is positive or negative infinity."""
    x = as_array(x)
    if _is_float(x):
        return _ferrax.eq(_ferrax.abs(x), float("inf"))
    return _ferrax.full(x.shape, False, "bool")

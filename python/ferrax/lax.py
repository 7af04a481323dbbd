"""``ferrax.lax``: the primitive operations, with ``jax.lax``'s names and argument names.

Each function maps onto one ``_ferrax`` function; the few composite ones (``square``,
``integer_pow``, ``sort_key_val``, the ``*_in_dim`` helpers) only compose those. Unlike JAX's
lax, binary functions here promote dtypes and broadcast shapes the way ``ferrax.numpy`` does.
"""

import enum

from . import _ferrax
from ._control import cond, fori_loop, map, scan, select, switch, while_loop  # noqa: F401
from ._util import as_array, dtype_name, int_tuple, repeated_product, shape_tuple
from .errors import FerraxTypeError, FerraxValueError
from .tree_util import tree_map

# --- elementwise: one name per _ferrax function -------------------------------------------
add = _ferrax.add
sub = _ferrax.sub
mul = _ferrax.mul
div = _ferrax.div
rem = _ferrax.rem
pow = _ferrax.pow
max = _ferrax.max
min = _ferrax.min
atan2 = _ferrax.atan2
eq = _ferrax.eq
ne = _ferrax.ne
lt = _ferrax.lt
le = _ferrax.le
gt = _ferrax.gt
ge = _ferrax.ge
and_ = _ferrax.and_
or_ = _ferrax.or_
xor = _ferrax.xor
not_ = _ferrax.not_
shift_left = _ferrax.shift_left
shift_right_logical = _ferrax.shift_right_logical
shift_right_arithmetic = _ferrax.shift_right_arithmetic

neg = _ferrax.neg
sign = _ferrax.sign
floor = _ferrax.floor
ceil = _ferrax.ceil
abs = _ferrax.abs
exp = _ferrax.exp
exp2 = _ferrax.exp2
log = _ferrax.log
log1p = _ferrax.log1p
expm1 = _ferrax.expm1
sqrt = _ferrax.sqrt
rsqrt = _ferrax.rsqrt
sin = _ferrax.sin
cos = _ferrax.cos
tan = _ferrax.tan
tanh = _ferrax.tanh
asin = _ferrax.asin
acos = _ferrax.acos
atan = _ferrax.atan
sinh = _ferrax.sinh
cosh = _ferrax.cosh
asinh = _ferrax.asinh
acosh = _ferrax.acosh
atanh = _ferrax.atanh
logistic = _ferrax.logistic
erf = _ferrax.erf
erf_inv = _ferrax.erf_inv
is_finite = _ferrax.is_finite


class RoundingMethod(enum.IntEnum):
    """How ``round`` breaks ties: away from zero (lax's default) or to the nearest even."""

    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def nextafter(x1, x2):
    """The next representable float after ``x1`` in the direction of ``x2``."""
    return _ferrax.nextafter(x1, x2)


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):
    """Rounds to the nearest integer; ties per ``rounding_method``."""
    method = int(RoundingMethod(rounding_method))
    return _ferrax.round(x, method)


def square(x):
    """``x * x``."""
    return _ferrax.mul(x, x)


def reciprocal(x):
    """``1 / x``."""
    return _ferrax.true_divide(1, x)


def integer_pow(x, y):
    """``x ** y`` for a Python int ``y``, by repeated squaring (negative ``y``: reciprocal)."""
    if not isinstance(y, int) or isinstance(y, bool):
        raise FerraxTypeError(f"integer_pow: y must be a Python int, got {y!r}")
    x = as_array(x)
    if y < 0 and x.dtype.kind != "f":
        raise FerraxTypeError(
            f"integer_pow: integers cannot be raised to negative powers, got {x.dtype.name} "
            f"and y={y}"
        )
    if y == 0:
        return _ferrax.full(x.shape, 1, x.dtype.name)
    acc = repeated_product(x, y if y > 0 else -y, _ferrax.mul)
    return acc if y > 0 else _ferrax.div(_ferrax.full((), 1, x.dtype.name), acc)


# --- selection and conversion -------------------------------------------------------------
def select_n(which, *cases):
    """``cases[which]`` elementwise; ``which`` is bool (two cases) or int32."""
    return _ferrax.select_n(which, *cases)


def clamp(min, x, max):
    """``x`` clipped to ``[min, max]`` elementwise."""
    return _ferrax.clamp(min, x, max)


def bitcast_convert_type(operand, new_dtype):
    """The bits of each element read as ``new_dtype`` (same width: float32 <-> (u)int32)."""
    return _ferrax.bitcast_convert_type(operand, dtype_name(new_dtype, "bitcast_convert_type"))


def convert_element_type(operand, new_dtype):
    """``operand`` converted to ``new_dtype`` (float to int truncates toward zero)."""
    return _ferrax.convert_element_type(operand, dtype_name(new_dtype, "convert_element_type"))


# --- creation -----------------------------------------------------------------------------
def iota(dtype, size):
    """``[0, 1, ..., size - 1]`` of ``dtype``."""
    return _ferrax.iota(dtype_name(dtype, "iota"), size)


def broadcasted_iota(dtype, shape, dimension):
    """An array of ``shape`` whose values count along ``dimension``."""
    return _ferrax.broadcasted_iota(
        dtype_name(dtype, "broadcasted_iota"),
        shape_tuple(shape, "broadcasted_iota"),
        dimension,
    )


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with the scalar ``fill_value``."""
    return _ferrax.full(shape_tuple(shape, "full"), fill_value, dtype_name(dtype, "full"))


def full_like(x, fill_value, dtype=None, shape=None):
    """An array like ``x`` (its shape and dtype unless given) filled with ``fill_value``."""
    x = as_array(x)
    shape = x.shape if shape is None else shape_tuple(shape, "full_like")
    name = x.dtype.name if dtype is None else dtype_name(dtype, "full_like")
    return _ferrax.full(shape, fill_value, name)


# --- shapes -------------------------------------------------------------------------------
def broadcast_in_dim(operand, shape, broadcast_dimensions):
    """``operand`` broadcast to ``shape``; its dimension i becomes ``broadcast_dimensions[i]``."""
    return _ferrax.broadcast_in_dim(
        operand,
        shape_tuple(shape, "broadcast_in_dim"),
        int_tuple(broadcast_dimensions, "broadcast_in_dim", "broadcast_dimensions"),
    )


def broadcast(operand, sizes):
    """``operand`` with new leading dimensions of ``sizes``."""
    operand = as_array(operand)
    sizes = shape_tuple(sizes, "broadcast")
    dims = tuple(range(len(sizes), len(sizes) + operand.ndim))
    return _ferrax.broadcast_in_dim(operand, sizes + tuple(operand.shape), dims)


def reshape(operand, new_sizes, dimensions=None):
    """``operand`` (transposed by ``dimensions`` first, if given) reshaped to ``new_sizes``."""
    if dimensions is not None:
        operand = _ferrax.transpose(operand, int_tuple(dimensions, "reshape"))
    return _ferrax.reshape(operand, int_tuple(new_sizes, "reshape", "new_sizes"))


def transpose(operand, permutation):
    """``operand`` with its dimensions permuted."""
    return _ferrax.transpose(operand, int_tuple(permutation, "transpose", "permutation"))


def squeeze(array, dimensions):
    """``array`` without the size-1 ``dimensions``."""
    return _ferrax.squeeze(array, int_tuple(dimensions, "squeeze"))


def expand_dims(array, dimensions):
    """``array`` with size-1 dimensions inserted at ``dimensions`` (positions in the output)."""
    return _ferrax.expand_dims(array, int_tuple(dimensions, "expand_dims"))


def rev(operand, dimensions):
    """``operand`` reversed along ``dimensions``."""
    return _ferrax.rev(operand, int_tuple(dimensions, "rev"))


def concatenate(operands, dimension):
    """The ``operands`` joined along ``dimension``."""
    return _ferrax.concatenate(list(operands), dimension)


def pad(operand, padding_value, padding_config):
    """``operand`` padded per dimension by ``(low, high, interior)``; low/high may be negative."""
    config = [int_tuple(c, "pad", "padding_config entries") for c in padding_config]
    for c in config:
        if len(c) != 3:
            raise FerraxValueError(
                f"pad: each padding_config entry must be (low, high, interior), got {c}"
            )
    return _ferrax.pad(operand, padding_value, config)


def slice(operand, start_indices, limit_indices, strides=None):
    """The static slice ``operand[start:limit:stride]`` per dimension."""
    return _ferrax.slice(
        operand,
        int_tuple(start_indices, "slice", "start_indices"),
        int_tuple(limit_indices, "slice", "limit_indices"),
        int_tuple(strides, "slice", "strides"),
    )


def slice_in_dim(operand, start_index, limit_index, stride=1, axis=0):
    """``slice`` along one ``axis``; None bounds mean the whole axis, negatives count from the end."""
    operand = as_array(operand)
    ndim = operand.ndim
    axis = axis + ndim if axis < 0 else axis
    if not 0 <= axis < ndim:
        raise FerraxValueError(f"slice_in_dim: axis {axis} out of range for rank {ndim}")
    size = operand.shape[axis]
    start = 0 if start_index is None else start_index
    limit = size if limit_index is None else limit_index
    start = start + size if start < 0 else start
    limit = limit + size if limit < 0 else limit
    starts = [0] * ndim
    limits = list(operand.shape)
    strides = [1] * ndim
    starts[axis], limits[axis], strides[axis] = start, limit, stride
    return _ferrax.slice(operand, starts, limits, strides)


def dynamic_slice(operand, start_indices, slice_sizes):
    """A ``slice_sizes`` window at ``start_indices`` (clamped so that the window fits)."""
    return _ferrax.dynamic_slice(
        operand, list(start_indices), int_tuple(slice_sizes, "dynamic_slice", "slice_sizes")
    )


def dynamic_update_slice(operand, update, start_indices):
    """``operand`` with ``update`` written at ``start_indices`` (clamped so that it fits)."""
    return _ferrax.dynamic_update_slice(operand, update, list(start_indices))


def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0):
    """``dynamic_slice`` along one ``axis``."""
    operand = as_array(operand)
    starts = [0] * operand.ndim
    sizes = list(operand.shape)
    starts[axis], sizes[axis] = start_index, slice_size
    return _ferrax.dynamic_slice(operand, starts, sizes)


def dynamic_update_slice_in_dim(operand, update, start_index, axis):
    """``dynamic_update_slice`` along one ``axis``."""
    operand = as_array(operand)
    starts = [0] * operand.ndim
    starts[axis] = start_index
    return _ferrax.dynamic_update_slice(operand, update, starts)


# --- reductions and scans -----------------------------------------------------------------
def reduce_sum(operand, axes):
    """Sum over ``axes``."""
    return _ferrax.reduce_sum(operand, int_tuple(axes, "reduce_sum", "axes"))


def reduce_prod(operand, axes):
    """Product over ``axes``."""
    return _ferrax.reduce_prod(operand, int_tuple(axes, "reduce_prod", "axes"))


def reduce_max(operand, axes):
    """Maximum over ``axes`` (NaN-propagating)."""
    return _ferrax.reduce_max(operand, int_tuple(axes, "reduce_max", "axes"))


def reduce_min(operand, axes):
    """Minimum over ``axes`` (NaN-propagating)."""
    return _ferrax.reduce_min(operand, int_tuple(axes, "reduce_min", "axes"))


def reduce_and(operand, axes):
    """Logical/bitwise and over ``axes``."""
    return _ferrax.reduce_and(operand, int_tuple(axes, "reduce_and", "axes"))


def reduce_or(operand, axes):
    """Logical/bitwise or over ``axes``."""
    return _ferrax.reduce_or(operand, int_tuple(axes, "reduce_or", "axes"))


def _arg_reduce(fn, name, operand, axis, index_dtype):
    if axis is None:
        raise FerraxTypeError(f"{name}: axis must be an int, got None")
    out = fn(operand, axis)
    index_name = dtype_name(index_dtype, name)
    if out.dtype.name != index_name:
        out = _ferrax.convert_element_type(out, index_name)
    return out


def argmax(operand, axis, index_dtype):
    """Index of the largest value along ``axis`` (first NaN wins), as ``index_dtype``."""
    return _arg_reduce(_ferrax.argmax, "argmax", operand, axis, index_dtype)


def argmin(operand, axis, index_dtype):
    """Index of the smallest value along ``axis`` (first NaN wins), as ``index_dtype``."""
    return _arg_reduce(_ferrax.argmin, "argmin", operand, axis, index_dtype)


def cumsum(operand, axis=0, reverse=False):
    """Running sum along ``axis`` (from the end if ``reverse``)."""
    return _ferrax.cumsum(operand, axis, reverse)


def cumprod(operand, axis=0, reverse=False):
    """Running product along ``axis``."""
    return _ferrax.cumprod(operand, axis, reverse)


def cummax(operand, axis=0, reverse=False):
    """Running maximum along ``axis``."""
    return _ferrax.cummax(operand, axis, reverse)


def cummin(operand, axis=0, reverse=False):
    """Running minimum along ``axis``."""
    return _ferrax.cummin(operand, axis, reverse)


def sort(operand, dimension=-1, is_stable=True, num_keys=1):
    """Sorts along ``dimension``, NaNs last.

    ``operand`` is an Array (an Array comes back) or a sequence of same-shape Arrays (a tuple
    comes back, all permuted by the lexicographic order of the first ``num_keys``).
    """
    if isinstance(operand, (tuple, list)):
        return tuple(_ferrax.sort(list(operand), dimension, is_stable, num_keys))
    if num_keys != 1:
        raise FerraxValueError(f"sort: num_keys={num_keys} needs as many operands, got one")
    return _ferrax.sort([operand], dimension, is_stable, 1)[0]


def sort_key_val(keys, values, dimension=-1, is_stable=True):
    """``values`` permuted by the sort of ``keys``; returns ``(sorted_keys, sorted_values)``."""
    return tuple(_ferrax.sort([keys, values], dimension, is_stable, 1))


# --- linear algebra -----------------------------------------------------------------------
def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    """Tensor contraction: ``((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``.

    The output holds the batch dimensions, then lhs's free ones, then rhs's. ``precision`` is
    accepted for compatibility and ignored (ferrax always computes at full precision).
    """
    del precision
    try:
        (lc, rc), (lb, rb) = dimension_numbers
    except (TypeError, ValueError):
        raise FerraxTypeError(
            "dot_general: dimension_numbers must be ((lhs_contract, rhs_contract), "
            f"(lhs_batch, rhs_batch)), got {dimension_numbers!r}"
        ) from None
    dims = (
        (int_tuple(lc, "dot_general"), int_tuple(rc, "dot_general")),
        (int_tuple(lb, "dot_general"), int_tuple(rb, "dot_general")),
    )
    return _ferrax.dot_general(lhs, rhs, dims, dtype_name(preferred_element_type, "dot_general"))


def dot(lhs, rhs, precision=None, preferred_element_type=None):
    """Contracts the last dimension of ``lhs`` with the first of ``rhs``."""
    lhs = as_array(lhs)
    return dot_general(
        lhs, rhs, (((lhs.ndim - 1,), (0,)), ((), ())), precision, preferred_element_type
    )


def stop_gradient(x):
    """The identity on every array in the pytree ``x``, with a zero derivative."""
    return tree_map(_ferrax.stop_gradient, x)

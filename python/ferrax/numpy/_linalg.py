"""Products and matrices of ``ferrax.numpy``: matmul, dot, vdot, inner, outer, tensordot,
kron, cross; diagonal and trace; building matrices (tri, tril, triu, diag, diagflat,
fill_diagonal).

Diagonals are read with strided slices and written with selects and interior padding, never
a gather or scatter, so everything here differentiates and batches like its parts.
"""

import math
import operator

import numpy as np

from .. import _ferrax
from .._util import as_array, dtype_name, int_tuple
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from ._common import move_to_end, norm_axis, slice_axis, static_int, static_take, zeros_of
from ._dtypes import default_float

__all__ = [
    "cross",
    "diag",
    "diagflat",
    "diagonal",
    "dot",
    "fill_diagonal",
    "inner",
    "kron",
    "matmul",
    "outer",
    "tensordot",
    "trace",
    "tri",
    "tril",
    "triu",
    "vdot",
]


def _prefer(a, b, preferred_element_type, op):
    """Both operands converted to ``preferred_element_type`` when one is given.

    Every ferrax dtype is at least 32 bits wide, so converting first equals accumulating in the
    preferred type.
    """
    name = dtype_name(preferred_element_type, op)
    if name is None:
        return a, b
    return _ferrax.convert_element_type(a, name), _ferrax.convert_element_type(b, name)


def matmul(a, b, *, precision=None, preferred_element_type=None):
    """Matrix product with NumPy's rules: 1-D operands promoted, batch dimensions broadcast."""
    del precision
    a, b = _prefer(a, b, preferred_element_type, "matmul")
    return _ferrax.matmul(a, b)


def dot(a, b, *, precision=None, preferred_element_type=None):
    """NumPy's dot: contracts the last axis of ``a`` with the second-to-last of ``b``."""
    del precision
    a, b = _prefer(a, b, preferred_element_type, "dot")
    return _ferrax.dot(a, b)


def vdot(a, b, *, precision=None, preferred_element_type=None):
    """Dot product of the flattened operands (real dtypes only, so no conjugation)."""
    del precision
    a, b = _prefer(a, b, preferred_element_type, "vdot")
    return _ferrax.dot(_ferrax.reshape(a, (-1,)), _ferrax.reshape(b, (-1,)))


def inner(a, b, *, precision=None, preferred_element_type=None):
    """Contracts the last axes of ``a`` and ``b``; a scalar operand multiplies."""
    del precision
    a, b = _prefer(as_array(a), as_array(b), preferred_element_type, "inner")
    if a.ndim == 0 or b.ndim == 0:
        return _ferrax.mul(a, b)
    dims = (((a.ndim - 1,), (b.ndim - 1,)), ((), ()))
    return _ferrax.dot_general(a, b, dims, None)


def outer(a, b, out=None):
    """``a.ravel()[:, None] * b.ravel()[None, :]``."""
    if out is not None:
        raise FerraxNotImplementedError("outer: the out argument is not supported")
    a = _ferrax.reshape(a, (-1, 1))
    b = _ferrax.reshape(b, (1, -1))
    return _ferrax.mul(a, b)


def tensordot(a, b, axes=2, *, precision=None, preferred_element_type=None):
    """Contracts ``axes`` of ``a`` with ``axes`` of ``b``: an int N (last N of ``a`` with first
    N of ``b``) or a pair of axis sequences."""
    del precision
    a, b = _prefer(as_array(a), as_array(b), preferred_element_type, "tensordot")
    try:
        n = operator.index(axes)
    except TypeError:
        try:
            a_axes, b_axes = axes
        except (TypeError, ValueError):
            raise FerraxTypeError(
                f"tensordot: axes must be an int or a pair of sequences, got {axes!r}"
            ) from None
        a_axes = int_tuple(a_axes, "tensordot", "axes")
        b_axes = int_tuple(b_axes, "tensordot", "axes")
    else:
        if n < 0:
            raise FerraxTypeError(f"tensordot: axes must be non-negative, got {n}")
        a_axes = tuple(range(a.ndim - n, a.ndim))
        b_axes = tuple(range(n))
    return _ferrax.dot_general(a, b, ((a_axes, b_axes), ((), ())), None)


def _diagonal(a, offset, axis1, axis2, op):
    a = as_array(a)
    if a.ndim < 2:
        raise FerraxValueError(
            f"{op}: the input must have at least 2 dimensions, got shape {tuple(a.shape)}"
        )
    i, j = norm_axis(axis1, a.ndim, op), norm_axis(axis2, a.ndim, op)
    if i == j:
        raise FerraxValueError(f"{op}: axis1 and axis2 cannot be the same (both {i})")
    k = static_int(offset, op, "offset")
    a = move_to_end(a, (i, j))
    *rest, n, m = a.shape
    length = max(0, min(n, m - k) if k >= 0 else min(n + k, m))
    flat = _ferrax.reshape(a, (*rest, n * m))
    if length == 0:
        return slice_axis(flat, len(rest), 0, 0)
    # Entry (r, r + k) of a row-major n x m matrix sits at r * (m + 1) + k.
    start = k if k >= 0 else -k * m
    return slice_axis(flat, len(rest), start, start + (length - 1) * (m + 1) + 1, m + 1)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The ``offset``-th diagonal of the matrices spanned by ``axis1`` and ``axis2``.

    Those two axes are removed and the diagonal becomes the last axis, as in NumPy. It is
    read as one strided slice of the flattened matrices, so it differentiates and batches
    like a slice.
    """
    return _diagonal(a, offset, axis1, axis2, "diagonal")


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum of the ``offset``-th diagonal over ``axis1`` and ``axis2`` (see ``diagonal``);
    bools sum as the default integer."""
    if out is not None:
        raise FerraxNotImplementedError("trace: the out argument is not supported")
    d = _diagonal(a, offset, axis1, axis2, "trace")
    name = dtype_name(dtype, "trace")
    if name is not None:
        d = _ferrax.convert_element_type(d, _ferrax.result_type(name))
    return _ferrax.sum(d, d.ndim - 1, False)


def kron(a, b):
    """Kronecker product: blocks ``a[i, j, ...] * b`` laid out on ``a``'s grid.

    The operand with fewer dimensions gets leading size-1 axes first, as in NumPy.
    """
    a, b = as_array(a), as_array(b)
    ndim = max(a.ndim, b.ndim)
    a_shape = (1,) * (ndim - a.ndim) + tuple(a.shape)
    b_shape = (1,) * (ndim - b.ndim) + tuple(b.shape)
    # a[i0, 1, i1, 1, ...] * b[1, j0, 1, j1, ...] then merge each (i, j) pair.
    a = _ferrax.reshape(a, [d for s in a_shape for d in (s, 1)])
    b = _ferrax.reshape(b, [d for s in b_shape for d in (1, s)])
    return _ferrax.reshape(_ferrax.mul(a, b), [p * q for p, q in zip(a_shape, b_shape)])


def _component(v, k):
    """Component ``k`` of the vectors along the last axis of ``v`` (None past its length)."""
    if k >= v.shape[-1]:
        return None
    return _ferrax.squeeze(slice_axis(v, v.ndim - 1, k, k + 1), (v.ndim - 1,))


def _product_difference(p, q, r, s):
    """``p * q - r * s`` where a None factor stands for zero (at least one product is real)."""
    left = None if p is None or q is None else _ferrax.mul(p, q)
    right = None if r is None or s is None else _ferrax.mul(r, s)
    if right is None:
        return left
    return _ferrax.neg(right) if left is None else _ferrax.sub(left, right)


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along ``axisa`` of ``a`` and ``axisb`` of ``b``
    (all three axes are ``axis`` if it is given), broadcast over the other axes.

    Two 2-vectors give the scalar z component; otherwise a missing z is taken as zero and
    the 3-vectors of the result lie along ``axisc``.
    """
    a, b = as_array(a), as_array(b)
    if axis is not None:
        axisa = axisb = axisc = axis
    for name, v in (("a", a), ("b", b)):
        if v.ndim == 0:
            raise FerraxValueError(f"cross: {name} must have at least one dimension")
    a = move_to_end(a, (norm_axis(axisa, a.ndim, "cross"),))
    b = move_to_end(b, (norm_axis(axisb, b.ndim, "cross"),))
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise FerraxValueError(
            f"cross: incompatible vector dimensions {a.shape[-1]} and {b.shape[-1]} "
            "(each must be 2 or 3)"
        )
    a0, a1, a2 = (_component(a, k) for k in range(3))
    b0, b1, b2 = (_component(b, k) for k in range(3))
    z = _product_difference(a0, b1, a1, b0)
    if a2 is None and b2 is None:
        return z
    x = _product_difference(a1, b2, a2, b1)
    y = _product_difference(a2, b0, a0, b2)
    c = _ferrax.concatenate([_ferrax.expand_dims(v, (v.ndim,)) for v in (x, y, z)], z.ndim)
    axisc = norm_axis(axisc, c.ndim, "cross")
    perm = list(range(c.ndim - 1))
    perm.insert(axisc, c.ndim - 1)
    return _ferrax.transpose(c, perm)


# --- building matrices ---------------------------------------------------------------------


def _lower_mask(n, m, k):
    """Bool ``(n, m)`` mask of the entries on and below diagonal ``k``."""
    k = max(-n, min(m, k))  # beyond the matrix all diagonals are alike (and int32 suffices)
    rows = _ferrax.broadcasted_iota("int32", (n, m), 0)
    cols = _ferrax.broadcasted_iota("int32", (n, m), 1)
    return _ferrax.ge(_ferrax.add(rows, k), cols)


def _matrix_size(value, op, what):
    value = static_int(value, op, what)
    if value < 0:
        raise FerraxValueError(f"{op}: {what} must be non-negative, got {value}")
    return value


def tri(N, M=None, k=0, dtype=None):
    """An ``N`` by ``M`` matrix with ones on and below diagonal ``k`` and zeros above
    (default float dtype)."""
    n = _matrix_size(N, "tri", "N")
    m = n if M is None else _matrix_size(M, "tri", "M")
    k = static_int(k, "tri", "k")
    name = dtype_name(dtype, "tri") or default_float()
    return _ferrax.convert_element_type(_lower_mask(n, m, k), name)


def _triangle(m, k, op, lower):
    m = as_array(m)
    if m.ndim < 2:
        raise FerraxValueError(
            f"{op}: the input must have at least 2 dimensions, got shape {tuple(m.shape)}"
        )
    k = static_int(k, op, "k")
    n, cols = m.shape[-2:]
    keep = _lower_mask(n, cols, k) if lower else _ferrax.not_(_lower_mask(n, cols, k - 1))
    return _ferrax.where(keep, m, zeros_of(m))


def tril(m, k=0):
    """``m`` with the entries above diagonal ``k`` of its last two axes set to zero."""
    return _triangle(m, k, "tril", True)


def triu(m, k=0):
    """``m`` with the entries below diagonal ``k`` of its last two axes set to zero."""
    return _triangle(m, k, "triu", False)


def diag(v, k=0):
    """The ``k``-th diagonal of a 2-D ``v``, or a square matrix with the 1-D ``v`` on its
    ``k``-th diagonal and zeros elsewhere."""
    v = as_array(v)
    k = static_int(k, "diag", "k")
    if v.ndim == 2:
        return _diagonal(v, k, 0, 1, "diag")
    if v.ndim != 1:
        raise FerraxValueError(f"diag: the input must be 1-D or 2-D, got shape {tuple(v.shape)}")
    n = v.shape[0] + abs(k)
    # Row i holds v[i] (k >= 0) or column j holds v[j] (k < 0), padded to n.
    padded = _ferrax.pad(v, zeros_of(v), [(0, abs(k), 0)])
    spread = _ferrax.broadcast_in_dim(padded, (n, n), (0,) if k >= 0 else (1,))
    on_diagonal = _ferrax.eq(
        _ferrax.add(_ferrax.broadcasted_iota("int32", (n, n), 0), k),
        _ferrax.broadcasted_iota("int32", (n, n), 1),
    )
    return _ferrax.where(on_diagonal, spread, zeros_of(v))


def diagflat(v, k=0):
    """A square matrix with the flattened ``v`` on its ``k``-th diagonal."""
    return diag(_ferrax.reshape(as_array(v), (-1,)), k)


def _diagonal_positions(shape, wrap):
    """``(step, count)``: the flat positions ``0, step, ..., (count - 1) * step`` of the
    diagonal that NumPy's ``fill_diagonal`` writes."""
    if len(shape) == 2:
        n, m = shape
        step = m + 1
        end = n * m if wrap else min(n * m, m * m)
    else:
        strides = np.cumprod((1,) + tuple(shape[:0:-1]))
        step = int(np.sum(strides))
        end = math.prod(shape)
    return step, len(range(0, end, step))


def fill_diagonal(a, val, wrap=False, *, inplace=True):
    """A copy of ``a`` with its main diagonal (``a[i, i, ..., i]``) set to ``val``.

    Arrays are immutable, so ``inplace=False`` is required, as in JAX. ``val`` is flattened
    and repeated along the diagonal, as NumPy does; ``wrap`` continues the diagonal of a
    tall matrix below its first square block.
    """
    if inplace:
        raise FerraxNotImplementedError(
            "fill_diagonal: arrays are immutable, so inplace=False is required"
        )
    a = as_array(a)
    if a.ndim < 2:
        raise FerraxValueError(
            f"fill_diagonal: the array must have at least 2 dimensions, got shape {tuple(a.shape)}"
        )
    if a.ndim > 2 and len(set(a.shape)) != 1:
        raise FerraxValueError(
            f"fill_diagonal: all dimensions must have equal length, got shape {tuple(a.shape)}"
        )
    val = _ferrax.convert_element_type(_ferrax.reshape(as_array(val), (-1,)), a.dtype.name)
    if val.shape[0] == 0:
        raise FerraxValueError("fill_diagonal: val must not be empty")
    step, count = _diagonal_positions(tuple(a.shape), wrap)
    if count == 0:
        return a
    values = static_take(val, [j % val.shape[0] for j in range(count)], 0)
    # Interior padding puts value j at flat position j * step.
    size = math.prod(a.shape)
    placed = _ferrax.pad(values, zeros_of(a), [(0, size - (count - 1) * step - 1, step - 1)])
    mask = np.zeros(size, bool)
    mask[: (count - 1) * step + 1 : step] = True
    shape = tuple(a.shape)
    return _ferrax.where(_ferrax.asarray(mask.reshape(shape)), _ferrax.reshape(placed, shape), a)

"""Products of ``ferrax.numpy``: matmul, dot, vdot, inner, outer, tensordot."""

import operator

from .. import _ferrax
from .._util import as_array, dtype_name, int_tuple
from ..errors import FerraxNotImplementedError, FerraxTypeError

__all__ = ["dot", "inner", "matmul", "outer", "tensordot", "vdot"]


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

"""The fused multiply-add (``a * b + c`` rounded once) of the XLA-style elementary functions in
``_random_math``, and Horner's rule built on it.

XLA's CPU code contracts a multiply whose only use is an add into one FMA instruction, so
reproducing its results needs an exactly rounded ``a * b + c``: the ``fma`` primitive, which
the CPU backend runs as the hardware instruction (or libm's ``fma`` where there is none).
"""

import numpy as np

from ._ferrax import fma as _fma_primitive

__all__ = ["fma", "fused", "horner"]


def _like(value, dtype):
    """``value`` as an operand of ``dtype``: arrays pass through, Python numbers become
    0-d NumPy arrays (the primitive takes one float dtype and no weak promotion)."""
    if hasattr(value, "dtype"):
        return value
    return np.array(value, dtype)


def _dtype_of(*xs):
    for x in xs:
        if hasattr(x, "dtype"):
            return np.dtype(x.dtype)
    raise TypeError("fma: no operand has a dtype")


def fma(a, b, c):
    """``a * b + c`` with a single rounding (operands of one float dtype, each a scalar or of
    one shape)."""
    dtype = _dtype_of(a, b, c)
    return _fma_primitive(_like(a, dtype), _like(b, dtype), _like(c, dtype))


def fused(a, b, c, dtype):
    """``a * b + c`` rounded once, with Python numbers taken as ``dtype``."""
    return _fma_primitive(_like(a, dtype), _like(b, dtype), _like(c, dtype))


def horner(x, coefficients, dtype):
    """``c0 * x**n + ... + cn`` by Horner's rule with an FMA per step."""
    p = coefficients[0]
    for c in coefficients[1:]:
        p = fused(p, x, c, dtype)
    return p

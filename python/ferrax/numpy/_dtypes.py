"""Dtype names of ``ferrax.numpy`` and dtype queries; promotion itself is ``_ferrax``'s."""

import numpy as np

from .. import _ferrax
from .._util import dtype_name

__all__ = [
    "bool_",
    "dtype",
    "finfo",
    "float32",
    "float64",
    "floating",
    "iinfo",
    "inexact",
    "int32",
    "int64",
    "integer",
    "issubdtype",
    "number",
    "promote_types",
    "result_type",
    "signedinteger",
    "uint32",
    "unsignedinteger",
]

# For now the scalar types are NumPy's; calling them gives NumPy scalars.
float32 = np.float32
float64 = np.float64
int32 = np.int32
int64 = np.int64
uint32 = np.uint32
bool_ = np.bool_

dtype = np.dtype
finfo = np.finfo
iinfo = np.iinfo
issubdtype = np.issubdtype
number = np.number
integer = np.integer
signedinteger = np.signedinteger
unsignedinteger = np.unsignedinteger
floating = np.floating
inexact = np.inexact


def _is_dtype_like(x):
    return isinstance(x, (str, np.dtype)) or (isinstance(x, type) and x is not _ferrax.Array)


def result_type(*args):
    """JAX's promotion of arrays, scalars (weak) and dtypes; a canonical NumPy dtype."""
    norm = [dtype_name(a, "result_type") if _is_dtype_like(a) else a for a in args]
    return np.dtype(_ferrax.result_type(*norm))


def promote_types(a, b):
    """The dtype both ``a`` and ``b`` promote to (both strong), canonicalized."""
    return np.dtype(
        _ferrax.result_type(dtype_name(a, "promote_types"), dtype_name(b, "promote_types"))
    )


def default_float():
    """Name of the default float dtype: ``float32``, or ``float64`` with x64."""
    return _ferrax.result_type(1.0)


def default_int():
    """Name of the default integer dtype: ``int32``, or ``int64`` with x64."""
    return _ferrax.result_type(1)

"""Argument checks shared by the ``ferrax.nn`` functions: numeric and float arrays, masks."""

import numpy as np

from .._util import as_array
from ..errors import FerraxTypeError, FerraxValueError
from ..numpy._common import inexact

_NUMERIC_KINDS = "biuf"


def numeric_array(name, x):
    """``x`` as a ferrax Array of a numeric dtype; anything else is a FerraxTypeError."""
    try:
        x = as_array(x)
    except FerraxTypeError as err:
        raise FerraxTypeError(f"{name}: expected a numeric array, got {err}") from None
    if x.dtype.kind not in _NUMERIC_KINDS:
        raise FerraxTypeError(f"{name}: expected a numeric array, got dtype {x.dtype.name}")
    return x


def inexact_array(name, x):
    """``x`` as a float Array: bools and integers become the default float dtype."""
    return inexact(numeric_array(name, x))


def where_mask(name, where, shape):
    """The ``where=`` argument as a bool Array that broadcasts against ``shape`` (None stays
    None)."""
    if where is None:
        return None
    where = numeric_array(f"{name} (where)", where)
    if where.dtype.kind != "b":
        raise FerraxTypeError(f"{name}: where must be a boolean array, got dtype {where.dtype}")
    try:
        np.broadcast_shapes(tuple(where.shape), tuple(shape))
    except ValueError:
        raise FerraxValueError(
            f"{name}: where of shape {tuple(where.shape)} does not broadcast against the "
            f"input's shape {tuple(shape)}"
        ) from None
    return where

"""``ferrax.numpy``: a NumPy-compatible API on ferrax Arrays, as ``jax.numpy`` is.

Every function normalizes its arguments and calls the Rust core; dtype promotion (JAX's lattice
with weak types) and broadcasting are decided there.
"""

import math as _math

from .._ferrax import Array
from . import _creation, _dtypes, _elementwise, _linalg, _reductions, _shape
from ._creation import *
from ._dtypes import *
from ._einsum import einsum
from ._elementwise import *
from ._linalg import *
from ._reductions import *
from ._shape import *

ndarray = Array
newaxis = None
pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan

__all__ = ["Array", "e", "einsum", "inf", "nan", "ndarray", "newaxis", "pi"]
__all__ += _creation.__all__
__all__ += _dtypes.__all__
__all__ += _elementwise.__all__
__all__ += _linalg.__all__
__all__ += _reductions.__all__
__all__ += _shape.__all__

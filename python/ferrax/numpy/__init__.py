"""``ferrax.numpy``: a NumPy-compatible API on ferrax Arrays, as ``jax.numpy`` is.

Every function normalizes its arguments and calls the Rust core; dtype promotion (JAX's lattice
with weak types) and broadcasting are decided there.
"""

import math as _math

from .._ferrax import Array
from . import (
    _creation,
    _dtypes,
    _elementwise,
    _linalg,
    _logic,
    _math_extra,
    _reductions,
    _shape,
    _signal,
    _sorting,
    _splitting,
    _stats,
)
from ._creation import *
from ._dtypes import *
from ._einsum import einsum, einsum_path
from ._elementwise import *
from ._linalg import *
from ._logic import *
from ._math_extra import *
from ._reductions import *
from ._shape import *
from ._signal import *
from ._sorting import *
from ._splitting import *
from ._stats import *

ndarray = Array
newaxis = None
pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan

__all__ = ["Array", "e", "einsum", "einsum_path", "inf", "nan", "ndarray", "newaxis", "pi"]
__all__ += _creation.__all__
__all__ += _dtypes.__all__
__all__ += _elementwise.__all__
__all__ += _linalg.__all__
__all__ += _reductions.__all__
__all__ += _shape.__all__
__all__ += _sorting.__all__
__all__ += _splitting.__all__
__all__ += _stats.__all__
__all__ += _logic.__all__
__all__ += _math_extra.__all__
__all__ += _signal.__all__

from .._indexing import take, take_along_axis

__all__ += ["take", "take_along_axis"]

from . import linalg  # noqa: F401  (the jnp.linalg submodule)

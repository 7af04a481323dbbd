"""``ferrax.nn``: activation functions, softmax and friends, and initializers, as ``jax.nn``."""

from . import _activations, _preprocessing, _softmax, initializers
from ._activations import *
from ._preprocessing import *
from ._softmax import *

__all__ = ["initializers"]
__all__ += _activations.__all__
__all__ += _softmax.__all__
__all__ += _preprocessing.__all__

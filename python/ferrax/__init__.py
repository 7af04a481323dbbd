"""ferrax: JAX's programming model with a Rust core.

Use it as JAX is used::

    import ferrax as jax
    import ferrax.numpy as jnp
"""

from . import errors, lax, numpy
from ._api import block_until_ready, device_get, make_jaxpr
from ._ferrax import Array
from .config import config

__version__ = "0.1.0"

__all__ = [
    "Array",
    "__version__",
    "block_until_ready",
    "config",
    "device_get",
    "errors",
    "lax",
    "make_jaxpr",
    "numpy",
]

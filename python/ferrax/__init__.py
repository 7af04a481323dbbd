"""ferrax: JAX's programming model with a Rust core.

Use it as JAX is used::

    import ferrax as jax
    import ferrax.numpy as jnp
"""

from . import errors, lax, nn, numpy, random, tree_util
from ._api import block_until_ready, device_get, make_jaxpr
from ._autodiff import (
    checkpoint,
    grad,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    remat,
    stop_gradient,
    value_and_grad,
    vjp,
)
from ._custom import custom_jvp, custom_vjp
from ._ferrax import Array
from ._jit import ShapeDtypeStruct, eval_shape, jit
from ._vmap import vmap
from .config import config

__version__ = "0.1.0"

__all__ = [
    "Array",
    "ShapeDtypeStruct",
    "__version__",
    "block_until_ready",
    "checkpoint",
    "config",
    "custom_jvp",
    "custom_vjp",
    "device_get",
    "errors",
    "eval_shape",
    "grad",
    "hessian",
    "jacfwd",
    "jacrev",
    "jit",
    "jvp",
    "lax",
    "linearize",
    "make_jaxpr",
    "nn",
    "numpy",
    "random",
    "remat",
    "stop_gradient",
    "tree_util",
    "value_and_grad",
    "vjp",
    "vmap",
]

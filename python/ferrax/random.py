"""``ferrax.random``: JAX's default PRNG (threefry2x32) over ordinary uint32 arrays.

Use it as ``jax.random`` is used::

    from ferrax import random
    key = random.PRNGKey(0)
    k1, k2 = random.split(key)
    x = random.normal(k1, (3,))

Keys are raw ``uint32`` arrays of shape ``(2,)`` (JAX's ``PRNGKey`` format); ``key(seed)``
returns that same raw format, since ferrax has no typed key arrays, and ``key_data`` /
``wrap_key_data`` are identities with checks. Bits follow JAX's default partitionable
threefry scheme (``jax_threefry_partitionable=True``) and every sampler transforms them as
JAX does, so ``random.normal(random.PRNGKey(0), (4,))`` gives JAX's values. All functions
are plain array code and work under ``ferrax.jit`` (shapes static) and ``ferrax.vmap``
(map over a batch of keys from ``split``); samples are differentiable in their float
parameters where JAX's are (``normal(key) * sigma``, uniform and truncated-normal bounds, and
the implicit reparameterization gradient of gamma, beta and dirichlet in their shapes).

Float arithmetic follows XLA's CPU code (``_random_math``: its log, log1p, exp, erf and
erf_inv approximations, with the multiply-adds it fuses), so samplers agree with JAX on CPU
bit for bit; ``gamma``, ``beta`` and ``dirichlet`` may differ in the last bit where XLA uses
the CPU's approximate reciprocal square root, and ``multivariate_normal`` and ``orthogonal``
where its matrix kernels sum in another order.

Differences from JAX: ferrax has no uint8/16/64 dtypes, so ``bits`` returns uint32 only
(with x64 enabled, where JAX defaults to uint64, ``dtype=jnp.uint32`` must be passed); 64-bit
draws are built from int64 bit patterns. Typed key arrays, other PRNG implementations and
``out_sharding`` are not supported.
"""

import functools

import numpy as np

from . import _ferrax, _threefry, lax
from ._jit import jit
from ._random_base import key_arg, no_sharding, shape_arg
from ._random_continuous import (
    exponential,
    gumbel,
    laplace,
    logistic,
    normal,
    truncated_normal,
    uniform,
)
from ._random_discrete import bernoulli, categorical, choice, permutation, randint, shuffle
from ._random_gamma import beta, dirichlet, gamma, loggamma
from ._random_linalg import multivariate_normal, orthogonal
from ._threefry import threefry_2x32
from ._util import as_array, dtype_name, is_array
from .errors import (
    FerraxNotImplementedError,
    FerraxOverflowError,
    FerraxTypeError,
    FerraxValueError,
)

__all__ = [
    "PRNGKey",
    "bernoulli",
    "beta",
    "bits",
    "categorical",
    "choice",
    "clone",
    "dirichlet",
    "exponential",
    "fold_in",
    "gamma",
    "gumbel",
    "key",
    "key_data",
    "laplace",
    "loggamma",
    "logistic",
    "multivariate_normal",
    "normal",
    "orthogonal",
    "permutation",
    "randint",
    "shuffle",
    "split",
    "threefry_2x32",
    "truncated_normal",
    "uniform",
    "wrap_key_data",
]


# --- keys ---------------------------------------------------------------------------------
def _check_impl(op, impl, dtype=None):
    """Only JAX's default generator, threefry2x32, is implemented."""
    name = getattr(impl, "name", impl)
    if name not in (None, "threefry2x32"):
        raise FerraxNotImplementedError(
            f"{op}: impl={impl!r} is not implemented; ferrax has only 'threefry2x32'"
        )
    if dtype is not None:
        raise FerraxNotImplementedError(f"{op}: typed key dtypes (dtype=...) are not supported")


def PRNGKey(seed, *, impl=None):
    """A raw PRNG key, ``uint32[2]``, from an integer seed (as ``jax.random.PRNGKey``).

    A Python int seed must lie in the int64 range; with x64 enabled the key is
    ``[seed >> 32, seed & 0xFFFFFFFF]`` (two's complement), without it ``[0, seed mod
    2**32]``, as in JAX. A 32-bit integer Array seed (which may be traced) gives
    ``[0, seed]``, an int64 one both words.
    """
    _check_impl("PRNGKey", impl)
    return _threefry.seed_to_key("PRNGKey", seed, _ferrax.x64_enabled())


def key(seed, *, impl=None, dtype=None):
    """A PRNG key from an integer seed. ferrax has no typed key arrays, so this is the same
    raw ``uint32[2]`` key as ``PRNGKey(seed)``; ``key_data`` of it is the key itself."""
    _check_impl("key", impl, dtype)
    return _threefry.seed_to_key("key", seed, _ferrax.x64_enabled())


def key_data(keys):
    """The uint32 data of a key or an array of keys (shape ``(..., 2)``): raw keys are their
    own data, so this checks ``keys`` and returns it."""
    return _threefry.check_key("key_data", keys, allow_batched=True)


def wrap_key_data(key_bits_array, *, impl=None, dtype=None):
    """Keys from their uint32 data (shape ``(..., 2)``); the identity on valid raw keys."""
    _check_impl("wrap_key_data", impl, dtype)
    return _threefry.check_key("wrap_key_data", key_bits_array, allow_batched=True)


def clone(key):
    """A copy of ``key``. Keys are immutable arrays here, so this is the key itself (JAX's
    ``clone`` exists for its experimental key reuse checks)."""
    return _threefry.check_key("clone", key, allow_batched=True)


# Key operations run staged, one jitted program per shape (see ``_random_continuous``).
_split = jit(_threefry.split, static_argnums=(1,))
_fold_in = jit(_threefry.fold_in)


@functools.partial(jit, static_argnums=(1,))
def _bits32(key, shape):
    return _threefry.random_bits(key, 32, shape)


def _num_shape(num):
    if is_array(num):
        raise FerraxTypeError("split: num must be a Python int or a tuple of ints, not an Array")
    try:
        return shape_arg("split", num)
    except FerraxValueError:
        raise FerraxValueError(f"split: num must be non-negative, got {num!r}") from None


def split(key, num=2):
    """``num`` new keys from ``key``: an array of shape ``(num, 2)`` (or ``(*num, 2)`` for a
    tuple ``num``). Key ``i`` is the threefry hash of the counter ``i`` under ``key``."""
    key = key_arg("split", key)
    return _split(key, _num_shape(num))


_U32_MAX = 2**32 - 1


def _uint32_scalar(value):
    """A uint32 scalar Array of the Python int ``value`` in ``[0, 2**32)`` (``full`` takes it
    as an int32 first, so it serves the lower half; it is far cheaper than converting a NumPy
    scalar)."""
    if value < 2**31:
        return _ferrax.full((), value, "uint32")
    return as_array(np.uint32(value))


def fold_in(key, data):
    """A new key that is a deterministic function of ``key`` and the 32-bit integer ``data``
    (the hash of the counter ``(0, data)``).

    ``data`` is a Python int in ``[0, 2**32)`` or a scalar array (converted to uint32 as
    ``jnp.uint32`` converts it: integers wrap around, floats are truncated; it may be traced).
    """
    key = key_arg("fold_in", key)
    if type(data) is int and 0 <= data <= _U32_MAX:  # the common case, first
        return _fold_in(key, _uint32_scalar(data))
    if isinstance(data, (bool, np.bool_, float)):
        data = int(data)  # a Python float is truncated, as jnp.uint32 does
    if isinstance(data, int):
        if not 0 <= data <= _U32_MAX:
            raise FerraxOverflowError(
                f"fold_in: Python integer {data} is out of bounds for uint32 (it must lie in "
                "[0, 2**32))"
            )
        return _fold_in(key, _uint32_scalar(data))
    if not isinstance(data, (np.generic, np.ndarray)) and not is_array(data):
        raise FerraxTypeError(f"fold_in: data must be a number, got {type(data).__name__}")
    data = as_array(data)
    if data.shape != ():
        raise FerraxTypeError(
            f"fold_in accepts a scalar, but was given data of shape {tuple(data.shape)}; "
            "use ferrax.vmap for batching"
        )
    dtype = data.dtype
    if dtype.kind not in "iubf":
        raise FerraxTypeError(f"fold_in: data must be a real number, got dtype {dtype}")
    if dtype.kind in "iu" and dtype.itemsize == 8:
        data = lax.and_(data, np.int64(0xFFFFFFFF))
    if dtype != np.uint32:
        data = lax.convert_element_type(data, np.uint32)
    return _fold_in(key, data)


def bits(key, shape=(), dtype=None, *, out_sharding=None):
    """Uniform random bits: an unsigned integer array of ``shape``.

    Element ``i`` (flat index) is the xor of the two words of the threefry hash of counter
    ``i``. ferrax has only uint32 among the unsigned dtypes, so ``dtype`` must be uint32; JAX's
    default with x64 enabled is uint64, so there ``dtype=jnp.uint32`` must be passed.
    """
    no_sharding("bits", out_sharding)
    key = key_arg("bits", key)
    if dtype is None and _ferrax.x64_enabled():
        raise FerraxNotImplementedError(
            "bits: with x64 enabled JAX returns uint64 bits, and ferrax has no uint64 dtype; "
            "pass dtype=jnp.uint32"
        )
    if dtype is not None:
        name = dtype_name(dtype, "bits")
        if np.dtype(name).kind != "u":
            raise FerraxValueError(f"bits: dtype must be an unsigned int dtype, got {name}")
        if name != "uint32":
            raise FerraxNotImplementedError(
                f"bits: ferrax supports only uint32 bits (it has no {name} dtype)"
            )
    return _bits32(key, shape_arg("bits", shape))

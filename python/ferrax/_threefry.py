"""The threefry2x32 block cipher and JAX's default key operations built on it.

Keys are raw ``uint32[..., 2]`` arrays, as JAX's legacy ``PRNGKey`` format. The hash itself is
the core's ``threefry2x32`` primitive (elementwise over uint32 words, scalars broadcast); the
key operations around it are ordinary ``lax`` code, so everything here traces under ``jit`` and
batches under ``vmap`` like any other function.

Threefry2x32 with 20 rounds is the counter-based generator of Salmon, Moraes, Dror and Shaw,
"Parallel random numbers: as easy as 1, 2, 3" (SC 2011). Random bits follow JAX's
*partitionable* scheme (``jax_threefry_partitionable=True``): element ``i`` of an output of
shape ``s`` (row-major flat index ``i``) hashes the 64-bit counter ``i``, split into its high
and low 32-bit words, under the key.
"""

import math
import operator

import numpy as np

from . import _ferrax, lax
from ._util import as_array, is_array
from .errors import FerraxOverflowError, FerraxTypeError, FerraxValueError

__all__ = [
    "check_key",
    "counters",
    "fold_in",
    "random_bits",
    "seed_to_key",
    "split",
    "threefry2x32",
    "threefry_2x32",
]

_MASK32 = 0xFFFFFFFF
_ZERO = np.uint32(0)


def _u32(x):
    """``x`` as a uint32 Array (Python ints become uint32 constants, not weak int32)."""
    if is_array(x):
        return x if x.dtype == np.uint32 else lax.convert_element_type(x, np.uint32)
    return as_array(np.asarray(x, dtype=np.uint32))


def threefry2x32(k0, k1, x0, x1):
    """The Threefry-2x32 hash with 20 rounds, applied elementwise: the core's
    ``threefry2x32`` primitive.

    ``k0, k1`` are the key words and ``x0, x1`` the counter words (uint32 scalars or arrays of
    one shape; other integers are converted to uint32). Returns the two uint32 output words.
    """
    return _ferrax.threefry2x32(*(_u32(v) for v in (k0, k1, x0, x1)))


def _key_words(key):
    """The two words of a single key ``uint32[2]`` as scalars."""
    k0 = lax.reshape(lax.slice(key, (0,), (1,)), ())
    k1 = lax.reshape(lax.slice(key, (1,), (2,)), ())
    return k0, k1


def threefry_2x32(keypair, count):
    """JAX's flat threefry interface: hashes the uint32 array ``count`` under ``keypair``.

    ``count`` is flattened (padded with one zero if its size is odd), its first half taken as
    the first counter word and its second half as the second; the two output halves are
    concatenated back into ``count``'s shape. ``keypair`` is a key ``uint32[2]`` or a pair of
    uint32 scalars.
    """
    if is_array(keypair) or isinstance(keypair, np.ndarray):
        k0, k1 = _key_words(check_key("threefry_2x32", keypair))
    else:
        k0, k1 = keypair
    count = as_array(count)
    if count.dtype != np.uint32:
        raise FerraxTypeError(f"threefry_2x32: count must be uint32, got {count.dtype}")
    shape = tuple(count.shape)
    n = math.prod(shape)
    flat = lax.reshape(count, (n,))
    if n % 2:
        flat = lax.concatenate([flat, lax.full((1,), 0, np.uint32)], 0)
    half = (n + 1) // 2
    y0, y1 = threefry2x32(
        k0, k1, lax.slice(flat, (0,), (half,)), lax.slice(flat, (half,), (2 * half,))
    )
    out = lax.concatenate([y0, y1], 0)
    if n % 2:
        out = lax.slice(out, (0,), (n,))
    return lax.reshape(out, shape)


def check_key(op, key, allow_batched=False):
    """``key`` as a uint32 Array of shape ``(2,)`` (or ``(..., 2)`` if ``allow_batched``).

    Raises FerraxTypeError for anything but an Array or NumPy array (as JAX, which refuses
    lists), a non-uint32 key or a wrong trailing dimension, and FerraxValueError for a batch of
    keys where one key is expected.
    """
    if not (is_array(key) or isinstance(key, np.ndarray)):
        raise FerraxTypeError(
            f"{op}: expected a PRNG key (a uint32 array of shape (2,)), got {type(key).__name__}"
        )
    key = as_array(key)
    shape = tuple(key.shape)
    dtype = key.dtype
    if dtype != np.uint32:
        raise FerraxTypeError(
            f"{op}: a PRNG key must be a uint32 array of shape (2,), got dtype {dtype} "
            f"with shape {shape}"
        )
    if not shape or shape[-1] != 2:
        raise FerraxTypeError(
            f"{op}: a PRNG key must be a uint32 array whose last dimension is 2, got shape {shape}"
        )
    if not allow_batched and len(shape) != 1:
        raise FerraxValueError(
            f"{op} accepts a single key of shape (2,), but was given a key array of shape "
            f"{shape}; use ferrax.vmap to map over keys"
        )
    return key


def counters(shape):
    """The high and low words of the row-major 64-bit iota of ``shape`` (uint32 arrays; the
    high word is zero, as at most 2**32 elements are supported). The high word is a full
    array rather than a scalar, which the primitive would broadcast: its kernel is faster on
    operands of one shape, and under ``jit`` the zeros are a constant made once."""
    n = math.prod(shape)
    if n > 2**32:
        raise FerraxValueError(
            f"random bits: arrays with more than 2**32 elements are not supported, got shape "
            f"{shape}"
        )
    hi = lax.full(shape, 0, np.uint32)
    if not shape:
        return hi, hi
    return hi, lax.reshape(lax.iota(np.uint32, n), shape)


def split(key, shape):
    """``shape`` new keys from one: key ``i`` (flat index) hashes counter ``i``.

    Returns ``uint32[*shape, 2]``.
    """
    k0, k1 = _key_words(key)
    hi, lo = counters(shape)
    y0, y1 = threefry2x32(k0, k1, hi, lo)
    nd = len(shape)
    return lax.concatenate([lax.expand_dims(y0, (nd,)), lax.expand_dims(y1, (nd,))], nd)


def fold_in(key, data):
    """A new key from ``key`` and a uint32 scalar ``data``: the hash of counter (0, data)."""
    k0, k1 = _key_words(key)
    y0, y1 = threefry2x32(k0, k1, _ZERO, lax.reshape(data, (1,)))
    return lax.concatenate([y0, y1], 0)


def random_bits(key, bit_width, shape):
    """Uniform random bits of ``shape``: uint32 for ``bit_width`` 32, and for 64 an int64
    array holding the uint64 bit pattern (ferrax has no uint64 dtype; needs x64)."""
    k0, k1 = _key_words(key)
    hi, lo = counters(shape)
    y0, y1 = threefry2x32(k0, k1, hi, lo)
    if bit_width == 32:
        return lax.xor(y0, y1)
    if bit_width == 64:
        y0 = lax.convert_element_type(y0, np.int64)
        y1 = lax.convert_element_type(y1, np.int64)
        return lax.or_(lax.shift_left(y0, np.int64(32)), y1)
    raise FerraxValueError(f"random bits: bit_width must be 32 or 64, got {bit_width}")


def _seed_words_from_int(seed, x64):
    """Key words of a Python or NumPy integer seed, as JAX computes them."""
    if isinstance(seed, np.integer):
        value = int(seed)
        wide = x64 and seed.dtype.itemsize == 8
    else:
        value = operator.index(seed)
        if not -(2**63) <= value < 2**63:
            raise FerraxOverflowError(
                f"PRNGKey: seed {value} is out of the int64 range [-2**63, 2**63)"
            )
        wide = x64
    value &= (1 << 64) - 1
    hi = (value >> 32) & _MASK32 if wide else 0
    return hi, value & _MASK32


def seed_to_key(op, seed, x64):
    """A raw key ``uint32[2]`` from an integer seed.

    A 64-bit seed gives ``[seed >> 32, seed & 0xFFFFFFFF]``; a 32-bit one ``[0, seed]``. As in
    JAX, Python ints are 64-bit only with x64 enabled (otherwise their low 32 bits are used).
    Integer Arrays (traced ones included) are taken with their own dtype.
    """
    if isinstance(seed, (bool, np.bool_)):
        return seed_to_key(op, int(seed), x64)
    if isinstance(seed, (int, np.integer)):
        hi, lo = _seed_words_from_int(seed, x64)
        return as_array(np.array([hi, lo], dtype=np.uint32))
    if not (is_array(seed) or isinstance(seed, np.ndarray)):
        raise FerraxTypeError(f"{op}: the seed must be an integer, got {type(seed).__name__}")
    seed = as_array(seed)
    if seed.shape != ():
        raise FerraxTypeError(
            f"{op} accepts a scalar seed, but was given an array of shape {tuple(seed.shape)}; "
            "use ferrax.vmap for batching"
        )
    if seed.dtype.kind == "b":
        seed = lax.convert_element_type(seed, np.uint32)
    if seed.dtype.kind not in "iu":
        raise FerraxTypeError(f"{op}: the seed must be an integer, got dtype {seed.dtype}")
    if seed.dtype.itemsize == 8:
        hi = lax.and_(lax.shift_right_logical(seed, np.int64(32)), np.int64(_MASK32))
        lo = lax.and_(seed, np.int64(_MASK32))
        hi, lo = _u32(hi), _u32(lo)
    else:
        hi, lo = lax.full((), 0, np.uint32), _u32(seed)
    return lax.concatenate([lax.reshape(hi, (1,)), lax.reshape(lo, (1,))], 0)

"""Discrete samplers of ``ferrax.random``: randint, bernoulli, categorical, choice,
permutation and shuffle, each built as JAX builds it so that values match."""

import functools
import math

import numpy as np

from . import _random_math as xla_math
from . import _threefry, lax
from . import numpy as jnp
from ._jit import jit
from ._random_base import (
    check_shape,
    gumbel_impl,
    int_dtype,
    key_arg,
    no_sharding,
    shape_arg,
    split_key,
    uniform_impl,
    uniform_pair,
)
from ._util import as_array, is_array
from .errors import FerraxTypeError, FerraxValueError
from .numpy._common import concrete, norm_axis, static_int
from .numpy._dtypes import default_float, default_int

__all__ = ["bernoulli", "categorical", "choice", "permutation", "randint", "shuffle"]

_INT64_MIN = np.int64(-(2**63))


def _clip_convert(val, dtype):
    """Integer ``val`` converted to the integer ``dtype``, clipped to its range (no wrap)."""
    src, dst = np.iinfo(val.dtype), np.iinfo(dtype)
    lo = np.array(max(src.min, dst.min), val.dtype)
    hi = np.array(min(src.max, dst.max), val.dtype)
    return lax.convert_element_type(lax.min(lax.max(val, lo), hi), dtype)


def _ult64(a, b):
    """Unsigned ``a < b`` for uint64 bit patterns held in int64."""
    return lax.lt(lax.xor(a, _INT64_MIN), lax.xor(b, _INT64_MIN))


def _urem64(a, s):
    """Unsigned ``a % s`` for uint64 bit patterns held in int64 (``a % 0 == a``, as XLA)."""
    zero = lax.eq(s, np.int64(0))
    big = lax.lt(s, np.int64(0))  # s >= 2**63: the quotient is 0 or 1
    safe = lax.select(lax.or_(zero, big), lax.full_like(s, 1), s)
    q = lax.shift_left(lax.div(lax.shift_right_logical(a, np.int64(1)), safe), np.int64(1))
    r = lax.sub(a, lax.mul(q, safe))
    r = lax.select(_ult64(r, safe), r, lax.sub(r, safe))
    r_big = lax.select(_ult64(a, s), a, lax.sub(a, s))
    return lax.select(zero, a, lax.select(big, r_big, r))


@functools.partial(jit, static_argnums=(3, 4))
def _randint(key, minval, maxval, shape, dtype):
    """``randint`` after its argument checks (``minval``/``maxval`` integer Arrays, ``dtype`` an
    integer NumPy dtype)."""
    top = _clip_convert(as_array(np.array(np.iinfo(dtype).max, dtype)), maxval.dtype)
    maxval_out_of_range = lax.gt(maxval, top)
    minval = _clip_convert(minval, dtype)
    maxval = _clip_convert(maxval, dtype)
    nbits = dtype.itemsize * 8
    k1, k2 = split_key(key)
    higher = _threefry.random_bits(k1, nbits, shape)
    lower = _threefry.random_bits(k2, nbits, shape)
    empty = lax.le(maxval, minval)
    wider = lax.and_(maxval_out_of_range, lax.gt(maxval, minval))
    if nbits == 32:
        span = lax.convert_element_type(lax.sub(maxval, minval), np.uint32)
        span = lax.select(empty, lax.full_like(span, 1), span)
        span = lax.select(wider, lax.add(span, np.uint32(1)), span)
        mult = lax.rem(lax.full_like(span, 2**16), span)
        mult = lax.rem(lax.mul(mult, mult), span)
        offset = lax.add(lax.mul(lax.rem(higher, span), mult), lax.rem(lower, span))
        offset = lax.rem(offset, span)
    else:  # uint64 arithmetic on int64 bit patterns (ferrax has no uint64)
        span = lax.convert_element_type(lax.sub(maxval, minval), np.int64)
        span = lax.select(empty, lax.full_like(span, 1), span)
        span = lax.select(wider, lax.add(span, np.int64(1)), span)
        mult = _urem64(lax.full_like(span, 2**32), span)
        mult = _urem64(lax.mul(mult, mult), span)
        offset = lax.add(lax.mul(_urem64(higher, span), mult), _urem64(lower, span))
        offset = _urem64(offset, span)
    return lax.add(minval, lax.convert_element_type(offset, dtype))


def randint(key, shape, minval, maxval, dtype=None, *, out_sharding=None):
    """Uniform integers in ``[minval, maxval)`` of ``shape`` and ``dtype`` (default int32, or
    int64 with x64), as JAX draws them: two words of random bits per value reduced modulo
    the span, so the bias is negligible unless the span is close to the dtype's range. Where
    ``maxval <= minval`` the result is ``minval``."""
    no_sharding("randint", out_sharding)
    key = key_arg("randint", key)
    dtype = int_dtype("randint", dtype)
    shape = shape_arg("randint", shape)
    minval, maxval = _int_bound(minval), _int_bound(maxval)
    check_shape("randint", shape, tuple(minval.shape), tuple(maxval.shape))
    return _randint(key, minval, maxval, shape, dtype)


def _int_bound(value):
    """A ``randint`` bound as an integer Array (others are converted to the default int, as
    JAX's ``astype(int)``). Done before staging: the default int depends on the x64 mode, which
    the staged program's signature does not record."""
    value = as_array(value)
    if value.dtype.kind in "iu":
        return value
    return lax.convert_element_type(value, default_int())


@functools.partial(jit, static_argnums=(2, 3))
def _bernoulli(key, p, shape, mode):
    dtype = p.dtype
    if mode == "low":
        return lax.lt(uniform_impl("bernoulli", key, shape, dtype, 0.0, 1.0), p)
    u1, u2 = uniform_pair("bernoulli", key, shape, dtype)
    return lax.lt(u2, lax.sub(p, u1))


def bernoulli(key, p=0.5, shape=None, mode="low", *, out_sharding=None):
    """Booleans that are True with probability ``p`` (a float, or a float array broadcasting
    to ``shape``; ``shape`` defaults to ``p``'s). ``mode="high"`` uses two uniforms per value
    to stay exact for ``p`` below about 1e-7."""
    no_sharding("bernoulli", out_sharding)
    if mode not in ("low", "high"):
        raise FerraxValueError(f"bernoulli: mode must be 'high' or 'low', got {mode!r}")
    key = key_arg("bernoulli", key)
    p = as_array(p)
    dtype = p.dtype
    if dtype.kind != "f":
        raise FerraxTypeError(f"bernoulli: the probability p must be a float, got {dtype}")
    if shape is None:
        shape = tuple(p.shape)
    else:
        shape = shape_arg("bernoulli", shape)
        check_shape("bernoulli", shape, tuple(p.shape))
    return _bernoulli(key, p, shape, mode)


def _top_k_indices(x, k):
    """Indices of the ``k`` largest values along the last axis, largest first (ties: lower
    index first, as ``lax.top_k``)."""
    order = jnp.argsort(lax.neg(x), axis=-1, stable=True)
    return lax.slice_in_dim(order, 0, k, axis=-1)


@functools.partial(jit, static_argnums=(2, 3, 4, 5, 6))
def _categorical(key, logits, axis, shape, replace, mode, index_dtype):
    """``categorical`` after its argument checks (``axis`` normalized, ``shape`` a tuple).
    ``index_dtype``, the default int of the caller's x64 mode, keeps a program staged in one
    mode from serving the other."""
    nd = logits.ndim
    batch_ndim = nd - 1
    prefix = shape[: len(shape) - batch_ndim]
    if replace:
        logits_shape = list(shape[len(shape) - batch_ndim :])
        logits_shape.insert(axis, logits.shape[axis])
        g = gumbel_impl(key, (*prefix, *logits_shape), logits.dtype, mode)
        scores = lax.add(g, lax.expand_dims(logits, tuple(range(len(prefix)))))
        return lax.convert_element_type(jnp.argmax(scores, axis=axis - nd), index_dtype)
    k = math.prod(prefix)
    scores = lax.add(logits, gumbel_impl(key, tuple(logits.shape), logits.dtype, mode))
    indices = lax.convert_element_type(_top_k_indices(jnp.moveaxis(scores, axis, -1), k), np.int32)
    return lax.reshape(indices, shape, (indices.ndim - 1, *range(indices.ndim - 1)))


def categorical(key, logits, axis=-1, shape=None, replace=True, mode=None, *, out_sharding=None):
    """Category indices drawn with probabilities ``softmax(logits, axis)`` by the Gumbel-max
    trick (Gumbel top-k without replacement). ``shape`` must end with the batch shape of
    ``logits`` (its shape without ``axis``); extra leading dimensions draw more samples.
    Indices have the default int dtype with replacement (``argmax``) and int32 without
    (``top_k``), as in JAX."""
    no_sharding("categorical", out_sharding)
    key = key_arg("categorical", key)
    logits = as_array(logits)
    if logits.dtype.kind != "f":
        raise FerraxTypeError(f"categorical: logits must be floats, got {logits.dtype}")
    logits_shape = tuple(logits.shape)
    if not logits_shape:
        raise FerraxValueError("categorical: logits must have at least one dimension")
    axis = norm_axis(axis, len(logits_shape), "categorical")
    batch_shape = logits_shape[:axis] + logits_shape[axis + 1 :]
    if shape is None:
        shape = batch_shape
    else:
        shape = shape_arg("categorical", shape)
        check_shape("categorical", shape, batch_shape)
    k = math.prod(shape[: len(shape) - len(batch_shape)])
    if not replace and k > logits_shape[axis]:
        raise FerraxValueError(
            f"categorical: the number of samples without replacement ({k}) cannot exceed the "
            f"number of categories ({logits_shape[axis]})"
        )
    return _categorical(key, logits, axis, shape, bool(replace), mode, default_int())


@functools.partial(jit, static_argnums=(2,))
def _shuffle(key, x, axis):
    """``x`` with every slice along ``axis`` shuffled independently: stable sorts by fresh
    random 32-bit keys, repeated enough times that key collisions are improbable."""
    rounds = math.ceil(3 * math.log(max(1, math.prod(x.shape))) / math.log(2**32 - 1))
    for _ in range(rounds):
        key, subkey = split_key(key)
        sort_keys = _threefry.random_bits(subkey, 32, tuple(x.shape))
        _, x = lax.sort_key_val(sort_keys, x, axis)
    return x


def permutation(key, x, axis=0, independent=False, *, out_sharding=None):
    """A random permutation of ``arange(x)`` for an integer ``x``, or of ``x``'s slices along
    ``axis`` (with ``independent=True`` each 1-D slice along ``axis`` is permuted separately).
    """
    no_sharding("permutation", out_sharding)
    key = key_arg("permutation", key)
    arr = x if is_array(x) else as_array(x)
    if arr.ndim == 0:
        if arr.dtype.kind not in "iu":
            raise FerraxTypeError(
                f"permutation: x must be an integer or at least 1-dimensional, got {arr.dtype}"
            )
        norm_axis(axis, 1, "permutation")
        return _shuffle(key, jnp.arange(static_int(x, "permutation", "x")), 0)
    axis = norm_axis(axis, arr.ndim, "permutation")
    if independent or arr.ndim == 1:
        return _shuffle(key, arr, axis)
    ind = _shuffle(key, jnp.arange(arr.shape[axis]), 0)
    return jnp.take(arr, ind, axis=axis)


def shuffle(key, x, axis=0):
    """``x`` with each 1-D slice along ``axis`` shuffled independently (JAX's former
    ``random.shuffle``; the same as ``permutation(key, x, axis, independent=True)``)."""
    key = key_arg("shuffle", key)
    x = as_array(x)
    if x.ndim == 0:
        raise FerraxValueError("shuffle: x must be at least 1-dimensional")
    return _shuffle(key, x, norm_axis(axis, x.ndim, "shuffle"))


@functools.partial(jit, static_argnums=(2, 3))
def _inverse_cdf_draws(key, p, shape, index_dtype):
    """Indices drawn with the weights ``p`` (1-D) by inverting their cumulative sum, as JAX's
    ``choice``: ``searchsorted(cumsum(p), cumsum(p)[-1] * (1 - u))``."""
    p_cuml = jnp.cumsum(p)
    n = p_cuml.shape[0]
    total = lax.reshape(lax.slice(p_cuml, (n - 1,), (n,)), ())
    u = uniform_impl("choice", key, shape, p.dtype, 0.0, 1.0)
    r = lax.mul(total, lax.sub(np.array(1, p.dtype), u))
    return lax.convert_element_type(jnp.searchsorted(p_cuml, r), index_dtype)


def choice(key, a, shape=(), replace=True, p=None, axis=0, mode=None):
    """A random sample of ``a``'s entries along ``axis`` (or of ``arange(a)`` for an integer
    ``a``), of ``shape``, with or without replacement, uniform or with probabilities ``p``."""
    key = key_arg("choice", key)
    shape = shape_arg("choice", shape)
    arr = as_array(a)
    if arr.ndim == 0:
        # As JAX, int(a): a float population size is truncated.
        n_inputs = int(concrete(arr, "choice", "(a scalar a is the population size)"))
    else:
        axis = norm_axis(axis, arr.ndim, "choice")
        n_inputs = arr.shape[axis]
    out_shape = shape if arr.ndim == 0 else (*arr.shape[:axis], *shape, *arr.shape[axis + 1 :])
    n_draws = math.prod(shape)
    if n_draws == 0:
        return jnp.zeros(out_shape, arr.dtype)
    if n_inputs <= 0:
        raise FerraxValueError("choice: a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise FerraxValueError(
            f"choice: cannot take a larger sample (size {n_draws}) than the population (size "
            f"{n_inputs}) when replace=False"
        )
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n_inputs)
        else:
            perm = permutation(key, n_inputs if arr.ndim == 0 else arr, axis)
            result = lax.slice_in_dim(perm, 0, n_draws, axis=0 if arr.ndim == 0 else axis)
            return lax.reshape(result, out_shape)
    else:
        p = as_array(p)
        if p.dtype.kind != "f":
            p = lax.convert_element_type(p, default_float())
        if tuple(p.shape) != (n_inputs,):
            raise FerraxValueError(
                f"choice: p must be None or a 1-D vector with the same size as a.shape[axis]; "
                f"p has shape {tuple(p.shape)} and a.shape[axis] is {n_inputs}"
            )
        if replace:
            ind = _inverse_cdf_draws(key, p, shape, default_int())
        else:
            g = lax.add(gumbel_impl(key, (n_inputs,), p.dtype, mode), xla_math.log(p))
            ind = lax.convert_element_type(_top_k_indices(g, n_draws), default_int())
    result = ind if arr.ndim == 0 else jnp.take(arr, ind, axis=axis)
    return lax.reshape(result, out_shape)

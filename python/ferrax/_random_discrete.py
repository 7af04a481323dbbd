"""Discrete samplers of ``ferrax.random``: randint, bernoulli, categorical, choice,
permutation and shuffle, each built as JAX builds it so that values match."""

import math
import operator

import numpy as np

from . import _random_math as xla_math
from . import _threefry, lax
from . import numpy as jnp
from ._random_base import (
    check_shape,
    default_float,
    default_int,
    gumbel_impl,
    int_dtype,
    key_arg,
    no_sharding,
    shape_arg,
    split_key,
    uniform_impl,
)
from ._util import as_array, is_array
from .errors import AxisError, FerraxTypeError, FerraxValueError

__all__ = ["bernoulli", "categorical", "choice", "permutation", "randint", "shuffle"]

_INT64_MIN = np.int64(-(2**63))


def _normalize_axis(op, axis, ndim):
    axis = operator.index(axis)
    if not -ndim <= axis < max(ndim, 1):
        raise AxisError(f"{op}: axis {axis} is out of bounds for an array of rank {ndim}")
    return axis % max(ndim, 1)


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


def randint(key, shape, minval, maxval, dtype=None, *, out_sharding=None):
    """Uniform integers in ``[minval, maxval)`` of ``shape`` and ``dtype`` (default int32, or
    int64 with x64), as JAX draws them: two words of random bits per value reduced modulo
    the span, so the bias is negligible unless the span is close to the dtype's range. Where
    ``maxval <= minval`` the result is ``minval``."""
    no_sharding("randint", out_sharding)
    key = key_arg("randint", key)
    dtype = int_dtype("randint", dtype)
    shape = shape_arg("randint", shape)
    minval, maxval = as_array(minval), as_array(maxval)
    check_shape("randint", shape, tuple(minval.shape), tuple(maxval.shape))
    if minval.dtype.kind not in "iu":
        minval = lax.convert_element_type(minval, default_int())
    if maxval.dtype.kind not in "iu":
        maxval = lax.convert_element_type(maxval, default_int())
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


def bernoulli(key, p=0.5, shape=None, mode="low", *, out_sharding=None):
    """Booleans that are True with probability ``p`` (a float, or a float array broadcasting
    to ``shape``; ``shape`` defaults to ``p``'s). ``mode="high"`` uses two uniforms per value
    to stay exact for ``p`` below about 1e-7."""
    no_sharding("bernoulli", out_sharding)
    if mode not in ("low", "high"):
        raise FerraxValueError(f"bernoulli: mode must be 'high' or 'low', got {mode!r}")
    key = key_arg("bernoulli", key)
    p = as_array(p)
    if p.dtype.kind != "f":
        raise FerraxTypeError(f"bernoulli: the probability p must be a float, got {p.dtype}")
    if shape is None:
        shape = tuple(p.shape)
    else:
        shape = shape_arg("bernoulli", shape)
        check_shape("bernoulli", shape, tuple(p.shape))
    dtype = p.dtype
    if mode == "low":
        return lax.lt(uniform_impl("bernoulli", key, shape, dtype, 0.0, 1.0), p)
    both = uniform_impl("bernoulli", key, (2, *shape), dtype, 0.0, 1.0)
    u1 = lax.reshape(lax.slice_in_dim(both, 0, 1, axis=0), shape)
    u2 = lax.reshape(lax.slice_in_dim(both, 1, 2, axis=0), shape)
    u2 = lax.mul(u2, np.array(2.0 ** -np.finfo(dtype).nmant, dtype))
    return lax.lt(u2, lax.sub(p, u1))


def _top_k_indices(x, k):
    """Indices of the ``k`` largest values along the last axis, largest first (ties: lower
    index first, as ``lax.top_k``)."""
    order = jnp.argsort(lax.neg(x), axis=-1, stable=True)
    return lax.slice_in_dim(order, 0, k, axis=-1)


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
    nd = logits.ndim
    if nd == 0:
        raise FerraxValueError("categorical: logits must have at least one dimension")
    axis = _normalize_axis("categorical", axis, nd)
    batch_shape = tuple(d for i, d in enumerate(logits.shape) if i != axis)
    if shape is None:
        shape = batch_shape
    else:
        shape = shape_arg("categorical", shape)
        check_shape("categorical", shape, batch_shape)
    prefix = shape[: len(shape) - len(batch_shape)]
    if replace:
        logits_shape = list(shape[len(shape) - len(batch_shape) :])
        logits_shape.insert(axis, logits.shape[axis])
        g = gumbel_impl(key, (*prefix, *logits_shape), logits.dtype, mode)
        scores = lax.add(g, lax.expand_dims(logits, tuple(range(len(prefix)))))
        return jnp.argmax(scores, axis=axis - nd)
    k = math.prod(prefix)
    if k > logits.shape[axis]:
        raise FerraxValueError(
            f"categorical: the number of samples without replacement ({k}) cannot exceed the "
            f"number of categories ({logits.shape[axis]})"
        )
    scores = lax.add(logits, gumbel_impl(key, tuple(logits.shape), logits.dtype, mode))
    indices = lax.convert_element_type(_top_k_indices(jnp.moveaxis(scores, axis, -1), k), np.int32)
    return lax.reshape(indices, shape, (indices.ndim - 1, *range(indices.ndim - 1)))


def _shuffle(key, x, axis):
    """``x`` with every slice along ``axis`` shuffled independently: stable sorts by fresh
    random 32-bit keys, repeated enough times that key collisions are improbable."""
    rounds = math.ceil(3 * math.log(max(1, math.prod(x.shape))) / math.log(2**32 - 1))
    for _ in range(rounds):
        key, subkey = split_key(key)
        sort_keys = _threefry.random_bits(subkey, 32, tuple(x.shape))
        _, x = lax.sort_key_val(sort_keys, x, axis)
    return x


def _concrete_int(op, x):
    try:
        return operator.index(x)
    except TypeError:
        pass
    try:
        return int(x)
    except Exception as e:  # a tracer or a non-integer
        raise FerraxTypeError(
            f"{op}: a scalar x must be a concrete integer (the size is static), got {x!r}"
        ) from e


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
        _normalize_axis("permutation", axis, 1)
        return _shuffle(key, jnp.arange(_concrete_int("permutation", x)), 0)
    axis = _normalize_axis("permutation", axis, arr.ndim)
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
    return _shuffle(key, x, _normalize_axis("shuffle", axis, x.ndim))


def choice(key, a, shape=(), replace=True, p=None, axis=0, mode=None):
    """A random sample of ``a``'s entries along ``axis`` (or of ``arange(a)`` for an integer
    ``a``), of ``shape``, with or without replacement, uniform or with probabilities ``p``."""
    key = key_arg("choice", key)
    shape = shape_arg("choice", shape)
    arr = as_array(a)
    if arr.ndim == 0:
        n_inputs = _concrete_int("choice", a)
    else:
        axis = _normalize_axis("choice", axis, arr.ndim)
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
            p_cuml = jnp.cumsum(p)
            total = lax.slice(p_cuml, (n_inputs - 1,), (n_inputs,))
            u = uniform_impl("choice", key, shape, p.dtype, 0.0, 1.0)
            r = lax.mul(lax.reshape(total, ()), lax.sub(np.array(1, p.dtype), u))
            # searchsorted(p_cuml, r, side="left") == the count of entries below r
            below = lax.lt(p_cuml, lax.expand_dims(r, (len(shape),)))
            ind = jnp.sum(below, axis=-1)
        else:
            g = lax.add(gumbel_impl(key, (n_inputs,), p.dtype, mode), xla_math.log(p))
            ind = _top_k_indices(g, n_draws)
        ind = lax.convert_element_type(ind, default_int())
    result = ind if arr.ndim == 0 else jnp.take(arr, ind, axis=axis)
    return lax.reshape(result, out_shape)

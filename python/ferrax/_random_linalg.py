"""Samplers of ``ferrax.random`` that need ``ferrax.numpy.linalg``: multivariate_normal
(a Cholesky factor of the covariance) and orthogonal (a QR factorization)."""

import functools
import operator

from . import lax
from . import numpy as jnp
from ._jit import jit
from ._random_base import (
    broadcast_shapes,
    check_shape,
    float_dtype,
    key_arg,
    no_sharding,
    normal_impl,
    shape_arg,
)
from .errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from .numpy._common import promote

__all__ = ["multivariate_normal", "orthogonal"]


def _linalg(op, name):
    """``ferrax.numpy.linalg.<name>``, looked up at call time."""
    fn = getattr(getattr(jnp, "linalg", None), name, None)
    if fn is None:
        raise FerraxNotImplementedError(
            f"{op} needs ferrax.numpy.linalg.{name}, which this build of ferrax does not have"
        )
    return fn


@functools.partial(jit, static_argnums=(3, 4))
def _multivariate_normal(key, mean, cov, shape, dtype):
    factor = _linalg("multivariate_normal", "cholesky")(cov)
    z = normal_impl(key, (*shape, mean.shape[-1]), dtype)
    return lax.add(mean, jnp.einsum("...ij,...j->...i", factor, z))


def multivariate_normal(
    key, mean, cov, shape=None, dtype=None, method="cholesky", *, out_sharding=None
):
    """Normal vectors with mean ``mean`` (shape ``(..., n)``) and covariance ``cov`` (shape
    ``(..., n, n)``, positive definite): ``mean + L @ z`` with ``L`` the Cholesky factor of
    ``cov`` and ``z`` standard normal. The result has shape ``shape + (n,)``; ``shape``
    defaults to the broadcast of the batch shapes of ``mean`` and ``cov``.

    Only ``method="cholesky"`` is implemented (``"svd"``/``"eigh"`` raise
    FerraxNotImplementedError).
    """
    no_sharding("multivariate_normal", out_sharding)
    key = key_arg("multivariate_normal", key)
    if method not in ("svd", "eigh", "cholesky"):
        raise FerraxValueError(
            f"multivariate_normal: method must be one of 'svd', 'eigh', 'cholesky', got {method!r}"
        )
    mean, cov = promote(mean, cov, to_inexact=True)
    dtype = mean.dtype if dtype is None else float_dtype("multivariate_normal", dtype)
    if mean.ndim < 1:
        raise FerraxValueError("multivariate_normal: mean must have at least one dimension")
    if cov.ndim < 2:
        raise FerraxValueError(
            f"multivariate_normal: cov must have at least two dimensions, got shape "
            f"{tuple(cov.shape)}"
        )
    n = mean.shape[-1]
    if tuple(cov.shape[-2:]) != (n, n):
        raise FerraxValueError(
            f"multivariate_normal: cov must have shape (..., {n}, {n}) to match mean of shape "
            f"{tuple(mean.shape)}, got {tuple(cov.shape)}"
        )
    if shape is None:
        shape = broadcast_shapes(
            "multivariate_normal", tuple(mean.shape[:-1]), tuple(cov.shape[:-2])
        )
    else:
        shape = shape_arg("multivariate_normal", shape)
        check_shape("multivariate_normal", shape, tuple(mean.shape[:-1]), tuple(cov.shape[:-2]))
    if method != "cholesky":
        raise FerraxNotImplementedError(
            f"multivariate_normal: method={method!r} is not implemented; use 'cholesky'"
        )
    return _multivariate_normal(key, mean, cov, shape, dtype)


def orthogonal(key, n, shape=(), dtype=None, m=None, *, out_sharding=None):
    """A matrix drawn uniformly (Haar measure) from the orthogonal group O(n), of shape
    ``(*shape, n, m)``; with ``m != n`` a semi-orthogonal one (orthonormal rows if ``n < m``,
    columns if ``n > m``). Built from the QR factorization of a normal matrix with the signs
    of ``R``'s diagonal moved into ``Q`` (Mezzadri, Notices of the AMS 54(5), 2007)."""
    no_sharding("orthogonal", out_sharding)
    key = key_arg("orthogonal", key)
    dtype = float_dtype("orthogonal", dtype)
    shape = shape_arg("orthogonal", shape)
    try:
        n = operator.index(n)
        m = n if m is None else operator.index(m)
    except TypeError:
        raise FerraxTypeError(
            f"orthogonal: n and m must be Python ints, got n={n!r}, m={m!r}"
        ) from None
    if n < 0 or m < 0:
        raise FerraxValueError(f"orthogonal: n and m must be non-negative, got n={n}, m={m}")
    return _orthogonal(key, n, m, shape, dtype)


@functools.partial(jit, static_argnums=(1, 2, 3, 4))
def _orthogonal(key, n, m, shape, dtype):
    z = normal_impl(key, (*shape, max(n, m), min(n, m)), dtype)
    q, r = _linalg("orthogonal", "qr")(z)
    k = min(n, m)
    diag = jnp.sum(lax.mul(r, jnp.eye(k, dtype=dtype)), axis=-2)
    x = lax.mul(q, lax.expand_dims(jnp.sign(diag), (q.ndim - 2,)))
    return jnp.swapaxes(x, -1, -2) if n < m else x

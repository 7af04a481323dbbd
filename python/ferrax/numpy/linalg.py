"""``ferrax.numpy.linalg``: decompositions (Rust kernels through faer) and what is built on
them. Every function works on stacks of matrices (leading dimensions are a batch) and is
differentiable through the decompositions' JVP rules."""

import functools

import numpy as np

from .. import _ferrax
from .._custom import custom_jvp
from .._util import as_array, int_tuple, norm_axis, repeated_product
from ..errors import AxisError, FerraxNotImplementedError, FerraxValueError
from ._common import inexact, slice_axis
from ._creation import eye
from ._linalg import diagonal
from ._shape import swapaxes

__all__ = [
    "cholesky",
    "det",
    "eigh",
    "eigvalsh",
    "inv",
    "matrix_power",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
]


def _float(a, op):
    a = inexact(a)
    if a.ndim < 2:
        raise FerraxValueError(
            f"linalg.{op}: expected an array of at least 2 dimensions, got shape {a.shape}"
        )
    return a


def _square(a, op):
    a = _float(a, op)
    if a.shape[-1] != a.shape[-2]:
        raise FerraxValueError(f"linalg.{op}: expected square matrices, got shape {a.shape}")
    return a


def _mt(x):
    return swapaxes(x, -1, -2)


def cholesky(a, *, upper=False, symmetrize_input=True):
    """The lower Cholesky factor ``l`` with ``l @ l.T == a`` (NaN if ``a`` is not positive
    definite); ``upper=True`` returns ``l.T``."""
    a = _square(a, "cholesky")
    if symmetrize_input:
        a = _ferrax.mul(_ferrax.add(a, _mt(a)), 0.5)
    (low,) = _ferrax.cholesky(a)
    return _mt(low) if upper else low


def qr(a, mode="reduced"):
    """``(q, r)`` with ``a = q @ r`` (``mode='reduced'``, or ``'r'`` for ``r`` alone)."""
    a = _float(a, "qr")
    if mode == "complete" and a.shape[-2] > a.shape[-1]:
        raise FerraxNotImplementedError("linalg.qr: mode='complete' for tall matrices")
    if mode not in ("reduced", "complete", "r"):
        raise FerraxValueError(f"linalg.qr: unknown mode {mode!r}")
    q, r = _ferrax.qr(a)
    return r if mode == "r" else (q, r)


def eigh(a, UPLO=None, symmetrize_input=True):
    """Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices."""
    a = _square(a, "eigh")
    if symmetrize_input:
        a = _ferrax.mul(_ferrax.add(a, _mt(a)), 0.5)
    elif UPLO == "U":
        a = _mt(a)
    w, v = _ferrax.eigh(a)
    return w, v


def eigvalsh(a, UPLO="L"):
    """Eigenvalues (ascending) of symmetric matrices."""
    return eigh(a, UPLO)[0]


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``(u, s, vh)`` with ``a = u @ diag(s) @ vh``, ``s`` descending; ``s`` alone when
    ``compute_uv=False``."""
    del hermitian
    a = _float(a, "svd")
    u, s, vh = _ferrax.svd(a)
    if not compute_uv:
        return s
    m, n = a.shape[-2], a.shape[-1]
    if full_matrices and m != n:
        return _full_svd(u, s, vh, m > n)
    return u, s, vh


@functools.partial(custom_jvp, nondiff_argnums=(3,))
def _full_svd(u, s, vh, tall):
    """The reduced ``(u, s, vh)`` completed to square ``u`` (tall) or ``vh`` (wide): the
    missing columns are an orthonormal basis of the orthogonal complement, the eigenvectors of
    eigenvalue 1 of the projector ``I - q q^T``."""
    if tall:
        return _complete(u), s, vh
    return u, s, _mt(_complete(_mt(vh)))


def _complete(q):
    m, k = q.shape[-2], q.shape[-1]
    projector = _ferrax.sub(_eye_like_shape(q, m), _ferrax.matmul(q, _mt(q)))
    _, v = _ferrax.eigh(projector)
    rest = slice_axis(v, v.ndim - 1, k, m)
    return _ferrax.concatenate([q, rest], q.ndim - 1)


def _eye_like_shape(q, m):
    return _ferrax.broadcast_in_dim(
        eye(m, dtype=q.dtype.name), q.shape[:-2] + (m, m), (q.ndim - 2, q.ndim - 1)
    )


@_full_svd.defjvp
def _full_svd_jvp(tall, primals, tangents):
    del tall, primals, tangents
    raise FerraxNotImplementedError(
        "linalg.svd: derivatives with full_matrices=True for non-square matrices are not "
        "defined (as in JAX); pass full_matrices=False"
    )


def svdvals(a):
    """Singular values, descending."""
    return svd(a, full_matrices=False, compute_uv=False)


def _one_hot_rows(perm, dtype):
    n = perm.shape[-1]
    cols = _ferrax.broadcasted_iota("int32", perm.shape + (n,), perm.ndim)
    rows = _ferrax.broadcast_in_dim(perm, perm.shape + (n,), tuple(range(perm.ndim)))
    return _ferrax.convert_element_type(_ferrax.eq(rows, cols), dtype)


def _lu_solve(lu, perm, b):
    pb = _ferrax.matmul(_one_hot_rows(perm, lu.dtype.name), b)
    y = _ferrax.triangular_solve(lu, pb, True, False, True)
    return _ferrax.triangular_solve(lu, y, False, False, False)


def solve(a, b):
    """``x`` with ``a @ x == b``; ``b`` a vector (``[.., n]``) or matrices (``[.., n, k]``)."""
    a = _square(a, "solve")
    b = as_array(b)
    vector = b.ndim == a.ndim - 1
    if vector:
        b = _ferrax.reshape(b, b.shape + (1,))
    if b.shape[-2] != a.shape[-1]:
        raise FerraxValueError(
            f"linalg.solve: a of shape {a.shape} and b of shape {b.shape} do not match"
        )
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = _ferrax.broadcast_in_dim(
        a, batch + a.shape[-2:], tuple(range(len(batch) - a.ndim + 2, len(batch) + 2))
    )
    b = _ferrax.broadcast_in_dim(
        b, batch + b.shape[-2:], tuple(range(len(batch) - b.ndim + 2, len(batch) + 2))
    )
    b = _ferrax.convert_element_type(b, a.dtype.name)
    lu, perm = _ferrax.lu(a)
    x = _lu_solve(lu, perm, b)
    return _ferrax.reshape(x, x.shape[:-1]) if vector else x


def _eye_like(a):
    """Identity matrices of ``a``'s shape and dtype."""
    return _ferrax.broadcast_in_dim(
        eye(a.shape[-1], dtype=a.dtype.name), a.shape, (a.ndim - 2, a.ndim - 1)
    )


def inv(a):
    """The inverse of square matrices."""
    a = _square(a, "inv")
    lu, perm = _ferrax.lu(a)
    return _lu_solve(lu, perm, _eye_like(a))


def _lu_parts(a):
    lu, perm = _ferrax.lu(a)
    n = a.shape[-1]
    diag = diagonal(lu, 0, -2, -1)
    # The permutation's parity: the number of inversions, perm[i] > perm[j] for i < j.
    pi = _ferrax.broadcast_in_dim(perm, perm.shape + (n,), tuple(range(perm.ndim)))
    pj = _ferrax.broadcast_in_dim(
        perm, perm.shape[:-1] + (n, n), tuple(range(perm.ndim - 1)) + (perm.ndim,)
    )
    upper = _ferrax.lt(
        _ferrax.broadcasted_iota("int32", (n, n), 0), _ferrax.broadcasted_iota("int32", (n, n), 1)
    )
    inversions = _ferrax.sum(
        _ferrax.convert_element_type(_ferrax.and_(_ferrax.gt(pi, pj), upper), "int32"), (-2, -1)
    )
    parity = _ferrax.sub(
        1.0,
        _ferrax.mul(2.0, _ferrax.convert_element_type(_ferrax.rem(inversions, 2), a.dtype.name)),
    )
    return diag, parity


def det(a):
    """Determinants of square matrices (through the LU decomposition)."""
    a = _square(a, "det")
    diag, parity = _lu_parts(a)
    return _ferrax.mul(parity, _ferrax.prod(diag, -1))


def slogdet(a):
    """``(sign, log|det|)`` of square matrices."""
    a = _square(a, "slogdet")
    diag, parity = _lu_parts(a)
    sign = _ferrax.mul(parity, _ferrax.prod(_ferrax.sign(diag), -1))
    return sign, _ferrax.sum(_ferrax.log(_ferrax.abs(diag)), -1)


def pinv(a, rtol=None):
    """The Moore-Penrose pseudo-inverse through the SVD (singular values below
    ``rtol * max(s)`` are treated as zero)."""
    a = _float(a, "pinv")
    u, s, vh = svd(a, full_matrices=False)
    if rtol is None:
        rtol = 10 * max(a.shape[-2:]) * float(np.finfo(np.dtype(a.dtype.name)).eps)
    cutoff = _ferrax.mul(rtol, _ferrax.amax(s, -1, True))
    s_inv = _ferrax.select_n(
        _ferrax.gt(s, cutoff), _ferrax.full((), 0, a.dtype.name), _ferrax.true_divide(1.0, s)
    )
    scaled = _ferrax.mul(
        _mt(vh), _ferrax.reshape(s_inv, s_inv.shape[:-1] + (1,) + s_inv.shape[-1:])
    )
    return _ferrax.matmul(scaled, _mt(u))


def matrix_power(a, n):
    """``a`` multiplied by itself ``n`` times (``n`` an int; negative uses the inverse)."""
    a = _square(a, "matrix_power")
    n = int(n)
    if n < 0:
        a, n = inv(a), -n
    return _eye_like(a) if n == 0 else repeated_product(a, n, _ferrax.matmul)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector and matrix norms as ``numpy.linalg.norm``: 2-norm / Frobenius by default;
    vector ``ord`` any number or ±inf; matrix ``ord`` in ``'fro' 'nuc' 1 -1 2 -2 inf -inf``."""
    x = inexact(x)
    if axis is None:
        if ord is None:
            return _ferrax.sqrt(_ferrax.sum(_ferrax.mul(x, x), None, keepdims))
        axis = tuple(range(x.ndim))
    axes = tuple(
        norm_axis(a, x.ndim, "linalg.norm") for a in int_tuple(axis, "linalg.norm", "axes")
    )
    if len(set(axes)) != len(axes):
        raise AxisError(f"linalg.norm: repeated axis in {axis!r}")
    absx = _ferrax.abs(x)
    if len(axes) == 1:
        if ord is None or ord == 2:
            return _ferrax.sqrt(_ferrax.sum(_ferrax.mul(x, x), axes, keepdims))
        if ord == np.inf:
            return _ferrax.amax(absx, axes, keepdims)
        if ord == -np.inf:
            return _ferrax.amin(absx, axes, keepdims)
        if ord == 0:
            return _ferrax.sum(
                _ferrax.convert_element_type(_ferrax.ne(x, 0), x.dtype.name), axes, keepdims
            )
        if ord == 1:
            return _ferrax.sum(absx, axes, keepdims)
        p = float(ord)
        return _ferrax.pow(_ferrax.sum(_ferrax.pow(absx, p), axes, keepdims), 1.0 / p)
    if len(axes) != 2:
        raise FerraxValueError(f"linalg.norm: axis must name 1 or 2 dimensions, got {axis!r}")
    r, c = axes
    if ord in (None, "fro"):
        return _ferrax.sqrt(_ferrax.sum(_ferrax.mul(x, x), axes, keepdims))
    if ord in (1, -1):
        col = _ferrax.sum(absx, (r,), True)
        red = _ferrax.amax if ord == 1 else _ferrax.amin
        out = red(col, (c,), True)
    elif ord in (np.inf, -np.inf):
        row = _ferrax.sum(absx, (c,), True)
        red = _ferrax.amax if ord == np.inf else _ferrax.amin
        out = red(row, (r,), True)
    elif ord in (2, -2, "nuc"):
        rest = [d for d in range(x.ndim) if d not in axes]
        moved = _ferrax.transpose(x, rest + [r, c])
        s = svd(moved, full_matrices=False, compute_uv=False)
        out = (
            _ferrax.sum(s, -1)
            if ord == "nuc"
            else (_ferrax.amax(s, -1) if ord == 2 else _ferrax.amin(s, -1))
        )
        if keepdims:
            shape = list(x.shape)
            shape[r] = shape[c] = 1
            return _ferrax.reshape(out, tuple(shape))
        return out
    else:
        raise FerraxValueError(f"linalg.norm: invalid norm order {ord!r} for matrices")
    if keepdims:
        return out
    return _ferrax.squeeze(out, tuple(sorted(axes)))

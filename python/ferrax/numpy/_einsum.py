"""``einsum``: parses the subscripts and lowers to reduce_sum, transpose, multiply and
dot_general, contracting operands pairwise in the order ``_einsum_path`` chooses."""

from .. import _ferrax
from .._util import as_array, dtype_name
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError
from ._einsum_path import contraction_path, path_cost
from ._linalg import diagonal

__all__ = ["einsum", "einsum_path"]


def _split_term(term, ndim, index, n_ellipsis):
    """The labels of one operand: letters, and ints 0..n_ellipsis-1 for '...' dimensions."""
    if term.count("...") > 1 or term.replace("...", "").count(".") > 0:
        raise FerraxValueError(f"einsum: invalid subscripts {term!r} for operand {index}")
    if "..." in term:
        head, tail = term.split("...")
        n = ndim - len(head) - len(tail)
        if n < 0:
            raise FerraxValueError(
                f"einsum: operand {index} has {ndim} dimensions, fewer than subscripts {term!r}"
            )
        return list(head) + list(range(n_ellipsis - n, n_ellipsis)) + list(tail)
    if len(term) != ndim:
        raise FerraxValueError(
            f"einsum: operand {index} has {ndim} dimensions but subscripts {term!r} name "
            f"{len(term)}"
        )
    return list(term)


def _parse(subscripts, ndims):
    """Input label lists and the output label list."""
    spec = subscripts.replace(" ", "")
    if spec.count("->") > 1:
        raise FerraxValueError(f"einsum: subscripts {subscripts!r} have more than one '->'")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise FerraxValueError(
            f"einsum: subscripts {subscripts!r} name {len(terms)} operands, got {len(ndims)}"
        )
    for ch in spec.replace("->", "").replace(",", "").replace(".", ""):
        if not ch.isalpha():
            raise FerraxValueError(f"einsum: invalid character {ch!r} in {subscripts!r}")
    n_ellipsis = 0
    for term, ndim in zip(terms, ndims):
        if "..." in term:
            n_ellipsis = max(n_ellipsis, ndim - len(term) + 3)
    inputs = [_split_term(t, n, i, n_ellipsis) for i, (t, n) in enumerate(zip(terms, ndims))]
    all_labels = [lab for labels in inputs for lab in labels]
    if arrow:
        if rhs.count("...") > 1 or rhs.replace("...", "").count(".") > 0:
            raise FerraxValueError(f"einsum: invalid output subscripts {rhs!r}")
        head, ellipsis, tail = rhs.partition("...")
        output = list(head) + (list(range(n_ellipsis)) if ellipsis else []) + list(tail)
        if len(set(output)) != len(output):
            raise FerraxValueError(f"einsum: output subscripts {rhs!r} repeat an index")
        for lab in output:
            if lab not in all_labels:
                raise FerraxValueError(
                    f"einsum: output subscript {lab!r} does not appear in the inputs"
                )
    else:
        once = sorted(
            lab for lab in set(all_labels) if isinstance(lab, str) and all_labels.count(lab) == 1
        )
        output = list(range(n_ellipsis)) + once
    return inputs, output


def _sizes(operands, inputs):
    """Each label's size; size-1 dimensions broadcast against larger ones."""
    sizes = {}
    for index, (x, labels) in enumerate(zip(operands, inputs)):
        for lab, size in zip(labels, x.shape):
            old = sizes.get(lab, 1)
            if size != old and size != 1 and old != 1:
                raise FerraxValueError(
                    f"einsum: index {lab!r} has size {size} in operand {index} but {old} in an "
                    "earlier operand"
                )
            sizes[lab] = old if size == 1 else size
    return sizes


def _take_diagonals(x, labels):
    """Reduces an index repeated within one operand (``"ii->i"``) to the diagonal."""
    labels = list(labels)
    for lab in dict.fromkeys(labels):
        while labels.count(lab) > 1:
            p = labels.index(lab)
            q = labels.index(lab, p + 1)
            n = x.shape[p]
            if x.shape[q] != n:
                raise FerraxValueError(
                    f"einsum: index {lab!r} repeats within an operand with sizes {n} and "
                    f"{x.shape[q]}"
                )
            # The diagonal replaces both dimensions and becomes the last one.
            x = diagonal(x, 0, p, q)
            labels = [other for i, other in enumerate(labels) if i not in (p, q)] + [lab]
    return x, labels


def _drop_broadcast(x, labels, sizes):
    """Squeezes size-1 dimensions whose label is larger elsewhere: they only broadcast."""
    dims = [i for i, lab in enumerate(labels) if x.shape[i] == 1 and sizes[lab] != 1]
    if not dims:
        return x, labels
    return _ferrax.squeeze(x, dims), [lab for i, lab in enumerate(labels) if i not in dims]


def _sum_out(x, labels, keep):
    dims = [i for i, lab in enumerate(labels) if lab not in keep]
    if not dims:
        return x, labels
    return _ferrax.reduce_sum(x, dims), [lab for lab in labels if lab in keep]


def _align(x, labels, out_labels, out_shape):
    """``x`` transposed and broadcast so that its labels sit at their places in the output."""
    order = sorted(range(len(labels)), key=lambda i: out_labels.index(labels[i]))
    if order != list(range(len(labels))):
        x = _ferrax.transpose(x, order)
    dims = sorted(out_labels.index(lab) for lab in labels)
    return _ferrax.broadcast_in_dim(x, out_shape, dims)


def _contract(x, lx, y, ly, keep, sizes, preferred):
    """Contracts two operands, keeping the labels in ``keep``."""
    x, lx = _sum_out(x, lx, keep | set(ly))
    y, ly = _sum_out(y, ly, keep | set(lx))
    batch = [lab for lab in lx if lab in ly and lab in keep]
    contract = [lab for lab in lx if lab in ly and lab not in keep]
    out_labels = batch + [lab for lab in lx if lab not in ly] + [lab for lab in ly if lab not in lx]
    if not contract:
        out_shape = tuple(sizes[lab] for lab in out_labels)
        product = _ferrax.mul(
            _align(x, lx, out_labels, out_shape), _align(y, ly, out_labels, out_shape)
        )
        if preferred is not None:
            product = _ferrax.convert_element_type(product, preferred)
        return product, out_labels
    dims = (
        (tuple(lx.index(lab) for lab in contract), tuple(ly.index(lab) for lab in contract)),
        (tuple(lx.index(lab) for lab in batch), tuple(ly.index(lab) for lab in batch)),
    )
    return _ferrax.dot_general(x, y, dims, preferred), out_labels


def _prepare(subscripts, operands, op):
    if not isinstance(subscripts, str):
        raise FerraxTypeError(f"{op}: only the subscripts-string form is supported")
    if not operands:
        raise FerraxValueError(f"{op}: at least one operand is required")
    operands = [as_array(x) for x in operands]
    inputs, output = _parse(subscripts, [x.ndim for x in operands])
    sizes = _sizes(operands, inputs)
    return operands, inputs, output, sizes


def einsum(
    subscripts, /, *operands, out=None, optimize="auto", precision=None, preferred_element_type=None
):
    """Einstein summation over ``operands`` as described by ``subscripts`` (``"ij,jk->ik"``).

    Supports explicit and implicit outputs, ``...``, broadcasting of size-1 dimensions and
    indices repeated within an operand (traces and diagonals). Operands are contracted pairwise
    in the order ``optimize`` picks: ``"auto"`` (default: the cheapest order for up to five
    operands, greedy beyond), ``"optimal"``/``True``, ``"greedy"``, ``False`` (left to right)
    or an explicit path as :func:`einsum_path` returns.
    """
    del precision
    if out is not None:
        raise FerraxNotImplementedError("einsum: the out argument is not supported")
    operands, inputs, output, sizes = _prepare(subscripts, operands, "einsum")
    path = contraction_path(inputs, output, sizes, optimize)
    terms = [_take_diagonals(x, labels) for x, labels in zip(operands, inputs)]
    terms = [_drop_broadcast(x, labels, sizes) for x, labels in terms]
    preferred = dtype_name(preferred_element_type, "einsum")
    for i, j in path:
        (x, lx), (y, ly) = terms[i], terms[j]
        del terms[j], terms[i]
        keep = set(output).union(*(set(labels) for _, labels in terms))
        terms.append(_contract(x, lx, y, ly, keep, sizes, preferred))
    [(x, lx)] = terms
    x, lx = _sum_out(x, lx, set(output))
    perm = [lx.index(lab) for lab in output]
    if perm != list(range(len(perm))):
        x = _ferrax.transpose(x, perm)
    if preferred is not None and x.dtype.name != preferred:
        x = _ferrax.convert_element_type(x, preferred)
    return x


def einsum_path(subscripts, /, *operands, optimize="greedy"):
    """The contraction order :func:`einsum` would use: ``(["einsum_path", (i, j), ...],
    description)``, the description giving the naive and the optimized multiply-add counts."""
    _, inputs, output, sizes = _prepare(subscripts, operands, "einsum_path")
    inputs = [list(dict.fromkeys(labels)) for labels in inputs]
    path = contraction_path(inputs, output, sizes, optimize)
    naive = path_cost(inputs, output, sizes, [(0, 1)] * (len(inputs) - 1))
    chosen = path_cost(inputs, output, sizes, path)
    description = (
        f"  Complete contraction:  {subscripts}\n"
        f"  Naive (left to right) multiply-adds:  {naive}\n"
        f"  Optimized multiply-adds:  {chosen}"
    )
    return ["einsum_path", *path], description

"""``einsum``: parses the subscripts and lowers to reduce_sum, transpose, multiply and
dot_general, contracting operands left to right."""

from .. import _ferrax
from .._util import as_array, dtype_name
from ..errors import FerraxNotImplementedError, FerraxTypeError, FerraxValueError

__all__ = ["einsum"]


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
    for i, labels in enumerate(inputs):
        letters = [lab for lab in labels if isinstance(lab, str)]
        if len(set(letters)) != len(letters):
            raise FerraxNotImplementedError(
                f"einsum: a repeated index within operand {i} ({terms[i]!r}: traces and "
                "diagonals) is not supported yet"
            )
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


def einsum(
    subscripts, /, *operands, out=None, optimize="auto", precision=None, preferred_element_type=None
):
    """Einstein summation over ``operands`` as described by ``subscripts`` (``"ij,jk->ik"``).

    Supports explicit and implicit outputs, ``...`` and broadcasting of size-1 dimensions;
    operands are contracted left to right (``optimize`` is accepted and ignored).
    """
    del optimize, precision
    if out is not None:
        raise FerraxNotImplementedError("einsum: the out argument is not supported")
    if not isinstance(subscripts, str):
        raise FerraxTypeError("einsum: only the subscripts-string form is supported")
    if not operands:
        raise FerraxValueError("einsum: at least one operand is required")
    operands = [as_array(x) for x in operands]
    inputs, output = _parse(subscripts, [x.ndim for x in operands])
    sizes = _sizes(operands, inputs)
    terms = [_drop_broadcast(x, labels, sizes) for x, labels in zip(operands, inputs)]
    preferred = dtype_name(preferred_element_type, "einsum")
    x, lx = terms[0]
    for j in range(1, len(terms)):
        keep = set(output).union(*(set(labels) for _, labels in terms[j + 1 :]))
        y, ly = terms[j]
        x, lx = _contract(x, lx, y, ly, keep, sizes, preferred)
    x, lx = _sum_out(x, lx, set(output))
    perm = [lx.index(lab) for lab in output]
    if perm != list(range(len(perm))):
        x = _ferrax.transpose(x, perm)
    if preferred is not None and x.dtype.name != preferred:
        x = _ferrax.convert_element_type(x, preferred)
    return x

"""The order in which ``einsum`` contracts its operands, chosen by a cost model.

A path is a list of pairs in the ``opt_einsum`` convention: each pair names two positions in
the current list of operands; they are removed, and their contraction is appended at the end.
The cost of contracting two operands is the product of the sizes of every index either of them
carries (the multiply-adds of the pairwise product), after indices no later operand and not the
output needs have been summed out of each.
"""

import math

from ..errors import FerraxValueError

__all__ = ["contraction_path", "path_cost"]

#: Up to this many operands the "optimal" strategy searches every contraction tree exactly.
MAX_OPTIMAL_OPERANDS = 10
#: Up to this many operands the "auto" strategy searches exactly, greedily beyond it.
MAX_AUTO_OPTIMAL_OPERANDS = 5


def _size(labels, sizes):
    return math.prod(sizes[lab] for lab in labels)


def _kept(labels, others, output):
    """The indices of an operand that the output or some other operand still needs."""
    return frozenset(lab for lab in labels if lab in output or any(lab in o for o in others))


def path_cost(inputs, output, sizes, path):
    """The summed pairwise cost of contracting ``inputs`` (label lists) along ``path``."""
    terms = [frozenset(labels) for labels in inputs]
    output = frozenset(output)
    total = 0
    for i, j in path:
        a, b = terms[i], terms[j]
        rest = [t for k, t in enumerate(terms) if k not in (i, j)]
        a, b = _kept(a, rest + [b], output), _kept(b, rest + [a], output)
        total += _size(a | b, sizes)
        terms = rest + [_kept(a | b, rest, output)]
    return total


def _left_to_right(n):
    return [(0, 1)] * (n - 1)


def _greedy(inputs, output, sizes):
    """Repeatedly contracts the pair whose result shrinks the operands' total size the most,
    breaking ties by the lower cost."""
    terms = [frozenset(labels) for labels in inputs]
    output = frozenset(output)
    path = []
    while len(terms) > 1:
        best = None
        for i in range(len(terms)):
            for j in range(i + 1, len(terms)):
                rest = [t for k, t in enumerate(terms) if k not in (i, j)]
                a = _kept(terms[i], rest + [terms[j]], output)
                b = _kept(terms[j], rest + [terms[i]], output)
                result = _kept(a | b, rest, output)
                growth = _size(result, sizes) - _size(a, sizes) - _size(b, sizes)
                key = (growth, _size(a | b, sizes))
                if best is None or key < best[0]:
                    best = (key, i, j, rest, result)
        _, i, j, rest, result = best
        path.append((i, j))
        terms = rest + [result]
    return path


def _optimal(inputs, output, sizes):
    """The cheapest contraction tree, by dynamic programming over subsets of the operands."""
    n = len(inputs)
    sets = [frozenset(labels) for labels in inputs]
    output = frozenset(output)
    full = (1 << n) - 1

    def labels_of(mask):
        return frozenset().union(*(sets[k] for k in range(n) if mask >> k & 1))

    kept = {}
    for mask in range(1, full + 1):
        outside = labels_of(full & ~mask)
        kept[mask] = frozenset(lab for lab in labels_of(mask) if lab in output or lab in outside)
    best = {1 << k: (0, None) for k in range(n)}
    for mask in sorted(range(1, full + 1), key=int.bit_count):
        if mask in best:
            continue
        low = mask & -mask
        choice = None
        sub = (mask - 1) & mask
        while sub:
            if sub & low:  # each split once: the part holding the lowest operand comes first
                other = mask ^ sub
                cost = best[sub][0] + best[other][0] + _size(kept[sub] | kept[other], sizes)
                if choice is None or cost < choice[0]:
                    choice = (cost, (sub, other))
            sub = (sub - 1) & mask
        best[mask] = choice
    return _tree_to_path(best, full, n)


def _tree_to_path(best, full, n):
    """The merges of a contraction tree, in post-order, as positions in the operand list."""
    current = [1 << k for k in range(n)]
    path = []

    def emit(mask):
        split = best[mask][1]
        if split is None:
            return
        emit(split[0])
        emit(split[1])
        i, j = sorted((current.index(split[0]), current.index(split[1])))
        path.append((i, j))
        del current[j], current[i]
        current.append(mask)

    emit(full)
    return path


def _explicit(path, n):
    """A user-given path, checked."""
    steps = list(path)
    if steps and steps[0] == "einsum_path":
        steps = steps[1:]
    remaining = n
    checked = []
    for step in steps:
        pair = tuple(step)
        if len(pair) != 2 or len(set(pair)) != 2 or not all(0 <= k < remaining for k in pair):
            raise FerraxValueError(
                f"einsum: path step {step!r} does not name two of the {remaining} operands"
            )
        checked.append(tuple(sorted(pair)))
        remaining -= 1
    if remaining != 1:
        raise FerraxValueError(f"einsum: path {path!r} leaves {remaining} operands uncontracted")
    return checked


def contraction_path(inputs, output, sizes, optimize):
    """The contraction path for ``optimize``: False (left to right), "greedy", "optimal",
    True (as "optimal"), "auto" (exact for few operands, greedy otherwise) or a path."""
    n = len(inputs)
    if n < 2:
        return []
    if isinstance(optimize, (list, tuple)):
        return _explicit(optimize, n)
    if optimize is False or optimize is None:
        return _left_to_right(n)
    if optimize is True or optimize in ("optimal", "dp"):
        exact = n <= MAX_OPTIMAL_OPERANDS
    elif optimize == "auto":
        exact = n <= MAX_AUTO_OPTIMAL_OPERANDS
    elif optimize == "greedy":
        exact = False
    else:
        raise FerraxValueError(
            f"einsum: optimize must be True, False, 'auto', 'greedy', 'optimal' or a path, "
            f"got {optimize!r}"
        )
    return _optimal(inputs, output, sizes) if exact else _greedy(inputs, output, sizes)

"""Pytrees, as ``jax.tree_util``: nested containers whose leaves transformations act on.

Flattening, unflattening and the registry of node types are in Rust (``_ferrax``); this module
adds the functions built on them and the key-path classes.
"""

import dataclasses
import functools

from . import _ferrax
from ._ferrax import PyTreeDef

__all__ = [
    "DictKey",
    "FlattenedIndexKey",
    "GetAttrKey",
    "Partial",
    "PyTreeDef",
    "SequenceKey",
    "keystr",
    "register_dataclass",
    "register_pytree_node",
    "register_pytree_node_class",
    "register_pytree_with_keys",
    "tree_all",
    "tree_flatten",
    "tree_flatten_with_path",
    "tree_leaves",
    "tree_leaves_with_path",
    "tree_map",
    "tree_map_with_path",
    "tree_reduce",
    "tree_structure",
    "tree_transpose",
    "tree_unflatten",
]


class _Key:
    """A step of a key path; compares and hashes by its class and value."""

    __slots__ = ()
    _field = ""

    def __eq__(self, other):
        return type(self) is type(other) and getattr(self, self._field) == getattr(
            other, other._field
        )

    def __hash__(self):
        return hash((type(self).__name__, getattr(self, self._field)))

    def __repr__(self):
        return f"{type(self).__name__}({self._field}={getattr(self, self._field)!r})"


class SequenceKey(_Key):
    """Position in a tuple or list: ``[0]``."""

    __slots__ = ("idx",)
    _field = "idx"

    def __init__(self, idx):
        self.idx = idx

    def __str__(self):
        return f"[{self.idx!r}]"


class DictKey(_Key):
    """Key of a dict: ``['a']``."""

    __slots__ = ("key",)
    _field = "key"

    def __init__(self, key):
        self.key = key

    def __str__(self):
        return f"[{self.key!r}]"


class GetAttrKey(_Key):
    """Attribute of a namedtuple or dataclass: ``.x``."""

    __slots__ = ("name",)
    _field = "name"

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return f".{self.name}"


class FlattenedIndexKey(_Key):
    """Position among the children of a registered node without keys: ``[0]``."""

    __slots__ = ("key",)
    _field = "key"

    def __init__(self, key):
        self.key = key

    def __str__(self):
        return f"[{self.key!r}]"


def tree_flatten(tree, is_leaf=None):
    """``(leaves, treedef)``."""
    return _ferrax.tree_flatten(tree, is_leaf)


def tree_unflatten(treedef, leaves):
    """The tree with structure ``treedef`` and the given leaves."""
    return treedef.unflatten(leaves)


def tree_leaves(tree, is_leaf=None):
    """The leaves, in flattening order."""
    return _ferrax.tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None):
    """The treedef."""
    return _ferrax.tree_flatten(tree, is_leaf)[1]


def tree_flatten_with_path(tree, is_leaf=None):
    """``([(key_path, leaf), ...], treedef)``."""
    return _ferrax.tree_flatten_with_path(tree, is_leaf)


def tree_leaves_with_path(tree, is_leaf=None):
    """``[(key_path, leaf), ...]``."""
    return _ferrax.tree_flatten_with_path(tree, is_leaf)[0]


def tree_map(f, tree, *rest, is_leaf=None):
    """``f`` applied leafwise to ``tree`` and the trees in ``rest`` (which must have the
    structure of ``tree``, or extend it below its leaves)."""
    leaves, treedef = _ferrax.tree_flatten(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten([f(*xs) for xs in zip(leaves, *others)])


def tree_map_with_path(f, tree, *rest, is_leaf=None):
    """``f(key_path, leaf, *other_leaves)`` leafwise."""
    pairs, treedef = _ferrax.tree_flatten_with_path(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten([f(p, x, *xs) for (p, x), *xs in zip(pairs, *others)])


def keystr(keys):
    """A key path as a string: ``['a'][0].x``."""
    return "".join(str(k) for k in keys)


_NO_INITIALIZER = object()


def tree_reduce(function, tree, initializer=_NO_INITIALIZER, is_leaf=None):
    """``functools.reduce`` over the leaves."""
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _NO_INITIALIZER:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_all(tree, *, is_leaf=None):
    """Whether every leaf is truthy."""
    return all(tree_leaves(tree, is_leaf))


def tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    """Turns an outer tree of inner trees into an inner tree of outer trees."""
    flat = outer_treedef.flatten_up_to(pytree_to_transpose)
    inner = [inner_treedef.flatten_up_to(x) for x in flat]
    columns = list(zip(*inner)) if inner else [[] for _ in range(inner_treedef.num_leaves)]
    return inner_treedef.unflatten([outer_treedef.unflatten(list(c)) for c in columns])


def register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys_func=None):
    """Registers ``nodetype``: ``flatten_func(x) -> (children, aux_data)`` and
    ``unflatten_func(aux_data, children) -> x``."""
    _ferrax.register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys_func)
    return nodetype


def register_pytree_with_keys(nodetype, flatten_with_keys, unflatten_func, flatten_func=None):
    """Registers ``nodetype`` with ``flatten_with_keys(x) -> ([(key, child), ...], aux)``."""
    if flatten_func is None:

        def flatten_func(x):
            pairs, aux = flatten_with_keys(x)
            return [c for _, c in pairs], aux

    return register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys)


def register_pytree_node_class(cls):
    """Class decorator: ``tree_flatten()`` returns ``(children, aux)`` and the classmethod
    ``tree_unflatten(aux, children)`` rebuilds."""
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


def register_dataclass(nodetype=None, data_fields=None, meta_fields=None, drop_fields=()):
    """Registers a dataclass: ``data_fields`` are children, ``meta_fields`` static aux data.
    Without field lists (or as a bare decorator) every field is a data field."""
    if nodetype is None:
        return functools.partial(
            register_dataclass,
            data_fields=data_fields,
            meta_fields=meta_fields,
            drop_fields=drop_fields,
        )
    if data_fields is None and meta_fields is None:
        names = [f.name for f in dataclasses.fields(nodetype) if f.name not in drop_fields]
        data_fields, meta_fields = names, []
    data_fields, meta_fields = list(data_fields), list(meta_fields or [])

    def flatten_with_keys(x):
        children = [(GetAttrKey(n), getattr(x, n)) for n in data_fields]
        return children, tuple(getattr(x, n) for n in meta_fields)

    def unflatten(aux, children):
        kwargs = dict(zip(data_fields, children))
        kwargs.update(zip(meta_fields, aux))
        return nodetype(**kwargs)

    register_pytree_with_keys(nodetype, flatten_with_keys, unflatten)
    return nodetype


class Partial(functools.partial):
    """A ``functools.partial`` that is a pytree: its arguments are children, the function is
    static, so it can be passed through transformations."""

    def __new__(cls, func, *args, **kwargs):
        return super().__new__(cls, func, *args, **kwargs)


register_pytree_node(
    Partial,
    lambda p: ((p.args, p.keywords), p.func),
    lambda func, children: Partial(func, *children[0], **children[1]),
)

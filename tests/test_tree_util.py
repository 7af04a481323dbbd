"""Pytrees: flattening order, round trips, registration, structure errors, key paths."""

import collections
import dataclasses

import ferrax
import pytest
from ferrax import errors
from ferrax import tree_util as tu

Pair = collections.namedtuple("Pair", ["first", "second"])


@tu.register_pytree_node_class
class Box:
    """A user node with static metadata."""

    def __init__(self, content, label):
        self.content, self.label = content, label

    def tree_flatten(self):
        return (self.content,), self.label

    @classmethod
    def tree_unflatten(cls, label, children):
        return cls(children[0], label)

    def __eq__(self, other):
        return isinstance(other, Box) and (self.content, self.label) == (other.content, other.label)


@tu.register_dataclass
@dataclasses.dataclass
class Params:
    w: object
    b: object


TREES = [
    1,
    None,
    (),
    (1,),
    [1, 2, 3],
    {"b": 1, "a": [2, 3], "c": None},
    collections.OrderedDict([("z", 1), ("a", 2)]),
    collections.defaultdict(list, {"y": 1, "x": 2}),
    Pair(1, [2, (3,)]),
    Box([1, 2], "meta"),
    Params(w=[1, 2], b=3),
    [{"k": (1, None, Pair(2, 3))}, Box({"q": 4}, 0)],
]


@pytest.mark.parametrize("tree", TREES, ids=repr)
def test_round_trip(tree):
    leaves, treedef = tu.tree_flatten(tree)
    assert treedef.num_leaves == len(leaves)
    assert tu.tree_unflatten(treedef, leaves) == tree
    assert tu.tree_structure(tree) == treedef
    assert hash(tu.tree_structure(tree)) == hash(treedef)


def test_leaf_order_follows_container_rules():
    assert tu.tree_leaves({"b": 1, "a": 2, "c": 3}) == [2, 1, 3]  # dicts: sorted keys
    od = collections.OrderedDict([("b", 1), ("a", 2)])
    assert tu.tree_leaves(od) == [1, 2]  # OrderedDict: insertion order
    assert tu.tree_leaves([None, (None,), 5]) == [5]  # None has no leaves
    assert tu.tree_leaves(Pair(first=1, second=2)) == [1, 2]


def test_structures_compare_by_kind_keys_and_aux():
    assert tu.tree_structure({"a": 1}) != tu.tree_structure({"b": 1})
    assert tu.tree_structure((1, 2)) != tu.tree_structure([1, 2])
    assert tu.tree_structure(Box(1, "x")) != tu.tree_structure(Box(1, "y"))
    assert tu.tree_structure(Box(1, "x")) == tu.tree_structure(Box(2, "x"))
    assert len({tu.tree_structure((1, [2])), tu.tree_structure((3, [4]))}) == 1


def test_repr():
    assert repr(tu.tree_structure((1, {"a": 2, "b": [3, None]}))) == (
        "PyTreeDef((*, {'a': *, 'b': [*, None]}))"
    )
    assert repr(tu.tree_structure((1,))) == "PyTreeDef((*,))"


def test_tree_map_with_several_trees_and_is_leaf():
    a = {"x": [1, 2], "y": 3}
    b = {"x": [10, 20], "y": 30}
    assert tu.tree_map(lambda p, q: p + q, a, b) == {"x": [11, 22], "y": 33}
    # b may extend a below a's leaves
    assert tu.tree_map(lambda p, q: (p, q), {"x": 1}, {"x": [1, 2]}) == {"x": (1, [1, 2])}
    out = tu.tree_map(len, {"x": [1, 2], "y": [3]}, is_leaf=lambda t: isinstance(t, list))
    assert out == {"x": 2, "y": 1}


def test_mismatched_structures_show_both():
    with pytest.raises(ValueError) as info:
        tu.tree_map(lambda p, q: p, {"a": 1, "b": 2}, {"a": 1, "c": 2})
    assert isinstance(info.value, errors.FerraxError)
    assert "'b'" in str(info.value) and "'c'" in str(info.value)
    with pytest.raises(ValueError, match="expected 2, got 3"):
        tu.tree_structure((1, 2)).unflatten([1, 2, 3])


def test_key_paths():
    pairs = tu.tree_leaves_with_path({"a": [1, Pair(2, 3)], "b": Box(4, "m")})
    paths = [tu.keystr(p) for p, _ in pairs]
    assert paths == ["['a'][0]", "['a'][1].first", "['a'][1].second", "['b'][0]"]
    assert [leaf for _, leaf in pairs] == [1, 2, 3, 4]
    got = tu.tree_map_with_path(lambda p, x: tu.keystr(p), Params(w=1, b=2))
    assert (got.w, got.b) == (".w", ".b")


def test_reduce_all_and_transpose():
    assert tu.tree_reduce(lambda a, b: a + b, [1, (2, 3)], 10) == 16
    assert tu.tree_all([True, {"a": 1}]) and not tu.tree_all([True, 0])
    outer, inner = tu.tree_structure([0, 0, 0]), tu.tree_structure((0, 0))
    assert tu.tree_transpose(outer, inner, [(1, 2), (3, 4), (5, 6)]) == ([1, 3, 5], [2, 4, 6])


def test_register_with_keys_and_duplicate_registration():
    class Node:
        def __init__(self, left, right):
            self.left, self.right = left, right

    tu.register_pytree_with_keys(
        Node,
        lambda n: (((tu.GetAttrKey("left"), n.left), (tu.GetAttrKey("right"), n.right)), None),
        lambda _, children: Node(*children),
    )
    pairs = tu.tree_leaves_with_path(Node(1, Node(2, 3)))
    assert [tu.keystr(p) for p, _ in pairs] == [".left", ".right.left", ".right.right"]
    with pytest.raises(ValueError, match="Duplicate"):
        tu.register_pytree_node(Node, lambda n: ((), None), lambda a, c: Node(1, 2))


def test_partial_is_a_pytree():
    p = tu.Partial(lambda x, y: x * y, 3.0)
    assert tu.tree_leaves(p) == [3.0]
    doubled = tu.tree_map(lambda v: v * 2, p)
    assert doubled(5.0) == 30.0
    assert float(ferrax.grad(lambda q: q(2.0))(p).args[0]) == 2.0

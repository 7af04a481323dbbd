"""Shape manipulation, splitting, padding and rearranging in ``ferrax.numpy`` against NumPy,
with derivatives (finite differences), vmap against a loop, and jit against eager."""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from helpers import assert_exact


def rand(rng, shape, dtype="float32"):
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    return rng.integers(-5, 6, shape).astype(dtype)


def assert_pieces(got, want):
    assert isinstance(got, list) and len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert_exact(g, w)


# --- stacking ------------------------------------------------------------------------------
STACK_INPUTS = [
    [(), ()],
    [(3,), (4,)],
    [(2, 3), (2, 1)],
    [(2, 3, 4), (2, 2, 4)],
]


@pytest.mark.parametrize("shapes", STACK_INPUTS)
def test_hstack(shapes, rng):
    xs = [rand(rng, s) for s in shapes]
    assert_exact(jnp.hstack([jnp.asarray(x) for x in xs]), np.hstack(xs))
    assert_exact(jnp.hstack(xs, dtype="int32"), np.hstack(xs).astype("int32"))


@pytest.mark.parametrize(
    "shapes", [[(), ()], [(3,), (3,)], [(2, 3), (1, 3)], [(2, 3, 4), (1, 3, 4)]]
)
def test_vstack_and_row_stack_of_an_array(shapes, rng):
    xs = [rand(rng, s) for s in shapes]
    assert_exact(jnp.vstack(xs), np.vstack(xs))
    m = rand(rng, (3, 4))
    assert_exact(jnp.vstack(jnp.asarray(m)), np.vstack(m))


@pytest.mark.parametrize(
    "shapes", [[(), ()], [(3,), (3,)], [(2, 3), (2, 3)], [(2, 3, 4), (2, 3, 1)]]
)
def test_dstack(shapes, rng):
    xs = [rand(rng, s) for s in shapes]
    assert_exact(jnp.dstack(xs), np.dstack(xs))


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(3,), (3, 2)], [(2, 3), (2, 1)], [(), ()]])
def test_column_stack(shapes, rng):
    xs = [rand(rng, s) for s in shapes]
    assert_exact(jnp.column_stack(xs), np.column_stack(xs))


def test_stacking_promotes_dtypes(rng):
    # JAX's lattice: int32 with float32 gives float32 (NumPy would give float64)
    a, b = rand(rng, (3,), "int32"), rand(rng, (3,))
    assert_exact(jnp.hstack([a, b]), np.hstack([a, b]).astype("float32"))
    assert_exact(jnp.vstack([a, b]), np.vstack([a, b]).astype("float32"))


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (1, 2, 3, 4)])
def test_atleast(shape, rng):
    x = rand(rng, shape)
    for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
        assert_exact(getattr(jnp, name)(x), getattr(np, name)(x))
    got = jnp.atleast_2d(x, 1.0)
    assert isinstance(got, list) and len(got) == 2
    assert_exact(got[0], np.atleast_2d(x))
    assert got[1].shape == (1, 1)


def test_broadcast_arrays(rng):
    xs = [rand(rng, s) for s in [(3, 1), (4,), ()]]
    got = jnp.broadcast_arrays(*xs)
    want = np.broadcast_arrays(*xs)
    for g, w in zip(got, want, strict=True):
        assert_exact(g, np.array(w))
    with pytest.raises(ValueError, match="broadcast_arrays"):
        jnp.broadcast_arrays(np.ones(3), np.ones(4))


# --- splitting -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "arg", "axis"),
    [
        ((6,), 3, 0),
        ((4, 6), 2, 1),
        ((4, 6), [1, 4], 1),
        ((4, 6), [-2, 9, 3], 1),
        ((4, 6), [], 0),
        ((2, 3, 4), np.array([1, 3]), -1),
        ((0, 3), 2, 0),
    ],
)
def test_split(shape, arg, axis, rng):
    x = rand(rng, shape)
    assert_pieces(jnp.split(x, arg, axis), np.split(x, arg, axis))
    assert_pieces(jnp.array_split(x, arg, axis), np.array_split(x, arg, axis))


@pytest.mark.parametrize("sections", [1, 3, 4, 7])
def test_array_split_uneven(sections, rng):
    x = rand(rng, (2, 7))
    assert_pieces(jnp.array_split(x, sections, 1), np.array_split(x, sections, 1))


@pytest.mark.parametrize("name", ["hsplit", "vsplit", "dsplit"])
@pytest.mark.parametrize("arg", [2, [1, 3]])
def test_hsplit_vsplit_dsplit(name, arg, rng):
    x = rand(rng, (4, 4, 4))
    assert_pieces(getattr(jnp, name)(x, arg), getattr(np, name)(x, arg))
    if name == "hsplit":
        y = rand(rng, (6,))
        assert_pieces(jnp.hsplit(y, arg), np.hsplit(y, arg))


def test_split_errors():
    x = jnp.ones((4, 6))
    with pytest.raises(ValueError, match="split: array split does not result in an equal"):
        jnp.split(x, 4, axis=1)
    with pytest.raises(ValueError, match="hsplit: array split does not result"):
        jnp.hsplit(x, 4)
    with pytest.raises(ValueError, match="array_split: number of sections must be positive"):
        jnp.array_split(x, 0)
    with pytest.raises(ValueError, match="split: axis 2 is out of bounds"):
        jnp.split(x, 2, axis=2)
    with pytest.raises(ValueError, match="vsplit only works on arrays of 2"):
        jnp.vsplit(jnp.ones(4), 2)
    with pytest.raises(ValueError, match="dsplit only works on arrays of 3"):
        jnp.dsplit(x, 2)
    with pytest.raises(TypeError, match="split: split indices must be static"):
        jax.jit(lambda a, i: jnp.split(a, i))(x, jnp.asarray([1, 2]))


# --- tile, repeat, roll, rot90, flips ------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "reps"),
    [((3,), 2), ((3,), (2, 2)), ((2, 3), (2,)), ((2, 3), (1, 3, 2)), ((), 3), ((2, 1), 0)],
)
def test_tile(shape, reps, rng):
    x = rand(rng, shape)
    assert_exact(jnp.tile(x, reps), np.tile(x, reps))


@pytest.mark.parametrize(
    ("shape", "repeats", "axis"),
    [
        ((3,), 2, None),
        ((2, 3), 3, 1),
        ((2, 3), [1, 0, 3], 1),
        ((2, 3), [2], 0),
        ((2, 3), np.array([1, 2, 0, 4, 1, 1]), None),
        ((), 4, None),
    ],
)
def test_repeat(shape, repeats, axis, rng):
    x = rand(rng, shape)
    assert_exact(jnp.repeat(x, repeats, axis), np.repeat(x, repeats, axis))


def test_repeat_total_length_static_and_traced(rng):
    x = rand(rng, (4, 3))
    counts = np.array([2, 0, 3, 1])
    full = np.repeat(x, counts, axis=0)
    last = x[-1:]
    for total in (3, 6, 9):
        want = full[:total] if total <= 6 else np.concatenate([full] + [last] * (total - 6))
        assert_exact(jnp.repeat(x, counts, 0, total_repeat_length=total), want)
        got = jax.jit(lambda c, t=total: jnp.repeat(x, c, 0, total_repeat_length=t))(counts)
        assert_exact(got, want)
    got = jax.jit(lambda c: jnp.repeat(x, c, 1, total_repeat_length=6))(jnp.asarray(2))
    assert_exact(got, np.repeat(x, 2, 1))
    with pytest.raises(TypeError, match="repeat: traced repeats need a static total"):
        jax.jit(lambda c: jnp.repeat(x, c, 0))(counts)


@pytest.mark.parametrize(
    ("shape", "shift", "axis"),
    [
        ((5,), 2, None),
        ((5,), -7, 0),
        ((3, 4), 1, None),
        ((3, 4), (1, -2), (0, 1)),
        ((3, 4), 3, (0, 1)),
        ((3, 4), (1, 2), 1),
        ((2, 3, 4), 5, -1),
    ],
)
def test_roll(shape, shift, axis, rng):
    x = rand(rng, shape)
    want = np.roll(x, shift, axis)
    assert_exact(jnp.roll(x, shift, axis), want)
    # traced shifts take the dynamic-slice path
    got = jax.jit(lambda s: jnp.roll(x, s, axis))(jnp.asarray(shift))
    assert_exact(got, want)


@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 5])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (2, 0), (-1, 1)])
def test_rot90(k, axes, rng):
    x = rand(rng, (2, 3, 4))
    assert_exact(jnp.rot90(x, k, axes), np.rot90(x, k, axes))


def test_flips(rng):
    x = rand(rng, (2, 3, 4))
    assert_exact(jnp.fliplr(x), np.fliplr(x))
    assert_exact(jnp.flipud(x), np.flipud(x))
    assert_exact(jnp.flipud(x[0, 0]), np.flipud(x[0, 0]))
    with pytest.raises(ValueError, match="fliplr"):
        jnp.fliplr(jnp.ones(3))
    with pytest.raises(ValueError, match="flipud"):
        jnp.flipud(jnp.ones(()))
    with pytest.raises(ValueError, match="rot90: the two axes must differ"):
        jnp.rot90(x, 1, (1, 1))
    with pytest.raises(ValueError, match="rot90: axes must hold 2 axes"):
        jnp.rot90(x, 1, (0, 1, 2))


# --- pad -----------------------------------------------------------------------------------
PAD_WIDTHS = [2, (1, 3), ((0, 2), (3, 1)), ((7, 9), (4, 0)), ((0, 0), (0, 0))]


@pytest.mark.parametrize("width", PAD_WIDTHS)
@pytest.mark.parametrize(
    ("mode", "kwargs"),
    [
        ("constant", {}),
        ("constant", {"constant_values": 2.5}),
        ("constant", {"constant_values": ((1, 2), (3, 4))}),
        ("edge", {}),
        ("wrap", {}),
        ("reflect", {}),
        ("reflect", {"reflect_type": "odd"}),
        ("symmetric", {}),
        ("symmetric", {"reflect_type": "odd"}),
        ("maximum", {}),
        ("minimum", {"stat_length": 2}),
        ("mean", {"stat_length": ((1, 2), (3, 1))}),
        ("median", {}),
        ("median", {"stat_length": 2}),
    ],
)
def test_pad_modes(width, mode, kwargs, rng):
    x = rand(rng, (3, 4))
    assert_exact(jnp.pad(x, width, mode, **kwargs), np.pad(x, width, mode, **kwargs))


@pytest.mark.parametrize("width", [(4, 5), 1])
@pytest.mark.parametrize("end_values", [0, (2, -3)])
def test_pad_linear_ramp(width, end_values, rng):
    x = rand(rng, (3, 4))
    want = np.pad(x, width, "linear_ramp", end_values=end_values)
    got = jnp.pad(x, width, "linear_ramp", end_values=end_values)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    ("mode", "kwargs"),
    [
        ("constant", {"constant_values": 7}),
        ("edge", {}),
        ("wrap", {}),
        ("reflect", {"reflect_type": "odd"}),
        ("symmetric", {}),
        ("mean", {}),
        ("median", {"stat_length": 2}),
        ("linear_ramp", {"end_values": (9, -4)}),
    ],
)
@pytest.mark.parametrize("length", [1, 2, 5])
def test_pad_integers_and_short_axes(mode, kwargs, length, rng):
    x = rand(rng, (length,), "int32")
    for width in [(3, 0), (6, 11)]:
        assert_exact(jnp.pad(x, width, mode, **kwargs), np.pad(x, width, mode, **kwargs))


def test_pad_traced_constant_and_3d(rng):
    x = rand(rng, (2, 3, 2))
    got = jax.jit(lambda a, c: jnp.pad(a, ((1, 0), (0, 2), (1, 1)), constant_values=c))(x, 4.0)
    assert_exact(got, np.pad(x, ((1, 0), (0, 2), (1, 1)), constant_values=4.0))
    assert_exact(jnp.pad(x, 3, "reflect"), np.pad(x, 3, "reflect"))


def test_pad_errors():
    x = jnp.ones((2, 3))
    with pytest.raises(ValueError, match="pad: pad_width must be non-negative"):
        jnp.pad(x, -1)
    with pytest.raises(ValueError, match="pad: pad_width of shape"):
        jnp.pad(x, ((1, 2, 3),))
    with pytest.raises(ValueError, match="pad: mode 'bogus' is not supported"):
        jnp.pad(x, 1, "bogus")
    with pytest.raises(ValueError, match="unsupported keyword arguments for mode 'edge'"):
        jnp.pad(x, 1, "edge", constant_values=1)
    with pytest.raises(ValueError, match="cannot extend the empty axis"):
        jnp.pad(jnp.ones((0, 3)), 1, "reflect")
    with pytest.raises(NotImplementedError, match="pad: a callable mode"):
        jnp.pad(x, 1, lambda *a: None)
    with pytest.raises(TypeError, match="pad: pad_width must be static"):
        jax.jit(lambda w: jnp.pad(x, w))(jnp.asarray(1))


# --- append, delete, insert ----------------------------------------------------------------
def test_append(rng):
    x, y = rand(rng, (2, 3)), rand(rng, (2, 2))
    assert_exact(jnp.append(x, y), np.append(x, y))
    assert_exact(jnp.append(x, y, axis=1), np.append(x, y, axis=1))
    assert_exact(jnp.append(x, 5), np.append(x, np.float32(5)))
    with pytest.raises(ValueError, match="append"):
        jnp.append(x, y[0], axis=0)


@pytest.mark.parametrize(
    ("obj", "axis"),
    [
        (1, None),
        (-1, 1),
        ([0, 2, 2], 2),
        (np.array([3, -4]), 2),
        (slice(1, None, 2), 2),
        (np.array([True, False, True]), 1),
        ([], 0),
    ],
)
def test_delete(obj, axis, rng):
    x = rand(rng, (2, 3, 4))
    assert_exact(jnp.delete(x, obj, axis), np.delete(x, obj, axis))


def test_delete_traced_unique_indices(rng):
    x = rand(rng, (3, 5))
    f = jax.jit(lambda i: jnp.delete(x, i, 1, assume_unique_indices=True))
    for idx in ([4, 0], [-1, 2], [3]):
        assert_exact(f(jnp.asarray(idx)), np.delete(x, idx, 1))
    with pytest.raises(TypeError, match="delete: obj is traced"):
        jax.jit(lambda i: jnp.delete(x, i, 1))(jnp.asarray([1]))
    with pytest.raises(IndexError, match="delete: index 5 is out of bounds"):
        jnp.delete(x, 5, 1)
    with pytest.raises(ValueError, match="delete: a boolean obj"):
        jnp.delete(x, np.array([True, False]), 1)


@pytest.mark.parametrize(
    ("obj", "values", "axis"),
    [
        (1, [7.0, 8.0], None),
        (3, 9.0, 1),
        (0, [1.0, 2.0, 3.0, 4.0], 1),
        ([1], [[1.0], [2.0], [3.0]], 1),
        (slice(0, 4, 2), 5.0, 2),
        ([2, 0, 2], [1.0, 2.0, 3.0], 2),
        (2, np.ones((3, 4)), 1),
        (-1, [[1, 2, 3, 4]], 1),
        ([4, 4], 0.5, 2),
    ],
)
def test_insert(obj, values, axis, rng):
    x = rand(rng, (3, 3, 4))
    want = np.insert(x, obj, values, axis)
    assert_exact(jnp.insert(x, obj, values, axis), want)
    if not isinstance(obj, slice):
        got = jax.jit(lambda o: jnp.insert(x, o, values, axis))(jnp.asarray(obj, dtype="int32"))
        assert_exact(got, want)


def test_insert_casts_and_errors(rng):
    x = rand(rng, (4,), "int32")
    assert_exact(jnp.insert(x, 2, 7.9), np.insert(x, 2, 7.9))
    with pytest.raises(IndexError, match="insert: index 6 is out of bounds"):
        jnp.insert(x, 6, 1)
    with pytest.raises(ValueError, match="insert: values of shape"):
        jnp.insert(jnp.ones((2, 3)), [0, 1], np.ones((2, 3)), axis=1)
    with pytest.raises(ValueError, match="insert: obj must be a slice"):
        jnp.insert(x, [[1]], 1)


# --- diff, ediff1d, select, piecewise ------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "n", "axis", "prepend", "append"),
    [
        ((6,), 1, -1, None, None),
        ((6,), 3, 0, None, None),
        ((3, 5), 2, 0, None, None),
        ((3, 5), 1, 1, 0.5, None),
        ((3, 5), 2, -1, None, np.ones((3, 2), "float32")),
        ((3, 5), 0, 1, None, None),
        ((3, 5), 7, 1, None, None),
    ],
)
def test_diff(shape, n, axis, prepend, append, rng):
    x = rand(rng, shape)
    kw = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not None}
    want = np.diff(x, n, axis, **kw)
    np.testing.assert_allclose(jnp.diff(x, n, axis, **kw), want, rtol=1e-6, atol=1e-5)
    assert jnp.diff(x, n, axis, **kw).shape == want.shape


def test_diff_ints_bools_and_errors(rng):
    x = rand(rng, (7,), "int32")
    assert_exact(jnp.diff(x, 2), np.diff(x, 2))
    b = x > 0
    assert_exact(jnp.diff(b), np.diff(b))
    with pytest.raises(ValueError, match="diff: order n must be non-negative"):
        jnp.diff(x, -1)
    with pytest.raises(ValueError, match="diff: the input must be at least 1-D"):
        jnp.diff(jnp.asarray(1.0))
    with pytest.raises(ValueError, match="diff: axis 3 is out of bounds"):
        jnp.diff(x, axis=3)


def test_ediff1d(rng):
    x = rand(rng, (2, 3), "int32")
    assert_exact(jnp.ediff1d(x), np.ediff1d(x))
    assert_exact(jnp.ediff1d(x, to_end=[7, 8], to_begin=-1), np.ediff1d(x, [7, 8], -1))


def test_select(rng):
    x = rand(rng, (3, 4))
    conds = [x < -0.5, x > 0.5, x > 0.0]
    choices = [x * 2, np.float32(1.0), x - 3]
    assert_exact(jnp.select(conds, choices, default=-7.0), np.select(conds, choices, -7.0))
    ints = [rand(rng, (3, 4), "int32") for _ in conds]
    assert_exact(jnp.select(conds, ints), np.select(conds, ints))
    with pytest.raises(ValueError, match="select: condlist and choicelist"):
        jnp.select(conds, choices[:2])
    with pytest.raises(TypeError, match="select: condlist"):
        jnp.select([x], [x])


def test_piecewise(rng):
    x = rand(rng, (10,))
    conds = [x < 0, x > 0.5]
    funcs = [lambda v: -v, lambda v: v * 3, 0.25]
    assert_exact(jnp.piecewise(x, conds, funcs), np.piecewise(x, conds, funcs))
    assert_exact(jnp.piecewise(x, conds, funcs[:2]), np.piecewise(x, conds, funcs[:2]))
    xi = rand(rng, (6,), "int32")
    assert_exact(
        jnp.piecewise(xi, xi > 0, [lambda v: v * 2]), np.piecewise(xi, xi > 0, [lambda v: v * 2])
    )


# --- transformations -----------------------------------------------------------------------
def test_derivatives(x64, rng):
    x = rng.standard_normal((4, 5))
    y = rng.standard_normal((4, 2))
    check_grads(lambda a: jnp.pad(a, ((1, 2), (3, 0)), "reflect"), (x,), 2)
    check_grads(lambda a: jnp.pad(a, ((2, 9), (0, 1)), "symmetric", reflect_type="odd"), (x,), 2)
    check_grads(lambda a: jnp.pad(a, 3, "wrap") * jnp.pad(a, 3, "edge"), (x,), 2)
    check_grads(lambda a, c: jnp.pad(a, 1, constant_values=c[0, 0]), (x, y), 2)
    check_grads(lambda a: jnp.pad(a, (2, 1), "mean", stat_length=3), (x,), 1)
    check_grads(lambda a: jnp.pad(a, (2, 1), "linear_ramp", end_values=1.0), (x,), 1)
    check_grads(lambda a: jnp.roll(a, (1, -2), (0, 1)) * jnp.rot90(a, 2), (x,), 2)
    check_grads(lambda a: jnp.tile(a, (2, 1, 3)), (x,), 1)
    check_grads(lambda a: jnp.repeat(a, np.array([1, 0, 2, 3]), 0), (x,), 2)
    check_grads(lambda a: jnp.split(a, [1, 3], 1)[1] ** 2, (x,), 2)
    check_grads(lambda a, b: jnp.hstack([a, b]) * jnp.vstack([b.T, b.T]).sum(), (x, y), 2)
    check_grads(lambda a: jnp.diff(a**2, 2, axis=1, prepend=1.0), (x,), 2)
    check_grads(lambda a, b: jnp.insert(a, [1, 1, 4], b[:, :1] * 3.0, axis=1), (x, y), 2)
    check_grads(lambda a: jnp.delete(a, [0, 3], 1) ** 3, (x,), 2)
    check_grads(lambda a, b: jnp.select([a > 0, a < -1], [a * b[:, :1], a**2], 0.5), (x, y), 2)
    # traced positions go through a gather
    pos = jnp.asarray([3, 0])
    check_grads(lambda a, b: jnp.insert(a, pos, b, axis=1), (x, y), 2)
    check_grads(lambda a: jnp.roll(a, jnp.asarray(3), 1), (x,), 2)


def test_vmap_matches_loop(rng):
    xs = rand(rng, (3, 4, 5))
    shifts = np.array([1, -2, 7], "int32")
    cases = [
        (lambda a: jnp.pad(a, ((1, 2), (2, 0)), "symmetric"), (xs,)),
        (lambda a, s: jnp.roll(a, s, 1), (xs, shifts)),
        (lambda a: jnp.tile(a, 2), (xs,)),
        (lambda a: jnp.repeat(a, [1, 2, 0, 1], axis=0), (xs,)),
        (lambda a: jnp.split(a, 2, 0)[1], (xs,)),
        (lambda a: jnp.diff(a, 1, 0), (xs,)),
        (lambda a, s: jnp.insert(a, s, 9.0, axis=1), (xs, np.abs(shifts) % 5)),
        (lambda a: jnp.delete(a, [0, 4], 1), (xs,)),
        (lambda a: jnp.select([a > 0], [a], -1.0), (xs,)),
    ]
    for f, args in cases:
        got = jax.vmap(f)(*[jnp.asarray(a) for a in args])
        want = np.stack([np.asarray(f(*[jnp.asarray(a[i]) for a in args])) for i in range(3)])
        assert_exact(got, want)


def test_jit_matches_eager(rng):
    x = rand(rng, (4, 6))
    cases = [
        lambda a: jnp.pad(a, (3, 8), "reflect"),
        lambda a: jnp.pad(a, 2, "median"),
        lambda a: jnp.array_split(a, 4, 1)[3],
        lambda a: jnp.dstack([a, a])[..., 1],
        lambda a: jnp.column_stack([a[0], a[1]]),
        lambda a: jnp.tile(a, (1, 2)),
        lambda a: jnp.rot90(a, 3),
        lambda a: jnp.ediff1d(a, to_begin=0.0),
        lambda a: jnp.piecewise(a, [a > 0], [jnp.sin, jnp.cos]),
        lambda a: jnp.append(a, a[:1], axis=0),
    ]
    for f in cases:
        assert_exact(jax.jit(f)(x), f(jnp.asarray(x)))

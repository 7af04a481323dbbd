"""Creation and matrix helpers of ferrax.numpy against NumPy (logspace, geomspace, meshgrid,
indices, tri/tril/triu, diag/diagonal/diagflat/fill_diagonal, trace, kron, cross), the dtype
objects, and their derivatives (finite differences), vmap, jit and errors."""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax import errors
from helpers import assert_exact


def _close(got, expected, rtol=2e-6, atol=1e-6, dtype="float32"):
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == np.dtype(dtype), got.dtype
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)


# --- ranges on a log scale --------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", [True, False])
@pytest.mark.parametrize("num", [0, 1, 2, 7])
def test_logspace(endpoint, num):
    for start, stop, base in ((0, 3, 10.0), (-1.5, 2.0, 2.0), (2.0, -1.0, 3.5)):
        got = jnp.logspace(start, stop, num, endpoint, base)
        _close(got, np.logspace(start, stop, num, endpoint, base), rtol=1e-5)
    got = jnp.logspace(0, 3, 4, dtype=jnp.int32)
    assert_exact(got, np.logspace(0, 3, 4).round().astype(np.int32))


def test_logspace_arrays_and_axis():
    start, stop = np.array([0.0, 1.0]), np.array([2.0, 3.0])
    base = np.array([2.0, 10.0])
    for axis in (0, 1, -1):
        got = jnp.logspace(start, stop, 5, base=base, axis=axis)
        _close(got, np.logspace(start, stop, 5, base=base, axis=axis), rtol=1e-5)
    bases = np.array([[2.0], [3.0], [10.0]])  # base adds a dimension of its own
    for axis in (0, 2):
        got = jnp.logspace(start, stop, 4, base=bases, axis=axis)
        _close(got, np.logspace(start, stop, 4, base=bases, axis=axis), rtol=1e-5)


@pytest.mark.parametrize("endpoint", [True, False])
@pytest.mark.parametrize("num", [0, 1, 2, 9])
def test_geomspace(endpoint, num):
    for start, stop in ((1, 1000), (2.0, 0.5), (-3.0, -300.0), (1e-3, 7.0)):
        got = jnp.geomspace(start, stop, num, endpoint)
        expected = np.geomspace(start, stop, num, endpoint)
        # Samples are exponentials of float32 logarithms: the relative error grows with them.
        rtol = (
            4 * np.finfo(np.float32).eps * max(1, abs(np.log(abs(start))), abs(np.log(abs(stop))))
        )
        _close(got, expected, rtol=rtol, atol=0)
        if num:  # the endpoints are exact
            assert np.asarray(got)[0] == np.float32(start)
            if endpoint and num > 1:
                assert np.asarray(got)[-1] == np.float32(stop)
    starts, stops = np.array([1.0, -2.0]), np.array([16.0, -32.0])
    for axis in (0, -1):
        got = jnp.geomspace(starts, stops, num, endpoint, axis=axis)
        _close(got, np.geomspace(starts, stops, num, endpoint, axis=axis), rtol=1e-5)


def test_range_dtypes(x64):
    # A float32 argument keeps float32 under x64; integers give the default float.
    assert jnp.linspace(jnp.float32(0), 1, 3).dtype == np.float32
    assert jnp.logspace(jnp.float32(0), 1, 3).dtype == np.float32
    assert jnp.geomspace(jnp.float32(1), 2, 3).dtype == np.float32
    assert jnp.logspace(0, 1, 3).dtype == np.float64
    assert jnp.geomspace(1, 2, 3).dtype == np.float64


# --- grids ------------------------------------------------------------------------------------


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("count", [1, 2, 3])
def test_meshgrid(indexing, sparse, count):
    xs = [np.arange(3, dtype=np.int32), np.linspace(0, 1, 4).astype(np.float32), np.arange(2.0)]
    got = jnp.meshgrid(*xs[:count], indexing=indexing, sparse=sparse)
    expected = np.meshgrid(*xs[:count], indexing=indexing, sparse=sparse)
    assert isinstance(got, list) and len(got) == count
    for g, e in zip(got, expected):
        assert_exact(g, e.astype(np.float32) if e.dtype == np.float64 else e)
    assert jnp.meshgrid() == []


@pytest.mark.parametrize("dims", [(), (4,), (2, 3), (2, 1, 3)])
def test_indices(dims):
    assert_exact(jnp.indices(dims), np.indices(dims).astype(np.int32))
    assert_exact(jnp.indices(dims, dtype=jnp.float32), np.indices(dims, dtype=np.float32))
    sparse = jnp.indices(dims, sparse=True)
    assert isinstance(sparse, tuple)
    for g, e in zip(sparse, np.indices(dims, sparse=True), strict=True):
        assert_exact(g, e.astype(np.int32))


# --- building matrices ------------------------------------------------------------------------


@pytest.mark.parametrize("k", [-4, -1, 0, 2, 7])
def test_tri_tril_triu(k, rng):
    _close(jnp.tri(4, 6, k), np.tri(4, 6, k))
    assert_exact(jnp.tri(3, k=k, dtype=jnp.int32), np.tri(3, k=k, dtype=np.int32))
    assert_exact(jnp.tri(0, 2, k), np.tri(0, 2, k, dtype=np.float32))
    x = rng.standard_normal((2, 4, 5)).astype(np.float32)
    assert_exact(jnp.tril(x, k), np.tril(x, k))
    assert_exact(jnp.triu(x, k), np.triu(x, k))
    ints = rng.integers(-5, 5, (5, 3)).astype(np.int32)
    assert_exact(jnp.tril(ints, k), np.tril(ints, k))
    assert_exact(jnp.triu(ints > 0, k), np.triu(ints > 0, k))


@pytest.mark.parametrize("k", [-5, -2, 0, 1, 4])
def test_diag_diagflat(k, rng):
    v = rng.standard_normal(4).astype(np.float32)
    assert_exact(jnp.diag(v, k), np.diag(v, k))
    m = rng.integers(-5, 5, (4, 6)).astype(np.int32)
    assert_exact(jnp.diag(m, k), np.diag(m, k))
    assert_exact(jnp.diagflat(m[:2, :3], k), np.diagflat(m[:2, :3], k))
    assert_exact(jnp.diag(np.zeros(0, np.float32), k), np.diag(np.zeros(0, np.float32), k))


@pytest.mark.parametrize("offset", [-6, -3, -1, 0, 2, 5, 9])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (2, 0), (-1, 1)])
def test_diagonal_trace(offset, axes, rng):
    x = rng.standard_normal((4, 5, 6)).astype(np.float32)
    assert_exact(jnp.diagonal(x, offset, *axes), np.diagonal(x, offset, *axes))
    _close(jnp.trace(x, offset, *axes), np.trace(x, offset, *axes, dtype=np.float64), rtol=1e-5)
    ints = rng.integers(-5, 5, (4, 5)).astype(np.int32)
    assert_exact(jnp.trace(ints, offset), np.trace(ints, offset, dtype=np.int32))
    assert_exact(jnp.trace(ints > 0, offset), np.trace(ints > 0, offset, dtype=np.int32))
    got = jnp.trace(ints, offset, dtype=jnp.float32)
    assert_exact(got, np.trace(ints, offset, dtype=np.float32))


@pytest.mark.parametrize(
    ("shape", "wrap"),
    [((4, 4), False), ((7, 3), False), ((7, 3), True), ((3, 5), False), ((3, 5), True),
     ((3, 3, 3), False), ((2, 2, 2, 2), False), ((1, 1), False)],
)  # fmt: skip
def test_fill_diagonal(shape, wrap, rng):
    x = rng.standard_normal(shape).astype(np.float32)
    for val in (5.0, np.array([1.0, 2.0]), np.arange(10.0), np.arange(4.0).reshape(2, 2)):
        expected = x.copy()
        np.fill_diagonal(expected, val, wrap=wrap)
        assert_exact(jnp.fill_diagonal(x, val, wrap=wrap, inplace=False), expected)
    ints = rng.integers(0, 9, shape).astype(np.int32)
    expected = ints.copy()
    np.fill_diagonal(expected, -1, wrap=wrap)
    assert_exact(jnp.fill_diagonal(ints, -1, wrap=wrap, inplace=False), expected)


# --- products ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a_shape", "b_shape"), [((2, 3), (4, 5)), ((3,), (2, 2)), ((2, 1, 3), (3, 2)), ((), (3,))]
)
def test_kron(a_shape, b_shape, rng):
    a = rng.standard_normal(a_shape).astype(np.float32)
    b = rng.standard_normal(b_shape).astype(np.float32)
    assert_exact(jnp.kron(a, b), np.kron(a, b))
    ints = rng.integers(-3, 4, a_shape).astype(np.int32)
    assert_exact(jnp.kron(ints, ints), np.kron(ints, ints).astype(np.int32))
    assert_exact(jnp.kron(ints, b), np.kron(ints, b).astype(np.float32))  # JAX: int32 * f32


def _pad_to_3(v):
    return np.concatenate([v, np.zeros(v.shape[:-1] + (1,), v.dtype)], -1)


@pytest.mark.parametrize(("na", "nb"), [(3, 3), (2, 3), (3, 2), (2, 2)])
def test_cross(na, nb, rng):
    a = rng.standard_normal((4, 1, 3)).astype(np.float32)[..., :na]
    b = rng.standard_normal((5, 3)).astype(np.float32)[..., :nb]
    if na == nb == 2:
        expected = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    else:  # NumPy's 2-vector support is deprecated: compare with zero-padded 3-vectors
        expected = np.cross(_pad_to_3(a) if na == 2 else a, _pad_to_3(b) if nb == 2 else b)
    _close(jnp.cross(a, b), expected, rtol=1e-5)
    u = rng.standard_normal((3, 6)).astype(np.float32)
    v = rng.standard_normal((6, 3)).astype(np.float32)
    _close(jnp.cross(u, v.T, axis=0), np.cross(u, v.T, axis=0), rtol=1e-5)
    _close(jnp.cross(u, v, axisa=0, axisc=0), np.cross(u, v, axisa=0, axisc=0), rtol=1e-5)
    ints = rng.integers(-3, 4, (2, 3)).astype(np.int32)
    assert_exact(jnp.cross(ints, ints[::-1]), np.cross(ints, ints[::-1]))


# --- dtype objects ----------------------------------------------------------------------------

SUPPORTED = ["bool_", "int32", "uint32", "float32"]


@pytest.mark.parametrize("name", SUPPORTED)
def test_scalar_types(name):
    t = getattr(jnp, name)
    np_type = getattr(np, name)
    assert t == np_type and jnp.dtype(t) == np.dtype(np_type)
    assert jnp.zeros(2, dtype=t).dtype == np.dtype(np_type)
    made = t(3)
    assert isinstance(made, jnp.ndarray) and made.dtype == np.dtype(np_type)
    assert_exact(t(np.array([0.0, 2.0])), np.array([0.0, 2.0]).astype(np_type))
    assert jnp.asarray(np.ones(2)).astype(t).dtype == np.dtype(np_type)
    assert isinstance(np_type(1), t)


def test_64_bit_names_are_canonicalized(x64):
    assert jnp.float64(1.5).dtype == np.float64 and jnp.int64(2).dtype == np.int64
    jax.config.update("jax_enable_x64", False)
    assert jnp.float64(1.5).dtype == np.float32 and jnp.int64(2).dtype == np.int32


def test_unsupported_dtypes_are_absent():
    for name in ("int8", "int16", "uint8", "uint16", "uint64", "float16", "bfloat16"):
        assert not hasattr(jnp, name), name


def test_finfo_iinfo():
    assert jnp.finfo(jnp.float32).eps == np.finfo(np.float32).eps
    assert jnp.finfo(jnp.float64).bits == 64  # describes float64 even without x64
    assert jnp.finfo(jnp.ones(2)).max == np.finfo(np.float32).max
    assert jnp.iinfo(jnp.int32).min == np.iinfo(np.int32).min
    assert jnp.iinfo(jnp.uint32).max == np.iinfo(np.uint32).max
    assert jnp.iinfo(jnp.ones(2, jnp.int32)).bits == 32
    with pytest.raises(errors.FerraxValueError, match="finfo: int32"):
        jnp.finfo(jnp.int32)
    with pytest.raises(errors.FerraxValueError, match="iinfo: float32"):
        jnp.iinfo(jnp.float32)


def test_result_type(x64):
    i32, u32, f32 = jnp.int32, jnp.uint32, jnp.float32
    # JAX's lattice: Python int and float are weak, unsigned with signed widens.
    assert jnp.result_type(i32, f32) == np.float32
    assert jnp.result_type(i32, 1.0) == np.float64  # weak float with an int: default float
    assert jnp.result_type(f32, 1.0) == np.float32
    assert jnp.result_type(f32, float) == np.float32
    assert jnp.result_type(i32, int) == np.int32
    assert jnp.result_type(u32, i32) == np.int64
    assert jnp.result_type(jnp.bool_, 1) == np.int64
    assert jnp.result_type(jnp.ones(2, f32), jnp.ones(2, i32)) == np.float32
    # promote_types is tested in test_promotion.py
    jax.config.update("jax_enable_x64", False)
    assert jnp.result_type(i32, 1.0) == np.float32
    assert jnp.result_type(u32, i32) == np.int32  # canonicalized


# --- derivatives, vmap and jit ----------------------------------------------------------------


GRAD_FUNCTIONS = {
    "tril": (lambda a: jnp.tril(a, -1), [(4, 5)]),
    "triu": (lambda a: jnp.triu(a, 2), [(3, 4, 5)]),
    "diag_matrix": (lambda a: jnp.diag(a, 1), [(4, 5)]),
    "diag_vector": (lambda v: jnp.diag(v, -2), [(4,)]),
    "diagflat": (lambda v: jnp.diagflat(v, 1), [(2, 2)]),
    "diagonal": (lambda a: jnp.diagonal(a, -1, 2, 0), [(4, 3, 5)]),
    "trace": (lambda a: jnp.trace(a, 1, 1, 2), [(2, 4, 5)]),
    "fill_diagonal": (lambda a, v: jnp.fill_diagonal(a, v, inplace=False), [(4, 4), (2,)]),
    "fill_diagonal_wrap": (lambda a: jnp.fill_diagonal(a, 0.0, True, inplace=False), [(7, 3)]),
    "kron": (jnp.kron, [(2, 3), (3, 2)]),
    "cross": (jnp.cross, [(4, 3), (4, 3)]),
    "cross_2d": (jnp.cross, [(4, 2), (4, 3)]),
    "logspace": (lambda a, b: jnp.logspace(a, b, 5, base=2.0), [(3,), (3,)]),
    "geomspace": (lambda a, b: jnp.geomspace(jnp.exp(a), jnp.exp(b), 4, axis=1), [(2,), (2,)]),
    "linspace": (lambda a, b: jnp.linspace(a, b, 6, endpoint=False), [(2,), (2,)]),
    "meshgrid": (lambda a, b: jnp.meshgrid(a, b), [(3,), (2,)]),
}


@pytest.mark.parametrize("name", sorted(GRAD_FUNCTIONS))
def test_gradients(name, x64, rng):
    fn, shapes = GRAD_FUNCTIONS[name]
    check_grads(fn, [rng.standard_normal(s) for s in shapes], order=2)


BATCHED_FUNCTIONS = {
    "tril": (lambda a: jnp.tril(a, 1), [(3, 4)]),
    "diag": (lambda v: jnp.diag(v, -1), [(4,)]),
    "diagonal": (lambda a: jnp.diagonal(a, 1), [(3, 4)]),
    "trace": (lambda a: jnp.trace(a, -1), [(4, 3)]),
    "fill_diagonal": (lambda a, v: jnp.fill_diagonal(a, v, inplace=False), [(3, 3), (3,)]),
    "kron": (jnp.kron, [(2, 2), (3,)]),
    "cross": (jnp.cross, [(5, 3), (5, 3)]),
    "geomspace": (lambda a, b: jnp.geomspace(jnp.exp(a), jnp.exp(b), 5), [(), ()]),
    "logspace": (lambda a, b: jnp.logspace(a, b, 5, axis=-1), [(2,), (2,)]),
    "meshgrid": (lambda a, b: jnp.stack(jnp.meshgrid(a, b, indexing="ij")), [(3,), (2,)]),
}


@pytest.mark.parametrize("name", sorted(BATCHED_FUNCTIONS))
def test_vmap_and_jit(name, rng):
    fn, shapes = BATCHED_FUNCTIONS[name]
    args = [rng.standard_normal((3, *s)).astype(np.float32) for s in shapes]
    loop = np.stack([np.asarray(fn(*[jnp.asarray(a[i]) for a in args])) for i in range(3)])
    batched = jax.vmap(fn)(*[jnp.asarray(a) for a in args])
    np.testing.assert_allclose(np.asarray(batched), loop, rtol=1e-6, atol=1e-6)
    jitted = jax.jit(fn)(*[jnp.asarray(a[0]) for a in args])
    np.testing.assert_allclose(np.asarray(jitted), loop[0], rtol=1e-6, atol=1e-6)


def test_creation_under_jit():
    fn = jax.jit(lambda x: x + jnp.tri(3) + jnp.indices((3, 3))[0] + jnp.meshgrid(x[0], x[1])[0])
    x = np.arange(9, dtype=np.float32).reshape(3, 3)
    gx, _ = np.meshgrid(x[0], x[1])
    _close(fn(x), x + np.tri(3) + np.indices((3, 3))[0] + gx)


# --- errors -----------------------------------------------------------------------------------


def test_bad_axes_name_the_op():
    x = jnp.ones((2, 3, 4))
    with pytest.raises(errors.AxisError, match="^diagonal: axis 3 .* dimension 3"):
        jnp.diagonal(x, 0, 0, 3)
    with pytest.raises(errors.AxisError, match="^trace: axis -4"):
        jnp.trace(x, axis1=-4)
    with pytest.raises(errors.AxisError, match="^cross: axis 2 .* dimension 2"):
        jnp.cross(jnp.ones((2, 3)), jnp.ones((2, 3)), axisa=2)
    with pytest.raises(errors.AxisError, match="^cross: axis 3"):
        jnp.cross(jnp.ones((2, 3)), jnp.ones((2, 3)), axisc=3)
    with pytest.raises(errors.AxisError, match="^logspace: axis 2"):
        jnp.logspace(0, 1, 3, axis=2)
    with pytest.raises(errors.AxisError, match="^geomspace: axis -2"):
        jnp.geomspace(1, 2, 3, axis=-2)


def test_argument_errors():
    m = jnp.ones((3, 3))
    with pytest.raises(errors.FerraxValueError, match="diagonal: axis1 and axis2"):
        jnp.diagonal(m, 0, 1, -1)
    with pytest.raises(errors.FerraxValueError, match=r"trace: .*at least 2 dimensions.*\(3,\)"):
        jnp.trace(jnp.ones(3))
    with pytest.raises(errors.FerraxValueError, match="tril: .*at least 2 dimensions"):
        jnp.tril(jnp.ones(3))
    with pytest.raises(errors.FerraxValueError, match=r"diag: .*1-D or 2-D.*\(2, 2, 2\)"):
        jnp.diag(jnp.ones((2, 2, 2)))
    with pytest.raises(errors.FerraxValueError, match="tri: N must be non-negative"):
        jnp.tri(-1)
    with pytest.raises(errors.FerraxNotImplementedError, match="fill_diagonal: .*inplace=False"):
        jnp.fill_diagonal(m, 1.0)
    with pytest.raises(errors.FerraxValueError, match="fill_diagonal: all dimensions"):
        jnp.fill_diagonal(jnp.ones((2, 3, 2)), 1.0, inplace=False)
    with pytest.raises(errors.FerraxValueError, match="cross: incompatible vector dimensions 4"):
        jnp.cross(jnp.ones(4), jnp.ones(3))
    with pytest.raises(errors.FerraxValueError, match="meshgrid: arguments must be 1-D"):
        jnp.meshgrid(jnp.ones((2, 2)), jnp.ones(3))
    with pytest.raises(errors.FerraxValueError, match="meshgrid: indexing must be"):
        jnp.meshgrid(jnp.ones(2), indexing="xyz")
    with pytest.raises(errors.FerraxValueError, match="geomspace: .*cannot include zero"):
        jnp.geomspace(0.0, 1.0, 3)
    with pytest.raises(errors.FerraxValueError, match="indices: negative dimensions"):
        jnp.indices((2, -1))
    with pytest.raises(errors.ConcretizationTypeError, match="diagonal: offset must be static"):
        jax.jit(lambda k: jnp.diagonal(m, k))(1)
    with pytest.raises(errors.FerraxNotImplementedError, match="trace: the out argument"):
        jnp.trace(m, out=np.zeros(()))

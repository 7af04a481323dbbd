"""Statistics and NaN-skipping reductions of ferrax.numpy against NumPy: values, JAX's dtypes,
axis/keepdims/dtype/where variants, derivatives (finite differences), vmap, jit and errors."""

import warnings

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax import errors
from helpers import assert_exact

AXES = [None, 0, -1, (0, 2)]


def _close(got, expected, rtol=2e-5, atol=2e-6, dtype=None):
    """Shape, dtype (``dtype`` or the default float) and values within tolerance."""
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == np.dtype(dtype or "float32"), got.dtype
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)


def _quiet(fn, *args, **kwargs):
    """NumPy's result with its all-NaN-slice and empty-slice warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs)


def _with_nans(rng, shape, fraction=0.3):
    """Random float32 data with NaNs, one slice along axis 1 entirely NaN."""
    x = rng.standard_normal(shape).astype(np.float32)
    x[rng.random(shape) < fraction] = np.nan
    x[0, 0] = np.nan
    return x


# --- variance and standard deviation ----------------------------------------------------------


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("ddof", [0, 1])
def test_var_std(name, axis, keepdims, ddof, rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    got = getattr(jnp, name)(x, axis=axis, keepdims=keepdims, ddof=ddof)
    expected = getattr(np, name)(x.astype(np.float64), axis=axis, keepdims=keepdims, ddof=ddof)
    _close(got, expected)


def test_var_variants(rng):
    x = rng.standard_normal((4, 6)).astype(np.float32)
    mask = rng.random((4, 6)) < 0.6
    mask[:, 0] = True
    x64 = x.astype(np.float64)
    _close(jnp.var(x, axis=1, where=mask), np.var(x64, axis=1, where=mask))
    _close(jnp.std(x, axis=0, where=mask, ddof=1), np.std(x64, axis=0, where=mask, ddof=1))
    _close(jnp.var(x, correction=1), np.var(x64, ddof=1))
    _close(jnp.var(x, dtype=jnp.float32), np.var(x64))
    ints = rng.integers(-5, 5, (4, 6)).astype(np.int32)
    _close(jnp.var(ints, axis=0), np.var(ints.astype(np.float64), axis=0))
    _close(jnp.std(ints > 0), np.std((ints > 0).astype(np.float64)))
    # N - ddof <= 0 gives NaN, as in JAX.
    _close(jnp.var(x[:1], axis=0, ddof=1), np.full(6, np.nan))
    _close(jnp.var(x, axis=1, where=np.zeros((4, 6), bool)), np.full(4, np.nan))


@pytest.mark.parametrize("name", ["nanvar", "nanstd"])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_nanvar_nanstd(name, axis, keepdims, rng):
    x = _with_nans(rng, (3, 4, 5))
    for ddof in (0, 1):
        got = getattr(jnp, name)(x, axis=axis, keepdims=keepdims, ddof=ddof)
        expected = _quiet(getattr(np, name), x.astype(np.float64), axis, None, None, ddof, keepdims)
        _close(got, expected)


# --- NaN-skipping reductions ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["nansum", "nanprod", "nanmean", "nanmax", "nanmin"])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_nan_reductions(name, axis, keepdims, rng):
    x = _with_nans(rng, (3, 4, 5))
    got = getattr(jnp, name)(x, axis=axis, keepdims=keepdims)
    expected = _quiet(getattr(np, name), x.astype(np.float64), axis=axis, keepdims=keepdims)
    _close(got, expected, rtol=1e-5)


def test_nan_reduction_variants(rng):
    x = _with_nans(rng, (4, 5))
    x64 = x.astype(np.float64)
    mask = rng.random((4, 5)) < 0.7
    _close(jnp.nansum(x, axis=1, where=mask), np.nansum(x64, axis=1, where=mask))
    _close(
        jnp.nanprod(x, axis=0, where=mask, initial=2.0), np.nanprod(x64, 0, where=mask, initial=2)
    )
    _close(jnp.nanmean(x, axis=1, where=mask), _quiet(np.nanmean, x64, axis=1, where=mask))
    _close(
        jnp.nanmax(x, axis=1, where=mask, initial=-10.0),
        np.nanmax(x64, axis=1, where=mask, initial=-10),
    )
    _close(jnp.nanmin(x, axis=0, initial=-1.0), np.nanmin(x64, axis=0, initial=-1))
    _close(jnp.nansum(x, dtype=jnp.float32), np.nansum(x64))
    # Integers and bools have no NaNs: the plain reductions' dtypes.
    ints = rng.integers(-3, 4, (4, 5)).astype(np.int32)
    assert_exact(jnp.nansum(ints, axis=0), ints.sum(axis=0, dtype=np.int32))
    assert_exact(jnp.nanmax(ints, axis=1), ints.max(axis=1))
    assert_exact(jnp.nansum(ints > 0), np.int32((ints > 0).sum()))
    assert_exact(jnp.nanmin(np.abs(ints).astype(np.uint32)), np.uint32(np.abs(ints).min()))
    _close(jnp.nanmean(ints, axis=1), ints.mean(axis=1))


def _nanarg_reference(fn, x, axis):
    """NumPy's nanargmax/nanargmin, with JAX's -1 for all-NaN slices."""
    if axis is None:
        x, axis = x.ravel(), 0
    x = np.moveaxis(x, axis, -1)
    flat = x.reshape(-1, x.shape[-1])
    out = [fn(row) if not np.all(np.isnan(row)) else -1 for row in flat]
    return np.asarray(out, np.int32).reshape(x.shape[:-1])


@pytest.mark.parametrize("name", ["nanargmax", "nanargmin"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_nanargmax_nanargmin(name, axis, keepdims, rng):
    x = _with_nans(rng, (3, 4, 5))
    x[1, 2] = [np.nan, -np.inf, np.inf, np.nan, -np.inf]  # infinities next to NaNs
    x[2, 3] = np.nan
    expected = _nanarg_reference(getattr(np, name), x, axis)
    if keepdims:
        expected = np.expand_dims(expected, tuple(range(3)) if axis is None else axis)
    assert_exact(getattr(jnp, name)(x, axis=axis, keepdims=keepdims), expected)
    if axis is None:
        return
    ints = rng.integers(-3, 4, (3, 4, 5)).astype(np.int32)
    assert_exact(getattr(jnp, name)(ints, axis=axis), getattr(np, name)(ints, axis).astype("int32"))


def test_nanarg_infinities():
    x = np.array([[np.nan, -np.inf], [np.inf, np.nan], [-np.inf, -np.inf], [np.nan, np.nan]])
    assert_exact(jnp.nanargmax(x, axis=1), np.array([1, 0, 0, -1], np.int32))
    assert_exact(jnp.nanargmin(-x, axis=1), np.array([1, 0, 0, -1], np.int32))


# --- running reductions -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "nancumsum", "nancumprod"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_cumulative(name, axis, rng):
    x = rng.uniform(0.5, 1.5, (3, 4, 5)).astype(np.float32)
    if name.startswith("nan"):
        x[rng.random(x.shape) < 0.3] = np.nan
    want = getattr(np, name)(x.astype(np.float64), axis=axis)
    _close(getattr(jnp, name)(x, axis=axis), want, rtol=1e-6, atol=0)
    ints = rng.integers(-2, 3, (3, 4)).astype(np.int32)
    # JAX keeps int32 (NumPy would widen to int64) and counts bools as the default int.
    expected = getattr(np, name)(ints, axis=axis, dtype=np.int32)
    assert_exact(getattr(jnp, name)(ints, axis=axis), expected)
    bools = ints > 0
    assert_exact(
        getattr(jnp, name)(bools, axis=axis), getattr(np, name)(bools, axis=axis, dtype=np.int32)
    )
    assert_exact(
        getattr(jnp, name)(ints, axis=1, dtype=jnp.float32),
        getattr(np, name)(ints, axis=1, dtype=np.float32),
    )


@pytest.mark.parametrize("include_initial", [False, True])
def test_array_api_cumulative(include_initial, rng):
    x = rng.uniform(0.5, 1.5, (3, 4)).astype(np.float32)
    for name in ("cumulative_sum", "cumulative_prod"):
        for axis in (0, 1):
            got = getattr(jnp, name)(x, axis=axis, include_initial=include_initial)
            expected = getattr(np, name)(x.astype(np.float64), axis=axis)
            if include_initial:
                pad = [(0, 0), (0, 0)]
                pad[axis] = (1, 0)
                expected = np.pad(expected, pad, constant_values=name == "cumulative_prod")
            _close(got, expected)
        _close(getattr(jnp, name)(x[0]), getattr(np, name)(x[0].astype(np.float64)))
        with pytest.raises(ValueError, match=name):
            getattr(jnp, name)(x)


# --- ranges and counts ------------------------------------------------------------------------


@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_ptp_count_nonzero(axis, keepdims, rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    _close(jnp.ptp(x, axis, keepdims=keepdims), np.ptp(x, axis, keepdims=keepdims))
    ints = rng.integers(-3, 4, (3, 4, 5)).astype(np.int32)
    assert_exact(jnp.ptp(ints, axis), np.ptp(ints, axis))
    got = jnp.count_nonzero(ints, axis=axis, keepdims=keepdims)
    expected = np.count_nonzero(ints, axis=axis, keepdims=keepdims)
    assert_exact(got, np.asarray(expected).astype(np.int32))
    assert_exact(
        jnp.count_nonzero(x > 0, axis=axis),
        np.asarray(np.count_nonzero(x > 0, axis)).astype(np.int32),
    )


# --- quantiles --------------------------------------------------------------------------------

METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("axis", [None, 1, (0, 2)], ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_quantile_percentile(method, axis, keepdims, rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    x64 = x.astype(np.float64)
    for q in (0.3, np.array([0.0, 0.25, 0.5, 0.9, 1.0])):
        kwargs = {"axis": axis, "method": method, "keepdims": keepdims}
        _close(jnp.quantile(x, q, **kwargs), np.quantile(x64, q, **kwargs))
        _close(jnp.percentile(x, q * 100, **kwargs), np.percentile(x64, q * 100, **kwargs))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("axis", [None, 1, -1], ids=repr)
def test_nanquantile_nanpercentile(method, axis, rng):
    x = _with_nans(rng, (3, 4, 5))
    x64 = x.astype(np.float64)
    q = np.array([0.1, 0.5, 0.75])
    got = jnp.nanquantile(x, q, axis=axis, method=method)
    _close(got, _quiet(np.nanquantile, x64, q, axis=axis, method=method))
    got = jnp.nanpercentile(x, 40.0, axis=axis, method=method, keepdims=True)
    _close(got, _quiet(np.nanpercentile, x64, 40.0, axis=axis, method=method, keepdims=True))


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)], ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_median(axis, keepdims, rng):
    for shape in ((4, 6), (5, 3)):  # even and odd counts
        x = rng.standard_normal(shape).astype(np.float32)
        x64 = x.astype(np.float64)
        _close(jnp.median(x, axis, keepdims=keepdims), np.median(x64, axis, keepdims=keepdims))
        x[rng.random(shape) < 0.3] = np.nan
        x64 = x.astype(np.float64)
        _close(jnp.median(x, axis, keepdims=keepdims), np.median(x64, axis, keepdims=keepdims))
        _close(
            jnp.nanmedian(x, axis, keepdims=keepdims),
            _quiet(np.nanmedian, x64, axis, keepdims=keepdims),
        )
    ints = rng.integers(0, 9, (4, 5)).astype(np.int32)
    _close(jnp.median(ints, axis), np.median(ints, axis))
    _close(jnp.quantile(ints, 0.3, axis), np.quantile(ints, 0.3, axis))


def test_quantile_ties_and_infinities():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0], np.float32)
    # Virtual positions 0.5 and 1.5 and 2.5: "nearest" rounds half to even, as NumPy.
    for q in (0.125, 0.375, 0.625):
        _close(jnp.quantile(x, q, method="nearest"), np.quantile(x, q, method="nearest"))
    y = np.array([-np.inf, 1.0, 2.0, np.inf], np.float32)
    for method in ("lower", "higher", "nearest"):
        _close(
            jnp.quantile(y, [0, 0.5, 1], method=method), np.quantile(y, [0, 0.5, 1], method=method)
        )


# --- averages and covariance ------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 1, (0, 2)], ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_average(axis, keepdims, rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    x64 = x.astype(np.float64)
    w = rng.uniform(0.1, 1.0, x.shape)
    _close(jnp.average(x, axis, keepdims=keepdims), np.average(x64, axis, keepdims=keepdims))
    got, total = jnp.average(x, axis, weights=w, returned=True, keepdims=keepdims)
    want, want_total = np.average(x64, axis, weights=w, returned=True, keepdims=keepdims)
    _close(got, want)
    _close(total, want_total)
    if axis is not None:  # weights with the shape of x along the axes, in their order
        order = (axis,) if isinstance(axis, int) else axis
        for axes in (order, order[::-1]):
            rest = tuple(i for i in range(3) if i not in axes)
            along = w.transpose(*axes, *rest)[(...,) + (0,) * len(rest)]
            _close(jnp.average(x, axes, weights=along), np.average(x64, axes, weights=along))
    ints = rng.integers(0, 5, (3, 4)).astype(np.int32)
    _close(jnp.average(ints, 0), np.average(ints, 0))
    _close(jnp.average(ints, 1, weights=ints + 1), np.average(ints, 1, weights=ints + 1))


@pytest.mark.parametrize("rowvar", [True, False])
@pytest.mark.parametrize("bias", [False, True])
def test_cov_corrcoef(rowvar, bias, rng):
    m = rng.standard_normal((3, 7)).astype(np.float32)
    if not rowvar:
        m = m.T.copy()
    m64 = m.astype(np.float64)
    y = rng.standard_normal(m.shape).astype(np.float32)
    _close(jnp.cov(m, rowvar=rowvar, bias=bias), np.cov(m64, rowvar=rowvar, bias=bias))
    _close(jnp.cov(m, y, rowvar=rowvar), np.cov(m64, y.astype(np.float64), rowvar=rowvar))
    _close(jnp.cov(m, rowvar=rowvar, ddof=2), np.cov(m64, rowvar=rowvar, ddof=2))
    fw = rng.integers(1, 4, 7)
    aw = rng.uniform(0.1, 1.0, 7)
    for kwargs in ({"fweights": fw}, {"aweights": aw}, {"fweights": fw, "aweights": aw}):
        for ddof in (None, 0, 2):
            got = jnp.cov(m, rowvar=rowvar, ddof=ddof, **kwargs)
            _close(got, np.cov(m64, rowvar=rowvar, ddof=ddof, **kwargs))
    _close(jnp.corrcoef(m, rowvar=rowvar), np.corrcoef(m64, rowvar=rowvar))
    _close(jnp.corrcoef(m, y, rowvar=rowvar), np.corrcoef(m64, y.astype(np.float64), rowvar=rowvar))


def test_cov_corrcoef_shapes_and_dtypes(rng):
    v = rng.standard_normal(6).astype(np.float32)
    _close(jnp.cov(v), np.cov(v.astype(np.float64)))  # one variable: a 0-d result
    _close(jnp.corrcoef(v), np.corrcoef(v))
    ints = rng.integers(0, 5, (2, 6)).astype(np.int32)
    _close(jnp.cov(ints), np.cov(ints))
    m = rng.standard_normal((3, 5)).astype(np.float32)
    m[1, 2] = np.nan  # a NaN spoils only its own variable's row and column
    _close(jnp.corrcoef(m), np.corrcoef(m.astype(np.float64)))


# --- JAX's result dtypes ----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int32", "uint32", "bool"])
def test_result_dtypes(dtype, rng):
    x = rng.integers(0, 4, (3, 4)).astype(dtype)
    floats = ["var", "std", "nanvar", "nanstd", "nanmean", "median", "nanmedian", "average"]
    for name in floats + ["cov", "corrcoef"]:
        assert getattr(jnp, name)(x).dtype == np.float32, name
    assert jnp.quantile(x, 0.5, method="lower").dtype == np.float32
    for name in ("count_nonzero", "nanargmax", "nanargmin"):
        assert getattr(jnp, name)(x).dtype == np.int32, name
    summed = "uint32" if dtype == "uint32" else "int32"
    for name in ("nansum", "nanprod", "cumsum", "nancumsum"):
        assert getattr(jnp, name)(x).dtype == np.dtype(summed), name
    assert jnp.nanmax(x).dtype == np.dtype(dtype)


# --- derivatives, vmap and jit ----------------------------------------------------------------

_NAN_PATTERN = np.zeros((3, 5))
_NAN_PATTERN[0, 1] = _NAN_PATTERN[2, 3] = _NAN_PATTERN[1, 0] = np.nan


def _nanned(a):
    return a + jnp.asarray(_NAN_PATTERN)


GRAD_FUNCTIONS = {
    "var": lambda a: jnp.var(a, axis=1),
    "std_ddof": lambda a: jnp.std(a, axis=0, ddof=1),
    "var_where": lambda a: jnp.var(a, axis=1, where=jnp.asarray(_NAN_PATTERN == 0)),
    "nanvar": lambda a: jnp.nanvar(_nanned(a), axis=1),
    "nanstd": lambda a: jnp.nanstd(_nanned(a), axis=0, keepdims=True),
    "nansum": lambda a: jnp.nansum(_nanned(a), axis=1),
    "nanprod": lambda a: jnp.nanprod(_nanned(a), axis=0),
    "nanmean": lambda a: jnp.nanmean(_nanned(a)),
    "nanmax": lambda a: jnp.nanmax(_nanned(a), axis=1),
    "nanmin": lambda a: jnp.nanmin(_nanned(a), axis=0),
    "median_odd": lambda a: jnp.median(a, axis=1),
    "median_even": lambda a: jnp.median(a, axis=0, keepdims=True),
    "nanmedian": lambda a: jnp.nanmedian(_nanned(a), axis=1),
    "quantile": lambda a: jnp.quantile(a, np.array([0.2, 0.7]), axis=1),
    "quantile_nearest": lambda a: jnp.quantile(a, 0.6, method="nearest"),
    "nanpercentile": lambda a: jnp.nanpercentile(_nanned(a), 35.0, axis=1),
    "cumsum": lambda a: jnp.cumsum(a, axis=1),
    "cumprod": lambda a: jnp.cumprod(a),
    "cumulative_sum": lambda a: jnp.cumulative_sum(a, axis=0, include_initial=True),
    "nancumsum": lambda a: jnp.nancumsum(_nanned(a), axis=0),
    "ptp": lambda a: jnp.ptp(a, axis=1),
    "average": lambda a: jnp.average(a, axis=1, weights=jnp.exp(a)),
    "cov": lambda a: jnp.cov(a),
    "cov_weighted": lambda a: jnp.cov(a, aweights=np.arange(1.0, 6.0), ddof=1),
    "corrcoef": lambda a: jnp.corrcoef(a, rowvar=False),
}


@pytest.mark.parametrize("name", sorted(GRAD_FUNCTIONS))
def test_gradients(name, x64, rng):
    x = rng.standard_normal((3, 5))
    check_grads(GRAD_FUNCTIONS[name], [x], order=2)


def test_grad_of_scalar_statistics(x64, rng):
    x = rng.standard_normal(7)
    g = jax.grad(lambda a: jnp.var(a))(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(g), 2 * (x - x.mean()) / 7, rtol=1e-12)
    g = jax.grad(lambda a: jnp.median(a))(jnp.asarray(x))
    np.testing.assert_array_equal(np.asarray(g), (x == np.median(x)).astype(float))


BATCHED_FUNCTIONS = {
    "var": lambda a: jnp.var(a, axis=1, ddof=1),
    "nanvar": lambda a: jnp.nanvar(a, axis=0),
    "nanmean": lambda a: jnp.nanmean(a, axis=1),
    "nanmax": lambda a: jnp.nanmax(a, axis=1, keepdims=True),
    "nanargmax": lambda a: jnp.nanargmax(a, axis=1),
    "nanargmin": lambda a: jnp.nanargmin(a),
    "median": lambda a: jnp.median(a, axis=1),
    "nanmedian": lambda a: jnp.nanmedian(a),
    "quantile": lambda a: jnp.quantile(a, np.array([0.2, 0.7], np.float32), 1, method="nearest"),
    "nanpercentile": lambda a: jnp.nanpercentile(a, 30.0, axis=0),
    "nancumsum": lambda a: jnp.nancumsum(a, axis=1),
    "count_nonzero": lambda a: jnp.count_nonzero(a > 0, axis=0),
    "average": lambda a: jnp.average(a, axis=1, weights=np.arange(1, 6, dtype=np.float32)),
    "cov": lambda a: jnp.cov(a),
    "corrcoef": lambda a: jnp.corrcoef(a, rowvar=False),
    "ptp": lambda a: jnp.ptp(a, axis=1),
}


@pytest.mark.parametrize("name", sorted(BATCHED_FUNCTIONS))
def test_vmap_and_jit(name, rng):
    fn = BATCHED_FUNCTIONS[name]
    x = rng.standard_normal((4, 3, 5)).astype(np.float32)
    x[0, 1, 2] = np.nan
    if name.startswith("nan"):
        x[3, 0, :] = np.nan
        x[2, :, 1] = np.nan
    else:
        x = np.nan_to_num(x)
    loop = np.stack([np.asarray(fn(jnp.asarray(row))) for row in x])
    batched = np.asarray(jax.vmap(fn)(jnp.asarray(x)))
    np.testing.assert_allclose(batched, loop, rtol=1e-6, atol=1e-6, equal_nan=True)
    jitted = jax.jit(fn)
    for row in x[:2]:
        np.testing.assert_allclose(
            np.asarray(jitted(jnp.asarray(row))), np.asarray(fn(jnp.asarray(row))), rtol=1e-6
        )


def test_quantile_with_traced_q(rng):
    x = rng.standard_normal(9).astype(np.float32)
    qs = np.array([0.1, 0.5, 0.8], np.float32)
    fn = jax.jit(lambda a, q: jnp.quantile(a, q))
    _close(fn(x, qs), np.quantile(x.astype(np.float64), qs.astype(np.float64)), rtol=1e-5)
    batched = jax.vmap(lambda q: jnp.percentile(x, q))(jnp.asarray(qs * 100))
    _close(batched, np.percentile(x.astype(np.float64), qs.astype(np.float64) * 100), rtol=1e-5)


# --- errors -----------------------------------------------------------------------------------

ONE_ARRAY_OPS = [
    "var", "std", "nanvar", "nanstd", "nansum", "nanprod", "nanmean", "nanmax", "nanmin",
    "nanargmax", "nanargmin", "median", "nanmedian", "ptp", "count_nonzero", "average",
    "cumsum", "cumprod", "nancumsum", "nancumprod",
]  # fmt: skip


@pytest.mark.parametrize("name", ONE_ARRAY_OPS)
def test_bad_axis_names_the_op(name):
    x = jnp.ones((2, 3))
    with pytest.raises(errors.AxisError, match=rf"^{name}: axis 5 .* dimension 2"):
        getattr(jnp, name)(x, axis=5)


@pytest.mark.parametrize("name", ["quantile", "percentile", "nanquantile", "nanpercentile"])
def test_bad_quantile_axis_names_the_op(name):
    with pytest.raises(errors.AxisError, match=rf"^{name}: axis -3"):
        getattr(jnp, name)(jnp.ones((2, 3)), 0.5, axis=-3)


def test_argument_errors(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    with pytest.raises(errors.FerraxValueError, match="quantile: q must be in the range"):
        jnp.quantile(x, 1.5)
    with pytest.raises(errors.FerraxValueError, match="percentile: q must be in the range"):
        jnp.percentile(x, [10, 101])
    with pytest.raises(errors.FerraxValueError, match="nanquantile: method='inverted_cdf'"):
        jnp.nanquantile(x, 0.5, method="inverted_cdf")
    with pytest.raises(errors.FerraxValueError, match="quantile: q must be a scalar or 1-D"):
        jnp.quantile(x, np.full((2, 2), 0.5))
    with pytest.raises(errors.FerraxValueError, match="median: cannot take a quantile"):
        jnp.median(np.zeros((0, 3), np.float32))
    with pytest.raises(errors.FerraxNotImplementedError, match="var: dtype=int32"):
        jnp.var(x, dtype=jnp.int32)
    with pytest.raises(errors.FerraxValueError, match="ddof and correction"):
        jnp.std(x, ddof=1, correction=1)
    with pytest.raises(errors.FerraxNotImplementedError, match="nanstd: the out argument"):
        jnp.nanstd(x, out=np.zeros(()))
    with pytest.raises(errors.FerraxValueError, match="average: axis must be given"):
        jnp.average(x, weights=np.ones(4))
    with pytest.raises(errors.FerraxValueError, match=r"average: weights of shape \(3,\)"):
        jnp.average(x, axis=1, weights=np.ones(3))
    with pytest.raises(errors.FerraxTypeError, match="cov: fweights must be integers"):
        jnp.cov(x, fweights=np.ones(4))
    with pytest.raises(errors.FerraxValueError, match="cov: aweights must be 1-D of length 4"):
        jnp.cov(x, aweights=np.ones(3))
    with pytest.raises(errors.FerraxValueError, match="cov: m has more than 2 dimensions"):
        jnp.cov(np.ones((2, 2, 2)))
    with pytest.raises(errors.FerraxValueError, match="nanmax: zero-size array"):
        jnp.nanmax(np.zeros((0, 2), np.float32), axis=0)
    with pytest.raises(errors.FerraxValueError, match="nanargmin: attempt to get nanargmin"):
        jnp.nanargmin(np.zeros((2, 0), np.float32), axis=1)
    with pytest.raises(errors.FerraxValueError, match="nanmax: .* needs initial"):
        jnp.nanmax(x, where=x > 0)
    with pytest.raises(errors.FerraxTypeError, match="ptp: bool"):
        jnp.ptp(x > 0)

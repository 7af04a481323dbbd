"""``ferrax.nn``: activations against NumPy/SciPy formulas in float64, derivatives against
finite differences, the stable formulations at extreme inputs, and the initializers' sample
statistics against their variance formulas (fixed keys and seeds, so every run is the same)."""

import math

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax import errors, nn, random
from ferrax.nn import initializers
from scipy import special, stats

# Extreme and ordinary values; every function below is finite on all of them.
EXTREME = np.array(
    [-1e4, -100.0, -30.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 0.5, 1.0, 5.0, 30.0, 100.0, 1e4]
)


def _np_gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def _np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _np_gelu_exact(x):
    # 0.5 x (1 + erf(x / sqrt 2)), written with erfc = 1 - erf so that the oracle itself keeps
    # full relative accuracy for x << 0.
    return 0.5 * x * special.erfc(-x / np.sqrt(2))


# name -> (ferrax function, float64 oracle, absolute tolerance in float32, in float64).
# The tiny absolute tolerances (1e-30, 1e-300) only admit subnormal results, whose relative
# precision is lower than the rtol below.
ELEMENTWISE = {
    "relu": (nn.relu, lambda x: np.maximum(x, 0), 0, 0),
    "relu6": (nn.relu6, lambda x: np.clip(x, 0, 6), 0, 0),
    "gelu_tanh": (nn.gelu, _np_gelu_tanh, 1e-6, 1e-14),
    # ferrax evaluates 1 + erf(x / sqrt 2), which cancels for x << 0: the error there is
    # |x| * eps / 2 absolute (|x| <= 6 before erf rounds to -1 in float32, <= 9 in float64).
    "gelu_exact": (lambda x: nn.gelu(x, approximate=False), _np_gelu_exact, 6 * 6e-8,
                   9 * 1.2e-16),
    "silu": (nn.silu, lambda x: x * special.expit(x), 1e-30, 1e-300),
    "swish": (nn.swish, lambda x: x * special.expit(x), 1e-30, 1e-300),
    "sigmoid": (nn.sigmoid, special.expit, 1e-30, 1e-300),
    "softplus": (nn.softplus, lambda x: np.logaddexp(x, 0), 1e-30, 1e-300),
    "log_sigmoid": (nn.log_sigmoid, special.log_expit, 1e-30, 1e-300),
    "elu": (nn.elu, _np_elu, 1e-7, 1e-16),
    "elu_alpha": (lambda x: nn.elu(x, alpha=0.3), lambda x: _np_elu(x, 0.3), 1e-7, 1e-16),
    "leaky_relu": (nn.leaky_relu, lambda x: np.where(x >= 0, x, 0.01 * x), 0, 0),
    "leaky_relu_slope": (lambda x: nn.leaky_relu(x, negative_slope=0.2),
                         lambda x: np.where(x >= 0, x, 0.2 * x), 0, 0),
    "hard_tanh": (nn.hard_tanh, lambda x: np.clip(x, -1, 1), 0, 0),
    "tanh": (nn.tanh, np.tanh, 1e-7, 1e-16),
}  # fmt: skip


def _values(dtype):
    rng = np.random.default_rng(20240917)
    return np.concatenate([EXTREME, rng.standard_normal(40) * 3]).astype(dtype)


X32 = _values(np.float32)
X64 = _values(np.float64)


def _compare(actual, want, dtype, atol):
    actual = np.asarray(actual)
    assert actual.dtype == dtype
    assert np.all(np.isfinite(actual)), "non-finite output for finite math"
    rtol = 2e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(actual.astype(np.float64), want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_float32(name):
    fn, oracle, atol, _ = ELEMENTWISE[name]
    _compare(fn(jnp.asarray(X32)), oracle(X32.astype(np.float64)), np.float32, atol)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_float64(name, x64):
    fn, oracle, _, atol = ELEMENTWISE[name]
    _compare(fn(jnp.asarray(X64)), oracle(X64), np.float64, atol)


def test_elementwise_keeps_shape_and_accepts_scalars_and_ints(rng):
    x = jnp.asarray(rng.standard_normal((2, 3, 4)).astype(np.float32))
    for fn, *_ in ELEMENTWISE.values():
        assert fn(x).shape == (2, 3, 4)
    np.testing.assert_allclose(float(nn.sigmoid(0.0)), 0.5)
    np.testing.assert_allclose(float(nn.softplus(2)), np.logaddexp(2.0, 0), rtol=1e-6)
    # Integer inputs, with JAX's dtypes: relu and hard_tanh keep the integers; relu6 (which
    # clips at the float 6.), leaky_relu (a float slope) and the float activations give the
    # default float dtype.
    ints = jnp.asarray([7, -2, 3])
    for fn, want, dtype in [
        (nn.relu, [7, 0, 3], np.int32),
        (nn.hard_tanh, [1, -1, 1], np.int32),
        (nn.relu6, [6, 0, 3], np.float32),
        (nn.leaky_relu, [7, np.float32(-0.02), 3], np.float32),
        (nn.sigmoid, special.expit([7.0, -2.0, 3.0]).astype(np.float32), np.float32),
        (nn.softplus, np.logaddexp([7.0, -2.0, 3.0], 0).astype(np.float32), np.float32),
    ]:
        got = fn(ints)
        assert got.dtype == dtype, fn
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


def test_integer_inputs_under_x64(x64):
    ints = jnp.asarray([7, -2, 3])
    assert ints.dtype == np.int64
    assert nn.relu(ints).dtype == np.int64
    assert nn.relu6(ints).dtype == np.float64
    assert nn.gelu(ints).dtype == np.float64
    assert nn.softmax(ints).dtype == np.float64


def test_extreme_values_are_exact_where_float_arithmetic_allows():
    x = jnp.asarray([-1e4, 1e4], dtype=np.float32)
    np.testing.assert_array_equal(nn.softplus(x), [0.0, 1e4])
    np.testing.assert_array_equal(nn.log_sigmoid(x), [-1e4, 0.0])
    np.testing.assert_array_equal(nn.sigmoid(x), [0.0, 1.0])
    np.testing.assert_array_equal(nn.elu(x), [-1.0, 1e4])
    # ±inf follow the limits, as in the formulas.
    inf = jnp.asarray([-np.inf, np.inf], dtype=np.float32)
    np.testing.assert_array_equal(nn.softplus(inf), [0.0, np.inf])
    np.testing.assert_array_equal(nn.log_sigmoid(inf), [-np.inf, 0.0])
    np.testing.assert_array_equal(nn.relu(inf), [0.0, np.inf])


# --- derivatives --------------------------------------------------------------------------
def _smooth_points(rng, avoid=(0.0,), n=12, lo=-4.0, hi=4.0):
    """float64 points in [lo, hi] at least 0.1 away from the kinks in ``avoid``."""
    x = rng.uniform(lo, hi, n)
    for k in avoid:
        x = np.where(np.abs(x - k) < 0.1, k + 0.1 * np.sign(x - k + 1e-9), x)
    return x.reshape(3, n // 3)


GRAD_CASES = {
    "relu": (nn.relu, (0.0,)),
    "relu6": (nn.relu6, (0.0, 6.0)),
    "gelu_tanh": (nn.gelu, ()),
    "gelu_exact": (lambda x: nn.gelu(x, approximate=False), ()),
    "silu": (nn.silu, ()),
    "sigmoid": (nn.sigmoid, ()),
    "softplus": (nn.softplus, ()),
    "log_sigmoid": (nn.log_sigmoid, ()),
    "elu": (nn.elu, (0.0,)),
    "elu_alpha": (lambda x: nn.elu(x, 0.5), (0.0,)),
    "leaky_relu": (lambda x: nn.leaky_relu(x, 0.1), (0.0,)),
    "hard_tanh": (nn.hard_tanh, (-1.0, 1.0)),
    "tanh": (nn.tanh, ()),
    "softmax": (nn.softmax, ()),
    "softmax_axis0": (lambda x: nn.softmax(x, axis=0), ()),
    "softmax_all": (lambda x: nn.softmax(x, axis=None), ()),
    "log_softmax": (nn.log_softmax, ()),
    "log_softmax_axes": (lambda x: nn.log_softmax(x, axis=(0, 1)), ()),
    "logsumexp": (nn.logsumexp, ()),
    "logsumexp_axis": (lambda x: nn.logsumexp(x, axis=1, keepdims=True), ()),
    "standardize": (nn.standardize, ()),
    "standardize_stable": (lambda x: nn.standardize(x, axis=0, algorithm="stable"), ()),
}


@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("name", GRAD_CASES)
def test_gradients(name, order, x64, rng):
    fn, kinks = GRAD_CASES[name]
    check_grads(fn, [_smooth_points(rng, kinks)], order, rtol=1e-5, atol=1e-7)


def test_gradients_of_masked_and_weighted_reductions(x64, rng):
    x = _smooth_points(rng)
    mask = np.array([[True, False, True, True], [False, True, True, True], [True] * 4])
    b = rng.uniform(0.5, 2.0, x.shape)
    check_grads(lambda x: nn.softmax(x, where=jnp.asarray(mask)), [x], 2)
    # Masked log_softmax outputs are -inf; compare the unmasked ones.
    check_grads(lambda x: jnp.where(mask, nn.log_softmax(x, where=jnp.asarray(mask)), 0.0), [x], 2)
    check_grads(lambda x: nn.logsumexp(x, axis=-1, where=jnp.asarray(mask)), [x], 2)
    check_grads(lambda x, b: nn.logsumexp(x, axis=0, b=b), [x, b], 2)
    check_grads(lambda x, m, v: nn.standardize(x, mean=m, variance=v), [x, x[:, :1], b[:, :1]], 1)


def _scalar_grad(fn, x, dtype=np.float32):
    return np.asarray(jax.vmap(jax.grad(fn))(jnp.asarray(np.asarray(x, dtype))))


def test_derivatives_at_kinks_follow_jax_conventions():
    # relu'(0) = 0, relu6' is 0 at 0 and 6, leaky_relu'(0) = 1, hard_tanh'(±1) = 1,
    # softplus'(0) = 1/2 exactly (a custom rule, not |x|'s kink).
    np.testing.assert_array_equal(_scalar_grad(nn.relu, [-1.0, 0.0, 1.0]), [0, 0, 1])
    np.testing.assert_array_equal(_scalar_grad(nn.relu6, [0.0, 3.0, 6.0, 7.0]), [0, 1, 0, 0])
    np.testing.assert_array_equal(_scalar_grad(nn.leaky_relu, [-1.0, 0.0]), [np.float32(0.01), 1])
    np.testing.assert_array_equal(_scalar_grad(nn.hard_tanh, [-2, -1, 1, 2]), [0, 1, 1, 0])
    np.testing.assert_array_equal(_scalar_grad(nn.softplus, [0.0]), [0.5])
    np.testing.assert_array_equal(_scalar_grad(lambda x: nn.elu(x, 0.5), [0.0]), [0.5])
    # Second derivatives through the custom rules.
    np.testing.assert_array_equal(_scalar_grad(jax.grad(nn.relu), [-1.0, 0.0, 1.0]), [0, 0, 0])
    np.testing.assert_allclose(_scalar_grad(jax.grad(nn.softplus), [0.0]), [0.25])


def test_derivatives_at_extreme_inputs(x64):
    x = EXTREME
    s = special.expit(x)
    np.testing.assert_allclose(_scalar_grad(nn.softplus, x, np.float64), s, rtol=1e-14)
    np.testing.assert_allclose(
        _scalar_grad(nn.log_sigmoid, x, np.float64), special.expit(-x), rtol=1e-14
    )
    # sigmoid' = s (1 - s) = expit(x) expit(-x); JAX's rule s * (1 - s) rounds 1 - s, an
    # absolute error of at most eps (it is 0 where s rounds to 1).
    np.testing.assert_allclose(
        _scalar_grad(nn.sigmoid, x, np.float64),
        s * special.expit(-x),
        rtol=1e-13,
        atol=np.finfo(np.float64).eps,
    )
    np.testing.assert_allclose(
        _scalar_grad(nn.silu, x, np.float64), s + x * s * special.expit(-x), rtol=1e-13, atol=1e-300
    )
    # The rest against their closed-form derivatives. Where a derivative is tiny, the value
    # is a difference of numbers near 1 (1 - tanh^2, expm1 + 1, 1 + erf), so an absolute
    # error of a few eps is allowed.
    eps = np.finfo(np.float64).eps
    with np.errstate(over="ignore"):
        sech2 = 1 / np.cosh(x) ** 2  # tanh' = 1 - tanh^2
    np.testing.assert_allclose(_scalar_grad(nn.tanh, x, np.float64), sech2, rtol=1e-14, atol=eps)
    for alpha in (1.0, 0.3):  # elu' = 1 for x > 0, alpha e^x otherwise
        np.testing.assert_allclose(
            _scalar_grad(lambda x, alpha=alpha: nn.elu(x, alpha), x, np.float64),
            np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0))),
            rtol=1e-14,
            atol=eps,
        )
    # Exact gelu: (x Phi(x))' = Phi(x) + x phi(x).
    np.testing.assert_allclose(
        _scalar_grad(lambda x: nn.gelu(x, approximate=False), x, np.float64),
        special.ndtr(x) + x * stats.norm.pdf(x),
        rtol=1e-13,
        atol=4 * eps,
    )
    # Approximate gelu: with u = c (x + a x^3), 0.5 x (1 + tanh u) = x expit(2u), whose
    # derivative is expit(2u) + x * 2 expit(2u) expit(-2u) * c (1 + 3 a x^2).
    c, a = math.sqrt(2 / math.pi), 0.044715
    u = c * (x + a * x**3)
    want = special.expit(2 * u) + x * 2 * special.expit(2 * u) * special.expit(-2 * u) * c * (
        1 + 3 * a * x**2
    )
    np.testing.assert_allclose(_scalar_grad(nn.gelu, x, np.float64), want, rtol=1e-13, atol=4 * eps)
    # logsumexp and log_softmax of huge values: the gradients are softmax weights.
    big = np.array([[1e4, 1e4 + 1.0, -1e4], [-1e4, -1e4 - 2.0, 3.0]])
    want = special.softmax(big, axis=-1)
    g = jax.grad(lambda a: jnp.sum(nn.logsumexp(a, axis=-1)))(jnp.asarray(big))
    np.testing.assert_allclose(np.asarray(g), want, rtol=1e-14, atol=1e-300)
    g = jax.grad(lambda a: nn.log_softmax(a)[0, 0])(jnp.asarray(big))
    np.testing.assert_allclose(np.asarray(g)[0], np.array([1, 0, 0]) - want[0], atol=1e-15)


# --- softmax, log_softmax, logsumexp ------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 0, 1, (0, 2), None])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_and_log_softmax_along_axes(axis, dtype, x64, rng):
    x = (rng.standard_normal((3, 4, 5)) * 10).astype(dtype)
    x[0, 0, 0] = 1e4  # would overflow exp without the max subtracted
    x[1, 1, 1] = -1e4
    ax = tuple(range(3)) if axis is None else axis
    rtol = 1e-5 if dtype == np.float32 else 1e-13
    want = special.softmax(x.astype(np.float64), axis=ax)
    got = nn.softmax(jnp.asarray(x), axis=axis)
    assert got.dtype == dtype
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=1e-30)
    want = special.log_softmax(x.astype(np.float64), axis=ax)
    got = nn.log_softmax(jnp.asarray(x), axis=axis)
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(np.asarray(jnp.sum(nn.softmax(x, axis), ax)), 1.0, rtol=rtol)


def test_softmax_where(rng):
    x = rng.standard_normal((4, 6)).astype(np.float32)
    mask = rng.random((4, 6)) < 0.6
    mask[:, 0] = True
    shifted = np.exp(np.where(mask, x, -np.inf) - np.max(np.where(mask, x, -np.inf), -1)[:, None])
    want = shifted / shifted.sum(-1, keepdims=True)
    got = np.asarray(nn.softmax(x, where=mask))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)
    assert np.all(got[~mask] == 0)
    got = np.asarray(nn.log_softmax(x, where=mask))
    np.testing.assert_allclose(got[mask], np.log(want[mask]), rtol=1e-5)
    assert np.all(got[~mask] == -np.inf)
    # A broadcast mask (one per column) selects whole columns: the masked softmax of each row
    # over the selected columns, 0 elsewhere.
    cols = np.array([True, False, True, True, False, True])
    kept = x.astype(np.float64)[:, cols]
    e = np.exp(kept - kept.max(-1, keepdims=True))
    want = np.zeros((4, 6))
    want[:, cols] = e / e.sum(-1, keepdims=True)
    got = np.asarray(nn.softmax(x, where=cols))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)
    assert np.all(got[:, ~cols] == 0)


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_matches_scipy(axis, keepdims, x64, rng):
    a = rng.standard_normal((3, 4, 5)) * 50
    a[0, 0, 0], a[2, 3, 4] = 1e4, -1e4
    want = special.logsumexp(a, axis=axis, keepdims=keepdims)
    got = nn.logsumexp(jnp.asarray(a), axis=axis, keepdims=keepdims)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-14)
    got32 = nn.logsumexp(jnp.asarray(a, dtype=np.float32), axis=axis, keepdims=keepdims)
    assert got32.dtype == np.float32
    np.testing.assert_allclose(np.asarray(got32), want, rtol=1e-6)


def test_logsumexp_with_b_sign_and_where(x64, rng):
    a = rng.standard_normal((4, 5)) * 3
    b = rng.standard_normal((4, 5))
    b[0] = np.abs(b[0])
    b[1, 2] = 0.0
    want, want_sign = special.logsumexp(a, axis=1, b=b, return_sign=True)
    got, sign = nn.logsumexp(jnp.asarray(a), axis=1, b=jnp.asarray(b), return_sign=True)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-13)
    np.testing.assert_array_equal(np.asarray(sign), want_sign)
    # Without return_sign, a negative sum is NaN (as SciPy and JAX).
    plain = np.asarray(nn.logsumexp(jnp.asarray(a), axis=1, b=jnp.asarray(b)))
    np.testing.assert_array_equal(np.isnan(plain), want_sign < 0)
    np.testing.assert_allclose(plain[want_sign > 0], want[want_sign > 0], rtol=1e-13)
    # b broadcasts against a.
    row = np.array([1.0, 2.0, 0.5, 0.0, 3.0])
    np.testing.assert_allclose(
        np.asarray(nn.logsumexp(jnp.asarray(a), axis=-1, b=jnp.asarray(row))),
        special.logsumexp(a, axis=-1, b=np.broadcast_to(row, a.shape)),
        rtol=1e-13,
    )
    # A zero weight removes its element entirely, even one that would dominate the maximum.
    big = np.array([[1e4, 0.0, -1.0], [np.inf, 2.0, 1.0]])
    w = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(
        np.asarray(nn.logsumexp(jnp.asarray(big), axis=1, b=jnp.asarray(w))),
        np.log(np.exp(big[:, 1:]) @ w[1:]),
        rtol=1e-14,
    )
    # where: masked elements leave the sum (SciPy's b = mask is the same sum).
    mask = rng.random((4, 5)) < 0.5
    mask[:, 0] = True
    np.testing.assert_allclose(
        np.asarray(nn.logsumexp(jnp.asarray(a), axis=1, where=jnp.asarray(mask))),
        special.logsumexp(a, axis=1, b=mask.astype(float)),
        rtol=1e-13,
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsumexp_infinities(dtype, x64):
    ninf, inf = -np.inf, np.inf
    a = np.array(
        [
            [ninf, ninf, ninf],
            [ninf, 0.0, -3.0],
            [inf, 1.0, ninf],
            [1e4, 1e4, ninf],
            [-1e4, ninf, -1e4],
        ]
    )
    with np.errstate(divide="ignore"):
        want = special.logsumexp(a, axis=1)
    got = nn.logsumexp(jnp.asarray(a, dtype=dtype), axis=1)
    assert got.dtype == dtype
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6 if dtype == np.float32 else 1e-14)
    # -inf entries with weights and masks, and the sign of an all -inf slice (an empty sum).
    b = np.array([2.0, -1.0, 0.5])
    with np.errstate(divide="ignore"):
        want, want_sign = special.logsumexp(a[1:], axis=1, b=b, return_sign=True)
    got, sign = nn.logsumexp(jnp.asarray(a[1:], dtype=dtype), axis=1, b=b, return_sign=True)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(sign), want_sign)
    _, sign = nn.logsumexp(jnp.asarray(a[:1], dtype=dtype), axis=1, return_sign=True)
    np.testing.assert_array_equal(np.asarray(sign), [0.0])
    mask = np.array([True, False, True])
    got = nn.logsumexp(jnp.asarray(a, dtype=dtype), axis=1, where=mask)
    with np.errstate(divide="ignore"):
        want = special.logsumexp(np.where(mask, a, ninf), axis=1)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    # The gradient of logsumexp is softmax, with exact zeros at the -inf entries.
    g = jax.grad(lambda r: nn.logsumexp(r))(jnp.asarray(a[1], dtype=dtype))
    np.testing.assert_allclose(np.asarray(g), special.softmax(a[1]), rtol=1e-6)
    assert np.asarray(g)[0] == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_with_infinite_entries(dtype, x64):
    ninf = -np.inf
    x = np.array([[ninf, 0.5, -1.0, 2.0], [1e4, ninf, 1e4 - 1, ninf], [3.0, ninf, ninf, ninf]])
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    s = special.softmax(x, axis=-1)
    got = nn.softmax(jnp.asarray(x, dtype=dtype))
    assert got.dtype == dtype
    np.testing.assert_allclose(np.asarray(got), s, rtol=rtol)
    assert np.all(np.asarray(got)[np.isneginf(x)] == 0)
    got = np.asarray(nn.log_softmax(jnp.asarray(x, dtype=dtype)))
    finite = np.isfinite(x)
    np.testing.assert_allclose(got[finite], special.log_softmax(x, axis=-1)[finite], rtol=rtol)
    assert np.all(got[~finite] == ninf)
    # A slice with no finite entry has no softmax: NaN, as in JAX.
    assert np.all(np.isnan(np.asarray(nn.softmax(jnp.full((2, 3), ninf, dtype=dtype)))))
    # The Jacobian stays finite: row i is s_i (e_i - s), with zero rows and columns at -inf.
    jac = np.asarray(jax.jacrev(nn.softmax)(jnp.asarray(x[0], dtype=dtype)))
    want = np.diag(s[0]) - np.outer(s[0], s[0])
    np.testing.assert_allclose(jac, want, rtol=rtol, atol=rtol * 1e-2)


# --- one_hot and standardize --------------------------------------------------------------
def _np_one_hot(x, n, axis=-1):
    out = (np.asarray(x)[..., None] == np.arange(n)).astype(np.float32)
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("axis", [-1, 0, 1, -2])
def test_one_hot(axis):
    x = np.array([[0, 2, 4, -1], [1, 5, -5, 3]], dtype=np.int32)  # out of range: zero rows
    got = nn.one_hot(jnp.asarray(x), 4, axis=axis)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(got), _np_one_hot(x, 4, axis))


def test_one_hot_dtypes_and_zero_rows(x64):
    x = jnp.asarray([0, 3, -1, 7, 2])
    got = nn.one_hot(x, 4)
    assert got.dtype == np.float64  # the default float dtype, as in JAX
    np.testing.assert_array_equal(np.asarray(got), _np_one_hot([0, 3, -1, 7, 2], 4))
    assert np.all(np.asarray(got)[[2, 3]] == 0)
    assert nn.one_hot(x, 4, dtype=jnp.int32).dtype == np.int32
    assert nn.one_hot(x, 4, dtype=np.float32).dtype == np.float32
    assert nn.one_hot(jnp.asarray(2), 3).shape == (3,)
    assert nn.one_hot(x, 0).shape == (5, 0)


def test_standardize(rng):
    x = (rng.standard_normal((4, 6, 5)) * 3 + 2).astype(np.float32)
    x64_ = x.astype(np.float64)

    def ref(axis, eps=1e-5):
        m = x64_.mean(axis, keepdims=True)
        return (x64_ - m) / np.sqrt(x64_.var(axis, keepdims=True) + eps)

    for axis in (-1, 0, (0, 2), None):
        np.testing.assert_allclose(np.asarray(nn.standardize(x, axis)), ref(axis), atol=2e-5)
        np.testing.assert_allclose(
            np.asarray(nn.standardize(x, axis, algorithm="stable")), ref(axis), atol=2e-5
        )
    np.testing.assert_allclose(np.asarray(nn.standardize(x, epsilon=0.5)), ref(-1, 0.5), atol=2e-5)
    m, v = np.float32(1.5), np.float32(4.0)
    np.testing.assert_allclose(
        np.asarray(nn.standardize(x, mean=m, variance=v)),
        (x64_ - 1.5) / np.sqrt(4.0 + 1e-5),
        rtol=1e-6,
    )
    # A constant row has zero variance: epsilon keeps the output finite (all zeros).
    np.testing.assert_array_equal(np.asarray(nn.standardize(jnp.ones((2, 3)))), np.zeros((2, 3)))
    # where: statistics of the unmasked elements only.
    mask = rng.random(x.shape) < 0.7
    mask[..., 0] = True
    xm = np.ma.masked_array(x64_, ~mask)
    want = (x64_ - xm.mean(-1, keepdims=True).data) / np.sqrt(xm.var(-1, keepdims=True).data + 1e-5)
    np.testing.assert_allclose(np.asarray(nn.standardize(x, where=mask)), want, atol=2e-5)


# --- transformations: vmap and jit --------------------------------------------------------
TRANSFORM_CASES = {
    "relu": nn.relu,
    "gelu": nn.gelu,
    "softplus": nn.softplus,
    "log_sigmoid": nn.log_sigmoid,
    "elu": nn.elu,
    "softmax": nn.softmax,
    "log_softmax": lambda x: nn.log_softmax(x, axis=0),
    "logsumexp": lambda x: nn.logsumexp(x, axis=-1, keepdims=True),
    "logsumexp_b": lambda x: nn.logsumexp(x, b=jnp.arange(x.shape[-1]) - 2.0, return_sign=True),
    "standardize": nn.standardize,
    "one_hot": lambda x: nn.one_hot(jnp.floor(x * 2).astype(jnp.int32), 3, axis=0),
}


@pytest.mark.parametrize("name", TRANSFORM_CASES)
def test_vmap_and_jit_match_eager(name, rng):
    fn = TRANSFORM_CASES[name]
    xs = (rng.standard_normal((5, 3, 4)) * 3).astype(np.float32)
    eager = [fn(jnp.asarray(x)) for x in xs]
    stacked = jax.tree_util.tree_map(lambda *ys: np.stack([np.asarray(y) for y in ys]), *eager)
    batched = jax.vmap(fn)(jnp.asarray(xs))
    jitted = jax.jit(jax.vmap(fn))(jnp.asarray(xs))
    for got in (batched, jitted):
        jax.tree_util.tree_map(
            lambda g, w: np.testing.assert_allclose(np.asarray(g), w, rtol=1e-6, atol=1e-6),
            got,
            stacked,
        )
    single = jax.jit(fn)(jnp.asarray(xs[0]))
    jax.tree_util.tree_map(
        lambda g, w: np.testing.assert_allclose(np.asarray(g), w[0], rtol=1e-6, atol=1e-6),
        single,
        stacked,
    )


def test_grad_under_jit_and_vmap(rng):
    x = rng.standard_normal((4, 5)).astype(np.float32)
    s = special.softmax(x.astype(np.float64), axis=-1)
    g = jax.jit(jax.vmap(jax.grad(lambda r: nn.logsumexp(r))))(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(g), s, rtol=1e-5)
    g = jax.jit(jax.grad(lambda x: jnp.sum(nn.softplus(x))))(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(g), special.expit(x.astype(np.float64)), rtol=1e-6)
    # Row i of the softmax Jacobian is s_i (e_i - s).
    jac = jax.vmap(jax.jacrev(nn.softmax))(jnp.asarray(x))
    want = np.einsum("bi,ij->bij", s, np.eye(5)) - s[:, :, None] * s[:, None, :]
    np.testing.assert_allclose(np.asarray(jac), want, atol=1e-6)


# --- errors -------------------------------------------------------------------------------
def test_bad_arguments_raise_clear_errors():
    x = jnp.ones((2, 3))
    with pytest.raises(errors.FerraxTypeError, match="relu"):
        nn.relu("abc")
    with pytest.raises(errors.FerraxTypeError, match="softplus"):
        nn.softplus(None)
    with pytest.raises(errors.FerraxTypeError, match="approximate"):
        nn.gelu(x, approximate="yes")
    with pytest.raises(errors.FerraxTypeError, match="num_classes"):
        nn.one_hot(jnp.asarray([1]), 2.5)
    with pytest.raises(errors.FerraxValueError, match="num_classes"):
        nn.one_hot(jnp.asarray([1]), -1)
    with pytest.raises(ValueError, match="axis"):
        nn.one_hot(jnp.asarray([1]), 3, axis=2)
    with pytest.raises(ValueError, match="axis"):
        nn.softmax(x, axis=2)
    with pytest.raises(errors.AxisError, match="repeated"):
        nn.logsumexp(x, axis=(0, -2))
    with pytest.raises(errors.FerraxTypeError, match="boolean"):
        nn.softmax(x, where=jnp.ones((2, 3)))
    with pytest.raises(errors.FerraxValueError, match="broadcast"):
        nn.log_softmax(x, where=jnp.ones((4,), dtype=bool))
    with pytest.raises(errors.FerraxValueError, match="broadcast"):
        nn.logsumexp(x, b=jnp.ones((4,)))
    with pytest.raises(errors.FerraxValueError, match="algorithm"):
        nn.standardize(x, algorithm="slow")


# --- initializers ---------------------------------------------------------------------------
KEY = random.PRNGKey(42)
TRUNCATED_STD = 0.87962566103423978  # std of a standard normal truncated to [-2, 2]


def _fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    """(fan_in, fan_out): the in/out sizes times the receptive field (the other axes)."""

    def axes(a):
        return [d % len(shape) for d in ((a,) if isinstance(a, int) else a)]

    size = {
        k: int(np.prod([shape[d] for d in axes(a)]))
        for k, a in [("in", in_axis), ("out", out_axis), ("batch", batch_axis)]
    }
    receptive = math.prod(shape) / (size["in"] * size["out"] * size["batch"])
    return size["in"] * receptive, size["out"] * receptive


def _target_variance(scale, mode, fans):
    fan_in, fan_out = fans
    n = {
        "fan_in": fan_in,
        "fan_out": fan_out,
        "fan_avg": (fan_in + fan_out) / 2,
        "fan_geo_avg": math.sqrt(fan_in * fan_out),
    }[mode]
    return scale / n


def _law(distribution, sd, mean=0.0):
    """The exact distribution of the samples, as a frozen SciPy law of std ``sd``."""
    if distribution == "normal":
        return stats.norm(mean, sd)
    if distribution == "uniform":
        limit = math.sqrt(3) * sd
        return stats.uniform(mean - limit, 2 * limit)
    return stats.truncnorm(-2, 2, loc=mean, scale=sd / TRUNCATED_STD)


def _check_sample(w, variance, distribution, mean=0.0):
    """Sample mean and variance within 5 standard errors of the law's, plus its support and a
    Kolmogorov-Smirnov test against the exact distribution.

    The standard error of the sample mean is ``sd / sqrt(n)`` and that of the sample variance
    ``var * sqrt((kurtosis - 1) / n)``, ``kurtosis`` being the law's (non-excess) kurtosis.
    """
    w = np.asarray(w, np.float64).ravel()
    n = w.size
    law = _law(distribution, math.sqrt(variance), mean)
    law_var, kurtosis = (float(m) for m in law.stats(moments="vk"))
    np.testing.assert_allclose(law_var, variance, rtol=1e-12)  # the law itself is right
    assert abs(w.mean() - mean) < 5 * math.sqrt(variance / n)
    assert abs(w.var() - variance) < 5 * variance * math.sqrt((kurtosis + 2) / n)
    lo, hi = law.support()
    assert lo <= w.min() and w.max() <= hi
    assert stats.kstest(w[:50_000], law.cdf).pvalue > 1e-3


VARIANCE_SCALING = {
    # name -> (factory, scale, mode, distribution), as documented by JAX.
    "glorot_uniform": (initializers.glorot_uniform, 1.0, "fan_avg", "uniform"),
    "glorot_normal": (initializers.glorot_normal, 1.0, "fan_avg", "truncated_normal"),
    "xavier_uniform": (initializers.xavier_uniform, 1.0, "fan_avg", "uniform"),
    "xavier_normal": (initializers.xavier_normal, 1.0, "fan_avg", "truncated_normal"),
    "lecun_uniform": (initializers.lecun_uniform, 1.0, "fan_in", "uniform"),
    "lecun_normal": (initializers.lecun_normal, 1.0, "fan_in", "truncated_normal"),
    "he_uniform": (initializers.he_uniform, 2.0, "fan_in", "uniform"),
    "he_normal": (initializers.he_normal, 2.0, "fan_in", "truncated_normal"),
    "kaiming_uniform": (initializers.kaiming_uniform, 2.0, "fan_in", "uniform"),
    "kaiming_normal": (initializers.kaiming_normal, 2.0, "fan_in", "truncated_normal"),
}

# A 3x3 convolution kernel (HWIO): fan_in = 9 * 160, fan_out = 9 * 150; 216000 samples.
CONV = (3, 3, 160, 150)


@pytest.mark.parametrize("name", VARIANCE_SCALING)
def test_named_initializers_sample_statistics(name):
    factory, scale, mode, distribution = VARIANCE_SCALING[name]
    w = factory()(KEY, CONV)
    assert w.shape == CONV and w.dtype == np.float32
    _check_sample(w, _target_variance(scale, mode, _fans(CONV)), distribution)


@pytest.mark.parametrize("distribution", ["normal", "uniform", "truncated_normal"])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg", "fan_geo_avg"])
def test_variance_scaling_sample_statistics(mode, distribution):
    shape = (600, 150)  # fan_in and fan_out differ 4x, so the modes give different variances
    w = initializers.variance_scaling(3.0, mode, distribution)(random.PRNGKey(7), shape)
    _check_sample(w, _target_variance(3.0, mode, (600, 150)), distribution)


# (shape, in_axis, out_axis, batch_axis, (fan_in, fan_out)) with the fans worked out by hand.
FAN_CASES = [
    ((7, 5), -2, -1, (), (7, 5)),
    ((4, 6, 7, 5), -2, -1, (), (4 * 6 * 7, 4 * 6 * 5)),  # 2-D conv kernel, HWIO
    ((3, 4, 6, 7, 5), -2, -1, (), (72 * 7, 72 * 5)),  # 3-D conv kernel
    ((5, 7, 3, 3), 1, 0, (), (63, 45)),  # OIHW layout
    ((2, 3, 4, 5), (0, 1), 3, (), (6 * 4, 5 * 4)),  # several input axes
    ((8, 6, 5), -2, -1, 0, (6, 5)),  # a batch of 8 dense kernels
    ((8, 3, 6, 5), 2, 3, (0,), (18, 15)),
    ((9,), 0, (), (), (9, 1)),  # 1-D with explicit axes
]


@pytest.mark.parametrize(("shape", "in_axis", "out_axis", "batch_axis", "fans"), FAN_CASES)
def test_fans_from_axes(shape, in_axis, out_axis, batch_axis, fans):
    # The fans are checked exactly: a variance-scaling sample is the underlying standard
    # sample times sqrt(variance), so dividing the two reveals the variance the fans gave.
    assert _fans(shape, in_axis, out_axis, batch_axis) == fans
    raw = {
        "normal": np.asarray(random.normal(KEY, shape), np.float64),
        "uniform": np.asarray(random.uniform(KEY, shape, minval=-1.0, maxval=1.0), np.float64),
        "truncated_normal": np.asarray(random.truncated_normal(KEY, -2, 2, shape), np.float64),
    }
    unit_sd = {"normal": 1.0, "uniform": 1 / math.sqrt(3), "truncated_normal": TRUNCATED_STD}
    for mode in ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"):
        variance = _target_variance(1.5, mode, fans)
        for distribution, sample in raw.items():
            init = initializers.variance_scaling(
                1.5, mode, distribution, in_axis, out_axis, batch_axis
            )
            w = np.asarray(init(KEY, shape), np.float64)
            want = sample * math.sqrt(variance) / unit_sd[distribution]
            np.testing.assert_allclose(w, want, rtol=3e-7, err_msg=f"{mode} {distribution}")


def test_variance_scaling_dtypes(x64):
    init = initializers.variance_scaling(1.0, "fan_in", "normal", in_axis=0, out_axis=1)
    w = init(KEY, (200, 30, 50))  # fan_in = 200 * 50
    assert w.dtype == np.float64  # the default float under x64
    _check_sample(w, 1.0 / (200 * 50), "normal")
    init = initializers.variance_scaling(1.0, "fan_out", "uniform", batch_axis=0)
    w = init(KEY, (60, 100, 50), np.float32)  # fan_out = 50
    assert w.dtype == np.float32
    _check_sample(w, 1.0 / 50, "uniform")
    # dtype given to the factory is the default; the call's dtype overrides it.
    init = initializers.he_normal(dtype=np.float32)
    assert init(KEY, (4, 5)).dtype == np.float32
    assert init(KEY, (4, 5), jnp.float64).dtype == np.float64
    w = initializers.glorot_normal()(KEY, (400, 300))
    assert w.dtype == np.float64
    _check_sample(w, 2.0 / 700, "truncated_normal")


def test_simple_initializers():
    n = 200_000
    w = initializers.normal(0.5)(KEY, (500, 400))
    assert w.shape == (500, 400) and w.dtype == np.float32
    _check_sample(w, 0.25, "normal")
    _check_sample(initializers.normal()(KEY, (n,)), 1e-4, "normal")  # stddev 1e-2 by default
    # uniform(scale) draws from [0, scale): mean scale / 2, variance scale^2 / 12.
    for scale, init in [(3.0, initializers.uniform(3.0)), (1e-2, initializers.uniform())]:
        w = np.asarray(init(KEY, (n,)), np.float64)
        assert w.min() >= 0 and w.max() < scale
        assert abs(w.mean() - scale / 2) < 5 * scale / math.sqrt(12 * n)
        assert abs(w.var() - scale**2 / 12) < 5 * scale**2 / 12 * math.sqrt(0.8 / n)


@pytest.mark.parametrize(("lower", "upper"), [(-2.0, 2.0), (-1.0, 3.0), (0.5, 1.5)])
def test_truncated_normal_bounds_and_moments(lower, upper):
    # No stddev correction here (unlike variance_scaling): stddev times a standard normal
    # truncated to [lower, upper].
    n, stddev = 200_000, 2.0
    if (lower, upper) == (-2.0, 2.0):
        init = initializers.truncated_normal(stddev)
    else:
        init = initializers.truncated_normal(stddev, lower=lower, upper=upper)
    w = np.asarray(init(KEY, (n,)), np.float64)
    assert lower * stddev <= w.min() and w.max() <= upper * stddev
    law = stats.truncnorm(lower, upper, scale=stddev)
    mean, var, kurt = (float(m) for m in law.stats(moments="mvk"))
    assert abs(w.mean() - mean) < 5 * math.sqrt(var / n)
    assert abs(w.var() - var) < 5 * var * math.sqrt((kurt + 2) / n)
    assert stats.kstest(w[:50_000], law.cdf).pvalue > 1e-3
    # The defaults: stddev 1e-2, bounds -2 and 2.
    default = np.asarray(initializers.truncated_normal()(KEY, (n,)), np.float64)
    assert np.abs(default).max() <= 2e-2
    law = stats.truncnorm(-2.0, 2.0, scale=1e-2)
    mean, var, kurt = (float(m) for m in law.stats(moments="mvk"))
    assert abs(default.mean() - mean) < 5 * math.sqrt(var / n)
    assert abs(default.var() - var) < 5 * var * math.sqrt((kurt + 2) / n)
    assert stats.kstest(default[:50_000], law.cdf).pvalue > 1e-3


def test_constant_initializers(x64):
    z = initializers.zeros(KEY, (2, 3))
    assert z.dtype == np.float64
    np.testing.assert_array_equal(np.asarray(z), np.zeros((2, 3)))
    o = initializers.ones(KEY, (4,), jnp.int32)
    assert o.dtype == np.int32
    np.testing.assert_array_equal(np.asarray(o), np.ones(4))
    c = initializers.constant(-2.5)(KEY, (3, 2), np.float32)
    assert c.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(c), np.full((3, 2), -2.5))
    assert initializers.constant(7, dtype=jnp.int32)(KEY, ()).dtype == np.int32
    # An array value broadcasts to the shape.
    row = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(
        np.asarray(initializers.constant(row)(KEY, (2, 3))), np.broadcast_to(row, (2, 3))
    )


def test_initializers_are_deterministic_and_jit_vmap_compatible():
    init = initializers.glorot_uniform()
    a = np.asarray(init(KEY, (8, 6)))
    np.testing.assert_array_equal(a, np.asarray(init(KEY, (8, 6))))
    assert not np.array_equal(a, np.asarray(init(random.PRNGKey(43), (8, 6))))
    jitted = jax.jit(lambda k: init(k, (8, 6)))
    np.testing.assert_array_equal(np.asarray(jitted(KEY)), a)
    keys = random.split(KEY, 3)
    for make in (initializers.glorot_uniform, initializers.he_normal):
        init = make()
        stacked = jax.vmap(lambda k, init=init: init(k, (8, 6)))(keys)
        assert stacked.shape == (3, 8, 6)
        for i in range(3):
            np.testing.assert_array_equal(np.asarray(stacked[i]), np.asarray(init(keys[i], (8, 6))))


def test_initializer_errors():
    with pytest.raises(errors.FerraxValueError, match="mode"):
        initializers.variance_scaling(1.0, "fan_max", "normal")
    with pytest.raises(errors.FerraxValueError, match="distribution"):
        initializers.variance_scaling(1.0, "fan_in", "cauchy")
    with pytest.raises(errors.FerraxValueError, match="scale"):
        initializers.variance_scaling(-1.0, "fan_in", "normal")
    with pytest.raises(errors.FerraxValueError, match="in_axis"):
        initializers.glorot_normal()(KEY, (5,))
    with pytest.raises(errors.AxisError, match="out_axis"):
        initializers.he_normal(out_axis=3)(KEY, (2, 3))
    with pytest.raises(errors.FerraxValueError, match="zero"):
        initializers.he_normal()(KEY, (0, 3))
    with pytest.raises(errors.FerraxTypeError, match="float"):
        initializers.he_normal()(KEY, (2, 3), jnp.int32)
    with pytest.raises(errors.FerraxTypeError, match="float"):
        initializers.normal()(KEY, (2, 3), jnp.int32)
    with pytest.raises(errors.FerraxNotImplementedError, match="complex"):
        initializers.lecun_uniform()(KEY, (2, 3), np.complex64)
    with pytest.raises(errors.FerraxNotImplementedError, match="out_sharding"):
        initializers.zeros(KEY, (2, 3), out_sharding="x")
    with pytest.raises(errors.FerraxTypeError, match="stddev"):
        initializers.normal("big")
    with pytest.raises(errors.FerraxValueError, match="negative"):
        initializers.normal()(KEY, (2, -3))

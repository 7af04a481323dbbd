"""Derivatives of every differentiable ferrax op, checked against finite differences.

Each case is run by ``check_grads`` at orders 1 and 2 in both forward and reverse mode, in
float64. Inputs stay away from kinks and singularities (abs at 0, ties of max/min/sort, integer
boundaries of floor/round, the edges of arcsin's domain), so that the central differences are
accurate.
"""

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax import lax

RNG = np.random.default_rng(20240601)
S = (2, 3)


def u(lo, hi, shape=S):
    """Uniform float64 values in [lo, hi)."""
    return RNG.uniform(lo, hi, shape)


def away_from_zero(lo, hi, shape=S):
    """Magnitudes in [lo, hi) with random signs."""
    return u(lo, hi, shape) * RNG.choice([-1.0, 1.0], shape)


def distinct(shape=S, spacing=0.5):
    """Values pairwise at least ``spacing`` apart (no ties for max, min or sort)."""
    n = int(np.prod(shape))
    return (RNG.permutation(n).reshape(shape) - n / 2) * spacing + u(0, 0.1 * spacing, shape)


def off_integer(lo, hi, shape=S):
    """Values at least 0.1 away from every integer and half-integer."""
    return RNG.integers(lo, hi, shape) + u(0.1, 0.4, shape) * RNG.choice([-1.0, 1.0], shape)


CASES = []


def case(name, fn, *args, xfail=None, **tol):
    """Registers ``fn(*args)`` at orders 1 and 2; ``xfail`` maps an order to a bug report."""
    xfail = xfail or {}
    for order in (1, 2):
        marks = ()
        if order in xfail:
            marks = pytest.mark.xfail(strict=True, reason=xfail[order])
        CASES.append(pytest.param(fn, args, order, tol, id=f"{name}-order{order}", marks=marks))


# --- elementwise unary ------------------------------------------------------------------------
case("neg", jnp.negative, u(-2, 2))
case("lax.neg", lax.neg, u(-2, 2))
case("__neg__", lambda x: -x, u(-2, 2))
case("positive", jnp.positive, u(-2, 2))
case("abs", jnp.abs, away_from_zero(0.2, 2))
case("lax.abs", lax.abs, away_from_zero(0.2, 2))
case("__abs__", abs, away_from_zero(0.2, 2))
case("sign", jnp.sign, away_from_zero(0.2, 2))
case("floor", jnp.floor, off_integer(-3, 3))
case("ceil", jnp.ceil, off_integer(-3, 3))
case("trunc", jnp.trunc, off_integer(-3, 3))
case("round", jnp.round, off_integer(-3, 3))
case("round_decimals", lambda x: jnp.round(x, 1), off_integer(-3, 3) / 10)
case("rint", jnp.rint, off_integer(-3, 3))
case("lax.round", lax.round, off_integer(-3, 3))
case("square", jnp.square, u(-2, 2))
case("lax.square", lax.square, u(-2, 2))
case("reciprocal", jnp.reciprocal, away_from_zero(0.5, 2))
case("sqrt", jnp.sqrt, u(0.5, 3))
case("lax.rsqrt", lax.rsqrt, u(0.5, 3))
case("exp", jnp.exp, u(-2, 2))
case("exp2", jnp.exp2, u(-2, 2))
case("expm1", jnp.expm1, u(-2, 2))
case("log", jnp.log, u(0.5, 3))
case("log1p", jnp.log1p, u(-0.5, 2))
case("log2", jnp.log2, u(0.5, 3))
case("log10", jnp.log10, u(0.5, 3))
case("sin", jnp.sin, u(-3, 3))
case("cos", jnp.cos, u(-3, 3))
case("tan", jnp.tan, u(-1.2, 1.2))
case("tanh", jnp.tanh, u(-2, 2))
case("lax.logistic", lax.logistic, u(-3, 3))
case("lax.erf", lax.erf, u(-2, 2))
case("lax.erf_inv", lax.erf_inv, u(-0.9, 0.9))
case("arcsin", jnp.arcsin, u(-0.9, 0.9))
case("arccos", jnp.arccos, u(-0.9, 0.9))
case("arctan", jnp.arctan, u(-3, 3))
case("sinh", jnp.sinh, u(-2, 2))
case("cosh", jnp.cosh, u(-2, 2))
case("arcsinh", jnp.arcsinh, u(-3, 3))
case("arccosh", jnp.arccosh, u(1.2, 3))
case("arctanh", jnp.arctanh, u(-0.9, 0.9))
case("lax.integer_pow3", lambda x: lax.integer_pow(x, 3), u(-2, 2))
case("lax.integer_pow-2", lambda x: lax.integer_pow(x, -2), away_from_zero(0.5, 2))
case("lax.integer_pow0", lambda x: lax.integer_pow(x, 0), u(-2, 2))

# --- elementwise binary -----------------------------------------------------------------------
case("add", jnp.add, u(-2, 2), u(-2, 2))
case("add_broadcast", jnp.add, u(-2, 2), u(-2, 2, (3,)))
case("add_python_scalar", lambda x: x + 2.5, u(-2, 2))
case("subtract", jnp.subtract, u(-2, 2), u(-2, 2))
case("sub_broadcast", lax.sub, u(-2, 2, (2, 1)), u(-2, 2, (3,)))
case("multiply", jnp.multiply, u(-2, 2), u(-2, 2))
case("mul_broadcast", lax.mul, u(-2, 2, (2, 1)), u(-2, 2))
case("mul_scalar_array", jnp.multiply, u(-2, 2, ()), u(-2, 2))
case("divide", jnp.divide, u(-2, 2), away_from_zero(0.5, 2))
case("lax.div", lax.div, u(-2, 2), away_from_zero(0.5, 2))
case("__rtruediv__", lambda x: 3.0 / x, away_from_zero(0.5, 2))
case("power", jnp.power, u(0.5, 2), u(-2, 2))
case("lax.pow", lax.pow, u(0.5, 2), u(-2, 2))
case("__pow__", lambda x, y: x**y, u(0.5, 2), u(-2, 2))
case("__pow__int", lambda x: x**3, u(-2, 2))
case("__rpow__", lambda x: 2.0**x, u(-2, 2))
case("power-negative-base", lambda x: jnp.power(x, 3.0), u(-2, -0.5))
case("power-square-through-zero", lambda x: jnp.power(x, 2.0), np.array([-1.0, 0.0, 0.5]))
case("mixed-dtype-constant", lambda x: x * jnp.asarray(np.float32(1.5)), u(-2, 2))
case("fan-out", lambda x: x * jnp.sin(x) - x / (1 + x * x), u(-2, 2))
case("maximum", jnp.maximum, *np.split(distinct((2, 6)), 2, axis=1))
case("minimum", jnp.minimum, *np.split(distinct((2, 6)), 2, axis=1))
case("lax.max", lax.max, *np.split(distinct((2, 6)), 2, axis=1))
case("lax.min", lax.min, *np.split(distinct((2, 6)), 2, axis=1))
case("arctan2", jnp.arctan2, away_from_zero(0.5, 2), away_from_zero(0.5, 2))
case("lax.atan2", lax.atan2, away_from_zero(0.5, 2), away_from_zero(0.5, 2))
# rem/remainder: x / y stays 0.1 away from an integer, where the derivative jumps.
REM_Y = away_from_zero(0.5, 2)
REM_X = off_integer(-3, 3) * REM_Y
case("lax.rem", lax.rem, REM_X, REM_Y)
case("fmod", jnp.fmod, REM_X, REM_Y)
case("remainder", jnp.remainder, REM_X, REM_Y)
case("__mod__", lambda x, y: x % y, REM_X, REM_Y)
case("floor_divide", jnp.floor_divide, REM_X, REM_Y)

# --- selection ----------------------------------------------------------------------------------
COND = np.array([[True, False, True], [False, False, True]])
case("where", lambda x, y: jnp.where(COND, x, y), u(-2, 2), u(-2, 2))
case("where-same-operand", lambda x: jnp.where(COND, x, 2.0 * x), u(-2, 2))
case(
    "where-int-condition",
    lambda x, y: jnp.where(COND.astype(np.int32) * 3, x, y),
    u(-2, 2),
    u(-2, 2),
)
case("where_broadcast", lambda x, y: jnp.where(COND, x, y), u(-2, 2, (3,)), u(-2, 2, ()))
case("lax.select_n_bool", lambda x, y: lax.select_n(COND, x, y), u(-2, 2), u(-2, 2))
WHICH = jnp.asarray(np.array([[0, 1, 2], [2, 1, 0]], np.int32))
case(
    "lax.select_n_int",
    lambda x, y, z: lax.select_n(WHICH, x, y, z),
    u(-2, 2),
    u(-2, 2),
    u(-2, 2),
)
CLIP_X = np.array([[-2.0, -0.3, 0.2], [0.7, 1.5, -1.1]])
case("clip", lambda x: jnp.clip(x, -1.0, 1.0), CLIP_X)
case("clip_min_only", lambda x: jnp.clip(x, min=0.0), CLIP_X)
case("clip_array_bounds", jnp.clip, CLIP_X, np.full(S, -1.0), np.full(S, 1.0))
case("lax.clamp", lax.clamp, np.full(S, -1.0), CLIP_X, np.full(S, 1.0))
case("lax.clamp_scalar_bounds", lambda x: lax.clamp(-1.0, x, 1.0), CLIP_X)

# --- reductions ---------------------------------------------------------------------------------
X3 = u(-2, 2, (2, 3, 4))
for axis in (None, 0, 1, -1, (0, 2)):
    case(f"sum-axis{axis}", lambda x, a=axis: jnp.sum(x, axis=a), X3)
    case(f"mean-axis{axis}", lambda x, a=axis: jnp.mean(x, axis=a), X3)
    case(
        f"prod-axis{axis}",
        lambda x, a=axis: jnp.prod(x, axis=a),
        away_from_zero(0.5, 1.5, X3.shape),
    )
    case(f"max-axis{axis}", lambda x, a=axis: jnp.max(x, axis=a), distinct((2, 3, 4)))
    case(f"min-axis{axis}", lambda x, a=axis: jnp.min(x, axis=a), distinct((2, 3, 4)))
case("sum-keepdims", lambda x: jnp.sum(x, axis=1, keepdims=True), X3)
case("mean-keepdims", lambda x: jnp.mean(x, axis=(0, 1), keepdims=True), X3)
case("max-keepdims", lambda x: jnp.max(x, axis=0, keepdims=True), distinct())
ZERO_IN = np.array([[0.5, 0.0, -1.2], [1.3, -0.7, 0.9]])
case("prod-with-a-zero", lambda x: jnp.prod(x, axis=1), ZERO_IN)
case("prod-with-a-zero-all", jnp.prod, ZERO_IN)
case("cumprod-with-a-zero", lambda x: jnp.cumprod(x, axis=1), ZERO_IN)
case("Array.sum", lambda x: x.sum(axis=0), u(-2, 2))
case("Array.mean", lambda x: x.mean(), u(-2, 2))
case("Array.prod", lambda x: x.prod(axis=1), away_from_zero(0.5, 1.5))
case("Array.max", lambda x: x.max(axis=1), distinct())
case("Array.min", lambda x: x.min(), distinct())
case("sum-initial", lambda x: jnp.sum(x, axis=0, initial=1.5), u(-2, 2))
case("prod-initial", lambda x: jnp.prod(x, initial=2.0), away_from_zero(0.5, 1.5))
case("lax.reduce_sum", lambda x: lax.reduce_sum(x, (0, 2)), X3)
case("lax.reduce_prod", lambda x: lax.reduce_prod(x, (1,)), away_from_zero(0.5, 1.5))
case("lax.reduce_max", lambda x: lax.reduce_max(x, (0, 1)), distinct((2, 3, 4)))
case("lax.reduce_min", lambda x: lax.reduce_min(x, (2,)), distinct((2, 3, 4)))

# --- cumulative reductions ----------------------------------------------------------------------
for axis in (None, 0, 1):
    case(f"cumsum-axis{axis}", lambda x, a=axis: jnp.cumsum(x, axis=a), u(-2, 2))
    case(f"cumprod-axis{axis}", lambda x, a=axis: jnp.cumprod(x, axis=a), away_from_zero(0.5, 1.5))
for reverse in (False, True):
    r = "-reverse" if reverse else ""
    case(f"lax.cumsum{r}", lambda x, r=reverse: lax.cumsum(x, 1, r), u(-2, 2))
    case(f"lax.cumprod{r}", lambda x, r=reverse: lax.cumprod(x, 1, r), away_from_zero(0.5, 1.5))
    case(f"lax.cummax{r}", lambda x, r=reverse: lax.cummax(x, 1, r), distinct())
    case(f"lax.cummin{r}", lambda x, r=reverse: lax.cummin(x, 0, r), distinct())

# --- products -----------------------------------------------------------------------------------
case("dot-1d-1d", jnp.dot, u(-2, 2, (3,)), u(-2, 2, (3,)))
case("dot-2d-1d", jnp.dot, u(-2, 2), u(-2, 2, (3,)))
case("dot-2d-2d", jnp.dot, u(-2, 2), u(-2, 2, (3, 2)))
case("dot-3d-2d", jnp.dot, u(-2, 2, (2, 2, 3)), u(-2, 2, (3, 2)))
case("matmul", jnp.matmul, u(-2, 2), u(-2, 2, (3, 2)))
case("matmul-1d-2d", jnp.matmul, u(-2, 2, (3,)), u(-2, 2, (3, 2)))
case("matmul-batch-both", jnp.matmul, u(-2, 2, (2, 1, 2, 3)), u(-2, 2, (1, 3, 3, 2)))
case("matmul-2d-1d", jnp.matmul, u(-2, 2, (2, 2, 3)), u(-2, 2, (3,)))
case("matmul-batch-broadcast", jnp.matmul, u(-2, 2, (2, 2, 3)), u(-2, 2, (3, 2)))
case("__matmul__", lambda x, y: x @ y, u(-2, 2), u(-2, 2, (3,)))
case("vdot", jnp.vdot, u(-2, 2), u(-2, 2))
case("inner", jnp.inner, u(-2, 2), u(-2, 2, (4, 3)))
case("outer", jnp.outer, u(-2, 2, (3,)), u(-2, 2, (2,)))
case("tensordot-int", lambda x, y: jnp.tensordot(x, y, 1), u(-2, 2), u(-2, 2, (3, 2)))
case(
    "tensordot-pairs",
    lambda x, y: jnp.tensordot(x, y, ((0, 2), (1, 0))),
    u(-2, 2, (2, 3, 4)),
    u(-2, 2, (4, 2)),
)
case("lax.dot", lax.dot, u(-2, 2), u(-2, 2, (3, 2)))
case(
    "lax.dot_general-batch",
    lambda x, y: lax.dot_general(x, y, (((2,), (1,)), ((0,), (0,)))),
    u(-2, 2, (2, 3, 4)),
    u(-2, 2, (2, 4, 2)),
)
case(
    "lax.dot_general-batch-middle",
    lambda x, y: lax.dot_general(x, y, (((0,), (2,)), ((1,), (0,)))),
    u(-2, 2, (4, 2, 3)),
    u(-2, 2, (2, 3, 4)),
)
EINSUMS = [  # (subscripts, operand shapes)
    ("ij,jk->ik", ((2, 3), (3, 2))),
    ("ij,jk->ik", ((2, 1), (3, 2))),  # the size-1 j broadcasts against 3
    ("bij,bjk->bik", ((2, 2, 3), (2, 3, 2))),
    ("i,i->", ((3,), (3,))),
    ("ij,j", ((2, 3), (3,))),
    ("ij,ij->i", ((2, 3), (2, 3))),
    ("i,j->ij", ((3,), (2,))),
    ("...ij,...jk", ((2, 2, 3), (2, 3, 2))),
    ("ijk->kj", ((2, 3, 2),)),
]
for spec, shapes in EINSUMS:
    case(
        f"einsum[{spec}]{'x'.join(map(str, shapes[0]))}",
        lambda *xs, s=spec: jnp.einsum(s, *xs),
        *[u(-2, 2, s) for s in shapes],
    )

# --- shapes -------------------------------------------------------------------------------------
case("transpose", jnp.transpose, X3)
case("transpose-axes", lambda x: jnp.transpose(x, (1, 2, 0)), X3)
case("lax.transpose", lambda x: lax.transpose(x, (2, 0, 1)), X3)
case("Array.T", lambda x: x.T, u(-2, 2))
case("swapaxes", lambda x: jnp.swapaxes(x, 0, 2), X3)
case("moveaxis", lambda x: jnp.moveaxis(x, 0, -1), X3)
case("reshape", lambda x: jnp.reshape(x, (4, -1)), X3)
case("lax.reshape-dimensions", lambda x: lax.reshape(x, (3, 2), dimensions=(1, 0)), u(-2, 2))
case("Array.reshape", lambda x: x.reshape(6), u(-2, 2))
case("ravel", jnp.ravel, u(-2, 2))
case("squeeze", jnp.squeeze, u(-2, 2, (1, 3, 1)))
case("lax.squeeze", lambda x: lax.squeeze(x, (0,)), u(-2, 2, (1, 3, 1)))
case("expand_dims", lambda x: jnp.expand_dims(x, (0, 2)), u(-2, 2))
case("lax.expand_dims", lambda x: lax.expand_dims(x, (1,)), u(-2, 2))
case("broadcast_to", lambda x: jnp.broadcast_to(x, (2, 2, 3)), u(-2, 2, (2, 1, 3)))
case("lax.broadcast", lambda x: lax.broadcast(x, (2,)), u(-2, 2))
case(
    "lax.broadcast_in_dim",
    lambda x: lax.broadcast_in_dim(x, (3, 2, 2), (0, 2)),
    u(-2, 2, (3, 1)),
)
case("flip", jnp.flip, u(-2, 2))
case("lax.rev", lambda x: lax.rev(x, (1,)), u(-2, 2))
case("concatenate", lambda x, y: jnp.concatenate((x, y)), u(-2, 2), u(-2, 2, (1, 3)))
case("concatenate-axis1", lambda *xs: jnp.concatenate(xs, axis=1), u(-2, 2), u(-2, 2, (2, 1)))
case("concatenate-none", lambda x, y: jnp.concatenate([x, y], axis=None), u(-2, 2), u(-2, 2, 4))
case("lax.concatenate", lambda *xs: lax.concatenate(xs, 0), u(-2, 2), u(-2, 2), u(-2, 2, (1, 3)))
case("stack", lambda x, y: jnp.stack([x, y]), u(-2, 2), u(-2, 2))
case("stack-axis-1", lambda x, y: jnp.stack([x, y], axis=-1), u(-2, 2), u(-2, 2))
for config in (
    [(1, 2, 0), (0, 1, 0)],
    [(-1, 1, 1), (2, -1, 0)],
    [(0, 0, 2), (-2, 0, 1)],
):
    case(f"lax.pad{config}", lambda x, p, c=config: lax.pad(x, p, c), u(-2, 2), u(-2, 2, ()))

# --- slicing and indexing -----------------------------------------------------------------------
case("lax.slice", lambda x: lax.slice(x, (0, 1, 0), (2, 3, 4), (1, 1, 2)), X3)
case("lax.slice_in_dim", lambda x: lax.slice_in_dim(x, 1, None, 2, axis=-1), X3)
INDICES = {
    "[1:,::-1]": (slice(1, None), slice(None, None, -1)),
    "[0]": 0,
    "[-1,::2]": (-1, slice(None, None, 2)),
    "[None,:,1]": (None, slice(None), 1),
    "[...,2]": (Ellipsis, 2),
    "[:,None]": (slice(None), None),
    "[1,2]": (1, 2),
    "[::-1,2:0:-1]": (slice(None, None, -1), slice(2, 0, -1)),
}
for name, index in INDICES.items():
    case(f"getitem{name}", lambda x, i=index: x[i], u(-2, 2))
case("lax.dynamic_slice", lambda x: lax.dynamic_slice(x, (1, 1), (1, 2)), u(-2, 2))
case("lax.dynamic_slice-clamped", lambda x: lax.dynamic_slice(x, (5, -3), (1, 2)), u(-2, 2))
case(
    "lax.dynamic_slice-array-start",
    lambda x: lax.dynamic_slice(x, (jnp.asarray(1), jnp.asarray(0)), (1, 2)),
    u(-2, 2),
)
case("lax.dynamic_slice_in_dim", lambda x: lax.dynamic_slice_in_dim(x, 1, 2, axis=1), u(-2, 2))
case(
    "lax.dynamic_update_slice",
    lambda x, y: lax.dynamic_update_slice(x, y, (1, 1)),
    u(-2, 2),
    u(-2, 2, (1, 2)),
)
case(
    "lax.dynamic_update_slice-clamped",
    lambda x, y: lax.dynamic_update_slice(x, y, (0, 7)),
    u(-2, 2),
    u(-2, 2, (2, 2)),
)
case(
    "lax.dynamic_update_slice_in_dim",
    lambda x, y: lax.dynamic_update_slice_in_dim(x, y, 1, 0),
    u(-2, 2, (3, 3)),
    u(-2, 2, (1, 3)),
)

# --- sorting ------------------------------------------------------------------------------------
case("sort", jnp.sort, distinct())
case("sort-axis0", lambda x: jnp.sort(x, axis=0), distinct())
case("sort-axisNone", lambda x: jnp.sort(x, axis=None), distinct())
case("lax.sort", lambda x: lax.sort(x, 0), distinct())
case("lax.sort-tuple", lambda k, v: lax.sort((k, v), num_keys=1), distinct(), u(-2, 2))
case("lax.sort_key_val", lax.sort_key_val, distinct(), u(-2, 2))
# The first key has ties (broken by the second), so it is a constant: perturbing it would
# reorder the tied rows.
TIED_KEYS = jnp.asarray(np.array([[1.0, 2.0, 1.0], [1.0, 0.0, 3.0], [0.0, 2.0, 3.0]]))
case(
    "lax.sort-two-keys",
    lambda k2, v: lax.sort((TIED_KEYS, k2, v), dimension=0, num_keys=2)[1:],
    distinct((3, 3)),
    u(-2, 2, (3, 3)),
)

# --- dtype conversion ---------------------------------------------------------------------------
# Both functions are linear up to float32 rounding, so a wide step keeps the rounding noise
# (ulp / eps) small without adding truncation error.
F32 = {"eps": 1e-1, "rtol": 1e-5, "atol": 1e-5}
case("convert-f64-f32", lambda x: lax.convert_element_type(x, jnp.float32), u(-2, 2), **F32)
case(
    "convert-f64-f32-f64",
    lambda x: lax.convert_element_type(lax.convert_element_type(x, "float32"), "float64"),
    u(-2, 2),
    **F32,
)
case("astype-f32-f64", lambda x: (x.astype("float32") * 3.0).astype("float64"), u(-2, 2), **F32)

# --- creation from traced values ---------------------------------------------------------------
case("full", lambda v: jnp.full((2, 3), v), u(-2, 2, (3,)))
case("full_like", lambda a, v: jnp.full_like(a, v), u(-2, 2), u(-2, 2, (3,)))
case("ones_like", lambda x: x * jnp.ones_like(x) + jnp.zeros_like(x), u(-2, 2))
case("lax.full", lambda v: lax.full((2, 3), v), u(-2, 2, ()))
case("lax.full_like", lambda x, v: lax.full_like(x, v) * x, u(-2, 2), u(-2, 2, ()))
case("array-ndmin", lambda x: jnp.array(x, ndmin=3), u(-2, 2))
case("linspace", lambda a, b: jnp.linspace(a, b, 4), u(-2, 2, (3,)), u(-2, 2, (3,)))
case(
    "linspace-axis1-no-endpoint",
    lambda a, b: jnp.linspace(a, b, 4, endpoint=False, axis=1),
    u(-2, 2, (2,)),
    u(-2, 2, (2,)),
)
case(
    "linspace-broadcast",
    lambda a, b: jnp.linspace(a, b, 4),
    u(-2, 2, ()),
    u(-2, 2, (3,)),
)

# --- transformations and compositions -----------------------------------------------------------


@jax.custom_jvp
def softplus(x):
    return jnp.log1p(jnp.exp(x))


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t * lax.logistic(x)


@jax.custom_vjp
def cube(x):
    return x * x * x


def _cube_fwd(x):
    return cube(x), x


def _cube_bwd(x, ct):
    return (3.0 * x * x * ct,)


cube.defvjp(_cube_fwd, _cube_bwd)


def mlp(w, b, x):
    """A one-layer perceptron with a softmax, as used in training."""
    h = jnp.tanh(x @ w + b)
    z = h - jnp.max(h, axis=-1, keepdims=True)
    return jnp.sum(jnp.exp(z) / jnp.sum(jnp.exp(z), axis=-1, keepdims=True) * x[:, :2])


case("custom_jvp", softplus, u(-2, 2))
# Forward mode of a custom_vjp function is an error, as in JAX.
case("custom_vjp", cube, u(-2, 2), modes=("rev",))
case("checkpoint", jax.checkpoint(lambda x: jnp.sin(x) * x), u(-2, 2))
case("vmap", jax.vmap(lambda x, y: jnp.dot(x, jnp.sin(y))), u(-2, 2), u(-2, 2))
case("vmap-in_axes", jax.vmap(lambda x: jnp.cumsum(x) * x, in_axes=1), u(-2, 2))
case("grad", jax.grad(lambda x: jnp.sum(jnp.sin(x) * x)), u(-2, 2))
case("jacfwd", jax.jacfwd(lambda x: jnp.sin(x) * x[::-1]), u(-2, 2, (3,)))
case("jacrev", jax.jacrev(lambda x: jnp.cos(x) * x[::-1]), u(-2, 2, (3,)))
case("hessian", jax.hessian(lambda x: jnp.sum(jnp.exp(x) * x[::-1])), u(-1, 1, (3,)))
case("linearize", lambda x: jax.linearize(jnp.sin, x * x)[1](x), u(-2, 2))
case("Array.__iter__", lambda x: tuple(x), u(-2, 2))
case("__rsub__", lambda x: 1.0 - 2.0 * x, u(-2, 2))
case("tuple-output", lambda x, y: (x * y, jnp.sin(x), {"s": jnp.sum(y)}), u(-2, 2), u(-2, 2))
case("mlp", mlp, u(-1, 1, (3, 2)), u(-1, 1, (2,)), u(-1, 1, (4, 3)))


@pytest.mark.parametrize("fn, args, order, tol", CASES)
def test_grads(x64, fn, args, order, tol):
    check_grads(fn, args, order, **tol)


def test_check_grads_catches_a_wrong_derivative(x64):
    """The checker fails on a function whose custom JVP and VJP are off by a factor."""

    @jax.custom_jvp
    def bad_sin(x):
        return jnp.sin(x)

    @bad_sin.defjvp
    def _bad_sin_jvp(primals, tangents):
        return jnp.sin(primals[0]), 1.01 * jnp.cos(primals[0]) * tangents[0]

    x = u(-2, 2)
    for mode in ("fwd", "rev"):
        with pytest.raises(AssertionError):
            check_grads(bad_sin, (x,), 1, modes=(mode,))


def test_check_grads_catches_a_wrong_second_derivative(x64):
    """First derivatives right, second ones wrong: only the order-2 check fails."""

    @jax.custom_jvp
    def bad_cos(x):
        return jnp.cos(x)

    @bad_cos.defjvp
    def _bad_cos_jvp(primals, tangents):
        return jnp.cos(primals[0]), jnp.sin(primals[0]) * tangents[0]  # sign flipped

    @jax.custom_jvp
    def sin(x):
        return jnp.sin(x)

    @sin.defjvp
    def _sin_jvp(primals, tangents):
        return jnp.sin(primals[0]), bad_cos(primals[0]) * tangents[0]

    x = u(-2, 2)
    check_grads(sin, (x,), 1)
    for mode in ("fwd", "rev"):
        with pytest.raises(AssertionError):
            check_grads(sin, (x,), 2, modes=(mode,))


def test_check_grads_requires_float64():
    """Without x64 the arguments would silently become float32; the checker refuses."""
    with pytest.raises(AssertionError, match="x64"):
        check_grads(jnp.sin, (u(-2, 2),), 1)


def test_custom_rules_survive_jit():
    """A jitted function keeps its custom rules: differentiating the staged program uses them
    (relu's derivative at its kink is 0 by its rule; the rules below scale by 100)."""

    @jax.custom_jvp
    def f(x):
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        return f(primals[0]), 100.0 * tangents[0]

    @jax.custom_vjp
    def g(x):
        return jnp.sin(x)

    g.defvjp(lambda x: (jnp.sin(x), x), lambda x, ct: (100.0 * ct,))
    for fn in (f, g):
        for transform in (lambda h: jax.grad(jax.jit(h)), lambda h: jax.jit(jax.grad(h))):
            assert float(transform(fn)(1.0)) == 100.0
        np.testing.assert_allclose(float(jax.jit(fn)(1.0)), np.sin(1.0), rtol=1e-6)
    _, tangent = jax.jvp(jax.jit(f), (1.0,), (1.0,))
    assert float(tangent) == 100.0
    assert float(jax.grad(jax.jit(jax.nn.relu))(0.0)) == 0.0
    assert "custom_jvp_call" in str(jax.make_jaxpr(f)(1.0))

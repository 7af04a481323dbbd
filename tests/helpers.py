"""Test helpers: the x64 context manager, ulp distances and exact comparisons against NumPy."""

import contextlib

import ferrax
import numpy as np

X64_DTYPES = ("float64", "int64")


@contextlib.contextmanager
def x64_mode(enabled):
    """Runs the block with ``jax_enable_x64`` set to ``enabled``, restoring the old value."""
    old = ferrax.config.jax_enable_x64
    ferrax.config.update("jax_enable_x64", enabled)
    try:
        yield
    finally:
        ferrax.config.update("jax_enable_x64", old)


def _ordered_ints(a):
    """Float bit patterns as int64s that order like the floats (-0.0 and +0.0 both map to 0)."""
    if a.dtype == np.float32:
        bits, lowest = a.view(np.int32).astype(np.int64), np.int64(-(2**31))
    else:
        bits, lowest = a.view(np.int64), np.int64(-(2**63))
    return np.where(bits >= 0, bits, lowest - bits)


def ulp_distance(actual, expected):
    """Elementwise distance in units in the last place of ``actual``'s float dtype.

    NaN against NaN is 0; NaN against a number is a huge distance; infinities compare exactly.
    """
    actual = np.asarray(actual)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.asarray(expected).astype(actual.dtype)
    oa, oe = _ordered_ints(actual), _ordered_ints(expected)
    cap = np.int64(2**61)
    same_side = (oa >= 0) == (oe >= 0)
    with np.errstate(over="ignore"):
        near = np.abs(oa - oe)
    far = np.minimum(np.abs(oa), cap) + np.minimum(np.abs(oe), cap)
    dist = np.where(same_side, near, far)
    nan_a, nan_e = np.isnan(actual), np.isnan(expected)
    dist = np.where(nan_a & nan_e, 0, dist)
    return np.where(nan_a ^ nan_e, 2 * cap, dist)


def assert_ulp(actual, expected, max_ulp, inputs=(), name=""):
    """Asserts that ``actual`` is within ``max_ulp`` ulps of ``expected`` (rounded to its dtype).

    On failure the message lists the worst elements with their inputs.
    """
    actual = np.asarray(actual)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.asarray(expected).astype(actual.dtype)
    expected = np.broadcast_to(expected, actual.shape)
    dist = ulp_distance(actual, expected)
    worst = int(np.max(dist)) if dist.size else 0
    if worst <= max_ulp:
        return
    flat = np.argsort(-dist.astype(np.float64).ravel(), kind="stable")[:5]
    lines = []
    for k in flat:
        idx = np.unravel_index(k, actual.shape)
        args = ", ".join(repr(np.broadcast_to(x, actual.shape)[idx].item()) for x in inputs)
        lines.append(
            f"  {name}({args}) = {actual[idx].item()!r}, expected {expected[idx].item()!r} "
            f"({int(dist[idx])} ulp)"
        )
    raise AssertionError(
        f"{name}: max ulp error {worst} > {max_ulp} ({int(np.sum(dist > max_ulp))} of "
        f"{dist.size} elements)\n" + "\n".join(lines)
    )


def assert_exact(actual, expected):
    """Asserts equal shapes, dtypes and values (NaNs in the same places count as equal)."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_array_equal(actual, expected)


def default_float():
    """The default float dtype name under the current x64 mode."""
    return "float64" if ferrax.config.jax_enable_x64 else "float32"


def default_int():
    """The default int dtype name under the current x64 mode."""
    return "int64" if ferrax.config.jax_enable_x64 else "int32"


def np_pad(x, value, config):
    """Reference for lax.pad: interior dilation, then low/high padding (negative crops)."""
    out = x
    for axis, (lo, hi, interior) in enumerate(config):
        n = out.shape[axis]
        dilated_len = n + max(n - 1, 0) * interior
        shape = list(out.shape)
        shape[axis] = dilated_len
        dilated = np.full(shape, value, dtype=x.dtype)
        idx = [slice(None)] * out.ndim
        idx[axis] = slice(0, dilated_len, interior + 1)
        dilated[tuple(idx)] = out
        pad_width = [(0, 0)] * out.ndim
        pad_width[axis] = (max(lo, 0), max(hi, 0))
        padded = np.pad(dilated, pad_width, constant_values=value)
        crop = [slice(None)] * out.ndim
        crop[axis] = slice(max(-lo, 0), padded.shape[axis] - max(-hi, 0))
        out = padded[tuple(crop)]
    return out

"""ferrax.random against independent oracles.

* Random123's published known-answer vectors for threefry2x32 with 20 rounds.
* A NumPy threefry2x32 and JAX's partitionable key scheme (split, fold_in, bits, uniform),
  written here from the algorithm description; keys and bits must agree exactly.
* Distributions: Kolmogorov-Smirnov tests against SciPy's CDFs and chi-square tests of
  frequencies, with fixed keys and a fixed threshold (p > 1e-4), so every run is the same.
* Exactly rounded references (rational arithmetic) for the fused multiply-add, and NumPy /
  SciPy for the elementary functions the samplers evaluate in XLA's way.
* Gradients against finite differences of the sampler with the same key; jit and vmap
  against eager calls.
"""

import hashlib
import math
from fractions import Fraction

import ferrax as jax
import ferrax.numpy as jnp
import numpy as np
import pytest
from check_grads import check_grads
from ferrax import _random_math, _threefry, errors, random
from helpers import x64_mode
from scipy import special, stats

P_MIN = 1e-4
MASK32 = 0xFFFFFFFF

# --- an independent threefry2x32 in NumPy ----------------------------------------------------
# Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3" (SC 2011).
# Threefry-2x32: rotation constants R[0..7], a key injection after every fourth round, where
# injection s adds ks[s % 3] to word 0 and ks[(s + 1) % 3] + s to word 1, with the extended key
# ks = (k0, k1, k0 ^ k1 ^ 0x1BD11BDA).
ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)


def np_threefry2x32(k0, k1, x0, x1, rounds=20):
    """Threefry-2x32 of counters ``(x0, x1)`` under key ``(k0, k1)``, elementwise (uint32)."""
    u32 = np.uint32
    k0, k1 = np.asarray(k0, u32), np.asarray(k1, u32)
    ks = (k0, k1, k0 ^ k1 ^ u32(0x1BD11BDA))
    x0 = np.asarray(x0, u32) + ks[0]
    x1 = np.asarray(x1, u32) + ks[1]
    for rnd in range(rounds):
        x0 = x0 + x1
        r = ROTATIONS[rnd % 8]
        x1 = ((x1 << u32(r)) | (x1 >> u32(32 - r))) ^ x0
        if rnd % 4 == 3:
            s = rnd // 4 + 1
            x0 = x0 + ks[s % 3]
            x1 = x1 + ks[(s + 1) % 3] + u32(s)
    return x0, x1


def np_counters(n):
    """The 64-bit counters 0..n-1 as (high, low) uint32 words."""
    i = np.arange(n, dtype=np.uint64)
    return (i >> np.uint64(32)).astype(np.uint32), (i & np.uint64(MASK32)).astype(np.uint32)


def np_split(key, shape):
    """JAX's partitionable split: key i (row-major) is the hash of counter i."""
    n = math.prod(shape)
    y0, y1 = np_threefry2x32(key[0], key[1], *np_counters(n))
    return np.stack([y0, y1], axis=-1).reshape((*shape, 2))


def np_fold_in(key, data):
    """JAX's fold_in: the hash of the counter (0, data)."""
    y0, y1 = np_threefry2x32(key[0], key[1], [0], [data])
    return np.array([y0[0], y1[0]], np.uint32)


def np_bits32(key, shape):
    """JAX's partitionable 32-bit random bits: the xor of the two hash words of counter i."""
    y0, y1 = np_threefry2x32(key[0], key[1], *np_counters(math.prod(shape)))
    return (y0 ^ y1).reshape(shape)


def np_bits64(key, shape):
    """64-bit random bits: the two hash words of counter i, high word first."""
    y0, y1 = np_threefry2x32(key[0], key[1], *np_counters(math.prod(shape)))
    return ((y0.astype(np.uint64) << np.uint64(32)) | y1.astype(np.uint64)).reshape(shape)


def np_unit_floats(key, shape, dtype):
    """Floats in [0, 1): random mantissa bits under the exponent of 1.0, minus 1."""
    if dtype == np.float32:
        word = (np_bits32(key, shape) >> np.uint32(9)) | np.uint32(0x3F800000)
        return word.view(np.float32) - np.float32(1)
    word = (np_bits64(key, shape) >> np.uint64(12)) | np.uint64(0x3FF0000000000000)
    return word.view(np.float64) - np.float64(1)


def rounded(value, dtype):
    """The exact rational ``value`` rounded to nearest-even in ``dtype`` (float32/float64).
    ``float`` of a Fraction rounds correctly to float64; for float32, float64 rounding to odd
    and then rounding to float32 is correctly rounded (53 >= 24 + 2)."""
    near = float(value)
    if dtype == np.float64:
        return np.float64(near)
    if Fraction(near) != value and math.isfinite(near):
        bits = np.array(near).view(np.int64)
        if bits & 1 == 0:  # make it odd, on the side of the exact value
            toward = math.inf if value > Fraction(near) else -math.inf
            near = math.nextafter(near, toward)
    return np.array(near).astype(dtype)


def exact_fma(a, b, c, dtype):
    """``a * b + c`` rounded once (from exact rational arithmetic), elementwise."""
    flat = [
        rounded(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)), dtype)
        for x, y, z in zip(np.ravel(a), np.ravel(b), np.ravel(c), strict=True)
    ]
    return np.array(flat, dtype).reshape(np.shape(a))


def key_of(seed):
    """The raw key PRNGKey(seed) has for a non-negative 32-bit seed (x64 off)."""
    return np.array([0, seed & MASK32], np.uint32)


# --- threefry and the key scheme --------------------------------------------------------------
# Random123 kat_vectors, "threefry2x32 20": counter words, key words, expected output words.
KAT = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x243F6A88, 0x85A308D3), (0x13198A2E, 0x03707344), (0xC4923A9C, 0x483DF7A0)),
]


@pytest.mark.parametrize("ctr, key, expected", KAT)
def test_threefry_known_answer_vectors(ctr, key, expected):
    keypair = jnp.asarray(np.array(key, np.uint32))
    out = random.threefry_2x32(keypair, jnp.asarray(np.array(ctr, np.uint32)))
    assert out.dtype == np.uint32
    assert [int(v) for v in np.asarray(out)] == list(expected)
    assert [int(v[0]) for v in np_threefry2x32(*key, [ctr[0]], [ctr[1]])] == list(expected)


def test_threefry_primitive_matches_numpy(rng):
    """The core's threefry2x32 primitive agrees with the NumPy oracle, on arrays and with
    scalar words broadcast against them (as the key words and the high counter word are)."""
    words = [rng.integers(0, 2**32, 1000, dtype=np.uint64).astype(np.uint32) for _ in range(4)]
    got = _threefry.threefry2x32(*(jnp.asarray(w) for w in words))
    for g, w in zip(got, np_threefry2x32(*words), strict=True):
        np.testing.assert_array_equal(np.asarray(g), w)
    k0, k1 = words[0][0], words[1][0]
    for x0, x1 in ((words[2], words[3]), (np.uint32(0), words[3]), (words[2], np.uint32(7))):
        got = _threefry.threefry2x32(k0, k1, x0, x1)
        want = np_threefry2x32(k0, k1, x0, x1)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(np.asarray(g), np.broadcast_to(w, (1000,)))


def test_threefry_2x32_flat_interface_pads_odd_counts():
    key = np.array([0x13198A2E, 0x03707344], np.uint32)
    count = np.arange(7, dtype=np.uint32) * np.uint32(2654435761)
    out = np.asarray(random.threefry_2x32(jnp.asarray(key), jnp.asarray(count)))
    padded = np.concatenate([count, [0]]).astype(np.uint32)
    y0, y1 = np_threefry2x32(key[0], key[1], padded[:4], padded[4:])
    np.testing.assert_array_equal(out, np.concatenate([y0, y1])[:7])


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31 - 1, 2**32 + 5, -1, -(2**40)])
def test_prng_key_words(seed):
    np.testing.assert_array_equal(np.asarray(random.PRNGKey(seed)), key_of(seed))
    with x64_mode(True):
        wide = seed & (2**64 - 1)
        want = np.array([wide >> 32, wide & MASK32], np.uint32)
        np.testing.assert_array_equal(np.asarray(random.PRNGKey(seed)), want)
        np.testing.assert_array_equal(np.asarray(random.key(seed)), want)


def test_key_helpers_are_identities_on_raw_keys():
    k = random.PRNGKey(3)
    keys = random.split(k, 4)
    for fn in (random.key_data, random.wrap_key_data, random.clone):
        np.testing.assert_array_equal(np.asarray(fn(keys)), np.asarray(keys))
    np.testing.assert_array_equal(np.asarray(random.key(3)), np.asarray(k))
    with pytest.raises(errors.FerraxNotImplementedError, match="impl"):
        random.PRNGKey(0, impl="rbg")
    with pytest.raises(errors.FerraxTypeError, match="uint32"):
        random.key_data(np.zeros(2, np.int32))


@pytest.mark.parametrize("num", [2, 5, (2, 3), ()])
def test_split_matches_numpy(num):
    for seed in (0, 7, 2**31 + 9):
        key = key_of(seed)
        shape = (num,) if isinstance(num, int) else num
        got = np.asarray(random.split(jnp.asarray(key), num))
        assert got.dtype == np.uint32 and got.shape == (*shape, 2)
        np.testing.assert_array_equal(got, np_split(key, shape))


def test_split_chains_and_fold_in_match_numpy():
    key = key_of(1234)
    want = np_split(np_split(key, (3,))[1], (4,))[2]
    got = random.split(random.split(jnp.asarray(key), 3)[1], 4)[2]
    np.testing.assert_array_equal(np.asarray(got), want)
    for data in (0, 1, 77, MASK32):
        got = random.fold_in(jnp.asarray(key), data)
        np.testing.assert_array_equal(np.asarray(got), np_fold_in(key, data))
    traced = jax.jit(random.fold_in)(jnp.asarray(key), jnp.asarray(np.int32(-5)))
    np.testing.assert_array_equal(np.asarray(traced), np_fold_in(key, (-5) & MASK32))
    with pytest.raises(errors.FerraxOverflowError):
        random.fold_in(jnp.asarray(key), -1)
    with pytest.raises(errors.FerraxTypeError, match="scalar"):
        random.fold_in(jnp.asarray(key), jnp.arange(2))


@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 5), (2, 3, 4)])
def test_bits_match_numpy(shape):
    key = key_of(99)
    got = np.asarray(random.bits(jnp.asarray(key), shape))
    assert got.dtype == np.uint32 and got.shape == shape
    np.testing.assert_array_equal(got, np_bits32(key, shape))


def test_bits_dtype_rules():
    k = random.PRNGKey(0)
    assert random.bits(k, (2,), dtype=jnp.uint32).dtype == np.uint32
    with pytest.raises(errors.FerraxValueError, match="unsigned"):
        random.bits(k, (2,), dtype=jnp.int32)
    with x64_mode(True):
        with pytest.raises(errors.FerraxNotImplementedError, match="uint64"):
            random.bits(k, (2,))
        assert random.bits(k, (2,), dtype=jnp.uint32).dtype == np.uint32


def test_uniform_matches_numpy_exactly():
    key = key_of(5)
    k = jnp.asarray(key)
    got = np.asarray(random.uniform(k, (4, 257)))
    np.testing.assert_array_equal(got, np_unit_floats(key, (4, 257), np.float32))
    # A power-of-two span scales exactly.
    got = np.asarray(random.uniform(k, (64,), minval=-2.0, maxval=2.0))
    np.testing.assert_array_equal(got, np_unit_floats(key, (64,), np.float32) * 4 - 2)
    # Otherwise floats * span + minval is one fused multiply-add (as XLA compiles it on CPU).
    lo, hi = np.float32(-0.3), np.float32(1.7)
    f = np_unit_floats(key, (64,), np.float32)
    want = np.maximum(lo, exact_fma(f, np.full(64, hi - lo), np.full(64, lo), np.float32))
    np.testing.assert_array_equal(np.asarray(random.uniform(k, (64,), minval=lo, maxval=hi)), want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bounds_broadcast_to_the_shape(dtype, x64):
    """Bounds of shape (3,) or (1, 3) with shape (2, 3): JAX broadcasts them, so the values are
    those of explicitly broadcast bounds, and (the oracle) max(lo, fma(floats, hi - lo, lo))
    elementwise."""
    key = key_of(31)
    k = jnp.asarray(key)
    lo = np.array([-1.0, 0.0, 2.5], dtype)
    hi = np.array([1.0, 3.0, 2.75], dtype)
    lo2, hi2 = np.broadcast_to(lo, (2, 3)), np.broadcast_to(hi, (2, 3))
    f = np_unit_floats(key, (2, 3), dtype)
    want = np.maximum(lo2, exact_fma(f, hi2 - lo2, lo2, dtype))
    np.testing.assert_array_equal(np.asarray(random.uniform(k, (2, 3), dtype, lo2, hi2)), want)
    for minval, maxval in [(lo, hi), (lo[None], hi), (lo2, hi[None]), (jnp.asarray(lo), hi2)]:
        got = random.uniform(k, (2, 3), dtype, minval, maxval)
        np.testing.assert_array_equal(np.asarray(got), want)
    # The example of the bug report: zeros(3) and full(3, 3.0).
    got = random.uniform(k, (2, 3), dtype, jnp.zeros(3, dtype), jnp.full(3, 3.0, dtype))
    zero = np.zeros((2, 3), dtype)
    want = np.maximum(zero, exact_fma(f, np.full((2, 3), 3.0, dtype), zero, dtype))
    np.testing.assert_array_equal(np.asarray(got), want)
    # truncated_normal draws uniforms between the bounds' erf values in the same way.
    lo, hi = np.array([-2.0, -1.0, 0.5], dtype), np.array([2.0, 3.0, 4.0], dtype)
    want = np.asarray(random.truncated_normal(k, *np.broadcast_arrays(lo, hi[None]), None, dtype))
    assert want.shape == (1, 3)
    want = np.asarray(random.truncated_normal(k, np.broadcast_to(lo, (2, 3)), hi, (2, 3), dtype))
    for lower, upper in [(lo, hi), (lo[None], hi), (lo, hi[None])]:
        got = random.truncated_normal(k, lower, upper, (2, 3), dtype)
        np.testing.assert_array_equal(np.asarray(got), want)
    assert np.all((want > lo) & (want < hi))


def test_uniform_float64_matches_numpy_exactly(x64):
    key = key_of(5)
    got = np.asarray(random.uniform(jnp.asarray(key), (100,)))
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, np_unit_floats(key, (100,), np.float64))
    got = np.asarray(random.uniform(jnp.asarray(key), (3,), dtype=jnp.float32))
    np.testing.assert_array_equal(got, np_unit_floats(key, (3,), np.float32))


def test_bernoulli_and_randint_match_numpy_bits():
    key = key_of(21)
    k = jnp.asarray(key)
    u = np_unit_floats(key, (50,), np.float32)
    np.testing.assert_array_equal(np.asarray(random.bernoulli(k, 0.3, (50,))), u < np.float32(0.3))
    # randint: two words of bits from split keys, reduced modulo the span.
    k1, k2 = np_split(key, (2,))
    span = 1000
    hi, lo = np_bits32(k1, (50,)).astype(np.uint64), np_bits32(k2, (50,)).astype(np.uint64)
    want = ((hi % span) * (2**32 % span) + lo % span) % span - 17
    got = np.asarray(random.randint(k, (50,), -17, span - 17))
    np.testing.assert_array_equal(got, want.astype(np.int32))


# --- values recorded from JAX -----------------------------------------------------------------
# Outputs of jax 0.10.2 (CPU, x86-64 with FMA) for jax.random.PRNGKey(2024), as float bit
# patterns in hex, made with the calls in RECORDED_CALLS: an external reference for the
# samplers whose arithmetic is deterministic. The gamma family (gamma, beta, dirichlet) is
# checked in float64 only: in float32 XLA refines the CPU's approximate reciprocal square
# root, whose last bit is not reproducible.
RECORDED_F32 = {
    "normal": [
        "bfbcec0f",
        "bf993047",
        "3f83c990",
        "bf71c018",
        "3fa5b782",
        "3ea431cb",
        "bf71fab9",
        "bfbac3c5",
        "3efe50b4",
        "3f2967ac",
        "bfde7ae6",
        "3fb02054",
    ],
    "uniform": ["be23e284", "bd8c8368", "3fb2ca3e", "3d384ef0", "3fc09588", "3f739933"],
    "truncated_normal": ["be8effe0", "be4f8dda", "3fa0b761", "bddf6972", "3fbd3c69", "3f2d58f7"],
    "exponential": ["3d94939c", "3dfbceea", "3ff178d1", "3e41e384", "4014d7b6", "3f7b9fc4"],
    "laplace": ["3ffbb3d1", "3fbb58e6", "bf98bfc7", "3f883853", "bfd0f662", "be945b5c"],
    "logistic": ["c02591d3", "c0022a83", "3fdc6d99", "bfc8b4f0", "400e42f8", "3f039f28"],
    "gumbel": ["bf7a690d", "bf44c496", "3fe7181a", "bf105643", "4011948e", "3f41f664"],
    "gumbel_high": ["4027e7b8", "40062410", "bf227d35", "3fd50413", "bf5810ce", "3c8d3d6a"],
    "randint": [24060, 4629, 50559, 67567, 43047, 60964, 199, 50786],
    "categorical": [1, 0, 3, 1, 1, 0, 1, 0],
    "choice_p": [4, 2, 1],
    "permutation": [7, 8, 4, 1, 2, 3, 0, 9, 6, 5],
}
RECORDED_F64 = {
    "normal": ["bfb8a0b833ec9af9", "3fe1b3eb7dbce44f", "bf608136cea5dd07", "bfea971a413833e4"],
    "truncated_normal": ["3fd7adfa61727198", "3feb9046fa11cd92", "3fdbeb135834388c"],
    "exponential": ["3fe3d1525197e272", "3ff3cd80a9c679d9", "3fe6211a78d31892"],
    "gamma": ["3fc86736ee24491d", "4006fe32fb5513da", "401eb02eb2331c5b"],
    "beta": ["3fe0993e7f74ce3b", "3fe7581b68c0763d", "3fba6f071c3bd0c7"],
    "dirichlet": ["3fb22ff38221faf7", "3fda67c93d3334a2", "3fe0861cf1222651"],
}
RECORDED_CALLS = {
    "normal": lambda k, n: random.normal(k, (n,)),
    "uniform": lambda k, n: random.uniform(k, (n,), minval=-0.3, maxval=1.7),
    "truncated_normal": lambda k, n: random.truncated_normal(k, -0.4, 2.5, (n,)),
    "exponential": lambda k, n: random.exponential(k, (n,)),
    "laplace": lambda k, n: random.laplace(k, (n,)),
    "logistic": lambda k, n: random.logistic(k, (n,)),
    "gumbel": lambda k, n: random.gumbel(k, (n,)),
    "gumbel_high": lambda k, n: random.gumbel(k, (n,), mode="high"),
    "beta": lambda k, n: random.beta(k, 0.7, 1.9, (n,)),
    "dirichlet": lambda k, n: random.dirichlet(k, jnp.array([0.5, 1.5, 3.0]), (n // 3,)),
    "randint": lambda k, n: random.randint(k, (n,), -1000, 77777),
    "categorical": lambda k, n: random.categorical(k, jnp.array([0.1, 1.0, -2.0, 0.5]), shape=(n,)),
    "choice_p": lambda k, n: random.choice(
        k, 5, (n,), replace=False, p=jnp.array([0.1, 0.2, 0.3, 0.15, 0.25])
    ),
    "permutation": lambda k, n: random.permutation(k, n),
    "gamma": lambda k, n: random.gamma(k, jnp.array([0.3, 2.5, 9.0])),
}


def _as_recorded(x):
    x = np.asarray(x)
    if x.dtype == np.float32:
        return [f"{v:08x}" for v in x.view(np.uint32).ravel()]
    if x.dtype == np.float64:
        return [f"{v:016x}" for v in x.view(np.uint64).ravel()]
    return x.ravel().tolist()


@pytest.mark.parametrize("name", sorted(RECORDED_F32))
def test_float32_values_equal_jax(name):
    want = RECORDED_F32[name]
    assert _as_recorded(RECORDED_CALLS[name](random.PRNGKey(2024), len(want))) == want


@pytest.mark.parametrize("name", sorted(RECORDED_F64))
def test_float64_values_equal_jax(name, x64):
    want = RECORDED_F64[name]
    assert _as_recorded(RECORDED_CALLS[name](random.PRNGKey(2024), len(want))) == want


# Digests (sha256 of the little-endian float32 bytes, first 32 hex digits) of draws from
# jax.random.PRNGKey(7), recorded from the same JAX: every one of the values must match. The
# larger sizes go through the chunked evaluation of big arrays.
RECORDED_DIGESTS = {
    "normal": (1 << 15, "0e24281adc87a6820873531853a831be"),
    "normal_large": (100003, "41e6564c86a17d9715f170307b9d3129"),
    "truncated_normal": (1 << 15, "210c11b184276e006f44dfb0eebc142a"),
    "exponential": (1 << 15, "6c38b0a6e332485ae38a2e351c853fb7"),
    "laplace": (1 << 15, "645f4ae638e6b7cc27d89139537df1d3"),
    "logistic": (1 << 15, "80fc7d2fcff666ddb10825854a86752c"),
    "gumbel": (1 << 15, "ca5c2338deff152f3987b9e3751d8a08"),
    "gumbel_high_large": (70001, "7dda9cab87e12dc98ba10827da9169f5"),
}
DIGEST_CALLS = {
    "normal": lambda k, n: random.normal(k, (n,)),
    "normal_large": lambda k, n: random.normal(k, (n,)),
    "truncated_normal": lambda k, n: random.truncated_normal(k, -2.5, 0.8, (n,)),
    "exponential": lambda k, n: random.exponential(k, (n,)),
    "laplace": lambda k, n: random.laplace(k, (n,)),
    "logistic": lambda k, n: random.logistic(k, (n,)),
    "gumbel": lambda k, n: random.gumbel(k, (n,)),
    "gumbel_high_large": lambda k, n: random.gumbel(k, (n,), mode="high"),
}


@pytest.mark.parametrize("name", sorted(RECORDED_DIGESTS))
def test_many_float32_values_equal_jax(name):
    n, digest = RECORDED_DIGESTS[name]
    x = np.asarray(DIGEST_CALLS[name](random.PRNGKey(7), n))
    assert x.dtype == np.float32 and x.shape == (n,)
    assert hashlib.sha256(x.tobytes()).hexdigest()[:32] == digest


# --- the XLA-style float functions -----------------------------------------------------------
def _fma_operands(dtype, rng, n=600):
    """Operands over a wide exponent range, plus products that cancel ``c`` almost exactly,
    which need the one rounding."""
    span = 12 if dtype == np.float32 else 100
    a, b = (rng.standard_normal(n) * 10.0 ** rng.integers(-span, span, n) for _ in range(2))
    c = rng.standard_normal(n) * 10.0 ** rng.integers(-span, span, n)
    eps = np.finfo(dtype).eps
    a2 = 1 + rng.integers(1, 2**10, 200) * eps
    b2 = 1 - rng.integers(1, 2**10, 200) * eps
    a, b = np.concatenate([a, a2]).astype(dtype), np.concatenate([b, b2]).astype(dtype)
    c2 = -(a[n:].astype(np.float64) * b[n:]) * (1 + rng.integers(-3, 4, 200) * eps / 2)
    return a, b, np.concatenate([c, c2]).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fma_is_exactly_rounded(dtype, rng):
    with x64_mode(True):
        a, b, c = _fma_operands(dtype, rng)
        got = np.asarray(_random_math.fma(jnp.asarray(a), jnp.asarray(b), jnp.asarray(c)))
        np.testing.assert_array_equal(got, exact_fma(a, b, c, dtype))
        # An overflowing product gives inf, as IEEE's fused multiply-add does.
        big = np.array([np.finfo(dtype).max * 0.75], dtype)
        got = _random_math.fma(jnp.asarray(big), jnp.asarray(np.ones(1, dtype)), jnp.asarray(big))
        assert np.isinf(np.asarray(got)).all()


def test_gradient_through_a_large_draw_is_finite():
    grad = jax.grad(
        lambda lo: jnp.sum(random.truncated_normal(random.PRNGKey(1), lo, 1.0, (70000,)))
    )
    assert np.isfinite(float(grad(-0.5)))


def _ulps(got, want):
    """|got - want| in units of the last place of ``want`` in ``got``'s dtype."""
    got = np.asarray(got)
    spacing = np.spacing(np.abs(want).astype(got.dtype)).astype(np.float64)
    return np.abs(got.astype(np.float64) - want) / spacing


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_xla_elementary_functions_are_accurate(dtype, rng):
    """The XLA-style log, log1p, exp, erf and erf_inv against float64 NumPy / SciPy, with
    bounds from each algorithm's error: a wrong coefficient or operation order breaks them."""
    eps = np.finfo(dtype).eps
    with x64_mode(True):
        positive = (10.0 ** rng.uniform(-30, 30, 6000)).astype(dtype)
        assert (
            _ulps(
                _random_math.log(jnp.asarray(positive)), np.log(positive.astype(np.float64))
            ).max()
            <= 2
        )
        wide = rng.uniform(-80, 80, 6000).astype(dtype)
        assert (
            _ulps(_random_math.exp(jnp.asarray(wide)), np.exp(wide.astype(np.float64))).max() <= 2
        )
        # log1p: Cephes' rational function on its interval [sqrt(1/2) - 1, sqrt(2) - 1] and
        # log(1 + x) beyond it are within a few ulps.
        x = rng.uniform(np.sqrt(0.5) - 1, 3, 6000).astype(dtype)
        assert _ulps(_random_math.log1p(jnp.asarray(x)), np.log1p(x.astype(np.float64))).max() <= 3
        # XLA also applies the rational function on (1 - sqrt(2), sqrt(1/2) - 1), outside the
        # interval it was fitted on: still accurate to about 2**-45 in float64.
        x = rng.uniform(-0.999, np.sqrt(0.5) - 1, 6000).astype(dtype)
        got = np.asarray(_random_math.log1p(jnp.asarray(x)), np.float64)
        np.testing.assert_allclose(got, np.log1p(x.astype(np.float64)), rtol=max(4 * eps, 2.0**-45))
        mid = rng.uniform(-5, 5, 6000).astype(dtype)
        got = np.asarray(_random_math.erf(jnp.asarray(mid)), np.float64)
        np.testing.assert_allclose(
            got, special.erf(mid.astype(np.float64)), rtol=8 * eps, atol=1e-300
        )
        # erf_inv(x) is computed from log1p(-x * x): rounding x * x is an input perturbation of
        # about eps * |x| / 2, which the steep inverse amplifies near +-1.
        unit = np.concatenate([rng.uniform(-1, 1, 6000), 1 - 10.0 ** rng.uniform(-6, -1, 500)])
        unit = unit.astype(dtype)
        want = special.erfinv(unit.astype(np.float64))
        slope = np.sqrt(np.pi) / 2 * np.exp(want**2)
        bound = np.spacing(np.abs(want).astype(dtype)) + np.abs(unit) * eps * slope
        got = np.asarray(_random_math.erf_inv(jnp.asarray(unit)), np.float64)
        assert (np.abs(got - want) <= (2 if dtype == np.float32 else 16) * bound).all()
        special_in = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -2.0, np.nan], dtype)
        got = np.asarray(_random_math.log(jnp.asarray(special_in)))
        np.testing.assert_array_equal(got[:5], [-np.inf, -np.inf, 0.0, np.nan, np.inf])
        assert np.isnan(got[5:]).all()
        got = np.asarray(_random_math.erf_inv(jnp.asarray(special_in)))
        np.testing.assert_array_equal(got[:4], [0.0, -0.0, np.inf, -np.inf])
        assert np.isnan(got[4:]).all()


# --- determinism, shapes and dtypes -----------------------------------------------------------
SAMPLERS = {
    "uniform": lambda k, s, d: random.uniform(k, s, d),
    "normal": lambda k, s, d: random.normal(k, s, d),
    "truncated_normal": lambda k, s, d: random.truncated_normal(k, -1.0, 2.0, s, d),
    "gumbel": lambda k, s, d: random.gumbel(k, s, d),
    "gumbel_high": lambda k, s, d: random.gumbel(k, s, d, mode="high"),
    "exponential": lambda k, s, d: random.exponential(k, s, d),
    "laplace": lambda k, s, d: random.laplace(k, s, d),
    "logistic": lambda k, s, d: random.logistic(k, s, d),
    "gamma": lambda k, s, d: random.gamma(k, 1.5, s, d),
    "loggamma": lambda k, s, d: random.loggamma(k, 0.5, s, d),
    "beta": lambda k, s, d: random.beta(k, 2.0, 3.0, s, d),
    "dirichlet": lambda k, s, d: random.dirichlet(k, jnp.ones(3), s, d)[..., 0],
    "multivariate_normal": lambda k, s, d: random.multivariate_normal(
        k, jnp.zeros(2, d), jnp.eye(2, dtype=d), s, d
    )[..., 0],
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_float_samplers_are_deterministic_with_shapes_and_dtypes(name):
    sample = SAMPLERS[name]
    k0, k1 = random.PRNGKey(0), random.PRNGKey(1)
    a = sample(k0, (3, 4), None)
    assert a.shape == (3, 4) and a.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(a), np.asarray(sample(k0, (3, 4), None)))
    assert not np.array_equal(np.asarray(a), np.asarray(sample(k1, (3, 4), None)))
    assert np.isfinite(np.asarray(a)).all()
    assert sample(k0, (), jnp.float32).shape == ()
    with x64_mode(True):
        assert sample(k0, (2,), None).dtype == np.float64
        assert sample(k0, (2,), jnp.float32).dtype == np.float32


def test_integer_and_bool_samplers_dtypes():
    k = random.PRNGKey(4)
    assert random.randint(k, (3,), 0, 5).dtype == np.int32
    assert random.randint(k, (3,), 0, 5, dtype=jnp.uint32).dtype == np.uint32
    assert random.bernoulli(k, 0.5, (3,)).dtype == np.bool_
    assert random.categorical(k, jnp.zeros(4), shape=(5,)).dtype == np.int32
    assert random.choice(k, 5, (2,)).dtype == np.int32
    assert random.permutation(k, 5).dtype == np.int32
    with x64_mode(True):
        assert random.randint(k, (3,), 0, 5).dtype == np.int64
        assert random.categorical(k, jnp.zeros(4), shape=(5,)).dtype == np.int64
        no_replace = random.categorical(k, jnp.zeros((4,)), shape=(2,), replace=False)
        assert no_replace.dtype == np.int32  # top_k indices, as in JAX
        assert random.choice(k, 5, (2,)).dtype == np.int64


def test_randint_bounds():
    k = random.PRNGKey(8)
    x = np.asarray(random.randint(k, (2000,), -3, 4))
    assert x.min() == -3 and x.max() == 3
    i32 = np.iinfo(np.int32)
    x = np.asarray(random.randint(k, (2000,), i32.min, i32.max))
    assert x.min() < -(2**30) and x.max() > 2**30 and (x < i32.max).all()
    np.testing.assert_array_equal(np.asarray(random.randint(k, (5,), 7, 7)), np.full(5, 7))
    np.testing.assert_array_equal(np.asarray(random.randint(k, (5,), 9, 2)), np.full(5, 9))
    lo, hi = np.array([0, 10, -5]), np.array([[1], [12], [100]])
    x = np.asarray(random.randint(k, (3, 3), jnp.asarray(lo), jnp.asarray(hi)))
    lo, hi = np.broadcast_arrays(lo, hi)
    ordered = lo < hi
    assert ((x[ordered] >= lo[ordered]) & (x[ordered] < hi[ordered])).all()
    np.testing.assert_array_equal(x[~ordered], lo[~ordered])  # an empty range gives minval
    with x64_mode(True):
        x = np.asarray(random.randint(k, (2000,), -(2**40), 2**40))
        assert x.dtype == np.int64 and x.min() < -(2**39) and x.max() > 2**39
        x = np.asarray(random.randint(k, (2000,), 0, 3, dtype=jnp.int32))
        assert x.dtype == np.int32 and set(np.unique(x)) == {0, 1, 2}
        # maxval above the dtype's range: values up to the dtype's maximum are drawn.
        top = np.asarray(random.randint(k, (500,), i32.max - 1, 2**40, dtype=jnp.int32))
        assert set(np.unique(top)) == {i32.max - 1, i32.max}


# --- distributions ----------------------------------------------------------------------------
N = 8000


def ks_pvalue(sample, cdf, *args):
    return stats.kstest(np.asarray(sample, np.float64).ravel(), cdf, args=args).pvalue


@pytest.mark.parametrize("seed", [0, 1])
def test_ks_continuous(seed):
    k = random.PRNGKey(seed)
    assert ks_pvalue(random.uniform(k, (N,)), "uniform") > P_MIN
    assert ks_pvalue(random.uniform(k, (N,), minval=-2.0, maxval=5.0), "uniform", -2, 7) > P_MIN
    assert ks_pvalue(random.normal(k, (N,)), "norm") > P_MIN
    assert ks_pvalue(random.exponential(k, (N,)), "expon") > P_MIN
    assert ks_pvalue(random.laplace(k, (N,)), "laplace") > P_MIN
    assert ks_pvalue(random.logistic(k, (N,)), "logistic") > P_MIN
    assert ks_pvalue(random.gumbel(k, (N,)), "gumbel_r") > P_MIN
    assert ks_pvalue(random.gumbel(k, (N,), mode="high"), "gumbel_r") > P_MIN


@pytest.mark.parametrize("lower, upper", [(-1.0, 2.0), (1.5, 3.0), (-np.inf, -0.5), (-0.1, 0.1)])
def test_ks_truncated_normal(lower, upper):
    x = np.asarray(random.truncated_normal(random.PRNGKey(3), lower, upper, (N,)))
    assert (x > lower).all() and (x < upper).all()
    assert ks_pvalue(x, "truncnorm", lower, upper) > P_MIN


@pytest.mark.parametrize("alpha", [0.2, 0.9, 1.0, 2.5, 30.0])
def test_ks_gamma(alpha):
    x = random.gamma(random.PRNGKey(11), alpha, (3000,))
    assert ks_pvalue(x, "gamma", alpha) > P_MIN
    log_x = random.loggamma(random.PRNGKey(12), alpha, (3000,))
    assert ks_pvalue(np.exp(np.asarray(log_x, np.float64)), "gamma", alpha) > P_MIN


def test_loggamma_reaches_below_float32_underflow():
    a = 0.01
    log_x = np.asarray(random.loggamma(random.PRNGKey(2), a, (2000,)), np.float64)
    assert np.isfinite(log_x).all() and log_x.min() < -200  # X itself would underflow
    # P(log X <= y) = P(a, e**y), the regularized lower incomplete gamma function.
    assert ks_pvalue(log_x, lambda y: special.gammainc(a, np.exp(y))) > P_MIN


@pytest.mark.parametrize("a, b", [(0.5, 0.5), (2.0, 5.0), (0.3, 3.0)])
def test_ks_beta(a, b):
    x = np.asarray(random.beta(random.PRNGKey(13), a, b, (3000,)))
    assert ((x >= 0) & (x <= 1)).all()
    assert ks_pvalue(x, "beta", a, b) > P_MIN


def chi2_pvalue(counts, probs):
    counts = np.asarray(counts, np.float64)
    probs = np.asarray(probs, np.float64)
    return stats.chisquare(counts, counts.sum() * probs / probs.sum()).pvalue


def test_frequencies_randint_bernoulli():
    k = random.PRNGKey(21)
    x = np.asarray(random.randint(k, (N,), 3, 13))
    assert chi2_pvalue(np.bincount(x - 3, minlength=10), np.full(10, 0.1)) > P_MIN
    for p in (0.1, 0.5, 0.93):
        hits = int(np.asarray(random.bernoulli(k, p, (N,))).sum())
        assert stats.binomtest(hits, N, p).pvalue > P_MIN
    hits = np.asarray(random.bernoulli(k, 1e-9, (N,), mode="high")).sum()
    assert hits == 0
    assert np.asarray(random.bernoulli(k, jnp.array([0.0, 1.0]))).tolist() == [False, True]


def test_frequencies_categorical():
    logits = np.log(np.array([0.1, 0.2, 0.3, 0.4], np.float32))
    k = random.PRNGKey(22)
    x = np.asarray(random.categorical(k, logits, shape=(N,)))
    assert chi2_pvalue(np.bincount(x, minlength=4), np.exp(logits)) > P_MIN
    # Batched logits along axis 0, with a leading sample dimension.
    batch = np.stack([logits, logits[::-1]], axis=1)  # (4, 2): categories on axis 0
    x = np.asarray(random.categorical(k, batch, axis=0, shape=(N // 2, 2)))
    assert x.shape == (N // 2, 2)
    assert chi2_pvalue(np.bincount(x[:, 0], minlength=4), np.exp(logits)) > P_MIN
    assert chi2_pvalue(np.bincount(x[:, 1], minlength=4), np.exp(logits[::-1])) > P_MIN
    # Without replacement: distinct categories per draw.
    draws = np.asarray(random.categorical(k, jnp.zeros(6), shape=(4,), replace=False))
    assert len(set(draws.tolist())) == 4


def test_frequencies_choice():
    k = random.PRNGKey(23)
    x = np.asarray(random.choice(k, 6, (N,)))
    assert chi2_pvalue(np.bincount(x, minlength=6), np.full(6, 1 / 6)) > P_MIN
    p = np.array([0.05, 0.15, 0.3, 0.5], np.float32)
    x = np.asarray(random.choice(k, 4, (N,), p=jnp.asarray(p)))
    assert chi2_pvalue(np.bincount(x, minlength=4), p) > P_MIN
    # Without replacement: distinct items, and the first draw follows p.
    keys = random.split(k, 2000)
    pairs = np.asarray(jax.vmap(lambda kk: random.choice(kk, 4, (2,), replace=False, p=p))(keys))
    assert (pairs[:, 0] != pairs[:, 1]).all()
    assert chi2_pvalue(np.bincount(pairs[:, 0], minlength=4), p) > P_MIN
    draws = np.asarray(jax.vmap(lambda kk: random.choice(kk, 5, (5,), replace=False))(keys))
    np.testing.assert_array_equal(np.sort(draws, axis=1), np.tile(np.arange(5), (2000, 1)))
    assert chi2_pvalue(np.bincount(draws[:, 0], minlength=5), np.full(5, 0.2)) > P_MIN
    table = jnp.arange(12).reshape(4, 3)
    cols = np.asarray(random.choice(k, table, (2,), replace=False, axis=1))
    assert cols.shape == (4, 2) and cols[0, 0] != cols[0, 1]
    np.testing.assert_array_equal(cols - cols[:1], np.repeat(np.arange(4)[:, None] * 3, 2, 1))


def test_permutation_and_shuffle_are_permutations():
    k = random.PRNGKey(31)
    p = np.asarray(random.permutation(k, 50))
    np.testing.assert_array_equal(np.sort(p), np.arange(50))
    assert not np.array_equal(p, np.arange(50))
    x = np.arange(24).reshape(4, 6)
    rows = np.asarray(random.permutation(k, jnp.asarray(x), axis=0))
    np.testing.assert_array_equal(np.sort(rows[:, 0]), x[:, 0])
    np.testing.assert_array_equal(rows - rows[:, :1], x - x[:, :1])  # whole rows move
    cols = np.asarray(random.permutation(k, jnp.asarray(x), axis=1, independent=True))
    np.testing.assert_array_equal(np.sort(cols, axis=1), x)
    assert len({tuple(r - r.min()) for r in cols}) > 1  # rows permuted independently
    s = np.asarray(random.shuffle(k, jnp.asarray(x), axis=1))
    np.testing.assert_array_equal(np.sort(s, axis=1), x)
    # Each position is uniform over the items.
    firsts = np.asarray(jax.vmap(lambda kk: random.permutation(kk, 4))(random.split(k, 4000)))
    assert chi2_pvalue(np.bincount(firsts[:, 0], minlength=4), np.full(4, 0.25)) > P_MIN


def test_dirichlet_rows_sum_to_one_with_the_right_mean():
    alpha = np.array([0.5, 1.0, 3.0, 0.2], np.float32)
    x = np.asarray(random.dirichlet(random.PRNGKey(41), alpha, (3000,)), np.float64)
    assert x.shape == (3000, 4) and (x >= 0).all()
    np.testing.assert_allclose(x.sum(axis=1), 1.0, rtol=1e-6)
    mean = alpha / alpha.sum()
    sd = np.sqrt(mean * (1 - mean) / (alpha.sum() + 1) / 3000)
    assert (np.abs(x.mean(axis=0) - mean) < 5 * sd).all()
    # The marginals are Beta(alpha_i, sum - alpha_i).
    assert ks_pvalue(x[:, 2], "beta", 3.0, alpha.sum() - 3.0) > P_MIN
    batched = random.dirichlet(random.PRNGKey(1), jnp.ones((2, 3)))
    assert batched.shape == (2, 3)


def test_multivariate_normal_moments():
    a = np.array([[2.0, 0.3, 0.0], [0.3, 1.0, -0.4], [0.0, -0.4, 0.5]], np.float32)
    mean = np.array([1.0, -2.0, 0.5], np.float32)
    n = 20000
    x = np.asarray(random.multivariate_normal(random.PRNGKey(51), mean, a, (n,)), np.float64)
    assert x.shape == (n, 3)
    assert (np.abs(x.mean(axis=0) - mean) < 5 * np.sqrt(np.diag(a) / n)).all()
    cov = np.cov(x.T)
    bound = 5 * np.sqrt((np.outer(np.diag(a), np.diag(a)) + a**2) / n)
    assert (np.abs(cov - a) < bound).all()
    whitened = np.linalg.solve(np.linalg.cholesky(a), (x - mean).T).ravel()
    assert ks_pvalue(whitened, "norm") > P_MIN
    with pytest.raises(errors.FerraxNotImplementedError, match="svd"):
        random.multivariate_normal(random.PRNGKey(0), mean, a, method="svd")


@pytest.mark.parametrize("n, m, shape", [(4, None, ()), (5, 3, (2,)), (2, 6, ())])
def test_orthogonal(n, m, shape):
    q = np.asarray(random.orthogonal(random.PRNGKey(61), n, shape, m=m), np.float64)
    m = n if m is None else m
    assert q.shape == (*shape, n, m)
    q = q.reshape(-1, n, m)
    k = min(n, m)
    gram = q.transpose(0, 2, 1) @ q if n >= m else q @ q.transpose(0, 2, 1)
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(k), gram.shape), atol=1e-5)


def test_orthogonal_is_haar_distributed():
    # For Haar-random Q in O(n), n * Q[0, 0]**2 ~ n * Beta(1/2, (n - 1)/2).
    qs = jax.vmap(lambda k: random.orthogonal(k, 3))(random.split(random.PRNGKey(62), 3000))
    first = np.asarray(qs, np.float64)[:, 0, 0] ** 2
    assert ks_pvalue(first, "beta", 0.5, 1.0) > P_MIN


# --- transformations --------------------------------------------------------------------------
TRANSFORMED = {
    "uniform": lambda k: random.uniform(k, (6,), minval=-1.0, maxval=3.0),
    "normal": lambda k: random.normal(k, (6,)),
    "truncated_normal": lambda k: random.truncated_normal(k, -0.5, 1.0, (6,)),
    "randint": lambda k: random.randint(k, (6,), -5, 50),
    "bernoulli": lambda k: random.bernoulli(k, 0.4, (6,)),
    "categorical": lambda k: random.categorical(k, jnp.array([0.2, -1.0, 1.5]), shape=(6,)),
    "choice": lambda k: random.choice(k, 9, (4,), replace=False),
    "permutation": lambda k: random.permutation(k, 7),
    "laplace": lambda k: random.laplace(k, (6,)),
    "gamma": lambda k: random.gamma(k, jnp.array([0.4, 1.0, 5.0])),
    "dirichlet": lambda k: random.dirichlet(k, jnp.array([0.5, 2.0])),
    "split": lambda k: random.split(k, 3),
    "fold_in": lambda k: random.fold_in(k, 12),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMED))
def test_vmap_over_split_keys_and_jit_match_eager(name):
    fn = TRANSFORMED[name]
    keys = random.split(random.PRNGKey(71), 4)
    eager = np.stack([np.asarray(fn(k)) for k in keys])
    np.testing.assert_array_equal(np.asarray(jax.vmap(fn)(keys)), eager)
    jitted = jax.jit(fn)
    np.testing.assert_array_equal(np.stack([np.asarray(jitted(k)) for k in keys]), eager)


def test_key_from_traced_seed_under_jit_and_vmap():
    seeds = jnp.arange(4)
    keys = jax.vmap(random.PRNGKey)(seeds)
    np.testing.assert_array_equal(np.asarray(keys), np.stack([key_of(s) for s in range(4)]))
    draw = jax.jit(lambda s: random.normal(random.PRNGKey(s), (3,)))
    np.testing.assert_array_equal(
        np.asarray(draw(jnp.asarray(np.int32(5)))),
        np.asarray(random.normal(random.PRNGKey(5), (3,))),
    )


# --- gradients --------------------------------------------------------------------------------
def test_grad_through_scaled_normal():
    k = random.PRNGKey(81)
    z = np.asarray(random.normal(k, (5,)), np.float64)

    def loss(sigma, mu):
        return jnp.sum((random.normal(k, (5,)) * sigma + mu) ** 2)

    g_sigma, g_mu = jax.grad(loss, argnums=(0, 1))(1.5, 0.25)
    np.testing.assert_allclose(float(g_sigma), np.sum(2 * (1.5 * z + 0.25) * z), rtol=1e-5)
    np.testing.assert_allclose(float(g_mu), np.sum(2 * (1.5 * z + 0.25)), rtol=1e-5)


def test_check_grads_uniform_and_truncated_normal_bounds(x64):
    k = random.PRNGKey(82)
    check_grads(lambda lo, hi: random.uniform(k, (4,), minval=lo, maxval=hi), (-0.5, 2.0), 1)
    check_grads(lambda s: random.normal(k, (4,)) * s, (np.array(1.3),), 2)
    lo, hi = np.array(-0.7), np.array(1.1)
    check_grads(lambda a, b: random.truncated_normal(k, a, b, (4,)), (lo, hi), 1, rtol=1e-4)


def implicit_gamma_grad(a, x):
    """``dx/da = -(dP/da) / (dP/dx)`` for P(a, x) the Gamma CDF (SciPy's regularized
    incomplete gamma functions, differentiated in ``a`` by central differences; the upper
    function where x > a keeps the difference accurate)."""
    h = 1e-6 * max(a, 1.0)
    upper = special.gammaincc(a + h, x) - special.gammaincc(a - h, x)
    lower = special.gammainc(a + h, x) - special.gammainc(a - h, x)
    dp_da = np.where(x > a, -upper, lower) / (2 * h)
    density = np.exp((a - 1) * np.log(x) - x - special.gammaln(a))
    return -dp_da / density


@pytest.mark.parametrize("alpha", [0.05, 0.4, 1.0, 3.0, 60.0])
def test_gamma_implicit_reparameterization_gradient(alpha, x64):
    k = random.PRNGKey(91)
    a = jnp.full((8,), alpha)
    x = np.asarray(random.gamma(k, a))
    slope = np.diagonal(np.asarray(jax.jacfwd(lambda a: random.gamma(k, a))(a)))
    np.testing.assert_allclose(slope, implicit_gamma_grad(alpha, x), rtol=1e-6)
    log_x = np.asarray(random.loggamma(k, a))
    log_slope = np.diagonal(np.asarray(jax.jacrev(lambda a: random.loggamma(k, a))(a)))
    want = implicit_gamma_grad(alpha, np.exp(log_x)) / np.exp(log_x)
    np.testing.assert_allclose(log_slope, want, rtol=1e-6)


def test_gamma_gradient_float32_and_its_mean():
    # E[dx/da] = dE[x]/da = 1 for x ~ Gamma(a): the implicit gradient is unbiased.
    k = random.PRNGKey(92)
    grads = np.asarray(jax.grad(lambda a: jnp.sum(random.gamma(k, a, (2000,))))(2.5) / 2000)
    assert abs(float(grads) - 1.0) < 0.05
    a = jnp.array([0.3, 1.7, 12.0])
    x = np.asarray(random.gamma(k, a), np.float64)
    slope = np.diagonal(np.asarray(jax.jacfwd(lambda a: random.gamma(k, a))(a)), 0, 0, 1)
    want = np.array([implicit_gamma_grad(float(ai), xi) for ai, xi in zip(a, x, strict=True)])
    np.testing.assert_allclose(slope, want, rtol=2e-4)


def test_beta_and_dirichlet_gradients_flow_through_log_gamma_draws(x64):
    k = random.PRNGKey(93)
    ka, _ = random.split(k)
    a, b = 1.7, 0.6
    s = float(random.beta(k, a, b))
    log_ga = float(random.loggamma(ka, a))
    d_log_ga = implicit_gamma_grad(a, np.exp(log_ga)) / np.exp(log_ga)
    # beta = sigmoid(log Ga - log Gb), and log Gb does not depend on a.
    got = float(jax.grad(lambda a: random.beta(k, a, b))(a))
    np.testing.assert_allclose(got, s * (1 - s) * d_log_ga, rtol=1e-6)
    # dirichlet = softmax(log G) of the same log-gamma draws as loggamma(k, alpha), and each
    # log G_j depends on alpha_j only: d s_i / d alpha_j = s_i (delta_ij - s_j) dlogG_j.
    alpha = np.array([0.5, 2.0, 1.0])
    log_g = np.asarray(random.loggamma(k, jnp.asarray(alpha)))
    s = np.exp(log_g) / np.exp(log_g).sum()
    np.testing.assert_allclose(np.asarray(random.dirichlet(k, jnp.asarray(alpha))), s, rtol=1e-14)
    d_log_g = np.array(
        [implicit_gamma_grad(a, g) / g for a, g in zip(alpha, np.exp(log_g), strict=True)]
    )
    want = (np.diag(s) - np.outer(s, s)) * d_log_g[None, :]
    jac = np.asarray(jax.jacfwd(lambda al: random.dirichlet(k, al))(jnp.asarray(alpha)))
    np.testing.assert_allclose(jac, want, rtol=1e-6)
    assert np.all(np.abs(np.diagonal(jac)) > 1e-3)
    np.testing.assert_allclose(jac.sum(axis=0), 0, atol=1e-12)  # rows stay on the simplex


def test_vmap_of_grad_over_keys_matches_a_loop():
    keys = random.split(random.PRNGKey(94), 3)

    def slope(k):
        return jax.grad(lambda a: random.gamma(k, a) + random.normal(k) * a)(1.5)

    looped = np.array([float(slope(k)) for k in keys])
    np.testing.assert_allclose(np.asarray(jax.vmap(slope)(keys)), looped, rtol=1e-6)


def test_errors_name_the_function():
    k = random.PRNGKey(0)
    with pytest.raises(errors.FerraxValueError, match="uniform"):
        random.uniform(k, (3,), minval=jnp.zeros(4))
    with pytest.raises(errors.FerraxValueError, match="normal"):
        random.normal(k, (3,), dtype=jnp.int32)
    with pytest.raises(errors.FerraxNotImplementedError, match="float16"):
        random.normal(k, (3,), dtype="float16")
    with pytest.raises(errors.FerraxValueError, match="randint"):
        random.randint(k, (3,), 0, 5, dtype=jnp.float32)
    with pytest.raises(errors.FerraxValueError, match="split"):
        random.split(random.split(k, 2))
    with pytest.raises(errors.FerraxValueError, match="choice"):
        random.choice(k, 3, (5,), replace=False)
    with pytest.raises(errors.FerraxValueError, match="categorical"):
        random.categorical(k, jnp.zeros(3), shape=(5,), replace=False)
    with pytest.raises(errors.FerraxValueError, match="gumbel"):
        random.gumbel(k, (2,), mode="bad")
    with pytest.raises(errors.FerraxNotImplementedError, match="out_sharding"):
        random.normal(k, (2,), out_sharding="x")
    with pytest.raises(errors.FerraxTypeError, match="bernoulli"):
        random.bernoulli(k, 2)
    with pytest.raises(errors.FerraxValueError, match="gamma"):
        random.gamma(k, jnp.ones(3), (2,))
    with pytest.raises(errors.FerraxTypeError, match="seed"):
        random.PRNGKey(1.5)

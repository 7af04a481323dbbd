//! Branch-free float32 approximations that vectorize, float64 erf (libm's) and erf_inv;
//! float32 `log`, `log1p`, `erf` and `erf_inv` live in [`crate::cephes`] and are re-exported
//! here.
//!
//! Accuracy (checked by the test suite against float64 NumPy): `exp`, `log`, `sin`, `cos`,
//! `tanh` and `logistic` are within 4 ulp over the whole float32 range (`sin`/`cos` switch to
//! float64 libm beyond |x| = 65536, where a float32 range reduction would lose bits).
//! Each function is a plain `#[inline(always)]` scalar function so that the loops in
//! [`crate::simd`] vectorize it. Polynomials use `mul_add`, which the AVX2+FMA and AVX-512
//! instances turn into FMA instructions (CPUs without FMA fall back to a slower library call).

pub use crate::cephes::{erf_f32, erf_inv_f32, log1p_f32, log_f32};

const LOG2E: f32 = std::f32::consts::LOG2_E;
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;
/// 1.5 * 2^23: adding and subtracting it rounds a float32 to the nearest integer.
const ROUND_MAGIC: f32 = 12_582_912.0;

#[inline(always)]
fn pow2i(n: i32) -> f32 {
    f32::from_bits(((n + 127) as u32) << 23)
}

/// e^x.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let xc = x.clamp(-104.0, 89.0);
    let t = xc * LOG2E + ROUND_MAGIC;
    let k = t - ROUND_MAGIC;
    // The integer sits in the low mantissa bits of t (a float-to-int cast would not vectorize).
    let n = t.to_bits() as i32 - ROUND_MAGIC.to_bits() as i32;
    let r = (xc - k * LN2_HI) - k * LN2_LO;
    let mut p: f32 = 1.0 / 5040.0;
    for c in [
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p.mul_add(r, c);
    }
    // Split the scale so that results in the subnormal range and overflow stay correct.
    let h = n >> 1;
    let y = p * pow2i(h) * pow2i(n - h);
    if x.is_nan() {
        x
    } else {
        y
    }
}

/// Arguments beyond this use the float64 libm path.
pub const TRIG_LIMIT: f32 = 6000.0;

/// pi/2 in three parts: the first two have 12 significant bits, so `k * part` is exact for
/// the |k| < 4096 that |x| <= TRIG_LIMIT gives (Cody-Waite reduction).
const PIO2_1: f32 = 1.570_800_8;
const PIO2_2: f32 = -4.453_584_6e-6;
const PIO2_3: f32 = -8.705_516e-10;

#[inline(always)]
fn sin_cos_reduced(x: f32) -> (f32, f32, u32) {
    let xc = x.clamp(-TRIG_LIMIT, TRIG_LIMIT);
    let t = xc * std::f32::consts::FRAC_2_PI + ROUND_MAGIC;
    let k = t - ROUND_MAGIC;
    let r = ((xc - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
    let z = r * r;
    let mut sp: f32 = 1.0 / 362_880.0;
    for c in [-1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0] {
        sp = sp.mul_add(z, c);
    }
    let s = (r * z).mul_add(sp, r);
    let mut c: f32 = -1.0 / 3_628_800.0;
    for k in [1.0 / 40_320.0, -1.0 / 720.0, 1.0 / 24.0, -0.5, 1.0] {
        c = c.mul_add(z, k);
    }
    // k mod 4 from the low mantissa bits of t (2^22 there is a multiple of 4).
    (s, c, t.to_bits() & 3)
}

/// sin(x) for |x| <= TRIG_LIMIT (callers patch larger arguments).
#[inline(always)]
pub fn sin_f32(x: f32) -> f32 {
    let (s, c, q) = sin_cos_reduced(x);
    let v = if q & 1 == 0 { s } else { c };
    let y = f32::from_bits(v.to_bits() ^ ((q & 2) << 30));
    if x.is_finite() {
        y
    } else {
        f32::NAN
    }
}

/// cos(x) for |x| <= TRIG_LIMIT (callers patch larger arguments).
#[inline(always)]
pub fn cos_f32(x: f32) -> f32 {
    let (s, c, q) = sin_cos_reduced(x);
    let v = if q & 1 == 0 { c } else { s };
    let y = f32::from_bits(v.to_bits() ^ (((q + 1) & 2) << 30));
    if x.is_finite() {
        y
    } else {
        f32::NAN
    }
}

/// Taylor coefficients of tanh(x)/x in powers of x^2.
#[allow(clippy::excessive_precision)]
const TANH_C: [f32; 11] = [
    1.0,
    -0.333_333_33,
    0.133_333_33,
    -0.053_968_254,
    0.021_869_489,
    -0.008_863_236,
    0.003_592_128,
    -0.001_455_834_4,
    0.000_590_027_4,
    -0.000_239_129_11,
    9.691_538e-5,
];

/// tanh(x): a series near zero, `1 - 2 / (e^{2|x|} + 1)` elsewhere.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    let z = x * x;
    let mut p = TANH_C[10];
    for &c in TANH_C[..10].iter().rev() {
        p = p.mul_add(z, c);
    }
    let small = x * p;
    let e = exp_f32(2.0 * a.min(20.0));
    let big = 1.0 - 2.0 / (e + 1.0);
    let big = f32::from_bits(big.to_bits() | (x.to_bits() & 0x8000_0000));
    if a < 0.6 || x.is_nan() {
        small
    } else {
        big
    }
}

/// 1 / (1 + e^-x), as e^x / (1 + e^x) for negative x so that tiny results stay accurate.
#[inline(always)]
pub fn logistic_f32(x: f32) -> f32 {
    let e = exp_f32(-x.abs());
    let r = 1.0 / (1.0 + e);
    if x < 0.0 {
        e * r
    } else {
        r
    }
}

/// acosh in float64: log1p near 1, ln(x) + ln 2 for huge x.
pub fn acosh_f64(x: f64) -> f64 {
    if x > 1e8 {
        x.ln() + std::f64::consts::LN_2
    } else {
        let t = x - 1.0;
        (t + (2.0 * t + t * t).sqrt()).ln_1p()
    }
}

/// atanh in float64 as a difference of log1p terms (no cancellation near ±1).
pub fn atanh_f64(x: f64) -> f64 {
    0.5 * (x.ln_1p() - (-x).ln_1p())
}

mod libm {
    extern "C" {
        /// The C library's `erf` (C99), the one XLA's CPU code and Python's `math.erf` call.
        pub fn erf(x: f64) -> f64;
    }
}

/// erf in float64: the C library's, so that results agree with XLA's CPU backend (and with
/// Python's `math.erf`) bit for bit.
#[inline]
pub fn erf_f64(x: f64) -> f64 {
    // SAFETY: `erf` is a pure C99 math function defined for every double.
    unsafe { libm::erf(x) }
}

/// erf_inv in float64: Newton steps on erf from the float32 estimate.
pub fn erf_inv_f64(y: f64) -> f64 {
    if y.abs() >= 1.0 || y.is_nan() {
        return if y.abs() == 1.0 {
            y * f64::INFINITY
        } else {
            f64::NAN
        };
    }
    let mut x = f64::from(erf_inv_f32(y as f32));
    if !x.is_finite() {
        x = 5.9_f64.copysign(y);
    }
    for _ in 0..4 {
        let err = erf_f64(x) - y;
        let slope = std::f64::consts::FRAC_2_SQRT_PI * (-x * x).exp();
        if slope == 0.0 {
            break;
        }
        x -= err / slope;
    }
    x
}

/// Distance in float32 ulps (at the reference's magnitude) from a float64 reference; for the
/// accuracy tests of this module and [`crate::cephes`].
#[cfg(test)]
pub(crate) fn ulps(a: f32, b: f64) -> f64 {
    let b32 = b as f32;
    if a == b32 || (a.is_nan() && b.is_nan()) {
        return 0.0;
    }
    let spacing = f64::from(f32::from_bits(b32.abs().to_bits() + 1) - b32.abs());
    (f64::from(a) - b).abs() / spacing.max(f64::from(f32::from_bits(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_accuracy() {
        let mut worst: f64 = 0.0;
        let mut x = -100.0f32;
        while x < 88.0 {
            worst = worst.max(ulps(exp_f32(x), f64::from(x).exp()));
            x += 0.0137;
        }
        assert!(worst <= 4.0, "exp worst {worst} ulp");
    }

    #[test]
    fn trig_tanh_accuracy() {
        let mut worst: f64 = 0.0;
        let mut x = -1000.0f32;
        while x < 1000.0 {
            let xd = f64::from(x);
            worst = worst
                .max(ulps(sin_f32(x), xd.sin()))
                .max(ulps(cos_f32(x), xd.cos()))
                .max(ulps(tanh_f32(x / 100.0), (xd / 100.0).tanh()));
            x += 0.0173;
        }
        assert!(worst <= 4.0, "trig/tanh worst {worst} ulp");
    }

    #[test]
    fn erf_and_inverse() {
        for &(x, want) in &[
            (0.5, 0.520_499_877_813_046_5),
            (2.0, 0.995_322_265_018_952_7),
        ] {
            assert!((erf_f64(x) - want).abs() < 1e-15);
        }
        for &y in &[-0.9, -0.3, 0.1, 0.7, 0.999] {
            assert!((erf_f64(erf_inv_f64(y)) - y).abs() < 1e-14);
        }
    }
}

//! float32 `log`, `log1p`, `erf` and `erf_inv` evaluated exactly as JAX's CPU backend
//! evaluates them, so that eager results (and the samplers of `ferrax.random` built on them)
//! agree with JAX bit for bit.
//!
//! The algorithms are Cephes' `logf` polynomial and `log1p` rational function, a clamped
//! rational approximation of `erf`, and M. Giles' single-precision `erf_inv` polynomials
//! ("Approximating the erfinv function", GPU Computing Gems, 2011). The order of operations,
//! and which multiply-adds are fused (rounded once, `mul_add`), follow the compiled code: a
//! different order changes the last bit. One deliberate difference: subnormal inputs to `log`
//! are scaled into the normal range first, where the reference flushes them to the smallest
//! normal number, so `log` stays accurate over the whole float32 range.

#![allow(clippy::excessive_precision)] // the coefficients as published

/// `c[0] x^n + ... + c[n]` by Horner's rule with one fused multiply-add per step.
#[inline(always)]
fn horner(x: f32, c: &[f32]) -> f32 {
    let mut p = c[0];
    for &k in &c[1..] {
        p = p.mul_add(x, k);
    }
    p
}

/// Cephes' `logf` coefficients, in the three interleaved chains the reference evaluates.
const LOG_P: [[f32; 3]; 3] = [
    [
        7.0376836292e-2_f64 as f32,
        -1.1514610310e-1_f64 as f32,
        1.1676998740e-1_f64 as f32,
    ],
    [
        -1.2420140846e-1_f64 as f32,
        1.4249322787e-1_f64 as f32,
        -1.6668057665e-1_f64 as f32,
    ],
    [
        2.0000714765e-1_f64 as f32,
        -2.4999993993e-1_f64 as f32,
        3.3333331174e-1_f64 as f32,
    ],
];

/// Natural logarithm: `x = m 2^e` with `m` in `[sqrt(1/2), sqrt(2))`, a polynomial in
/// `m - 1`, and `e log 2` added in two parts.
#[inline(always)]
pub fn log_f32(x: f32) -> f32 {
    let subnormal = x < f32::MIN_POSITIVE;
    let y = if subnormal { x * 8_388_608.0 } else { x };
    let bits = y.to_bits();
    let exponent = (bits >> 23) as i32 - 127 - if subnormal { 23 } else { 0 };
    let mut e = exponent as f32 + 1.0;
    let m = f32::from_bits((bits & 0x807f_ffff) | 0x3f00_0000);
    let small = m < std::f32::consts::FRAC_1_SQRT_2;
    if small {
        e -= 1.0;
    }
    let r = (m - 1.0) + if small { m } else { 0.0 };
    let r2 = r * r;
    let r3 = r2 * r;
    let chains = [
        horner(r, &LOG_P[0]),
        horner(r, &LOG_P[1]),
        horner(r, &LOG_P[2]),
    ];
    let p = chains[0].mul_add(r3, chains[1]).mul_add(r3, chains[2]);
    let tail = p.mul_add(r3, e * (-2.12194440e-4_f64 as f32));
    let out = ((r - r2 * 0.5) + tail) + e * 0.693_359_375;
    if x == 0.0 {
        f32::NEG_INFINITY
    } else if x < 0.0 || x.is_nan() {
        f32::NAN
    } else if x == f32::INFINITY {
        x
    } else {
        out
    }
}

/// Cephes' `log1p` numerator and denominator (the denominator's leading 1 is implicit).
const LOG1P_P: [f64; 7] = [
    4.5270000862445199635215e-5,
    4.9854102823193375972212e-1,
    6.5787325942061044846969e0,
    2.9911919328553073277375e1,
    6.0949667980987787057556e1,
    5.7112963590585538103336e1,
    2.0039553499201281259648e1,
];
const LOG1P_Q: [f64; 6] = [
    1.5062909083469192043167e1,
    8.3047565967967209469434e1,
    2.2176239823732856465394e2,
    3.0909872225312059774938e2,
    2.1642788614495947685003e2,
    6.0118660497603843919306e1,
];

/// `log(1 + x)`: `x - x^2/2 + x^3 P(x)/Q(x)` for `|x| < sqrt(2) - 1`, `log(1 + x)` beyond.
/// Both are computed and one is selected, so the loop over an array vectorizes.
#[inline(always)]
pub fn log1p_f32(x: f32) -> f32 {
    let x2 = x * x;
    let mut q = x + LOG1P_Q[0] as f32;
    for &c in &LOG1P_Q[1..] {
        q = q.mul_add(x, c as f32);
    }
    let mut p = LOG1P_P[0] as f32;
    for &c in &LOG1P_P[1..] {
        p = p.mul_add(x, c as f32);
    }
    let t = (x * x2) * (p / q);
    let near = x + (x2 * -0.5 + t);
    let far = log_f32(x + 1.0);
    if x.abs() < 0.41421356237309504880_f64 as f32 {
        near
    } else {
        far
    }
}

// The last coefficient is XLA's rounded 2/sqrt(pi), kept as written so the bits match.
#[allow(clippy::approx_constant)]
const ERF_NUM: [f32; 5] = [
    2.2905065e-04_f64 as f32,
    3.4082910e-03_f64 as f32,
    5.0955694e-02_f64 as f32,
    1.8520832e-01_f64 as f32,
    1.1283791e00_f64 as f32,
];
const ERF_DEN: [f32; 7] = [
    -1.1791603e-07_f64 as f32,
    2.3547966e-05_f64 as f32,
    1.0179626e-03_f64 as f32,
    1.4070470e-02_f64 as f32,
    1.1098505e-01_f64 as f32,
    4.9746925e-01_f64 as f32,
    1.0_f64 as f32,
];
/// Beyond this |x|, float32 `erf` is +-1.
const ERF_SATURATION: f32 = 3.7439213_f64 as f32;

/// The error function: `x P(x^2) / Q(x^2)` on `[-c, c]`, `+-1` beyond.
#[inline(always)]
pub fn erf_f32(x: f32) -> f32 {
    if x.abs() >= ERF_SATURATION {
        return if x < 0.0 { -1.0 } else { 1.0 };
    }
    let x2 = x * x;
    (x * horner(x2, &ERF_NUM)) / horner(x2, &ERF_DEN)
}

/// Giles' coefficients for `w < 5` (in `w - 2.5`) and `w >= 5` (in `sqrt(w) - 3`).
const ERF_INV_NEAR: [f32; 9] = [
    2.81022636e-08_f64 as f32,
    3.43273939e-07_f64 as f32,
    -3.5233877e-06_f64 as f32,
    -4.39150654e-06_f64 as f32,
    0.00021858087_f64 as f32,
    -0.00125372503_f64 as f32,
    -0.00417768164_f64 as f32,
    0.246640727_f64 as f32,
    1.50140941_f64 as f32,
];
const ERF_INV_FAR: [f32; 9] = [
    -0.000200214257_f64 as f32,
    0.000100950558_f64 as f32,
    0.00134934322_f64 as f32,
    -0.00367342844_f64 as f32,
    0.00573950773_f64 as f32,
    -0.0076224613_f64 as f32,
    0.00943887047_f64 as f32,
    1.00167406_f64 as f32,
    2.83297682_f64 as f32,
];

/// The inverse error function on `(-1, 1)`, `+-inf` at `+-1`, NaN beyond.
#[inline(always)]
pub fn erf_inv_f32(x: f32) -> f32 {
    // One Horner chain whose argument and coefficients are picked per element (branch-free).
    let w = -log1p_f32(-(x * x));
    let near = w < 5.0;
    let t = if near { w - 2.5 } else { w.sqrt() - 3.0 };
    let pick = |k: usize| {
        if near {
            ERF_INV_NEAR[k]
        } else {
            ERF_INV_FAR[k]
        }
    };
    let mut p = pick(0);
    for k in 1..ERF_INV_NEAR.len() {
        p = p.mul_add(t, pick(k));
    }
    x * if x.abs() == 1.0 { f32::INFINITY } else { p }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::ulps;

    #[test]
    fn log_is_accurate_over_the_whole_range() {
        // Every 997th positive finite float, subnormals included.
        let mut worst: f64 = 0.0;
        for bits in (1..0x7f80_0000u32).step_by(997) {
            let x = f32::from_bits(bits);
            worst = worst.max(ulps(log_f32(x), f64::from(x).ln()));
        }
        assert!(worst <= 2.0, "log worst {worst} ulp");
        assert_eq!(log_f32(0.0), f32::NEG_INFINITY);
        assert!(log_f32(-1.0).is_nan() && log_f32(f32::NAN).is_nan());
        assert_eq!(log_f32(f32::INFINITY), f32::INFINITY);
    }

    #[test]
    fn log1p_is_accurate() {
        let mut worst: f64 = 0.0;
        let mut x = -0.999f32;
        while x < 10.0 {
            worst = worst.max(ulps(log1p_f32(x), f64::from(x).ln_1p()));
            x += 0.000_37;
        }
        let mut t = 1e-30f32;
        while t < 0.5 {
            for x in [t, -t] {
                worst = worst.max(ulps(log1p_f32(x), f64::from(x).ln_1p()));
            }
            t *= 1.07;
        }
        // log(1 + x) beyond the rational's range inherits the rounding of 1 + x: 2.4 ulp at worst.
        assert!(worst <= 3.0, "log1p worst {worst} ulp");
    }

    #[test]
    fn erf_and_erf_inv_are_accurate() {
        use crate::math::{erf_f64, erf_inv_f64};
        // Every 97th float in [-4, 4] against the float64 functions (libm's erf; Newton-refined
        // erf_inv). Giles' single-precision erf_inv loses accuracy in its tail, |x| > 0.999.
        let (mut erf, mut inv, mut inv_tail) = (0.0f64, 0.0f64, 0.0f64);
        for bits in (0..0x4080_0000u32).step_by(97) {
            for x in [f32::from_bits(bits), -f32::from_bits(bits)] {
                erf = erf.max(ulps(erf_f32(x), erf_f64(f64::from(x))));
                if x.abs() < 1.0 {
                    let e = ulps(erf_inv_f32(x), erf_inv_f64(f64::from(x)));
                    if x.abs() < 0.999 {
                        inv = inv.max(e);
                    } else {
                        inv_tail = inv_tail.max(e);
                    }
                }
            }
        }
        assert!(erf <= 6.0, "erf worst {erf} ulp");
        assert!(inv <= 12.0, "erf_inv worst {inv} ulp below 0.999");
        assert!(
            inv_tail <= 65.0,
            "erf_inv worst {inv_tail} ulp beyond 0.999"
        );
        assert_eq!(erf_inv_f32(1.0), f32::INFINITY);
        assert_eq!(erf_inv_f32(-1.0), f32::NEG_INFINITY);
        assert!(erf_inv_f32(1.5).is_nan());
        assert_eq!(erf_f32(5.0), 1.0);
        assert!(erf_f32(f32::NAN).is_nan());
    }
}

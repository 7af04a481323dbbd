//! Kernels of the elementwise unary primitives.

use ferrax_core::data::HostData;
use ferrax_core::prim::UnaryOp;
use ferrax_core::{type_err, Result};

use crate::math::*;
use crate::simd::{map, map_fix, map_inlined};

/// Runs a unary op on data of any accepted dtype.
pub fn unary(op: UnaryOp, x: &HostData) -> Result<HostData> {
    Ok(match x {
        HostData::F32(v) => f32_unary(op, v),
        HostData::F64(v) => f64_unary(op, v),
        HostData::I32(v) => HostData::I32(int_unary(
            op,
            v,
            |a| a.wrapping_neg(),
            |a| a.wrapping_abs(),
            |a| a.signum(),
            |a| !a,
        )?),
        HostData::I64(v) => HostData::I64(int_unary(
            op,
            v,
            |a| a.wrapping_neg(),
            |a| a.wrapping_abs(),
            |a| a.signum(),
            |a| !a,
        )?),
        HostData::U32(v) => HostData::U32(int_unary(
            op,
            v,
            |a| a.wrapping_neg(),
            |a| a,
            |a| u32::from(a != 0),
            |a| !a,
        )?),
        HostData::Bool(v) if op == UnaryOp::Not => HostData::Bool(map(v, |a| !a)),
        HostData::Bool(_) => return Err(type_err!("{op:?} does not accept bool operands")),
    })
}

fn int_unary<T: Copy + Send + Sync>(
    op: UnaryOp,
    v: &[T],
    neg: impl Fn(T) -> T + Sync,
    abs: impl Fn(T) -> T + Sync,
    sign: impl Fn(T) -> T + Sync,
    not: impl Fn(T) -> T + Sync,
) -> Result<Vec<T>> {
    Ok(match op {
        UnaryOp::Neg => map(v, neg),
        UnaryOp::Abs => map(v, abs),
        UnaryOp::Sign => map(v, sign),
        UnaryOp::Not => map(v, not),
        other => return Err(type_err!("{other:?} requires a floating-point operand")),
    })
}

/// Recomputes sin/cos of huge arguments with float64 libm (the vector path covers the rest).
fn patch_large(x: &[f32], out: &mut [f32], f: fn(f64) -> f64) {
    for (o, &v) in out.iter_mut().zip(x) {
        if v.abs() > TRIG_LIMIT && v.is_finite() {
            *o = f(f64::from(v)) as f32;
        }
    }
}

fn f32_unary(op: UnaryOp, v: &[f32]) -> HostData {
    use UnaryOp::*;
    let out = match op {
        Neg => map(v, |a| -a),
        Sign => map(v, |a| {
            if a > 0.0 {
                1.0
            } else if a < 0.0 {
                -1.0
            } else {
                a
            }
        }),
        Floor => map(v, f32::floor),
        Ceil => map(v, f32::ceil),
        Round => map(v, f32::round),
        RoundEven => map(v, f32::round_ties_even),
        Abs => map(v, f32::abs),
        Exp => map(v, exp_f32),
        Exp2 => map(v, f32::exp2),
        Log => map(v, log_f32),
        Log1p => map(v, log1p_f32),
        Expm1 => map(v, f32::exp_m1),
        Sqrt => map(v, f32::sqrt),
        Rsqrt => map(v, |a| 1.0 / a.sqrt()),
        Sin => map_fix(v, sin_f32, |x, o| patch_large(x, o, f64::sin)),
        Cos => map_fix(v, cos_f32, |x, o| patch_large(x, o, f64::cos)),
        Tan => map(v, |a| f64::from(a).tan() as f32),
        Tanh => map(v, tanh_f32),
        Asin => map(v, f32::asin),
        Acos => map(v, f32::acos),
        Atan => map(v, f32::atan),
        Sinh => map(v, f32::sinh),
        Cosh => map(v, f32::cosh),
        Asinh => map(v, f32::asinh),
        Acosh => map(v, |a| acosh_f64(f64::from(a)) as f32),
        Atanh => map(v, |a| atanh_f64(f64::from(a)) as f32),
        Logistic => map(v, logistic_f32),
        Erf => map(v, erf_f32),
        ErfInv => map_inlined!(v, erf_inv_f32, f32 => f32),
        IsFinite => return HostData::Bool(map(v, f32::is_finite)),
        Not => map(v, |a| a),
    };
    HostData::F32(out)
}

fn f64_unary(op: UnaryOp, v: &[f64]) -> HostData {
    use UnaryOp::*;
    let out = match op {
        Neg => map(v, |a| -a),
        Sign => map(v, |a| {
            if a > 0.0 {
                1.0
            } else if a < 0.0 {
                -1.0
            } else {
                a
            }
        }),
        Floor => map(v, f64::floor),
        Ceil => map(v, f64::ceil),
        Round => map(v, f64::round),
        RoundEven => map(v, f64::round_ties_even),
        Abs => map(v, f64::abs),
        Exp => map(v, f64::exp),
        Exp2 => map(v, f64::exp2),
        Log => map(v, f64::ln),
        Log1p => map(v, f64::ln_1p),
        Expm1 => map(v, f64::exp_m1),
        Sqrt => map(v, f64::sqrt),
        Rsqrt => map(v, |a| 1.0 / a.sqrt()),
        Sin => map(v, f64::sin),
        Cos => map(v, f64::cos),
        Tan => map(v, f64::tan),
        Tanh => map(v, f64::tanh),
        Asin => map(v, f64::asin),
        Acos => map(v, f64::acos),
        Atan => map(v, f64::atan),
        Sinh => map(v, f64::sinh),
        Cosh => map(v, f64::cosh),
        Asinh => map(v, f64::asinh),
        Acosh => map(v, acosh_f64),
        Atanh => map(v, atanh_f64),
        Logistic => map(v, |a| 1.0 / (1.0 + (-a).exp())),
        Erf => map(v, erf_f64),
        ErfInv => map(v, erf_inv_f64),
        IsFinite => return HostData::Bool(map(v, f64::is_finite)),
        Not => map(v, |a| a),
    };
    HostData::F64(out)
}

//! Kernels of the elementwise binary primitives (a scalar operand broadcasts).

use ferrax_core::data::HostData;
use ferrax_core::prim::BinaryOp;
use ferrax_core::{type_err, Result};

use crate::elem::Num;
use crate::simd::zip;

/// Integer binary ops with XLA's conventions for division by zero and shifts.
macro_rules! int_op {
    ($op:expr, $x:expr, $y:expr, $t:ty, $ut:ty) => {{
        const BITS: $ut = <$t>::BITS as $ut;
        let r: Result<Vec<$t>> = Ok(match $op {
            BinaryOp::Add => zip($x, $y, |a: $t, b: $t| a.wrapping_add(b)),
            BinaryOp::Sub => zip($x, $y, |a: $t, b: $t| a.wrapping_sub(b)),
            BinaryOp::Mul => zip($x, $y, |a: $t, b: $t| a.wrapping_mul(b)),
            BinaryOp::Div => zip(
                $x,
                $y,
                |a: $t, b: $t| if b == 0 { !0 } else { a.wrapping_div(b) },
            ),
            BinaryOp::Rem => zip(
                $x,
                $y,
                |a: $t, b: $t| if b == 0 { a } else { a.wrapping_rem(b) },
            ),
            BinaryOp::Pow => zip($x, $y, |a: $t, b: $t| int_pow(a, b as i64)),
            BinaryOp::Max => zip($x, $y, |a: $t, b: $t| a.max(b)),
            BinaryOp::Min => zip($x, $y, |a: $t, b: $t| a.min(b)),
            BinaryOp::And => zip($x, $y, |a: $t, b: $t| a & b),
            BinaryOp::Or => zip($x, $y, |a: $t, b: $t| a | b),
            BinaryOp::Xor => zip($x, $y, |a: $t, b: $t| a ^ b),
            BinaryOp::ShiftLeft => zip($x, $y, |a: $t, b: $t| {
                if (b as $ut) < BITS {
                    a << (b as $ut)
                } else {
                    0
                }
            }),
            BinaryOp::ShiftRightLogical => zip($x, $y, |a: $t, b: $t| {
                if (b as $ut) < BITS {
                    ((a as $ut) >> (b as $ut)) as $t
                } else {
                    0
                }
            }),
            BinaryOp::ShiftRightArithmetic => zip($x, $y, |a: $t, b: $t| {
                let s = if (b as $ut) < BITS {
                    b as $ut
                } else {
                    BITS - 1
                };
                let neg = (a as $ut) >> (BITS - 1) == 1;
                let shifted = (a as $ut) >> s;
                let fill = if neg && s > 0 {
                    !((!(0 as $ut)) >> s)
                } else {
                    0
                };
                (shifted | fill) as $t
            }),
            other => return Err(type_err!("{other:?} does not accept integer operands")),
        });
        r
    }};
}

/// Runs a binary op on two operands of one dtype.
pub fn binary(op: BinaryOp, a: &HostData, b: &HostData) -> Result<HostData> {
    use HostData as H;
    if op.is_comparison() {
        return Ok(H::Bool(match (a, b) {
            (H::F32(x), H::F32(y)) => compare(op, x, y),
            (H::F64(x), H::F64(y)) => compare(op, x, y),
            (H::I32(x), H::I32(y)) => compare(op, x, y),
            (H::U32(x), H::U32(y)) => compare(op, x, y),
            (H::I64(x), H::I64(y)) => compare(op, x, y),
            (H::Bool(x), H::Bool(y)) => compare(op, x, y),
            _ => return Err(mismatch(op, a, b)),
        }));
    }
    Ok(match (a, b) {
        (H::F32(x), H::F32(y)) => H::F32(float_op(op, x, y, f32::powf, f32::atan2, next_f32)?),
        (H::F64(x), H::F64(y)) => H::F64(float_op(op, x, y, f64::powf, f64::atan2, next_f64)?),
        (H::I32(x), H::I32(y)) => H::I32(int_op!(op, x, y, i32, u32)?),
        (H::I64(x), H::I64(y)) => H::I64(int_op!(op, x, y, i64, u64)?),
        (H::U32(x), H::U32(y)) => H::U32(int_op!(op, x, y, u32, u32)?),
        (H::Bool(x), H::Bool(y)) => H::Bool(match op {
            BinaryOp::Add | BinaryOp::Or | BinaryOp::Max => zip(x, y, |p, q| p | q),
            BinaryOp::Mul | BinaryOp::And | BinaryOp::Min => zip(x, y, |p, q| p & q),
            BinaryOp::Xor => zip(x, y, |p, q| p ^ q),
            _ => return Err(type_err!("{op:?} does not accept bool operands")),
        }),
        _ => return Err(mismatch(op, a, b)),
    })
}

fn mismatch(op: BinaryOp, a: &HostData, b: &HostData) -> ferrax_core::Error {
    type_err!(
        "{op:?} requires operands of one dtype, got {} and {}",
        a.dtype(),
        b.dtype()
    )
}

fn compare<T: PartialOrd + Copy + Sync>(op: BinaryOp, x: &[T], y: &[T]) -> Vec<bool> {
    match op {
        BinaryOp::Eq => zip(x, y, |a, b| a == b),
        BinaryOp::Ne => zip(x, y, |a, b| a != b),
        BinaryOp::Lt => zip(x, y, |a, b| a < b),
        BinaryOp::Le => zip(x, y, |a, b| a <= b),
        BinaryOp::Gt => zip(x, y, |a, b| a > b),
        _ => zip(x, y, |a, b| a >= b),
    }
}

fn next_f32(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return f32::NAN;
    }
    if a == b {
        return b;
    }
    if a == 0.0 {
        return f32::from_bits(1).copysign(b);
    }
    let bits = a.to_bits();
    let up = (b > a) == (a > 0.0);
    f32::from_bits(if up { bits + 1 } else { bits - 1 })
}

fn next_f64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == b {
        return b;
    }
    if a == 0.0 {
        return f64::from_bits(1).copysign(b);
    }
    let bits = a.to_bits();
    let up = (b > a) == (a > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}

fn float_op<T>(
    op: BinaryOp,
    x: &[T],
    y: &[T],
    pow: fn(T, T) -> T,
    atan2: fn(T, T) -> T,
    next: fn(T, T) -> T,
) -> Result<Vec<T>>
where
    T: Num + std::ops::Sub<Output = T> + std::ops::Div<Output = T> + std::ops::Rem<Output = T>,
{
    Ok(match op {
        BinaryOp::Add => zip(x, y, T::add),
        BinaryOp::Sub => zip(x, y, |a, b| a - b),
        BinaryOp::Mul => zip(x, y, T::mul),
        BinaryOp::Div => zip(x, y, |a, b| a / b),
        BinaryOp::Rem => zip(x, y, |a, b| a % b),
        BinaryOp::Pow => zip(x, y, pow),
        BinaryOp::Max => zip(x, y, |a, b| if b.is_nan() { b } else { a.max_nan(b) }),
        BinaryOp::Min => zip(x, y, |a, b| if b.is_nan() { b } else { a.min_nan(b) }),
        BinaryOp::Atan2 => zip(x, y, atan2),
        BinaryOp::Nextafter => zip(x, y, next),
        other => {
            return Err(type_err!(
                "{other:?} does not accept floating-point operands"
            ))
        }
    })
}

/// `a^b` for integers by squaring, wrapping; negative exponents give 0 except for |a| = 1.
fn int_pow<T: Num + PartialEq>(a: T, b: i64) -> T {
    if b < 0 {
        return if a == T::ONE {
            T::ONE
        } else if a.add(T::ONE) == T::ZERO {
            if b % 2 == 0 {
                T::ONE
            } else {
                a
            }
        } else {
            T::ZERO
        };
    }
    let (mut base, mut e, mut acc) = (a, b as u64, T::ONE);
    while e > 0 {
        if e & 1 == 1 {
            acc = acc.mul(base);
        }
        base = base.mul(base);
        e >>= 1;
    }
    acc
}

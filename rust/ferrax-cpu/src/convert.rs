//! Kernels of `convert_element_type`, `select_n` and `clamp`.

use ferrax_core::data::HostData;
use ferrax_core::{type_err, DType, Result};

use crate::elem::Num;
use crate::simd::{map, zip, zip3};

/// Casts every element (floats to integers truncate and saturate, NaN gives 0; any nonzero
/// value is `true`).
pub fn convert(x: &HostData, to: DType) -> HostData {
    use HostData as H;
    macro_rules! from_num {
        ($v:expr) => {
            match to {
                DType::Bool => H::Bool(map($v, |a| a != Default::default())),
                DType::I32 => H::I32(map($v, |a| a as i32)),
                DType::U32 => H::U32(map($v, |a| a as u32)),
                DType::I64 => H::I64(map($v, |a| a as i64)),
                DType::F32 => H::F32(map($v, |a| a as f32)),
                DType::F64 => H::F64(map($v, |a| a as f64)),
            }
        };
    }
    match x {
        H::Bool(v) => {
            let bytes: Vec<u8> = map(v, u8::from);
            from_num!(&bytes)
        }
        H::I32(v) => from_num!(v),
        H::U32(v) => from_num!(v),
        H::I64(v) => from_num!(v),
        H::F32(v) => from_num!(v),
        H::F64(v) => from_num!(v),
    }
}

#[inline(always)]
fn at<T: Copy>(v: &[T], i: usize) -> T {
    if v.len() == 1 {
        v[0]
    } else {
        v[i]
    }
}

fn select<T: Copy + Send + Sync>(which: &HostData, cases: &[&[T]], n: usize) -> Result<Vec<T>> {
    let last = cases.len().saturating_sub(1);
    Ok(match which {
        HostData::Bool(w) if cases.len() == 2 => {
            let (a, b) = (cases[0], cases[1]);
            (0..n)
                .map(|i| if at(w, i) { at(b, i) } else { at(a, i) })
                .collect()
        }
        HostData::Bool(w) => (0..n)
            .map(|i| at(cases[usize::from(at(w, i)).min(last)], i))
            .collect(),
        HostData::I32(w) => (0..n)
            .map(|i| at(cases[(at(w, i).max(0) as usize).min(last)], i))
            .collect(),
        other => return Err(type_err!("select_n: predicate of dtype {}", other.dtype())),
    })
}

/// `select_n(which, *cases)`; scalar operands broadcast.
pub fn select_n(which: &HostData, cases: &[&HostData], n: usize) -> Result<HostData> {
    use HostData as H;
    macro_rules! gather_cases {
        ($variant:ident) => {{
            let mut v = Vec::with_capacity(cases.len());
            for c in cases {
                match c {
                    H::$variant(x) => v.push(x.as_slice()),
                    other => return Err(type_err!("select_n: case of dtype {}", other.dtype())),
                }
            }
            H::$variant(select(which, &v, n)?)
        }};
    }
    let first = cases
        .first()
        .ok_or_else(|| type_err!("select_n requires at least one case"))?;
    Ok(match first {
        H::Bool(_) => gather_cases!(Bool),
        H::I32(_) => gather_cases!(I32),
        H::U32(_) => gather_cases!(U32),
        H::I64(_) => gather_cases!(I64),
        H::F32(_) => gather_cases!(F32),
        H::F64(_) => gather_cases!(F64),
    })
}

fn clamp_typed<T: Num>(lo: &[T], x: &[T], hi: &[T]) -> Vec<T> {
    (0..x.len())
        .map(|i| x[i].max_nan(at(lo, i)).min_nan(at(hi, i)))
        .collect()
}

/// `clamp(lo, x, hi)`; scalar bounds broadcast.
pub fn clamp(lo: &HostData, x: &HostData, hi: &HostData) -> Result<HostData> {
    use HostData as H;
    Ok(match (lo, x, hi) {
        (H::I32(a), H::I32(b), H::I32(c)) => H::I32(clamp_typed(a, b, c)),
        (H::U32(a), H::U32(b), H::U32(c)) => H::U32(clamp_typed(a, b, c)),
        (H::I64(a), H::I64(b), H::I64(c)) => H::I64(clamp_typed(a, b, c)),
        (H::F32(a), H::F32(b), H::F32(c)) => H::F32(clamp_typed(a, b, c)),
        (H::F64(a), H::F64(b), H::F64(c)) => H::F64(clamp_typed(a, b, c)),
        _ => return Err(type_err!("clamp: unsupported operand dtypes")),
    })
}

/// Reinterprets the bits of every element as `to` (same width; checked by the shape rule).
pub fn bitcast(x: &HostData, to: DType) -> Result<HostData> {
    use HostData as H;
    Ok(match (x, to) {
        (H::F32(v), DType::I32) => H::I32(map(v, |a| a.to_bits() as i32)),
        (H::F32(v), DType::U32) => H::U32(map(v, f32::to_bits)),
        (H::I32(v), DType::F32) => H::F32(map(v, |a| f32::from_bits(a as u32))),
        (H::U32(v), DType::F32) => H::F32(map(v, f32::from_bits)),
        (H::I32(v), DType::U32) => H::U32(map(v, |a| a as u32)),
        (H::U32(v), DType::I32) => H::I32(map(v, |a| a as i32)),
        (H::F64(v), DType::I64) => H::I64(map(v, |a| a.to_bits() as i64)),
        (H::I64(v), DType::F64) => H::F64(map(v, |a| f64::from_bits(a as u64))),
        (x, to) if x.dtype() == to => x.clone(),
        (x, to) => {
            return Err(type_err!(
                "bitcast_convert_type: cannot reinterpret {} as {}",
                x.dtype(),
                to
            ))
        }
    })
}

/// `a * b + c` rounded once, elementwise (operands of one element broadcast).
pub fn fma(a: &HostData, b: &HostData, c: &HostData) -> Result<HostData> {
    // `f` is a closure, not a function pointer, so that it inlines into the ISA-specific
    // loops and `mul_add` becomes an FMA instruction there.
    fn typed<T, F>(a: &[T], b: &[T], c: &[T], f: F) -> Vec<T>
    where
        T: Copy + Send + Sync,
        F: Fn(T, T, T) -> T + Sync + Copy,
    {
        match (a, b, c) {
            ([x], _, _) => zip(b, c, |y, z| f(*x, y, z)),
            (_, [y], _) => zip(a, c, |x, z| f(x, *y, z)),
            (_, _, [z]) => zip(a, b, |x, y| f(x, y, *z)),
            _ => zip3(a, b, c, f),
        }
    }
    use HostData as H;
    Ok(match (a, b, c) {
        (H::F32(a), H::F32(b), H::F32(c)) => H::F32(typed(a, b, c, |x: f32, y, z| x.mul_add(y, z))),
        (H::F64(a), H::F64(b), H::F64(c)) => H::F64(typed(a, b, c, |x: f64, y, z| x.mul_add(y, z))),
        _ => return Err(type_err!("fma: unsupported operand dtypes")),
    })
}

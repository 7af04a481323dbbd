//! Kernels of reductions, arg-reductions and cumulative scans.
//!
//! Every kernel sees its operand as `(outer, r, inner)`: the reduced or scanned axes form the
//! middle block (non-adjacent reduced axes are first transposed to the end). Float sums are
//! pairwise (error growing with log n, as NumPy's) and split across threads when large.

use ferrax_core::aval::Aval;
use ferrax_core::data::HostData;
use ferrax_core::prim::{ArgOp, CumOp, ReduceOp};
use ferrax_core::{type_err, DType, Result};
use rayon::prelude::*;

use crate::elem::Num;
use crate::layout::transpose;

/// Below this many elements a pairwise sum runs on one thread.
const PAR_SUM: usize = 1 << 16;

/// `(outer, r, inner)` of a contiguous block of axes `a0..=a1`.
fn split(shape: &[usize], a0: usize, a1: usize) -> (usize, usize, usize) {
    (
        shape[..a0].iter().product(),
        shape[a0..=a1].iter().product(),
        shape[a1 + 1..].iter().product(),
    )
}

/// Runs `reduce_*` over sorted axes.
pub fn reduce(op: ReduceOp, x: &HostData, xa: &Aval, axes: &[usize]) -> Result<HostData> {
    if axes.is_empty() {
        return Ok(x.clone());
    }
    let contiguous = axes.windows(2).all(|w| w[1] == w[0] + 1);
    if !contiguous {
        let n = xa.ndim();
        let mut perm: Vec<usize> = (0..n).filter(|d| !axes.contains(d)).collect();
        perm.extend_from_slice(axes);
        let shape: Vec<usize> = perm.iter().map(|&p| xa.shape[p]).collect();
        let t = transpose(&perm, x, xa);
        let k = n - axes.len();
        let moved: Vec<usize> = (k..n).collect();
        return reduce(op, &t, &xa.with_shape(shape), &moved);
    }
    let (outer, r, inner) = split(&xa.shape, axes[0], axes[axes.len() - 1]);
    use HostData as H;
    Ok(match x {
        H::F32(v) => H::F32(reduce_num(op, v, outer, r, inner)?),
        H::F64(v) => H::F64(reduce_num(op, v, outer, r, inner)?),
        H::I32(v) => H::I32(reduce_int(op, v, outer, r, inner)?),
        H::U32(v) => H::U32(reduce_int(op, v, outer, r, inner)?),
        H::I64(v) => H::I64(reduce_int(op, v, outer, r, inner)?),
        H::Bool(v) => H::Bool(match op {
            ReduceOp::Max | ReduceOp::Or => fold(v, outer, r, inner, false, |a, b| a | b),
            ReduceOp::Min | ReduceOp::And => fold(v, outer, r, inner, true, |a, b| a & b),
            other => return Err(type_err!("{other:?} reduction of bool")),
        }),
    })
}

fn fold<T: Copy + Send + Sync>(
    x: &[T],
    outer: usize,
    r: usize,
    inner: usize,
    init: T,
    f: impl Fn(T, T) -> T + Sync,
) -> Vec<T> {
    let mut out = vec![init; outer * inner];
    if inner == 1 {
        let body = |(o, slot): (usize, &mut T)| {
            *slot = x[o * r..(o + 1) * r].iter().fold(init, |a, &b| f(a, b));
        };
        if x.len() > PAR_SUM && outer > 1 {
            out.par_iter_mut().enumerate().for_each(body);
        } else {
            out.iter_mut().enumerate().for_each(body);
        }
        return out;
    }
    for o in 0..outer {
        let acc = &mut out[o * inner..(o + 1) * inner];
        for k in 0..r {
            let row = &x[(o * r + k) * inner..(o * r + k + 1) * inner];
            for (a, &b) in acc.iter_mut().zip(row) {
                *a = f(*a, b);
            }
        }
    }
    out
}

fn reduce_int<
    T: Num + std::ops::BitAnd<Output = T> + std::ops::BitOr<Output = T> + std::ops::Not<Output = T>,
>(
    op: ReduceOp,
    v: &[T],
    outer: usize,
    r: usize,
    inner: usize,
) -> Result<Vec<T>> {
    Ok(match op {
        ReduceOp::Sum => fold(v, outer, r, inner, T::ZERO, T::add),
        ReduceOp::Prod => fold(v, outer, r, inner, T::ONE, T::mul),
        ReduceOp::Max => fold(v, outer, r, inner, T::LOWEST, T::max_nan),
        ReduceOp::Min => fold(v, outer, r, inner, T::HIGHEST, T::min_nan),
        ReduceOp::And => fold(v, outer, r, inner, !T::ZERO, |a, b| a & b),
        ReduceOp::Or => fold(v, outer, r, inner, T::ZERO, |a, b| a | b),
    })
}

fn reduce_num<T: Num>(
    op: ReduceOp,
    v: &[T],
    outer: usize,
    r: usize,
    inner: usize,
) -> Result<Vec<T>> {
    Ok(match op {
        ReduceOp::Sum if inner == 1 => {
            let body = |o: usize| pairwise(&v[o * r..(o + 1) * r]);
            if outer > 1 && v.len() > PAR_SUM {
                (0..outer).into_par_iter().map(body).collect()
            } else {
                (0..outer).map(body).collect()
            }
        }
        ReduceOp::Sum => {
            let mut out = vec![T::ZERO; outer * inner];
            for o in 0..outer {
                pairwise_rows(
                    &v[o * r * inner..(o + 1) * r * inner],
                    r,
                    inner,
                    &mut out[o * inner..(o + 1) * inner],
                );
            }
            out
        }
        ReduceOp::Prod => fold(v, outer, r, inner, T::ONE, T::mul),
        ReduceOp::Max => fold(v, outer, r, inner, T::LOWEST, T::max_nan),
        ReduceOp::Min => fold(v, outer, r, inner, T::HIGHEST, T::min_nan),
        other => return Err(type_err!("{other:?} reduction of floats")),
    })
}

/// Pairwise sum of a contiguous slice: 8 running sums per block of 128, halves above that.
pub fn pairwise<T: Num>(x: &[T]) -> T {
    let n = x.len();
    if n <= 128 {
        let mut acc = [T::ZERO; 8];
        let chunks = x.chunks_exact(8);
        let rest = chunks.remainder();
        for c in chunks {
            for j in 0..8 {
                acc[j] = acc[j].add(c[j]);
            }
        }
        let mut s = ((acc[0].add(acc[1])).add(acc[2].add(acc[3])))
            .add((acc[4].add(acc[5])).add(acc[6].add(acc[7])));
        for &v in rest {
            s = s.add(v);
        }
        return s;
    }
    let half = (n / 2) & !7;
    let (a, b) = x.split_at(half);
    if n > PAR_SUM {
        let (sa, sb) = rayon::join(|| pairwise(a), || pairwise(b));
        sa.add(sb)
    } else {
        pairwise(a).add(pairwise(b))
    }
}

/// Pairwise sum of `r` rows of length `inner` into `out`.
fn pairwise_rows<T: Num>(x: &[T], r: usize, inner: usize, out: &mut [T]) {
    if r == 0 {
        out.fill(T::ZERO);
        return;
    }
    if r <= 8 {
        out.copy_from_slice(&x[..inner]);
        for k in 1..r {
            for (o, &v) in out.iter_mut().zip(&x[k * inner..(k + 1) * inner]) {
                *o = o.add(v);
            }
        }
        return;
    }
    let h = r / 2;
    pairwise_rows(&x[..h * inner], h, inner, out);
    let mut tmp = vec![T::ZERO; inner];
    pairwise_rows(&x[h * inner..], r - h, inner, &mut tmp);
    for (o, t) in out.iter_mut().zip(tmp) {
        *o = o.add(t);
    }
}

fn arg_typed<T: Num>(op: ArgOp, x: &[T], outer: usize, r: usize, inner: usize) -> Vec<i64> {
    let mut idx = vec![0i64; outer * inner];
    for o in 0..outer {
        for i in 0..inner {
            let mut best = x[o * r * inner + i];
            let mut bi = 0i64;
            for k in 1..r {
                let v = x[(o * r + k) * inner + i];
                if best.is_nan() {
                    break;
                }
                let better = match op {
                    ArgOp::Max => v > best,
                    ArgOp::Min => v < best,
                };
                if better || v.is_nan() {
                    best = v;
                    bi = k as i64;
                }
            }
            idx[o * inner + i] = bi;
        }
    }
    idx
}

/// `argmax`/`argmin` along one axis.
pub fn arg_reduce(
    op: ArgOp,
    x: &HostData,
    xa: &Aval,
    axis: usize,
    index: DType,
) -> Result<HostData> {
    let (outer, r, inner) = split(&xa.shape, axis, axis);
    use HostData as H;
    let idx = match x {
        H::F32(v) => arg_typed(op, v, outer, r, inner),
        H::F64(v) => arg_typed(op, v, outer, r, inner),
        H::I32(v) => arg_typed(op, v, outer, r, inner),
        H::U32(v) => arg_typed(op, v, outer, r, inner),
        H::I64(v) => arg_typed(op, v, outer, r, inner),
        H::Bool(v) => {
            let u: Vec<i32> = v.iter().map(|&b| i32::from(b)).collect();
            arg_typed(op, &u, outer, r, inner)
        }
    };
    Ok(match index {
        DType::I64 => H::I64(idx),
        DType::U32 => H::U32(idx.into_iter().map(|i| i as u32).collect()),
        _ => H::I32(idx.into_iter().map(|i| i as i32).collect()),
    })
}

fn scan_typed<T: Num>(
    op: CumOp,
    x: &[T],
    outer: usize,
    r: usize,
    inner: usize,
    reverse: bool,
) -> Vec<T> {
    let f: fn(T, T) -> T = match op {
        CumOp::Sum => T::add,
        CumOp::Prod => T::mul,
        CumOp::Max => T::max_nan,
        CumOp::Min => T::min_nan,
    };
    let mut out = x.to_vec();
    for o in 0..outer {
        let block = &mut out[o * r * inner..(o + 1) * r * inner];
        for step in 1..r {
            let (k, prev) = if reverse {
                (r - 1 - step, r - step)
            } else {
                (step, step - 1)
            };
            for i in 0..inner {
                block[k * inner + i] = f(block[prev * inner + i], block[k * inner + i]);
            }
        }
    }
    out
}

/// `cumsum`/`cumprod`/`cummax`/`cummin` along one axis.
pub fn cumulative(
    op: CumOp,
    x: &HostData,
    xa: &Aval,
    axis: usize,
    reverse: bool,
) -> Result<HostData> {
    let (outer, r, inner) = split(&xa.shape, axis, axis);
    use HostData as H;
    Ok(match x {
        H::F32(v) => H::F32(scan_typed(op, v, outer, r, inner, reverse)),
        H::F64(v) => H::F64(scan_typed(op, v, outer, r, inner, reverse)),
        H::I32(v) => H::I32(scan_typed(op, v, outer, r, inner, reverse)),
        H::U32(v) => H::U32(scan_typed(op, v, outer, r, inner, reverse)),
        H::I64(v) => H::I64(scan_typed(op, v, outer, r, inner, reverse)),
        H::Bool(_) => return Err(type_err!("cumulative op of bool")),
    })
}

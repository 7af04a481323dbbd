//! Kernel of `dot_general`: batched GEMM through the `gemm` crate for floats (any operand
//! layout that is a batch of matrices is passed by strides, without a copy), a plain loop for
//! integers and booleans.

use ferrax_core::aval::Aval;
use ferrax_core::data::HostData;
use ferrax_core::prim::DotGeneral;
use ferrax_core::{type_err, Result};
use gemm::Parallelism;

use crate::convert::convert;
use crate::layout::transpose;

/// An operand seen as `batch` matrices of `rows x cols`, with the element strides to pass.
struct Operand {
    data: HostData,
    row_stride: isize,
    col_stride: isize,
    batch_stride: usize,
}

/// Arranges an operand as matrices `[batch, a, b]` (`a` = first group, `b` = second group).
fn arrange(x: &HostData, xa: &Aval, batch: &[usize], a: &[usize], b: &[usize]) -> Operand {
    let size = |dims: &[usize]| dims.iter().map(|&d| xa.shape[d]).product::<usize>();
    let (na, nb) = (size(a), size(b));
    let straight: Vec<usize> = [batch, a, b].concat();
    let swapped: Vec<usize> = [batch, b, a].concat();
    let identity = |p: &[usize]| p.iter().enumerate().all(|(i, &d)| i == d);
    if identity(&straight) {
        return Operand {
            data: x.clone(),
            row_stride: nb as isize,
            col_stride: 1,
            batch_stride: na * nb,
        };
    }
    if identity(&swapped) {
        return Operand {
            data: x.clone(),
            row_stride: 1,
            col_stride: na as isize,
            batch_stride: na * nb,
        };
    }
    Operand {
        data: transpose(&straight, x, xa),
        row_stride: nb as isize,
        col_stride: 1,
        batch_stride: na * nb,
    }
}

/// Runs `dot_general`; the output is `[batch, lhs free, rhs free]`.
pub fn dot_general(
    p: &DotGeneral,
    l: &HostData,
    r: &HostData,
    la: &Aval,
    ra: &Aval,
    out: &Aval,
) -> Result<HostData> {
    let (l, r) = if l.dtype() != out.dtype {
        (convert(l, out.dtype), convert(r, out.dtype))
    } else {
        (l.clone(), r.clone())
    };
    let lf = DotGeneral::free_dims(la.ndim(), &p.lhs_contract, &p.lhs_batch);
    let rf = DotGeneral::free_dims(ra.ndim(), &p.rhs_contract, &p.rhs_batch);
    let size = |a: &Aval, dims: &[usize]| dims.iter().map(|&d| a.shape[d]).product::<usize>();
    let (nb, m, k, n) = (
        size(la, &p.lhs_batch),
        size(la, &lf),
        size(la, &p.lhs_contract),
        size(ra, &rf),
    );
    let lo = arrange(&l, la, &p.lhs_batch, &lf, &p.lhs_contract);
    let ro = arrange(&r, ra, &p.rhs_batch, &p.rhs_contract, &rf);
    use HostData as H;
    Ok(match (&lo.data, &ro.data) {
        (H::F32(a), H::F32(b)) => H::F32(gemm_batched(a, b, &lo, &ro, nb, m, k, n)),
        (H::F64(a), H::F64(b)) => H::F64(gemm_batched(a, b, &lo, &ro, nb, m, k, n)),
        (H::I32(a), H::I32(b)) => H::I32(naive(a, b, &lo, &ro, nb, m, k, n, |s, x, y| {
            s.wrapping_add(x.wrapping_mul(y))
        })),
        (H::U32(a), H::U32(b)) => H::U32(naive(a, b, &lo, &ro, nb, m, k, n, |s, x, y| {
            s.wrapping_add(x.wrapping_mul(y))
        })),
        (H::I64(a), H::I64(b)) => H::I64(naive(a, b, &lo, &ro, nb, m, k, n, |s, x, y| {
            s.wrapping_add(x.wrapping_mul(y))
        })),
        (H::Bool(a), H::Bool(b)) => {
            H::Bool(naive(a, b, &lo, &ro, nb, m, k, n, |s, x, y| s | (x & y)))
        }
        _ => return Err(type_err!("dot_general: operands of different dtypes")),
    })
}

#[allow(clippy::too_many_arguments)]
fn gemm_batched<T: Copy + Default + 'static + num_one::One>(
    a: &[T],
    b: &[T],
    lo: &Operand,
    ro: &Operand,
    nb: usize,
    m: usize,
    k: usize,
    n: usize,
) -> Vec<T> {
    let mut out = vec![T::default(); nb * m * n];
    if m == 0 || n == 0 {
        return out;
    }
    let par = if m * n * k >= 48 * 48 * 48 {
        Parallelism::Rayon(0)
    } else {
        Parallelism::None
    };
    for bi in 0..nb {
        let dst = out[bi * m * n..].as_mut_ptr();
        let lhs = a[bi * lo.batch_stride..].as_ptr();
        let rhs = b[bi * ro.batch_stride..].as_ptr();
        // SAFETY: the pointers address `m x k`, `k x n` and `m x n` matrices inside the
        // buffers with the given strides (checked by the shape rule); dst is not read
        // (`read_dst = false`), and the buffers do not overlap.
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                dst,
                1,
                n as isize,
                false,
                lhs,
                lo.col_stride,
                lo.row_stride,
                rhs,
                ro.col_stride,
                ro.row_stride,
                T::zero(),
                T::one(),
                false,
                false,
                false,
                par,
            );
        }
    }
    out
}

/// Zero and one for the GEMM scaling factors.
mod num_one {
    pub trait One {
        fn one() -> Self;
        fn zero() -> Self;
    }
    impl One for f32 {
        fn one() -> Self {
            1.0
        }
        fn zero() -> Self {
            0.0
        }
    }
    impl One for f64 {
        fn one() -> Self {
            1.0
        }
        fn zero() -> Self {
            0.0
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn naive<T: Copy + Default>(
    a: &[T],
    b: &[T],
    lo: &Operand,
    ro: &Operand,
    nb: usize,
    m: usize,
    k: usize,
    n: usize,
    fma: impl Fn(T, T, T) -> T,
) -> Vec<T> {
    let mut out = vec![T::default(); nb * m * n];
    for bi in 0..nb {
        let (ab, bb) = (bi * lo.batch_stride, bi * ro.batch_stride);
        for i in 0..m {
            for kk in 0..k {
                let x = a[ab + (i as isize * lo.row_stride + kk as isize * lo.col_stride) as usize];
                for j in 0..n {
                    let y =
                        b[bb + (kk as isize * ro.row_stride + j as isize * ro.col_stride) as usize];
                    let o = &mut out[bi * m * n + i * n + j];
                    *o = fma(*o, x, y);
                }
            }
        }
    }
    out
}

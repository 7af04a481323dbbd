//! Kernels of the matrix decompositions (through `faer`) and of `triangular_solve`, looping
//! over the leading batch dimensions. float32 inputs are factored in float64 and rounded
//! back; a factorization that fails (a matrix that is not positive definite, an SVD that
//! does not converge) yields NaNs, as JAX's do.

use faer::{Mat, Side};
use ferrax_core::data::HostData;
use ferrax_core::{type_err, Aval, DType, Result};

/// The matrices of a batch as float64, with their count and shape.
struct Batch {
    data: Vec<f64>,
    count: usize,
    rows: usize,
    cols: usize,
}

impl Batch {
    fn new(x: &HostData, a: &Aval) -> Result<Batch> {
        let data = match x {
            HostData::F32(v) => v.iter().map(|&e| f64::from(e)).collect(),
            HostData::F64(v) => v.clone(),
            other => return Err(type_err!("linalg: unsupported dtype {}", other.dtype())),
        };
        let n = a.shape.len();
        let (rows, cols) = (a.shape[n - 2], a.shape[n - 1]);
        let count = a.shape[..n - 2].iter().product();
        Ok(Batch {
            data,
            count,
            rows,
            cols,
        })
    }

    fn mat(&self, b: usize) -> Mat<f64> {
        let off = b * self.rows * self.cols;
        Mat::from_fn(self.rows, self.cols, |i, j| {
            self.data[off + i * self.cols + j]
        })
    }
}

/// Row-major float data of `dtype` from float64 values.
fn output(v: Vec<f64>, dtype: DType) -> HostData {
    match dtype {
        DType::F32 => HostData::F32(v.into_iter().map(|e| e as f32).collect()),
        _ => HostData::F64(v),
    }
}

fn push(out: &mut Vec<f64>, m: faer::MatRef<'_, f64>) {
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            out.push(m[(i, j)]);
        }
    }
}

fn push_nan(out: &mut Vec<f64>, n: usize) {
    out.extend(std::iter::repeat_n(f64::NAN, n));
}

/// `cholesky`: the lower factor, from the lower triangle.
pub fn cholesky(x: &HostData, a: &Aval) -> Result<Vec<HostData>> {
    let b = Batch::new(x, a)?;
    let mut out = Vec::with_capacity(b.data.len());
    for k in 0..b.count {
        match b.mat(k).llt(Side::Lower) {
            Ok(f) => push(&mut out, f.L()),
            Err(_) => push_nan(&mut out, b.rows * b.cols),
        }
    }
    Ok(vec![output(out, a.dtype)])
}

/// `lu`: the packed factors and the row permutation.
pub fn lu(x: &HostData, a: &Aval) -> Result<Vec<HostData>> {
    let b = Batch::new(x, a)?;
    let n = b.rows;
    let mut packed = Vec::with_capacity(b.data.len());
    let mut perms = Vec::with_capacity(b.count * n);
    for k in 0..b.count {
        let f = b.mat(k).partial_piv_lu();
        let (l, u) = (f.L(), f.U());
        for i in 0..n {
            for j in 0..n {
                packed.push(if i > j { l[(i, j)] } else { u[(i, j)] });
            }
        }
        let (forward, _) = f.P().arrays();
        perms.extend(forward.iter().map(|&p| p as i32));
    }
    Ok(vec![output(packed, a.dtype), HostData::I32(perms)])
}

/// `qr`: the reduced factors.
pub fn qr(x: &HostData, a: &Aval) -> Result<Vec<HostData>> {
    let b = Batch::new(x, a)?;
    let (mut q, mut r) = (Vec::new(), Vec::new());
    for k in 0..b.count {
        let f = b.mat(k).qr();
        push(&mut q, f.compute_thin_Q().as_ref());
        push(&mut r, f.thin_R());
    }
    Ok(vec![output(q, a.dtype), output(r, a.dtype)])
}

/// `eigh`: ascending eigenvalues and eigenvectors as columns, from the lower triangle.
pub fn eigh(x: &HostData, a: &Aval) -> Result<Vec<HostData>> {
    let b = Batch::new(x, a)?;
    let n = b.rows;
    let (mut w, mut v) = (Vec::new(), Vec::new());
    for k in 0..b.count {
        match b.mat(k).self_adjoint_eigen(Side::Lower) {
            Ok(e) => {
                let s = e.S();
                w.extend((0..n).map(|i| s[i]));
                push(&mut v, e.U());
            }
            Err(_) => {
                push_nan(&mut w, n);
                push_nan(&mut v, n * n);
            }
        }
    }
    Ok(vec![output(w, a.dtype), output(v, a.dtype)])
}

/// `svd`: the reduced factors, singular values descending.
pub fn svd(x: &HostData, a: &Aval) -> Result<Vec<HostData>> {
    let b = Batch::new(x, a)?;
    let kk = b.rows.min(b.cols);
    let (mut u, mut s, mut vt) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..b.count {
        match b.mat(k).thin_svd() {
            Ok(f) => {
                push(&mut u, f.U());
                let d = f.S();
                s.extend((0..kk).map(|i| d[i]));
                push(&mut vt, f.V().transpose());
            }
            Err(_) => {
                push_nan(&mut u, b.rows * kk);
                push_nan(&mut s, kk);
                push_nan(&mut vt, kk * b.cols);
            }
        }
    }
    Ok(vec![
        output(u, a.dtype),
        output(s, a.dtype),
        output(vt, a.dtype),
    ])
}

/// `triangular_solve`: substitution, column by column of `b`.
pub fn triangular_solve(
    a: &HostData,
    aa: &Aval,
    b: &HostData,
    ba: &Aval,
    p: &ferrax_core::prim::linalg::TriangularSolve,
) -> Result<Vec<HostData>> {
    let am = Batch::new(a, aa)?;
    let bm = Batch::new(b, ba)?;
    let (n, k) = (bm.rows, bm.cols);
    let mut out = Vec::with_capacity(bm.data.len());
    // Whether op(a) is lower triangular, and its entry (i, j).
    let lower = p.lower != p.transpose_a;
    for t in 0..bm.count {
        let base = t * n * n;
        let at = |i: usize, j: usize| {
            let (r, c) = if p.transpose_a { (j, i) } else { (i, j) };
            am.data[base + r * n + c]
        };
        let mut x: Vec<f64> = bm.data[t * n * k..(t + 1) * n * k].to_vec();
        for col in 0..k {
            let order: Vec<usize> = if lower {
                (0..n).collect()
            } else {
                (0..n).rev().collect()
            };
            for &i in &order {
                let mut acc = x[i * k + col];
                let range: Vec<usize> = if lower {
                    (0..i).collect()
                } else {
                    (i + 1..n).collect()
                };
                for j in range {
                    acc -= at(i, j) * x[j * k + col];
                }
                x[i * k + col] = if p.unit_diagonal { acc } else { acc / at(i, i) };
            }
        }
        out.extend(x);
    }
    Ok(vec![output(out, ba.dtype)])
}

//! Matrix decompositions and triangular solves over the last two dimensions (leading
//! dimensions are a batch): `cholesky`, `lu`, `qr`, `eigh`, `svd`, `triangular_solve`.
//! Their JVP rules are written with `triangular_solve` and batched matrix products, so
//! reverse mode needs only the transpose of `triangular_solve` (itself a triangular solve).
//! Batching moves the mapped dimension in front: the kernels already loop over batches.

use super::ad::{mul, or_zeros, zeros};
use super::batching::{at_front, BatchResult};
use super::{
    expect_arity, BinaryOp, DotGeneral, JvpResult, LinArg, Prim, Primitive, ReduceOp, SelectN,
};
use crate::aval::Aval;
use crate::data::Scalar;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::lax;
use crate::shape::fmt_shape;
use crate::trace::{bind, bind1};
use crate::value::Value;
use crate::{type_err, value_err};

mod factor;
mod solve;
mod spectral;

pub use factor::{permute_rows, Cholesky, Lu, Qr};
pub use solve::TriangularSolve;
pub use spectral::{Eigh, Svd};

// --- batched matrix helpers ------------------------------------------------------------------

fn rank(x: &Value) -> usize {
    x.shape().len()
}

/// Swaps the last two dimensions.
pub fn mt(x: &Value) -> Result<Value> {
    let n = rank(x);
    let mut perm: Vec<usize> = (0..n).collect();
    perm.swap(n - 2, n - 1);
    lax::transpose(x, &perm)
}

/// Batched matrix product over the leading dimensions.
pub fn mm(a: &Value, b: &Value) -> Result<Value> {
    let n = rank(a);
    let batch: Vec<usize> = (0..n - 2).collect();
    lax::dot_general(
        a,
        b,
        DotGeneral {
            lhs_contract: vec![n - 1],
            rhs_contract: vec![n - 2],
            lhs_batch: batch.clone(),
            rhs_batch: batch,
            preferred_element_type: None,
        },
    )
}

fn add(a: &Value, b: &Value) -> Result<Value> {
    lax::binary(BinaryOp::Add, a, b)
}

fn sub(a: &Value, b: &Value) -> Result<Value> {
    lax::binary(BinaryOp::Sub, a, b)
}

/// A boolean mask over the last two dimensions of `shape`: `col - row` compared with `k`.
fn band(shape: &[usize], k: i64, below: bool) -> Result<Value> {
    let n = shape.len();
    let rows = lax::iota(DType::I32, shape.to_vec(), n - 2)?;
    let cols = lax::iota(DType::I32, shape.to_vec(), n - 1)?;
    let diff = sub(&cols, &rows)?;
    let k = Value::scalar(Scalar::Int(k), DType::I32, false);
    lax::binary(if below { BinaryOp::Le } else { BinaryOp::Ge }, &diff, &k)
}

/// Keeps elements with `col - row <= k` (`tril`) or `>= k` (`triu`), zeroing the rest.
fn keep(x: &Value, k: i64, below: bool) -> Result<Value> {
    let mask = band(x.shape(), k, below)?;
    bind1(SelectN, &[mask, zeros(x.aval())?, x.clone()])
}

/// The lower triangle below diagonal `k`.
pub fn tril(x: &Value, k: i64) -> Result<Value> {
    keep(x, k, true)
}

/// The upper triangle above diagonal `k`.
pub fn triu(x: &Value, k: i64) -> Result<Value> {
    keep(x, k, false)
}

/// The identity matrix shaped like the square matrices of `x`.
fn eye_like(x: &Value) -> Result<Value> {
    let mask = band(x.shape(), 0, true)?;
    let upper = band(x.shape(), 0, false)?;
    let diag = lax::binary(BinaryOp::And, &mask, &upper)?;
    lax::convert(&diag, x.dtype(), false)
}

/// The diagonals `[.., n]` of square matrices `[.., n, n]`.
fn diag_part(x: &Value) -> Result<Value> {
    let n = rank(x);
    lax::reduce(ReduceOp::Sum, &mul(x, &eye_like(x)?)?, &[n - 1])
}

/// Diagonal matrices `[.., n, n]` from vectors `[.., n]`.
fn diag_embed(v: &Value) -> Result<Value> {
    let mut shape = v.shape().to_vec();
    let n = *shape.last().unwrap_or(&0);
    shape.push(n);
    let dims: Vec<usize> = (0..rank(v)).collect();
    let m = lax::broadcast_in_dim(v, &shape, &dims)?;
    mul(&m, &eye_like(&m)?)
}

/// `op(a)^-1 b` for triangular `a`.
pub fn tsolve(
    a: &Value,
    b: &Value,
    lower: bool,
    transpose_a: bool,
    unit_diagonal: bool,
) -> Result<Value> {
    bind1(
        TriangularSolve {
            lower,
            transpose_a,
            unit_diagonal,
        },
        &[a.clone(), b.clone()],
    )
}

fn square(name: &str, a: &Aval) -> Result<usize> {
    let n = a.shape.len();
    if n < 2 || a.shape[n - 1] != a.shape[n - 2] {
        return Err(value_err!(
            "{name}: expected square matrices in the last two dimensions, got shape {}",
            fmt_shape(&a.shape)
        ));
    }
    if !a.dtype.is_float() {
        return Err(type_err!(
            "{name}: expected a floating-point array, got {}",
            a.dtype
        ));
    }
    Ok(a.shape[n - 1])
}

fn matrix(name: &str, a: &Aval) -> Result<(usize, usize)> {
    let n = a.shape.len();
    if n < 2 {
        return Err(value_err!(
            "{name}: expected at least 2 dimensions, got shape {}",
            fmt_shape(&a.shape)
        ));
    }
    if !a.dtype.is_float() {
        return Err(type_err!(
            "{name}: expected a floating-point array, got {}",
            a.dtype
        ));
    }
    Ok((a.shape[n - 2], a.shape[n - 1]))
}

/// Batching for single-operand decompositions: the mapped dimension goes first.
fn batch_unary(prim: Prim, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
    let x = at_front(&args[0], dims[0], size)?;
    let outs = bind(&prim, &[x])?;
    let n = outs.len();
    Ok((outs, vec![Some(0); n]))
}

fn with_shape(a: &Aval, shape: Vec<usize>) -> Aval {
    Aval::new(shape, a.dtype)
}

fn batch_shape(a: &Aval) -> Vec<usize> {
    a.shape[..a.shape.len() - 2].to_vec()
}

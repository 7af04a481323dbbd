//! Helpers the JVP and transpose rules share: symbolic zeros, tangent arithmetic, and fitting
//! a cotangent back to an operand's shape.

use super::BinaryOp;
use crate::aval::Aval;
use crate::data::Scalar;
use crate::error::Result;
use crate::ops::lax;
use crate::trace::bind;
use crate::value::Value;

/// Whether values of this dtype carry tangents (floats only; integers have none).
pub fn differentiable(aval: &Aval) -> bool {
    aval.dtype.is_float()
}

/// A zero array of an abstract value.
pub fn zeros(aval: &Aval) -> Result<Value> {
    lax::full(&aval.shape, Scalar::Int(0), aval.dtype)
}

/// A scalar of a dtype (weakly typed, for use with strict lax ops).
pub fn scalar(v: f64, like: &Value) -> Value {
    Value::scalar(Scalar::Float(v), like.dtype(), true)
}

/// The tangent or a materialized zero.
pub fn or_zeros(t: &Option<Value>, aval: &Aval) -> Result<Value> {
    match t {
        Some(v) => Ok(v.clone()),
        None => zeros(aval),
    }
}

/// `a * b` with strict lax semantics.
pub fn mul(a: &Value, b: &Value) -> Result<Value> {
    lax::binary(BinaryOp::Mul, a, b)
}

/// Sums tangents, treating `None` as zero.
pub fn add_tangents(a: Option<Value>, b: Option<Value>) -> Result<Option<Value>> {
    Ok(match (a, b) {
        (Some(a), Some(b)) => Some(lax::binary(BinaryOp::Add, &a, &b)?),
        (a, None) => a,
        (None, b) => b,
    })
}

/// Broadcasts a rank-0 tangent to the output shape of an elementwise op.
pub fn fit(t: Value, out: &Aval) -> Result<Value> {
    if t.shape() == out.shape.as_slice() {
        return Ok(t);
    }
    lax::broadcast_in_dim(&t, &out.shape, &[])
}

/// Sums a cotangent back to a rank-0 operand's shape (the transpose of [`fit`]).
pub fn unfit(ct: Value, operand: &Aval) -> Result<Value> {
    if ct.shape() == operand.shape.as_slice() {
        return Ok(ct);
    }
    let axes: Vec<usize> = (0..ct.shape().len()).collect();
    lax::reduce(super::ReduceOp::Sum, &ct, &axes)
}

/// Binds a primitive given as a `Prim`.
pub fn bind_prim(prim: impl Into<super::Prim>, inputs: &[Value]) -> Result<Vec<Value>> {
    bind(&prim.into(), inputs)
}

/// The JVP of a primitive linear in its first `n_linear` operands (the rest are indices or
/// other non-differentiable operands): the same primitive applied to the tangents.
pub fn linear_jvp(
    prim: super::Prim,
    primals: &[Value],
    tangents: &[Option<Value>],
    n_linear: usize,
) -> super::JvpResult {
    let outs = bind(&prim, primals)?;
    let live = outs.iter().any(|o| differentiable(o.aval()))
        && tangents[..n_linear].iter().any(Option::is_some);
    if !live {
        let n = outs.len();
        return Ok((outs, vec![None; n]));
    }
    let mut args = Vec::with_capacity(primals.len());
    for (i, p) in primals.iter().enumerate() {
        args.push(if i < n_linear {
            or_zeros(&tangents[i], p.aval())?
        } else {
            p.clone()
        });
    }
    let ts = bind(&prim, &args)?.into_iter().map(Some).collect();
    Ok((outs, ts))
}

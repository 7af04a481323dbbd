//! NumPy semantics over the lax layer: dtype promotion (JAX's lattice, weak types),
//! broadcasting, and the composite elementwise functions of `jax.numpy`.

use super::lax;
use crate::data::Scalar;
use crate::dtype::{promote, DType, Kind, WeakDType};
use crate::error::Result;
use crate::prim::{BinaryOp, DotGeneral, UnaryOp};
use crate::shape::{broadcast_shapes, fmt_shape};
use crate::value::Value;
use crate::{type_err, value_err};

/// The promoted dtype and weak flag of several values.
pub fn result_type(xs: &[&Value]) -> WeakDType {
    let types: Vec<WeakDType> = xs.iter().map(|x| x.aval().weak_dtype()).collect();
    promote(&types).unwrap_or(WeakDType {
        dtype: DType::default_float(),
        weak: false,
    })
}

/// Converts every value to the promoted dtype.
pub fn promote_values(xs: &[&Value]) -> Result<Vec<Value>> {
    let t = result_type(xs);
    xs.iter()
        .map(|x| {
            if x.dtype() == t.dtype {
                Ok((*x).clone())
            } else {
                lax::convert(x, t.dtype, t.weak)
            }
        })
        .collect()
}

/// Broadcasts `x` to `shape` with NumPy's trailing alignment.
pub fn broadcast_to(x: &Value, shape: &[usize]) -> Result<Value> {
    let xs = x.shape();
    if xs == shape {
        return Ok(x.clone());
    }
    if xs.len() > shape.len() {
        return Err(value_err!(
            "broadcast_to: cannot broadcast array of shape {} to the lower-rank shape {}",
            fmt_shape(xs),
            fmt_shape(shape)
        ));
    }
    let offset = shape.len() - xs.len();
    for (i, &d) in xs.iter().enumerate() {
        if d != 1 && d != shape[offset + i] {
            return Err(value_err!(
                "broadcast_to: incompatible shapes for broadcasting: {} vs {}",
                fmt_shape(xs),
                fmt_shape(shape)
            ));
        }
    }
    let dims: Vec<usize> = (offset..shape.len()).collect();
    lax::broadcast_in_dim(x, shape, &dims)
}

/// Broadcasts values against each other; rank-0 values stay scalars (primitives accept them).
fn broadcast_values(op: &str, xs: Vec<Value>) -> Result<Vec<Value>> {
    if xs.windows(2).all(|w| w[0].shape() == w[1].shape()) {
        return Ok(xs);
    }
    let shapes: Vec<&[usize]> = xs.iter().map(Value::shape).collect();
    let shape = broadcast_shapes(op, &shapes)?;
    xs.iter()
        .map(|x| {
            if x.shape().is_empty() {
                Ok(x.clone())
            } else {
                broadcast_to(x, &shape)
            }
        })
        .collect()
}

/// Promotes and broadcasts operands for an elementwise function named `op`.
pub fn prepare(op: &str, xs: &[&Value]) -> Result<Vec<Value>> {
    broadcast_values(op, promote_values(xs)?)
}

/// Converts integers and booleans to floats as JAX's `promote_dtypes_inexact` does
/// ([`DType::to_inexact`]).
pub fn to_inexact(x: &Value) -> Result<Value> {
    if x.dtype().is_float() {
        return Ok(x.clone());
    }
    let weak = x.aval().weak;
    lax::convert(x, x.dtype().to_inexact(weak), weak)
}

/// A NumPy-style unary function: float functions accept integers by promoting them.
pub fn unary(op: UnaryOp, x: &Value) -> Result<Value> {
    use UnaryOp::*;
    match op {
        IsFinite if !x.dtype().is_float() => lax::full(x.shape(), Scalar::Bool(true), DType::Bool),
        Floor | Ceil | Round | RoundEven if !x.dtype().is_float() => Ok(x.clone()),
        Neg | Sign | Abs | Not => lax::unary(op, x),
        _ => lax::unary(op, &to_inexact(x)?),
    }
}

/// A NumPy-style binary function: promotion, broadcasting, then the primitive.
pub fn binary(op: BinaryOp, x: &Value, y: &Value) -> Result<Value> {
    let name = crate::prim::Primitive::name(&op);
    let mut v = prepare(name, &[x, y])?;
    if matches!(op, BinaryOp::Atan2 | BinaryOp::Nextafter) {
        v = v.iter().map(to_inexact).collect::<Result<_>>()?;
    }
    lax::binary(op, &v[0], &v[1])
}

/// NumPy's `>>`: arithmetic for signed integers, logical for unsigned ones.
pub fn right_shift(x: &Value, y: &Value) -> Result<Value> {
    let t = result_type(&[x, y]);
    let op = if t.dtype.kind() == Kind::Unsigned {
        BinaryOp::ShiftRightLogical
    } else {
        BinaryOp::ShiftRightArithmetic
    };
    binary(op, x, y)
}

/// NumPy's `/`: integers divide as floats.
pub fn true_divide(x: &Value, y: &Value) -> Result<Value> {
    let v = prepare("true_divide", &[x, y])?;
    lax::binary(BinaryOp::Div, &to_inexact(&v[0])?, &to_inexact(&v[1])?)
}

fn zero_like(x: &Value) -> Value {
    Value::scalar(Scalar::Int(0), x.dtype(), true)
}

/// NumPy's `%`: the result has the divisor's sign.
pub fn remainder(x: &Value, y: &Value) -> Result<Value> {
    let v = prepare("remainder", &[x, y])?;
    let (x, y) = (&v[0], &v[1]);
    if x.dtype() == DType::Bool {
        return Err(type_err!("remainder does not accept bool operands"));
    }
    let r = lax::binary(BinaryOp::Rem, x, y)?;
    if x.dtype().kind() == Kind::Unsigned {
        return Ok(r);
    }
    let zero = zero_like(x);
    let nonzero = lax::binary(BinaryOp::Ne, &r, &zero)?;
    let signs_differ = lax::binary(
        BinaryOp::Ne,
        &lax::binary(BinaryOp::Lt, &r, &zero)?,
        &lax::binary(BinaryOp::Lt, y, &zero)?,
    )?;
    let fix = lax::binary(BinaryOp::And, &nonzero, &signs_differ)?;
    let shifted = lax::binary(BinaryOp::Add, &r, y)?;
    let (fix, r, shifted) = broadcast3(&fix, &r, &shifted)?;
    lax::select_n(&fix, &[r, shifted])
}

fn broadcast3(a: &Value, b: &Value, c: &Value) -> Result<(Value, Value, Value)> {
    let v = broadcast_values("select_n", vec![a.clone(), b.clone(), c.clone()])?;
    Ok((v[0].clone(), v[1].clone(), v[2].clone()))
}

/// NumPy's `//`: floor division (integers and floats).
pub fn floor_divide(x: &Value, y: &Value) -> Result<Value> {
    let v = prepare("floor_divide", &[x, y])?;
    let (x, y) = (&v[0], &v[1]);
    match x.dtype().kind() {
        Kind::Bool => Err(type_err!("floor_divide does not accept bool operands")),
        Kind::Unsigned => lax::binary(BinaryOp::Div, x, y),
        Kind::Signed => {
            let q = lax::binary(BinaryOp::Div, x, y)?;
            let r = lax::binary(BinaryOp::Rem, x, y)?;
            let zero = zero_like(x);
            let nonzero = lax::binary(BinaryOp::Ne, &r, &zero)?;
            let signs_differ = lax::binary(
                BinaryOp::Ne,
                &lax::binary(BinaryOp::Lt, &r, &zero)?,
                &lax::binary(BinaryOp::Lt, y, &zero)?,
            )?;
            let fix = lax::binary(BinaryOp::And, &nonzero, &signs_differ)?;
            let one = Value::scalar(Scalar::Int(1), x.dtype(), true);
            let lowered = lax::binary(BinaryOp::Sub, &q, &one)?;
            let (fix, q, lowered) = broadcast3(&fix, &q, &lowered)?;
            lax::select_n(&fix, &[q, lowered])
        }
        Kind::Float => {
            // NumPy's algorithm: divide the exactly representable part (x - fmod(x, y)).
            let m = lax::binary(BinaryOp::Rem, x, y)?;
            let div = lax::binary(BinaryOp::Div, &lax::binary(BinaryOp::Sub, x, &m)?, y)?;
            let zero = zero_like(x);
            let fix = lax::binary(
                BinaryOp::And,
                &lax::binary(BinaryOp::Ne, &m, &zero)?,
                &lax::binary(
                    BinaryOp::Ne,
                    &lax::binary(BinaryOp::Lt, y, &zero)?,
                    &lax::binary(BinaryOp::Lt, &m, &zero)?,
                )?,
            )?;
            let one = Value::scalar(Scalar::Float(1.0), x.dtype(), true);
            let lowered = lax::binary(BinaryOp::Sub, &div, &one)?;
            let (fix, div, lowered) = broadcast3(&fix, &div, &lowered)?;
            let div = lax::select_n(&fix, &[div, lowered])?;
            let fl = lax::unary(UnaryOp::Floor, &div)?;
            let half = Value::scalar(Scalar::Float(0.5), x.dtype(), true);
            let up = lax::binary(BinaryOp::Gt, &lax::binary(BinaryOp::Sub, &div, &fl)?, &half)?;
            let fl1 = lax::binary(BinaryOp::Add, &fl, &one)?;
            let (up, fl, fl1) = broadcast3(&up, &fl, &fl1)?;
            let q = lax::select_n(&up, &[fl, fl1])?;
            // Division by zero: NumPy gives x / y (inf or nan).
            let plain = lax::binary(BinaryOp::Div, x, y)?;
            let yzero = lax::binary(BinaryOp::Eq, y, &zero)?;
            let (yzero, q, plain) = broadcast3(&yzero, &q, &plain)?;
            lax::select_n(&yzero, &[q, plain])
        }
    }
}

/// NumPy's `where(cond, x, y)`.
pub fn where_(cond: &Value, x: &Value, y: &Value) -> Result<Value> {
    let cond = if cond.dtype() == DType::Bool {
        cond.clone()
    } else {
        lax::binary(BinaryOp::Ne, cond, &zero_like(cond))?
    };
    let v = prepare("where", &[x, y])?;
    let all = broadcast_values("where", vec![cond, v[0].clone(), v[1].clone()])?;
    lax::select_n(&all[0], &[all[2].clone(), all[1].clone()])
}

/// `clamp(lo, x, hi)` with promotion; bounds broadcast to `x`'s shape when needed.
pub fn clamp(lo: &Value, x: &Value, hi: &Value) -> Result<Value> {
    let v = promote_values(&[lo, x, hi])?;
    let fit = |b: &Value| -> Result<Value> {
        if b.shape().is_empty() || b.shape() == v[1].shape() {
            Ok(b.clone())
        } else {
            broadcast_to(b, v[1].shape())
        }
    };
    crate::trace::bind1(
        crate::prim::Clamp,
        &[fit(&v[0])?, v[1].clone(), fit(&v[2])?],
    )
}

/// NumPy's `matmul`: 1-D operands are promoted to matrices, batch dimensions broadcast.
pub fn matmul(x: &Value, y: &Value) -> Result<Value> {
    let v = promote_values(&[x, y])?;
    let (mut a, mut b) = (v[0].clone(), v[1].clone());
    let (an, bn) = (a.shape().len(), b.shape().len());
    if an == 0 || bn == 0 {
        return Err(value_err!(
            "matmul: input operand does not have enough dimensions (shapes {} and {})",
            fmt_shape(a.shape()),
            fmt_shape(b.shape())
        ));
    }
    if an == 1 {
        a = lax::expand_dims(&a, &[0])?;
    }
    if bn == 1 {
        b = lax::expand_dims(&b, &[1])?;
    }
    let (ash, bsh) = (a.shape().to_vec(), b.shape().to_vec());
    let (ar, br) = (ash.len(), bsh.len());
    if ash[ar - 1] != bsh[br - 2] {
        return Err(type_err!(
            "matmul: contracting dimensions differ: {} @ {} (sizes {} and {})",
            fmt_shape(x.shape()),
            fmt_shape(y.shape()),
            ash[ar - 1],
            bsh[br - 2]
        ));
    }
    let batch = broadcast_shapes("matmul", &[&ash[..ar - 2], &bsh[..br - 2]])?;
    let nb = batch.len();
    let full_a: Vec<usize> = batch.iter().chain(&ash[ar - 2..]).copied().collect();
    let full_b: Vec<usize> = batch.iter().chain(&bsh[br - 2..]).copied().collect();
    let a = broadcast_to(&a, &full_a)?;
    let b = broadcast_to(&b, &full_b)?;
    let batch_dims: Vec<usize> = (0..nb).collect();
    let mut out = lax::dot_general(
        &a,
        &b,
        DotGeneral {
            lhs_contract: vec![nb + 1],
            rhs_contract: vec![nb],
            lhs_batch: batch_dims.clone(),
            rhs_batch: batch_dims,
            preferred_element_type: None,
        },
    )?;
    let mut drop = Vec::new();
    if bn == 1 {
        drop.push(nb + 1);
    }
    if an == 1 {
        drop.push(nb);
    }
    drop.sort_unstable();
    if !drop.is_empty() {
        out = lax::squeeze(&out, &drop)?;
    }
    Ok(out)
}

/// NumPy's `dot`: scalars multiply; otherwise the last axis of `x` meets the second-to-last
/// (or only) axis of `y`.
pub fn dot(x: &Value, y: &Value) -> Result<Value> {
    let v = promote_values(&[x, y])?;
    let (a, b) = (&v[0], &v[1]);
    let (an, bn) = (a.shape().len(), b.shape().len());
    if an == 0 || bn == 0 {
        return binary(BinaryOp::Mul, a, b);
    }
    let rc = if bn == 1 { 0 } else { bn - 2 };
    lax::dot_general(
        a,
        b,
        DotGeneral {
            lhs_contract: vec![an - 1],
            rhs_contract: vec![rc],
            lhs_batch: vec![],
            rhs_batch: vec![],
            preferred_element_type: None,
        },
    )
}

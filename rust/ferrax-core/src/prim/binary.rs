//! Elementwise primitives of several operands: binary arithmetic, comparisons, bitwise ops,
//! `select_n` and `clamp`. Operands share one dtype; shapes are equal, or an operand is a
//! scalar (rank 0), which broadcasts. General broadcasting is `broadcast_in_dim`, inserted by
//! the NumPy-style layer in `ops`.

use super::ad::{add_tangents, differentiable, fit, mul, or_zeros, scalar, unfit};
use super::batching::{elementwise, BatchResult};
use super::{expect_arity, JvpResult, LinArg, Primitive, UnaryOp};
use crate::aval::Aval;
use crate::dtype::{DType, Kind};
use crate::error::Result;
use crate::ops::lax::{binary, select_n, unary};
use crate::shape::{fmt_shape, Shape};
use crate::trace::bind1;
use crate::value::Value;
use crate::{type_err, value_err};

/// Elementwise functions of two operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    /// Division; integers truncate toward zero.
    Div,
    /// Remainder with the dividend's sign (C `fmod`).
    Rem,
    Pow,
    /// Maximum, NaN-propagating.
    Max,
    /// Minimum, NaN-propagating.
    Min,
    Atan2,
    Nextafter,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Logical and on bool, bitwise and on integers.
    And,
    Or,
    Xor,
    ShiftLeft,
    ShiftRightLogical,
    ShiftRightArithmetic,
}

impl BinaryOp {
    /// Whether the result is a boolean comparison.
    pub fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(self, Eq | Ne | Lt | Le | Gt | Ge)
    }

    fn accepts(self, dtype: DType) -> bool {
        use BinaryOp::*;
        match self {
            Add | Mul | Max | Min => true,
            Sub | Div | Rem | Pow => dtype != DType::Bool,
            Atan2 | Nextafter => dtype.is_float(),
            Eq | Ne | Lt | Le | Gt | Ge => true,
            And | Or | Xor => !dtype.is_float(),
            ShiftLeft | ShiftRightLogical | ShiftRightArithmetic => dtype.is_int(),
        }
    }
}

/// The shape of an elementwise op: all equal, rank-0 operands broadcasting.
pub(crate) fn elementwise_shape(name: &str, inputs: &[&Aval]) -> Result<Shape> {
    let mut out: Option<&Shape> = None;
    for a in inputs {
        if a.shape.is_empty() {
            continue;
        }
        match out {
            None => out = Some(&a.shape),
            Some(s) if *s == a.shape => {}
            Some(s) => {
                return Err(value_err!(
                    "{name}: incompatible shapes for broadcasting: {} vs {}",
                    fmt_shape(s),
                    fmt_shape(&a.shape)
                ))
            }
        }
    }
    Ok(out.cloned().unwrap_or_default())
}

pub(crate) fn same_dtype(name: &str, inputs: &[&Aval]) -> Result<DType> {
    let first = inputs[0].dtype;
    if let Some(other) = inputs.iter().find(|a| a.dtype != first) {
        return Err(type_err!(
            "{name} requires arguments to have the same dtypes, got {} and {}",
            first,
            other.dtype
        ));
    }
    Ok(first)
}

impl Primitive for BinaryOp {
    fn name(&self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "add",
            Sub => "sub",
            Mul => "mul",
            Div => "div",
            Rem => "rem",
            Pow => "pow",
            Max => "max",
            Min => "min",
            Atan2 => "atan2",
            Nextafter => "nextafter",
            Eq => "eq",
            Ne => "ne",
            Lt => "lt",
            Le => "le",
            Gt => "gt",
            Ge => "ge",
            And => "and",
            Or => "or",
            Xor => "xor",
            ShiftLeft => "shift_left",
            ShiftRightLogical => "shift_right_logical",
            ShiftRightArithmetic => "shift_right_arithmetic",
        }
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 2)?;
        let dtype = same_dtype(self.name(), inputs)?;
        if !self.accepts(dtype) {
            return Err(type_err!(
                "{} does not accept dtype {dtype} (operands {} and {})",
                self.name(),
                inputs[0].describe(),
                inputs[1].describe()
            ));
        }
        let shape = elementwise_shape(self.name(), inputs)?;
        if self.is_comparison() {
            return Ok(vec![Aval::new(shape, DType::Bool)]);
        }
        Ok(vec![Aval {
            shape,
            dtype,
            weak: inputs[0].weak && inputs[1].weak,
        }])
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let (x, y) = (&primals[0], &primals[1]);
        let z = bind1(*self, primals)?;
        if !differentiable(z.aval()) || tangents.iter().all(Option::is_none) {
            return Ok((vec![z], vec![None]));
        }
        let out = z.aval().clone();
        let (dx, dy) = self.partials(x, y, &z)?;
        let term = |t: &Option<Value>, d: Partial| -> Result<Option<Value>> {
            let Some(t) = t else { return Ok(None) };
            Ok(match d {
                Partial::Zero => None,
                Partial::One => Some(fit(t.clone(), &out)?),
                Partial::Factor(f) => Some(fit(mul(t, &f)?, &out)?),
                Partial::Divisor(f) => Some(fit(binary(BinaryOp::Div, t, &f)?, &out)?),
            })
        };
        let tangent = add_tangents(term(&tangents[0], dx)?, term(&tangents[1], dy)?)?;
        Ok((vec![z], vec![tangent]))
    }

    /// `add`/`sub` are linear in both operands, `mul` in either, `div` in the dividend.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let Some(ct) = &cts[0] else {
            return Ok(vec![None, None]);
        };
        let back = |i: usize, v: Result<Value>| -> Result<Option<Value>> {
            if args[i].is_linear() {
                Ok(Some(unfit(v?, args[i].aval())?))
            } else {
                Ok(None)
            }
        };
        let name = self.name();
        match self {
            BinaryOp::Add => Ok(vec![back(0, Ok(ct.clone()))?, back(1, Ok(ct.clone()))?]),
            BinaryOp::Sub => Ok(vec![
                back(0, Ok(ct.clone()))?,
                back(1, unary(UnaryOp::Neg, ct))?,
            ]),
            BinaryOp::Mul if args[0].is_linear() != args[1].is_linear() => Ok(vec![
                back(0, args[1].value(name).and_then(|c| mul(ct, c)))?,
                back(1, args[0].value(name).and_then(|c| mul(ct, c)))?,
            ]),
            BinaryOp::Div if !args[1].is_linear() => Ok(vec![
                back(
                    0,
                    args[1]
                        .value(name)
                        .and_then(|c| binary(BinaryOp::Div, ct, c)),
                )?,
                None,
            ]),
            _ => Err(crate::error::Error::NotImplemented {
                prim: name.into(),
                rule: "transpose (it is not linear in these arguments)".into(),
            }),
        }
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        elementwise(&(*self).into(), args, dims, size)
    }
}

/// A partial derivative of a binary op, in the form that keeps tangents linear.
enum Partial {
    Zero,
    One,
    Factor(Value),
    Divisor(Value),
}

impl BinaryOp {
    /// `(dz/dx, dz/dy)` at `x`, `y` with `z = op(x, y)`.
    fn partials(self, x: &Value, y: &Value, z: &Value) -> Result<(Partial, Partial)> {
        use BinaryOp::*;
        use Partial::*;
        let sq = |v: &Value| mul(v, v);
        Ok(match self {
            Add => (One, One),
            Sub => (One, Factor(scalar(-1.0, z))),
            Mul => (Factor(y.clone()), Factor(x.clone())),
            Div => (
                Divisor(y.clone()),
                Factor(unary(UnaryOp::Neg, &binary(Div, z, y)?)?),
            ),
            Rem => {
                // z = x - trunc(x / y) * y, and (x - z) / y is that integer.
                let q = binary(Div, &binary(Sub, x, z)?, y)?;
                (One, Factor(unary(UnaryOp::Neg, &q)?))
            }
            Pow => {
                let one = scalar(1.0, z);
                let dx = mul(y, &binary(Pow, x, &binary(Sub, y, &one)?)?)?;
                // d/dy = log(x) z, taken as 0 where x == 0 (as JAX does).
                let x_is_zero = binary(Eq, x, &scalar(0.0, x))?;
                let safe = select_n(&x_is_zero, &[x.clone(), one])?;
                (Factor(dx), Factor(mul(&unary(UnaryOp::Log, &safe)?, z)?))
            }
            Max | Min => {
                // Ties share the derivative equally.
                let (xz, yz) = (binary(Eq, x, z)?, binary(Eq, y, z)?);
                let half = scalar(0.5, z);
                let (one, zero) = (scalar(1.0, z), scalar(0.0, z));
                let wx = select_n(
                    &xz,
                    &[zero.clone(), select_n(&yz, &[one.clone(), half.clone()])?],
                )?;
                let wy = select_n(&yz, &[zero, select_n(&xz, &[one, half])?])?;
                (Factor(wx), Factor(wy))
            }
            Atan2 => {
                let r = binary(Add, &sq(x)?, &sq(y)?)?;
                (
                    Factor(binary(Div, y, &r)?),
                    Factor(unary(UnaryOp::Neg, &binary(Div, x, &r)?)?),
                )
            }
            _ => (Zero, Zero),
        })
    }
}

/// `select_n(which, *cases)`: `cases[which]` elementwise. `which` is bool (two cases) or int32.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SelectN;

impl Primitive for SelectN {
    fn name(&self) -> &'static str {
        "select_n"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        if inputs.len() < 2 {
            return Err(type_err!("select_n requires at least one case"));
        }
        let which = inputs[0];
        let cases = &inputs[1..];
        match which.dtype.kind() {
            Kind::Bool if cases.len() <= 2 => {}
            Kind::Signed if which.dtype == DType::I32 => {}
            _ => {
                return Err(type_err!(
                    "select_n: the predicate must be bool (at most two cases) or int32, got {} \
                     with {} cases",
                    which.dtype,
                    cases.len()
                ))
            }
        }
        let dtype = same_dtype("select_n", cases)?;
        let shape = elementwise_shape("select_n", inputs)?;
        Ok(vec![Aval {
            shape,
            dtype,
            weak: cases.iter().all(|c| c.weak),
        }])
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let z = bind1(SelectN, primals)?;
        if !differentiable(z.aval()) || tangents[1..].iter().all(Option::is_none) {
            return Ok((vec![z], vec![None]));
        }
        let cases = primals[1..]
            .iter()
            .zip(&tangents[1..])
            // A missing tangent is a scalar zero, which select_n broadcasts.
            .map(|(p, t)| or_zeros(t, &p.aval().with_shape(Vec::new())))
            .collect::<Result<Vec<_>>>()?;
        Ok((vec![z], vec![Some(select_n(&primals[0], &cases)?)]))
    }

    /// Linear in the cases: each gets the cotangent where it was selected.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let mut out = vec![None; args.len()];
        let Some(ct) = &cts[0] else { return Ok(out) };
        let which = args[0].value("select_n")?;
        let zero = scalar(0.0, ct);
        for i in 1..args.len() {
            if args[i].is_linear() {
                let picks: Vec<Value> = (1..args.len())
                    .map(|j| if j == i { ct.clone() } else { zero.clone() })
                    .collect();
                out[i] = Some(unfit(select_n(which, &picks)?, args[i].aval())?);
            }
        }
        Ok(out)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        elementwise(&self.clone().into(), args, dims, size)
    }
}

/// `clamp(lo, x, hi)`: `min(max(x, lo), hi)`; `lo`/`hi` are scalars or shaped like `x`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Clamp;

impl Primitive for Clamp {
    fn name(&self) -> &'static str {
        "clamp"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity("clamp", inputs, 3)?;
        let dtype = same_dtype("clamp", inputs)?;
        if dtype == DType::Bool {
            return Err(type_err!("clamp does not accept bool operands"));
        }
        for bound in [&inputs[0], &inputs[2]] {
            if !bound.shape.is_empty() && bound.shape != inputs[1].shape {
                return Err(value_err!(
                    "clamp: bounds must be scalars or shaped like the operand {}, got {}",
                    fmt_shape(&inputs[1].shape),
                    fmt_shape(&bound.shape)
                ));
            }
        }
        Ok(vec![inputs[1].clone()])
    }

    /// The operand's tangent inside the bounds, a bound's tangent where it clamps.
    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let (lo, x, hi) = (&primals[0], &primals[1], &primals[2]);
        let z = bind1(Clamp, primals)?;
        if !differentiable(z.aval()) || tangents.iter().all(Option::is_none) {
            return Ok((vec![z], vec![None]));
        }
        let out = z.aval().clone();
        let zero = scalar(0.0, &z);
        let pick = |mask: Value, t: &Option<Value>| -> Result<Option<Value>> {
            let Some(t) = t else { return Ok(None) };
            let t = fit(t.clone(), &out)?;
            let mask = fit(mask, &out.with_shape(out.shape.clone()))?;
            Ok(Some(select_n(&mask, &[zero.clone(), t])?))
        };
        let inside = binary(
            BinaryOp::And,
            &binary(BinaryOp::Ge, x, lo)?,
            &binary(BinaryOp::Le, x, hi)?,
        )?;
        let below = binary(BinaryOp::Lt, x, lo)?;
        let above = binary(BinaryOp::Gt, x, hi)?;
        let t = add_tangents(pick(inside, &tangents[1])?, pick(below, &tangents[0])?)?;
        let t = add_tangents(t, pick(above, &tangents[2])?)?;
        Ok((vec![z], vec![t]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        elementwise(&self.clone().into(), args, dims, size)
    }
}

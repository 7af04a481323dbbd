//! Elementwise unary primitives: one enum, one shape rule.

use super::ad::{differentiable, mul, scalar};
use super::batching::{same_layout, BatchResult};
use super::{expect_arity, BinaryOp, JvpResult, LinArg, Primitive};
use crate::aval::Aval;
use crate::dtype::{DType, Kind};
use crate::error::Result;
use crate::ops::lax::{binary, unary};
use crate::trace::bind1;
use crate::type_err;
use crate::value::Value;

/// Elementwise functions of one operand; the output has the operand's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum UnaryOp {
    /// -x
    Neg,
    /// -1, 0 or 1 (NaN stays NaN)
    Sign,
    Floor,
    Ceil,
    /// Round half away from zero.
    Round,
    /// Round half to even (NumPy's `round`).
    RoundEven,
    Abs,
    Exp,
    Exp2,
    Log,
    Log1p,
    Expm1,
    Sqrt,
    /// 1 / sqrt(x)
    Rsqrt,
    Sin,
    Cos,
    Tan,
    Tanh,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Asinh,
    Acosh,
    Atanh,
    /// 1 / (1 + exp(-x))
    Logistic,
    Erf,
    ErfInv,
    /// Neither infinite nor NaN; bool output.
    IsFinite,
    /// Logical not on bool, bitwise not on integers.
    Not,
}

/// Which dtypes a unary op accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Domain {
    Float,
    Numeric,
    BoolOrInt,
}

impl UnaryOp {
    fn domain(self) -> Domain {
        use UnaryOp::*;
        match self {
            Neg | Sign | Abs => Domain::Numeric,
            Not => Domain::BoolOrInt,
            _ => Domain::Float,
        }
    }
}

impl Primitive for UnaryOp {
    fn name(&self) -> &'static str {
        use UnaryOp::*;
        match self {
            Neg => "neg",
            Sign => "sign",
            Floor => "floor",
            Ceil => "ceil",
            Round | RoundEven => "round",
            Abs => "abs",
            Exp => "exp",
            Exp2 => "exp2",
            Log => "log",
            Log1p => "log1p",
            Expm1 => "expm1",
            Sqrt => "sqrt",
            Rsqrt => "rsqrt",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Tanh => "tanh",
            Asin => "asin",
            Acos => "acos",
            Atan => "atan",
            Sinh => "sinh",
            Cosh => "cosh",
            Asinh => "asinh",
            Acosh => "acosh",
            Atanh => "atanh",
            Logistic => "logistic",
            Erf => "erf",
            ErfInv => "erf_inv",
            IsFinite => "is_finite",
            Not => "not",
        }
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        let ok = match self.domain() {
            Domain::Float => x.dtype.is_float(),
            Domain::Numeric => x.dtype.kind() != Kind::Bool,
            Domain::BoolOrInt => !x.dtype.is_float(),
        };
        if !ok {
            let wanted = match self.domain() {
                Domain::Float => "a floating-point",
                Domain::Numeric => "a numeric",
                Domain::BoolOrInt => "a boolean or integer",
            };
            return Err(type_err!(
                "{} requires {wanted} operand, got {}",
                self.name(),
                x.describe()
            ));
        }
        if *self == UnaryOp::IsFinite {
            return Ok(vec![Aval::new(x.shape.clone(), DType::Bool)]);
        }
        Ok(vec![x.clone()])
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            UnaryOp::Round => vec![("rounding_method", "AWAY_FROM_ZERO".into())],
            UnaryOp::RoundEven => vec![("rounding_method", "TO_NEAREST_EVEN".into())],
            _ => Vec::new(),
        }
    }

    /// `dy = f'(x) * dx`, with `f'` from [`UnaryOp::derivative`].
    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let x = &primals[0];
        let y = bind1(*self, primals)?;
        let tangent = match &tangents[0] {
            Some(t) if differentiable(y.aval()) => match self.derivative(x, &y)? {
                Some(d) => Some(mul(t, &d)?),
                None => None,
            },
            _ => None,
        };
        Ok((vec![y], vec![tangent]))
    }

    /// Only `neg` is linear: its cotangent is negated.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        match (self, &cts[0]) {
            (UnaryOp::Neg, Some(ct)) if args[0].is_linear() => {
                Ok(vec![Some(unary(UnaryOp::Neg, ct)?)])
            }
            (UnaryOp::Neg, _) => Ok(vec![None]),
            _ => Err(crate::error::Error::NotImplemented {
                prim: self.name().into(),
                rule: "transpose (it is not linear)".into(),
            }),
        }
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        same_layout(&(*self).into(), args, dims)
    }
}

impl UnaryOp {
    /// `f'(x)` given `x` and `y = f(x)`; `None` where the derivative is zero everywhere it
    /// exists (rounding, sign, predicates).
    pub fn derivative(self, x: &Value, y: &Value) -> Result<Option<Value>> {
        use UnaryOp::*;
        let one = || scalar(1.0, x);
        let sq = |v: &Value| mul(v, v);
        let recip = |v: &Value| binary(BinaryOp::Div, &one(), v);
        let d = match self {
            Neg => scalar(-1.0, x),
            Sign | Floor | Ceil | Round | RoundEven | IsFinite | Not => return Ok(None),
            Abs => unary(Sign, x)?,
            Exp => y.clone(),
            Exp2 => mul(y, &scalar(std::f64::consts::LN_2, x))?,
            Log => recip(x)?,
            Log1p => recip(&binary(BinaryOp::Add, &one(), x)?)?,
            Expm1 => binary(BinaryOp::Add, y, &one())?,
            Sqrt => binary(BinaryOp::Div, &scalar(0.5, x), y)?,
            Rsqrt => mul(&scalar(-0.5, x), &binary(BinaryOp::Div, y, x)?)?,
            Sin => unary(Cos, x)?,
            Cos => unary(Neg, &unary(Sin, x)?)?,
            Tan => binary(BinaryOp::Add, &one(), &sq(y)?)?,
            Tanh => binary(BinaryOp::Sub, &one(), &sq(y)?)?,
            Asin => unary(Rsqrt, &binary(BinaryOp::Sub, &one(), &sq(x)?)?)?,
            Acos => unary(
                Neg,
                &unary(Rsqrt, &binary(BinaryOp::Sub, &one(), &sq(x)?)?)?,
            )?,
            Atan => recip(&binary(BinaryOp::Add, &one(), &sq(x)?)?)?,
            Sinh => unary(Cosh, x)?,
            Cosh => unary(Sinh, x)?,
            Asinh => unary(Rsqrt, &binary(BinaryOp::Add, &sq(x)?, &one())?)?,
            Acosh => unary(Rsqrt, &binary(BinaryOp::Sub, &sq(x)?, &one())?)?,
            Atanh => recip(&binary(BinaryOp::Sub, &one(), &sq(x)?)?)?,
            Logistic => mul(y, &binary(BinaryOp::Sub, &one(), y)?)?,
            Erf => mul(
                &scalar(std::f64::consts::FRAC_2_SQRT_PI, x),
                &unary(Exp, &unary(Neg, &sq(x)?)?)?,
            )?,
            ErfInv => mul(
                &scalar(std::f64::consts::PI.sqrt() / 2.0, x),
                &unary(Exp, &sq(y)?)?,
            )?,
        };
        Ok(Some(d))
    }
}

/// `stop_gradient`: the identity whose derivative is zero.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StopGradient;

impl Primitive for StopGradient {
    fn name(&self) -> &'static str {
        "stop_gradient"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        Ok(vec![inputs[0].clone()])
    }
    fn jvp(&self, primals: &[Value], _tangents: &[Option<Value>]) -> JvpResult {
        Ok((vec![bind1(StopGradient, primals)?], vec![None]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        same_layout(&StopGradient.into(), args, dims)
    }
}

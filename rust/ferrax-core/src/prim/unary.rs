//! Elementwise unary primitives: one enum, one shape rule.

use super::{expect_arity, Primitive};
use crate::aval::Aval;
use crate::dtype::{DType, Kind};
use crate::error::Result;
use crate::type_err;

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
}

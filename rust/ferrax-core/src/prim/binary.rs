//! Elementwise primitives of several operands: binary arithmetic, comparisons, bitwise ops,
//! `select_n` and `clamp`. Operands share one dtype; shapes are equal, or an operand is a
//! scalar (rank 0), which broadcasts. General broadcasting is `broadcast_in_dim`, inserted by
//! the NumPy-style layer in `ops`.

use super::{expect_arity, Primitive};
use crate::aval::Aval;
use crate::dtype::{DType, Kind};
use crate::error::Result;
use crate::shape::{fmt_shape, Shape};
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

fn same_dtype(name: &str, inputs: &[&Aval]) -> Result<DType> {
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
}

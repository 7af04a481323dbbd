//! Reductions, arg-reductions and cumulative scans.

use super::shape::py_bool;
use super::{expect_arity, tuple, Primitive};
use crate::aval::Aval;
use crate::dtype::DType;
use crate::error::Result;
use crate::{type_err, value_err};

/// The monoid a reduction folds with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ReduceOp {
    Sum,
    Prod,
    Max,
    Min,
    /// Logical/bitwise and.
    And,
    /// Logical/bitwise or.
    Or,
}

/// `reduce_*`: folds the listed axes away.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reduce {
    /// The folding operation.
    pub op: ReduceOp,
    /// Sorted, distinct axes to reduce.
    pub axes: Vec<usize>,
}

fn check_axes(name: &str, axes: &[usize], ndim: usize) -> Result<()> {
    if axes.iter().any(|&a| a >= ndim) || axes.windows(2).any(|w| w[0] >= w[1]) {
        return Err(value_err!(
            "{name}: axes {} are invalid for an operand of rank {ndim}",
            tuple(axes)
        ));
    }
    Ok(())
}

impl Primitive for Reduce {
    fn name(&self) -> &'static str {
        match self.op {
            ReduceOp::Sum => "reduce_sum",
            ReduceOp::Prod => "reduce_prod",
            ReduceOp::Max => "reduce_max",
            ReduceOp::Min => "reduce_min",
            ReduceOp::And => "reduce_and",
            ReduceOp::Or => "reduce_or",
        }
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        check_axes(self.name(), &self.axes, x.ndim())?;
        let ok = match self.op {
            ReduceOp::And | ReduceOp::Or => !x.dtype.is_float(),
            ReduceOp::Sum | ReduceOp::Prod => x.dtype != DType::Bool,
            ReduceOp::Max | ReduceOp::Min => true,
        };
        if !ok {
            return Err(type_err!(
                "{} does not accept dtype {}",
                self.name(),
                x.dtype
            ));
        }
        let shape = (0..x.ndim())
            .filter(|d| !self.axes.contains(d))
            .map(|d| x.shape[d])
            .collect();
        Ok(vec![x.with_shape(shape)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("axes", tuple(&self.axes))]
    }
}

/// Which extremum an arg-reduction finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgOp {
    /// Index of the largest element (NaN counts as largest; first occurrence).
    Max,
    /// Index of the smallest element (NaN counts as smallest; first occurrence).
    Min,
}

/// `argmax`/`argmin` along one axis.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArgReduce {
    /// Which extremum.
    pub op: ArgOp,
    /// The reduced axis.
    pub axis: usize,
    /// Integer dtype of the indices.
    pub index_dtype: DType,
}

impl Primitive for ArgReduce {
    fn name(&self) -> &'static str {
        match self.op {
            ArgOp::Max => "argmax",
            ArgOp::Min => "argmin",
        }
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        check_axes(self.name(), &[self.axis], x.ndim())?;
        if x.shape[self.axis] == 0 {
            return Err(value_err!(
                "{}: attempt to get the {} of an empty sequence",
                self.name(),
                self.name()
            ));
        }
        if !self.index_dtype.is_int() {
            return Err(type_err!(
                "{}: index_dtype must be an integer type, got {}",
                self.name(),
                self.index_dtype
            ));
        }
        let mut shape = x.shape.clone();
        shape.remove(self.axis);
        Ok(vec![Aval::new(shape, self.index_dtype)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("axes", tuple(&[self.axis])),
            ("index_dtype", self.index_dtype.name().to_string()),
        ]
    }
}

/// The operation of a cumulative scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum CumOp {
    Sum,
    Prod,
    Max,
    Min,
}

/// `cumsum`/`cumprod`/`cummax`/`cummin` along one axis, optionally from the end.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cumulative {
    /// The scan operation.
    pub op: CumOp,
    /// The scanned axis.
    pub axis: usize,
    /// Scan from the last element backwards.
    pub reverse: bool,
}

impl Primitive for Cumulative {
    fn name(&self) -> &'static str {
        match self.op {
            CumOp::Sum => "cumsum",
            CumOp::Prod => "cumprod",
            CumOp::Max => "cummax",
            CumOp::Min => "cummin",
        }
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        check_axes(self.name(), &[self.axis], x.ndim())?;
        if x.dtype == DType::Bool {
            return Err(type_err!("{} does not accept dtype bool", self.name()));
        }
        Ok(vec![x.clone()])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("axis", self.axis.to_string()),
            ("reverse", py_bool(self.reverse)),
        ]
    }
}

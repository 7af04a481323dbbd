//! `dot_general`: the one contraction primitive (matmul, batched matmul, tensordot, einsum).

use super::{expect_arity, tuple, Primitive};
use crate::aval::Aval;
use crate::dtype::DType;
use crate::error::Result;
use crate::shape::fmt_shape;
use crate::{type_err, value_err};

/// Contracts `lhs_contract` against `rhs_contract` for each pair of batch indices.
/// Output dimensions: batch, then lhs free, then rhs free (each in operand order).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DotGeneral {
    /// Contracted dimensions of the left operand.
    pub lhs_contract: Vec<usize>,
    /// Contracted dimensions of the right operand (paired with `lhs_contract`).
    pub rhs_contract: Vec<usize>,
    /// Batch dimensions of the left operand.
    pub lhs_batch: Vec<usize>,
    /// Batch dimensions of the right operand (paired with `lhs_batch`).
    pub rhs_batch: Vec<usize>,
    /// Output dtype when it differs from the operands'.
    pub preferred_element_type: Option<DType>,
}

impl DotGeneral {
    /// The free (neither batch nor contracted) dimensions of an operand of rank `n`.
    pub fn free_dims(n: usize, contract: &[usize], batch: &[usize]) -> Vec<usize> {
        (0..n)
            .filter(|d| !contract.contains(d) && !batch.contains(d))
            .collect()
    }
}

fn distinct_in_range(dims: &[usize], n: usize) -> bool {
    dims.iter().all(|&d| d < n) && dims.iter().enumerate().all(|(i, d)| !dims[..i].contains(d))
}

impl Primitive for DotGeneral {
    fn name(&self) -> &'static str {
        "dot_general"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 2)?;
        let (l, r) = (inputs[0], inputs[1]);
        if l.dtype != r.dtype {
            return Err(type_err!(
                "dot_general requires operands of the same dtype, got {} and {}",
                l.dtype,
                r.dtype
            ));
        }
        let dims_ok = self.lhs_contract.len() == self.rhs_contract.len()
            && self.lhs_batch.len() == self.rhs_batch.len()
            && distinct_in_range(
                &[&self.lhs_contract[..], &self.lhs_batch[..]].concat(),
                l.ndim(),
            )
            && distinct_in_range(
                &[&self.rhs_contract[..], &self.rhs_batch[..]].concat(),
                r.ndim(),
            );
        if !dims_ok {
            return Err(value_err!(
                "dot_general: dimension numbers (({}, {}), ({}, {})) are invalid for operands \
                 of shapes {} and {}",
                tuple(&self.lhs_contract),
                tuple(&self.rhs_contract),
                tuple(&self.lhs_batch),
                tuple(&self.rhs_batch),
                fmt_shape(&l.shape),
                fmt_shape(&r.shape)
            ));
        }
        let sizes =
            |a: &Aval, dims: &[usize]| -> Vec<usize> { dims.iter().map(|&d| a.shape[d]).collect() };
        let (lc, rc) = (sizes(l, &self.lhs_contract), sizes(r, &self.rhs_contract));
        if lc != rc {
            return Err(type_err!(
                "dot_general requires contracting dimensions to have the same shape, got {} \
                 and {}",
                fmt_shape(&lc),
                fmt_shape(&rc)
            ));
        }
        let (lb, rb) = (sizes(l, &self.lhs_batch), sizes(r, &self.rhs_batch));
        if lb != rb {
            return Err(type_err!(
                "dot_general requires lhs batch dimensions and rhs batch dimensions to have the \
                 same shape, got {} and {}",
                fmt_shape(&lb),
                fmt_shape(&rb)
            ));
        }
        let mut shape = lb;
        shape.extend(sizes(
            l,
            &DotGeneral::free_dims(l.ndim(), &self.lhs_contract, &self.lhs_batch),
        ));
        shape.extend(sizes(
            r,
            &DotGeneral::free_dims(r.ndim(), &self.rhs_contract, &self.rhs_batch),
        ));
        Ok(vec![Aval {
            shape,
            dtype: self.preferred_element_type.unwrap_or(l.dtype),
            weak: l.weak && r.weak,
        }])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![(
            "dimension_numbers",
            format!(
                "(({}, {}), ({}, {}))",
                tuple(&self.lhs_contract),
                tuple(&self.rhs_contract),
                tuple(&self.lhs_batch),
                tuple(&self.rhs_batch)
            ),
        )]
    }
}

//! `dot_general`: the one contraction primitive (matmul, batched matmul, tensordot, einsum).

use super::ad::{add_tangents, differentiable};
use super::batching::{phys, BatchResult};
use super::{expect_arity, tuple, JvpResult, LinArg, Primitive};
use crate::aval::Aval;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::lax;
use crate::shape::fmt_shape;
use crate::trace::bind1;
use crate::value::Value;
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

    /// Bilinear: `d(x . y) = dx . y + x . dy`.
    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let z = bind1(self.clone(), primals)?;
        if !differentiable(z.aval()) {
            return Ok((vec![z], vec![None]));
        }
        let (x, y) = (&primals[0], &primals[1]);
        let left = match &tangents[0] {
            Some(t) => Some(bind1(self.clone(), &[t.clone(), y.clone()])?),
            None => None,
        };
        let right = match &tangents[1] {
            Some(t) => Some(bind1(self.clone(), &[x.clone(), t.clone()])?),
            None => None,
        };
        Ok((vec![z], vec![add_tangents(left, right)?]))
    }

    /// Linear in whichever operand is not constant: contract the cotangent with the other.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let Some(ct) = &cts[0] else {
            return Ok(vec![None, None]);
        };
        let (la, ra) = (args[0].aval(), args[1].aval());
        let mut out = vec![None, None];
        if args[0].is_linear() {
            let rhs = args[1].value(self.name())?;
            out[0] = Some(self.transpose_operand(ct, rhs, la, ra, true)?);
        }
        if args[1].is_linear() {
            let lhs = args[0].value(self.name())?;
            out[1] = Some(self.transpose_operand(ct, lhs, ra, la, false)?);
        }
        Ok(out)
    }

    /// The batch dimension becomes a batch dimension of the product when both operands have
    /// one, or a free dimension of the one that has it: one `dot_general` either way.
    fn batch(&self, args: &[Value], dims: &[Option<usize>], _size: usize) -> BatchResult {
        let (dl, dr) = (dims[0], dims[1]);
        let map = |ds: &[usize], b: Option<usize>| -> Vec<usize> {
            ds.iter().map(|&k| b.map_or(k, |b| phys(k, b))).collect()
        };
        let mut p = DotGeneral {
            lhs_contract: map(&self.lhs_contract, dl),
            rhs_contract: map(&self.rhs_contract, dr),
            lhs_batch: map(&self.lhs_batch, dl),
            rhs_batch: map(&self.rhs_batch, dr),
            preferred_element_type: self.preferred_element_type,
        };
        let out_b = match (dl, dr) {
            (Some(l), Some(r)) => {
                p.lhs_batch.insert(0, l);
                p.rhs_batch.insert(0, r);
                0
            }
            (Some(l), None) => {
                let free =
                    DotGeneral::free_dims(args[0].shape().len(), &p.lhs_contract, &p.lhs_batch);
                p.lhs_batch.len() + free.iter().filter(|&&d| d < l).count()
            }
            (None, Some(r))
                if DotGeneral::free_dims(args[1].shape().len(), &p.rhs_contract, &p.rhs_batch)
                    == [r] =>
            {
                // The batch is the rhs's only free dimension: swap the operands so that it
                // lands right after the batch dimensions, where the per-example layout
                // (lhs free dims after it) wants it, with no transpose.
                let swapped = DotGeneral {
                    lhs_contract: p.rhs_contract.clone(),
                    rhs_contract: p.lhs_contract.clone(),
                    lhs_batch: p.rhs_batch.clone(),
                    rhs_batch: p.lhs_batch.clone(),
                    preferred_element_type: p.preferred_element_type,
                };
                let out = bind1(swapped, &[args[1].clone(), args[0].clone()])?;
                return Ok((vec![out], vec![Some(p.lhs_batch.len())]));
            }
            (None, Some(r)) => {
                let lfree =
                    DotGeneral::free_dims(args[0].shape().len(), &p.lhs_contract, &p.lhs_batch);
                let rfree =
                    DotGeneral::free_dims(args[1].shape().len(), &p.rhs_contract, &p.rhs_batch);
                p.lhs_batch.len() + lfree.len() + rfree.iter().filter(|&&d| d < r).count()
            }
            (None, None) => return Ok((vec![bind1(self.clone(), args)?], vec![None])),
        };
        Ok((vec![bind1(p, args)?], vec![Some(out_b)]))
    }
}

impl DotGeneral {
    /// The cotangent of one operand (`lhs` when `for_lhs`): contract `ct`'s free dimensions of
    /// the other operand with that operand's free dimensions, batch with batch, then move the
    /// result's dimensions to where the operand has them.
    fn transpose_operand(
        &self,
        ct: &Value,
        other: &Value,
        mine: &Aval,
        theirs: &Aval,
        for_lhs: bool,
    ) -> Result<Value> {
        let (my_c, their_c, my_b, their_b) = if for_lhs {
            (
                &self.lhs_contract,
                &self.rhs_contract,
                &self.lhs_batch,
                &self.rhs_batch,
            )
        } else {
            (
                &self.rhs_contract,
                &self.lhs_contract,
                &self.rhs_batch,
                &self.lhs_batch,
            )
        };
        let my_free = DotGeneral::free_dims(mine.ndim(), my_c, my_b);
        let their_free = DotGeneral::free_dims(theirs.ndim(), their_c, their_b);
        let nb = my_b.len();
        // ct dims: batch, lhs free, rhs free.
        let (ct_mine, ct_theirs): (Vec<usize>, Vec<usize>) = if for_lhs {
            (
                (nb..nb + my_free.len()).collect(),
                (nb + my_free.len()..ct.shape().len()).collect(),
            )
        } else {
            (
                (nb + their_free.len()..ct.shape().len()).collect(),
                (nb..nb + their_free.len()).collect(),
            )
        };
        let dims = DotGeneral {
            lhs_contract: ct_theirs,
            rhs_contract: their_free,
            lhs_batch: (0..nb).collect(),
            rhs_batch: their_b.clone(),
            preferred_element_type: None,
        };
        let r = bind1(dims, &[ct.clone(), other.clone()])?;
        // r dims: batch (my_b order), my free (ct order), then the other operand's remaining
        // dims (its contract dims in increasing order), each paired with one of mine.
        let mut their_c_sorted: Vec<usize> = their_c.clone();
        their_c_sorted.sort_unstable();
        let mut pos = vec![0usize; mine.ndim()];
        for (i, &d) in my_b.iter().enumerate() {
            pos[d] = i;
        }
        for (i, &d) in my_free.iter().enumerate() {
            pos[d] = nb + i;
        }
        let _ = ct_mine;
        for (i, td) in their_c_sorted.iter().enumerate() {
            let k = their_c.iter().position(|x| x == td).unwrap_or(0);
            pos[my_c[k]] = nb + my_free.len() + i;
        }
        let r = lax::transpose(&r, &pos)?;
        lax::convert(&r, mine.dtype, mine.weak)
    }
}

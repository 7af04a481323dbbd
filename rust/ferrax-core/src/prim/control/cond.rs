//! `cond`: runs one of several staged branches, chosen by an integer index (clamped into
//! range, as `lax.switch`), on shared operands.
//!
//! JVP: with a concrete index (eager `grad`), the chosen branch is inlined into the JVP
//! trace. With a traced index, a primal `cond` computes the outputs and a second `cond`
//! whose branches are the branches' JVPs computes the tangents, so that under `linearize`
//! the primal part runs now and only the tangent `cond` is recorded. Transpose: a `cond`
//! over the branches' transposes. Batching: with an unbatched index, a `cond` over batched
//! branches; with a batched index, every branch runs and `select_n` picks per example.

use super::{batch_inline, batch_program, check_types, jvp_inline, pad_inputs, stage, Program};
use crate::aval::Aval;
use crate::data::Scalar;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::lax;
use crate::prim::ad::{differentiable, or_zeros};
use crate::prim::batching::{at_front, BatchResult};
use crate::prim::{JvpResult, LinArg, Primitive};
use crate::trace::bind;
use crate::transform::backward_pass;
use crate::value::Value;

/// `outs = cond[branches] index operands`: `branches[clamp(index)]` applied to `operands`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cond {
    /// The branches; each takes every operand.
    pub branches: Vec<Program>,
}

impl Cond {
    /// A `cond` over branches staged with different hoisted constants: each branch's
    /// constants become operands ahead of the shared ones, unused by the other branches.
    /// Returns the primitive and the constants to pass before the operands.
    pub fn joined(staged: Vec<(Program, Vec<Value>)>) -> (Cond, Vec<Value>) {
        let const_avals: Vec<Vec<Aval>> = staged
            .iter()
            .map(|(_, cs)| cs.iter().map(|c| c.aval().clone()).collect())
            .collect();
        let mut branches = Vec::with_capacity(staged.len());
        let mut consts = Vec::new();
        for (b, (p, cs)) in staged.into_iter().enumerate() {
            let before: Vec<Aval> = const_avals[..b].concat();
            let after: Vec<Aval> = const_avals[b + 1..].concat();
            branches.push(pad_inputs(&p, &before, cs.len(), &after));
            consts.extend(cs);
        }
        (Cond { branches }, consts)
    }

    fn chosen(&self, index: &Value) -> Result<Option<usize>> {
        let Some(c) = index.concrete_primal() else {
            return Ok(None);
        };
        let i = match c.data()?.get(0) {
            Some(Scalar::Int(i)) => i,
            Some(Scalar::UInt(u)) => i64::try_from(u).unwrap_or(i64::MAX),
            Some(Scalar::Bool(b)) => i64::from(b),
            _ => return Err(Error::Type("cond: the index must be an integer".into())),
        };
        Ok(Some(i.clamp(0, self.branches.len() as i64 - 1) as usize))
    }

    /// Runs the chosen branch on concrete operands.
    pub fn apply(&self, inputs: &[Value]) -> Result<Vec<Value>> {
        match self.chosen(&inputs[0])? {
            Some(b) => self.branches[b].call(&inputs[1..]),
            None => Err(Error::Concretization(
                "cond: the eval trace received a traced index".into(),
            )),
        }
    }
}

/// Binds `cond` over `branches` (with their hoisted constants) on `index` and `operands`.
fn bind_cond(
    staged: Vec<(Program, Vec<Value>)>,
    index: &Value,
    operands: &[Value],
) -> Result<Vec<Value>> {
    let (prim, consts) = Cond::joined(staged);
    let mut ins = vec![index.clone()];
    ins.extend(consts);
    ins.extend_from_slice(operands);
    bind(&prim.into(), &ins)
}

impl Primitive for Cond {
    fn name(&self) -> &'static str {
        "cond"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let Some((index, ops)) = inputs.split_first() else {
            return Err(Error::Type("cond takes an index and operands".into()));
        };
        if !index.shape.is_empty() || !(index.dtype.is_int() || index.dtype == DType::Bool) {
            return Err(Error::Type(format!(
                "cond: the index must be an integer scalar, got {}",
                index.describe()
            )));
        }
        let ops: Vec<Aval> = ops.iter().map(|a| (*a).clone()).collect();
        for b in &self.branches {
            check_types(
                "cond: operands do not match the branch inputs",
                &b.in_avals(),
                &ops,
            )?;
        }
        let first = self.branches[0].out_avals();
        for b in &self.branches[1..] {
            check_types(
                "cond: branches must return the same types",
                &first,
                &b.out_avals(),
            )?;
        }
        Ok(first)
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        let parts: Vec<String> = self.branches.iter().map(|b| b.to_string()).collect();
        vec![("branches", format!("({})", parts.join(", ")))]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let (index, ops) = (&primals[0], &primals[1..]);
        let op_tangents = &tangents[1..];
        if let Some(b) = self.chosen(index)? {
            let branch = &self.branches[b];
            return jvp_inline(|ins| branch.call(&ins), ops, op_tangents);
        }
        let outs = bind(&self.clone().into(), primals)?;
        let live: Vec<usize> = (0..ops.len())
            .filter(|&i| op_tangents[i].is_some())
            .collect();
        let out_avals = self.branches[0].out_avals();
        let mut in_avals: Vec<Aval> = ops.iter().map(|o| o.aval().clone()).collect();
        in_avals.extend(live.iter().map(|&i| ops[i].aval().clone()));
        let mut staged = Vec::with_capacity(self.branches.len());
        for branch in &self.branches {
            staged.push(stage(&in_avals, |ins| {
                let (ps, ts) = ins.split_at(ops.len());
                let mut full: Vec<Option<Value>> = vec![None; ops.len()];
                for (&i, t) in live.iter().zip(ts) {
                    full[i] = Some(t.clone());
                }
                let (_, out_t) = jvp_inline(|xs| branch.call(&xs), ps, &full)?;
                out_t
                    .iter()
                    .zip(&out_avals)
                    .filter(|(_, a)| differentiable(a))
                    .map(|(t, a)| or_zeros(t, a))
                    .collect()
            })?);
        }
        let mut args = ops.to_vec();
        args.extend(live.iter().filter_map(|&i| op_tangents[i].clone()));
        let mut tangent_outs = bind_cond(staged, index, &args)?.into_iter();
        let out_tangents = out_avals
            .iter()
            .map(|a| {
                if differentiable(a) {
                    tangent_outs.next()
                } else {
                    None
                }
            })
            .collect();
        Ok((outs, out_tangents))
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let index = args[0].value("cond")?.clone();
        let ops = &args[1..];
        let known: Vec<Value> = ops
            .iter()
            .filter_map(|a| match a {
                LinArg::Const(v) => Some(v.clone()),
                LinArg::Linear(_) => None,
            })
            .collect();
        let out_avals = self.branches[0].out_avals();
        let cts: Vec<Value> = cts
            .iter()
            .zip(&out_avals)
            .map(|(c, a)| or_zeros(c, a))
            .collect::<Result<_>>()?;
        let mut in_avals: Vec<Aval> = known.iter().map(|v| v.aval().clone()).collect();
        in_avals.extend(out_avals.iter().cloned());
        let mut staged = Vec::with_capacity(self.branches.len());
        for branch in &self.branches {
            staged.push(stage(&in_avals, |ins| {
                let (ks, cs) = ins.split_at(known.len());
                let mut ks = ks.iter();
                let inputs: Vec<Option<Value>> = ops
                    .iter()
                    .map(|a| {
                        if a.is_linear() {
                            None
                        } else {
                            ks.next().cloned()
                        }
                    })
                    .collect();
                let cts: Vec<Option<Value>> = cs.iter().cloned().map(Some).collect();
                let cts_in = backward_pass(&branch.0, &[], &inputs, &cts)?;
                ops.iter()
                    .zip(cts_in)
                    .filter(|(a, _)| a.is_linear())
                    .map(|(a, ct)| or_zeros(&ct, a.aval()))
                    .collect()
            })?);
        }
        let mut operands = known;
        operands.extend(cts);
        let mut lin_cts = bind_cond(staged, &index, &operands)?.into_iter();
        let mut result = vec![None];
        result.extend(
            ops.iter()
                .map(|a| if a.is_linear() { lin_cts.next() } else { None }),
        );
        Ok(result)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let (index, ops) = (&args[0], &args[1..]);
        let op_dims = &dims[1..];
        if dims[0].is_none() {
            let ops: Vec<Value> = ops
                .iter()
                .zip(op_dims)
                .map(|(v, d)| match d {
                    Some(d) => crate::prim::batching::move_axis(v, *d, 0),
                    None => Ok(v.clone()),
                })
                .collect::<Result<_>>()?;
            let batched: Vec<bool> = op_dims.iter().map(Option::is_some).collect();
            // Outputs batched in any branch are batched in all of them.
            let mut force = vec![false; self.branches[0].out_avals().len()];
            for b in &self.branches {
                let (_, _, out_b) = batch_program(b, &batched, &force, size)?;
                for (f, o) in force.iter_mut().zip(out_b) {
                    *f |= o;
                }
            }
            let mut staged = Vec::with_capacity(self.branches.len());
            for b in &self.branches {
                let (p, consts, _) = batch_program(b, &batched, &force, size)?;
                staged.push((p, consts));
            }
            let outs = bind_cond(staged, index, &ops)?;
            let out_dims = force.iter().map(|&f| f.then_some(0)).collect();
            return Ok((outs, out_dims));
        }
        // A batched index: every branch runs, and each example selects its branch's result.
        let n = self.branches.len() as i64;
        let which = lax::convert(&at_front(index, dims[0], size)?, DType::I32, false)?;
        let lo = Value::scalar(Scalar::Int(0), DType::I32, false);
        let hi = Value::scalar(Scalar::Int(n - 1), DType::I32, false);
        let which = lax::clamp(&lo, &which, &hi)?;
        let mut results: Vec<Vec<Value>> = Vec::with_capacity(self.branches.len());
        for b in &self.branches {
            let (outs, out_dims) = batch_inline(|xs| b.call(&xs), ops, op_dims, size)?;
            results.push(
                outs.iter()
                    .zip(&out_dims)
                    .map(|(o, d)| at_front(o, *d, size))
                    .collect::<Result<_>>()?,
            );
        }
        let n_out = results[0].len();
        let mut outs = Vec::with_capacity(n_out);
        for k in 0..n_out {
            let cases: Vec<Value> = results.iter().map(|r| r[k].clone()).collect();
            let shape = cases[0].shape().to_vec();
            let w = lax::broadcast_in_dim(&which, &shape, &[0])?;
            outs.push(lax::select_n(&w, &cases)?);
        }
        Ok((outs, vec![Some(0); n_out]))
    }
}

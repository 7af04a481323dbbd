//! `while`: repeats a staged body while a staged predicate holds.
//!
//! JVP: a primal loop computes the outputs and a second loop carrying (primal, tangent)
//! pairs computes the tangents (forward mode only: a loop with a data-dependent trip count
//! has no transpose, as in JAX). Batching: carries that the body makes batched are batched
//! from the start; a batched predicate runs until every example is done, each example
//! keeping its carry once its own predicate fails.

use super::{batch_inline, check_types, jvp_inline, stage, Program};
use crate::aval::Aval;
use crate::data::Scalar;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::lax;
use crate::prim::ad::{differentiable, or_zeros};
use crate::prim::batching::{at_front, BatchResult};
use crate::prim::{JvpResult, LinArg, Primitive, ReduceOp};
use crate::trace::bind;
use crate::value::Value;

/// `carry = while[cond body] cond_consts body_consts carry`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct While {
    /// The predicate: `(cond_consts, carry) -> bool[]`.
    pub cond: Program,
    /// The body: `(body_consts, carry) -> carry`.
    pub body: Program,
    /// How many leading operands are the predicate's constants.
    pub cond_nconsts: usize,
    /// How many operands after those are the body's constants.
    pub body_nconsts: usize,
}

impl While {
    fn split<'a>(&self, xs: &'a [Value]) -> (&'a [Value], &'a [Value], &'a [Value]) {
        let (cc, rest) = xs.split_at(self.cond_nconsts);
        let (bc, carry) = rest.split_at(self.body_nconsts);
        (cc, bc, carry)
    }

    fn predicate(&self, cc: &[Value], carry: &[Value]) -> Result<Value> {
        let ins = [cc, carry].concat();
        self.cond
            .call(&ins)?
            .pop()
            .ok_or_else(|| Error::Backend("while: the predicate returned nothing".into()))
    }

    /// Runs the loop on concrete operands.
    pub fn apply(&self, inputs: &[Value]) -> Result<Vec<Value>> {
        let (cc, bc, carry) = self.split(inputs);
        let mut carry = carry.to_vec();
        loop {
            let pred = self.predicate(cc, &carry)?;
            let go = match pred.as_concrete().map(|c| c.data()).transpose()? {
                Some(d) => matches!(d.get(0), Some(Scalar::Bool(true))),
                None => {
                    return Err(Error::Concretization(
                        "while: the eval trace received a traced predicate".into(),
                    ))
                }
            };
            if !go {
                return Ok(carry);
            }
            carry = self.body.call(&[bc, carry.as_slice()].concat())?;
        }
    }
}

impl Primitive for While {
    fn name(&self) -> &'static str {
        "while"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let all: Vec<Aval> = inputs.iter().map(|a| (*a).clone()).collect();
        if all.len() < self.cond_nconsts + self.body_nconsts {
            return Err(Error::Type("while: too few operands".into()));
        }
        let carry = &all[self.cond_nconsts + self.body_nconsts..];
        let mut cond_in = all[..self.cond_nconsts].to_vec();
        cond_in.extend_from_slice(carry);
        check_types(
            "while_loop: cond_fun inputs",
            &self.cond.in_avals(),
            &cond_in,
        )?;
        let pred = self.cond.out_avals();
        if pred.len() != 1 || !pred[0].shape.is_empty() || pred[0].dtype != DType::Bool {
            return Err(Error::Type(format!(
                "while_loop: cond_fun must return a boolean scalar, got {}",
                pred.iter()
                    .map(Aval::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut body_in = all[self.cond_nconsts..self.cond_nconsts + self.body_nconsts].to_vec();
        body_in.extend_from_slice(carry);
        check_types(
            "while_loop: body_fun inputs",
            &self.body.in_avals(),
            &body_in,
        )?;
        check_types(
            "while_loop: body_fun must return the carry's type (input carry vs output carry)",
            carry,
            &self.body.out_avals(),
        )?;
        Ok(carry.to_vec())
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("cond_jaxpr", self.cond.to_string()),
            ("body_jaxpr", self.body.to_string()),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let outs = bind(&self.clone().into(), primals)?;
        let (cc, bc, carry) = self.split(primals);
        let (_, bc_t, carry_t) = {
            let (a, rest) = tangents.split_at(self.cond_nconsts);
            let (b, c) = rest.split_at(self.body_nconsts);
            (a, b, c)
        };
        let live_c: Vec<usize> = (0..bc.len()).filter(|&i| bc_t[i].is_some()).collect();
        let diff: Vec<usize> = (0..carry.len())
            .filter(|&i| differentiable(carry[i].aval()))
            .collect();
        let avals = |vs: &[Value]| vs.iter().map(|v| v.aval().clone()).collect::<Vec<_>>();
        let carry_avals = avals(carry);
        let tangent_avals: Vec<Aval> = diff.iter().map(|&i| carry_avals[i].clone()).collect();
        // The predicate of the tangent loop ignores the tangents.
        let mut cond_in = avals(cc);
        cond_in.extend(carry_avals.iter().cloned());
        cond_in.extend(tangent_avals.iter().cloned());
        let (cond, cond_h) = stage(&cond_in, |ins| {
            self.cond.call(&ins[..cc.len() + carry.len()])
        })?;
        let mut body_in = avals(bc);
        body_in.extend(live_c.iter().map(|&i| bc[i].aval().clone()));
        body_in.extend(carry_avals.iter().cloned());
        body_in.extend(tangent_avals.iter().cloned());
        let (body, body_h) = stage(&body_in, |ins| {
            let (ps, rest) = ins.split_at(bc.len());
            let (cts, rest) = rest.split_at(live_c.len());
            let (ks, kts) = rest.split_at(carry.len());
            let mut t_in: Vec<Option<Value>> = vec![None; bc.len() + carry.len()];
            for (&i, t) in live_c.iter().zip(cts) {
                t_in[i] = Some(t.clone());
            }
            for (&i, t) in diff.iter().zip(kts) {
                t_in[bc.len() + i] = Some(t.clone());
            }
            let p_in = [ps, ks].concat();
            let (p_out, t_out) = jvp_inline(|xs| self.body.call(&xs), &p_in, &t_in)?;
            let mut res = p_out;
            for &i in &diff {
                res.push(or_zeros(&t_out[i], &carry_avals[i])?);
            }
            Ok(res)
        })?;
        let tangent_loop = While {
            cond,
            body,
            cond_nconsts: cond_h.len() + cc.len(),
            body_nconsts: body_h.len() + bc.len() + live_c.len(),
        };
        let mut ins = cond_h;
        ins.extend_from_slice(cc);
        ins.extend(body_h);
        ins.extend_from_slice(bc);
        ins.extend(live_c.iter().filter_map(|&i| bc_t[i].clone()));
        ins.extend_from_slice(carry);
        for &i in &diff {
            ins.push(or_zeros(&carry_t[i], &carry_avals[i])?);
        }
        let res = bind(&tangent_loop.into(), &ins)?;
        let mut out_t: Vec<Option<Value>> = vec![None; carry.len()];
        for (k, &i) in diff.iter().enumerate() {
            out_t[i] = Some(res[carry.len() + k].clone());
        }
        Ok((outs, out_t))
    }

    fn transpose(&self, _cts: &[Option<Value>], _args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        Err(Error::NotImplemented {
            prim: "while_loop".into(),
            rule: "reverse-mode differentiation (transpose) for a loop whose trip count depends \
                   on values; use lax.scan, or lax.fori_loop with Python-int bounds, which \
                   become scans"
                .into(),
        })
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let front = |vs: &[Value], ds: &[Option<usize>], force: &[bool]| -> Result<Vec<Value>> {
            vs.iter()
                .zip(ds)
                .zip(force)
                .map(|((v, d), &f)| {
                    if d.is_some() || f {
                        at_front(v, *d, size)
                    } else {
                        Ok(v.clone())
                    }
                })
                .collect()
        };
        let (cc, bc, carry) = self.split(args);
        let (ccd, rest) = dims.split_at(self.cond_nconsts);
        let (bcd, kd) = rest.split_at(self.body_nconsts);
        let none = |n: usize| vec![false; n];
        let cc = front(cc, ccd, &none(cc.len()))?;
        let bc = front(bc, bcd, &none(bc.len()))?;
        let flag = |ds: &[Option<usize>]| ds.iter().map(Option::is_some).collect::<Vec<bool>>();
        let (ccb, bcb) = (flag(ccd), flag(bcd));
        // Carries the body makes batched are batched from the start (a fixpoint).
        let mut kb = flag(kd);
        loop {
            let dims: Vec<Option<usize>> = [bcb.clone(), kb.clone()]
                .concat()
                .iter()
                .map(|&b| b.then_some(0))
                .collect();
            let ins: Vec<Value> = [bc.clone(), front(carry, kd, &kb)?].concat();
            let out_d = batch_shape_probe(&self.body, &ins, &dims, size)?;
            let grown: Vec<bool> = kb
                .iter()
                .zip(&out_d)
                .map(|(&b, d)| b || d.is_some())
                .collect();
            if grown == kb {
                break;
            }
            kb = grown;
        }
        let pred_dims: Vec<Option<usize>> = [ccb.clone(), kb.clone()]
            .concat()
            .iter()
            .map(|&b| b.then_some(0))
            .collect();
        let cond_probe_in: Vec<Value> = [cc.clone(), front(carry, kd, &kb)?].concat();
        let pd = batch_shape_probe(&self.cond, &cond_probe_in, &pred_dims, size)?;
        let pred_batched = pd[0].is_some();
        if pred_batched {
            kb = vec![true; carry.len()];
        }
        let carry = front(carry, kd, &kb)?;
        let kdims: Vec<Option<usize>> = kb.iter().map(|&b| b.then_some(0)).collect();
        let cdims: Vec<Option<usize>> = ccb.iter().map(|&b| b.then_some(0)).collect();
        let bdims: Vec<Option<usize>> = bcb.iter().map(|&b| b.then_some(0)).collect();
        let avals = |vs: &[Value]| vs.iter().map(|v| v.aval().clone()).collect::<Vec<_>>();
        let (ncc, nbc) = (cc.len(), bc.len());
        let run_pred = |ins: &[Value]| -> Result<Value> {
            let d = [cdims.clone(), kdims.clone()].concat();
            let (o, od) = batch_inline(|xs| self.cond.call(&xs), ins, &d, size)?;
            Ok(match od[0] {
                Some(d) => at_front(&o[0], Some(d), size)?,
                None => o[0].clone(),
            })
        };
        let run_body = |ins: &[Value]| -> Result<Vec<Value>> {
            let d = [bdims.clone(), kdims.clone()].concat();
            let (o, od) = batch_inline(|xs| self.body.call(&xs), ins, &d, size)?;
            o.iter()
                .zip(&od)
                .zip(&kb)
                .map(|((v, d), &b)| {
                    if b {
                        at_front(v, *d, size)
                    } else {
                        Ok(v.clone())
                    }
                })
                .collect()
        };
        let (cond, cond_h) = stage(&[avals(&cc), avals(&carry)].concat(), |ins| {
            let p = run_pred(&ins)?;
            Ok(vec![if pred_batched {
                lax::reduce(ReduceOp::Or, &p, &[0])?
            } else {
                p
            }])
        })?;
        let body_in = [avals(&cc), avals(&bc), avals(&carry)].concat();
        let (body, body_h) = stage(&body_in, |ins| {
            let (c, rest) = ins.split_at(ncc);
            let (b, k) = rest.split_at(nbc);
            let new = run_body(&[b, k].concat())?;
            if !pred_batched {
                return Ok(new);
            }
            let p = run_pred(&[c, k].concat())?;
            new.iter()
                .zip(k)
                .map(|(n, old)| {
                    let w = lax::broadcast_in_dim(&p, n.shape(), &[0])?;
                    lax::select_n(&w, &[old.clone(), n.clone()])
                })
                .collect()
        })?;
        let lp = While {
            cond,
            body,
            cond_nconsts: cond_h.len() + ncc,
            body_nconsts: body_h.len() + ncc + nbc,
        };
        let mut ins = cond_h;
        ins.extend(cc.iter().cloned());
        ins.extend(body_h);
        ins.extend(cc);
        ins.extend(bc);
        ins.extend(carry);
        let outs = bind(&lp.into(), &ins)?;
        Ok((outs, kdims))
    }
}

/// Which outputs of `p` come out batched for inputs batched at `dims`, found by staging the
/// batched program and discarding it.
fn batch_shape_probe(
    p: &Program,
    ins: &[Value],
    dims: &[Option<usize>],
    size: usize,
) -> Result<Vec<Option<usize>>> {
    let avals: Vec<Aval> = ins.iter().map(|v| v.aval().clone()).collect();
    let mut out_dims = Vec::new();
    stage(&avals, |xs| {
        let (o, d) = batch_inline(|ys| p.call(&ys), &xs, dims, size)?;
        out_dims = d;
        Ok(o)
    })?;
    Ok(out_dims)
}

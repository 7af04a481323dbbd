//! `scan`: a staged body applied along the leading axis of its `xs`, threading a carry and
//! stacking per-step outputs `ys` (`fori_loop` with static bounds and `lax.map` are scans).
//!
//! JVP: a primal scan computes the outputs and a second scan carrying (primal, tangent)
//! pairs computes the tangents, so that under `linearize` only the tangent scan is recorded.
//! Transpose (of a scan linear in some operands): a forward scan over the non-linear part
//! stacks the non-linear carries of every step, then a reverse scan runs the body's
//! transpose step by step, accumulating the constants' cotangents in its carry. Batching:
//! batched `xs` carry their batch at axis 1, carries the body makes batched are batched
//! from the start (a fixpoint).

use super::{batch_inline, check_types, dependent_outputs, jvp_inline, stage, Program};
use crate::aval::Aval;
use crate::error::{Error, Result};
use crate::ir::Atom;
use crate::ops::lax;
use crate::prim::ad::{differentiable, or_zeros, zeros};
use crate::prim::batching::{at_front, move_axis, BatchResult};
use crate::prim::{BinaryOp, JvpResult, LinArg, Primitive};
use crate::trace::bind;
use crate::transform::{backward_pass, eval_known};
use crate::value::Value;

/// `carry, ys = scan[body length reverse] consts carry xs`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scan {
    /// The body: `(consts, carry, x) -> (carry, y)`.
    pub body: Program,
    /// How many leading operands are constants.
    pub num_consts: usize,
    /// How many operands after those are the carry.
    pub num_carry: usize,
    /// The number of steps (the leading size of every `xs` and `ys`).
    pub length: usize,
    /// Whether the steps run from the last index to the first.
    pub reverse: bool,
}

fn avals(vs: &[Value]) -> Vec<Aval> {
    vs.iter().map(|v| v.aval().clone()).collect()
}

fn stacked(a: &Aval, length: usize) -> Aval {
    let mut shape = vec![length];
    shape.extend_from_slice(&a.shape);
    a.with_shape(shape)
}

/// Step `i` of a stacked value.
fn step(x: &Value, i: usize) -> Result<Value> {
    let shape = x.shape();
    let mut start = vec![0; shape.len()];
    let mut limit = shape.to_vec();
    start[0] = i;
    limit[0] = i + 1;
    let piece = lax::slice(x, &start, &limit, &vec![1; shape.len()])?;
    lax::reshape(&piece, &shape[1..])
}

impl Scan {
    fn split<'a, T>(&self, xs: &'a [T]) -> (&'a [T], &'a [T], &'a [T]) {
        let (c, rest) = xs.split_at(self.num_consts);
        let (k, x) = rest.split_at(self.num_carry);
        (c, k, x)
    }

    fn with(&self, body: Program, num_consts: usize, num_carry: usize, reverse: bool) -> Scan {
        Scan {
            body,
            num_consts,
            num_carry,
            length: self.length,
            reverse,
        }
    }

    /// Runs the scan on concrete operands, one body call per step.
    pub fn apply(&self, inputs: &[Value]) -> Result<Vec<Value>> {
        let (consts, carry, xs) = self.split(inputs);
        let mut carry = carry.to_vec();
        let n_y = self.body.out_avals().len() - self.num_carry;
        let mut ys: Vec<Vec<Value>> = vec![Vec::with_capacity(self.length); n_y];
        for k in 0..self.length {
            let i = if self.reverse { self.length - 1 - k } else { k };
            let mut ins = consts.to_vec();
            ins.extend(carry);
            for x in xs {
                ins.push(step(x, i)?);
            }
            let mut outs = self.body.call(&ins)?;
            let y = outs.split_off(self.num_carry);
            carry = outs;
            for (acc, y) in ys.iter_mut().zip(y) {
                acc.push(lax::expand_dims(&y, &[0])?);
            }
        }
        let y_avals = &self.body.out_avals()[self.num_carry..];
        for (acc, a) in ys.iter_mut().zip(y_avals) {
            if self.reverse {
                acc.reverse();
            }
            let stackedv = match acc.len() {
                0 => zeros(&stacked(a, 0))?,
                1 => acc[0].clone(),
                _ => lax::concatenate(acc, 0)?,
            };
            carry.push(stackedv);
        }
        Ok(carry)
    }
}

impl Primitive for Scan {
    fn name(&self) -> &'static str {
        "scan"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let all: Vec<Aval> = inputs.iter().map(|a| (*a).clone()).collect();
        if all.len() < self.num_consts + self.num_carry {
            return Err(Error::Type("scan: too few operands".into()));
        }
        let (c, k, x) = self.split(&all);
        let mut body_in = c.to_vec();
        body_in.extend_from_slice(k);
        for a in x {
            if a.shape.first() != Some(&self.length) {
                return Err(Error::Value(format!(
                    "scan: every xs must have leading axis of size length={}, got {}",
                    self.length,
                    a.describe()
                )));
            }
            body_in.push(a.with_shape(a.shape[1..].to_vec()));
        }
        check_types("scan: body inputs", &self.body.in_avals(), &body_in)?;
        let outs = self.body.out_avals();
        check_types(
            "scan: the body function must return the carry's type (input carry vs output carry)",
            k,
            &outs[..self.num_carry.min(outs.len())],
        )?;
        let mut res = k.to_vec();
        res.extend(
            outs[self.num_carry..]
                .iter()
                .map(|a| stacked(a, self.length)),
        );
        Ok(res)
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("length", self.length.to_string()),
            (
                "reverse",
                if self.reverse { "True" } else { "False" }.into(),
            ),
            ("jaxpr", self.body.to_string()),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let outs = bind(&self.clone().into(), primals)?;
        let (c, k, x) = self.split(primals);
        let (ct, kt, xt) = self.split(tangents);
        let live_c: Vec<usize> = (0..c.len()).filter(|&i| ct[i].is_some()).collect();
        let live_x: Vec<usize> = (0..x.len()).filter(|&i| xt[i].is_some()).collect();
        let diff_k: Vec<usize> = (0..k.len())
            .filter(|&i| differentiable(k[i].aval()))
            .collect();
        let out_avals = self.body.out_avals();
        let y_avals = &out_avals[self.num_carry..];
        let diff_y: Vec<usize> = (0..y_avals.len())
            .filter(|&i| differentiable(&y_avals[i]))
            .collect();
        let x_step: Vec<Aval> = self.body.in_avals()[c.len() + k.len()..].to_vec();
        let pick =
            |ids: &[usize], av: &[Aval]| ids.iter().map(|&i| av[i].clone()).collect::<Vec<_>>();
        let mut in_avals = avals(c);
        in_avals.extend(pick(&live_c, &avals(c)));
        in_avals.extend(avals(k));
        in_avals.extend(pick(&diff_k, &avals(k)));
        in_avals.extend(x_step.iter().cloned());
        in_avals.extend(pick(&live_x, &x_step));
        let (nc, nk, nx) = (c.len(), k.len(), x.len());
        let (body, hoisted) = stage(&in_avals, |ins| {
            let mut rest = ins.as_slice();
            let mut take = |n: usize| {
                let (a, b) = rest.split_at(n);
                rest = b;
                a.to_vec()
            };
            let (cp, ctl, kp, ktl, xp, xtl) = (
                take(nc),
                take(live_c.len()),
                take(nk),
                take(diff_k.len()),
                take(nx),
                take(live_x.len()),
            );
            let mut t_in: Vec<Option<Value>> = vec![None; nc + nk + nx];
            for (&i, t) in live_c.iter().zip(ctl) {
                t_in[i] = Some(t);
            }
            for (&i, t) in diff_k.iter().zip(ktl) {
                t_in[nc + i] = Some(t);
            }
            for (&i, t) in live_x.iter().zip(xtl) {
                t_in[nc + nk + i] = Some(t);
            }
            let p_in = [cp, kp, xp].concat();
            let (p_out, t_out) = jvp_inline(|xs| self.body.call(&xs), &p_in, &t_in)?;
            let mut res = p_out[..nk].to_vec();
            for &i in &diff_k {
                res.push(or_zeros(&t_out[i], &out_avals[i])?);
            }
            for &j in &diff_y {
                res.push(or_zeros(&t_out[nk + j], &y_avals[j])?);
            }
            Ok(res)
        })?;
        let tangent_scan = self.with(
            body,
            hoisted.len() + nc + live_c.len(),
            nk + diff_k.len(),
            self.reverse,
        );
        let mut ins = hoisted;
        ins.extend_from_slice(c);
        ins.extend(live_c.iter().filter_map(|&i| ct[i].clone()));
        ins.extend_from_slice(k);
        for &i in &diff_k {
            ins.push(or_zeros(&kt[i], k[i].aval())?);
        }
        ins.extend_from_slice(x);
        ins.extend(live_x.iter().filter_map(|&i| xt[i].clone()));
        let res = bind(&tangent_scan.into(), &ins)?;
        let mut out_t: Vec<Option<Value>> = vec![None; outs.len()];
        for (n, &i) in diff_k.iter().enumerate() {
            out_t[i] = Some(res[nk + n].clone());
        }
        for (n, &j) in diff_y.iter().enumerate() {
            out_t[nk + j] = Some(res[nk + diff_k.len() + n].clone());
        }
        Ok((outs, out_t))
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        // A carry whose update depends on linear inputs is linear, whatever its initial
        // value (a constant initial value only shifts the outputs, which cotangents ignore).
        let mut lin: Vec<bool> = args.iter().map(LinArg::is_linear).collect();
        loop {
            let dep = dependent_outputs(&self.body.0, &lin);
            let mut changed = false;
            for i in 0..self.num_carry {
                if dep[i] && !lin[self.num_consts + i] {
                    lin[self.num_consts + i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let promoted: Vec<LinArg> = args
            .iter()
            .zip(&lin)
            .map(|(a, &l)| {
                if l && !a.is_linear() {
                    LinArg::Linear(a.aval().clone())
                } else {
                    a.clone()
                }
            })
            .collect();
        let mut result = self.transpose_linear(cts, &promoted)?;
        for (r, a) in result.iter_mut().zip(args) {
            if !a.is_linear() {
                *r = None;
            }
        }
        Ok(result)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        self.batch_rule(args, dims, size)
    }
}

impl Scan {
    /// The transpose once every linear operand, carries included, is marked `Linear`.
    fn transpose_linear(
        &self,
        cts: &[Option<Value>],
        args: &[LinArg],
    ) -> Result<Vec<Option<Value>>> {
        let (ca, ka, xa) = self.split(args);
        let body = &self.body.0;
        let consts_nl: Vec<Value> = ca.iter().filter_map(known).collect();
        let carry_nl: Vec<Value> = ka.iter().filter_map(known).collect();
        let xs_nl: Vec<Value> = xa.iter().filter_map(known).collect();
        let lin_idx = |xs: &[LinArg]| {
            (0..xs.len())
                .filter(|&i| xs[i].is_linear())
                .collect::<Vec<_>>()
        };
        let (c_lin, k_lin, x_lin) = (lin_idx(ca), lin_idx(ka), lin_idx(xa));
        let nl_idx = |xs: &[LinArg]| {
            (0..xs.len())
                .filter(|&i| !xs[i].is_linear())
                .collect::<Vec<_>>()
        };
        let k_nl = nl_idx(ka);
        let in_avals = self.body.in_avals();
        let (nc, nk) = (ca.len(), ka.len());
        let x_step = &in_avals[nc + nk..];
        // Inputs of one body step: known values where non-linear, unknown where linear.
        let step_inputs = |c: &[Value], k: &[Value], x: &[Value]| -> Vec<Option<Value>> {
            let (mut c, mut k, mut x) = (c.iter(), k.iter(), x.iter());
            let mut v: Vec<Option<Value>> = Vec::with_capacity(args.len());
            v.extend(ca.iter().map(|a| {
                if a.is_linear() {
                    None
                } else {
                    c.next().cloned()
                }
            }));
            v.extend(ka.iter().map(|a| {
                if a.is_linear() {
                    None
                } else {
                    k.next().cloned()
                }
            }));
            v.extend(xa.iter().map(|a| {
                if a.is_linear() {
                    None
                } else {
                    x.next().cloned()
                }
            }));
            v
        };
        // 1. The non-linear carries of every step, by a forward scan over the known part.
        let residuals: Vec<Value> = if k_nl.is_empty() {
            Vec::new()
        } else {
            let nl_x_avals: Vec<Aval> = (0..xa.len())
                .filter(|&i| !xa[i].is_linear())
                .map(|i| x_step[i].clone())
                .collect();
            let fwd_in = [avals(&consts_nl), avals(&carry_nl), nl_x_avals].concat();
            let (fwd, hoisted) = stage(&fwd_in, |ins| {
                let (c, rest) = ins.split_at(consts_nl.len());
                let (k, x) = rest.split_at(carry_nl.len());
                let env = eval_known(body, &[], &step_inputs(c, k, x))?;
                let mut res = Vec::with_capacity(2 * k_nl.len());
                for &i in &k_nl {
                    res.push(match &body.outvars[i] {
                        Atom::Var(v) => env[v.0].clone().ok_or_else(|| {
                            Error::NotImplemented {
                                prim: "scan".into(),
                                rule: "transpose of a body whose non-linear carry depends on linear inputs".into(),
                            }
                        })?,
                        Atom::Lit(s, a) => Value::scalar(*s, a.dtype, a.weak),
                    });
                }
                res.extend(k.iter().cloned());
                Ok(res)
            })?;
            let scan = self.with(
                fwd,
                hoisted.len() + consts_nl.len(),
                carry_nl.len(),
                self.reverse,
            );
            let ins = [hoisted, consts_nl.clone(), carry_nl.clone(), xs_nl.clone()].concat();
            bind(&scan.into(), &ins)?.split_off(carry_nl.len())
        };
        // 2. The transposed body, run in the opposite direction.
        let out_avals = self.body.out_avals();
        let ct_vals: Vec<Value> = cts
            .iter()
            .zip(self.abstract_eval(&args.iter().map(LinArg::aval).collect::<Vec<_>>())?)
            .map(|(c, a)| or_zeros(c, &a))
            .collect::<Result<_>>()?;
        let (ct_carry, ct_ys) = ct_vals.split_at(nk);
        let acc0: Vec<Value> = c_lin
            .iter()
            .map(|&i| zeros(ca[i].aval()))
            .collect::<Result<_>>()?;
        let ctk0: Vec<Value> = k_lin.iter().map(|&i| ct_carry[i].clone()).collect();
        let step_avals = |vs: &[Value]| {
            vs.iter()
                .map(|v| v.aval().with_shape(v.shape()[1..].to_vec()))
                .collect::<Vec<_>>()
        };
        let t_in = [
            avals(&consts_nl),
            avals(&acc0),
            avals(&ctk0),
            step_avals(&xs_nl),
            step_avals(&residuals),
            step_avals(ct_ys),
        ]
        .concat();
        let (n_cnl, n_acc, n_ctk, n_xnl, n_res) = (
            consts_nl.len(),
            acc0.len(),
            ctk0.len(),
            xs_nl.len(),
            residuals.len(),
        );
        let (tbody, hoisted) = stage(&t_in, |ins| {
            let mut rest = ins.as_slice();
            let mut take = |n: usize| {
                let (a, b) = rest.split_at(n);
                rest = b;
                a.to_vec()
            };
            let (c, acc, ctk, x, res, cty) = (
                take(n_cnl),
                take(n_acc),
                take(n_ctk),
                take(n_xnl),
                take(n_res),
                take(cts.len() - nk),
            );
            let inputs = step_inputs(&c, &res, &x);
            let mut out_cts: Vec<Option<Value>> = vec![None; out_avals.len()];
            for (&i, ct) in k_lin.iter().zip(ctk) {
                out_cts[i] = Some(ct);
            }
            for (j, ct) in cty.into_iter().enumerate() {
                out_cts[nk + j] = Some(ct);
            }
            let cts_in = backward_pass(body, &[], &inputs, &out_cts)?;
            let mut res = Vec::with_capacity(n_acc + n_ctk + x_lin.len());
            for (&i, a) in c_lin.iter().zip(acc) {
                res.push(match &cts_in[i] {
                    Some(ct) => lax::binary(BinaryOp::Add, &a, ct)?,
                    None => a,
                });
            }
            for &i in &k_lin {
                res.push(or_zeros(&cts_in[nc + i], &in_avals[nc + i])?);
            }
            for &i in &x_lin {
                res.push(or_zeros(&cts_in[nc + nk + i], &in_avals[nc + nk + i])?);
            }
            Ok(res)
        })?;
        let scan = self.with(tbody, hoisted.len() + n_cnl, n_acc + n_ctk, !self.reverse);
        let ins = [
            hoisted,
            consts_nl,
            acc0,
            ctk0,
            xs_nl,
            residuals,
            ct_ys.to_vec(),
        ]
        .concat();
        let outs = bind(&scan.into(), &ins)?;
        let (acc, rest) = outs.split_at(n_acc);
        let (ctk, ctx) = rest.split_at(n_ctk);
        let mut result: Vec<Option<Value>> = vec![None; args.len()];
        for (&i, v) in c_lin.iter().zip(acc) {
            result[i] = Some(v.clone());
        }
        for (&i, v) in k_lin.iter().zip(ctk) {
            result[nc + i] = Some(v.clone());
        }
        for (&i, v) in x_lin.iter().zip(ctx) {
            result[nc + nk + i] = Some(v.clone());
        }
        Ok(result)
    }

    /// The batching rule: see the module documentation.
    fn batch_rule(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let (c, k, x) = self.split(args);
        let (cd, kd, xd) = self.split(dims);
        let c: Vec<Value> = c
            .iter()
            .zip(cd)
            .map(|(v, d)| match d {
                Some(d) => move_axis(v, *d, 0),
                None => Ok(v.clone()),
            })
            .collect::<Result<_>>()?;
        let x: Vec<Value> = x
            .iter()
            .zip(xd)
            .map(|(v, d)| match d {
                Some(d) => move_axis(v, *d, 1),
                None => Ok(v.clone()),
            })
            .collect::<Result<_>>()?;
        let n_y = self.body.out_avals().len() - k.len();
        let mut kb: Vec<bool> = kd.iter().map(Option::is_some).collect();
        loop {
            let carry: Vec<Value> = k
                .iter()
                .zip(kd)
                .zip(&kb)
                .map(|((v, d), &b)| {
                    if b {
                        at_front(v, *d, size)
                    } else {
                        Ok(v.clone())
                    }
                })
                .collect::<Result<_>>()?;
            let step_avals: Vec<Aval> = x
                .iter()
                .zip(xd)
                .map(|(v, d)| {
                    let mut s = v.shape()[1..].to_vec();
                    if d.is_some() {
                        s[0] = size;
                    }
                    v.aval().with_shape(s)
                })
                .collect();
            let in_dims: Vec<Option<usize>> = cd
                .iter()
                .map(|d| d.map(|_| 0))
                .chain(kb.iter().map(|&b| b.then_some(0)))
                .chain(xd.iter().map(|d| d.map(|_| 0)))
                .collect();
            let in_avals = [avals(&c), avals(&carry), step_avals].concat();
            let mut grown = kb.clone();
            let mut y_batched = vec![false; n_y];
            let (body, hoisted) = stage(&in_avals, |ins| {
                let (outs, od) = batch_inline(|xs| self.body.call(&xs), &ins, &in_dims, size)?;
                let mut res = Vec::with_capacity(outs.len());
                for (i, (o, d)) in outs.iter().zip(&od).enumerate() {
                    if i < k.len() {
                        grown[i] |= d.is_some();
                        res.push(if kb[i] {
                            at_front(o, *d, size)?
                        } else {
                            o.clone()
                        });
                    } else {
                        y_batched[i - k.len()] = d.is_some();
                        res.push(match d {
                            Some(d) => move_axis(o, *d, 0)?,
                            None => o.clone(),
                        });
                    }
                }
                Ok(res)
            })?;
            if grown != kb {
                kb = grown;
                continue;
            }
            let scan = self.with(body, hoisted.len() + c.len(), k.len(), self.reverse);
            let ins = [hoisted, c.clone(), carry, x.clone()].concat();
            let outs = bind(&scan.into(), &ins)?;
            let out_dims = kb
                .iter()
                .map(|&b| b.then_some(0))
                .chain(y_batched.iter().map(|&b| b.then_some(1)))
                .collect();
            return Ok((outs, out_dims));
        }
    }
}

fn known(a: &LinArg) -> Option<Value> {
    match a {
        LinArg::Const(v) => Some(v.clone()),
        LinArg::Linear(_) => None,
    }
}

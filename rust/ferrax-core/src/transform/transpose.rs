//! The backward pass: transposes a linear program, equation by equation in reverse, using
//! each primitive's transpose rule. Cotangents are bound like any operation, so the backward
//! pass composes with outer transformations (`grad` of `grad`).

use crate::error::{Error, Result};
use crate::ir::{Atom, Jaxpr};
use crate::ops::lax;
use crate::prim::ad::zeros;
use crate::prim::{BinaryOp, LinArg, Primitive};

use crate::shape::fmt_shape;
use crate::trace::bind;
use crate::transform::Linearized;
use crate::value::Value;

fn accumulate(slot: &mut Option<Value>, ct: Value) -> Result<()> {
    *slot = Some(match slot.take() {
        Some(prev) => lax::binary(BinaryOp::Add, &prev, &ct)?,
        None => ct,
    });
    Ok(())
}

fn check_cotangent(i: usize, want: &crate::aval::Aval, got: &Value) -> Result<()> {
    if want.shape != got.shape() || want.dtype != got.dtype() {
        return Err(crate::value_err!(
            "vjp: cotangent {i} must have shape {} and dtype {} (like the output), got shape {} \
             and dtype {}",
            fmt_shape(&want.shape),
            want.dtype,
            fmt_shape(got.shape()),
            got.dtype()
        ));
    }
    Ok(())
}

/// Maps cotangents of the outputs to cotangents of the inputs (zeros where none flows).
pub fn backward(lin: &Linearized, cts: &[Value]) -> Result<Vec<Value>> {
    if cts.len() != lin.out_avals.len() {
        return Err(crate::value_err!(
            "vjp: expected {} cotangents (one per output), got {}",
            lin.out_avals.len(),
            cts.len()
        ));
    }
    for (i, (a, ct)) in lin.out_avals.iter().zip(cts).enumerate() {
        check_cotangent(i, a, ct)?;
    }
    let j: &Jaxpr = &lin.linear.jaxpr;
    let inputs = vec![None; j.invars.len()];
    let cts: Vec<Option<Value>> = cts.iter().cloned().map(Some).collect();
    let cts_in = backward_pass(j, &lin.linear.consts, &inputs, &cts)?;
    j.invars
        .iter()
        .zip(cts_in)
        .map(|(v, ct)| match ct {
            Some(ct) => Ok(ct),
            None => zeros(&j.avals[v.0]),
        })
        .collect()
}

/// Evaluates the equations of `j` whose operands are all known (`Some`), leaving every value
/// that depends on an unknown input `None`: the non-linear part of a partially linear program.
pub fn eval_known(
    j: &Jaxpr,
    consts: &[Value],
    inputs: &[Option<Value>],
) -> Result<Vec<Option<Value>>> {
    let mut known: Vec<Option<Value>> = vec![None; j.avals.len()];
    for (v, c) in j.constvars.iter().zip(consts) {
        known[v.0] = Some(c.clone());
    }
    for (v, x) in j.invars.iter().zip(inputs) {
        known[v.0] = x.clone();
    }
    for eqn in &j.eqns {
        let ins: Option<Vec<Value>> = eqn.inputs.iter().map(|a| read(&known, a).ok()).collect();
        if let Some(ins) = ins {
            for (o, v) in eqn.outputs.iter().zip(bind(&eqn.prim, &ins)?) {
                known[o.0] = Some(v);
            }
        }
    }
    Ok(known)
}

/// Transposes `j` with respect to its linear inputs (the `None` entries of `inputs`; the
/// others are known values): cotangents of the outputs in (`None`: zero), cotangents of the
/// inputs out (`None` for known inputs and for linear ones no cotangent reached).
pub fn backward_pass(
    j: &Jaxpr,
    consts: &[Value],
    inputs: &[Option<Value>],
    cts: &[Option<Value>],
) -> Result<Vec<Option<Value>>> {
    let known = eval_known(j, consts, inputs)?;
    let n = j.avals.len();
    let mut linear = vec![false; n];
    for (v, x) in j.invars.iter().zip(inputs) {
        linear[v.0] = x.is_none();
    }
    let is_linear = |linear: &Vec<bool>, a: &Atom| matches!(a, Atom::Var(v) if linear[v.0]);
    for eqn in &j.eqns {
        if eqn.inputs.iter().any(|a| is_linear(&linear, a)) {
            for o in &eqn.outputs {
                linear[o.0] = true;
            }
        }
    }
    let mut ct_env: Vec<Option<Value>> = vec![None; n];
    for (a, ct) in j.outvars.iter().zip(cts) {
        if let (Atom::Var(v), Some(ct)) = (a, ct) {
            if linear[v.0] {
                accumulate(&mut ct_env[v.0], ct.clone())?;
            }
        }
    }
    for eqn in j.eqns.iter().rev() {
        if !eqn.outputs.iter().any(|o| linear[o.0]) {
            continue;
        }
        let cts_out: Vec<Option<Value>> = eqn.outputs.iter().map(|o| ct_env[o.0].take()).collect();
        if cts_out.iter().all(Option::is_none) {
            continue;
        }
        let args = eqn
            .inputs
            .iter()
            .map(|a| match a {
                Atom::Var(v) if linear[v.0] => Ok(LinArg::Linear(j.avals[v.0].clone())),
                other => read(&known, other).map(LinArg::Const),
            })
            .collect::<Result<Vec<_>>>()?;
        let cts_in = eqn.prim.transpose(&cts_out, &args)?;
        for (a, ct) in eqn.inputs.iter().zip(cts_in) {
            if let (Atom::Var(v), Some(ct)) = (a, ct) {
                if linear[v.0] {
                    accumulate(&mut ct_env[v.0], ct)?;
                }
            }
        }
    }
    Ok(j.invars
        .iter()
        .map(|v| {
            if linear[v.0] {
                ct_env[v.0].take()
            } else {
                None
            }
        })
        .collect())
}

fn read(known: &[Option<Value>], a: &Atom) -> Result<Value> {
    match a {
        Atom::Lit(s, aval) => Ok(Value::scalar(*s, aval.dtype, aval.weak)),
        Atom::Var(v) => known[v.0]
            .clone()
            .ok_or_else(|| Error::Backend(format!("backward pass: variable {} has no value", v.0))),
    }
}

//! Evaluates a program by binding each equation: under no transformation this runs it on the
//! backend, under one it re-traces it (which is how staged programs compose).

use super::{Atom, ClosedJaxpr, Jaxpr};
use crate::error::{Error, Result};
use crate::trace::bind;
use crate::value::Value;

/// Runs `closed` on `args`, equation by equation.
pub fn eval_jaxpr(closed: &ClosedJaxpr, args: &[Value]) -> Result<Vec<Value>> {
    eval_open(&closed.jaxpr, &closed.consts, args)
}

/// Runs `jaxpr` with its constants bound to `consts` on `args`, equation by equation.
pub fn eval_open(jaxpr: &Jaxpr, consts: &[Value], args: &[Value]) -> Result<Vec<Value>> {
    if args.len() != jaxpr.invars.len() {
        return Err(crate::type_err!(
            "the program takes {} arguments, got {}",
            jaxpr.invars.len(),
            args.len()
        ));
    }
    let mut env: Vec<Option<Value>> = vec![None; jaxpr.avals.len()];
    for (v, c) in jaxpr.constvars.iter().zip(consts) {
        env[v.0] = Some(c.clone());
    }
    for (v, a) in jaxpr.invars.iter().zip(args) {
        env[v.0] = Some(a.clone());
    }
    let read = |env: &Vec<Option<Value>>, atom: &Atom| -> Result<Value> {
        match atom {
            Atom::Var(v) => env[v.0].clone().ok_or_else(|| {
                Error::Backend(format!("variable {} read before its definition", v.0))
            }),
            Atom::Lit(s, aval) => Ok(Value::scalar(*s, aval.dtype, aval.weak)),
        }
    };
    for eqn in &jaxpr.eqns {
        let ins = eqn
            .inputs
            .iter()
            .map(|a| read(&env, a))
            .collect::<Result<Vec<_>>>()?;
        let outs = bind(&eqn.prim, &ins)?;
        for (v, o) in eqn.outputs.iter().zip(outs) {
            env[v.0] = Some(o);
        }
    }
    jaxpr.outvars.iter().map(|a| read(&env, a)).collect()
}

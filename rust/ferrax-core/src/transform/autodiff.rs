//! `jvp`, `linearize` and `vjp` over closures of values, so native callers need no Python.

use std::cell::RefCell;

use crate::aval::Aval;
use crate::error::Error;
use crate::ir::{eval_jaxpr, ClosedJaxpr};
use crate::prim::ad::{differentiable, zeros};
use crate::trace::{jvp_tracer, trace_to_linear, unpack_jvp, JvpGuard};
use crate::value::Value;

type Res<T, E> = std::result::Result<T, E>;

fn check_tangent(primal: &Aval, tangent: &Aval) -> crate::error::Result<()> {
    if primal.shape != tangent.shape || primal.dtype != tangent.dtype {
        return Err(crate::value_err!(
            "jvp: primal and tangent must have the same shape and dtype, got {} and {}",
            primal.describe(),
            tangent.describe()
        ));
    }
    Ok(())
}

/// Forward mode: `f(primals)` and its derivative applied to `tangents`.
pub fn jvp<E: From<Error>>(
    f: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    primals: &[Value],
    tangents: &[Value],
) -> Res<(Vec<Value>, Vec<Value>), E> {
    for (p, t) in primals.iter().zip(tangents) {
        check_tangent(p.aval(), t.aval())?;
    }
    let guard = JvpGuard::new();
    let level = guard.level;
    let ins = primals
        .iter()
        .zip(tangents)
        .map(|(p, t)| {
            let live = differentiable(p.aval());
            jvp_tracer(level, p.clone(), live.then(|| t.clone()))
        })
        .collect();
    let outs = f(ins)?;
    drop(guard);
    let mut out_p = Vec::with_capacity(outs.len());
    let mut out_t = Vec::with_capacity(outs.len());
    for o in &outs {
        let (p, t) = unpack_jvp(level, o);
        out_t.push(match t {
            Some(t) => t,
            None => zeros(p.aval())?,
        });
        out_p.push(p);
    }
    Ok((out_p, out_t))
}

/// A function linearized at a point: the tangent map as a staged linear program whose
/// constants are the residuals of the forward pass.
#[derive(Clone, Debug)]
pub struct Linearized {
    /// The linear program: tangents of the inputs in, tangents of the outputs out.
    pub linear: ClosedJaxpr,
    /// Abstract values of the inputs (what tangents and cotangents must look like).
    pub in_avals: Vec<Aval>,
    /// Abstract values of the outputs.
    pub out_avals: Vec<Aval>,
}

impl Linearized {
    /// Applies the tangent map (forward mode, from the recorded program).
    pub fn jvp(&self, tangents: &[Value]) -> crate::error::Result<Vec<Value>> {
        for (a, t) in self.in_avals.iter().zip(tangents) {
            check_tangent(a, t.aval())?;
        }
        eval_jaxpr(&self.linear, tangents)
    }
}

/// Runs `f` at `primals` now and records its linear part.
pub fn linearize<E: From<Error>>(
    f: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    primals: &[Value],
) -> Res<(Vec<Value>, Linearized), E> {
    let in_avals: Vec<Aval> = primals.iter().map(|p| p.aval().clone()).collect();
    let out_primals: RefCell<Vec<Value>> = RefCell::new(Vec::new());
    let linear = trace_to_linear(&in_avals, |tangents| -> Res<Vec<Value>, E> {
        let guard = JvpGuard::new();
        let level = guard.level;
        let ins = primals
            .iter()
            .zip(tangents)
            .map(|(p, t)| {
                let live = differentiable(p.aval());
                jvp_tracer(level, p.clone(), live.then_some(t))
            })
            .collect();
        let outs = f(ins)?;
        drop(guard);
        let mut tangents_out = Vec::with_capacity(outs.len());
        let mut primals_out = Vec::with_capacity(outs.len());
        for o in &outs {
            let (p, t) = unpack_jvp(level, o);
            tangents_out.push(match t {
                Some(t) => t,
                None => zeros(p.aval())?,
            });
            primals_out.push(p);
        }
        *out_primals.borrow_mut() = primals_out;
        Ok(tangents_out)
    })?;
    let outs = out_primals.into_inner();
    let out_avals = outs.iter().map(|o| o.aval().clone()).collect();
    Ok((
        outs,
        Linearized {
            linear,
            in_avals,
            out_avals,
        },
    ))
}

/// Reverse mode: `f(primals)` and the linear program whose transpose maps output
/// cotangents to input cotangents ([`crate::transform::backward`]).
pub fn vjp<E: From<Error>>(
    f: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    primals: &[Value],
) -> Res<(Vec<Value>, Linearized), E> {
    linearize(f, primals)
}

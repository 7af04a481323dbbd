//! Higher-order primitives whose parameters are sub-programs: `pjit` (a staged call, what
//! `jit` binds), `cond`, `while` and `scan`. Each sub-program is an open [`Jaxpr`] without
//! constants: values a branch or body closes over are hoisted into explicit operands, so
//! every trace sees them (a closed-over tracer of an outer `grad` must reach that trace).
//!
//! The rules here stage new sub-programs (the JVP of a body, its transpose, its batched form)
//! by running the old one under the corresponding trace inside [`stage`].

mod call;
mod cond;
mod scan;
mod while_loop;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

pub use call::Call;
pub use cond::Cond;
pub use scan::Scan;
pub use while_loop::While;

use super::batching::{at_front, BatchResult};
use super::JvpResult;
use crate::aval::Aval;
use crate::error::{Error, Result};
use crate::ir::{eval_open, ClosedJaxpr, Jaxpr};
use crate::trace::{
    batch_tracer, jvp_tracer, trace_to_jaxpr, unpack_batch, unpack_jvp, BatchGuard, JvpGuard,
};
use crate::value::Value;

/// A sub-program parameter: compared and hashed by identity (a staged program is immutable
/// and shared), printed as its jaxpr.
#[derive(Clone)]
pub struct Program(pub Arc<Jaxpr>);

impl Program {
    /// Abstract values of the inputs.
    pub fn in_avals(&self) -> Vec<Aval> {
        self.0
            .invars
            .iter()
            .map(|v| self.0.avals[v.0].clone())
            .collect()
    }

    /// Abstract values of the outputs.
    pub fn out_avals(&self) -> Vec<Aval> {
        self.0
            .outvars
            .iter()
            .map(|a| self.0.atom_aval(a).clone())
            .collect()
    }

    /// Runs the program on `args` by binding each equation (eagerly at the bottom of the
    /// stack, re-traced under any transformation).
    pub fn call(&self, args: &[Value]) -> Result<Vec<Value>> {
        eval_open(&self.0, &[], args)
    }
}

impl PartialEq for Program {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Program {}

impl Hash for Program {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.0) as usize).hash(state);
    }
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Program({})", self.0)
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Turns a closed program into an open one whose leading inputs are its former constants,
/// returned beside it.
pub fn hoist(closed: ClosedJaxpr) -> (Program, Vec<Value>) {
    let ClosedJaxpr { mut jaxpr, consts } = closed;
    let mut invars = std::mem::take(&mut jaxpr.constvars);
    invars.append(&mut jaxpr.invars);
    jaxpr.invars = invars;
    (Program(Arc::new(jaxpr)), consts)
}

/// Stages `f` over fresh inputs of `in_avals` into an open program plus the values it closes
/// over (to be passed as its leading operands).
pub fn stage<E: From<Error>>(
    in_avals: &[Aval],
    f: impl FnOnce(Vec<Value>) -> std::result::Result<Vec<Value>, E>,
) -> std::result::Result<(Program, Vec<Value>), E> {
    Ok(hoist(trace_to_jaxpr(in_avals, f)?))
}

/// Inserts unused inputs into `p`: `before` ahead of its first input and `after` behind
/// input `at`, so that programs with different hoisted constants share one operand list.
pub fn pad_inputs(p: &Program, before: &[Aval], at: usize, after: &[Aval]) -> Program {
    if before.is_empty() && after.is_empty() {
        return p.clone();
    }
    let mut j = (*p.0).clone();
    let mut fresh = |aval: &Aval| {
        j.avals.push(aval.clone());
        crate::ir::Var(j.avals.len() - 1)
    };
    let pre: Vec<_> = before.iter().map(&mut fresh).collect();
    let post: Vec<_> = after.iter().map(&mut fresh).collect();
    let mut invars = pre;
    invars.extend_from_slice(&j.invars[..at]);
    invars.extend(post);
    invars.extend_from_slice(&j.invars[at..]);
    j.invars = invars;
    Program(Arc::new(j))
}

/// Runs `f` under a fresh JVP trace on `primals` with `tangents` (`None`: zero), returning
/// the outputs and their tangents: the JVP of `f` without a rule of its own (inlining).
pub fn jvp_inline(
    f: impl FnOnce(Vec<Value>) -> Result<Vec<Value>>,
    primals: &[Value],
    tangents: &[Option<Value>],
) -> JvpResult {
    let guard = JvpGuard::new();
    let level = guard.level;
    let ins = primals
        .iter()
        .zip(tangents)
        .map(|(p, t)| jvp_tracer(level, p.clone(), t.clone()))
        .collect();
    let outs = f(ins)?;
    drop(guard);
    Ok(outs.iter().map(|o| unpack_jvp(level, o)).unzip())
}

/// Runs `f` under a fresh batch trace on `args` batched at `dims`, returning outputs with
/// their batch dimensions: the batching of `f` without a rule of its own.
pub fn batch_inline(
    f: impl FnOnce(Vec<Value>) -> Result<Vec<Value>>,
    args: &[Value],
    dims: &[Option<usize>],
    size: usize,
) -> BatchResult {
    let guard = BatchGuard::new(size);
    let level = guard.level;
    let ins = args
        .iter()
        .zip(dims)
        .map(|(a, d)| batch_tracer(level, a.clone(), *d))
        .collect();
    let outs = f(ins)?;
    drop(guard);
    Ok(outs.iter().map(|o| unpack_batch(level, o)).unzip())
}

/// Batches `p` with inputs batched at dimension 0 where `batched` says so, returning the
/// batched program (outputs at dimension 0 where batched, or everywhere `force` says) and
/// which outputs are batched.
pub fn batch_program(
    p: &Program,
    batched: &[bool],
    force: &[bool],
    size: usize,
) -> Result<(Program, Vec<Value>, Vec<bool>)> {
    let in_avals: Vec<Aval> = p
        .in_avals()
        .iter()
        .zip(batched)
        .map(|(a, &b)| if b { with_batch(a, size) } else { a.clone() })
        .collect();
    let mut out_batched = Vec::new();
    let (prog, consts) = stage(&in_avals, |ins| {
        let dims: Vec<Option<usize>> = batched.iter().map(|&b| b.then_some(0)).collect();
        let (outs, out_dims) = batch_inline(|xs| p.call(&xs), &ins, &dims, size)?;
        let mut fixed = Vec::with_capacity(outs.len());
        for (i, (o, d)) in outs.iter().zip(&out_dims).enumerate() {
            let want = d.is_some() || force.get(i).copied().unwrap_or(false);
            out_batched.push(want);
            fixed.push(if want {
                at_front(o, *d, size)?
            } else {
                o.clone()
            });
        }
        Ok(fixed)
    })?;
    Ok((prog, consts, out_batched))
}

/// Which outputs of `j` depend on the inputs flagged in `inputs`.
pub fn dependent_outputs(j: &Jaxpr, inputs: &[bool]) -> Vec<bool> {
    let mut dep = vec![false; j.avals.len()];
    for (v, &d) in j.invars.iter().zip(inputs) {
        dep[v.0] = d;
    }
    let hit =
        |dep: &Vec<bool>, a: &crate::ir::Atom| matches!(a, crate::ir::Atom::Var(v) if dep[v.0]);
    for eqn in &j.eqns {
        if eqn.inputs.iter().any(|a| hit(&dep, a)) {
            for o in &eqn.outputs {
                dep[o.0] = true;
            }
        }
    }
    j.outvars.iter().map(|a| hit(&dep, a)).collect()
}

/// `aval` with a leading batch dimension of `size`.
pub fn with_batch(aval: &Aval, size: usize) -> Aval {
    let mut shape = vec![size];
    shape.extend_from_slice(&aval.shape);
    aval.with_shape(shape)
}

/// Checks that two lists of abstract values agree in shape and dtype, naming `what`.
pub fn check_types(what: &str, want: &[Aval], got: &[Aval]) -> Result<()> {
    let same = want.len() == got.len()
        && want
            .iter()
            .zip(got)
            .all(|(a, b)| a.shape == b.shape && a.dtype == b.dtype);
    if same {
        return Ok(());
    }
    let show = |xs: &[Aval]| {
        let parts: Vec<String> = xs.iter().map(Aval::to_string).collect();
        format!("({})", parts.join(", "))
    };
    Err(Error::Type(format!(
        "{what}: {} vs {}",
        show(want),
        show(got)
    )))
}

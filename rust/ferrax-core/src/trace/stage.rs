//! The staging trace: records primitives into the IR with abstract values (`make_jaxpr`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use super::{pop, push, set_dynamic, MainTrace};
use crate::aval::Aval;
use crate::error::Result;
use crate::ir::{Atom, ClosedJaxpr, Eqn, Jaxpr, Var};
use crate::prim::{Prim, Primitive};
use crate::value::{Payload, Tracer, Value};

/// The program being recorded by one staging trace.
#[derive(Default)]
pub struct StageBuilder {
    avals: Vec<Aval>,
    eqns: Vec<Eqn>,
    consts: Vec<(Var, Value)>,
    const_index: HashMap<usize, Var>,
    invars: Vec<Var>,
    labels: Vec<String>,
}

impl StageBuilder {
    fn new_var(&mut self, aval: Aval) -> Var {
        self.avals.push(aval);
        Var(self.avals.len() - 1)
    }

    /// The atom standing for an input: own tracers by variable, anything else (concrete data,
    /// tracers of outer traces) as a literal scalar or a captured constant.
    fn atom(&mut self, level: usize, v: &Value) -> Atom {
        if let Value::Tracer(t) = v {
            if t.level == level {
                if let Payload::Stage(var) = &t.payload {
                    return Atom::Var(*var);
                }
            }
        }
        if let Value::Concrete(c) = v {
            if c.aval.shape.is_empty() {
                if let Some(s) = c.data().ok().and_then(|d| d.get(0)) {
                    return Atom::Lit(s, c.aval.clone());
                }
            }
        }
        let key = match v {
            Value::Concrete(c) => Arc::as_ptr(c) as usize,
            Value::Tracer(t) => Arc::as_ptr(t) as usize,
        };
        if let Some(var) = self.const_index.get(&key) {
            return Atom::Var(*var);
        }
        let var = self.new_var(v.aval().clone());
        self.consts.push((var, v.clone()));
        self.const_index.insert(key, var);
        Atom::Var(var)
    }
}

pub(super) fn process(
    builder: &Rc<RefCell<StageBuilder>>,
    level: usize,
    prim: &Prim,
    inputs: &[Value],
) -> Result<Vec<Value>> {
    let in_avals: Vec<&Aval> = inputs.iter().map(Value::aval).collect();
    let out_avals = prim.abstract_eval(&in_avals)?;
    let mut b = builder.borrow_mut();
    let atoms = inputs.iter().map(|v| b.atom(level, v)).collect();
    let mut outputs = Vec::with_capacity(out_avals.len());
    let mut values = Vec::with_capacity(out_avals.len());
    for aval in out_avals {
        let var = b.new_var(aval.clone());
        outputs.push(var);
        values.push(Value::Tracer(Arc::new(Tracer {
            level,
            aval,
            payload: Payload::Stage(var),
        })));
    }
    b.eqns.push(Eqn {
        prim: prim.clone(),
        inputs: atoms,
        outputs,
    });
    Ok(values)
}

/// Pops the staging trace (and restores the dynamic level) even when tracing fails.
struct StageGuard {
    previous_dynamic: usize,
}

impl Drop for StageGuard {
    fn drop(&mut self) {
        set_dynamic(self.previous_dynamic);
        pop();
    }
}

/// Stages `f` applied to fresh tracers of `in_avals` into a closed program. Every operation
/// inside, including ones that do not depend on the inputs, is recorded.
pub fn trace_to_jaxpr<E>(
    in_avals: &[Aval],
    f: impl FnOnce(Vec<Value>) -> std::result::Result<Vec<Value>, E>,
) -> std::result::Result<ClosedJaxpr, E>
where
    E: From<crate::error::Error>,
{
    stage(in_avals, Vec::new(), true, f)
}

/// Stages `f` for `jit`: operations that do not depend on the inputs run now and enter the
/// program as constants (folded once, at staging). `labels` name the inputs (the argument
/// paths), for errors about values that depend on them.
pub fn trace_for_jit<E>(
    in_avals: &[Aval],
    labels: Vec<String>,
    f: impl FnOnce(Vec<Value>) -> std::result::Result<Vec<Value>, E>,
) -> std::result::Result<ClosedJaxpr, E>
where
    E: From<crate::error::Error>,
{
    stage(in_avals, labels, false, f)
}

/// For a value traced by a staging trace with labelled inputs (`jit`), the labels of the
/// inputs it depends on, e.g. `x, params['w']`.
pub fn provenance(v: &Value) -> Option<String> {
    let Value::Tracer(t) = v else {
        return None;
    };
    let var = match &t.payload {
        Payload::Stage(var) => *var,
        Payload::Jvp { primal, .. } => return provenance(primal),
        Payload::Batch { val, .. } => return provenance(val),
    };
    let Some(MainTrace::Stage(builder)) = super::main_at(t.level) else {
        return None;
    };
    let b = builder.try_borrow().ok()?;
    if b.labels.is_empty() {
        return None;
    }
    let mut needed = vec![false; b.avals.len()];
    needed[var.0] = true;
    for eqn in b.eqns.iter().rev() {
        if eqn.outputs.iter().any(|o| needed[o.0]) {
            for a in &eqn.inputs {
                if let Atom::Var(i) = a {
                    needed[i.0] = true;
                }
            }
        }
    }
    let names: Vec<&str> = b
        .invars
        .iter()
        .zip(&b.labels)
        .filter(|(v, _)| needed[v.0])
        .map(|(_, l)| l.as_str())
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// Stages only the operations that depend on the inputs; everything else runs now and enters
/// the program as constants. This records the linear (tangent) part of `linearize`.
pub fn trace_to_linear<E>(
    in_avals: &[Aval],
    f: impl FnOnce(Vec<Value>) -> std::result::Result<Vec<Value>, E>,
) -> std::result::Result<ClosedJaxpr, E>
where
    E: From<crate::error::Error>,
{
    stage(in_avals, Vec::new(), false, f)
}

fn stage<E>(
    in_avals: &[Aval],
    labels: Vec<String>,
    dynamic: bool,
    f: impl FnOnce(Vec<Value>) -> std::result::Result<Vec<Value>, E>,
) -> std::result::Result<ClosedJaxpr, E>
where
    E: From<crate::error::Error>,
{
    let builder = Rc::new(RefCell::new(StageBuilder {
        labels,
        ..StageBuilder::default()
    }));
    let level = push(MainTrace::Stage(builder.clone()));
    let current = set_dynamic(0);
    set_dynamic(current);
    let guard = StageGuard {
        previous_dynamic: set_dynamic(if dynamic { level } else { current }),
    };
    let tracers = {
        let mut b = builder.borrow_mut();
        in_avals
            .iter()
            .map(|aval| {
                let var = b.new_var(aval.clone());
                b.invars.push(var);
                Value::Tracer(Arc::new(Tracer {
                    level,
                    aval: aval.clone(),
                    payload: Payload::Stage(var),
                }))
            })
            .collect()
    };
    let outs = f(tracers)?;
    let outvars: Vec<Atom> = {
        let mut b = builder.borrow_mut();
        outs.iter().map(|v| b.atom(level, v)).collect()
    };
    drop(guard);
    let b = builder.take();
    let (constvars, consts) = b.consts.into_iter().unzip();
    Ok(ClosedJaxpr {
        jaxpr: Jaxpr {
            avals: b.avals,
            constvars,
            invars: b.invars,
            eqns: b.eqns,
            outvars,
        },
        consts,
    })
}

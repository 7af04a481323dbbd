//! User-defined derivative rules (`custom_jvp`, `custom_vjp`).
//!
//! A custom function runs as itself under every trace except forward-mode differentiation,
//! where its rule replaces the derivative of its body. For `custom_vjp` the rule's forward
//! half runs now and the tangent map is recorded as [`CustomVjpLinear`], a primitive whose
//! transpose is the user's backward function, so `vjp`/`grad` call it and forward mode
//! reports that it cannot.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::aval::Aval;
use crate::error::{Error, Result};
use crate::prim::ad::{differentiable, zeros};
use crate::prim::{JvpResult, LinArg, Primitive};
use crate::trace::{bind, innermost_jvp_level, jvp_tracer, unpack_jvp};
use crate::value::Value;

type Res<T, E> = std::result::Result<T, E>;

/// The primal inputs and tangents (zeros materialized) of values at a JVP level.
fn split(level: usize, args: &[Value]) -> Result<(Vec<Value>, Vec<Value>, bool)> {
    let mut primals = Vec::with_capacity(args.len());
    let mut tangents = Vec::with_capacity(args.len());
    let mut any = false;
    for a in args {
        let (p, t) = unpack_jvp(level, a);
        any |= t.is_some();
        tangents.push(match t {
            Some(t) => t,
            None => zeros(p.aval())?,
        });
        primals.push(p);
    }
    Ok((primals, tangents, any))
}

/// Calls a function with a custom JVP rule: `rule(primals, tangents) -> (outs, out_tangents)`
/// is used when the innermost transformation of `args` is forward-mode differentiation.
pub fn custom_jvp_call<E: From<Error>>(
    args: &[Value],
    fun: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    rule: impl FnOnce(Vec<Value>, Vec<Value>) -> Res<(Vec<Value>, Vec<Value>), E>,
) -> Res<Vec<Value>, E> {
    let Some(level) = innermost_jvp_level(args) else {
        return fun(args.to_vec());
    };
    let (primals, tangents, any) = split(level, args)?;
    if !any {
        return custom_jvp_call(&primals, fun, rule);
    }
    let (outs, touts) = rule(primals, tangents)?;
    if outs.len() != touts.len() {
        return Err(Error::Type(format!(
            "custom_jvp: the rule returned {} outputs and {} tangents",
            outs.len(),
            touts.len()
        ))
        .into());
    }
    for (o, t) in outs.iter().zip(&touts) {
        if o.shape() != t.shape() {
            return Err(Error::Type(format!(
                "custom_jvp: the rule's tangent {} does not match its output {}",
                t.aval().describe(),
                o.aval().describe()
            ))
            .into());
        }
    }
    Ok(outs
        .into_iter()
        .zip(touts)
        .map(|(p, t)| {
            let live = differentiable(p.aval());
            jvp_tracer(level, p, live.then_some(t))
        })
        .collect())
}

/// The backward function of a `custom_vjp`: residuals and output cotangents to input
/// cotangents.
pub type BackwardFn = dyn Fn(&[Value], &[Value]) -> Result<Vec<Value>> + Send + Sync;

/// Calls a function with a custom VJP: `fwd(primals) -> (outs, residuals)` and `bwd`.
pub fn custom_vjp_call<E: From<Error>>(
    args: &[Value],
    fun: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    fwd: impl FnOnce(Vec<Value>) -> Res<(Vec<Value>, Vec<Value>), E>,
    bwd: Arc<BackwardFn>,
) -> Res<Vec<Value>, E> {
    let Some(level) = innermost_jvp_level(args) else {
        return fun(args.to_vec());
    };
    let (primals, tangents, any) = split(level, args)?;
    if !any {
        return custom_vjp_call(&primals, fun, fwd, bwd);
    }
    let in_avals = primals.iter().map(|p| p.aval().clone()).collect();
    let (outs, residuals) = fwd(primals)?;
    let lin = CustomVjpLinear {
        bwd,
        residuals: Arc::new(residuals),
        in_avals,
        out_avals: outs.iter().map(|o| o.aval().clone()).collect(),
    };
    let touts = bind(&lin.into(), &tangents)?;
    Ok(outs
        .into_iter()
        .zip(touts)
        .map(|(p, t)| {
            let live = differentiable(p.aval());
            jvp_tracer(level, p, live.then_some(t))
        })
        .collect())
}

/// The tangent map of a `custom_vjp` function: linear, known only through its transpose.
#[derive(Clone)]
pub struct CustomVjpLinear {
    bwd: Arc<BackwardFn>,
    residuals: Arc<Vec<Value>>,
    in_avals: Vec<Aval>,
    out_avals: Vec<Aval>,
}

impl fmt::Debug for CustomVjpLinear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomVjpLinear({} residuals)", self.residuals.len())
    }
}

impl PartialEq for CustomVjpLinear {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.bwd, &other.bwd) && Arc::ptr_eq(&self.residuals, &other.residuals)
    }
}

impl Eq for CustomVjpLinear {}

impl Hash for CustomVjpLinear {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.residuals) as *const u8 as usize).hash(state);
    }
}

impl Primitive for CustomVjpLinear {
    fn name(&self) -> &'static str {
        "custom_vjp_linear"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        if inputs.len() != self.in_avals.len() {
            return Err(Error::Type(format!(
                "custom_vjp_linear takes {} tangents, got {}",
                self.in_avals.len(),
                inputs.len()
            )));
        }
        Ok(self.out_avals.clone())
    }

    fn jvp(&self, _primals: &[Value], _tangents: &[Option<Value>]) -> JvpResult {
        Err(Error::NotImplemented {
            prim: "custom_vjp".into(),
            rule: "jvp (forward-mode differentiation of a custom_vjp function; use custom_jvp)"
                .into(),
        })
    }

    fn batch(
        &self,
        _args: &[Value],
        _dims: &[Option<usize>],
        _size: usize,
    ) -> crate::prim::batching::BatchResult {
        Err(crate::prim::batching::unbatchable(
            "custom_vjp",
            "vmap of the backward pass of a custom_vjp function",
        ))
    }

    /// The user's backward function on the stored residuals.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let cts = cts
            .iter()
            .zip(&self.out_avals)
            .map(|(c, a)| match c {
                Some(c) => Ok(c.clone()),
                None => zeros(a),
            })
            .collect::<Result<Vec<_>>>()?;
        let ins = (self.bwd)(&self.residuals, &cts)?;
        if ins.len() != args.len() {
            return Err(Error::Type(format!(
                "custom_vjp: the backward function returned {} cotangents for {} inputs",
                ins.len(),
                args.len()
            )));
        }
        for (c, a) in ins.iter().zip(&self.in_avals) {
            if c.shape() != a.shape.as_slice() {
                return Err(Error::Value(format!(
                    "custom_vjp: the backward function returned a cotangent {} for an input {}",
                    c.aval().describe(),
                    a.describe()
                )));
            }
        }
        Ok(ins.into_iter().map(Some).collect())
    }
}

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
use crate::prim::batching::BatchResult;
use crate::prim::control::{batch_inline, check_types, stage, Program};
use crate::prim::{JvpResult, LinArg, Primitive};
use crate::trace::{bind, innermost_jvp_level, jvp_tracer, unpack_jvp, JvpGuard};
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
///
/// Under a staging trace (`jit`, `make_jaxpr`) the call is recorded as a [`CustomCall`] with
/// the rule that `keep` provides, so that the staged program keeps it.
pub fn custom_jvp_call<E: From<Error>>(
    args: &[Value],
    fun: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    rule: impl FnOnce(Vec<Value>, Vec<Value>) -> Res<(Vec<Value>, Vec<Value>), E>,
    keep: impl FnOnce() -> Arc<JvpRuleFn>,
) -> Res<Vec<Value>, E> {
    let Some(level) = innermost_jvp_level(args) else {
        if staging(args) {
            return bind_staged(args, fun, CustomRule::Jvp(keep()));
        }
        return fun(args.to_vec());
    };
    let (primals, tangents, any) = split(level, args)?;
    if !any {
        return custom_jvp_call(&primals, fun, rule, keep);
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
/// Under a staging trace the call is recorded as a [`CustomCall`] with the forward function
/// that `keep` provides.
pub fn custom_vjp_call<E: From<Error>>(
    args: &[Value],
    fun: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    fwd: impl FnOnce(Vec<Value>) -> Res<(Vec<Value>, Vec<Value>), E>,
    bwd: Arc<BackwardFn>,
    keep: impl FnOnce() -> Arc<FwdFn>,
) -> Res<Vec<Value>, E> {
    let Some(level) = innermost_jvp_level(args) else {
        if staging(args) {
            return bind_staged(args, fun, CustomRule::Vjp(keep(), bwd));
        }
        return fun(args.to_vec());
    };
    let (primals, tangents, any) = split(level, args)?;
    if !any {
        return custom_vjp_call(&primals, fun, fwd, bwd, keep);
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

/// A `custom_jvp` rule kept for a staged call: primals and tangents to outputs and tangents.
pub type JvpRuleFn =
    dyn Fn(Vec<Value>, Vec<Value>) -> Result<(Vec<Value>, Vec<Value>)> + Send + Sync;

/// The forward half of a `custom_vjp` kept for a staged call: primals to outputs and
/// residuals.
pub type FwdFn = dyn Fn(Vec<Value>) -> Result<(Vec<Value>, Vec<Value>)> + Send + Sync;

/// The derivative rule of a staged custom function.
#[derive(Clone)]
pub enum CustomRule {
    /// `custom_jvp`: the user's JVP rule.
    Jvp(Arc<JvpRuleFn>),
    /// `custom_vjp`: the user's forward and backward functions.
    Vjp(Arc<FwdFn>, Arc<BackwardFn>),
}

/// `custom_jvp_call` / `custom_vjp_call` as staged by `jit` or `make_jaxpr`: the function's
/// body as a program (its closed-over values are the leading operands) beside the user's
/// rule, so that differentiating the staged program still uses the rule. It runs as the
/// program; vmap batches the program (and so differentiates it as written).
#[derive(Clone)]
pub struct CustomCall {
    /// The staged body.
    pub program: Program,
    /// How many leading operands are the body's closed-over values.
    pub n_consts: usize,
    /// The rule.
    pub rule: CustomRule,
}

impl fmt::Debug for CustomCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name(), self.program)
    }
}

impl CustomCall {
    fn rule_ptr(&self) -> *const u8 {
        match &self.rule {
            CustomRule::Jvp(r) => Arc::as_ptr(r) as *const u8,
            CustomRule::Vjp(_, b) => Arc::as_ptr(b) as *const u8,
        }
    }
}

impl PartialEq for CustomCall {
    fn eq(&self, other: &Self) -> bool {
        self.program == other.program && self.rule_ptr() == other.rule_ptr()
    }
}

impl Eq for CustomCall {}

impl Hash for CustomCall {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.program.hash(state);
        (self.rule_ptr() as usize).hash(state);
    }
}

impl Primitive for CustomCall {
    fn name(&self) -> &'static str {
        match self.rule {
            CustomRule::Jvp(_) => "custom_jvp_call",
            CustomRule::Vjp(..) => "custom_vjp_call",
        }
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let got: Vec<Aval> = inputs.iter().map(|a| (*a).clone()).collect();
        check_types(
            &format!(
                "{}: the arguments do not match the staged body",
                self.name()
            ),
            &self.program.in_avals(),
            &got,
        )?;
        Ok(self.program.out_avals())
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("call_jaxpr", self.program.to_string())]
    }

    /// The user's rule on the call's own arguments (the closed-over values are constants to
    /// it, as in JAX).
    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let n = self.n_consts;
        if tangents[n..].iter().all(Option::is_none) {
            let outs = bind(&self.clone().into(), primals)?;
            let k = outs.len();
            return Ok((outs, vec![None; k]));
        }
        let level = JvpGuard::new();
        let args: Vec<Value> = primals[n..]
            .iter()
            .zip(&tangents[n..])
            .map(|(p, t)| jvp_tracer(level.level, p.clone(), t.clone()))
            .collect();
        let outs = match &self.rule {
            CustomRule::Jvp(rule) => custom_jvp_call(
                &args,
                |_| unreachable_body(),
                |p, t| rule(p, t),
                || rule.clone(),
            )?,
            CustomRule::Vjp(fwd, bwd) => custom_vjp_call(
                &args,
                |_| unreachable_body(),
                |p| fwd(p),
                bwd.clone(),
                || fwd.clone(),
            )?,
        };
        let lvl = level.level;
        let pairs = outs.iter().map(|o| unpack_jvp(lvl, o)).unzip();
        drop(level);
        Ok(pairs)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        batch_inline(|ins| self.program.call(&ins), args, dims, size)
    }
}

/// The body of a custom call is never run on the JVP path: there the rule decides.
fn unreachable_body() -> Result<Vec<Value>> {
    Err(Error::Backend(
        "custom call: the body ran where its rule applies".into(),
    ))
}

/// Whether `values` (with the dynamic trace) are processed by a staging trace, where a custom
/// function is recorded as a [`CustomCall`] rather than inlined.
fn staging(values: &[Value]) -> bool {
    crate::trace::innermost_is_staging(values)
}

/// Stages `fun` over `args` and binds it as a [`CustomCall`] with `rule`.
fn bind_staged<E: From<Error>>(
    args: &[Value],
    fun: impl FnOnce(Vec<Value>) -> Res<Vec<Value>, E>,
    rule: CustomRule,
) -> Res<Vec<Value>, E> {
    let in_avals: Vec<Aval> = args.iter().map(|a| a.aval().clone()).collect();
    let (program, consts) = stage(&in_avals, fun)?;
    let call = CustomCall {
        program,
        n_consts: consts.len(),
        rule,
    };
    let mut operands = consts;
    operands.extend_from_slice(args);
    Ok(bind(&call.into(), &operands)?)
}

//! The eval trace: runs primitives now, on the installed backend.

use std::sync::Arc;

use crate::aval::Aval;
use crate::backend::{backend, guarded};
use crate::data::HostData;
use crate::error::{Error, Result};
use crate::fusion::{is_fusible, Fused, Operand, FUSE_MIN_ELEMENTS};
use crate::prim::{Prim, Primitive};
use crate::value::{Concrete, Value};

/// Runs a primitive on concrete values: shape rule, then the backend kernel. Reshapes that
/// keep the row-major order share the input's data instead of copying it.
pub fn eval_primitive(prim: &Prim, inputs: &[Value]) -> Result<Vec<Value>> {
    // Control flow runs its sub-programs by binding their equations.
    let checked = |prim: &Prim| -> Result<()> {
        let in_avals: Vec<&Aval> = inputs.iter().map(Value::aval).collect();
        prim.abstract_eval(&in_avals).map(drop)
    };
    match prim {
        Prim::Call(p) => return p.apply(inputs),
        Prim::CustomCall(p) => return checked(prim).and_then(|()| p.program.call(inputs)),
        Prim::Cond(p) => return checked(prim).and_then(|()| p.apply(inputs)),
        Prim::While(p) => return checked(prim).and_then(|()| p.apply(inputs)),
        Prim::Scan(p) => return checked(prim).and_then(|()| p.apply(inputs)),
        _ => {}
    }
    let mut concretes: Vec<&Concrete> = Vec::with_capacity(inputs.len());
    for v in inputs {
        concretes.push(v.as_concrete().ok_or_else(|| {
            Error::Concretization(format!("{prim}: the eval trace received a tracer"))
        })?);
    }
    let in_avals: Vec<&Aval> = concretes.iter().map(|c| &c.aval).collect();
    let out_avals = prim.abstract_eval(&in_avals)?;
    if is_fusible(prim) && out_avals[0].size() >= FUSE_MIN_ELEMENTS {
        if let Some(v) = defer(prim, &concretes, &out_avals[0])? {
            return Ok(vec![v]);
        }
    }
    let is_view = match prim {
        Prim::Reshape(_) | Prim::Squeeze(_) | Prim::ExpandDims(_) | Prim::StopGradient(_) => true,
        Prim::Convert(c) => c.dtype == in_avals[0].dtype,
        _ => false,
    };
    if is_view {
        let data = Arc::clone(concretes[0].data()?);
        return Ok(out_avals
            .into_iter()
            .map(|aval| Value::Concrete(Arc::new(Concrete::new(aval, data.clone()))))
            .collect());
    }
    let datas = concretes
        .iter()
        .map(|c| c.data().map(|d| d.as_ref()))
        .collect::<Result<Vec<&HostData>>>()?;
    let backend = backend()?;
    let outs = guarded(prim, || {
        backend.execute(prim, &datas, &in_avals, &out_avals)
    })?;
    if outs.len() != out_avals.len() {
        return Err(Error::Backend(format!(
            "{prim}: the backend returned {} outputs, expected {}",
            outs.len(),
            out_avals.len()
        )));
    }
    Ok(out_avals
        .into_iter()
        .zip(outs)
        .map(|(aval, data)| Value::concrete(aval, data))
        .collect())
}

/// Records a large elementwise operation into a deferred program (see [`crate::fusion`]).
fn defer(prim: &Prim, inputs: &[&Concrete], out: &Aval) -> Result<Option<Value>> {
    let pending: Vec<Option<Arc<Fused>>> = inputs.iter().map(|c| c.pending()).collect();
    let mut operands = Vec::with_capacity(inputs.len());
    for (c, p) in inputs.iter().zip(&pending) {
        operands.push(match p {
            Some(program) => Operand::Program(program),
            None => Operand::Data(c.data()?, &c.aval),
        });
    }
    Ok(Fused::apply(prim, &operands, out)
        .map(|f| Value::Concrete(Arc::new(Concrete::deferred(out.clone(), Arc::new(f))))))
}

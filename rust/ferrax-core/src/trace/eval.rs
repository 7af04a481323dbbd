//! The eval trace: runs primitives now, on the installed backend.

use std::sync::Arc;

use crate::aval::Aval;
use crate::backend::backend;
use crate::data::HostData;
use crate::error::{Error, Result};
use crate::prim::{Prim, Primitive};
use crate::value::{Concrete, Value};

/// Runs a primitive on concrete values: shape rule, then the backend kernel. Reshapes that
/// keep the row-major order share the input's data instead of copying it.
pub fn eval_primitive(prim: &Prim, inputs: &[Value]) -> Result<Vec<Value>> {
    let mut concretes: Vec<&Concrete> = Vec::with_capacity(inputs.len());
    for v in inputs {
        concretes.push(v.as_concrete().ok_or_else(|| {
            Error::Concretization(format!("{prim}: the eval trace received a tracer"))
        })?);
    }
    let in_avals: Vec<&Aval> = concretes.iter().map(|c| &c.aval).collect();
    let out_avals = prim.abstract_eval(&in_avals)?;
    let is_view = match prim {
        Prim::Reshape(_) | Prim::Squeeze(_) | Prim::ExpandDims(_) => true,
        Prim::Convert(c) => c.dtype == in_avals[0].dtype,
        _ => false,
    };
    if is_view {
        let data = Arc::clone(&concretes[0].data);
        return Ok(out_avals
            .into_iter()
            .map(|aval| {
                Value::Concrete(Arc::new(Concrete {
                    aval,
                    data: data.clone(),
                }))
            })
            .collect());
    }
    let datas: Vec<&HostData> = concretes.iter().map(|c| c.data.as_ref()).collect();
    // A kernel bug must surface as an error, never unwind into the host language.
    let backend = backend()?;
    let run = std::panic::AssertUnwindSafe(|| backend.execute(prim, &datas, &in_avals, &out_avals));
    let outs = std::panic::catch_unwind(run).map_err(|payload| {
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Error::Backend(format!(
            "{prim}: internal error in the {} kernel: {msg}",
            backend.name()
        ))
    })??;
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

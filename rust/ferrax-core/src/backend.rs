//! The backend interface: what the eval trace needs to run a primitive on concrete data.

use std::sync::{Arc, OnceLock};

use crate::aval::Aval;
use crate::data::HostData;
use crate::error::{Error, Result};
use crate::fusion::{Fused, Node};
use crate::prim::Prim;

/// A device that executes primitives on concrete data.
pub trait Backend: Send + Sync {
    /// A short name (`cpu`).
    fn name(&self) -> &'static str;
    /// Runs `prim` on `inputs` (whose abstract values were checked to give `out_avals`).
    fn execute(
        &self,
        prim: &Prim,
        inputs: &[&HostData],
        in_avals: &[&Aval],
        out_avals: &[Aval],
    ) -> Result<Vec<HostData>>;

    /// Runs a deferred elementwise program. The default runs it node by node; a backend
    /// overrides it to run the chain in one pass.
    fn execute_fused(&self, program: &Fused) -> Result<HostData> {
        let mut vals: Vec<Arc<HostData>> = Vec::with_capacity(program.nodes.len());
        for (node, aval) in program.nodes.iter().zip(&program.avals) {
            let v = match node {
                Node::Input(d) => Arc::clone(d),
                Node::Op(prim, ins) => {
                    let datas: Vec<&HostData> = ins.iter().map(|&i| vals[i].as_ref()).collect();
                    let avals: Vec<&Aval> = ins.iter().map(|&i| &program.avals[i]).collect();
                    let out = self.execute(prim, &datas, &avals, std::slice::from_ref(aval))?;
                    Arc::new(
                        out.into_iter()
                            .next()
                            .ok_or_else(|| Error::Backend(format!("{prim} produced no output")))?,
                    )
                }
            };
            vals.push(v);
        }
        let last = vals
            .pop()
            .ok_or_else(|| Error::Backend("an empty deferred program".into()))?;
        Ok(Arc::try_unwrap(last).unwrap_or_else(|shared| (*shared).clone()))
    }
}

static BACKEND: OnceLock<Arc<dyn Backend>> = OnceLock::new();

/// Installs the eval backend; the first installation wins. Returns whether this one did.
pub fn set_backend(backend: Arc<dyn Backend>) -> bool {
    BACKEND.set(backend).is_ok()
}

/// The installed eval backend.
pub fn backend() -> Result<&'static dyn Backend> {
    BACKEND
        .get()
        .map(|b| b.as_ref())
        .ok_or_else(|| Error::Backend("no ferrax backend is installed".into()))
}

/// Runs backend work so that a kernel bug surfaces as an error and never unwinds into the
/// host language.
pub fn guarded<T>(what: &dyn std::fmt::Display, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Error::Backend(format!("{what}: internal error in a backend kernel: {msg}"))
    })?
}

//! The backend interface: what the eval trace needs to run a primitive on concrete data.

use std::sync::{Arc, OnceLock};

use crate::aval::Aval;
use crate::data::HostData;
use crate::error::{Error, Result};
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

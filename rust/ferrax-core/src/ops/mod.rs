//! Operations for callers (the Python layer, Rust embedders, rules): `lax` wraps one primitive
//! each with JAX's strict semantics; `numpy` adds dtype promotion, broadcasting and axis
//! handling on top, as `jax.numpy` does.

pub mod index;
pub mod lax;
pub mod numpy;
pub mod reduce;

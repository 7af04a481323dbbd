//! ferrax-core: the semantics of ferrax, with no Python and no GPU in it.
//!
//! The pipeline: every operation is [`trace::bind`] of a [`prim::Prim`] to [`value::Value`]s;
//! the innermost active trace decides what that means (run it on the [`backend`], or record it
//! into the [`ir`]). [`ops`] composes primitives into the functions users call.

pub mod aval;
pub mod backend;
pub mod data;
pub mod dtype;
pub mod error;
pub mod fusion;
pub mod ir;
pub mod ops;
pub mod prim;
pub mod shape;
pub mod trace;
pub mod transform;
pub mod value;

pub use aval::Aval;
pub use data::{HostData, Scalar};
pub use dtype::DType;
pub use error::{Error, Result};
pub use prim::Prim;
pub use value::Value;

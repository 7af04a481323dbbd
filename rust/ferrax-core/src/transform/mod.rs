//! Transformations built on the traces: forward mode (`jvp`), `linearize` (the primal now,
//! the linear tangent program staged), and reverse mode (`vjp`: linearize, then transpose).

mod autodiff;
mod custom;
mod transpose;
mod vmap;

pub use autodiff::{jvp, linearize, vjp, Linearized};
pub use custom::{
    custom_jvp_call, custom_vjp_call, BackwardFn, CustomCall, CustomRule, CustomVjpLinear, FwdFn,
    JvpRuleFn,
};
pub use transpose::{backward, backward_pass, eval_known};
pub use vmap::{vmap, vmap_front};

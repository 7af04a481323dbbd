//! `pjit`: a call of a staged program, what `jit` binds. Under a staging trace it stays one
//! equation (so `make_jaxpr` of a jitted function shows the nested call); eagerly it runs
//! the program equation by equation; under `jvp` and `vmap` the program is inlined into the
//! transformation, which then stages or runs it like any other code.

use super::{batch_inline, check_types, jvp_inline, Program};
use crate::aval::Aval;
use crate::error::Result;
use crate::prim::batching::BatchResult;
use crate::prim::{JvpResult, Primitive};
use crate::value::Value;

/// `outs = pjit[name jaxpr] args`: applies the staged program `jaxpr` to `args`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Call {
    /// The staged program (its constants are leading operands).
    pub program: Program,
    /// The name of the staged function, for the printer.
    pub name: String,
}

impl Call {
    /// Runs the program on `args` by binding its equations.
    pub fn apply(&self, args: &[Value]) -> Result<Vec<Value>> {
        self.program.call(args)
    }
}

impl Primitive for Call {
    fn name(&self) -> &'static str {
        "pjit"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let got: Vec<Aval> = inputs.iter().map(|a| (*a).clone()).collect();
        check_types(
            &format!(
                "pjit {}: the arguments do not match the staged program",
                self.name
            ),
            &self.program.in_avals(),
            &got,
        )?;
        Ok(self.program.out_avals())
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("jaxpr", self.program.to_string()),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        jvp_inline(|ins| self.apply(&ins), primals, tangents)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        batch_inline(|ins| self.apply(&ins), args, dims, size)
    }
}

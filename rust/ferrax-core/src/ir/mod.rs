//! The IR (our jaxpr): a typed SSA program of primitive applications.

mod eval;
mod printer;

pub use eval::{eval_jaxpr, eval_open};

use crate::aval::Aval;
use crate::data::Scalar;
use crate::prim::Prim;
use crate::value::Value;

/// A variable: an index into its program's table of abstract values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Var(pub usize);

/// An operand of an equation: a variable or a scalar literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Atom {
    /// A variable defined earlier.
    Var(Var),
    /// A rank-0 constant with its abstract value.
    Lit(Scalar, Aval),
}

/// One primitive application: `outputs = prim inputs`.
#[derive(Clone, Debug, PartialEq)]
pub struct Eqn {
    /// The primitive with its parameters.
    pub prim: Prim,
    /// Operands.
    pub inputs: Vec<Atom>,
    /// Results.
    pub outputs: Vec<Var>,
}

/// A program: constants and inputs in, equations, outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Jaxpr {
    /// Abstract value of every variable, indexed by `Var`.
    pub avals: Vec<Aval>,
    /// Variables bound to the closed-over constants.
    pub constvars: Vec<Var>,
    /// Input variables.
    pub invars: Vec<Var>,
    /// Equations in execution order.
    pub eqns: Vec<Eqn>,
    /// Outputs.
    pub outvars: Vec<Atom>,
}

impl Jaxpr {
    /// The abstract value of an atom.
    pub fn atom_aval<'a>(&'a self, atom: &'a Atom) -> &'a Aval {
        match atom {
            Atom::Var(v) => &self.avals[v.0],
            Atom::Lit(_, aval) => aval,
        }
    }
}

/// A program together with the values of its constants.
#[derive(Clone, Debug)]
pub struct ClosedJaxpr {
    /// The program.
    pub jaxpr: Jaxpr,
    /// Values of `jaxpr.constvars`, in order.
    pub consts: Vec<Value>,
}

//! Deferred elementwise programs: the eval trace's fusion of large elementwise chains.
//!
//! When an elementwise primitive's output is large, the eval trace records it (and the
//! pending programs of its inputs) instead of running it; the array is computed when first
//! read. A backend then runs the whole chain in one pass over cache-sized chunks, so
//! `tanh(x) * 2 + sin(x)` reads `x` once and writes the result once instead of making four
//! round trips through memory. Shape and dtype rules still run at bind time, so errors point
//! at the user's line.

use std::sync::Arc;

use crate::aval::Aval;
use crate::data::HostData;
use crate::prim::Prim;

/// Outputs with at least this many elements are deferred.
pub const FUSE_MIN_ELEMENTS: usize = 1 << 16;
/// A program grows to at most this many nodes; beyond it inputs are computed first.
pub const FUSE_MAX_NODES: usize = 48;

/// One node of a deferred program.
#[derive(Debug)]
pub enum Node {
    /// Computed data: full-size, or a single element that broadcasts.
    Input(Arc<HostData>),
    /// An elementwise primitive applied to earlier nodes.
    Op(Prim, Vec<usize>),
}

/// A deferred elementwise program; its last node is the result.
#[derive(Debug)]
pub struct Fused {
    /// Nodes in evaluation order.
    pub nodes: Vec<Node>,
    /// The abstract value of each node.
    pub avals: Vec<Aval>,
}

/// Whether a primitive may be deferred into a fused program.
pub fn is_fusible(prim: &Prim) -> bool {
    matches!(
        prim,
        Prim::Unary(_) | Prim::Binary(_) | Prim::Convert(_) | Prim::SelectN(_) | Prim::Clamp(_)
    )
}

/// Where an operand of a new node comes from.
pub enum Operand<'a> {
    /// Computed data.
    Data(&'a Arc<HostData>, &'a Aval),
    /// Another deferred program.
    Program(&'a Fused),
}

impl Fused {
    /// A program applying `prim` to the operands; `None` when it would grow too large.
    pub fn apply(prim: &Prim, operands: &[Operand<'_>], out: &Aval) -> Option<Fused> {
        let mut f = Fused {
            nodes: Vec::new(),
            avals: Vec::new(),
        };
        let mut args = Vec::with_capacity(operands.len());
        for op in operands {
            args.push(match op {
                Operand::Data(d, aval) => f.input(d, aval),
                Operand::Program(p) => f.inline(p),
            });
        }
        f.nodes.push(Node::Op(prim.clone(), args));
        f.avals.push(out.clone());
        (f.nodes.len() <= FUSE_MAX_NODES).then_some(f)
    }

    /// The node of an input, shared when the same data is used twice.
    fn input(&mut self, d: &Arc<HostData>, aval: &Aval) -> usize {
        let found = self.nodes.iter().position(|n| match n {
            Node::Input(e) => Arc::ptr_eq(d, e),
            Node::Op(..) => false,
        });
        found.unwrap_or_else(|| {
            self.nodes.push(Node::Input(Arc::clone(d)));
            self.avals.push(aval.clone());
            self.nodes.len() - 1
        })
    }

    /// Appends another program's nodes; returns the index of its result.
    fn inline(&mut self, p: &Fused) -> usize {
        let mut map = Vec::with_capacity(p.nodes.len());
        for (node, aval) in p.nodes.iter().zip(&p.avals) {
            let idx = match node {
                Node::Input(d) => self.input(d, aval),
                Node::Op(prim, ins) => {
                    self.nodes.push(Node::Op(
                        prim.clone(),
                        ins.iter().map(|&i| map[i]).collect(),
                    ));
                    self.avals.push(aval.clone());
                    self.nodes.len() - 1
                }
            };
            map.push(idx);
        }
        map.last().copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::DType;
    use crate::prim::{BinaryOp, UnaryOp};

    #[test]
    fn programs_share_inputs_and_inline_pending_ones() {
        let aval = Aval::new(vec![4], DType::F32);
        let x = Arc::new(HostData::F32(vec![1.0; 4]));
        let sin = Fused::apply(
            &Prim::Unary(UnaryOp::Sin),
            &[Operand::Data(&x, &aval)],
            &aval,
        );
        let Some(sin) = sin else {
            unreachable!("a two-node program is within the limit")
        };
        let add = Fused::apply(
            &Prim::Binary(BinaryOp::Add),
            &[Operand::Program(&sin), Operand::Data(&x, &aval)],
            &aval,
        );
        let Some(add) = add else {
            unreachable!("a three-node program is within the limit")
        };
        // x appears once; sin reads it; add reads sin and x.
        assert_eq!(add.nodes.len(), 3);
        assert!(matches!(&add.nodes[2], Node::Op(_, ins) if ins == &vec![1, 0]));
    }
}

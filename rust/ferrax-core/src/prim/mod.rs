//! Primitives: the operations every trace understands.
//!
//! A primitive is a struct with typed parameters implementing [`Primitive`], defined in its
//! family file beside its rules. The IR stores primitives as the [`Prim`] enum (enum dispatch:
//! exhaustive matches, `Eq + Hash` for cache keys, `Display` printing the parameters).

pub mod ad;
pub mod batching;
mod binary;
pub mod control;
mod dot;
mod fma;
mod gather;
mod index;
pub mod linalg;
mod random;
mod reduce;
mod shape;
mod sort;
mod unary;

use std::fmt;

pub use binary::{BinaryOp, Clamp, SelectN};
pub use dot::DotGeneral;
pub use fma::Fma;
pub use gather::{gather, scatter, Gather, Scatter, ScatterOp};
pub use index::{DynamicSlice, DynamicUpdateSlice, Slice};
pub use random::Threefry2x32;
pub use reduce::{ArgOp, ArgReduce, CumOp, Cumulative, Reduce, ReduceOp};
pub use shape::{
    BitcastConvertType, BroadcastInDim, Concatenate, ConvertElementType, ExpandDims, Iota, Pad,
    Reshape, Rev, Squeeze, Transpose,
};
pub use sort::Sort;
pub use unary::StopGradient;
pub use unary::UnaryOp;

use crate::aval::Aval;
use crate::error::Result;
use crate::value::Value;

/// The contract every primitive fulfils. Rules for autodiff and batching join the shape rule
/// here as the transformations arrive; a missing rule is an `Error::NotImplemented`.
pub trait Primitive {
    /// The name printed in the IR (`reduce_sum`).
    fn name(&self) -> &'static str;
    /// Shape/dtype rule: the output abstract values, or the error a user should see.
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>>;
    /// Parameters as `key=value` pairs for the IR printer.
    fn params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// JVP rule: the outputs at `primals` and their tangents (`None` is a symbolic zero).
    /// Tangent computations must be linear in `tangents` and use only primitives that have a
    /// transpose rule, so that reverse mode is this rule transposed.
    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult;
    /// Batching rule (vmap): the outputs for operands `args` whose batch dimensions are
    /// `dims` (`None`: not batched), with `size` examples; produces batched primitives, never
    /// a loop over examples.
    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> batching::BatchResult;
    /// Transpose rule of a primitive linear in its `Linear` arguments: the cotangents of those
    /// arguments given the cotangents of the outputs (`None` entries for `Const` arguments).
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let _ = (cts, args);
        Err(crate::error::Error::NotImplemented {
            prim: self.name().to_string(),
            rule: "transpose (it is not linear)".to_string(),
        })
    }
}

/// Outputs and output tangents of a JVP rule.
pub type JvpResult = Result<(Vec<Value>, Vec<Option<Value>>)>;

/// An argument of a primitive in a linear program being transposed.
#[derive(Clone, Debug)]
pub enum LinArg {
    /// The linear input (its value is what the transpose computes a cotangent for).
    Linear(Aval),
    /// A constant (a residual of the forward pass or a literal).
    Const(Value),
}

impl LinArg {
    /// The abstract value.
    pub fn aval(&self) -> &Aval {
        match self {
            LinArg::Linear(a) => a,
            LinArg::Const(v) => v.aval(),
        }
    }

    /// The constant's value, or an error naming the primitive for a linear argument.
    pub fn value(&self, prim: &str) -> Result<&Value> {
        match self {
            LinArg::Const(v) => Ok(v),
            LinArg::Linear(_) => Err(crate::error::Error::NotImplemented {
                prim: prim.to_string(),
                rule: "transpose with respect to this argument".to_string(),
            }),
        }
    }

    /// Whether this is the linear input.
    pub fn is_linear(&self) -> bool {
        matches!(self, LinArg::Linear(_))
    }
}

/// Formats a sequence the way Python prints a tuple.
pub(crate) fn tuple<T: fmt::Display>(items: &[T]) -> String {
    match items {
        [x] => format!("({x},)"),
        xs => {
            let parts: Vec<String> = xs.iter().map(|x| x.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

macro_rules! prims {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        /// Every primitive, as stored in the IR.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum Prim {
            $(
                #[allow(missing_docs)]
                $variant($ty),
            )*
        }

        impl Primitive for Prim {
            fn name(&self) -> &'static str {
                match self { $(Prim::$variant(p) => p.name(),)* }
            }
            fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
                match self { $(Prim::$variant(p) => p.abstract_eval(inputs),)* }
            }
            fn params(&self) -> Vec<(&'static str, String)> {
                match self { $(Prim::$variant(p) => p.params(),)* }
            }
            fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
                match self { $(Prim::$variant(p) => p.jvp(primals, tangents),)* }
            }
            fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
                match self { $(Prim::$variant(p) => p.transpose(cts, args),)* }
            }
            fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> batching::BatchResult {
                match self { $(Prim::$variant(p) => p.batch(args, dims, size),)* }
            }
        }

        $(
            impl From<$ty> for Prim {
                fn from(p: $ty) -> Prim { Prim::$variant(p) }
            }
        )*
    };
}

prims! {
    Unary(UnaryOp),
    Binary(BinaryOp),
    SelectN(SelectN),
    Clamp(Clamp),
    Fma(Fma),
    Convert(ConvertElementType),
    Bitcast(BitcastConvertType),
    Iota(Iota),
    BroadcastInDim(BroadcastInDim),
    Reshape(Reshape),
    Transpose(Transpose),
    Squeeze(Squeeze),
    ExpandDims(ExpandDims),
    Rev(Rev),
    Concatenate(Concatenate),
    Pad(Pad),
    Slice(Slice),
    DynamicSlice(DynamicSlice),
    DynamicUpdateSlice(DynamicUpdateSlice),
    Reduce(Reduce),
    ArgReduce(ArgReduce),
    Cumulative(Cumulative),
    Sort(Sort),
    DotGeneral(DotGeneral),
    StopGradient(StopGradient),
    CustomVjpLinear(crate::transform::CustomVjpLinear),
    CustomCall(crate::transform::CustomCall),
    Gather(Gather),
    TriangularSolve(linalg::TriangularSolve),
    Cholesky(linalg::Cholesky),
    Lu(linalg::Lu),
    Qr(linalg::Qr),
    Eigh(linalg::Eigh),
    Svd(linalg::Svd),
    Scatter(Scatter),
    Threefry2x32(Threefry2x32),
    Call(control::Call),
    Cond(control::Cond),
    While(control::While),
    Scan(control::Scan),
}

impl fmt::Display for Prim {
    /// `name[key=value ...]`, as JAX prints an equation's primitive.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        let params = self.params();
        if !params.is_empty() {
            let parts: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            write!(f, "[{}]", parts.join(" "))?;
        }
        Ok(())
    }
}

/// Checks the operand count of a primitive.
pub(crate) fn expect_arity(name: &str, inputs: &[&Aval], n: usize) -> Result<()> {
    if inputs.len() != n {
        return Err(crate::type_err!(
            "{name} takes {n} operand(s), got {}",
            inputs.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::DType;

    fn f32s(shape: &[usize]) -> Aval {
        Aval::new(shape.to_vec(), DType::F32)
    }

    #[test]
    fn dot_general_shape_rule() {
        let p = DotGeneral {
            lhs_contract: vec![2],
            rhs_contract: vec![1],
            lhs_batch: vec![0],
            rhs_batch: vec![0],
            preferred_element_type: None,
        };
        let out = p.abstract_eval(&[&f32s(&[5, 2, 3]), &f32s(&[5, 3, 4])]);
        assert_eq!(out.ok(), Some(vec![f32s(&[5, 2, 4])]));
        let err = p.abstract_eval(&[&f32s(&[5, 2, 3]), &f32s(&[5, 4, 4])]);
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some(
                "dot_general requires contracting dimensions to have the same shape, got (3,) \
                 and (4,)"
            )
        );
    }

    #[test]
    fn shape_rules_reject_bad_parameters() {
        let x = f32s(&[2, 3]);
        assert!(Reshape { new_sizes: vec![4] }.abstract_eval(&[&x]).is_err());
        assert!(Transpose {
            permutation: vec![0, 0]
        }
        .abstract_eval(&[&x])
        .is_err());
        let pad = Pad {
            config: vec![(-1, 2, 1), (0, 0, 0)],
        };
        let v = Aval::new(vec![], DType::F32);
        assert_eq!(pad.abstract_eval(&[&x, &v]).ok(), Some(vec![f32s(&[4, 3])]));
        let sl = Slice {
            start_indices: vec![0, 1],
            limit_indices: vec![2, 3],
            strides: vec![1, 2],
        };
        assert_eq!(sl.abstract_eval(&[&x]).ok(), Some(vec![f32s(&[2, 1])]));
        assert!(UnaryOp::Sin
            .abstract_eval(&[&Aval::new(vec![2], DType::I32)])
            .is_err());
        assert_eq!(
            Prim::from(Reduce {
                op: ReduceOp::Sum,
                axes: vec![0, 1]
            })
            .to_string(),
            "reduce_sum[axes=(0, 1)]"
        );
    }
}

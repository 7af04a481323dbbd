//! `fma`: the fused multiply-add, rounded once.

use super::ad::{add_tangents, fit, mul};
use super::batching::{elementwise, BatchResult};
use super::binary::{elementwise_shape, same_dtype};
use super::{expect_arity, JvpResult, Primitive};
use crate::aval::Aval;
use crate::dtype::Kind;
use crate::error::Result;
use crate::trace::bind1;
use crate::type_err;
use crate::value::Value;

/// `fma(a, b, c)`: `a * b + c` computed exactly and rounded once, elementwise.
///
/// The operands share one float dtype; each is a scalar or of the one common shape. Samplers
/// use it to reproduce arithmetic that compiled code performs with fused instructions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fma;

impl Primitive for Fma {
    fn name(&self) -> &'static str {
        "fma"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 3)?;
        let dtype = same_dtype(self.name(), inputs)?;
        if dtype.kind() != Kind::Float {
            return Err(type_err!("fma requires float operands, got {dtype}"));
        }
        let shape = elementwise_shape(self.name(), inputs)?;
        let mut out = Aval::new(shape, dtype);
        out.weak = inputs.iter().all(|a| a.weak);
        Ok(vec![out])
    }

    /// `da b + a db + dc`.
    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let z = bind1(Fma, primals)?;
        let out = z.aval().clone();
        let term = |t: &Option<Value>, factor: Option<&Value>| -> Result<Option<Value>> {
            let Some(t) = t else { return Ok(None) };
            let t = match factor {
                Some(f) => mul(t, f)?,
                None => t.clone(),
            };
            Ok(Some(fit(t, &out)?))
        };
        let t = add_tangents(
            term(&tangents[0], Some(&primals[1]))?,
            term(&tangents[1], Some(&primals[0]))?,
        )?;
        let t = add_tangents(t, term(&tangents[2], None)?)?;
        Ok((vec![z], vec![t]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        elementwise(&self.clone().into(), args, dims, size)
    }
}

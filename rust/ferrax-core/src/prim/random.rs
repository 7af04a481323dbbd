//! Counter-based random bits: the threefry2x32 block cipher as one elementwise primitive.

use super::batching::{elementwise, BatchResult};
use super::binary::elementwise_shape;
use super::{expect_arity, JvpResult, Primitive};
use crate::aval::Aval;
use crate::dtype::DType;
use crate::error::Result;
use crate::trace::bind;
use crate::type_err;
use crate::value::Value;

/// `threefry2x32(k0, k1, x0, x1)`: the Threefry-2x32 hash with 20 rounds (Salmon et al.,
/// SC 2011) of the counter words `(x0, x1)` under the key words `(k0, k1)`, elementwise.
///
/// All four operands are `uint32`, each a scalar or of the one common shape; the two outputs
/// have that shape. Integer-valued, so its tangents are zero and it has no transpose.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Threefry2x32;

impl Primitive for Threefry2x32 {
    fn name(&self) -> &'static str {
        "threefry2x32"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 4)?;
        if let Some(bad) = inputs.iter().find(|a| a.dtype != DType::U32) {
            return Err(type_err!(
                "threefry2x32 requires uint32 operands, got {}",
                bad.dtype.name()
            ));
        }
        let shape = elementwise_shape(self.name(), inputs)?;
        let out = Aval::new(shape, DType::U32);
        Ok(vec![out.clone(), out])
    }

    fn jvp(&self, primals: &[Value], _tangents: &[Option<Value>]) -> JvpResult {
        Ok((bind(&self.clone().into(), primals)?, vec![None, None]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        elementwise(&self.clone().into(), args, dims, size)
    }
}

//! Multi-operand sort.

use super::shape::py_bool;
use super::Primitive;
use crate::aval::Aval;
use crate::error::Result;
use crate::shape::fmt_shape;
use crate::value_err;

/// `sort(*operands)`: permutes all operands along `dimension` so that the first `num_keys`
/// operands are in lexicographic ascending order (NaNs last).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    /// The sorted dimension.
    pub dimension: usize,
    /// Keep the order of equal keys.
    pub is_stable: bool,
    /// How many leading operands are keys.
    pub num_keys: usize,
}

impl Primitive for Sort {
    fn name(&self) -> &'static str {
        "sort"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let first = inputs
            .first()
            .ok_or_else(|| value_err!("sort requires at least one operand"))?;
        if self.num_keys == 0 || self.num_keys > inputs.len() {
            return Err(value_err!(
                "sort: num_keys={} must be between 1 and the number of operands ({})",
                self.num_keys,
                inputs.len()
            ));
        }
        if self.dimension >= first.ndim() {
            return Err(value_err!(
                "sort: dimension {} is out of range for operands of rank {}",
                self.dimension,
                first.ndim()
            ));
        }
        if let Some(bad) = inputs.iter().find(|a| a.shape != first.shape) {
            return Err(value_err!(
                "sort: operands must have the same shape, got {} and {}",
                fmt_shape(&first.shape),
                fmt_shape(&bad.shape)
            ));
        }
        Ok(inputs.iter().map(|a| (*a).clone()).collect())
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("dimension", self.dimension.to_string()),
            ("is_stable", py_bool(self.is_stable)),
            ("num_keys", self.num_keys.to_string()),
        ]
    }
}

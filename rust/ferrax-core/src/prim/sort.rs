//! Multi-operand sort.

use super::ad::differentiable;
use super::batching::{at_front, BatchResult};
use super::shape::py_bool;
use super::{JvpResult, LinArg, Primitive};
use crate::aval::Aval;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::lax;
use crate::shape::fmt_shape;
use crate::trace::bind;
use crate::value::Value;
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

    /// Tangents ride along as extra operands, permuted exactly like the values.
    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let outs = bind(&self.clone().into(), primals)?;
        let live: Vec<usize> = (0..primals.len())
            .filter(|&i| tangents[i].is_some() && differentiable(primals[i].aval()))
            .collect();
        let mut out_t = vec![None; primals.len()];
        if live.is_empty() {
            return Ok((outs, out_t));
        }
        let mut ins = primals.to_vec();
        ins.extend(live.iter().filter_map(|&i| tangents[i].clone()));
        let sorted = bind(&self.clone().into(), &ins)?;
        for (k, &i) in live.iter().enumerate() {
            out_t[i] = Some(sorted[primals.len() + k].clone());
        }
        Ok((outs, out_t))
    }

    /// The operands that are linear were permuted by the keys' sort: undo that permutation
    /// by sorting the cotangents by the positions the permutation took them from.
    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let mut out = vec![None; args.len()];
        let keys = args[..self.num_keys]
            .iter()
            .map(|a| a.value(self.name()).cloned())
            .collect::<Result<Vec<_>>>()?;
        let shape = args[0].aval().shape.clone();
        let mut with_iota = keys;
        with_iota.push(lax::iota(DType::I32, shape, self.dimension)?);
        let perm = bind(&self.clone().into(), &with_iota)?
            .pop()
            .ok_or_else(|| crate::error::Error::Backend("sort returned nothing".into()))?;
        let back = Sort {
            dimension: self.dimension,
            is_stable: true,
            num_keys: 1,
        };
        for (i, a) in args.iter().enumerate() {
            if let (true, Some(ct)) = (a.is_linear(), &cts[i]) {
                let r = bind(&back.clone().into(), &[perm.clone(), ct.clone()])?;
                out[i] = r.into_iter().nth(1);
            }
        }
        Ok(out)
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let xs = args
            .iter()
            .zip(dims)
            .map(|(v, d)| at_front(v, *d, size))
            .collect::<Result<Vec<_>>>()?;
        let p = Sort {
            dimension: self.dimension + 1,
            ..self.clone()
        };
        let outs = bind(&p.into(), &xs)?;
        let n = outs.len();
        Ok((outs, vec![Some(0); n]))
    }
}

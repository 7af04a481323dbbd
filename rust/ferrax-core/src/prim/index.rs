//! Static and dynamic slicing.

use super::{expect_arity, tuple, Primitive};
use crate::aval::Aval;
use crate::error::Result;
use crate::shape::fmt_shape;
use crate::{type_err, value_err};

/// `slice`: elements `start[d] + k * strides[d]` below `limit[d]` in each dimension.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slice {
    /// First index per dimension.
    pub start_indices: Vec<usize>,
    /// Exclusive end per dimension.
    pub limit_indices: Vec<usize>,
    /// Positive step per dimension.
    pub strides: Vec<usize>,
}

impl Primitive for Slice {
    fn name(&self) -> &'static str {
        "slice"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let x = inputs[0];
        let n = x.ndim();
        let lens_ok = self.start_indices.len() == n
            && self.limit_indices.len() == n
            && self.strides.len() == n;
        let valid = lens_ok
            && (0..n).all(|d| {
                self.start_indices[d] <= self.limit_indices[d]
                    && self.limit_indices[d] <= x.shape[d]
                    && self.strides[d] >= 1
            });
        if !valid {
            return Err(value_err!(
                "slice: start {} limit {} strides {} are invalid for shape {}",
                tuple(&self.start_indices),
                tuple(&self.limit_indices),
                tuple(&self.strides),
                fmt_shape(&x.shape)
            ));
        }
        let shape = (0..n)
            .map(|d| (self.limit_indices[d] - self.start_indices[d]).div_ceil(self.strides[d]))
            .collect();
        Ok(vec![x.with_shape(shape)])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("limit_indices", tuple(&self.limit_indices)),
            ("start_indices", tuple(&self.start_indices)),
            ("strides", tuple(&self.strides)),
        ]
    }
}

fn check_start_indices(name: &str, x: &Aval, starts: &[&Aval]) -> Result<()> {
    if starts.len() != x.ndim() {
        return Err(value_err!(
            "{name}: got {} start indices for an operand of rank {}",
            starts.len(),
            x.ndim()
        ));
    }
    if let Some(bad) = starts.iter().find(|s| s.ndim() != 0 || !s.dtype.is_int()) {
        return Err(type_err!(
            "{name}: start indices must be integer scalars, got {}",
            bad.describe()
        ));
    }
    Ok(())
}

/// `dynamic_slice(x, *starts)`: a `slice_sizes` window at run-time starts, clamped to fit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DynamicSlice {
    /// Window size per dimension.
    pub slice_sizes: Vec<usize>,
}

impl Primitive for DynamicSlice {
    fn name(&self) -> &'static str {
        "dynamic_slice"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        let x = inputs
            .first()
            .ok_or_else(|| type_err!("dynamic_slice requires an operand"))?;
        check_start_indices(self.name(), x, &inputs[1..])?;
        if self.slice_sizes.len() != x.ndim()
            || self.slice_sizes.iter().zip(&x.shape).any(|(s, d)| s > d)
        {
            return Err(value_err!(
                "dynamic_slice: slice_sizes {} must not exceed the operand shape {}",
                tuple(&self.slice_sizes),
                fmt_shape(&x.shape)
            ));
        }
        Ok(vec![x.with_shape(self.slice_sizes.clone())])
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("slice_sizes", tuple(&self.slice_sizes))]
    }
}

/// `dynamic_update_slice(x, update, *starts)`: `x` with a window replaced by `update`,
/// starts clamped so that it fits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DynamicUpdateSlice;

impl Primitive for DynamicUpdateSlice {
    fn name(&self) -> &'static str {
        "dynamic_update_slice"
    }
    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        if inputs.len() < 2 {
            return Err(type_err!(
                "dynamic_update_slice requires an operand and an update"
            ));
        }
        let (x, u) = (inputs[0], inputs[1]);
        check_start_indices(self.name(), x, &inputs[2..])?;
        if u.dtype != x.dtype {
            return Err(type_err!(
                "dynamic_update_slice: update dtype {} differs from operand dtype {}",
                u.dtype,
                x.dtype
            ));
        }
        if u.ndim() != x.ndim() || u.shape.iter().zip(&x.shape).any(|(a, b)| a > b) {
            return Err(value_err!(
                "dynamic_update_slice: update of shape {} does not fit operand of shape {}",
                fmt_shape(&u.shape),
                fmt_shape(&x.shape)
            ));
        }
        let _ = expect_arity;
        Ok(vec![x.clone()])
    }
}

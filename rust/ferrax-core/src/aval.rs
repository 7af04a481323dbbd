//! Abstract values: what every trace knows about an array without its data.

use std::fmt;

use crate::dtype::{DType, WeakDType};
use crate::shape::{fmt_shape, Shape};

/// Shape, dtype and weak-type flag of an array (JAX's `ShapedArray`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Aval {
    /// Dimension sizes.
    pub shape: Shape,
    /// Element type.
    pub dtype: DType,
    /// Whether the value is weakly typed (came from a Python scalar).
    pub weak: bool,
}

impl Aval {
    /// A strongly typed abstract value.
    pub fn new(shape: Shape, dtype: DType) -> Aval {
        Aval {
            shape,
            dtype,
            weak: false,
        }
    }

    /// Rank.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements.
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// The dtype with its weak flag, for promotion.
    pub fn weak_dtype(&self) -> WeakDType {
        WeakDType {
            dtype: self.dtype,
            weak: self.weak,
        }
    }

    /// Same dtype and weak flag, another shape.
    pub fn with_shape(&self, shape: Shape) -> Aval {
        Aval {
            shape,
            dtype: self.dtype,
            weak: self.weak,
        }
    }

    /// A short description for error messages: `float32(3, 4)`.
    pub fn describe(&self) -> String {
        format!("{}{}", self.dtype, fmt_shape(&self.shape))
    }
}

impl fmt::Display for Aval {
    /// JAX's jaxpr notation: `f32[3,4]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dims: Vec<String> = self.shape.iter().map(|d| d.to_string()).collect();
        write!(f, "{}[{}]", self.dtype.short_name(), dims.join(","))
    }
}

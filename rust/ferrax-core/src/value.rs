//! Values flowing through traces: concrete arrays (the bottom of the stack) and tracers.

use std::sync::Arc;

use crate::aval::Aval;
use crate::data::{HostData, Scalar};
use crate::dtype::DType;
use crate::ir::Var;

/// A concrete array: an abstract value and its row-major data. Reshapes share the data.
#[derive(Debug)]
pub struct Concrete {
    /// Shape, dtype, weak flag.
    pub aval: Aval,
    /// The elements.
    pub data: Arc<HostData>,
}

/// A value of some transformation's trace, identified by the trace's level.
#[derive(Debug)]
pub struct Tracer {
    /// The level of the trace that owns this tracer.
    pub level: usize,
    /// What the trace knows about the value.
    pub aval: Aval,
    /// The trace-specific payload.
    pub payload: Payload,
}

/// What a tracer carries, per kind of trace.
#[derive(Debug)]
pub enum Payload {
    /// A variable of the program being staged.
    Stage(Var),
}

/// An array value as every API sees it: concrete, or a tracer of an active transformation.
#[derive(Clone, Debug)]
pub enum Value {
    /// Data on the eval backend.
    Concrete(Arc<Concrete>),
    /// A tracer of the trace at `level`.
    Tracer(Arc<Tracer>),
}

impl Value {
    /// A concrete value from data and its abstract value.
    pub fn concrete(aval: Aval, data: HostData) -> Value {
        Value::Concrete(Arc::new(Concrete {
            aval,
            data: Arc::new(data),
        }))
    }

    /// A rank-0 concrete value.
    pub fn scalar(value: Scalar, dtype: DType, weak: bool) -> Value {
        let aval = Aval {
            shape: Vec::new(),
            dtype,
            weak,
        };
        Value::concrete(aval, HostData::filled(dtype, value, 1))
    }

    /// The abstract value.
    pub fn aval(&self) -> &Aval {
        match self {
            Value::Concrete(c) => &c.aval,
            Value::Tracer(t) => &t.aval,
        }
    }

    /// The trace level (0 for concrete data).
    pub fn level(&self) -> usize {
        match self {
            Value::Concrete(_) => 0,
            Value::Tracer(t) => t.level,
        }
    }

    /// The concrete array, if this is not a tracer.
    pub fn as_concrete(&self) -> Option<&Concrete> {
        match self {
            Value::Concrete(c) => Some(c),
            Value::Tracer(_) => None,
        }
    }

    /// Shape.
    pub fn shape(&self) -> &[usize] {
        &self.aval().shape
    }

    /// Dtype.
    pub fn dtype(&self) -> DType {
        self.aval().dtype
    }
}

//! Values flowing through traces: concrete arrays (the bottom of the stack) and tracers.

use std::sync::{Arc, Mutex, OnceLock};

use crate::aval::Aval;
use crate::backend::{backend, guarded};
use crate::data::{HostData, Scalar};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::fusion::Fused;
use crate::ir::Var;

/// A concrete array: an abstract value and its row-major data. Reshapes share the data.
/// The data of a large elementwise result may be deferred until first read ([`crate::fusion`]).
#[derive(Debug)]
pub struct Concrete {
    /// Shape, dtype, weak flag.
    pub aval: Aval,
    data: OnceLock<Arc<HostData>>,
    pending: Mutex<Option<Arc<Fused>>>,
}

impl Concrete {
    /// A computed array.
    pub fn new(aval: Aval, data: Arc<HostData>) -> Concrete {
        Concrete {
            aval,
            data: OnceLock::from(data),
            pending: Mutex::new(None),
        }
    }

    /// An array whose data a deferred program will compute.
    pub fn deferred(aval: Aval, program: Arc<Fused>) -> Concrete {
        Concrete {
            aval,
            data: OnceLock::new(),
            pending: Mutex::new(Some(program)),
        }
    }

    /// The elements, running the deferred program first if there is one.
    pub fn data(&self) -> Result<&Arc<HostData>> {
        if let Some(d) = self.data.get() {
            return Ok(d);
        }
        let mut pending = self
            .pending
            .lock()
            .map_err(|_| Error::Backend("a deferred computation failed earlier".into()))?;
        if let Some(d) = self.data.get() {
            return Ok(d);
        }
        let program = pending
            .as_ref()
            .ok_or_else(|| Error::Backend("an array has neither data nor a program".into()))?;
        let backend = backend()?;
        let data = Arc::new(guarded(&"a fused elementwise program", || {
            backend.execute_fused(program)
        })?);
        *pending = None;
        Ok(self.data.get_or_init(|| data))
    }

    /// The deferred program, if the data has not been computed yet.
    pub fn pending(&self) -> Option<Arc<Fused>> {
        if self.data.get().is_some() {
            return None;
        }
        self.pending.lock().ok().and_then(|p| p.clone())
    }
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
    /// A primal value (of a lower level) and its tangent, for forward-mode differentiation.
    Jvp {
        /// The value.
        primal: Value,
        /// Its tangent (never a symbolic zero: those are plain values).
        tangent: Value,
    },
    /// A batch of values (vmap): `val` has the batch at dimension `bdim`.
    Batch {
        /// The batched value.
        val: Value,
        /// Where its batch dimension is.
        bdim: usize,
    },
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
        Value::Concrete(Arc::new(Concrete::new(aval, Arc::new(data))))
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

    /// The concrete array behind any forward-mode tracers (`grad` runs the primal now, so
    /// Python control flow on values works under it); `None` under staging.
    pub fn concrete_primal(&self) -> Option<&Concrete> {
        match self {
            Value::Concrete(c) => Some(c),
            Value::Tracer(t) => match &t.payload {
                Payload::Jvp { primal, .. } => primal.concrete_primal(),
                Payload::Stage(_) | Payload::Batch { .. } => None,
            },
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

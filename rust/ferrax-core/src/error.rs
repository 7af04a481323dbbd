//! The one error type of ferrax. Each variant maps onto one Python exception class.

use thiserror::Error;

/// Everything that can go wrong in ferrax, raised at bind time so tracebacks point at the caller.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// Operand dtypes the operation cannot accept (Python `TypeError`).
    #[error("{0}")]
    Type(String),
    /// Operand shapes or parameters the operation cannot accept (Python `ValueError`).
    #[error("{0}")]
    Value(String),
    /// An axis outside `[-ndim, ndim)` (Python `AxisError`, a `ValueError` and `IndexError`).
    #[error("{op}: axis {axis} is out of bounds for array of dimension {ndim}")]
    AxisOutOfRange {
        /// The operation.
        op: String,
        /// The axis given.
        axis: i64,
        /// The operand's rank.
        ndim: usize,
    },
    /// An integer index outside its dimension (Python `IndexError`).
    #[error("index {index} is out of bounds for axis {axis} with size {size}")]
    IndexOutOfRange {
        /// The index given.
        index: i64,
        /// The axis indexed.
        axis: usize,
        /// The axis' size.
        size: usize,
    },
    /// A malformed index (Python `IndexError`).
    #[error("{0}")]
    Index(String),
    /// A Python integer too large for the target dtype (Python `OverflowError`).
    #[error("{0}")]
    Overflow(String),
    /// A traced value used where a concrete one is needed (Python `ConcretizationTypeError`).
    #[error("{0}")]
    Concretization(String),
    /// A rule a primitive does not have yet (Python `NotImplementedError`).
    #[error("{prim}: the {rule} rule is not implemented")]
    NotImplemented {
        /// The primitive.
        prim: String,
        /// The missing rule (`jvp`, `transpose`, `batch`, `cpu kernel`, ...).
        rule: String,
    },
    /// A failure inside a backend (Python `RuntimeError`).
    #[error("{0}")]
    Backend(String),
}

/// `Result` with ferrax's error.
pub type Result<T> = std::result::Result<T, Error>;

/// Builds a `ValueError`-class error from a format string.
#[macro_export]
macro_rules! value_err {
    ($($arg:tt)*) => { $crate::error::Error::Value(format!($($arg)*)) };
}

/// Builds a `TypeError`-class error from a format string.
#[macro_export]
macro_rules! type_err {
    ($($arg:tt)*) => { $crate::error::Error::Type(format!($($arg)*)) };
}

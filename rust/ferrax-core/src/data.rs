//! Host-resident array data: one typed vector per dtype, in row-major order.

use crate::dtype::DType;

/// A typed, contiguous, row-major element buffer in host memory.
#[derive(Clone, Debug, PartialEq)]
pub enum HostData {
    /// `bool` elements.
    Bool(Vec<bool>),
    /// `int32` elements.
    I32(Vec<i32>),
    /// `uint32` elements.
    U32(Vec<u32>),
    /// `int64` elements.
    I64(Vec<i64>),
    /// `float32` elements.
    F32(Vec<f32>),
    /// `float64` elements.
    F64(Vec<f64>),
}

/// Applies an expression to the vector inside a `HostData`, whatever its element type.
#[macro_export]
macro_rules! with_data {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            $crate::data::HostData::Bool($v) => $body,
            $crate::data::HostData::I32($v) => $body,
            $crate::data::HostData::U32($v) => $body,
            $crate::data::HostData::I64($v) => $body,
            $crate::data::HostData::F32($v) => $body,
            $crate::data::HostData::F64($v) => $body,
        }
    };
}

/// Like [`with_data!`], rewrapping a produced vector in the same variant.
#[macro_export]
macro_rules! map_data {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            $crate::data::HostData::Bool($v) => $crate::data::HostData::Bool($body),
            $crate::data::HostData::I32($v) => $crate::data::HostData::I32($body),
            $crate::data::HostData::U32($v) => $crate::data::HostData::U32($body),
            $crate::data::HostData::I64($v) => $crate::data::HostData::I64($body),
            $crate::data::HostData::F32($v) => $crate::data::HostData::F32($body),
            $crate::data::HostData::F64($v) => $crate::data::HostData::F64($body),
        }
    };
}

/// A single element of any dtype, used for literals, fill values and `item()`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// A boolean.
    Bool(bool),
    /// A signed integer (int32 or int64).
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A float (float32 or float64).
    Float(f64),
}

impl Scalar {
    /// The value as f64 (booleans as 0/1).
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => f64::from(u8::from(b)),
            Scalar::Int(i) => i as f64,
            Scalar::UInt(u) => u as f64,
            Scalar::Float(f) => f,
        }
    }

    /// The value as i64, truncating floats (saturating, NaN to 0) as a cast does.
    pub fn as_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => i64::from(b),
            Scalar::Int(i) => i,
            Scalar::UInt(u) => u as i64,
            Scalar::Float(f) => f as i64,
        }
    }
}

impl HostData {
    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            HostData::Bool(_) => DType::Bool,
            HostData::I32(_) => DType::I32,
            HostData::U32(_) => DType::U32,
            HostData::I64(_) => DType::I64,
            HostData::F32(_) => DType::F32,
            HostData::F64(_) => DType::F64,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        with_data!(self, v => v.len())
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `n` copies of a scalar converted to `dtype` (with a cast's semantics).
    pub fn filled(dtype: DType, value: Scalar, n: usize) -> HostData {
        match dtype {
            DType::Bool => HostData::Bool(vec![value.as_f64() != 0.0; n]),
            DType::I32 => HostData::I32(vec![value.as_i64() as i32; n]),
            DType::U32 => HostData::U32(vec![value.as_i64() as u32; n]),
            DType::I64 => HostData::I64(vec![value.as_i64(); n]),
            DType::F32 => HostData::F32(vec![value.as_f64() as f32; n]),
            DType::F64 => HostData::F64(vec![value.as_f64(); n]),
        }
    }

    /// Element `i` as a scalar, if in range.
    pub fn get(&self, i: usize) -> Option<Scalar> {
        Some(match self {
            HostData::Bool(v) => Scalar::Bool(*v.get(i)?),
            HostData::I32(v) => Scalar::Int(i64::from(*v.get(i)?)),
            HostData::U32(v) => Scalar::UInt(u64::from(*v.get(i)?)),
            HostData::I64(v) => Scalar::Int(*v.get(i)?),
            HostData::F32(v) => Scalar::Float(f64::from(*v.get(i)?)),
            HostData::F64(v) => Scalar::Float(*v.get(i)?),
        })
    }

    /// Raw bytes of the elements (for zero-copy export).
    pub fn as_bytes(&self) -> &[u8] {
        fn bytes<T>(v: &[T]) -> &[u8] {
            // SAFETY: every element type here is plain old data without padding; the byte
            // view covers exactly the vector's initialized elements and borrows it.
            unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
        }
        with_data!(self, v => bytes(v))
    }
}

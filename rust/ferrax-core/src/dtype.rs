//! Element types, JAX's type-promotion lattice with weak types, and 64-bit canonicalization.
//!
//! A Python scalar enters ferrax as a *weak* value: it adopts the dtype of whatever strong
//! operand it meets (`f32_array * 2.0` stays `float32`). Promotion is the join on JAX's lattice
//! `b1 < i* < {u32, i32} < i64 < f* < f32 < f64`, where `u32 ∨ i32 = i64`.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// The element types an array can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// Booleans, one byte each.
    Bool,
    /// Signed 32-bit integers (the default integer type).
    I32,
    /// Unsigned 32-bit integers.
    U32,
    /// Signed 64-bit integers (only with x64 enabled).
    I64,
    /// IEEE single precision (the default float type).
    F32,
    /// IEEE double precision (only with x64 enabled).
    F64,
}

/// The category of a dtype, used by rules that accept whole families.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `bool`.
    Bool,
    /// Signed integers.
    Signed,
    /// Unsigned integers.
    Unsigned,
    /// Floating point.
    Float,
}

static X64: AtomicBool = AtomicBool::new(false);

/// Enables or disables 64-bit types (`jax_enable_x64`).
pub fn set_x64(enabled: bool) {
    X64.store(enabled, Ordering::Relaxed);
}

/// Whether 64-bit types are enabled.
pub fn x64_enabled() -> bool {
    X64.load(Ordering::Relaxed)
}

impl DType {
    /// All dtypes, in lattice order.
    pub const ALL: [DType; 6] = [
        DType::Bool,
        DType::I32,
        DType::U32,
        DType::I64,
        DType::F32,
        DType::F64,
    ];

    /// NumPy's name of the dtype (`"float32"`).
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I32 => "int32",
            DType::U32 => "uint32",
            DType::I64 => "int64",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }

    /// The short name used by the IR printer (`f32`).
    pub fn short_name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I32 => "i32",
            DType::U32 => "u32",
            DType::I64 => "i64",
            DType::F32 => "f32",
            DType::F64 => "f64",
        }
    }

    /// Parses NumPy-style names (`"float32"`, `"f4"`, `"int"`, `"bool_"`, ...).
    pub fn from_name(name: &str) -> Result<DType> {
        Ok(match name {
            "bool" | "bool_" | "?" | "b1" => DType::Bool,
            "int32" | "i4" | "i32" => DType::I32,
            "uint32" | "u4" | "u32" => DType::U32,
            "int64" | "i8" | "i64" | "int" => DType::I64,
            "float32" | "f4" | "f32" => DType::F32,
            "float64" | "f8" | "f64" | "float" | "double" => DType::F64,
            other => {
                return Err(Error::Type(format!(
                    "dtype {other:?} is not supported by ferrax (supported: bool, int32, uint32, \
                     int64, float32, float64)"
                )))
            }
        })
    }

    /// The dtype's family.
    pub fn kind(self) -> Kind {
        match self {
            DType::Bool => Kind::Bool,
            DType::I32 | DType::I64 => Kind::Signed,
            DType::U32 => Kind::Unsigned,
            DType::F32 | DType::F64 => Kind::Float,
        }
    }

    /// Whether this is a floating-point dtype.
    pub fn is_float(self) -> bool {
        self.kind() == Kind::Float
    }

    /// Whether this is a (signed or unsigned) integer dtype.
    pub fn is_int(self) -> bool {
        matches!(self.kind(), Kind::Signed | Kind::Unsigned)
    }

    /// Bytes per element.
    pub fn size_bytes(self) -> usize {
        match self {
            DType::Bool => 1,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::F64 => 8,
        }
    }

    /// The 32-bit stand-in of a 64-bit dtype when x64 is disabled (JAX's canonicalization).
    pub fn canonicalize(self) -> DType {
        if x64_enabled() {
            return self;
        }
        match self {
            DType::I64 => DType::I32,
            DType::F64 => DType::F32,
            other => other,
        }
    }

    /// The float dtype JAX's `promote_dtypes_inexact` gives: floats stay; a weak (Python)
    /// integer or bool becomes the default float; a strong one the float of its width
    /// (`int64` gives `float64`, narrower types `float32`).
    pub fn to_inexact(self, weak: bool) -> DType {
        match self {
            DType::F32 | DType::F64 => self,
            _ if weak => DType::default_float(),
            DType::I64 => DType::F64.canonicalize(),
            _ => DType::F32,
        }
    }

    /// The default float dtype (`float32`, or `float64` with x64).
    pub fn default_float() -> DType {
        DType::F64.canonicalize()
    }

    /// The default integer dtype (`int32`, or `int64` with x64).
    pub fn default_int() -> DType {
        DType::I64.canonicalize()
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A node of the promotion lattice: a dtype, or the weak integer / weak float of Python scalars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Bool,
    WeakInt,
    U32,
    I32,
    I64,
    WeakFloat,
    F32,
    F64,
}

impl Node {
    fn of(dtype: DType, weak: bool) -> Node {
        match (dtype.kind(), weak) {
            (Kind::Signed | Kind::Unsigned, true) => Node::WeakInt,
            (Kind::Float, true) => Node::WeakFloat,
            _ => match dtype {
                DType::Bool => Node::Bool,
                DType::I32 => Node::I32,
                DType::U32 => Node::U32,
                DType::I64 => Node::I64,
                DType::F32 => Node::F32,
                DType::F64 => Node::F64,
            },
        }
    }

    /// Every node at or above this one in the lattice.
    fn upper_bounds(self) -> &'static [Node] {
        use Node::*;
        match self {
            Bool => &[Bool, WeakInt, U32, I32, I64, WeakFloat, F32, F64],
            WeakInt => &[WeakInt, U32, I32, I64, WeakFloat, F32, F64],
            U32 => &[U32, I64, WeakFloat, F32, F64],
            I32 => &[I32, I64, WeakFloat, F32, F64],
            I64 => &[I64, WeakFloat, F32, F64],
            WeakFloat => &[WeakFloat, F32, F64],
            F32 => &[F32, F64],
            F64 => &[F64],
        }
    }
}

/// A dtype together with JAX's weak-type flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WeakDType {
    /// The dtype.
    pub dtype: DType,
    /// Whether the value came from a Python scalar and may adopt another operand's type.
    pub weak: bool,
}

/// Joins the given (dtype, weak) pairs on JAX's lattice and canonicalizes the result.
///
/// A weak integer joined with a weak float is a weak float; the result is weak only when the
/// join is a weak node. Weak nodes take the default dtype of their family.
pub fn promote(types: &[WeakDType]) -> Option<WeakDType> {
    let mut iter = types.iter();
    let first = iter.next()?;
    let mut acc = Node::of(first.dtype, first.weak);
    for t in iter {
        acc = join(acc, Node::of(t.dtype, t.weak));
    }
    let first_weak_dtype = |kind: Kind| {
        types
            .iter()
            .filter(|t| t.weak && t.dtype.kind() == kind)
            .map(|t| t.dtype)
            .max()
    };
    Some(match acc {
        Node::WeakInt => WeakDType {
            dtype: first_weak_dtype(Kind::Signed)
                .or(first_weak_dtype(Kind::Unsigned))
                .unwrap_or(DType::default_int())
                .canonicalize(),
            weak: true,
        },
        Node::WeakFloat => WeakDType {
            dtype: first_weak_dtype(Kind::Float)
                .unwrap_or(DType::default_float())
                .canonicalize(),
            weak: true,
        },
        node => WeakDType {
            dtype: node_dtype(node).canonicalize(),
            weak: false,
        },
    })
}

/// `jnp.promote_types`: the join of two dtypes on JAX's lattice, not canonicalized. A weak
/// operand stands for a Python type (`int`, `float`), whose dtype is the 64-bit one, and a
/// weak join is that 64-bit dtype.
pub fn join_dtypes(a: WeakDType, b: WeakDType) -> DType {
    match join(Node::of(a.dtype, a.weak), Node::of(b.dtype, b.weak)) {
        Node::WeakInt => DType::I64,
        Node::WeakFloat => DType::F64,
        node => node_dtype(node),
    }
}

fn node_dtype(node: Node) -> DType {
    match node {
        Node::Bool => DType::Bool,
        Node::U32 => DType::U32,
        Node::I32 | Node::WeakInt => DType::I32,
        Node::I64 => DType::I64,
        Node::F32 | Node::WeakFloat => DType::F32,
        Node::F64 => DType::F64,
    }
}

fn join(a: Node, b: Node) -> Node {
    let (ua, ub) = (a.upper_bounds(), b.upper_bounds());
    // The least common upper bound: the common bound all of whose upper bounds are common.
    let common: Vec<Node> = ua.iter().copied().filter(|n| ub.contains(n)).collect();
    common
        .iter()
        .copied()
        .find(|n| common.iter().all(|m| n.upper_bounds().contains(m)))
        .unwrap_or(Node::F64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(dtype: DType) -> WeakDType {
        WeakDType { dtype, weak: false }
    }
    fn w(dtype: DType) -> WeakDType {
        WeakDType { dtype, weak: true }
    }

    #[test]
    fn inexact_keeps_the_width_of_strong_types() {
        assert_eq!(DType::I32.to_inexact(false), DType::F32);
        assert_eq!(DType::U32.to_inexact(false), DType::F32);
        assert_eq!(DType::Bool.to_inexact(false), DType::F32);
        assert_eq!(DType::F64.to_inexact(true), DType::F64);
        assert_eq!(DType::I32.to_inexact(true), DType::default_float());
        assert_eq!(DType::I64.to_inexact(false), DType::F64.canonicalize());
    }

    #[test]
    fn promote_types_joins_without_canonicalizing() {
        assert_eq!(join_dtypes(s(DType::U32), s(DType::I32)), DType::I64);
        assert_eq!(join_dtypes(s(DType::I64), s(DType::I32)), DType::I64);
        assert_eq!(join_dtypes(w(DType::I64), w(DType::F64)), DType::F64);
        assert_eq!(join_dtypes(s(DType::Bool), w(DType::I64)), DType::I64);
        assert_eq!(join_dtypes(s(DType::U32), w(DType::I64)), DType::U32);
        assert_eq!(join_dtypes(s(DType::F32), w(DType::F64)), DType::F32);
    }

    #[test]
    fn lattice_joins() {
        assert_eq!(
            promote(&[s(DType::I32), w(DType::F32)]),
            Some(w(DType::F32))
        );
        assert_eq!(
            promote(&[s(DType::F32), w(DType::F32)]),
            Some(s(DType::F32))
        );
        assert_eq!(
            promote(&[s(DType::Bool), w(DType::I32)]),
            Some(w(DType::I32))
        );
        assert_eq!(
            promote(&[s(DType::U32), s(DType::I32)]),
            Some(s(DType::I32))
        );
        assert_eq!(
            promote(&[s(DType::U32), w(DType::I32)]),
            Some(s(DType::U32))
        );
        assert_eq!(
            promote(&[w(DType::I32), w(DType::F32)]),
            Some(w(DType::F32))
        );
        assert_eq!(
            promote(&[s(DType::I32), s(DType::F32)]),
            Some(s(DType::F32))
        );
    }
}

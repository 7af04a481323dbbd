//! One function per primitive: bind it with typed parameters.

use crate::data::Scalar;
use crate::dtype::DType;
use crate::error::Result;
use crate::prim::*;
use crate::shape::Shape;
use crate::trace::{bind, bind1};
use crate::value::Value;

/// An elementwise unary primitive.
pub fn unary(op: UnaryOp, x: &Value) -> Result<Value> {
    bind1(op, std::slice::from_ref(x))
}

/// An elementwise binary primitive (same dtypes; equal shapes or a scalar operand).
pub fn binary(op: BinaryOp, x: &Value, y: &Value) -> Result<Value> {
    bind1(op, &[x.clone(), y.clone()])
}

/// `convert_element_type`; a no-op when dtype and weak flag already match.
pub fn convert(x: &Value, dtype: DType, weak: bool) -> Result<Value> {
    if x.dtype() == dtype && x.aval().weak == weak {
        return Ok(x.clone());
    }
    bind1(ConvertElementType { dtype, weak }, std::slice::from_ref(x))
}

/// A rank-0 constant.
pub fn scalar(value: Scalar, dtype: DType) -> Value {
    Value::scalar(value, dtype, false)
}

/// `broadcast_in_dim`; a no-op when nothing changes.
pub fn broadcast_in_dim(x: &Value, shape: &[usize], dims: &[usize]) -> Result<Value> {
    if x.shape() == shape && dims.iter().enumerate().all(|(i, &d)| i == d) {
        return Ok(x.clone());
    }
    bind1(
        BroadcastInDim {
            shape: shape.to_vec(),
            broadcast_dimensions: dims.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// A constant filled with `value`, broadcast to `shape`.
pub fn full(shape: &[usize], value: Scalar, dtype: DType) -> Result<Value> {
    broadcast_in_dim(&scalar(value, dtype), shape, &[])
}

/// `reshape`; a no-op when the shape is unchanged.
pub fn reshape(x: &Value, shape: &[usize]) -> Result<Value> {
    if x.shape() == shape {
        return Ok(x.clone());
    }
    bind1(
        Reshape {
            new_sizes: shape.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// `transpose`; a no-op for the identity permutation.
pub fn transpose(x: &Value, perm: &[usize]) -> Result<Value> {
    if perm.iter().enumerate().all(|(i, &p)| i == p) && perm.len() == x.shape().len() {
        return Ok(x.clone());
    }
    bind1(
        Transpose {
            permutation: perm.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// `squeeze` of sorted dimensions.
pub fn squeeze(x: &Value, dims: &[usize]) -> Result<Value> {
    if dims.is_empty() {
        return Ok(x.clone());
    }
    bind1(
        Squeeze {
            dimensions: dims.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// `expand_dims` at sorted output positions.
pub fn expand_dims(x: &Value, dims: &[usize]) -> Result<Value> {
    if dims.is_empty() {
        return Ok(x.clone());
    }
    bind1(
        ExpandDims {
            dimensions: dims.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// `rev` along dimensions.
pub fn rev(x: &Value, dims: &[usize]) -> Result<Value> {
    if dims.is_empty() {
        return Ok(x.clone());
    }
    bind1(
        Rev {
            dimensions: dims.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// `slice` with positive strides.
pub fn slice(x: &Value, start: &[usize], limit: &[usize], strides: &[usize]) -> Result<Value> {
    if start.iter().all(|&s| s == 0) && limit == x.shape() && strides.iter().all(|&s| s == 1) {
        return Ok(x.clone());
    }
    bind1(
        Slice {
            start_indices: start.to_vec(),
            limit_indices: limit.to_vec(),
            strides: strides.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// `reduce_*` over sorted axes.
pub fn reduce(op: ReduceOp, x: &Value, axes: &[usize]) -> Result<Value> {
    bind1(
        Reduce {
            op,
            axes: axes.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// `iota` of a dtype along one dimension of a shape.
pub fn iota(dtype: DType, shape: Shape, dimension: usize) -> Result<Value> {
    bind1(
        Iota {
            dtype,
            shape,
            dimension,
        },
        &[],
    )
}

/// `select_n(which, *cases)`.
pub fn select_n(which: &Value, cases: &[Value]) -> Result<Value> {
    let mut ins = Vec::with_capacity(cases.len() + 1);
    ins.push(which.clone());
    ins.extend_from_slice(cases);
    bind1(SelectN, &ins)
}

/// `clamp(lo, x, hi)`.
pub fn clamp(lo: &Value, x: &Value, hi: &Value) -> Result<Value> {
    bind1(Clamp, &[lo.clone(), x.clone(), hi.clone()])
}

/// `concatenate` along a dimension.
pub fn concatenate(xs: &[Value], dimension: usize) -> Result<Value> {
    bind1(Concatenate { dimension }, xs)
}

/// `dot_general`.
pub fn dot_general(lhs: &Value, rhs: &Value, dims: DotGeneral) -> Result<Value> {
    bind1(dims, &[lhs.clone(), rhs.clone()])
}

/// `sort` of several operands.
pub fn sort(
    xs: &[Value],
    dimension: usize,
    is_stable: bool,
    num_keys: usize,
) -> Result<Vec<Value>> {
    bind(
        &Prim::Sort(Sort {
            dimension,
            is_stable,
            num_keys,
        }),
        xs,
    )
}

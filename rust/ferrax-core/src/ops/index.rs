//! NumPy-style shape functions and basic indexing (`x[1, ::-2, None, ...]`).

use super::lax;
use crate::error::{Error, Result};
use crate::shape::{fmt_shape, normalize_axes, normalize_axis, size};
use crate::value::Value;
use crate::{type_err, value_err};

/// One entry of a basic index.
#[derive(Clone, Debug, PartialEq)]
pub enum IndexItem {
    /// An integer (negative counts from the end); removes the dimension.
    Int(i64),
    /// `start:stop:step`, each optional.
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// `None`: a new dimension of size 1.
    NewAxis,
    /// `...`: as many full slices as needed.
    Ellipsis,
}

/// Reshape with NumPy's `-1` inference.
pub fn reshape(x: &Value, shape: &[i64]) -> Result<Value> {
    let total = size(x.shape());
    let unknown: Vec<usize> = (0..shape.len()).filter(|&i| shape[i] == -1).collect();
    if unknown.len() > 1 || shape.iter().any(|&d| d < -1) {
        return Err(value_err!(
            "reshape: invalid shape {shape:?} (at most one -1, no other negative sizes)"
        ));
    }
    let known: usize = shape
        .iter()
        .filter(|&&d| d >= 0)
        .map(|&d| d as usize)
        .product();
    let mut out: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
    if let Some(&i) = unknown.first() {
        if known == 0 || !total.is_multiple_of(known) {
            return Err(value_err!(
                "reshape: cannot reshape array of shape {} (size {total}) into shape {shape:?}",
                fmt_shape(x.shape())
            ));
        }
        out[i] = total / known;
    }
    lax::reshape(x, &out)
}

/// `transpose` with optional axes (default: reversed), negative axes allowed.
pub fn transpose(x: &Value, axes: Option<&[i64]>) -> Result<Value> {
    let n = x.shape().len();
    let perm: Vec<usize> = match axes {
        None => (0..n).rev().collect(),
        Some(a) => {
            if a.len() != n {
                return Err(value_err!(
                    "transpose: axes {a:?} don't match array of shape {}",
                    fmt_shape(x.shape())
                ));
            }
            let mut p = Vec::with_capacity(n);
            for &ax in a {
                p.push(normalize_axis("transpose", ax, n)?);
            }
            p
        }
    };
    lax::transpose(x, &perm)
}

/// `squeeze` of given axes (default: every size-1 axis).
pub fn squeeze(x: &Value, axes: Option<&[i64]>) -> Result<Value> {
    let dims = match axes {
        None => (0..x.shape().len())
            .filter(|&d| x.shape()[d] == 1)
            .collect(),
        Some(a) => normalize_axes("squeeze", a, x.shape().len())?,
    };
    lax::squeeze(x, &dims)
}

/// `expand_dims` at NumPy-style (possibly negative) output positions.
pub fn expand_dims(x: &Value, axes: &[i64]) -> Result<Value> {
    let rank = x.shape().len() + axes.len();
    let dims = normalize_axes("expand_dims", axes, rank)?;
    lax::expand_dims(x, &dims)
}

/// Basic indexing: ints, slices with any step, `None`, one `...`.
pub fn getitem(x: &Value, items: &[IndexItem]) -> Result<Value> {
    let shape = x.shape().to_vec();
    let n_ell = items.iter().filter(|i| **i == IndexItem::Ellipsis).count();
    if n_ell > 1 {
        return Err(Error::Index(
            "an index can only have a single ellipsis ('...')".into(),
        ));
    }
    let consumed = items
        .iter()
        .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice(..)))
        .count();
    if consumed > shape.len() {
        return Err(Error::Index(format!(
            "too many indices for array: array is {}-dimensional, but {consumed} were indexed",
            shape.len()
        )));
    }
    let mut expanded: Vec<IndexItem> = Vec::with_capacity(items.len() + shape.len());
    for it in items {
        if *it == IndexItem::Ellipsis {
            expanded.extend(std::iter::repeat_n(
                IndexItem::Slice(None, None, None),
                shape.len() - consumed,
            ));
        } else {
            expanded.push(it.clone());
        }
    }
    while expanded
        .iter()
        .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice(..)))
        .count()
        < shape.len()
    {
        expanded.push(IndexItem::Slice(None, None, None));
    }
    let (mut start, mut limit, mut strides) = (Vec::new(), Vec::new(), Vec::new());
    let mut reversed = Vec::new();
    let mut squeezed = Vec::new();
    let mut final_shape: Vec<usize> = Vec::new();
    let mut new_axes_at: Vec<usize> = Vec::new();
    let mut dim = 0usize;
    for it in &expanded {
        match *it {
            IndexItem::NewAxis => {
                new_axes_at.push(final_shape.len());
                final_shape.push(1);
            }
            IndexItem::Int(i) => {
                let d = shape[dim];
                let j = if i < 0 { i + d as i64 } else { i };
                if j < 0 || j >= d as i64 {
                    return Err(Error::IndexOutOfRange {
                        index: i,
                        axis: dim,
                        size: d,
                    });
                }
                start.push(j as usize);
                limit.push(j as usize + 1);
                strides.push(1);
                squeezed.push(dim);
                dim += 1;
            }
            IndexItem::Slice(a, b, s) => {
                let d = shape[dim] as i64;
                let step = s.unwrap_or(1);
                if step == 0 {
                    return Err(value_err!("slice step cannot be zero"));
                }
                let (lo, count) = slice_range(a, b, step, d);
                if step > 0 {
                    let end = if count == 0 {
                        lo
                    } else {
                        lo + (count - 1) * step + 1
                    };
                    start.push(lo as usize);
                    limit.push(end as usize);
                    strides.push(step as usize);
                } else {
                    // Elements lo, lo+step, ...: take them ascending, then reverse.
                    let first = lo + (count - 1).max(0) * step;
                    let (s0, l0) = if count == 0 { (0, 0) } else { (first, lo + 1) };
                    start.push(s0 as usize);
                    limit.push(l0 as usize);
                    strides.push((-step) as usize);
                    reversed.push(dim);
                }
                final_shape.push(count as usize);
                dim += 1;
            }
            IndexItem::Ellipsis => {}
        }
    }
    let mut y = lax::slice(x, &start, &limit, &strides)?;
    y = lax::rev(&y, &reversed)?;
    y = lax::squeeze(&y, &squeezed)?;
    lax::expand_dims(&y, &new_axes_at)
}

/// Python's `slice.indices` followed by the element count: the first index and how many.
fn slice_range(start: Option<i64>, stop: Option<i64>, step: i64, d: i64) -> (i64, i64) {
    let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
    let norm = |v: i64| if v < 0 { v + d } else { v };
    if step > 0 {
        let a = start.map_or(0, |v| clamp(norm(v), 0, d));
        let b = stop.map_or(d, |v| clamp(norm(v), 0, d));
        let count = if b > a { (b - a + step - 1) / step } else { 0 };
        (a, count)
    } else {
        let a = start.map_or(d - 1, |v| clamp(norm(v), -1, d - 1));
        let b = stop.map_or(-1, |v| clamp(norm(v), -1, d - 1));
        let count = if a > b {
            (a - b + (-step) - 1) / (-step)
        } else {
            0
        };
        (a, count)
    }
}

/// Rejects an index that is not an integer (a float, say).
pub fn bad_index(what: &str) -> Error {
    type_err!(
        "only integers, slices (`:`), ellipsis (`...`) and None are valid indices, got {what}"
    )
}

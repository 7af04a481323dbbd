//! Shapes: formatting, broadcasting, axis normalization and row-major strides.

use crate::error::{Error, Result};
use crate::value_err;

/// An array shape (row-major dimension sizes).
pub type Shape = Vec<usize>;

/// Formats a shape the way Python prints a tuple: `(3,)`, `(2, 4)`, `()`.
pub fn fmt_shape(shape: &[usize]) -> String {
    match shape {
        [] => "()".to_string(),
        [d] => format!("({d},)"),
        dims => {
            let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// Number of elements of a shape.
pub fn size(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Row-major strides, in elements.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut out = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        out[i] = out[i + 1] * shape[i + 1];
    }
    out
}

/// NumPy broadcasting of several shapes.
pub fn broadcast_shapes(op: &str, shapes: &[&[usize]]) -> Result<Shape> {
    let rank = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; rank];
    for shape in shapes {
        let offset = rank - shape.len();
        for (i, &d) in shape.iter().enumerate() {
            let o = &mut out[offset + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                let shown: Vec<String> = shapes.iter().map(|s| fmt_shape(s)).collect();
                return Err(value_err!(
                    "{op}: incompatible shapes for broadcasting: {}",
                    shown.join(" vs ")
                ));
            }
        }
    }
    Ok(out)
}

/// Normalizes a possibly negative axis against a rank.
pub fn normalize_axis(op: &str, axis: i64, ndim: usize) -> Result<usize> {
    let n = ndim as i64;
    if axis < -n || axis >= n {
        return Err(Error::AxisOutOfRange {
            op: op.to_string(),
            axis,
            ndim,
        });
    }
    Ok(if axis < 0 { axis + n } else { axis } as usize)
}

/// Normalizes a list of axes, rejecting repeats; the result is sorted.
pub fn normalize_axes(op: &str, axes: &[i64], ndim: usize) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = normalize_axis(op, a, ndim)?;
        if out.contains(&a) {
            return Err(value_err!("{op}: repeated axis {a} in {axes:?}"));
        }
        out.push(a);
    }
    out.sort_unstable();
    Ok(out)
}

/// Checks that `perm` is a permutation of `0..n`.
pub fn check_permutation(op: &str, perm: &[usize], n: usize) -> Result<()> {
    let mut seen = vec![false; n];
    if perm.len() != n {
        return Err(value_err!(
            "{op}: permutation {perm:?} must have one entry per dimension ({n})"
        ));
    }
    for &p in perm {
        if p >= n || seen[p] {
            return Err(value_err!(
                "{op}: {perm:?} is not a permutation of the {n} dimensions"
            ));
        }
        seen[p] = true;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting() {
        assert_eq!(
            broadcast_shapes("add", &[&[3, 1], &[4]]).ok(),
            Some(vec![3, 4])
        );
        let err = broadcast_shapes("add", &[&[3], &[4]])
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("add: incompatible shapes for broadcasting: (3,) vs (4,)")
        );
    }

    #[test]
    fn strides_and_axes() {
        assert_eq!(strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(normalize_axis("sum", -1, 3).ok(), Some(2));
        assert!(normalize_axis("sum", 3, 3).is_err());
        assert_eq!(fmt_shape(&[]), "()");
    }
}

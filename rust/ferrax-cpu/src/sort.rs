//! Kernel of the multi-operand, stable `sort`.

use std::cmp::Ordering;

use ferrax_core::aval::Aval;
use ferrax_core::data::HostData;
use ferrax_core::{map_data, Result};

fn float_order<T: PartialOrd + Copy>(
    a: T,
    b: T,
    is_nan: fn(T) -> bool,
    total: fn(&T, &T) -> Ordering,
) -> Ordering {
    match (is_nan(a), is_nan(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => total(&a, &b),
    }
}

/// Compares elements `i` and `j` of one key operand (NaNs last, -0 before +0).
fn compare(x: &HostData, i: usize, j: usize) -> Ordering {
    match x {
        HostData::F32(v) => float_order(v[i], v[j], f32::is_nan, f32::total_cmp),
        HostData::F64(v) => float_order(v[i], v[j], f64::is_nan, f64::total_cmp),
        HostData::I32(v) => v[i].cmp(&v[j]),
        HostData::U32(v) => v[i].cmp(&v[j]),
        HostData::I64(v) => v[i].cmp(&v[j]),
        HostData::Bool(v) => v[i].cmp(&v[j]),
    }
}

/// Sorts all operands along `dim` by the first `num_keys` operands, lexicographically.
pub fn sort(xs: &[&HostData], xa: &Aval, dim: usize, num_keys: usize) -> Result<Vec<HostData>> {
    let shape = &xa.shape;
    let outer: usize = shape[..dim].iter().product();
    let r = shape[dim];
    let inner: usize = shape[dim + 1..].iter().product();
    // perm[(o * inner + i) * r + k]: the source position along `dim` of output position k.
    let mut perm = vec![0usize; outer * inner * r];
    let keys = &xs[..num_keys];
    for o in 0..outer {
        for i in 0..inner {
            let lane = &mut perm[(o * inner + i) * r..(o * inner + i + 1) * r];
            for (k, p) in lane.iter_mut().enumerate() {
                *p = k;
            }
            let flat = |k: usize| (o * r + k) * inner + i;
            lane.sort_by(|&a, &b| {
                keys.iter()
                    .map(|key| compare(key, flat(a), flat(b)))
                    .find(|c| *c != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            });
        }
    }
    Ok(xs
        .iter()
        .map(|x| {
            map_data!(x, v => {
                let mut out = v.clone();
                for o in 0..outer {
                    for i in 0..inner {
                        let lane = &perm[(o * inner + i) * r..(o * inner + i + 1) * r];
                        for (k, &src) in lane.iter().enumerate() {
                            out[(o * r + k) * inner + i] = v[(o * r + src) * inner + i];
                        }
                    }
                }
                out
            })
        })
        .collect())
}

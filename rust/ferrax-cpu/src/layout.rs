//! Kernels that move elements: one strided copy serves broadcast, transpose, slice, rev,
//! pad, concatenate and the dynamic slices.

use ferrax_core::aval::Aval;
use ferrax_core::data::HostData;
use ferrax_core::prim::{BroadcastInDim, DynamicSlice, Pad, Slice};
use ferrax_core::shape::strides;
use ferrax_core::{map_data, Error, Result};

/// A strided view: element `idx` lives at `offset + sum(idx[d] * strides[d])`.
#[derive(Clone, Debug)]
pub struct View {
    /// Offset of the first element.
    pub offset: isize,
    /// Stride of each dimension, in elements (may be 0 or negative).
    pub strides: Vec<isize>,
}

impl View {
    /// The row-major view of a contiguous array.
    pub fn contiguous(shape: &[usize]) -> View {
        View {
            offset: 0,
            strides: strides(shape).into_iter().map(|s| s as isize).collect(),
        }
    }
}

/// Copies the `shape`-sized block from `src` (through `sv`) into `dst` (through `dv`).
pub fn copy_strided<T: Copy>(src: &[T], sv: &View, dst: &mut [T], dv: &View, shape: &[usize]) {
    let n = shape.len();
    if shape.contains(&0) {
        return;
    }
    if n == 0 {
        dst[dv.offset as usize] = src[sv.offset as usize];
        return;
    }
    let inner = shape[n - 1];
    let (ss, ds) = (sv.strides[n - 1], dv.strides[n - 1]);
    let mut idx = vec![0usize; n - 1];
    let (mut so, mut doff) = (sv.offset, dv.offset);
    loop {
        if ss == 1 && ds == 1 {
            dst[doff as usize..doff as usize + inner]
                .copy_from_slice(&src[so as usize..so as usize + inner]);
        } else if ss == 0 && ds == 1 {
            dst[doff as usize..doff as usize + inner].fill(src[so as usize]);
        } else {
            let (mut s, mut d) = (so, doff);
            for _ in 0..inner {
                dst[d as usize] = src[s as usize];
                s += ss;
                d += ds;
            }
        }
        // Advance the odometer over the outer dimensions.
        let mut k = n - 1;
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            idx[k] += 1;
            so += sv.strides[k];
            doff += dv.strides[k];
            if idx[k] < shape[k] {
                break;
            }
            so -= sv.strides[k] * shape[k] as isize;
            doff -= dv.strides[k] * shape[k] as isize;
            idx[k] = 0;
        }
    }
}

/// A new contiguous array of `shape` read from `src` through a view.
pub fn gather<T: Copy + Default>(src: &[T], sv: &View, shape: &[usize]) -> Vec<T> {
    let mut out = crate::alloc::filled(shape.iter().product(), T::default());
    copy_strided(src, sv, &mut out, &View::contiguous(shape), shape);
    out
}

fn gather_data(x: &HostData, sv: &View, shape: &[usize]) -> HostData {
    map_data!(x, v => gather(v, sv, shape))
}

/// `broadcast_in_dim`.
pub fn broadcast_in_dim(p: &BroadcastInDim, x: &HostData, xa: &Aval) -> HostData {
    let xs = strides(&xa.shape);
    let mut s = vec![0isize; p.shape.len()];
    for (i, &d) in p.broadcast_dimensions.iter().enumerate() {
        if xa.shape[i] != 1 {
            s[d] = xs[i] as isize;
        }
    }
    gather_data(
        x,
        &View {
            offset: 0,
            strides: s,
        },
        &p.shape,
    )
}

/// `transpose`.
pub fn transpose(perm: &[usize], x: &HostData, xa: &Aval) -> HostData {
    let xs = strides(&xa.shape);
    let shape: Vec<usize> = perm.iter().map(|&p| xa.shape[p]).collect();
    let s = perm.iter().map(|&p| xs[p] as isize).collect();
    gather_data(
        x,
        &View {
            offset: 0,
            strides: s,
        },
        &shape,
    )
}

/// `slice`.
pub fn slice(p: &Slice, x: &HostData, xa: &Aval, out: &Aval) -> HostData {
    let xs = strides(&xa.shape);
    let offset = p
        .start_indices
        .iter()
        .zip(&xs)
        .map(|(&a, &s)| (a * s) as isize)
        .sum();
    let s = xs
        .iter()
        .zip(&p.strides)
        .map(|(&s, &k)| (s * k) as isize)
        .collect();
    gather_data(x, &View { offset, strides: s }, &out.shape)
}

/// `rev`.
pub fn rev(dims: &[usize], x: &HostData, xa: &Aval) -> HostData {
    let mut v = View::contiguous(&xa.shape);
    for &d in dims {
        if xa.shape[d] > 0 {
            v.offset += v.strides[d] * (xa.shape[d] as isize - 1);
        }
        v.strides[d] = -v.strides[d];
    }
    gather_data(x, &v, &xa.shape)
}

/// `concatenate`.
pub fn concatenate(dim: usize, xs: &[&HostData], avals: &[&Aval], out: &Aval) -> Result<HostData> {
    let first = xs
        .first()
        .ok_or_else(|| Error::Value("concatenate of nothing".into()))?;
    let mut res = HostData::filled(first.dtype(), ferrax_core::Scalar::Int(0), out.size());
    let mut dv = View::contiguous(&out.shape);
    for (x, a) in xs.iter().zip(avals) {
        copy_into(x, &View::contiguous(&a.shape), &mut res, &dv, &a.shape)?;
        dv.offset += dv.strides[dim] * a.shape[dim] as isize;
    }
    Ok(res)
}

fn copy_into(
    src: &HostData,
    sv: &View,
    dst: &mut HostData,
    dv: &View,
    shape: &[usize],
) -> Result<()> {
    use HostData as H;
    match (src, dst) {
        (H::Bool(s), H::Bool(d)) => copy_strided(s, sv, d, dv, shape),
        (H::I32(s), H::I32(d)) => copy_strided(s, sv, d, dv, shape),
        (H::U32(s), H::U32(d)) => copy_strided(s, sv, d, dv, shape),
        (H::I64(s), H::I64(d)) => copy_strided(s, sv, d, dv, shape),
        (H::F32(s), H::F32(d)) => copy_strided(s, sv, d, dv, shape),
        (H::F64(s), H::F64(d)) => copy_strided(s, sv, d, dv, shape),
        _ => return Err(Error::Type("copy between different dtypes".into())),
    }
    Ok(())
}

/// `pad`: fill, then scatter the kept input elements to their padded positions.
pub fn pad(p: &Pad, x: &HostData, value: &HostData, xa: &Aval, out: &Aval) -> Result<HostData> {
    let fill = value
        .get(0)
        .ok_or_else(|| Error::Value("pad: empty padding value".into()))?;
    let mut res = HostData::filled(x.dtype(), fill, out.size());
    let os = strides(&out.shape);
    let xs = strides(&xa.shape);
    let (mut sv, mut dv) = (
        View {
            offset: 0,
            strides: Vec::new(),
        },
        View {
            offset: 0,
            strides: Vec::new(),
        },
    );
    let mut block = Vec::with_capacity(xa.shape.len());
    for d in 0..xa.shape.len() {
        let (lo, _, interior) = p.config[d];
        let step = interior + 1;
        let n = xa.shape[d] as i64;
        let o = out.shape[d] as i64;
        // Input indices i with 0 <= lo + i*step < o.
        let first = if lo >= 0 { 0 } else { (-lo + step - 1) / step };
        let last = if o - lo <= 0 {
            -1
        } else {
            ((o - 1 - lo) / step).min(n - 1)
        };
        let count = (last - first + 1).max(0);
        block.push(count as usize);
        sv.offset += (first * xs[d] as i64) as isize;
        sv.strides.push(xs[d] as isize);
        dv.offset += ((lo + first * step) * os[d] as i64) as isize;
        dv.strides.push((step * os[d] as i64) as isize);
    }
    if block.contains(&0) {
        return Ok(res);
    }
    copy_into(x, &sv, &mut res, &dv, &block)?;
    Ok(res)
}

fn clamped_starts(starts: &[&HostData], shape: &[usize], window: &[usize]) -> Vec<usize> {
    starts
        .iter()
        .zip(shape.iter().zip(window))
        .map(|(s, (&d, &w))| {
            let v = s.get(0).map_or(0, |v| v.as_i64());
            v.clamp(0, (d - w) as i64) as usize
        })
        .collect()
}

/// `dynamic_slice` with JAX's clamping of the start indices.
pub fn dynamic_slice(p: &DynamicSlice, x: &HostData, starts: &[&HostData], xa: &Aval) -> HostData {
    let st = clamped_starts(starts, &xa.shape, &p.slice_sizes);
    let mut v = View::contiguous(&xa.shape);
    v.offset = st
        .iter()
        .zip(&v.strides)
        .map(|(&a, &s)| a as isize * s)
        .sum();
    gather_data(x, &v, &p.slice_sizes)
}

/// `dynamic_update_slice` with JAX's clamping of the start indices.
pub fn dynamic_update_slice(
    x: &HostData,
    update: &HostData,
    starts: &[&HostData],
    xa: &Aval,
    ua: &Aval,
) -> Result<HostData> {
    let st = clamped_starts(starts, &xa.shape, &ua.shape);
    let mut res = x.clone();
    let mut dv = View::contiguous(&xa.shape);
    dv.offset = st
        .iter()
        .zip(&dv.strides)
        .map(|(&a, &s)| a as isize * s)
        .sum();
    copy_into(
        update,
        &View::contiguous(&ua.shape),
        &mut res,
        &dv,
        &ua.shape,
    )?;
    Ok(res)
}

/// `iota`.
pub fn iota(out: &Aval, dimension: usize) -> HostData {
    let st = strides(&out.shape);
    let (stride, size) = (st[dimension], out.shape[dimension]);
    let n = out.size();
    match out.dtype {
        ferrax_core::DType::I32 => HostData::I32(iota_values(n, stride, size, |j| j as i32)),
        ferrax_core::DType::U32 => HostData::U32(iota_values(n, stride, size, |j| j as u32)),
        ferrax_core::DType::I64 => HostData::I64(iota_values(n, stride, size, |j| j as i64)),
        ferrax_core::DType::F32 => HostData::F32(iota_values(n, stride, size, |j| j as f32)),
        ferrax_core::DType::F64 => HostData::F64(iota_values(n, stride, size, |j| j as f64)),
        ferrax_core::DType::Bool => HostData::Bool(iota_values(n, stride, size, |j| j != 0)),
    }
}

/// `n` values where element `i` is `cast((i / stride) % size)`: runs of `stride` equal values
/// counting up to `size`, repeated (no division per element).
fn iota_values<T: Copy>(n: usize, stride: usize, size: usize, cast: impl Fn(usize) -> T) -> Vec<T> {
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    let period: Vec<T> = (0..size).map(cast).collect();
    while out.len() < n {
        for &v in &period {
            out.extend(std::iter::repeat_n(v, stride));
        }
    }
    out
}

//! Kernels of `gather` and `scatter`: slices of the operand addressed by integer index tuples.

use ferrax_core::data::HostData;
use ferrax_core::prim::ScatterOp;
use ferrax_core::shape::size;
use ferrax_core::{map_data, type_err, Aval, Result};

/// Where the index tuples point: the flat offset of each tuple's slice (`None` when out of
/// bounds) and the offsets of the slice's elements relative to it.
struct Plan {
    bases: Vec<Option<usize>>,
    within: Vec<usize>,
}

fn indices(idx: &HostData) -> Result<Vec<i64>> {
    Ok(match idx {
        HostData::I32(v) => v.iter().map(|&i| i64::from(i)).collect(),
        HostData::U32(v) => v.iter().map(|&i| i64::from(i)).collect(),
        HostData::I64(v) => v.clone(),
        other => return Err(type_err!("gather: indices of dtype {}", other.dtype())),
    })
}

fn plan(x: &Aval, idx: &HostData, ia: &Aval, axes: &[usize], clamp: bool) -> Result<Plan> {
    let strides = ferrax_core::shape::strides(&x.shape);
    let ix = indices(idx)?;
    let k = axes.len();
    let n = size(&ia.shape[..ia.shape.len().saturating_sub(1)]);
    let mut bases = Vec::with_capacity(n);
    for t in 0..n {
        let mut off = 0usize;
        let mut inside = true;
        for (j, &a) in axes.iter().enumerate() {
            let dim = x.shape[a] as i64;
            let mut i = ix[t * k + j];
            if clamp {
                i = i.clamp(0, (dim - 1).max(0));
            }
            if i < 0 || i >= dim {
                inside = false;
                break;
            }
            off += i as usize * strides[a];
        }
        bases.push(inside.then_some(off));
    }
    let rest: Vec<usize> = (0..x.shape.len()).filter(|d| !axes.contains(d)).collect();
    let rest_shape: Vec<usize> = rest.iter().map(|&d| x.shape[d]).collect();
    let mut within = Vec::with_capacity(size(&rest_shape));
    let mut pos = vec![0usize; rest.len()];
    for _ in 0..size(&rest_shape) {
        within.push(pos.iter().zip(&rest).map(|(&p, &d)| p * strides[d]).sum());
        for d in (0..pos.len()).rev() {
            pos[d] += 1;
            if pos[d] < rest_shape[d] {
                break;
            }
            pos[d] = 0;
        }
    }
    Ok(Plan { bases, within })
}

/// `gather`: out-of-bound tuples are clamped, or read as zeros when `fill`.
pub fn gather(
    x: &HostData,
    xa: &Aval,
    idx: &HostData,
    ia: &Aval,
    axes: &[usize],
    fill: bool,
) -> Result<HostData> {
    let p = plan(xa, idx, ia, axes, !fill)?;
    Ok(map_data!(x, v => take(v, &p)))
}

fn take<T: Copy + Default>(v: &[T], p: &Plan) -> Vec<T> {
    let mut out = Vec::with_capacity(p.bases.len() * p.within.len());
    for base in &p.bases {
        match base {
            Some(b) => out.extend(p.within.iter().map(|&w| v[b + w])),
            None => out.extend(p.within.iter().map(|_| T::default())),
        }
    }
    out
}

trait Combine: Copy + PartialOrd {
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
}

macro_rules! combine_num {
    ($($t:ty),*) => {$(
        impl Combine for $t {
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            fn mul(self, o: Self) -> Self { self.wrapping_mul(o) }
        }
    )*};
}
combine_num!(i32, u32, i64);

impl Combine for f32 {
    fn add(self, o: Self) -> Self {
        self + o
    }
    fn mul(self, o: Self) -> Self {
        self * o
    }
}

impl Combine for f64 {
    fn add(self, o: Self) -> Self {
        self + o
    }
    fn mul(self, o: Self) -> Self {
        self * o
    }
}

impl Combine for bool {
    fn add(self, o: Self) -> Self {
        self | o
    }
    fn mul(self, o: Self) -> Self {
        self & o
    }
}

/// Whether `x` is NaN (the only value not ordered with itself).
fn unordered<T: PartialOrd>(x: T) -> bool {
    x.partial_cmp(&x).is_none()
}

fn combine<T: Combine>(op: ScatterOp, a: T, b: T) -> T {
    match op {
        ScatterOp::Set => b,
        ScatterOp::Add => a.add(b),
        ScatterOp::Mul => a.mul(b),
        // NaN propagates, as in `max`/`min`.
        ScatterOp::Min => {
            if b < a || unordered(b) {
                b
            } else {
                a
            }
        }
        ScatterOp::Max => {
            if b > a || unordered(b) {
                b
            } else {
                a
            }
        }
    }
}

fn scatter_into<T: Combine>(out: &mut [T], u: &[T], p: &Plan, op: ScatterOp) {
    for (t, base) in p.bases.iter().enumerate() {
        if let Some(b) = base {
            let row = &u[t * p.within.len()..(t + 1) * p.within.len()];
            for (&w, &val) in p.within.iter().zip(row) {
                out[b + w] = combine(op, out[b + w], val);
            }
        }
    }
}

/// `scatter`: updates combined in order; out-of-bound tuples are dropped.
pub fn scatter(
    x: &HostData,
    xa: &Aval,
    idx: &HostData,
    ia: &Aval,
    updates: &HostData,
    axes: &[usize],
    op: ScatterOp,
) -> Result<HostData> {
    let p = plan(xa, idx, ia, axes, false)?;
    let mut out = x.clone();
    macro_rules! run {
        ($($var:ident),*) => {
            match (&mut out, updates) {
                $((HostData::$var(o), HostData::$var(u)) => scatter_into(o, u, &p, op),)*
                (o, u) => {
                    return Err(type_err!(
                        "scatter: updates of dtype {} for an operand of dtype {}",
                        u.dtype(),
                        o.dtype()
                    ))
                }
            }
        };
    }
    run!(Bool, I32, U32, I64, F32, F64);
    Ok(out)
}

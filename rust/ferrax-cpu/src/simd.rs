//! Elementwise loops compiled for the best vector ISA of the running CPU.
//!
//! Kernels are written as scalar, branch-free closures; each loop here is instantiated under
//! `target_feature` for AVX-512 and AVX2+FMA so that LLVM vectorizes the closure body for that
//! ISA, and the right instance is picked at run time. Large arrays are split across threads.

use std::mem::MaybeUninit;
use std::sync::OnceLock;

use rayon::prelude::*;

/// Elements per parallel task; smaller arrays run on the calling thread.
pub const PAR_CHUNK: usize = 1 << 16;

/// The vector instruction sets the loops here are compiled for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    Avx512,
    Avx2,
    Baseline,
}

/// The best instruction set of the running CPU (detected once).
pub(crate) fn isa() -> Isa {
    static ISA: OnceLock<Isa> = OnceLock::new();
    *ISA.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512dq")
                && is_x86_feature_detected!("avx512vl")
            {
                return Isa::Avx512;
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return Isa::Avx2;
            }
        }
        Isa::Baseline
    })
}

#[inline(always)]
fn loop1<T: Copy, U, F: Fn(T) -> U>(x: &[T], out: &mut [MaybeUninit<U>], f: &F) {
    for (o, &v) in out.iter_mut().zip(x) {
        o.write(f(v));
    }
}

#[inline(always)]
fn loop2<A: Copy, B: Copy, U, F: Fn(A, B) -> U>(
    a: &[A],
    b: &[B],
    out: &mut [MaybeUninit<U>],
    f: &F,
) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        o.write(f(x, y));
    }
}

#[inline(always)]
fn loop3<A: Copy, B: Copy, C: Copy, U, F: Fn(A, B, C) -> U>(
    a: &[A],
    b: &[B],
    c: &[C],
    out: &mut [MaybeUninit<U>],
    f: &F,
) {
    for (((o, &x), &y), &z) in out.iter_mut().zip(a).zip(b).zip(c) {
        o.write(f(x, y, z));
    }
}

macro_rules! multiversion {
    ($name:ident, $inner:ident, ($($arg:ident: $ty:ty),*), <$($g:ident),*>, $bound:path) => {
        #[cfg(target_arch = "x86_64")]
        mod $name {
            use super::*;
            #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
            pub unsafe fn avx512<$($g: Copy),*, U, F: $bound>($($arg: $ty),*, f: &F) {
                $inner($($arg),*, f)
            }
            #[target_feature(enable = "avx2,fma")]
            pub unsafe fn avx2<$($g: Copy),*, U, F: $bound>($($arg: $ty),*, f: &F) {
                $inner($($arg),*, f)
            }
        }
    };
}

multiversion!(v1, loop1, (x: &[T], out: &mut [MaybeUninit<U>]), <T>, Fn(T) -> U);
multiversion!(v2, loop2, (a: &[A], b: &[B], out: &mut [MaybeUninit<U>]), <A, B>, Fn(A, B) -> U);
multiversion!(
    v3,
    loop3,
    (a: &[A], b: &[B], c: &[C], out: &mut [MaybeUninit<U>]),
    <A, B, C>,
    Fn(A, B, C) -> U
);

fn run1<T: Copy, U, F: Fn(T) -> U>(x: &[T], out: &mut [MaybeUninit<U>], f: &F) {
    match isa() {
        // SAFETY: the instance is only called when the CPU reports the features it needs.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { v1::avx512(x, out, f) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { v1::avx2(x, out, f) },
        _ => loop1(x, out, f),
    }
}

fn run2<A: Copy, B: Copy, U, F: Fn(A, B) -> U>(
    a: &[A],
    b: &[B],
    out: &mut [MaybeUninit<U>],
    f: &F,
) {
    match isa() {
        // SAFETY: the instance is only called when the CPU reports the features it needs.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { v2::avx512(a, b, out, f) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { v2::avx2(a, b, out, f) },
        _ => loop2(a, b, out, f),
    }
}

fn run3<A: Copy, B: Copy, C: Copy, U, F: Fn(A, B, C) -> U>(
    a: &[A],
    b: &[B],
    c: &[C],
    out: &mut [MaybeUninit<U>],
    f: &F,
) {
    match isa() {
        // SAFETY: the instance is only called when the CPU reports the features it needs.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { v3::avx512(a, b, c, out, f) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { v3::avx2(a, b, c, out, f) },
        _ => loop3(a, b, c, out, f),
    }
}

/// A vector of `n` elements each written exactly once by `fill`.
pub(crate) fn build<U: Send, G: Fn(&mut [MaybeUninit<U>], usize) + Sync>(
    n: usize,
    fill: G,
) -> Vec<U> {
    let mut out: Vec<U> = crate::alloc::with_capacity(n);
    {
        let spare = &mut out.spare_capacity_mut()[..n];
        if n > PAR_CHUNK {
            spare
                .par_chunks_mut(PAR_CHUNK)
                .enumerate()
                .for_each(|(i, chunk)| fill(chunk, i * PAR_CHUNK));
        } else {
            fill(spare, 0);
        }
    }
    // SAFETY: `fill` wrote every one of the first `n` elements (each chunk covers its range).
    unsafe { out.set_len(n) };
    out
}

/// `map(x, f)` for a kernel `f` (the path of an `#[inline(always)]` function) too large for
/// LLVM to inline through a closure: `f` is called directly inside each ISA instance, so it is
/// compiled (and vectorized) for that ISA rather than called out of line at the baseline.
macro_rules! map_inlined {
    ($x:expr, $f:path, $t:ty => $u:ty) => {{
        use std::mem::MaybeUninit;
        use $crate::simd::Isa;
        #[inline(always)]
        fn body(x: &[$t], out: &mut [MaybeUninit<$u>]) {
            for (o, &v) in out.iter_mut().zip(x) {
                o.write($f(v));
            }
        }
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
        unsafe fn avx512(x: &[$t], out: &mut [MaybeUninit<$u>]) {
            body(x, out)
        }
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn avx2(x: &[$t], out: &mut [MaybeUninit<$u>]) {
            body(x, out)
        }
        let x: &[$t] = $x;
        $crate::simd::build(x.len(), |out, start| {
            let x = &x[start..start + out.len()];
            match $crate::simd::isa() {
                // SAFETY: the instance is only called when the CPU reports the features it needs.
                #[cfg(target_arch = "x86_64")]
                Isa::Avx512 => unsafe { avx512(x, out) },
                // SAFETY: as above.
                #[cfg(target_arch = "x86_64")]
                Isa::Avx2 => unsafe { avx2(x, out) },
                _ => body(x, out),
            }
        })
    }};
}
pub(crate) use map_inlined;

/// `f` applied to every element.
pub fn map<T: Copy + Sync, U: Send, F: Fn(T) -> U + Sync>(x: &[T], f: F) -> Vec<U> {
    build(x.len(), |chunk, start| {
        run1(&x[start..start + chunk.len()], chunk, &f)
    })
}

/// `f` applied to every element, then `fix` over each finished chunk while it is in cache
/// (for the rare elements a vector approximation does not cover).
pub fn map_fix<T, U, F, G>(x: &[T], f: F, fix: G) -> Vec<U>
where
    T: Copy + Sync,
    U: Send,
    F: Fn(T) -> U + Sync,
    G: Fn(&[T], &mut [U]) + Sync,
{
    build(x.len(), |chunk, start| {
        let xs = &x[start..start + chunk.len()];
        run1(xs, chunk, &f);
        // SAFETY: `run1` wrote every element of `chunk`, so it is an initialized `[U]`.
        let done = unsafe { &mut *(chunk as *mut [MaybeUninit<U>] as *mut [U]) };
        fix(xs, done);
    })
}

/// `f` applied to three operands of one length, element by element.
pub fn zip3<A, B, C, U, F>(a: &[A], b: &[B], c: &[C], f: F) -> Vec<U>
where
    A: Copy + Sync,
    B: Copy + Sync,
    C: Copy + Sync,
    U: Send,
    F: Fn(A, B, C) -> U + Sync,
{
    let n = a.len().min(b.len()).min(c.len());
    build(n, |chunk, start| {
        let range = start..start + chunk.len();
        run3(&a[range.clone()], &b[range.clone()], &c[range], chunk, &f)
    })
}

/// `f` applied pairwise; a length-1 operand broadcasts against the other.
pub fn zip<A: Copy + Sync, B: Copy + Sync, U: Send, F: Fn(A, B) -> U + Sync>(
    a: &[A],
    b: &[B],
    f: F,
) -> Vec<U> {
    match (a.len(), b.len()) {
        (1, n) if n != 1 => {
            let s = a[0];
            map(b, move |y| f(s, y))
        }
        (n, 1) if n != 1 => {
            let s = b[0];
            map(a, move |x| f(x, s))
        }
        (n, _) => build(n, |chunk, start| {
            let end = start + chunk.len();
            run2(&a[start..end], &b[start..end], chunk, &f)
        }),
    }
}

//! Times the vectorized float32 kernels on 16M elements (a quick check, not the benchmark).
use std::time::Instant;

use ferrax_cpu::math::{exp_f32, log_f32, sin_f32, tanh_f32};
use ferrax_cpu::simd::map;

fn time(name: &str, f: impl Fn() -> Vec<f32>) {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let y = f();
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(y);
    }
    println!("{name}: {:.2} ms", best * 1e3);
}

fn main() {
    let n = 1 << 24;
    let x: Vec<f32> = (0..n).map(|i| (i as f32) * 1e-7).collect();
    time("copy", || map(&x, |v| v));
    time("mul", || map(&x, |v| v * 2.0));
    time("exp", || map(&x, exp_f32));
    time("log", || map(&x, log_f32));
    time("tanh", || map(&x, tanh_f32));
    time("sin", || map(&x, sin_f32));
}

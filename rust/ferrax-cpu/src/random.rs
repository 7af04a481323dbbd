//! The threefry2x32 kernel: 20 rounds of add-rotate-xor per element, in parallel chunks.

use ferrax_core::data::HostData;
use ferrax_core::{type_err, Result};
use rayon::prelude::*;

/// Elements per parallel task.
const CHUNK: usize = 1 << 14;

const ROTATIONS: [[u32; 4]; 2] = [[13, 15, 26, 6], [17, 29, 16, 24]];
const KEY_PARITY: u32 = 0x1BD1_1BDA;

/// Threefry-2x32 with 20 rounds of `L` counter blocks `(x0[l], x1[l])` under the key
/// `(k0, k1)`, in place. Each step is a loop over the lanes, which LLVM turns into one vector
/// instruction where `L` fills a register.
#[inline(always)]
fn rounds<const L: usize>(k0: u32, k1: u32, x0: &mut [u32; L], x1: &mut [u32; L]) {
    let ks = [k0, k1, k0 ^ k1 ^ KEY_PARITY];
    for l in 0..L {
        x0[l] = x0[l].wrapping_add(ks[0]);
        x1[l] = x1[l].wrapping_add(ks[1]);
    }
    for (round, injection) in (1u32..=5).enumerate() {
        for r in ROTATIONS[round % 2] {
            for l in 0..L {
                x0[l] = x0[l].wrapping_add(x1[l]);
                x1[l] = x1[l].rotate_left(r) ^ x0[l];
            }
        }
        for l in 0..L {
            x0[l] = x0[l].wrapping_add(ks[(round + 1) % 3]);
            x1[l] = x1[l]
                .wrapping_add(ks[(round + 2) % 3])
                .wrapping_add(injection);
        }
    }
}

/// Threefry-2x32 with 20 rounds of one counter block `(x0, x1)` under the key `(k0, k1)`.
#[inline(always)]
fn block(k0: u32, k1: u32, x0: u32, x1: u32) -> (u32, u32) {
    let (mut a, mut b) = ([x0], [x1]);
    rounds(k0, k1, &mut a, &mut b);
    (a[0], b[0])
}

/// Blocks per step of the vectorized loop (a 256-bit register of uint32 lanes, twice).
const LANES: usize = 16;

/// Threefry of the counters `(x0[j], x1[j])` under one key into `(y0[j], y1[j])`, `LANES`
/// blocks at a time, compiled for AVX2 where the CPU has it.
fn blocks(k0: u32, k1: u32, x0: &[u32], x1: &[u32], y0: &mut [u32], y1: &mut [u32]) {
    #[inline(always)]
    fn each(k0: u32, k1: u32, x0: &[u32], x1: &[u32], y0: &mut [u32], y1: &mut [u32]) {
        let full = x0.len() / LANES * LANES;
        for base in (0..full).step_by(LANES) {
            let span = base..base + LANES;
            let mut a: [u32; LANES] = x0[span.clone()].try_into().expect("a full group");
            let mut b: [u32; LANES] = x1[span.clone()].try_into().expect("a full group");
            rounds(k0, k1, &mut a, &mut b);
            y0[span.clone()].copy_from_slice(&a);
            y1[span].copy_from_slice(&b);
        }
        for j in full..x0.len() {
            (y0[j], y1[j]) = block(k0, k1, x0[j], x1[j]);
        }
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn each_avx2(k0: u32, k1: u32, x0: &[u32], x1: &[u32], y0: &mut [u32], y1: &mut [u32]) {
        each(k0, k1, x0, x1, y0, y1)
    }
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") {
        // SAFETY: called only where the CPU reports AVX2.
        return unsafe { each_avx2(k0, k1, x0, x1, y0, y1) };
    }
    each(k0, k1, x0, x1, y0, y1)
}

fn words<'a>(d: &'a HostData, which: &str) -> Result<&'a [u32]> {
    match d {
        HostData::U32(v) => Ok(v.as_slice()),
        other => Err(type_err!(
            "threefry2x32: {which} must be uint32, got {}",
            other.dtype()
        )),
    }
}

/// The two output words of threefry2x32 over `n` elements; each operand holds `n` words or
/// one that broadcasts.
pub fn threefry2x32(operands: &[&HostData], n: usize) -> Result<Vec<HostData>> {
    let names = ["k0", "k1", "x0", "x1"];
    let mut w = [&[][..]; 4];
    for (k, d) in operands.iter().enumerate().take(4) {
        w[k] = words(d, names[k])?;
    }
    let at = |v: &[u32], i: usize| if v.len() == 1 { v[0] } else { v[i] };
    let (mut y0, mut y1) = (vec![0u32; n], vec![0u32; n]);
    let scalar_key = w[0].len() == 1 && w[1].len() == 1;
    let full_counter = w[2].len() == n && w[3].len() == n;
    y0.par_chunks_mut(CHUNK)
        .zip(y1.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(c, (a, b))| {
            let start = c * CHUNK;
            if scalar_key && full_counter {
                let (x0, x1) = (&w[2][start..start + a.len()], &w[3][start..start + a.len()]);
                blocks(w[0][0], w[1][0], x0, x1, a, b);
            } else {
                for j in 0..a.len() {
                    let i = start + j;
                    (a[j], b[j]) = block(at(w[0], i), at(w[1], i), at(w[2], i), at(w[3], i));
                }
            }
        });
    Ok(vec![HostData::U32(y0), HostData::U32(y1)])
}

#[cfg(test)]
mod tests {
    use super::{block, blocks, LANES};

    /// Known-answer vectors published with Random123 (threefry2x32, 20 rounds).
    #[test]
    fn random123_known_answers() {
        assert_eq!(block(0, 0, 0, 0), (0x6b20_0159, 0x99ba_4efe));
        assert_eq!(
            block(u32::MAX, u32::MAX, u32::MAX, u32::MAX),
            (0x1cb9_96fc, 0xbb00_2be7)
        );
        assert_eq!(
            block(0x1319_8a2e, 0x0370_7344, 0x243f_6a88, 0x85a3_08d3),
            (0xc492_3a9c, 0x483d_f7a0)
        );
    }

    /// The vectorized loop (full groups of `LANES` and a remainder) agrees with one block at
    /// a time, and so with the known answers.
    #[test]
    fn lanes_agree_with_single_blocks() {
        let n = 3 * LANES + 5;
        let x0: Vec<u32> = (0..n as u32).map(|i| i.wrapping_mul(0x9e37_79b9)).collect();
        let x1: Vec<u32> = (0..n as u32).collect();
        let (mut y0, mut y1) = (vec![0; n], vec![0; n]);
        blocks(0x1319_8a2e, 0x0370_7344, &x0, &x1, &mut y0, &mut y1);
        for j in 0..n {
            assert_eq!(
                (y0[j], y1[j]),
                block(0x1319_8a2e, 0x0370_7344, x0[j], x1[j]),
                "{j}"
            );
        }
    }
}

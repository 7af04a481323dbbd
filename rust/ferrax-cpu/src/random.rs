//! The threefry2x32 kernel: 20 rounds of add-rotate-xor per element, in parallel chunks.

use ferrax_core::data::HostData;
use ferrax_core::{type_err, Result};
use rayon::prelude::*;

/// Elements per parallel task.
const CHUNK: usize = 1 << 14;

const ROTATIONS: [[u32; 4]; 2] = [[13, 15, 26, 6], [17, 29, 16, 24]];
const KEY_PARITY: u32 = 0x1BD1_1BDA;

/// Threefry-2x32 with 20 rounds of one counter block `(x0, x1)` under the key `(k0, k1)`.
#[inline(always)]
fn block(k0: u32, k1: u32, mut x0: u32, mut x1: u32) -> (u32, u32) {
    let ks = [k0, k1, k0 ^ k1 ^ KEY_PARITY];
    x0 = x0.wrapping_add(ks[0]);
    x1 = x1.wrapping_add(ks[1]);
    for (round, injection) in (1u32..=5).enumerate() {
        for r in ROTATIONS[round % 2] {
            x0 = x0.wrapping_add(x1);
            x1 = x1.rotate_left(r) ^ x0;
        }
        x0 = x0.wrapping_add(ks[(round + 1) % 3]);
        x1 = x1.wrapping_add(ks[(round + 2) % 3]).wrapping_add(injection);
    }
    (x0, x1)
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
                let (k0, k1) = (w[0][0], w[1][0]);
                let (x0, x1) = (&w[2][start..start + a.len()], &w[3][start..start + a.len()]);
                for j in 0..a.len() {
                    (a[j], b[j]) = block(k0, k1, x0[j], x1[j]);
                }
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
    use super::block;

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
}

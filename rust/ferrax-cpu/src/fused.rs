//! Runs deferred elementwise programs in one pass: each thread takes cache-sized chunks of the
//! output and evaluates every node of the program on that chunk before moving on, so
//! intermediates never leave the cache.

use ferrax_core::data::HostData;
use ferrax_core::fusion::{Fused, Node};
use ferrax_core::prim::Prim;
use ferrax_core::{map_data, type_err, DType, Error, Result};
use rayon::prelude::*;

use crate::{binary, convert, unary};

/// Elements per chunk: a few nodes' worth of chunks fit in L2.
const CHUNK: usize = 8192;

/// The part `[start, end)` of an input (a single element stays whole and broadcasts).
fn window(d: &HostData, start: usize, end: usize) -> HostData {
    if d.len() == 1 {
        return d.clone();
    }
    map_data!(d, v => v[start..end].to_vec())
}

/// Evaluates every node of the program on one chunk; returns the result node's chunk.
fn run_chunk(p: &Fused, start: usize, end: usize) -> Result<HostData> {
    let mut vals: Vec<HostData> = Vec::with_capacity(p.nodes.len());
    for node in &p.nodes {
        let v = match node {
            Node::Input(d) => window(d, start, end),
            Node::Op(prim, ins) => {
                let arg = |k: usize| -> Result<&HostData> {
                    ins.get(k)
                        .map(|&i| &vals[i])
                        .ok_or_else(|| Error::Backend(format!("{prim}: missing operand {k}")))
                };
                match prim {
                    Prim::Unary(op) => unary::unary(*op, arg(0)?)?,
                    Prim::Binary(op) => binary::binary(*op, arg(0)?, arg(1)?)?,
                    Prim::Convert(c) => convert::convert(arg(0)?, c.dtype),
                    Prim::SelectN(_) => {
                        let cases: Vec<&HostData> = ins[1..].iter().map(|&i| &vals[i]).collect();
                        convert::select_n(arg(0)?, &cases, end - start)?
                    }
                    Prim::Clamp(_) => convert::clamp(arg(0)?, arg(1)?, arg(2)?)?,
                    other => return Err(type_err!("{other} cannot run in a fused program")),
                }
            }
        };
        vals.push(v);
    }
    vals.pop()
        .ok_or_else(|| Error::Backend("an empty fused program".into()))
}

/// Runs the program over the whole output, chunks in parallel.
pub fn execute_fused(p: &Fused) -> Result<HostData> {
    let out_aval = p
        .avals
        .last()
        .ok_or_else(|| Error::Backend("an empty fused program".into()))?;
    let n = out_aval.size();
    macro_rules! build {
        ($variant:ident) => {{
            let mut v = crate::alloc::with_capacity(n);
            v.spare_capacity_mut()[..n]
                .par_chunks_mut(CHUNK)
                .enumerate()
                .try_for_each(|(i, dst)| -> Result<()> {
                    let start = i * CHUNK;
                    match run_chunk(p, start, start + dst.len())? {
                        HostData::$variant(c) if c.len() == dst.len() => {
                            for (d, x) in dst.iter_mut().zip(c) {
                                d.write(x);
                            }
                            Ok(())
                        }
                        _ => Err(Error::Backend("a fused chunk has the wrong dtype".into())),
                    }
                })?;
            // SAFETY: every chunk of the first `n` elements was written above (errors return
            // before this point).
            unsafe { v.set_len(n) };
            HostData::$variant(v)
        }};
    }
    Ok(match out_aval.dtype {
        DType::Bool => build!(Bool),
        DType::I32 => build!(I32),
        DType::U32 => build!(U32),
        DType::I64 => build!(I64),
        DType::F32 => build!(F32),
        DType::F64 => build!(F64),
    })
}

//! ferrax-cpu: the CPU backend. Vectorized elementwise kernels (runtime ISA dispatch),
//! pairwise reductions, GEMM from the `gemm` crate, rayon for large arrays.

mod alloc;
mod binary;
mod cephes;
mod convert;
mod dot;
mod elem;
mod fused;
mod gather;
mod layout;
mod linalg;
pub mod math;
mod random;
mod reduce;
pub mod simd;
mod sort;
mod unary;

use std::sync::Arc;

use ferrax_core::aval::Aval;
use ferrax_core::backend::Backend;
use ferrax_core::data::HostData;
use ferrax_core::prim::Prim;
use ferrax_core::{Error, Result};

/// The CPU backend.
#[derive(Debug, Default)]
pub struct CpuBackend;

/// Installs the CPU backend as ferrax's eval backend (idempotent).
pub fn install() {
    ferrax_core::backend::set_backend(Arc::new(CpuBackend));
}

fn one(data: HostData) -> Result<Vec<HostData>> {
    Ok(vec![data])
}

impl Backend for CpuBackend {
    fn name(&self) -> &'static str {
        "cpu"
    }

    fn execute_fused(&self, program: &ferrax_core::fusion::Fused) -> Result<HostData> {
        fused::execute_fused(program)
    }

    fn execute(
        &self,
        prim: &Prim,
        inputs: &[&HostData],
        in_avals: &[&Aval],
        out_avals: &[Aval],
    ) -> Result<Vec<HostData>> {
        let arg = |i: usize| -> Result<&HostData> {
            inputs
                .get(i)
                .copied()
                .ok_or_else(|| Error::Backend(format!("{prim}: missing operand {i}")))
        };
        let aval = |i: usize| -> Result<&Aval> {
            in_avals
                .get(i)
                .copied()
                .ok_or_else(|| Error::Backend(format!("{prim}: missing operand {i}")))
        };
        let out = out_avals
            .first()
            .ok_or_else(|| Error::Backend(format!("{prim}: no output")))?;
        match prim {
            Prim::Unary(op) => one(unary::unary(*op, arg(0)?)?),
            Prim::Binary(op) => one(binary::binary(*op, arg(0)?, arg(1)?)?),
            Prim::SelectN(_) => one(convert::select_n(arg(0)?, &inputs[1..], out.size())?),
            Prim::Fma(_) => one(convert::fma(arg(0)?, arg(1)?, arg(2)?)?),
            Prim::Clamp(_) => one(convert::clamp(arg(0)?, arg(1)?, arg(2)?)?),
            Prim::Convert(p) => one(convert::convert(arg(0)?, p.dtype)),
            Prim::Bitcast(p) => one(convert::bitcast(arg(0)?, p.dtype)?),
            Prim::Iota(p) => one(layout::iota(out, p.dimension)),
            Prim::BroadcastInDim(p) => one(layout::broadcast_in_dim(p, arg(0)?, aval(0)?)),
            Prim::Reshape(_) | Prim::Squeeze(_) | Prim::ExpandDims(_) | Prim::StopGradient(_) => {
                one(arg(0)?.clone())
            }
            Prim::Transpose(p) => one(layout::transpose(&p.permutation, arg(0)?, aval(0)?)),
            Prim::Rev(p) => one(layout::rev(&p.dimensions, arg(0)?, aval(0)?)),
            Prim::Concatenate(p) => one(layout::concatenate(p.dimension, inputs, in_avals, out)?),
            Prim::Pad(p) => one(layout::pad(p, arg(0)?, arg(1)?, aval(0)?, out)?),
            Prim::Slice(p) => one(layout::slice(p, arg(0)?, aval(0)?, out)),
            Prim::DynamicSlice(p) => one(layout::dynamic_slice(p, arg(0)?, &inputs[1..], aval(0)?)),
            Prim::DynamicUpdateSlice(_) => one(layout::dynamic_update_slice(
                arg(0)?,
                arg(1)?,
                &inputs[2..],
                aval(0)?,
                aval(1)?,
            )?),
            Prim::Reduce(p) => one(reduce::reduce(p.op, arg(0)?, aval(0)?, &p.axes)?),
            Prim::ArgReduce(p) => one(reduce::arg_reduce(
                p.op,
                arg(0)?,
                aval(0)?,
                p.axis,
                p.index_dtype,
            )?),
            Prim::Cumulative(p) => one(reduce::cumulative(
                p.op,
                arg(0)?,
                aval(0)?,
                p.axis,
                p.reverse,
            )?),
            Prim::Sort(p) => sort::sort(inputs, aval(0)?, p.dimension, p.num_keys),
            Prim::TriangularSolve(p) => {
                linalg::triangular_solve(arg(0)?, aval(0)?, arg(1)?, aval(1)?, p)
            }
            Prim::Threefry2x32(_) => random::threefry2x32(inputs, out.size()),
            Prim::Cholesky(_) => linalg::cholesky(arg(0)?, aval(0)?),
            Prim::Lu(_) => linalg::lu(arg(0)?, aval(0)?),
            Prim::Qr(_) => linalg::qr(arg(0)?, aval(0)?),
            Prim::Eigh(_) => linalg::eigh(arg(0)?, aval(0)?),
            Prim::Svd(_) => linalg::svd(arg(0)?, aval(0)?),
            Prim::Gather(p) => one(gather::gather(
                arg(0)?,
                aval(0)?,
                arg(1)?,
                aval(1)?,
                &p.axes,
                p.fill,
            )?),
            Prim::Scatter(p) => one(gather::scatter(
                arg(0)?,
                aval(0)?,
                arg(1)?,
                aval(1)?,
                arg(2)?,
                &p.axes,
                p.op,
            )?),
            Prim::Call(_)
            | Prim::CustomCall(_)
            | Prim::Cond(_)
            | Prim::While(_)
            | Prim::Scan(_) => Err(Error::Backend(format!(
                "{prim}: control flow runs in the core, not as a kernel"
            ))),
            Prim::CustomVjpLinear(_) => Err(Error::NotImplemented {
                prim: "custom_vjp".into(),
                rule: "jvp (forward-mode differentiation of a custom_vjp function; use \
                       custom_jvp)"
                    .into(),
            }),
            Prim::DotGeneral(p) => one(dot::dot_general(
                p,
                arg(0)?,
                arg(1)?,
                aval(0)?,
                aval(1)?,
                out,
            )?),
        }
    }
}

//! ferrax for Rust embedders: arrays, primitives, traces and the IR without Python.
//!
//! ```
//! use ferrax::{ops::numpy, prim::UnaryOp};
//! ferrax::init();
//! let x = ferrax::from_f32(vec![0.0, 1.0, 2.0], &[3]).unwrap();
//! let y = numpy::unary(UnaryOp::Sin, &x).unwrap();
//! let v = ferrax::to_f32(&y).unwrap();
//! assert!((v[1] - 1f32.sin()).abs() < 1e-6);
//! ```

pub use ferrax_core::{
    aval, backend, data, dtype, error, ir, ops, prim, shape, trace, transform, value, Aval, DType,
    Error, HostData, Prim, Result, Scalar, Value,
};
#[cfg(feature = "cpu")]
pub use ferrax_cpu as cpu;

/// Installs the default backend (the CPU one); call once before evaluating anything.
pub fn init() {
    #[cfg(feature = "cpu")]
    ferrax_cpu::install();
}

/// A float32 array from row-major data.
pub fn from_f32(data: Vec<f32>, shape: &[usize]) -> Result<Value> {
    if data.len() != shape.iter().product::<usize>() {
        return Err(Error::Value(format!(
            "from_f32: {} elements do not fill shape {}",
            data.len(),
            shape::fmt_shape(shape)
        )));
    }
    Ok(Value::concrete(
        Aval::new(shape.to_vec(), DType::F32),
        HostData::F32(data),
    ))
}

/// The row-major elements of a concrete float32 array.
pub fn to_f32(v: &Value) -> Result<Vec<f32>> {
    let c = v
        .as_concrete()
        .ok_or_else(|| Error::Concretization("to_f32 of a tracer".into()))?;
    match c.data()?.as_ref() {
        HostData::F32(d) => Ok(d.clone()),
        other => Err(Error::Type(format!(
            "to_f32 of an array of dtype {}",
            other.dtype()
        ))),
    }
}

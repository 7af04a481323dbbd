//! A native program using ferrax without Python: eager math against closed forms, and the
//! IR printer on a staged function.

use ferrax::ops::{lax, numpy, reduce};
use ferrax::prim::{BinaryOp, ReduceOp, UnaryOp};
use ferrax::trace::trace_to_jaxpr;
use ferrax::{from_f32, to_f32, Aval, DType, Error, Value};

#[test]
fn eager_math_matches_closed_forms() -> Result<(), Error> {
    ferrax::init();
    let xs: Vec<f32> = (0..100).map(|i| i as f32 * 0.01).collect();
    let x = from_f32(xs.clone(), &[10, 10])?;
    let y = numpy::binary(BinaryOp::Mul, &numpy::unary(UnaryOp::Sin, &x)?, &x)?;
    let total = to_f32(&reduce::reduce(ReduceOp::Sum, &y, None, false)?)?;
    let want: f64 = xs.iter().map(|&v| f64::from(v).sin() * f64::from(v)).sum();
    assert!((f64::from(total[0]) - want).abs() < 1e-4 * want.abs());

    let eye = from_f32(
        (0..9).map(|i| if i % 4 == 0 { 1.0 } else { 0.0 }).collect(),
        &[3, 3],
    )?;
    let m = from_f32((0..9).map(|i| i as f32).collect(), &[3, 3])?;
    assert_eq!(to_f32(&numpy::matmul(&m, &eye)?)?, to_f32(&m)?);
    Ok(())
}

#[test]
fn shape_errors_name_the_op() {
    ferrax::init();
    let a = from_f32(vec![0.0; 3], &[3]).ok();
    let b = from_f32(vec![0.0; 4], &[4]).ok();
    let (Some(a), Some(b)) = (a, b) else {
        unreachable!("constructing arrays of matching sizes cannot fail")
    };
    let err = numpy::binary(BinaryOp::Add, &a, &b)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("add: incompatible shapes for broadcasting: (3,) vs (4,)")
    );
}

#[test]
fn staged_program_prints_jax_grammar() -> Result<(), Error> {
    let closed = trace_to_jaxpr(&[Aval::new(vec![3], DType::F32)], |xs: Vec<Value>| {
        Ok::<_, Error>(vec![lax::unary(UnaryOp::Sin, &xs[0])?])
    })?;
    assert_eq!(
        closed.to_string(),
        "{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b,) }"
    );
    let closed = trace_to_jaxpr(&[Aval::new(vec![2, 3], DType::F32)], |xs: Vec<Value>| {
        let s = reduce::reduce(ReduceOp::Sum, &xs[0], Some(&[0]), false)?;
        Ok::<_, Error>(vec![numpy::binary(
            BinaryOp::Mul,
            &s,
            &Value::scalar(ferrax::Scalar::Float(2.0), DType::F32, true),
        )?])
    })?;
    assert_eq!(
        closed.to_string(),
        "{ lambda ; a:f32[2,3]. let\n    b:f32[3] = reduce_sum[axes=(0,)] a\n    c:f32[3] = mul b \
         2.0:f32[]\n  in (c,) }"
    );
    Ok(())
}

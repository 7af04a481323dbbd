//! Derivatives from Rust, checked against closed forms: forward mode, reverse mode
//! (linearize + transpose), nesting without perturbation confusion.

use ferrax::ops::{lax, numpy};
use ferrax::prim::{BinaryOp, UnaryOp};
use ferrax::transform::{backward, jvp, linearize};
use ferrax::{from_f32, to_f32, Error, Value};

fn sin_times_x(xs: Vec<Value>) -> Result<Vec<Value>, Error> {
    let x = &xs[0];
    Ok(vec![lax::binary(
        BinaryOp::Mul,
        &lax::unary(UnaryOp::Sin, x)?,
        x,
    )?])
}

#[test]
fn forward_and_reverse_match_the_closed_form() -> Result<(), Error> {
    ferrax::init();
    let xs = vec![-1.5f32, 0.25, 2.0];
    let x = from_f32(xs.clone(), &[3])?;
    let ones = from_f32(vec![1.0; 3], &[3])?;
    let (_, tangents) = jvp(
        sin_times_x,
        std::slice::from_ref(&x),
        std::slice::from_ref(&ones),
    )?;
    let (_, lin) = linearize(sin_times_x, &[x])?;
    let cotangents = backward(&lin, &[ones])?;
    for (got_f, got_r, v) in to_f32(&tangents[0])?
        .into_iter()
        .zip(to_f32(&cotangents[0])?)
        .zip(&xs)
        .map(|((a, b), v)| (a, b, v))
    {
        let want = v.cos() * v + v.sin();
        assert!((got_f - want).abs() < 1e-5, "forward {got_f} vs {want}");
        assert!((got_r - want).abs() < 1e-5, "reverse {got_r} vs {want}");
    }
    Ok(())
}

#[test]
fn nested_derivatives_do_not_confuse_perturbations() -> Result<(), Error> {
    ferrax::init();
    // d/dx (x * d/dy (x + y)) = 1 at any point.
    let outer = |xs: Vec<Value>| -> Result<Vec<Value>, Error> {
        let x = xs[0].clone();
        let y = from_f32(vec![3.0], &[])?;
        let inner = move |ys: Vec<Value>| -> Result<Vec<Value>, Error> {
            Ok(vec![lax::binary(BinaryOp::Add, &x, &ys[0])?])
        };
        let one = from_f32(vec![1.0], &[])?;
        let (_, dy) = jvp(inner, &[y], &[one])?;
        Ok(vec![lax::binary(BinaryOp::Mul, &xs[0], &dy[0])?])
    };
    let x = from_f32(vec![2.0], &[])?;
    let (_, lin) = linearize(outer, &[x])?;
    let g = backward(&lin, &[from_f32(vec![1.0], &[])?])?;
    assert_eq!(to_f32(&g[0])?, vec![1.0]);
    Ok(())
}

#[test]
fn matmul_cotangents_are_transposed_products() -> Result<(), Error> {
    ferrax::init();
    let a = from_f32((0..6).map(|i| i as f32).collect(), &[2, 3])?;
    let b = from_f32((0..12).map(|i| (i as f32) * 0.5).collect(), &[3, 4])?;
    let f = |v: Vec<Value>| -> Result<Vec<Value>, Error> { Ok(vec![numpy::matmul(&v[0], &v[1])?]) };
    let (_, lin) = linearize(f, &[a.clone(), b.clone()])?;
    let ct = from_f32(vec![1.0; 8], &[2, 4])?;
    let g = backward(&lin, std::slice::from_ref(&ct))?;
    // d/dA sum(A B) = 1 B^T, d/dB = A^T 1.
    let want_a = numpy::matmul(&ct, &ferrax::ops::index::transpose(&b, None)?)?;
    let want_b = numpy::matmul(&ferrax::ops::index::transpose(&a, None)?, &ct)?;
    assert_eq!(to_f32(&g[0])?, to_f32(&want_a)?);
    assert_eq!(to_f32(&g[1])?, to_f32(&want_b)?);
    Ok(())
}

//! Staged programs and control flow from Rust: a `pjit` call, `scan` forward and reversed by
//! `linearize` + `backward`, and `cond` under `vmap`, checked against plain loops.

use ferrax::ops::lax;
use ferrax::prim::control::{stage, Call, Cond, Scan};
use ferrax::prim::{BinaryOp, UnaryOp};
use ferrax::trace::bind;
use ferrax::transform::{backward, linearize, vmap};
use ferrax::{from_f32, to_f32, Aval, DType, Error, Value};

fn scalar() -> Aval {
    Aval::new(vec![], DType::F32)
}

/// `carry, y = (carry * x + sin(carry), carry)` over the steps of `xs`.
fn recurrence(xs: &Value, c0: &Value) -> Result<Vec<Value>, Error> {
    let (body, consts) = stage(&[scalar(), scalar()], |v| -> Result<Vec<Value>, Error> {
        let (c, x) = (&v[0], &v[1]);
        let next = lax::binary(
            BinaryOp::Add,
            &lax::binary(BinaryOp::Mul, c, x)?,
            &lax::unary(UnaryOp::Sin, c)?,
        )?;
        Ok(vec![next, c.clone()])
    })?;
    let scan = Scan {
        body,
        num_consts: consts.len(),
        num_carry: 1,
        length: xs.shape()[0],
        reverse: false,
    };
    let ins = [consts, vec![c0.clone(), xs.clone()]].concat();
    bind(&scan.into(), &ins)
}

#[test]
fn scan_and_its_gradient_match_a_loop() -> Result<(), Error> {
    ferrax::init();
    let xs = [0.5f32, -1.0, 2.0, 0.25];
    let (c0, xv) = (0.3f32, from_f32(xs.to_vec(), &[4])?);
    let outs = recurrence(&xv, &from_f32(vec![c0], &[])?)?;
    // The loop and its derivative d c_n / d c_0 by the chain rule.
    let (mut c, mut dc) = (c0, 1.0f32);
    for x in xs {
        dc *= x + c.cos();
        c = c * x + c.sin();
    }
    assert!((to_f32(&outs[0])?[0] - c).abs() < 1e-5);
    let (_, lin) = linearize(
        |v: Vec<Value>| -> Result<Vec<Value>, Error> {
            Ok(vec![recurrence(&xv, &v[0])?[0].clone()])
        },
        &[from_f32(vec![c0], &[])?],
    )?;
    let ct = backward(&lin, &[from_f32(vec![1.0], &[])?])?;
    assert!(
        (to_f32(&ct[0])?[0] - dc).abs() < 1e-4,
        "{:?} vs {dc}",
        to_f32(&ct[0])?
    );
    Ok(())
}

#[test]
fn a_staged_call_runs_like_the_function() -> Result<(), Error> {
    ferrax::init();
    let (program, consts) = stage(
        &[Aval::new(vec![3], DType::F32)],
        |v| -> Result<Vec<Value>, Error> { Ok(vec![lax::unary(UnaryOp::Tanh, &v[0])?]) },
    )?;
    let call = Call {
        program,
        name: "tanh".into(),
    };
    let x = from_f32(vec![-1.0, 0.0, 2.0], &[3])?;
    let out = bind(&call.into(), &[consts, vec![x]].concat())?;
    for (got, v) in to_f32(&out[0])?.iter().zip([-1.0f32, 0.0, 2.0]) {
        assert!((got - v.tanh()).abs() < 1e-6);
    }
    Ok(())
}

#[test]
fn cond_with_a_batched_index_selects_per_example() -> Result<(), Error> {
    ferrax::init();
    let branch = |op: UnaryOp| {
        stage(&[scalar()], move |v| -> Result<Vec<Value>, Error> {
            Ok(vec![lax::unary(op, &v[0])?])
        })
    };
    let (prim, consts) = Cond::joined(vec![branch(UnaryOp::Sin)?, branch(UnaryOp::Cos)?]);
    let index = Value::concrete(
        Aval::new(vec![3], DType::I32),
        ferrax::HostData::I32(vec![0, 1, 0]),
    );
    let xs = from_f32(vec![0.5, 0.5, 2.0], &[3])?;
    let out = vmap(
        |v: Vec<Value>| {
            bind(
                &prim.clone().into(),
                &[vec![v[0].clone()], consts.clone(), vec![v[1].clone()]].concat(),
            )
        },
        &[index, xs],
        &[Some(0), Some(0)],
        &[Some(0)],
        3,
    )?;
    let want = [0.5f32.sin(), 0.5f32.cos(), 2.0f32.sin()];
    for (got, w) in to_f32(&out[0])?.iter().zip(want) {
        assert!((got - w).abs() < 1e-6);
    }
    Ok(())
}

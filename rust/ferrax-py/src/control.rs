//! Python entry points of `lax` control flow over flat lists of arrays: each branch or body
//! (a Python callable over flat arrays) is staged into a sub-program, eagerly too, and the
//! control-flow primitive is bound on the operands. Pytree handling lives in `ferrax/lax.py`.

use ferrax_core::prim::control::{stage, Cond, Program, Scan, While};
use ferrax_core::prim::Prim;
use ferrax_core::trace::bind;
use ferrax_core::{Aval, Value};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::autodiff::{arrays, call_flat, values, Failure};
use crate::convert::to_value;
use crate::errors::to_pyerr;

fn avals(vs: &[Value]) -> Vec<Aval> {
    vs.iter().map(|v| v.aval().clone()).collect()
}

fn staged(fun: &Bound<'_, PyAny>, in_avals: &[Aval]) -> Result<(Program, Vec<Value>), Failure> {
    stage(in_avals, |ins| call_flat(fun, ins))
}

fn run<'py>(py: Python<'py>, prim: Prim, ins: &[Value]) -> PyResult<Bound<'py, PyList>> {
    let outs = bind(&prim, ins).map_err(|e| to_pyerr(py, e))?;
    arrays(py, outs)
}

/// `cond(index, branches, operands)`: `branches[clamp(index)](*operands)`.
#[pyfunction]
pub fn cond<'py>(
    py: Python<'py>,
    index: &Bound<'py, PyAny>,
    branches: Vec<Bound<'py, PyAny>>,
    operands: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let index = to_value(index)?;
    let ops = values(operands)?;
    let in_avals = avals(&ops);
    let programs = branches
        .iter()
        .map(|b| staged(b, &in_avals))
        .collect::<Result<Vec<_>, Failure>>()
        .map_err(|e| e.into_pyerr(py))?;
    let (prim, consts) = Cond::joined(programs);
    let mut ins = vec![index];
    ins.extend(consts);
    ins.extend(ops);
    run(py, prim.into(), &ins)
}

/// `while_loop(cond_fun, body_fun, init)` over a flat carry.
#[pyfunction]
pub fn while_loop<'py>(
    py: Python<'py>,
    cond_fun: &Bound<'py, PyAny>,
    body_fun: &Bound<'py, PyAny>,
    init: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let carry = values(init)?;
    let carry_avals = avals(&carry);
    let (cond, cc) = staged(cond_fun, &carry_avals).map_err(|e| e.into_pyerr(py))?;
    let (body, bc) = staged(body_fun, &carry_avals).map_err(|e| e.into_pyerr(py))?;
    let prim = While {
        cond,
        body,
        cond_nconsts: cc.len(),
        body_nconsts: bc.len(),
    };
    let ins = [cc, bc, carry].concat();
    run(py, prim.into(), &ins)
}

/// `scan(body, init, xs, length, reverse)`: `body(*carry, *x) -> (*carry, *y)` over the
/// leading axis of `xs`; returns the final carry followed by the stacked `ys`.
#[pyfunction]
pub fn scan<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    init: &Bound<'py, PyAny>,
    xs: &Bound<'py, PyAny>,
    length: usize,
    reverse: bool,
) -> PyResult<Bound<'py, PyList>> {
    let carry = values(init)?;
    let xs = values(xs)?;
    let mut in_avals = avals(&carry);
    for x in &xs {
        if x.shape().first() != Some(&length) {
            return Err(to_pyerr(
                py,
                ferrax_core::value_err!(
                    "scan got xs with leading axis sizes that differ from length={length}: {}",
                    x.aval().describe()
                ),
            ));
        }
        in_avals.push(x.aval().with_shape(x.shape()[1..].to_vec()));
    }
    let (program, consts) = staged(body, &in_avals).map_err(|e| e.into_pyerr(py))?;
    let prim = Scan {
        body: program,
        num_consts: consts.len(),
        num_carry: carry.len(),
        length,
        reverse,
    };
    let ins = [consts, carry, xs].concat();
    run(py, prim.into(), &ins)
}

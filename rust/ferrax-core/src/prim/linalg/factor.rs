//! `cholesky`, `lu` and `qr`.

use super::*;

// --- cholesky ------------------------------------------------------------------------------------

/// `cholesky a`: the lower-triangular `l` with `l l^T = a` (NaN where `a` is not positive
/// definite); only the lower triangle of `a` is read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cholesky;

impl Primitive for Cholesky {
    fn name(&self) -> &'static str {
        "cholesky"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        square(self.name(), inputs[0])?;
        Ok(vec![with_shape(inputs[0], inputs[0].shape.clone())])
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let l = bind1(Cholesky, primals)?;
        let Some(da) = &tangents[0] else {
            return Ok((vec![l], vec![None]));
        };
        // With the lower triangle read: da_sym = tril(da) + tril(da, -1)^T.
        let da = add(&tril(da, 0)?, &mt(&tril(da, -1)?)?)?;
        // phi(l^-1 da l^-T), phi = lower triangle with half the diagonal; dl = l phi.
        let y = tsolve(&l, &da, true, false, false)?;
        let x = mt(&tsolve(&l, &mt(&y)?, true, false, false)?)?;
        let half = lax::binary(
            BinaryOp::Mul,
            &diag_embed(&diag_part(&x)?)?,
            &crate::prim::ad::scalar(0.5, &x),
        )?;
        let phi = sub(&tril(&x, 0)?, &half)?;
        Ok((vec![l.clone()], vec![Some(mm(&l, &phi)?)]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        batch_unary(Cholesky.into(), args, dims, size)
    }
}

// --- lu --------------------------------------------------------------------------------------------

/// `lu a`: `(lu, permutation)` with `a[permutation] = l u`, `l` unit lower triangular below
/// the diagonal of `lu` and `u` upper triangular on and above it (partial pivoting).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lu;

impl Primitive for Lu {
    fn name(&self) -> &'static str {
        "lu"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let n = square(self.name(), inputs[0])?;
        let mut perm = batch_shape(inputs[0]);
        perm.push(n);
        Ok(vec![
            with_shape(inputs[0], inputs[0].shape.clone()),
            Aval::new(perm, DType::I32),
        ])
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let outs = bind(&Lu.into(), primals)?;
        let Some(da) = &tangents[0] else {
            return Ok((outs, vec![None, None]));
        };
        let (lu, perm) = (&outs[0], &outs[1]);
        // x = l^-1 (p da) u^-1; dl = l tril(x, -1), du = triu(x) u.
        let p_da = permute_rows(da, perm)?;
        let y = tsolve(lu, &p_da, true, false, true)?;
        let x = mt(&tsolve(lu, &mt(&y)?, false, true, false)?)?;
        let l = add(&tril(lu, -1)?, &eye_like(lu)?)?;
        let u = triu(lu, 0)?;
        let dl = mm(&l, &tril(&x, -1)?)?;
        let du = mm(&triu(&x, 0)?, &u)?;
        let dlu = add(&tril(&dl, -1)?, &triu(&du, 0)?)?;
        Ok((outs, vec![Some(dlu), None]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        batch_unary(Lu.into(), args, dims, size)
    }
}

/// The rows of `a` (`[.., n, m]`) in the order of `perm` (`[.., n]`): a gather whose index
/// tuples are `(batch indices.., perm[.., i])`, so it differentiates and batches as one.
pub fn permute_rows(a: &Value, perm: &Value) -> Result<Value> {
    let nb = perm.shape().len() - 1;
    let mut column = perm.shape().to_vec();
    column.push(1);
    let mut parts = (0..nb)
        .map(|d| lax::iota(perm.dtype(), column.clone(), d))
        .collect::<Result<Vec<_>>>()?;
    parts.push(lax::reshape(perm, &column)?);
    let idx = lax::concatenate(&parts, nb + 1)?;
    let axes: Vec<usize> = (0..=nb).collect();
    crate::prim::gather(a, &idx, &axes, false)
}

// --- qr ----------------------------------------------------------------------------------------

/// `qr a`: the reduced decomposition `a = q r`, `q` with orthonormal columns `[.., m, k]`,
/// `r` upper triangular `[.., k, n]`, `k = min(m, n)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Qr;

impl Primitive for Qr {
    fn name(&self) -> &'static str {
        "qr"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let (m, n) = matrix(self.name(), inputs[0])?;
        let k = m.min(n);
        let b = batch_shape(inputs[0]);
        Ok(vec![
            with_shape(inputs[0], [b.clone(), vec![m, k]].concat()),
            with_shape(inputs[0], [b, vec![k, n]].concat()),
        ])
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let outs = bind(&Qr.into(), primals)?;
        let Some(da) = &tangents[0] else {
            return Ok((outs, vec![None, None]));
        };
        let (q, r) = (&outs[0], &outs[1]);
        let s = da.shape();
        if s[s.len() - 2] < s[s.len() - 1] {
            return Err(Error::NotImplemented {
                prim: "qr".into(),
                rule: "jvp for matrices with more columns than rows".into(),
            });
        }
        // c = q^T da r^-1; w = tril(c, -1) - tril(c, -1)^T;
        // dq = q (w - c) + da r^-1, dr = (c - w) r.
        let da_rinv = mt(&tsolve(r, &mt(da)?, false, true, false)?)?;
        let c = mm(&mt(q)?, &da_rinv)?;
        let low = tril(&c, -1)?;
        let w = sub(&low, &mt(&low)?)?;
        let dq = add(&mm(q, &sub(&w, &c)?)?, &da_rinv)?;
        let dr = mm(&sub(&c, &w)?, r)?;
        Ok((outs, vec![Some(dq), Some(dr)]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        batch_unary(Qr.into(), args, dims, size)
    }
}

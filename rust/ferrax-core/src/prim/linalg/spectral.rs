//! `eigh` and `svd`.

use super::*;

// --- eigh ------------------------------------------------------------------------------------

/// `eigh a`: eigenvalues in ascending order `[.., n]` and orthonormal eigenvectors as columns
/// `[.., n, n]` of a symmetric matrix, of which the lower triangle is read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Eigh;

/// `f_ij = 1 / (d_j - d_i)` off the diagonal, 0 on it, for eigen- and singular-value JVPs.
fn inverse_gaps(d: &Value) -> Result<Value> {
    let n = rank(d);
    let mut shape = d.shape().to_vec();
    let k = *shape.last().unwrap_or(&0);
    shape.push(k);
    let lead: Vec<usize> = (0..n - 1).collect();
    let dj = lax::broadcast_in_dim(d, &shape, &[lead.clone(), vec![n]].concat())?;
    let di = lax::broadcast_in_dim(d, &shape, &[lead, vec![n - 1]].concat())?;
    let gap = sub(&dj, &di)?;
    let eye = eye_like(&gap)?;
    let one = crate::prim::ad::scalar(1.0, &gap);
    let safe = add(&gap, &eye)?;
    let inv = lax::binary(
        BinaryOp::Div,
        &lax::broadcast_in_dim(&one, &shape, &[])?,
        &safe,
    )?;
    sub(&inv, &eye)
}

impl Primitive for Eigh {
    fn name(&self) -> &'static str {
        "eigh"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let n = square(self.name(), inputs[0])?;
        let mut w = batch_shape(inputs[0]);
        w.push(n);
        Ok(vec![
            with_shape(inputs[0], w),
            with_shape(inputs[0], inputs[0].shape.clone()),
        ])
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let outs = bind(&Eigh.into(), primals)?;
        let Some(da) = &tangents[0] else {
            return Ok((outs, vec![None, None]));
        };
        let (w, v) = (&outs[0], &outs[1]);
        let da = add(&tril(da, 0)?, &mt(&tril(da, -1)?)?)?;
        let vt_da_v = mm(&mt(v)?, &mm(&da, v)?)?;
        let dw = diag_part(&vt_da_v)?;
        let dv = mm(v, &mul(&inverse_gaps(w)?, &vt_da_v)?)?;
        Ok((outs, vec![Some(dw), Some(dv)]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        batch_unary(Eigh.into(), args, dims, size)
    }
}

// --- svd ------------------------------------------------------------------------------------

/// `svd a`: the reduced decomposition `a = u diag(s) vt`, singular values descending,
/// `u [.., m, k]`, `s [.., k]`, `vt [.., k, n]`, `k = min(m, n)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Svd;

impl Primitive for Svd {
    fn name(&self) -> &'static str {
        "svd"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 1)?;
        let (m, n) = matrix(self.name(), inputs[0])?;
        let k = m.min(n);
        let b = batch_shape(inputs[0]);
        Ok(vec![
            with_shape(inputs[0], [b.clone(), vec![m, k]].concat()),
            with_shape(inputs[0], [b.clone(), vec![k]].concat()),
            with_shape(inputs[0], [b, vec![k, n]].concat()),
        ])
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let outs = bind(&Svd.into(), primals)?;
        let Some(da) = &tangents[0] else {
            return Ok((outs, vec![None, None, None]));
        };
        let (u, s, vt) = (&outs[0], &outs[1], &outs[2]);
        let v = mt(vt)?;
        // dp = u^T da v; ds = diag(dp); with f_ij = 1 / (s_j^2 - s_i^2):
        // du = u (f o (dp S + S dp^T)) + (I - u u^T) da v S^-1
        // dv = v (f o (S dp + dp^T S)) + (I - v v^T) da^T u S^-1
        let dp = mm(&mt(u)?, &mm(da, &v)?)?;
        let ds = diag_part(&dp)?;
        let s2 = mul(s, s)?;
        let f = inverse_gaps(&s2)?;
        let sm = diag_embed(s)?;
        let s_inv = diag_embed(&lax::binary(
            BinaryOp::Div,
            &lax::broadcast_in_dim(&crate::prim::ad::scalar(1.0, s), s.shape(), &[])?,
            s,
        )?)?;
        let dp_t = mt(&dp)?;
        let du_in = mul(&f, &add(&mm(&dp, &sm)?, &mm(&sm, &dp_t)?)?)?;
        let dv_in = mul(&f, &add(&mm(&sm, &dp)?, &mm(&dp_t, &sm)?)?)?;
        let da_v_sinv = mm(&mm(da, &v)?, &s_inv)?;
        let du = add(
            &mm(u, &du_in)?,
            &sub(&da_v_sinv, &mm(u, &mm(&mt(u)?, &da_v_sinv)?)?)?,
        )?;
        let dat_u_sinv = mm(&mm(&mt(da)?, u)?, &s_inv)?;
        let dv = add(
            &mm(&v, &dv_in)?,
            &sub(&dat_u_sinv, &mm(&v, &mm(vt, &dat_u_sinv)?)?)?,
        )?;
        Ok((outs, vec![Some(du), Some(ds), Some(mt(&dv)?)]))
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        batch_unary(Svd.into(), args, dims, size)
    }
}

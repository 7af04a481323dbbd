//! `triangular_solve`: the one linear primitive of the family.

use super::*;

// --- triangular_solve --------------------------------------------------------------------------

/// `triangular_solve[lower transpose_a unit_diagonal] a b`: `x` with `op(a) x = b`, where
/// `op(a)` is `a` or its transpose and only the named triangle of `a` is read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TriangularSolve {
    /// Whether `a` is lower (else upper) triangular.
    pub lower: bool,
    /// Whether to solve with the transpose of `a`.
    pub transpose_a: bool,
    /// Whether the diagonal of `a` is taken to be ones.
    pub unit_diagonal: bool,
}

impl TriangularSolve {
    /// `op(a)` restricted to the triangle the solve reads.
    fn op_triangle(&self, a: &Value) -> Result<Value> {
        let t = if self.lower {
            tril(a, if self.unit_diagonal { -1 } else { 0 })?
        } else {
            triu(a, if self.unit_diagonal { 1 } else { 0 })?
        };
        if self.transpose_a {
            mt(&t)
        } else {
            Ok(t)
        }
    }
}

impl Primitive for TriangularSolve {
    fn name(&self) -> &'static str {
        "triangular_solve"
    }

    fn abstract_eval(&self, inputs: &[&Aval]) -> Result<Vec<Aval>> {
        expect_arity(self.name(), inputs, 2)?;
        let (a, b) = (inputs[0], inputs[1]);
        let n = square(self.name(), a)?;
        let (rows, _) = matrix(self.name(), b)?;
        if rows != n || batch_shape(a) != batch_shape(b) || a.dtype != b.dtype {
            return Err(value_err!(
                "triangular_solve: a of {} and b of {} do not match (b needs {n} rows and the \
                 same batch dimensions and dtype)",
                a.describe(),
                b.describe()
            ));
        }
        Ok(vec![with_shape(b, b.shape.clone())])
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        let b = |v: bool| if v { "True" } else { "False" }.to_string();
        vec![
            ("lower", b(self.lower)),
            ("transpose_a", b(self.transpose_a)),
            ("unit_diagonal", b(self.unit_diagonal)),
        ]
    }

    fn jvp(&self, primals: &[Value], tangents: &[Option<Value>]) -> JvpResult {
        let (a, b) = (&primals[0], &primals[1]);
        let x = bind1(self.clone(), primals)?;
        if tangents.iter().all(Option::is_none) {
            return Ok((vec![x], vec![None]));
        }
        // d x = op(a)^-1 (db - op(da) x)
        let mut rhs = or_zeros(&tangents[1], b.aval())?;
        if let Some(da) = &tangents[0] {
            rhs = sub(&rhs, &mm(&self.op_triangle(da)?, &x)?)?;
        }
        let t = bind1(self.clone(), &[a.clone(), rhs])?;
        Ok((vec![x], vec![Some(t)]))
    }

    fn transpose(&self, cts: &[Option<Value>], args: &[LinArg]) -> Result<Vec<Option<Value>>> {
        let a = args[0].value(self.name())?;
        let Some(ct) = &cts[0] else {
            return Ok(vec![None, None]);
        };
        let flipped = TriangularSolve {
            transpose_a: !self.transpose_a,
            ..self.clone()
        };
        Ok(vec![None, Some(bind1(flipped, &[a.clone(), ct.clone()])?)])
    }

    fn batch(&self, args: &[Value], dims: &[Option<usize>], size: usize) -> BatchResult {
        let a = at_front(&args[0], dims[0], size)?;
        let b = at_front(&args[1], dims[1], size)?;
        Ok((vec![bind1(self.clone(), &[a, b])?], vec![Some(0)]))
    }
}

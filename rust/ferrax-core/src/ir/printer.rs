//! Prints programs in JAX's jaxpr grammar: `{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b,) }`.

use std::collections::HashMap;
use std::fmt;

use super::{Atom, ClosedJaxpr, Jaxpr, Var};
use crate::data::Scalar;

/// Variable names in order of definition: a..z, ba..bz, ca.. (JAX's scheme).
fn var_name(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

fn fmt_scalar(s: Scalar) -> String {
    match s {
        Scalar::Bool(b) => if b { "True" } else { "False" }.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::UInt(u) => u.to_string(),
        Scalar::Float(f) if f.is_finite() && f == f.trunc() && f.abs() < 1e16 => format!("{f:.1}"),
        Scalar::Float(f) if f.is_nan() => "nan".to_string(),
        Scalar::Float(f) if f.is_infinite() => if f > 0.0 { "inf" } else { "-inf" }.to_string(),
        Scalar::Float(f) => format!("{f}"),
    }
}

struct Names(HashMap<Var, String>);

impl Names {
    fn bind(&mut self, jaxpr: &Jaxpr, v: Var) -> String {
        let name = var_name(self.0.len());
        let s = format!("{name}:{}", jaxpr.avals[v.0]);
        self.0.insert(v, name);
        s
    }

    fn atom(&self, a: &Atom) -> String {
        match a {
            Atom::Var(v) => self.0.get(v).cloned().unwrap_or_else(|| "?".into()),
            Atom::Lit(s, aval) => format!("{}:{aval}", fmt_scalar(*s)),
        }
    }
}

impl fmt::Display for Jaxpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = Names(HashMap::new());
        let consts: Vec<String> = self
            .constvars
            .iter()
            .map(|&v| names.bind(self, v))
            .collect();
        let ins: Vec<String> = self.invars.iter().map(|&v| names.bind(self, v)).collect();
        let mut lines = Vec::with_capacity(self.eqns.len());
        for eqn in &self.eqns {
            let outs: Vec<String> = eqn.outputs.iter().map(|&v| names.bind(self, v)).collect();
            let args: Vec<String> = eqn.inputs.iter().map(|a| names.atom(a)).collect();
            let mut line = format!("{} = {}", outs.join(" "), eqn.prim);
            if !args.is_empty() {
                line.push(' ');
                line.push_str(&args.join(" "));
            }
            lines.push(line);
        }
        let outs: Vec<String> = self.outvars.iter().map(|a| names.atom(a)).collect();
        let outs = if outs.len() == 1 {
            format!("({},)", outs[0])
        } else {
            format!("({})", outs.join(", "))
        };
        let head = format!("{{ lambda {}; {}. let", consts.join(" "), ins.join(" "));
        let one_line = lines.len() <= 1
            && lines.iter().map(String::len).sum::<usize>() < 60
            && !lines.iter().any(|l| l.contains('\n'));
        if one_line {
            let body = lines.first().map(|l| format!(" {l}")).unwrap_or_default();
            write!(f, "{head}{body} in {outs} }}")
        } else {
            writeln!(f, "{head}")?;
            for l in &lines {
                // Nested programs (control flow, calls) are indented under their equation.
                writeln!(f, "    {}", l.replace('\n', "\n    "))?;
            }
            write!(f, "  in {outs} }}")
        }
    }
}

impl fmt::Display for ClosedJaxpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.jaxpr.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::var_name;

    #[test]
    fn names_follow_jax() {
        assert_eq!(var_name(0), "a");
        assert_eq!(var_name(25), "z");
        assert_eq!(var_name(26), "ba");
        assert_eq!(var_name(27), "bb");
    }
}

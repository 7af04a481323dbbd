//! `jit`: the call path of a jitted function. A call flattens its dynamic arguments, looks up
//! the staged program by signature (argument structure, abstract values with weak types, and
//! the static arguments' hashes and equality) and binds one `pjit` equation; only a new
//! signature calls the Python function, under a staging trace.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use ferrax_core::prim::control::{hoist, Call, Program};
use ferrax_core::prim::Prim;
use ferrax_core::trace::{bind, trace_for_jit};
use ferrax_core::{Aval, Value};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::array::Array;
use crate::autodiff::{arrays, Failure};
use crate::convert::{parse_dtype, to_value};
use crate::pytree::{flatten_with_labels, PyTreeDef};
use crate::staging::ClosedJaxpr;

/// A staged program for one signature.
struct Entry {
    in_tree: PyTreeDef,
    avals: Vec<Aval>,
    statics: Vec<Py<PyAny>>,
    program: Program,
    call: Prim,
    consts: Vec<Value>,
    out_tree: PyTreeDef,
}

/// The abstract description of an array: `shape`, `dtype`, `weak_type` (what `eval_shape`
/// returns, and what `lower` accepts in place of an array).
#[pyclass(frozen, module = "ferrax", name = "ShapeDtypeStruct")]
pub struct ShapeDtypeStruct {
    aval: Aval,
}

#[pymethods]
impl ShapeDtypeStruct {
    #[new]
    #[pyo3(signature = (shape, dtype, weak_type=false))]
    fn new(
        py: Python<'_>,
        shape: Vec<usize>,
        dtype: &Bound<'_, PyAny>,
        weak_type: bool,
    ) -> PyResult<Self> {
        let name: String = py
            .import("numpy")?
            .call_method1("dtype", (dtype,))?
            .getattr("name")?
            .extract()?;
        let mut aval = Aval::new(shape, parse_dtype(py, &name)?);
        aval.weak = weak_type;
        Ok(ShapeDtypeStruct { aval })
    }

    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.aval.shape)
    }

    #[getter]
    fn dtype<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("numpy")?
            .call_method1("dtype", (self.aval.dtype.name(),))
    }

    #[getter]
    fn weak_type(&self) -> bool {
        self.aval.weak
    }

    #[getter]
    fn ndim(&self) -> usize {
        self.aval.shape.len()
    }

    #[getter]
    fn size(&self) -> usize {
        self.aval.size()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<ShapeDtypeStruct>()
            .is_ok_and(|o| o.get().aval == self.aval)
    }

    fn __hash__(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.aval.hash(&mut h);
        h.finish()
    }

    fn __repr__(&self) -> String {
        let shape = ferrax_core::shape::fmt_shape(&self.aval.shape);
        let weak = if self.aval.weak {
            ", weak_type=True"
        } else {
            ""
        };
        format!(
            "ShapeDtypeStruct(shape={shape}, dtype={}{weak})",
            self.aval.dtype.name()
        )
    }
}

/// A function compiled by `jit`: staged once per signature, then run from its cache.
#[pyclass(frozen, module = "ferrax", name = "JitFunction")]
pub struct JitFunction {
    fun: Py<PyAny>,
    static_argnums: Vec<usize>,
    static_argnames: Vec<String>,
    argnames: Vec<String>,
    name: String,
    cache: Mutex<HashMap<u64, Vec<Arc<Entry>>>>,
}

/// The dynamic part of one call: the pytree `(args, kwargs)` without the static arguments,
/// and the static arguments with their labels.
struct Split<'py> {
    /// The dynamic positional arguments, or `(args, kwargs)` when keywords are dynamic.
    dynamic: Bound<'py, PyTuple>,
    has_kwargs: bool,
    positions: Vec<usize>,
    statics: Vec<(String, Bound<'py, PyAny>)>,
    static_kwargs: Vec<(String, Bound<'py, PyAny>)>,
    n_args: usize,
}

impl JitFunction {
    fn split<'py>(
        &self,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Split<'py>> {
        let py = args.py();
        let mut dyn_args = Vec::with_capacity(args.len());
        let mut positions = Vec::with_capacity(args.len());
        let mut statics = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if self.static_argnums.contains(&i) {
                statics.push((self.label(i), a));
            } else {
                dyn_args.push(a);
                positions.push(i);
            }
        }
        let dyn_kwargs = PyDict::new(py);
        let mut static_kwargs = Vec::new();
        if let Some(kw) = kwargs {
            for (k, v) in kw.iter() {
                let key: String = k.extract()?;
                if self.static_argnames.contains(&key) {
                    static_kwargs.push((key, v));
                } else {
                    dyn_kwargs.set_item(k, v)?;
                }
            }
        }
        static_kwargs.sort_by(|a, b| a.0.cmp(&b.0));
        let has_kwargs = !dyn_kwargs.is_empty();
        let positional = PyTuple::new(py, dyn_args)?;
        let dynamic = if has_kwargs {
            PyTuple::new(py, [positional.into_any(), dyn_kwargs.into_any()])?
        } else {
            positional
        };
        Ok(Split {
            dynamic,
            has_kwargs,
            positions,
            statics,
            static_kwargs,
            n_args: args.len(),
        })
    }

    fn label(&self, position: usize) -> String {
        self.argnames
            .get(position)
            .cloned()
            .unwrap_or_else(|| format!("args[{position}]"))
    }

    fn signature_hash(
        &self,
        py: Python<'_>,
        tree: &PyTreeDef,
        avals: &[Aval],
        split: &Split<'_>,
    ) -> PyResult<u64> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        tree.hash_value(py)?.hash(&mut h);
        avals.hash(&mut h);
        for (label, v) in split.statics.iter().chain(&split.static_kwargs) {
            label.hash(&mut h);
            let vh =
                v.hash().map_err(|_| {
                    PyTypeError::new_err(format!(
                    "jit of {}: static argument {label} must be hashable, got a value of type {}; \
                     pass it as a dynamic argument or make it hashable (a tuple instead of a \
                     list, say)",
                    self.name,
                    v.get_type().name().map(|n| n.to_string()).unwrap_or_default()
                ))
                })?;
            vh.hash(&mut h);
        }
        Ok(h.finish())
    }

    fn lookup(
        &self,
        py: Python<'_>,
        key: u64,
        tree: &PyTreeDef,
        avals: &[Aval],
        split: &Split<'_>,
    ) -> PyResult<Option<Arc<Entry>>> {
        let cache = self
            .cache
            .lock()
            .map_err(|_| PyTypeError::new_err("jit cache poisoned"))?;
        let Some(bucket) = cache.get(&key) else {
            return Ok(None);
        };
        'entries: for e in bucket {
            if e.avals != avals || !e.in_tree.same_as(py, tree)? {
                continue;
            }
            for (s, (_, v)) in e
                .statics
                .iter()
                .zip(split.statics.iter().chain(&split.static_kwargs))
            {
                if !s.bind(py).eq(v)? {
                    continue 'entries;
                }
            }
            return Ok(Some(e.clone()));
        }
        Ok(None)
    }

    /// Stages the function for the signature of `split` with inputs of `avals`.
    fn trace(
        &self,
        py: Python<'_>,
        split: &Split<'_>,
        tree: &PyTreeDef,
        avals: &[Aval],
        labels: Vec<String>,
    ) -> PyResult<Entry> {
        let mut out_tree = None;
        let closed = trace_for_jit(avals, labels, |tracers| -> Result<Vec<Value>, Failure> {
            let leaves = arrays(py, tracers).map_err(Failure::Py)?;
            let rebuilt = tree.unflatten(py, leaves.as_any()).map_err(Failure::Py)?;
            let (dyn_args, dyn_kwargs) = if split.has_kwargs {
                rebuilt
                    .extract::<(Bound<'_, PyTuple>, Bound<'_, PyDict>)>()
                    .map_err(Failure::Py)?
            } else {
                (
                    rebuilt
                        .cast_into::<PyTuple>()
                        .map_err(|e| Failure::Py(e.into()))?,
                    PyDict::new(py),
                )
            };
            let mut full = Vec::with_capacity(split.n_args);
            let (mut d, mut s) = (dyn_args.iter(), split.statics.iter());
            for i in 0..split.n_args {
                let next = if split.positions.contains(&i) {
                    d.next()
                } else {
                    s.next().map(|(_, v)| v.clone())
                };
                full.extend(next);
            }
            for (k, v) in &split.static_kwargs {
                dyn_kwargs.set_item(k, v).map_err(Failure::Py)?;
            }
            let args = PyTuple::new(py, full).map_err(Failure::Py)?;
            let out = self
                .fun
                .bind(py)
                .call(args, Some(&dyn_kwargs))
                .map_err(Failure::Py)?;
            let (leaves, _, def) = flatten_with_labels(&out, false).map_err(Failure::Py)?;
            out_tree = Some(def);
            leaves
                .iter()
                .map(|l| to_value(l).map_err(Failure::Py))
                .collect()
        })
        .map_err(|e| e.into_pyerr(py))?;
        let (program, consts) = hoist(closed);
        let out_tree =
            out_tree.ok_or_else(|| PyTypeError::new_err("jit: tracing produced no output"))?;
        Ok(Entry {
            in_tree: tree.clone(),
            avals: avals.to_vec(),
            statics: split
                .statics
                .iter()
                .chain(&split.static_kwargs)
                .map(|(_, v)| v.clone().unbind())
                .collect(),
            call: Prim::Call(Call {
                program: program.clone(),
                name: self.name.clone(),
            }),
            program,
            consts,
            out_tree,
        })
    }

    /// The entry for a call, from the cache or freshly staged (and cached when it closes
    /// over no tracer of an enclosing transformation).
    fn entry(
        &self,
        py: Python<'_>,
        split: &Split<'_>,
        abstract_ok: bool,
    ) -> PyResult<(Arc<Entry>, Vec<Value>)> {
        let (leaves, _, tree) = flatten_with_labels(split.dynamic.as_any(), false)?;
        let mut values = Vec::with_capacity(leaves.len());
        let mut avals = Vec::with_capacity(leaves.len());
        for leaf in &leaves {
            if abstract_ok {
                if let Ok(s) = leaf.cast::<ShapeDtypeStruct>() {
                    avals.push(s.get().aval.clone());
                    continue;
                }
            }
            let v = to_value(leaf)?;
            avals.push(v.aval().clone());
            values.push(v);
        }
        let key = self.signature_hash(py, &tree, &avals, split)?;
        if let Some(e) = self.lookup(py, key, &tree, &avals, split)? {
            return Ok((e, values));
        }
        let labels = self.labels(split)?;
        let entry = Arc::new(self.trace(py, split, &tree, &avals, labels)?);
        if entry.consts.iter().all(|c| c.as_concrete().is_some()) {
            let mut cache = self
                .cache
                .lock()
                .map_err(|_| PyTypeError::new_err("jit cache poisoned"))?;
            cache.entry(key).or_default().push(entry.clone());
        }
        Ok((entry, values))
    }

    /// The entry for arguments that may be `ShapeDtypeStruct`s (nothing runs).
    fn abstract_entry(
        &self,
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Arc<Entry>> {
        let split = self.split(args, kwargs)?;
        Ok(self.entry(py, &split, true)?.0)
    }

    /// Names of the flat inputs: the parameter name followed by the key path inside it.
    fn labels(&self, split: &Split<'_>) -> PyResult<Vec<String>> {
        let (_, paths, _) = flatten_with_labels(split.dynamic.as_any(), true)?;
        let mut labels = Vec::new();
        for path in paths.unwrap_or_default() {
            let mut keys = path.iter();
            let positional = if split.has_kwargs {
                let group: Option<String> = keys
                    .next()
                    .map(|k| k.str().map(|s| s.to_string()))
                    .transpose()?;
                group.as_deref() == Some("[0]")
            } else {
                true
            };
            let head = match keys.next() {
                Some(k) if positional => {
                    let i: usize = k.getattr("idx")?.extract()?;
                    self.label(split.positions.get(i).copied().unwrap_or(i))
                }
                Some(k) => k.getattr("key")?.str()?.to_string(),
                None => String::new(),
            };
            let rest: Vec<String> = keys
                .map(|k| k.str().map(|s| s.to_string()))
                .collect::<PyResult<_>>()?;
            labels.push(format!("{head}{}", rest.concat()));
        }
        Ok(labels)
    }
}

#[pymethods]
impl JitFunction {
    #[new]
    #[pyo3(signature = (fun, static_argnums, static_argnames, argnames, name))]
    fn new(
        fun: Py<PyAny>,
        static_argnums: Vec<usize>,
        static_argnames: Vec<String>,
        argnames: Vec<String>,
        name: String,
    ) -> Self {
        JitFunction {
            fun,
            static_argnums,
            static_argnames,
            argnames,
            name,
            cache: Mutex::new(HashMap::new()),
        }
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let split = self.split(args, kwargs)?;
        let (entry, values) = self.entry(py, &split, false)?;
        let mut ins = entry.consts.clone();
        ins.extend(values);
        let outs = bind(&entry.call, &ins).map_err(|e| crate::errors::to_pyerr(py, e))?;
        let outs = PyList::new(py, outs.into_iter().map(Array::new))?;
        entry.out_tree.unflatten(py, outs.as_any())
    }

    /// The staged program for these arguments (arrays or `ShapeDtypeStruct`s).
    #[pyo3(signature = (*args, **kwargs))]
    fn lower(
        &self,
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<ClosedJaxpr> {
        let entry = self.abstract_entry(py, args, kwargs)?;
        Ok(ClosedJaxpr::from_program(&entry.program, &entry.consts))
    }

    /// The output shapes and dtypes for these arguments, as `ShapeDtypeStruct`s, without
    /// running anything.
    #[pyo3(signature = (*args, **kwargs))]
    fn eval_shape<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let entry = self.abstract_entry(py, args, kwargs)?;
        let structs = entry
            .program
            .out_avals()
            .into_iter()
            .map(|aval| Py::new(py, ShapeDtypeStruct { aval }))
            .collect::<PyResult<Vec<_>>>()?;
        entry
            .out_tree
            .unflatten(py, PyList::new(py, structs)?.as_any())
    }

    /// How many signatures are staged.
    fn _cache_size(&self) -> PyResult<usize> {
        let cache = self
            .cache
            .lock()
            .map_err(|_| PyTypeError::new_err("jit cache poisoned"))?;
        Ok(cache.values().map(Vec::len).sum())
    }

    /// Forgets every staged program.
    fn clear_cache(&self) -> PyResult<()> {
        self.cache
            .lock()
            .map_err(|_| PyTypeError::new_err("jit cache poisoned"))?
            .clear();
        Ok(())
    }

    #[getter]
    fn __wrapped__(&self, py: Python<'_>) -> Py<PyAny> {
        self.fun.clone_ref(py)
    }

    #[getter]
    fn __name__(&self) -> String {
        self.name.clone()
    }

    fn __repr__(&self) -> String {
        format!("<jitted function {}>", self.name)
    }
}

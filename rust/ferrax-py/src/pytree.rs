//! Pytrees: the registry of container types and flattening, in Rust because every
//! transformation call flattens its arguments. `PyTreeDef` is immutable and hashable, so it
//! can key caches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

/// A user-registered node type.
pub struct Registration {
    ty: Py<PyType>,
    flatten: Py<PyAny>,
    unflatten: Py<PyAny>,
    flatten_with_keys: Option<Py<PyAny>>,
}

/// `collections.OrderedDict` and `collections.defaultdict`, looked up once.
fn dict_types(py: Python<'_>) -> PyResult<(&Bound<'_, PyType>, &Bound<'_, PyType>)> {
    static TYPES: PyOnceLock<(Py<PyType>, Py<PyType>)> = PyOnceLock::new();
    let (o, d) = TYPES.get_or_try_init(py, || -> PyResult<_> {
        let c = py.import("collections")?;
        Ok((
            c.getattr("OrderedDict")?.cast_into::<PyType>()?.unbind(),
            c.getattr("defaultdict")?.cast_into::<PyType>()?.unbind(),
        ))
    })?;
    Ok((o.bind(py), d.bind(py)))
}

static REGISTRY: Mutex<Option<HashMap<usize, Arc<Registration>>>> = Mutex::new(None);

fn lookup(ty: &Bound<'_, PyType>) -> Option<Arc<Registration>> {
    let reg = REGISTRY.lock().ok()?;
    reg.as_ref()?.get(&(ty.as_ptr() as usize)).cloned()
}

/// Registers a node type: `flatten(x) -> (children, aux)`, `unflatten(aux, children) -> x`,
/// optionally `flatten_with_keys(x) -> ([(key, child)], aux)`.
#[pyfunction]
#[pyo3(signature = (nodetype, flatten, unflatten, flatten_with_keys=None))]
pub fn register_pytree_node(
    nodetype: &Bound<'_, PyType>,
    flatten: &Bound<'_, PyAny>,
    unflatten: &Bound<'_, PyAny>,
    flatten_with_keys: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let mut reg = REGISTRY
        .lock()
        .map_err(|_| PyValueError::new_err("the pytree registry is unavailable"))?;
    let map = reg.get_or_insert_with(HashMap::new);
    let key = nodetype.as_ptr() as usize;
    if map.contains_key(&key) {
        return Err(PyValueError::new_err(format!(
            "Duplicate custom PyTreeDef type registration for {}",
            nodetype.name()?
        )));
    }
    map.insert(
        key,
        Arc::new(Registration {
            ty: nodetype.clone().unbind(),
            flatten: flatten.clone().unbind(),
            unflatten: unflatten.clone().unbind(),
            flatten_with_keys: flatten_with_keys.map(|f| f.clone().unbind()),
        }),
    );
    Ok(())
}

/// The structure of a pytree.
#[derive(Clone)]
enum Def {
    Leaf,
    None,
    Tuple(Vec<Def>),
    List(Vec<Def>),
    /// Keys in leaf order (sorted for dict, insertion order for OrderedDict); the class,
    /// and the default factory of a defaultdict.
    Dict {
        keys: Arc<Py<PyList>>,
        class: Arc<Py<PyType>>,
        factory: Option<Arc<Py<PyAny>>>,
        children: Vec<Def>,
    },
    NamedTuple(Arc<Py<PyType>>, Vec<Def>),
    Custom(Arc<Registration>, Arc<Py<PyAny>>, Vec<Def>),
}

impl Def {
    fn children(&self) -> &[Def] {
        match self {
            Def::Leaf | Def::None => &[],
            Def::Tuple(c) | Def::List(c) | Def::NamedTuple(_, c) | Def::Custom(_, _, c) => c,
            Def::Dict { children, .. } => children,
        }
    }

    fn num_leaves(&self) -> usize {
        match self {
            Def::Leaf => 1,
            other => other.children().iter().map(Def::num_leaves).sum(),
        }
    }

    fn num_nodes(&self) -> usize {
        1 + self.children().iter().map(Def::num_nodes).sum::<usize>()
    }
}

struct Flattener<'a, 'py> {
    py: Python<'py>,
    is_leaf: Option<&'a Bound<'py, PyAny>>,
    leaves: Vec<Bound<'py, PyAny>>,
    paths: Option<Vec<Vec<Bound<'py, PyAny>>>>,
    prefix: Vec<Bound<'py, PyAny>>,
    keys: Option<Bound<'py, PyModule>>,
    /// Nodes deeper than this are taken as leaves (one-level views of a tree).
    max_depth: usize,
    depth: usize,
}

impl<'py> Flattener<'_, 'py> {
    fn key(&self, class: &str, arg: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        match &self.keys {
            Some(m) => m.getattr(class)?.call1((arg,)),
            None => Ok(arg),
        }
    }

    fn child(&mut self, key: Option<Bound<'py, PyAny>>, obj: &Bound<'py, PyAny>) -> PyResult<Def> {
        if let Some(k) = &key {
            self.prefix.push(k.clone());
        }
        self.depth += 1;
        let d = if self.depth > self.max_depth {
            self.leaf(obj)
        } else {
            self.flatten(obj)
        };
        self.depth -= 1;
        if key.is_some() {
            self.prefix.pop();
        }
        d
    }

    fn seq(&mut self, items: Vec<Bound<'py, PyAny>>, keyed: bool) -> PyResult<Vec<Def>> {
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            let key = if keyed && self.paths.is_some() {
                Some(self.key("SequenceKey", i.into_pyobject(self.py)?.into_any())?)
            } else {
                None
            };
            out.push(self.child(key, it)?);
        }
        Ok(out)
    }

    fn flatten(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<Def> {
        let py = self.py;
        if let Some(f) = self.is_leaf {
            if f.call1((obj,))?.is_truthy()? {
                return self.leaf(obj);
            }
        }
        if obj.is_none() {
            return Ok(Def::None);
        }
        let ty = obj.get_type();
        if ty.is(py.get_type::<crate::array::Array>()) {
            return self.leaf(obj);
        }
        if ty.is(py.get_type::<PyTuple>()) {
            let items: Vec<_> = obj.cast::<PyTuple>()?.iter().collect();
            return Ok(Def::Tuple(self.seq(items, true)?));
        }
        if ty.is(py.get_type::<PyList>()) {
            let items: Vec<_> = obj.cast::<PyList>()?.iter().collect();
            return Ok(Def::List(self.seq(items, true)?));
        }
        let (ordered_dict, default_dict) = dict_types(py)?;
        let is_dict = ty.is(py.get_type::<PyDict>());
        let ordered = ty.is(ordered_dict);
        let default = ty.is(default_dict);
        if is_dict || ordered || default {
            let d = obj.cast::<PyDict>()?;
            let keys = d.keys();
            if !ordered {
                keys.sort().map_err(|e| {
                    PyValueError::new_err(format!(
                        "pytree dict keys must be sortable to flatten deterministically: {e}"
                    ))
                })?;
            }
            let mut children = Vec::with_capacity(keys.len());
            for k in keys.iter() {
                let key = if self.paths.is_some() {
                    Some(self.key("DictKey", k.clone())?)
                } else {
                    None
                };
                let v = d
                    .get_item(&k)?
                    .ok_or_else(|| PyValueError::new_err("dict changed"))?;
                children.push(self.child(key, &v)?);
            }
            let factory = if default {
                Some(Arc::new(obj.getattr("default_factory")?.unbind()))
            } else {
                None
            };
            return Ok(Def::Dict {
                keys: Arc::new(keys.unbind()),
                class: Arc::new(ty.unbind()),
                factory,
                children,
            });
        }
        if let Some(reg) = lookup(&ty) {
            return self.custom(reg, obj);
        }
        if obj.is_instance_of::<PyTuple>() && obj.hasattr("_fields")? {
            let items: Vec<_> = obj.cast::<PyTuple>()?.iter().collect();
            let fields: Vec<Bound<'py, PyAny>> = obj
                .getattr("_fields")?
                .try_iter()?
                .collect::<PyResult<_>>()?;
            let mut children = Vec::with_capacity(items.len());
            for (it, name) in items.iter().zip(fields) {
                let key = if self.paths.is_some() {
                    Some(self.key("GetAttrKey", name)?)
                } else {
                    None
                };
                children.push(self.child(key, it)?);
            }
            return Ok(Def::NamedTuple(Arc::new(ty.unbind()), children));
        }
        self.leaf(obj)
    }

    fn custom(&mut self, reg: Arc<Registration>, obj: &Bound<'py, PyAny>) -> PyResult<Def> {
        let py = self.py;
        let mut children = Vec::new();
        let aux;
        match (&reg.flatten_with_keys, self.paths.is_some()) {
            (Some(fk), true) => {
                let out = fk.bind(py).call1((obj,))?;
                let pair = out.cast::<PyTuple>()?;
                aux = pair.get_item(1)?;
                for kc in pair.get_item(0)?.try_iter()? {
                    let kc = kc?;
                    let kc = kc.cast::<PyTuple>()?;
                    children.push(self.child(Some(kc.get_item(0)?), &kc.get_item(1)?)?);
                }
            }
            _ => {
                let out = reg.flatten.bind(py).call1((obj,))?;
                let pair = out.cast::<PyTuple>().map_err(|_| {
                    PyValueError::new_err(
                        "a pytree flatten function must return (children, aux_data)",
                    )
                })?;
                aux = pair.get_item(1)?;
                for (i, c) in pair.get_item(0)?.try_iter()?.enumerate() {
                    let key = if self.paths.is_some() {
                        Some(self.key("FlattenedIndexKey", i.into_pyobject(py)?.into_any())?)
                    } else {
                        None
                    };
                    children.push(self.child(key, &c?)?);
                }
            }
        }
        Ok(Def::Custom(reg, Arc::new(aux.unbind()), children))
    }

    fn leaf(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<Def> {
        self.leaves.push(obj.clone());
        if let Some(p) = &mut self.paths {
            p.push(self.prefix.clone());
        }
        Ok(Def::Leaf)
    }
}

/// The structure of a pytree: equality, hashing, unflattening.
#[pyclass(frozen, module = "ferrax.tree_util", name = "PyTreeDef")]
#[derive(Clone)]
pub struct PyTreeDef {
    def: Def,
}

/// Leaves, their key paths (when asked for), and the structure.
pub(crate) type Flattened<'py> = (
    Vec<Bound<'py, PyAny>>,
    Option<Vec<Vec<Bound<'py, PyAny>>>>,
    PyTreeDef,
);

fn flatten_impl<'py>(
    tree: &Bound<'py, PyAny>,
    is_leaf: Option<&Bound<'py, PyAny>>,
    with_paths: bool,
) -> PyResult<Flattened<'py>> {
    let py = tree.py();
    let keys = if with_paths {
        Some(py.import("ferrax.tree_util")?)
    } else {
        None
    };
    let mut f = Flattener {
        py,
        is_leaf: is_leaf.filter(|f| !f.is_none()),
        leaves: Vec::new(),
        paths: with_paths.then(Vec::new),
        prefix: Vec::new(),
        keys,
        max_depth: usize::MAX,
        depth: 0,
    };
    let def = f.flatten(tree)?;
    Ok((f.leaves, f.paths, PyTreeDef { def }))
}

/// Leaves, key paths when `with_paths`, and structure of a pytree (for Rust callers).
pub(crate) fn flatten_with_labels<'py>(
    tree: &Bound<'py, PyAny>,
    with_paths: bool,
) -> PyResult<Flattened<'py>> {
    flatten_impl(tree, None, with_paths)
}

impl PyTreeDef {
    /// The structural hash (as `hash(treedef)`).
    pub(crate) fn hash_value(&self, py: Python<'_>) -> PyResult<u64> {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        hash_def(py, &self.def, &mut h)?;
        Ok(h)
    }

    /// Structural equality (as `==`).
    pub(crate) fn same_as(&self, py: Python<'_>, other: &PyTreeDef) -> PyResult<bool> {
        same(py, &self.def, &other.def)
    }
}

/// `(leaves, treedef)` of a pytree.
#[pyfunction]
#[pyo3(signature = (tree, is_leaf=None))]
pub fn tree_flatten<'py>(
    tree: &Bound<'py, PyAny>,
    is_leaf: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyList>, PyTreeDef)> {
    let (leaves, _, def) = flatten_impl(tree, is_leaf, false)?;
    Ok((PyList::new(tree.py(), leaves)?, def))
}

/// `([(key_path, leaf)], treedef)` of a pytree.
#[pyfunction]
#[pyo3(signature = (tree, is_leaf=None))]
pub fn tree_flatten_with_path<'py>(
    tree: &Bound<'py, PyAny>,
    is_leaf: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyList>, PyTreeDef)> {
    let py = tree.py();
    let (leaves, paths, def) = flatten_impl(tree, is_leaf, true)?;
    let pairs = leaves
        .into_iter()
        .zip(paths.unwrap_or_default())
        .map(|(leaf, path)| PyTuple::new(py, [PyTuple::new(py, path)?.into_any(), leaf]))
        .collect::<PyResult<Vec<_>>>()?;
    Ok((PyList::new(py, pairs)?, def))
}

fn build<'py>(
    py: Python<'py>,
    def: &Def,
    leaves: &mut impl Iterator<Item = Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut kids = |c: &[Def]| -> PyResult<Vec<Bound<'py, PyAny>>> {
        c.iter().map(|d| build(py, d, leaves)).collect()
    };
    Ok(match def {
        Def::Leaf => leaves
            .next()
            .ok_or_else(|| PyValueError::new_err("too few leaves"))?,
        Def::None => py.None().into_bound(py),
        Def::Tuple(c) => PyTuple::new(py, kids(c)?)?.into_any(),
        Def::List(c) => PyList::new(py, kids(c)?)?.into_any(),
        Def::NamedTuple(ty, c) => ty.bind(py).call1(PyTuple::new(py, kids(c)?)?)?,
        Def::Dict {
            keys,
            class,
            factory,
            children,
        } => {
            let values = kids(children)?;
            let pairs: Vec<_> = keys.bind(py).iter().zip(values).collect();
            let d = PyDict::new(py);
            for (k, v) in &pairs {
                d.set_item(k, v)?;
            }
            match factory {
                Some(f) => class.bind(py).call1((f.bind(py), d))?,
                None if class.bind(py).is(py.get_type::<PyDict>()) => d.into_any(),
                None => class.bind(py).call1((PyList::new(
                    py,
                    pairs.iter().map(|(k, v)| (k.clone(), v.clone())),
                )?,))?,
            }
        }
        Def::Custom(reg, aux, c) => {
            let children = PyTuple::new(py, kids(c)?)?;
            reg.unflatten.bind(py).call1((aux.bind(py), children))?
        }
    })
}

fn repr(py: Python<'_>, def: &Def) -> PyResult<String> {
    let kids = |c: &[Def]| -> PyResult<Vec<String>> { c.iter().map(|d| repr(py, d)).collect() };
    Ok(match def {
        Def::Leaf => "*".into(),
        Def::None => "None".into(),
        Def::Tuple(c) => {
            let k = kids(c)?;
            if k.len() == 1 {
                format!("({},)", k[0])
            } else {
                format!("({})", k.join(", "))
            }
        }
        Def::List(c) => format!("[{}]", kids(c)?.join(", ")),
        Def::Dict { keys, children, .. } => {
            let parts: Vec<String> = keys
                .bind(py)
                .iter()
                .zip(kids(children)?)
                .map(|(k, v)| Ok(format!("{}: {v}", k.repr()?)))
                .collect::<PyResult<_>>()?;
            format!("{{{}}}", parts.join(", "))
        }
        Def::NamedTuple(ty, c) => format!("{}({})", ty.bind(py).name()?, kids(c)?.join(", ")),
        Def::Custom(reg, aux, c) => format!(
            "CustomNode({}[{}], [{}])",
            reg.ty.bind(py).name()?,
            aux.bind(py).repr()?,
            kids(c)?.join(", ")
        ),
    })
}

fn same(py: Python<'_>, a: &Def, b: &Def) -> PyResult<bool> {
    let kids = |x: &[Def], y: &[Def]| -> PyResult<bool> {
        if x.len() != y.len() {
            return Ok(false);
        }
        for (p, q) in x.iter().zip(y) {
            if !same(py, p, q)? {
                return Ok(false);
            }
        }
        Ok(true)
    };
    Ok(match (a, b) {
        (Def::Leaf, Def::Leaf) | (Def::None, Def::None) => true,
        (Def::Tuple(x), Def::Tuple(y)) | (Def::List(x), Def::List(y)) => kids(x, y)?,
        (Def::NamedTuple(t, x), Def::NamedTuple(u, y)) => t.bind(py).is(u.bind(py)) && kids(x, y)?,
        (
            Def::Dict {
                keys: k1,
                class: c1,
                children: x,
                ..
            },
            Def::Dict {
                keys: k2,
                class: c2,
                children: y,
                ..
            },
        ) => c1.bind(py).is(c2.bind(py)) && k1.bind(py).eq(k2.bind(py))? && kids(x, y)?,
        (Def::Custom(r1, a1, x), Def::Custom(r2, a2, y)) => {
            Arc::ptr_eq(r1, r2) && a1.bind(py).eq(a2.bind(py))? && kids(x, y)?
        }
        _ => false,
    })
}

fn hash_def(py: Python<'_>, d: &Def, h: &mut u64) -> PyResult<()> {
    let mix = |h: &mut u64, v: u64| *h = (*h ^ v).wrapping_mul(0x0100_0000_01b3);
    let tag = match d {
        Def::Leaf => 1,
        Def::None => 2,
        Def::Tuple(_) => 3,
        Def::List(_) => 4,
        Def::Dict { .. } => 5,
        Def::NamedTuple(..) => 6,
        Def::Custom(..) => 7,
    };
    mix(h, tag);
    mix(h, d.children().len() as u64);
    match d {
        Def::Dict { keys, .. } => {
            let t = PyTuple::new(py, keys.bind(py).iter())?;
            mix(h, t.hash().unwrap_or(0) as u64);
        }
        Def::Custom(_, aux, _) => mix(h, aux.bind(py).hash().unwrap_or(0) as u64),
        _ => {}
    }
    for c in d.children() {
        hash_def(py, c, h)?;
    }
    Ok(())
}

/// The root node of `tree` and its immediate children.
fn one_level<'py>(tree: &Bound<'py, PyAny>) -> PyResult<(Def, Vec<Bound<'py, PyAny>>)> {
    let mut f = Flattener {
        py: tree.py(),
        is_leaf: None,
        leaves: Vec::new(),
        paths: None,
        prefix: Vec::new(),
        keys: None,
        max_depth: 0,
        depth: 0,
    };
    let def = f.flatten(tree)?;
    Ok((def, f.leaves))
}

/// Whether two nodes have the same kind, arity and node data (children not compared).
fn same_node(py: Python<'_>, a: &Def, b: &Def) -> PyResult<bool> {
    Ok(a.children().len() == b.children().len()
        && match (a, b) {
            (Def::Leaf, Def::Leaf) | (Def::None, Def::None) => true,
            (Def::Tuple(_), Def::Tuple(_)) | (Def::List(_), Def::List(_)) => true,
            (Def::NamedTuple(t, _), Def::NamedTuple(u, _)) => t.bind(py).is(u.bind(py)),
            (
                Def::Dict {
                    keys: k1,
                    class: c1,
                    ..
                },
                Def::Dict {
                    keys: k2,
                    class: c2,
                    ..
                },
            ) => c1.bind(py).is(c2.bind(py)) && k1.bind(py).eq(k2.bind(py))?,
            (Def::Custom(r1, a1, _), Def::Custom(r2, a2, _)) => {
                Arc::ptr_eq(r1, r2) && a1.bind(py).eq(a2.bind(py))?
            }
            _ => false,
        })
}

fn up_to<'py>(
    py: Python<'py>,
    def: &Def,
    tree: &Bound<'py, PyAny>,
    out: &mut Vec<Bound<'py, PyAny>>,
    whole: &PyTreeDef,
) -> PyResult<()> {
    if let Def::Leaf = def {
        out.push(tree.clone());
        return Ok(());
    }
    let (node, children) = one_level(tree)?;
    if !same_node(py, def, &node)? {
        let theirs = tree_flatten(tree, None)?.1;
        return Err(crate::errors::to_pyerr(
            py,
            ferrax_core::Error::Value(format!(
                "pytree structures differ: expected a tree with structure {}, got {}",
                repr(py, &whole.def)?,
                repr(py, &theirs.def)?
            )),
        ));
    }
    for (d, c) in def.children().iter().zip(children) {
        up_to(py, d, &c, out, whole)?;
    }
    Ok(())
}

#[pymethods]
impl PyTreeDef {
    /// Number of leaves.
    #[getter]
    fn num_leaves(&self) -> usize {
        self.def.num_leaves()
    }

    /// Number of nodes, leaves included.
    #[getter]
    fn num_nodes(&self) -> usize {
        self.def.num_nodes()
    }

    /// The treedefs of the root's children.
    fn children(&self) -> Vec<PyTreeDef> {
        self.def
            .children()
            .iter()
            .map(|d| PyTreeDef { def: d.clone() })
            .collect()
    }

    /// The root's node data: `(type, aux)` or `None` for a leaf.
    fn node_data(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(match &self.def {
            Def::Leaf => py.None(),
            Def::None => (py.None(), py.None())
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            Def::Tuple(_) => (py.get_type::<PyTuple>(), py.None())
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            Def::List(_) => (py.get_type::<PyList>(), py.None())
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            Def::Dict { keys, class, .. } => (class.bind(py), keys.bind(py))
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            Def::NamedTuple(t, _) => (t.bind(py), py.None())
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            Def::Custom(r, a, _) => (r.ty.bind(py), a.bind(py))
                .into_pyobject(py)?
                .into_any()
                .unbind(),
        })
    }

    /// The pytree with this structure and the given leaves.
    pub(crate) fn unflatten<'py>(
        &self,
        py: Python<'py>,
        leaves: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let items: Vec<Bound<'py, PyAny>> = leaves.try_iter()?.collect::<PyResult<_>>()?;
        let want = self.def.num_leaves();
        if items.len() != want {
            return Err(crate::errors::to_pyerr(
                py,
                ferrax_core::Error::Value(format!(
                    "Too {} leaves for PyTreeDef; expected {want}, got {}",
                    if items.len() < want { "few" } else { "many" },
                    items.len()
                )),
            ));
        }
        build(py, &self.def, &mut items.into_iter())
    }

    /// The subtrees of `tree` at this structure's leaves (`tree` must have this structure
    /// down to those leaves).
    fn flatten_up_to<'py>(
        &self,
        py: Python<'py>,
        tree: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let mut out = Vec::new();
        up_to(py, &self.def, tree, &mut out, self)?;
        PyList::new(py, out)
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        match other.cast::<PyTreeDef>() {
            Ok(o) => same(py, &self.def, &o.get().def),
            Err(_) => Ok(false),
        }
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<u64> {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        hash_def(py, &self.def, &mut h)?;
        Ok(h)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("PyTreeDef({})", repr(py, &self.def)?))
    }
}

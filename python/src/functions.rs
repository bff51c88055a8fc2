//! Module functions: creation (`ones`, `arange`, `from_array` …), random
//! arrays, `compute`/`persist` of several arrays in one graph, `store`,
//! joins, and the settings.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use tessera::config::{self, SchedulerKind};
use tessera::{ChunkSpec, Compute, DType, DynArray};

use crate::array::Array;
use crate::convert;
use crate::errors::{self, OrPy};
use crate::running;

/// Chunks given as a Python object (`None` or missing: `"auto"`).
fn chunks_or_auto(chunks: Option<&Bound<'_, PyAny>>) -> PyResult<ChunkSpec> {
    match chunks {
        Some(c) if !c.is_none() => convert::chunk_spec(c),
        _ => Ok(ChunkSpec::auto()),
    }
}

/// `da.ones` (`kind` "ones") or `da.zeros` (`kind` "zeros"):
/// `(shape, dtype=float, chunks="auto")`.
#[pyfunction]
#[pyo3(signature = (kind, shape, dtype=None, chunks=None))]
fn filled(
    kind: &str,
    shape: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    chunks: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let make = match kind {
        "ones" => DynArray::ones,
        "zeros" => DynArray::zeros,
        other => {
            return Err(PyValueError::new_err(format!(
                "no array kind {other:?}; use \"ones\" or \"zeros\""
            )))
        }
    };
    Array::wrap(make(
        convert::shape(shape)?,
        chunks_or_auto(chunks)?,
        convert::dtype_or_f64(dtype)?,
    ))
}

/// `da.full(shape, fill_value, dtype=None, chunks="auto")`: the dtype is
/// the fill value's when none is given (bool, int64 or float64).
#[pyfunction]
#[pyo3(signature = (shape, fill_value, dtype=None, chunks=None))]
fn full(
    shape: &Bound<'_, PyAny>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    chunks: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let value = convert::scalar(fill_value)
        .ok_or_else(|| PyTypeError::new_err("fill_value must be a bool, int or float"))?;
    let d = match dtype {
        Some(d) if !d.is_none() => convert::dtype(d)?,
        _ => match value {
            tessera::Scalar::Bool(_) => DType::Bool,
            tessera::Scalar::Int(_) => DType::I64,
            tessera::Scalar::UInt(_) => DType::U64,
            tessera::Scalar::Float(_) => DType::F64,
        },
    };
    Array::wrap(DynArray::full(
        convert::shape(shape)?,
        value,
        chunks_or_auto(chunks)?,
        d,
    ))
}

/// `da.arange([start,] stop[, step], chunks="auto", dtype=None)`: int64
/// when every bound is an int, float64 otherwise.
#[pyfunction]
#[pyo3(signature = (*args, chunks=None, dtype=None))]
fn arange(
    args: &Bound<'_, PyTuple>,
    chunks: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let vals: Vec<f64> = args.extract()?;
    let all_int = args
        .iter()
        .all(|a| a.extract::<i64>().is_ok() && !a.is_instance_of::<pyo3::types::PyFloat>());
    let (start, stop, step) = match vals.as_slice() {
        [stop] => (0.0, *stop, 1.0),
        [start, stop] => (*start, *stop, 1.0),
        [start, stop, step] => (*start, *stop, *step),
        _ => {
            return Err(PyTypeError::new_err(
                "arange takes 1 to 3 positional arguments: [start,] stop[, step]",
            ))
        }
    };
    let d = match dtype {
        Some(d) if !d.is_none() => convert::dtype(d)?,
        _ if all_int => DType::I64,
        _ => DType::F64,
    };
    Array::wrap(DynArray::arange(
        start,
        stop,
        step,
        chunks_or_auto(chunks)?,
        d,
    ))
}

/// `da.linspace(start, stop, num=50, chunks="auto", dtype=float)` (endpoint included).
#[pyfunction]
#[pyo3(signature = (start, stop, num=50, endpoint=true, chunks=None, dtype=None))]
fn linspace(
    start: f64,
    stop: f64,
    num: usize,
    endpoint: bool,
    chunks: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let stop = if endpoint || num == 0 {
        stop
    } else {
        start + (stop - start) * (num as f64 - 1.0) / num as f64
    };
    Array::wrap(DynArray::linspace(
        start,
        stop,
        num,
        chunks_or_auto(chunks)?,
        convert::dtype_or_f64(dtype)?,
    ))
}

/// `da.from_array(x, chunks="auto")` over a NumPy array (any strides; the values are copied once).
#[pyfunction]
#[pyo3(signature = (x, chunks=None))]
fn from_numpy(x: &Bound<'_, PyAny>, chunks: Option<&Bound<'_, PyAny>>) -> PyResult<Array> {
    Array::wrap(convert::from_numpy(x, chunks_or_auto(chunks)?)?)
}

/// `da.from_zarr(url, component=None, chunks=None)`: the stored chunks unless given.
#[pyfunction]
#[pyo3(signature = (url, component=None, chunks=None))]
fn from_zarr(
    url: std::path::PathBuf,
    component: Option<String>,
    chunks: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let chunks = stored_chunks(chunks)?;
    Array::wrap(DynArray::from_zarr(
        url,
        &component.unwrap_or_default(),
        chunks,
    ))
}

/// The chunks of a stored array's read: `None` keeps the stored ones.
fn stored_chunks(chunks: Option<&Bound<'_, PyAny>>) -> PyResult<Option<ChunkSpec>> {
    chunks
        .filter(|c| !c.is_none())
        .map(convert::chunk_spec)
        .transpose()
}

/// The dataset of an HDF5 file (built with the `hdf5` feature).
#[cfg(feature = "hdf5")]
#[pyfunction]
#[pyo3(signature = (path, dataset, chunks=None))]
fn from_hdf5(
    path: std::path::PathBuf,
    dataset: String,
    chunks: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let chunks = stored_chunks(chunks)?;
    Array::wrap(DynArray::from_hdf5(path, &dataset, chunks))
}

/// Random arrays with tessera's counter-based generator: the same seed
/// gives the Rust API's values, whatever the chunks.
#[pyfunction]
#[pyo3(signature = (dist, a, b, shape, chunks, seed))]
fn random(
    dist: &str,
    a: f64,
    b: f64,
    shape: &Bound<'_, PyAny>,
    chunks: Option<&Bound<'_, PyAny>>,
    seed: u64,
) -> PyResult<Array> {
    let shape = convert::shape(shape)?;
    let chunks = chunks_or_auto(chunks)?;
    use tessera::random as r;
    let x = match dist {
        "random" => DynArray::from(r::random(shape, chunks, seed)),
        "uniform" => DynArray::from(r::uniform(a, b, shape, chunks, seed)),
        "normal" => DynArray::from(r::normal(a, b, shape, chunks, seed)),
        "standard_normal" => DynArray::from(r::standard_normal(shape, chunks, seed)),
        "integers" => {
            let (lo, hi) = (a as i64, b as i64);
            if lo as f64 != a || hi as f64 != b {
                return Err(PyValueError::new_err(format!(
                    "integers takes integer bounds, got {a} and {b}"
                )));
            }
            DynArray::from(r::integers(lo, hi, shape, chunks, seed))
        }
        other => return Err(PyValueError::new_err(format!("no distribution {other:?}"))),
    };
    Array::wrap(x)
}

/// The arrays of a Python sequence.
fn arrays(seq: &Bound<'_, PyAny>) -> PyResult<Vec<DynArray>> {
    seq.try_iter()?
        .map(|a| Ok(a?.cast::<Array>()?.get().inner().clone()))
        .collect()
}

/// `run` over the arrays of a Python sequence, computed together, with the
/// GIL released (Ctrl-C cancels; see `running`).
fn together<R: Send>(
    py: Python<'_>,
    arrays_: &Bound<'_, PyAny>,
    run: fn(&[&DynArray], &Compute<'_>) -> tessera::Result<R>,
) -> PyResult<R> {
    let xs = arrays(arrays_)?;
    let refs: Vec<&DynArray> = xs.iter().collect();
    running::interruptible(py, |options| run(&refs, options))
}

/// `dask.compute(a, b, …)`: one graph, tasks the arrays share run once;
/// a tuple of NumPy arrays. The GIL is released while it runs.
#[pyfunction]
fn compute<'py>(py: Python<'py>, arrays_: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let out = together(py, arrays_, |refs, o| tessera::compute_with(refs, o))?
        .into_iter()
        .map(|b| convert::to_numpy(py, b))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, out)
}

/// `dask.persist(a, b, …)`: one graph; arrays backed by their computed chunks.
#[pyfunction]
fn persist<'py>(py: Python<'py>, arrays_: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let out = together(py, arrays_, |refs, o| tessera::persist_with(refs, o))?
        .into_iter()
        .map(|a| Py::new(py, Array::wrap(a)?))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, out)
}

/// Number of tasks the optimised graph of several arrays runs (shared tasks once).
#[pyfunction]
fn task_count(arrays_: &Bound<'_, PyAny>) -> PyResult<usize> {
    let xs = arrays(arrays_)?;
    let refs: Vec<&DynArray> = xs.iter().collect();
    Ok(DynArray::task_graph_of(&refs).or_py()?.len())
}

/// `da.store(sources, targets)` with Zarr directories as targets: one
/// computation; chunks written per array.
#[pyfunction]
fn store_zarr(
    py: Python<'_>,
    sources: &Bound<'_, PyAny>,
    targets: Vec<std::path::PathBuf>,
) -> PyResult<Vec<u64>> {
    let xs = arrays(sources)?;
    let targets = targets.into_iter().map(|t| (t, String::new())).collect();
    store_zarr_dirs(py, xs, targets)
}

/// Write `xs[i]` to a new Zarr array at component `targets[i].1` of the
/// store in directory `targets[i].0` (made if missing), in one interruptible
/// computation; chunks written per array.
pub fn store_zarr_dirs(
    py: Python<'_>,
    xs: Vec<DynArray>,
    targets: Vec<(std::path::PathBuf, String)>,
) -> PyResult<Vec<u64>> {
    let mut stores: Vec<(std::sync::Arc<dyn tessera::storage::Store>, &str)> = Vec::new();
    for (dir, component) in &targets {
        std::fs::create_dir_all(dir)
            .map_err(|e| tessera::storage::Error::Io {
                op: "create directory".into(),
                path: dir.display().to_string(),
                reason: e.to_string(),
            })
            .map_err(|e| errors::to_py(e.into()))?;
        let store = tessera::storage::ZarrStore::open(dir).map_err(|e| errors::to_py(e.into()))?;
        stores.push((std::sync::Arc::new(store), component.as_str()));
    }
    running::interruptible(py, |options| tessera::store_with(&xs, &stores, options))
}

/// `da.concatenate(seq, axis=0)` (`axis=None` flattens first).
#[pyfunction]
#[pyo3(signature = (seq, axis=Some(0)))]
fn concatenate(seq: &Bound<'_, PyAny>, axis: Option<i64>) -> PyResult<Array> {
    let xs = arrays(seq)?;
    let refs: Vec<&DynArray> = xs.iter().collect();
    Array::wrap(DynArray::concatenate(&refs, axis))
}

/// `da.stack(seq, axis=0)`.
#[pyfunction]
#[pyo3(signature = (seq, axis=0))]
fn stack(seq: &Bound<'_, PyAny>, axis: i64) -> PyResult<Array> {
    let xs = arrays(seq)?;
    let refs: Vec<&DynArray> = xs.iter().collect();
    Array::wrap(DynArray::stack(&refs, axis))
}

/// `da.where(cond, a, b)` over three arrays.
#[pyfunction]
#[pyo3(name = "where_")]
fn where_py(cond: PyRef<'_, Array>, a: PyRef<'_, Array>, b: PyRef<'_, Array>) -> PyResult<Array> {
    Array::wrap(DynArray::where_(&cond.inner(), &a.inner(), &b.inner()))
}

/// The settings as a dict (`scheduler`, `num_workers`, `memory_limit`, `chunk_size`).
#[pyfunction]
fn config_get(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let c = config::get().or_py()?;
    let d = PyDict::new(py);
    let scheduler = match &c.scheduler {
        SchedulerKind::Sync => "sync".to_string(),
        SchedulerKind::Threads => "threads".to_string(),
        SchedulerKind::Processes => "processes".to_string(),
        SchedulerKind::Plugin(p) => format!("plugin:{}", p.display()),
    };
    d.set_item("scheduler", scheduler)?;
    d.set_item("num_workers", c.num_workers)?;
    d.set_item("memory_limit", c.memory_limit)?;
    d.set_item("chunk_size", c.chunk_size)?;
    Ok(d)
}

/// A byte count from an int or a size string (`"2GiB"`).
fn bytes(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    if let Ok(n) = obj.extract::<u64>() {
        return Ok(n);
    }
    let s: String = obj.extract()?;
    tessera::chunk_core::parse_bytes(&s).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Change settings: `scheduler` ("sync", "threads", "processes"), `num_workers`,
/// `memory_limit` (bytes, "2GiB", or None for no limit), `chunk_size`.
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn config_set(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
    let mut c = config::get().or_py()?;
    let Some(kwargs) = kwargs else { return Ok(()) };
    for (k, v) in kwargs.iter() {
        let key: String = k.extract()?;
        match key.replace('-', "_").as_str() {
            "scheduler" => {
                let name: String = v.extract()?;
                c.scheduler = match name.as_str() {
                    "sync" | "synchronous" | "single-threaded" => SchedulerKind::Sync,
                    "threads" | "threading" | "threaded" => SchedulerKind::Threads,
                    "processes" | "multiprocessing" => SchedulerKind::Processes,
                    other => match other.strip_prefix("plugin:") {
                        Some(p) if !p.is_empty() => SchedulerKind::Plugin(p.into()),
                        _ => return Err(PyValueError::new_err(format!(
                            "scheduler={other:?} is not a scheduler; use \"sync\", \"threads\", \"processes\" or \"plugin:/path/to/lib.so\""
                        ))),
                    },
                };
            }
            "num_workers" => {
                let n: usize = v.extract()?;
                if n == 0 {
                    return Err(PyValueError::new_err("num_workers must be a positive integer"));
                }
                c.num_workers = n;
            }
            "memory_limit" => {
                c.memory_limit = if v.is_none() { None } else {
                    match v.extract::<String>() {
                        Ok(s) => config::parse_memory_limit(&s).or_py()?,
                        Err(_) => Some(bytes(&v)?),
                    }
                };
            }
            "chunk_size" | "array.chunk_size" => c.chunk_size = bytes(&v)?,
            other => return Err(PyValueError::new_err(format!(
                "no setting {other:?}; the settings are scheduler, num_workers, memory_limit, chunk_size"
            ))),
        }
    }
    config::set(c);
    Ok(())
}

/// Start the processes scheduler's workers as `program args…` (the package
/// passes the interpreter and a `-c` line that imports this module and
/// calls `_serve_worker`: a worker must not re-run the user's script).
#[pyfunction]
fn set_worker_command(program: std::path::PathBuf, args: Vec<String>) -> PyResult<()> {
    tessera::worker::set_worker_command(program, args).map_err(PyValueError::new_err)
}

/// Serve tasks as a worker of the processes scheduler and exit; only in a
/// process the scheduler started (anywhere else: `RuntimeError`).
#[pyfunction]
fn _serve_worker() -> PyResult<()> {
    if !tessera::worker::is_worker() {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
            "_serve_worker runs only in a worker process started by the processes scheduler \
             ({} is not set)",
            tessera::worker::WORKER_ENV
        )));
    }
    // Serves until the parent goes away, then exits the process.
    tessera::worker::init();
    Ok(())
}

/// Add every function to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(filled, m)?)?;
    m.add_function(wrap_pyfunction!(full, m)?)?;
    m.add_function(wrap_pyfunction!(arange, m)?)?;
    m.add_function(wrap_pyfunction!(linspace, m)?)?;
    m.add_function(wrap_pyfunction!(from_numpy, m)?)?;
    m.add_function(wrap_pyfunction!(from_zarr, m)?)?;
    #[cfg(feature = "hdf5")]
    m.add_function(wrap_pyfunction!(from_hdf5, m)?)?;
    m.add_function(wrap_pyfunction!(random, m)?)?;
    m.add_function(wrap_pyfunction!(compute, m)?)?;
    m.add_function(wrap_pyfunction!(persist, m)?)?;
    m.add_function(wrap_pyfunction!(task_count, m)?)?;
    m.add_function(wrap_pyfunction!(store_zarr, m)?)?;
    m.add_function(wrap_pyfunction!(concatenate, m)?)?;
    m.add_function(wrap_pyfunction!(stack, m)?)?;
    m.add_function(wrap_pyfunction!(where_py, m)?)?;
    m.add_function(wrap_pyfunction!(config_get, m)?)?;
    m.add_function(wrap_pyfunction!(config_set, m)?)?;
    m.add_function(wrap_pyfunction!(set_worker_command, m)?)?;
    m.add_function(wrap_pyfunction!(_serve_worker, m)?)?;
    m.add_function(wrap_pyfunction!(running::set_progress, m)?)?;
    Ok(())
}

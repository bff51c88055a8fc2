//! Python values to the facade's: dtypes, chunk specs, axes, scalars,
//! shapes; NumPy arrays to lazy arrays and computed blocks back to NumPy.

use numpy::{PyArrayDyn, PyReadonlyArrayDyn};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use tessera::chunk_core::AxisSpec;
use tessera::{with_dtype, Block, ChunkSpec, DType, DynArray, Reduce, Scalar};

use crate::errors::OrPy;

/// A dtype from anything NumPy accepts as one (`"float32"`, `np.int64`,
/// `float`, a `np.dtype`), by NumPy's own name for it.
pub fn dtype(obj: &Bound<'_, PyAny>) -> PyResult<DType> {
    let py = obj.py();
    let np = py.import("numpy")?;
    let name: String = np
        .getattr("dtype")?
        .call1((obj,))?
        .getattr("name")?
        .extract()?;
    let d: DType = name
        .parse()
        .map_err(|e: tessera::chunk_core::Error| PyTypeError::new_err(e.to_string()))?;
    if !d.is_array_type() {
        return Err(PyTypeError::new_err(format!(
            "tessera arrays cannot hold dtype {name}; use a bool, integer, float or complex dtype"
        )));
    }
    Ok(d)
}

/// `dtype` or float64 when it is `None`.
pub fn dtype_or_f64(obj: Option<&Bound<'_, PyAny>>) -> PyResult<DType> {
    match obj {
        Some(o) if !o.is_none() => dtype(o),
        _ => Ok(DType::F64),
    }
}

/// The NumPy dtype object of a tessera dtype.
pub fn np_dtype<'py>(py: Python<'py>, d: DType) -> PyResult<Bound<'py, PyAny>> {
    py.import("numpy")?.getattr("dtype")?.call1((d.name(),))
}

/// One axis' chunk spec: an int (`-1`: whole), `None` (whole), `"auto"`, a
/// byte string (`"64MiB"`), or explicit lengths (a tuple or list of ints).
fn axis_spec(obj: &Bound<'_, PyAny>) -> PyResult<AxisSpec> {
    if obj.is_none() {
        return Ok(AxisSpec::Full);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s: String = s.extract()?;
        return Ok(if s == "auto" {
            AxisSpec::Auto
        } else {
            AxisSpec::Bytes(s)
        });
    }
    if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() {
        return Ok(AxisSpec::Explicit(obj.extract::<Vec<i64>>()?));
    }
    if let Ok(n) = obj.extract::<i64>() {
        return Ok(AxisSpec::Size(n));
    }
    Err(PyTypeError::new_err(format!(
        "a chunk size is an int, -1 or None (the whole axis), \"auto\", a byte size such as \"64MiB\", or a tuple of lengths; got {}",
        obj.repr()?
    )))
}

/// Chunks as Dask takes them: one spec for every axis, a tuple (one per
/// axis), or a dict from axis to spec (`{0: -1, 1: 100, 2: "auto"}`).
pub fn chunk_spec(obj: &Bound<'_, PyAny>) -> PyResult<ChunkSpec> {
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut items = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            let axis: i64 = k.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "chunk dict keys are axis numbers, got {}",
                    k.repr().map(|r| r.to_string()).unwrap_or_default()
                ))
            })?;
            items.push((axis, axis_spec(&v)?));
        }
        return Ok(ChunkSpec::Map(items));
    }
    if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() {
        let items: Vec<Bound<'_, PyAny>> = obj.extract()?;
        return Ok(ChunkSpec::PerAxis(
            items.iter().map(axis_spec).collect::<PyResult<_>>()?,
        ));
    }
    Ok(ChunkSpec::Uniform(axis_spec(obj)?))
}

/// A shape: an int or a sequence of ints (none negative).
pub fn shape(obj: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    let dims: Vec<i64> = match obj.extract::<i64>() {
        Ok(n) => vec![n],
        Err(_) => obj
            .extract()
            .map_err(|_| PyTypeError::new_err("a shape is an int or a tuple of ints"))?,
    };
    dims.iter()
        .map(|&n| {
            usize::try_from(n).map_err(|_| {
                PyValueError::new_err(format!(
                    "negative dimensions are not allowed: shape {dims:?}"
                ))
            })
        })
        .collect()
}

/// The axes of a reduction: `None` (all), an int, or a tuple of ints.
pub fn axes(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<i64>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => match o.extract::<i64>() {
            Ok(a) => Ok(Some(vec![a])),
            Err(_) => Ok(Some(o.extract::<Vec<i64>>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "axis must be None, an int or a tuple of ints, got {}",
                    o.repr().map(|r| r.to_string()).unwrap_or_default()
                ))
            })?)),
        },
    }
}

/// A reduction's axes and options, as Dask's keyword arguments give them.
pub fn reduce(
    axis: Option<&Bound<'_, PyAny>>,
    keepdims: bool,
    split_every: Option<usize>,
    ddof: u32,
) -> PyResult<Reduce> {
    let mut r = match axes(axis)? {
        None => tessera::all_axes(),
        Some(a) => tessera::axes(a),
    };
    if keepdims {
        r = r.keepdims();
    }
    if let Some(n) = split_every {
        r = r.split_every(n);
    }
    Ok(r.ddof(ddof))
}

/// A Python scalar (bool, int, float, or a NumPy scalar of those kinds), or
/// `None` when `obj` is not one.
pub fn scalar(obj: &Bound<'_, PyAny>) -> Option<Scalar> {
    if obj.is_instance_of::<PyBool>() {
        return obj.extract::<bool>().ok().map(Scalar::Bool);
    }
    if obj.is_instance_of::<PyFloat>() {
        return obj.extract::<f64>().ok().map(Scalar::Float);
    }
    if obj.is_instance_of::<PyInt>() {
        return match obj.extract::<i64>() {
            Ok(v) => Some(Scalar::Int(v)),
            Err(_) => obj.extract::<u64>().ok().map(Scalar::UInt),
        };
    }
    // NumPy scalars: by their dtype's kind.
    let kind: String = obj
        .getattr("dtype")
        .ok()?
        .getattr("kind")
        .ok()?
        .extract()
        .ok()?;
    if obj.getattr("ndim").ok()?.extract::<usize>().ok()? != 0 {
        return None;
    }
    match kind.as_str() {
        "b" => obj.extract::<bool>().ok().map(Scalar::Bool),
        "i" => obj.extract::<i64>().ok().map(Scalar::Int),
        "u" => obj.extract::<u64>().ok().map(Scalar::UInt),
        "f" => obj.extract::<f64>().ok().map(Scalar::Float),
        _ => None,
    }
}

/// A lazy array over a NumPy array (native byte order; any strides: the
/// values are copied into tessera's memory once).
pub fn from_numpy(obj: &Bound<'_, PyAny>, chunks: ChunkSpec) -> PyResult<DynArray> {
    let d = dtype(&obj.getattr("dtype")?)?;
    with_dtype!(d, T => {
        let a: PyReadonlyArrayDyn<'_, T> = obj.extract()?;
        let owned = a.as_array().to_owned();
        Ok(DynArray::from(tessera::from_array(owned, chunks)))
    }, other => Err(PyTypeError::new_err(format!("cannot make an array of dtype {other}"))))
}

/// A computed block as a NumPy array (the block's memory is handed over
/// when nothing else holds it, copied otherwise).
pub fn to_numpy<'py>(py: Python<'py>, block: Block) -> PyResult<Bound<'py, PyAny>> {
    let d = block.dtype();
    with_dtype!(d, T => {
        let a = block.into_array::<T>().map_err(tessera::Error::from).or_py()?;
        Ok(PyArrayDyn::<T>::from_owned_array(py, a.into_owned()).into_any())
    }, other => Err(PyTypeError::new_err(format!("cannot return an array of dtype {other}"))))
}

//! Python functions as kernels (`map_blocks`, `blockwise`, `map_overlap`)
//! and overlaps (`overlap`, `trim_internal`). A Python kernel takes the GIL
//! for each block it runs: blocks go to it as NumPy arrays and its result
//! comes back cast to the declared dtype. Such kernels run in this process
//! (sync and threaded schedulers), as Python closures do under Dask's
//! threaded scheduler; the processes scheduler refuses them with a typed error.

use std::sync::Arc;

use numpy::PyReadonlyArrayDyn;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use tessera::{
    with_dtype, AdjustChunks, Block, BlockwiseOptions, Boundaries, Boundary, DType, Depth,
    DynArray, KernelError, KernelRef, MapBlocksOptions,
};

use crate::array::Array;
use crate::convert;

/// A NumPy array (or anything `np.asarray` takes) as a block of `dtype`.
fn to_block(py: Python<'_>, obj: &Bound<'_, PyAny>, dtype: DType) -> PyResult<Block> {
    let np = py.import("numpy")?;
    let a = np.call_method1("asarray", (obj,))?;
    let a = a.call_method1("astype", (convert::np_dtype(py, dtype)?,))?;
    with_dtype!(dtype, T => {
        let v: PyReadonlyArrayDyn<'_, T> = a.extract()?;
        Ok(Block::from_array(v.as_array().to_owned()))
    }, other => Err(PyTypeError::new_err(format!("a Python kernel cannot return dtype {other}"))))
}

/// A kernel that calls `func` with the input blocks as NumPy arrays.
fn python_kernel(label: &str, func: Py<PyAny>, dtype: DType) -> KernelRef {
    let name = label.to_string();
    let f = move |blocks: &[Block]| -> Result<Block, KernelError> {
        Python::attach(|py| -> PyResult<Block> {
            let args = blocks
                .iter()
                .map(|b| convert::to_numpy(py, b.clone()))
                .collect::<PyResult<Vec<_>>>()?;
            let out = func.bind(py).call1(PyTuple::new(py, args)?)?;
            to_block(py, &out, dtype)
        })
        .map_err(|e| KernelError::new(format!("the Python function of {name} raised {e}")))
    };
    Arc::new(tessera::ClosureKernel::new(label, Arc::new(f)))
}

/// Dask's depth: an int for every axis, a sequence (one per axis) or a dict `{axis: depth}`.
fn depth(obj: &Bound<'_, PyAny>, ndim: usize) -> PyResult<Depth> {
    if let Ok(d) = obj.extract::<usize>() {
        return Ok(Depth::All(d));
    }
    if let Ok(map) = obj.cast::<PyDict>() {
        let mut per = vec![0; ndim];
        for (k, v) in map.iter() {
            let axis = tessera::chunk_core::normalize_axis(k.extract::<i64>()?, ndim)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            per[axis] = v.extract()?;
        }
        return Ok(Depth::PerAxis(per));
    }
    Ok(Depth::PerAxis(obj.extract::<Vec<usize>>().map_err(|_| {
        PyTypeError::new_err("depth must be a non-negative int, a sequence of them (one per axis) or a dict {axis: depth}")
    })?))
}

fn one_boundary(obj: &Bound<'_, PyAny>) -> PyResult<Boundary> {
    if obj.is_none() {
        return Ok(Boundary::None);
    }
    if let Ok(s) = obj.extract::<String>() {
        return match s.as_str() {
            "reflect" => Ok(Boundary::Reflect),
            "periodic" => Ok(Boundary::Periodic),
            "nearest" => Ok(Boundary::Nearest),
            "none" => Ok(Boundary::None),
            other => Err(PyValueError::new_err(format!(
                "unknown boundary {other:?}: use 'reflect', 'periodic', 'nearest', 'none' or a constant"
            ))),
        };
    }
    convert::scalar(obj).map(Boundary::Constant).ok_or_else(|| {
        PyTypeError::new_err(
            "a boundary is 'reflect', 'periodic', 'nearest', 'none', None or a number",
        )
    })
}

/// Dask's boundary: one for every axis, a sequence or a dict `{axis: boundary}` (others 'none').
fn boundaries(obj: &Bound<'_, PyAny>, ndim: usize) -> PyResult<Boundaries> {
    if let Ok(map) = obj.cast::<PyDict>() {
        let mut per = vec![Boundary::None; ndim];
        for (k, v) in map.iter() {
            let axis = tessera::chunk_core::normalize_axis(k.extract::<i64>()?, ndim)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            per[axis] = one_boundary(&v)?;
        }
        return Ok(Boundaries::PerAxis(per));
    }
    if obj.is_instance_of::<pyo3::types::PyList>() || obj.is_instance_of::<PyTuple>() {
        let per = obj
            .try_iter()?
            .map(|b| one_boundary(&b?))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Boundaries::PerAxis(per));
    }
    Ok(Boundaries::All(one_boundary(obj)?))
}

/// Output chunks of `map_blocks`: per axis an int (every block) or a tuple (each block).
fn adjust_chunks(obj: &Bound<'_, PyAny>) -> PyResult<Vec<AdjustChunks>> {
    obj.try_iter()?
        .map(|c| {
            let c = c?;
            if let Ok(n) = c.extract::<usize>() {
                Ok(AdjustChunks::Each(n))
            } else {
                Ok(AdjustChunks::Blocks(c.extract::<Vec<usize>>().map_err(
                    |_| {
                        PyTypeError::new_err(
                            "chunks: one int or one tuple of block lengths per output axis",
                        )
                    },
                )?))
            }
        })
        .collect()
}

/// `map_blocks(func, x)`: `func` over every block of `x` (other arrays go
/// through `_blockwise`), giving `dtype`.
#[pyfunction]
#[pyo3(signature = (func, x, dtype, drop_axis=None, new_axis=None, chunks=None))]
fn _map_blocks(
    func: Py<PyAny>,
    x: PyRef<'_, Array>,
    dtype: &Bound<'_, PyAny>,
    drop_axis: Option<Vec<i64>>,
    new_axis: Option<Vec<usize>>,
    chunks: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let dtype = convert::dtype(dtype)?;
    let opts = MapBlocksOptions {
        drop_axis: drop_axis.unwrap_or_default(),
        new_axis,
        chunks: chunks.map(adjust_chunks).transpose()?,
    };
    let kernel = python_kernel("map_blocks", func, dtype);
    Array::wrap(x.inner().map_blocks_kernel(kernel, &opts, dtype))
}

/// `blockwise(func, out_ind, x, "ij", y, "jk", ...)` with Python's function.
#[pyfunction]
#[pyo3(signature = (func, out_ind, inputs, dtype, concatenate=true, new_axes=None))]
fn _blockwise(
    func: Py<PyAny>,
    out_ind: &str,
    inputs: Vec<(PyRef<'_, Array>, String)>,
    dtype: &Bound<'_, PyAny>,
    concatenate: bool,
    new_axes: Option<Vec<(char, Vec<usize>)>>,
) -> PyResult<Array> {
    let dtype = convert::dtype(dtype)?;
    let opts = BlockwiseOptions {
        new_axes: new_axes.unwrap_or_default(),
        concatenate,
        ..BlockwiseOptions::default()
    };
    let arrays: Vec<DynArray> = inputs.iter().map(|(a, _)| a.inner()).collect();
    let pairs: Vec<(&DynArray, &str)> = arrays
        .iter()
        .zip(&inputs)
        .map(|(a, (_, i))| (a, i.as_str()))
        .collect();
    let kernel = python_kernel("blockwise", func, dtype);
    Array::wrap(DynArray::blockwise_kernel(
        kernel, out_ind, &pairs, &opts, dtype,
    ))
}

/// `map_overlap(func, x, depth, boundary)`: `func` over every block grown by `depth`, then trimmed.
#[pyfunction]
fn _map_overlap(
    func: Py<PyAny>,
    x: PyRef<'_, Array>,
    depth_: &Bound<'_, PyAny>,
    boundary: &Bound<'_, PyAny>,
    dtype: &Bound<'_, PyAny>,
) -> PyResult<Array> {
    let (ndim, dtype) = (x.inner().ndim(), convert::dtype(dtype)?);
    let (d, b) = (depth(depth_, ndim)?, boundaries(boundary, ndim)?);
    let kernel = python_kernel("map_overlap", func, dtype);
    Array::wrap(x.inner().map_overlap_kernel(d, b, kernel, dtype))
}

/// `da.overlap.overlap(x, depth, boundary)`, or with `trim` its inverse
/// `da.overlap.trim_internal(x, depth, boundary)`.
#[pyfunction]
#[pyo3(signature = (x, depth_, boundary, trim=false))]
fn _overlap(
    x: PyRef<'_, Array>,
    depth_: &Bound<'_, PyAny>,
    boundary: &Bound<'_, PyAny>,
    trim: bool,
) -> PyResult<Array> {
    let (x, ndim) = (x.inner(), x.inner().ndim());
    let (d, b) = (depth(depth_, ndim)?, boundaries(boundary, ndim)?);
    Array::wrap(if trim {
        x.trim_internal(d, b)
    } else {
        x.overlap(d, b)
    })
}

/// Call `tessera._user_functions.<name>` with `first` and `self` in front of the arguments.
fn call_python(
    py: Python<'_>,
    name: &str,
    front: Vec<Bound<'_, PyAny>>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let f = py.import("tessera._user_functions")?.getattr(name)?;
    let mut all = front;
    all.extend(args.iter());
    Ok(f.call(PyTuple::new(py, all)?, kwargs)?.unbind())
}

#[pymethods]
impl Array {
    /// `x.map_blocks(func, *args, dtype=, chunks=, drop_axis=, new_axis=, **kwargs)`.
    #[pyo3(signature = (func, *args, **kwargs))]
    fn map_blocks(
        slf: &Bound<'_, Self>,
        func: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let front = vec![func.clone(), slf.clone().into_any()];
        call_python(slf.py(), "map_blocks", front, args, kwargs)
    }

    /// `x.map_overlap(func, depth, boundary=None, *, dtype=, **kwargs)`.
    #[pyo3(signature = (func, depth, boundary=None, **kwargs))]
    fn map_overlap(
        slf: &Bound<'_, Self>,
        func: &Bound<'_, PyAny>,
        depth: &Bound<'_, PyAny>,
        boundary: Option<&Bound<'_, PyAny>>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let kw = match kwargs {
            Some(k) => k.copy()?,
            None => PyDict::new(py),
        };
        kw.set_item("depth", depth)?;
        kw.set_item("boundary", boundary)?;
        let front = vec![func.clone(), slf.clone().into_any()];
        call_python(py, "map_overlap", front, &PyTuple::empty(py), Some(&kw))
    }
}

/// Add this module's functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_map_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(_blockwise, m)?)?;
    m.add_function(wrap_pyfunction!(_map_overlap, m)?)?;
    m.add_function(wrap_pyfunction!(_overlap, m)?)?;
    Ok(())
}

//! The Array API functions beyond the elementwise family, as `Array`
//! methods and module functions over the facade's `DynArray` (one call
//! each): matrix products, sorting and searching, set functions, `nonzero`,
//! the shape functions with arguments of their own, `eye`.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tessera::{DType, DynArray, Side, TensorAxes};

use crate::array::Array;
use crate::convert;
use crate::errors::OrPy;
use crate::running;

/// An array operand: a tessera array, or anything NumPy takes (one chunk).
fn operand(obj: &Bound<'_, PyAny>) -> PyResult<DynArray> {
    if let Ok(a) = obj.cast::<Array>() {
        return Ok(a.get().inner().clone());
    }
    let a = obj.py().import("numpy")?.call_method1("asarray", (obj,))?;
    convert::from_numpy(&a, tessera::ChunkSpec::auto())
}

/// Several arrays as a Python tuple.
fn tuple<'py>(py: Python<'py>, xs: Vec<DynArray>) -> PyResult<Bound<'py, PyTuple>> {
    let items = xs
        .into_iter()
        .map(|x| Py::new(py, Array::wrap(x)?))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, items)
}

/// Axes as the facade's reduction axes (`None`: every axis).
fn axes_or_all(axis: Option<&Bound<'_, PyAny>>) -> PyResult<tessera::Reduce> {
    Ok(match convert::axes(axis)? {
        None => tessera::all_axes(),
        Some(a) => tessera::axes(a),
    })
}

#[pymethods]
impl Array {
    /// `self @ other`.
    fn __matmul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(b) = operand(other) else {
            return Ok(py.NotImplemented());
        };
        Ok(Py::new(py, Array::wrap(self.inner().matmul(&b))?)?.into_any())
    }

    /// `other @ self`.
    fn __rmatmul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(a) = operand(other) else {
            return Ok(py.NotImplemented());
        };
        Ok(Py::new(py, Array::wrap(a.matmul(&self.inner()))?)?.into_any())
    }

    /// NumPy's ufunc protocol: `np.sin(x)`, `numpy_array @ x` stay lazy
    /// tessera arrays where tessera has the function (see `_namespace.py`).
    #[pyo3(signature = (ufunc, method, *inputs, **kwargs))]
    fn __array_ufunc__(
        &self,
        py: Python<'_>,
        ufunc: &Bound<'_, PyAny>,
        method: &str,
        inputs: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let kwargs = match kwargs {
            Some(k) => k.clone(),
            None => pyo3::types::PyDict::new(py),
        };
        let f = py.import("tessera._namespace")?.getattr("_array_ufunc")?;
        Ok(f.call1((ufunc, method, inputs, kwargs))?.unbind())
    }

    /// DLPack export (`np.from_dlpack(x)`, `torch.from_dlpack(x)`): the
    /// array is computed and its NumPy result exported.
    #[pyo3(signature = (*, stream=None, max_version=None, dl_device=None, copy=None))]
    fn __dlpack__(
        &self,
        py: Python<'_>,
        stream: Option<&Bound<'_, PyAny>>,
        max_version: Option<&Bound<'_, PyAny>>,
        dl_device: Option<&Bound<'_, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        let a = self.compute(py)?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("stream", stream)?;
        if let Some(v) = max_version {
            kwargs.set_item("max_version", v)?;
        }
        if let Some(d) = dl_device {
            kwargs.set_item("dl_device", d)?;
        }
        if let Some(c) = copy {
            kwargs.set_item("copy", c)?;
        }
        Ok(a.call_method("__dlpack__", (), Some(&kwargs))?.unbind())
    }

    /// DLPack's device of the exported array: the CPU (`(1, 0)`).
    fn __dlpack_device__(&self) -> (i32, i32) {
        (1, 0)
    }

    /// The last two axes swapped (the Array API's `x.mT`).
    #[getter(mT)]
    fn m_t(&self) -> PyResult<Array> {
        Array::wrap(self.inner().matrix_transpose())
    }

    /// NumPy's `dot`.
    fn dot(&self, other: &Bound<'_, PyAny>) -> PyResult<Array> {
        Array::wrap(self.inner().dot(&operand(other)?))
    }

    /// Sorted along `axis` (NaN last), stable; `descending` reverses the order.
    #[pyo3(signature = (axis=-1, descending=false, stable=true))]
    fn sort(&self, axis: i64, descending: bool, stable: bool) -> PyResult<Array> {
        let _ = stable; // always stable
        Array::wrap(self.inner().sort(axis, descending))
    }

    /// The positions that sort along `axis`, stable.
    #[pyo3(signature = (axis=-1, descending=false, stable=true))]
    fn argsort(&self, axis: i64, descending: bool, stable: bool) -> PyResult<Array> {
        let _ = stable; // always stable
        Array::wrap(self.inner().argsort(axis, descending))
    }

    /// Move axes to new positions (`np.moveaxis`).
    fn moveaxis(
        &self,
        source: &Bound<'_, PyAny>,
        destination: &Bound<'_, PyAny>,
    ) -> PyResult<Array> {
        let s = convert::axes(Some(source))?.unwrap_or_default();
        let d = convert::axes(Some(destination))?.unwrap_or_default();
        Array::wrap(self.inner().moveaxis(s, d))
    }

    /// Reverse the order of elements along `axis` (every axis when None).
    #[pyo3(signature = (axis=None))]
    fn flip(&self, axis: Option<&Bound<'_, PyAny>>) -> PyResult<Array> {
        Array::wrap(self.inner().flip(axes_or_all(axis)?))
    }

    /// Roll elements by `shift` along `axis` (the flattened array when None).
    #[pyo3(signature = (shift, axis=None))]
    fn roll(&self, shift: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<Array> {
        let axes = convert::axes(axis)?;
        match (shift.extract::<i64>(), axes) {
            (Ok(s), None) => Array::wrap(self.inner().roll(s, ..)),
            (Ok(s), Some(a)) if a.len() == 1 => Array::wrap(self.inner().roll(s, a)),
            (Ok(s), Some(a)) => Array::wrap(self.inner().roll_each(&vec![s; a.len()], a)),
            (Err(_), a) => {
                let shifts: Vec<i64> = shift.extract()?;
                let a = a.unwrap_or_else(|| (0..shifts.len() as i64).collect());
                Array::wrap(self.inner().roll_each(&shifts, a))
            }
        }
    }

    /// The `n`-th discrete difference along `axis`.
    #[pyo3(signature = (n=1, axis=-1))]
    fn diff(&self, n: usize, axis: i64) -> PyResult<Array> {
        Array::wrap(self.inner().diff(n, axis))
    }

    /// Elements at `indices` along `axis` (the flattened array when None).
    #[pyo3(signature = (indices, axis=None))]
    fn take(&self, indices: Vec<i64>, axis: Option<i64>) -> PyResult<Array> {
        match axis {
            Some(a) => Array::wrap(self.inner().take(&indices, a)),
            None => Array::wrap(self.inner().ravel().take(&indices, 0)),
        }
    }

    /// Each element `repeats` times along `axis` (flattened first when None);
    /// `repeats` an int, or one count per element along the axis.
    #[pyo3(signature = (repeats, axis=None))]
    fn repeat(&self, repeats: &Bound<'_, PyAny>, axis: Option<i64>) -> PyResult<Array> {
        if let Ok(n) = repeats.extract::<usize>() {
            return Array::wrap(self.inner().repeat(n, axis));
        }
        // Counts per element (a sequence or an array, computed if lazy).
        let np = repeats.py().import("numpy")?;
        let counts = np.call_method1("asarray", (repeats,))?;
        let counts: Vec<usize> = counts
            .call_method0("ravel")?
            .call_method0("tolist")?
            .extract()
            .map_err(|_| {
                pyo3::exceptions::PyValueError::new_err("repeats must be non-negative integers")
            })?;
        Array::wrap(self.inner().repeat_counts(&counts, axis))
    }
}

/// `tensordot(a, b, axes)`: `axes` an int or a pair of axis sequences.
#[pyfunction]
#[pyo3(signature = (a, b, axes=None))]
fn tensordot(
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    axes: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let axes = match axes {
        None => TensorAxes::Count(2),
        Some(x) => match x.extract::<usize>() {
            Ok(n) => TensorAxes::Count(n),
            Err(_) => {
                let (l, r): (Bound<'_, PyAny>, Bound<'_, PyAny>) = x.extract()?;
                let side = |s: &Bound<'_, PyAny>| -> PyResult<Vec<i64>> {
                    Ok(convert::axes(Some(s))?.unwrap_or_default())
                };
                TensorAxes::Pairs(side(&l)?, side(&r)?)
            }
        },
    };
    Array::wrap(operand(a)?.tensordot(&operand(b)?, &axes))
}

/// `vecdot(x1, x2, axis=-1)`: `sum(conj(x1) * x2)` over `axis`.
#[pyfunction]
#[pyo3(signature = (x1, x2, axis=-1))]
fn vecdot(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>, axis: i64) -> PyResult<Array> {
    Array::wrap(operand(x1)?.vecdot(&operand(x2)?, axis))
}

/// `searchsorted(x1, x2, side="left")` over a sorted 1-d `x1`.
#[pyfunction]
#[pyo3(signature = (x1, x2, side="left"))]
fn searchsorted(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>, side: &str) -> PyResult<Array> {
    let side = match side {
        "left" => Side::Left,
        "right" => Side::Right,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "side={other:?}; use \"left\" or \"right\""
            )))
        }
    };
    Array::wrap(operand(x1)?.searchsorted(&operand(x2)?, side))
}

/// `take_along_axis(x, indices, axis)`.
#[pyfunction]
#[pyo3(signature = (x, indices, axis=-1))]
fn take_along_axis(x: &Bound<'_, PyAny>, indices: &Bound<'_, PyAny>, axis: i64) -> PyResult<Array> {
    Array::wrap(operand(x)?.take_along_axis(&operand(indices)?, axis))
}

/// `broadcast_to(x, shape)`.
#[pyfunction]
fn broadcast_to(x: &Bound<'_, PyAny>, shape: &Bound<'_, PyAny>) -> PyResult<Array> {
    Array::wrap(operand(x)?.broadcast_to(convert::shape(shape)?))
}

/// `tile(x, reps)`.
#[pyfunction]
fn tile(x: &Bound<'_, PyAny>, reps: &Bound<'_, PyAny>) -> PyResult<Array> {
    Array::wrap(operand(x)?.tile(&convert::shape(reps)?))
}

/// `tril(x, k=0)`.
#[pyfunction]
#[pyo3(signature = (x, k=0))]
fn tril(x: &Bound<'_, PyAny>, k: i64) -> PyResult<Array> {
    Array::wrap(operand(x)?.tril(k))
}

/// `triu(x, k=0)`.
#[pyfunction]
#[pyo3(signature = (x, k=0))]
fn triu(x: &Bound<'_, PyAny>, k: i64) -> PyResult<Array> {
    Array::wrap(operand(x)?.triu(k))
}

/// `unstack(x, axis=0)`: a tuple of arrays.
#[pyfunction]
#[pyo3(signature = (x, axis=0))]
fn unstack<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: i64,
) -> PyResult<Bound<'py, PyTuple>> {
    tuple(py, operand(x)?.unstack(axis))
}

/// `eye(n_rows, n_cols=None, k=0, dtype=None, chunks="auto")`.
#[pyfunction]
#[pyo3(signature = (n_rows, n_cols=None, k=0, dtype=None, chunks=None))]
fn eye(
    n_rows: usize,
    n_cols: Option<usize>,
    k: i64,
    dtype: Option<&Bound<'_, PyAny>>,
    chunks: Option<&Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let dtype: DType = convert::dtype_or_f64(dtype)?;
    let chunks = match chunks {
        Some(c) if !c.is_none() => convert::chunk_spec(c)?,
        _ => tessera::ChunkSpec::auto(),
    };
    Array::wrap(DynArray::eye(n_rows, n_cols, k, chunks, dtype))
}

/// `nonzero(x)`: a tuple of index arrays, one per axis (computed now).
#[pyfunction]
fn nonzero<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let x = operand(x)?;
    let out = running::interruptible(py, |options| x.nonzero_with(options))?;
    tuple(py, out)
}

/// `unique_values(x)` (computed now).
#[pyfunction]
fn unique_values(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Array> {
    let x = operand(x)?;
    Array::wrap(py.detach(|| x.unique_values()).or_py()?)
}

/// `unique_counts(x)`: `(values, counts)` (computed now).
#[pyfunction]
fn unique_counts<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let x = operand(x)?;
    let (v, c) = py.detach(|| x.unique_counts()).or_py()?;
    tuple(py, vec![v, c])
}

/// `unique_all(x)`: `(values, indices, inverse_indices, counts)` (computed now).
#[pyfunction]
fn unique_all<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let x = operand(x)?;
    let (v, i, inv, c) = running::interruptible(py, |options| x.unique_all_with(options))?;
    tuple(py, vec![v, i, inv, c])
}

/// Add the functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tensordot, m)?)?;
    m.add_function(wrap_pyfunction!(vecdot, m)?)?;
    m.add_function(wrap_pyfunction!(searchsorted, m)?)?;
    m.add_function(wrap_pyfunction!(take_along_axis, m)?)?;
    m.add_function(wrap_pyfunction!(broadcast_to, m)?)?;
    m.add_function(wrap_pyfunction!(tile, m)?)?;
    m.add_function(wrap_pyfunction!(tril, m)?)?;
    m.add_function(wrap_pyfunction!(triu, m)?)?;
    m.add_function(wrap_pyfunction!(unstack, m)?)?;
    m.add_function(wrap_pyfunction!(eye, m)?)?;
    m.add_function(wrap_pyfunction!(nonzero, m)?)?;
    m.add_function(wrap_pyfunction!(unique_values, m)?)?;
    m.add_function(wrap_pyfunction!(unique_counts, m)?)?;
    m.add_function(wrap_pyfunction!(unique_all, m)?)?;
    Ok(())
}

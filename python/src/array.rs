//! The Python `Array` class: one lazy [`DynArray`]. Building raises at once
//! (as Dask does) with the error the facade carries; computing releases the
//! GIL.

use pyo3::basic::CompareOp;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tessera::{BinaryOp, DynArray, Reduce, UnaryOp};

use crate::convert;
use crate::errors::OrPy;
use crate::running;

/// A lazy chunked n-dimensional array (tessera's `dask.array.Array`).
#[pyclass(name = "Array", module = "tessera", frozen, weakref)]
pub struct Array {
    /// The array; never one that failed to build (see [`Array::wrap`]).
    /// Behind a lock only so that `x[key] = value` can replace it (the
    /// class is frozen: shared between threads without a borrow flag).
    cell: std::sync::RwLock<DynArray>,
}

impl Array {
    /// Wrap a built array, raising the error it carries instead.
    pub fn wrap(inner: DynArray) -> PyResult<Array> {
        inner.check().or_py()?;
        Ok(Array {
            cell: std::sync::RwLock::new(inner),
        })
    }

    /// The array (a cheap handle: expressions are shared).
    pub(crate) fn inner(&self) -> DynArray {
        self.cell.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The other operand of a binary operator: an array, a NumPy array, or
    /// a scalar; `None` when it is none of these (Python then tries the other side).
    fn operand(other: &Bound<'_, PyAny>) -> PyResult<Option<Operand>> {
        if let Ok(a) = other.cast::<Array>() {
            return Ok(Some(Operand::Array(a.get().inner().clone())));
        }
        if let Some(s) = convert::scalar(other) {
            return Ok(Some(Operand::Scalar(s)));
        }
        let np = other.py().import("numpy")?;
        if other.is_instance(&np.getattr("ndarray")?)? {
            let a = convert::from_numpy(other, tessera::ChunkSpec::auto())?;
            return Ok(Some(Operand::Array(a)));
        }
        Ok(None)
    }

    /// `self op other` (or `other op self` when `reflected`), or
    /// `NotImplemented` for an operand that is not an array or scalar.
    fn binop(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: BinaryOp,
        reflected: bool,
    ) -> PyResult<Py<PyAny>> {
        let Some(operand) = Array::operand(other)? else {
            return Ok(py.NotImplemented());
        };
        let out = match (operand, reflected) {
            (Operand::Scalar(s), left) => self.inner().binary_scalar(op, s, left),
            (Operand::Array(b), false) => self.inner().binary(op, &b),
            (Operand::Array(b), true) => b.binary(op, &self.inner()),
        };
        Ok(Py::new(py, Array::wrap(out)?)?.into_any())
    }

    /// `&`, `|`, `^`: logical on bool arrays (`bool_op`), bitwise on
    /// integer arrays (`int_op`, scalars on either side).
    fn bitwise(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        int_op: BinaryOp,
        bool_op: BinaryOp,
        reflected: bool,
    ) -> PyResult<Py<PyAny>> {
        if self.inner().dtype() == tessera::DType::Bool {
            return self.logical(py, other, bool_op);
        }
        self.binop(py, other, int_op, reflected)
    }

    /// `&`, `|`, `^` on bool arrays (with a bool array or a bool scalar).
    fn logical(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: BinaryOp,
    ) -> PyResult<Py<PyAny>> {
        let out = match Array::operand(other)? {
            None => return Ok(py.NotImplemented()),
            Some(Operand::Array(b)) => self.inner().logical(op, &b),
            Some(Operand::Scalar(s)) => {
                let b = DynArray::full(Vec::<usize>::new(), s, 1usize, tessera::DType::Bool);
                if !matches!(s, tessera::Scalar::Bool(_)) {
                    return Err(PyTypeError::new_err(
                        "logical operators take bool arrays and bool scalars; compare first (x > 0)",
                    ));
                }
                self.inner().logical(op, &b)
            }
        };
        Ok(Py::new(py, Array::wrap(out)?)?.into_any())
    }
}

/// The other side of a binary operator.
enum Operand {
    Array(DynArray),
    Scalar(tessera::Scalar),
}

/// Reductions over axes with Dask's signature
/// `x.op(axis=None, keepdims=False, split_every=None, dtype=None)`;
/// one line per reduction the facade has.
macro_rules! reductions {
    ($($name:ident => $with:ident),* $(,)?) => {
        #[pymethods]
        impl Array {$(
            #[doc = concat!("`x.", stringify!($name), "(axis=None, keepdims=False, split_every=None, dtype=None)` as in Dask.")]
            #[pyo3(signature = (axis=None, dtype=None, keepdims=false, split_every=None))]
            fn $name(&self, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, keepdims: bool, split_every: Option<usize>) -> PyResult<Array> {
                let r = convert::reduce(axis, keepdims, split_every, 0)?;
                self.reduced(dtype, |x| x.$with(r))
            }
        )*}
    };
}

reductions! {
    sum => sum_with, prod => prod_with, mean => mean_with, min => min_with, max => max_with,
    any => any_with, all => all_with, nansum => nansum_with, nanprod => nanprod_with,
    nanmin => nanmin_with, nanmax => nanmax_with, nanmean => nanmean_with,
}

/// Reductions that take `ddof` (`x.var(axis=None, ddof=0, …)`).
macro_rules! ddof_reductions {
    ($($name:ident => $with:ident),* $(,)?) => {
        #[pymethods]
        impl Array {$(
            #[doc = concat!("`x.", stringify!($name), "(axis=None, dtype=None, keepdims=False, ddof=0, split_every=None)` as in Dask.")]
            #[pyo3(signature = (axis=None, dtype=None, keepdims=false, ddof=0, split_every=None))]
            fn $name(&self, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, keepdims: bool, ddof: u32, split_every: Option<usize>) -> PyResult<Array> {
                let r = convert::reduce(axis, keepdims, split_every, ddof)?;
                self.reduced(dtype, |x| x.$with(r))
            }
        )*}
    };
}

ddof_reductions! { var => var_with, std => std_with, nanvar => nanvar_with, nanstd => nanstd_with }

/// Elementwise methods without arguments (`x.sqrt()` is `np.sqrt(x)`); one
/// line per function the facade has.
macro_rules! elementwise {
    ($($name:ident),* $(,)?) => {
        #[pymethods]
        impl Array {$(
            #[doc = concat!("Elementwise `", stringify!($name), "`.")]
            fn $name(&self) -> PyResult<Array> {
                Array::wrap(self.inner().$name())
            }
        )*}
    };
}

elementwise! { sqrt, exp, log, sin, cos, ravel }

/// Arg reductions over one axis or the flattened array
/// (`x.argmin(axis=None, keepdims=False, split_every=None)`).
macro_rules! arg_reductions {
    ($($name:ident => $with:ident),* $(,)?) => {
        #[pymethods]
        impl Array {$(
            #[doc = concat!("`x.", stringify!($name), "(axis=None, keepdims=False, split_every=None)` as in Dask.")]
            #[pyo3(signature = (axis=None, keepdims=false, split_every=None))]
            fn $name(&self, axis: Option<i64>, keepdims: bool, split_every: Option<usize>) -> PyResult<Array> {
                let mut r = Array::one_axis(axis, keepdims);
                r.split_every = split_every;
                Array::wrap(self.inner().$with(r))
            }
        )*}
    };
}

arg_reductions! { argmin => argmin_with, argmax => argmax_with }

impl Array {
    /// A reduction, with the input cast to `dtype` first when one is given
    /// (NumPy accumulates in it) and the result cast to it.
    fn reduced(
        &self,
        dtype: Option<&Bound<'_, PyAny>>,
        f: impl FnOnce(&DynArray) -> DynArray,
    ) -> PyResult<Array> {
        match dtype {
            Some(d) if !d.is_none() => {
                let d = convert::dtype(d)?;
                Array::wrap(f(&self.inner().astype(d)).astype(d))
            }
            _ => Array::wrap(f(&self.inner())),
        }
    }

    /// One axis (or `None`, the flattened array) of a scan or arg reduction.
    fn one_axis(axis: Option<i64>, keepdims: bool) -> Reduce {
        let r = match axis {
            None => tessera::all_axes(),
            Some(a) => tessera::axis(a),
        };
        if keepdims {
            r.keepdims()
        } else {
            r
        }
    }
}

#[pymethods]
impl Array {
    /// The shape.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner().shape())
    }

    /// Number of dimensions.
    #[getter]
    fn ndim(&self) -> usize {
        self.inner().ndim()
    }

    /// Number of elements.
    #[getter]
    fn size(&self) -> u64 {
        self.inner().size()
    }

    /// The NumPy dtype.
    #[getter]
    fn dtype<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::np_dtype(py, self.inner().dtype())
    }

    /// Bytes of one element.
    #[getter]
    fn itemsize(&self) -> usize {
        self.inner().dtype().itemsize()
    }

    /// Bytes of the whole array.
    #[getter]
    fn nbytes(&self) -> u64 {
        self.inner().nbytes()
    }

    /// The chunk lengths along each axis, a tuple of tuples (Dask's `.chunks`).
    #[getter]
    fn chunks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let axes = self
            .inner()
            .chunks()
            .axes()
            .iter()
            .map(|a| PyTuple::new(py, a))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, axes)
    }

    /// The largest chunk along each axis.
    #[getter]
    fn chunksize<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner().chunksize())
    }

    /// Number of chunks along each axis.
    #[getter]
    fn numblocks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner().chunks().axes().iter().map(Vec::len))
    }

    /// Number of chunks.
    #[getter]
    fn npartitions(&self) -> usize {
        self.inner().npartitions()
    }

    /// Reversed axes.
    #[getter(T)]
    fn t_prop(&self) -> PyResult<Array> {
        Array::wrap(self.inner().t())
    }

    /// Dask's one-line repr.
    fn __repr__(&self) -> String {
        self.inner().to_string()
    }

    /// Dask's HTML repr: the summary table beside the chunk-grid picture.
    fn _repr_html_(&self) -> String {
        self.inner().to_html()
    }

    /// The summary table as text (Bytes, Shape, chunks in graph layers, dtype).
    fn summary(&self) -> String {
        self.inner().summary().to_string()
    }

    /// Length of the first axis.
    fn __len__(&self) -> PyResult<usize> {
        self.inner()
            .shape()
            .first()
            .copied()
            .ok_or_else(|| PyTypeError::new_err("len() of a 0-d array"))
    }

    /// Compute to a NumPy array, releasing the GIL while the graph runs
    /// (Ctrl-C cancels it; see `running`).
    pub(crate) fn compute<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let x = &self.inner();
        let block = running::interruptible(py, |options| x.compute_with(options))?;
        convert::to_numpy(py, block)
    }

    /// NumPy's conversion hook: computes (`np.asarray(x)`).
    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__<'py>(
        &self,
        py: Python<'py>,
        dtype: Option<&Bound<'py, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if copy == Some(false) {
            return Err(PyValueError::new_err(
                "a tessera array is computed to make a NumPy array: it cannot be given without a copy",
            ));
        }
        let a = self.compute(py)?;
        match dtype {
            Some(d) if !d.is_none() => a.call_method1("astype", (d,)),
            _ => Ok(a),
        }
    }

    /// Compute every chunk now; an array backed by them.
    fn persist(&self, py: Python<'_>) -> PyResult<Array> {
        let x = &self.inner();
        Array::wrap(running::interruptible(py, |options| {
            x.persist_with(options)
        })?)
    }

    /// Write to a new Zarr v3 array (`component` inside the store at `url`);
    /// returns the number of chunks written.
    #[pyo3(signature = (url, component=None))]
    fn to_zarr(
        &self,
        py: Python<'_>,
        url: std::path::PathBuf,
        component: Option<String>,
    ) -> PyResult<u64> {
        let component = component.unwrap_or_default();
        let written = crate::functions::store_zarr_dirs(
            py,
            vec![self.inner().clone()],
            vec![(url, component)],
        )?;
        Ok(written.iter().sum())
    }

    /// Write the task graph to `filename` (`.dot`, `.svg` through Graphviz, `.html`).
    #[pyo3(signature = (filename=None))]
    fn visualize(&self, filename: Option<std::path::PathBuf>) -> PyResult<()> {
        let filename = filename.unwrap_or_else(|| "mydask.svg".into());
        self.inner().visualize(filename).or_py()
    }

    /// What computing will take, as text.
    fn explain(&self) -> PyResult<String> {
        Ok(self.inner().plan().or_py()?.to_string())
    }

    /// Cast to a dtype (`x.astype("float32")`).
    fn astype(&self, dtype: &Bound<'_, PyAny>) -> PyResult<Array> {
        Array::wrap(self.inner().astype(convert::dtype(dtype)?))
    }

    /// Rechunk: an int, a tuple, a dict `{axis: spec}`, `"auto"`, a byte size.
    #[pyo3(signature = (chunks=None, threshold=None, block_size_limit=None, balance=false))]
    fn rechunk(
        &self,
        chunks: Option<&Bound<'_, PyAny>>,
        threshold: Option<&Bound<'_, PyAny>>,
        block_size_limit: Option<u64>,
        balance: bool,
    ) -> PyResult<Array> {
        let _ = threshold; // Dask's plan threshold: tessera plans by its memory limit instead.
        let spec = match chunks {
            Some(c) if !c.is_none() => convert::chunk_spec(c)?,
            _ => tessera::ChunkSpec::auto(),
        };
        if block_size_limit.is_some() || balance {
            Array::wrap(self.inner().rechunk_with(spec, block_size_limit, balance))
        } else {
            Array::wrap(self.inner().rechunk(spec))
        }
    }

    /// Permute the axes (`x.transpose()`, `x.transpose(1, 0, 2)`, `x.transpose((1, 0, 2))`).
    #[pyo3(signature = (*axes))]
    fn transpose(&self, axes: &Bound<'_, PyTuple>) -> PyResult<Array> {
        if axes.is_empty() {
            return Array::wrap(self.inner().t());
        }
        let axes: Vec<i64> = match axes.get_item(0)?.extract::<Vec<i64>>() {
            Ok(v) if axes.len() == 1 => v,
            _ => axes.extract()?,
        };
        Array::wrap(self.inner().transpose(&axes))
    }

    /// A new shape (`x.reshape(3, -1)` or `x.reshape((3, -1))`).
    #[pyo3(signature = (*shape))]
    fn reshape(&self, shape: &Bound<'_, PyTuple>) -> PyResult<Array> {
        let shape: Vec<i64> = match shape.get_item(0).and_then(|s| s.extract::<Vec<i64>>()) {
            Ok(v) if shape.len() == 1 => v,
            _ => shape.extract()?,
        };
        Array::wrap(self.inner().reshape(&shape))
    }

    /// Drop axes of length 1 (all of them, or those given).
    #[pyo3(signature = (axis=None))]
    fn squeeze(&self, axis: Option<&Bound<'_, PyAny>>) -> PyResult<Array> {
        match convert::axes(axis)? {
            None => Array::wrap(self.inner().squeeze()),
            Some(a) => Array::wrap(self.inner().squeeze_with(a)),
        }
    }

    /// Exchange two axes.
    fn swapaxes(&self, axis1: i64, axis2: i64) -> PyResult<Array> {
        Array::wrap(self.inner().swapaxes(axis1, axis2))
    }

    /// Cumulative sum along `axis` (`None`: the flattened array).
    #[pyo3(signature = (axis=None, dtype=None))]
    fn cumsum(&self, axis: Option<i64>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Array> {
        self.reduced(dtype, |x| x.cumsum_with(Array::one_axis(axis, false)))
    }

    /// Cumulative product along `axis` (`None`: the flattened array).
    #[pyo3(signature = (axis=None, dtype=None))]
    fn cumprod(&self, axis: Option<i64>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Array> {
        self.reduced(dtype, |x| x.cumprod_with(Array::one_axis(axis, false)))
    }

    /// Number of non-zero elements.
    #[pyo3(signature = (axis=None, keepdims=false, split_every=None))]
    fn count_nonzero(
        &self,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
        split_every: Option<usize>,
    ) -> PyResult<Array> {
        Array::wrap(self.inner().count_nonzero_with(convert::reduce(
            axis,
            keepdims,
            split_every,
            0,
        )?))
    }

    /// Values clipped into `[min, max]`.
    #[pyo3(signature = (min=None, max=None))]
    fn clip(
        &self,
        min: Option<&Bound<'_, PyAny>>,
        max: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Array> {
        let mut x = self.inner().clone();
        for (bound, op) in [(min, BinaryOp::Maximum), (max, BinaryOp::Minimum)] {
            if let Some(b) = bound.filter(|b| !b.is_none()) {
                let s = convert::scalar(b)
                    .ok_or_else(|| PyTypeError::new_err("clip bounds are scalars"))?;
                x = x.binary_scalar(op, s, false);
            }
        }
        Array::wrap(x)
    }

    /// `x[key]`: ints, slices, `None`, `...`, one list/array of ints or bools.
    fn __getitem__(&self, key: &Bound<'_, PyAny>) -> PyResult<Array> {
        Array::wrap(crate::index::getitem(&self.inner(), key)?)
    }

    fn __add__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Add, false)
    }
    fn __radd__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Add, true)
    }
    fn __sub__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Sub, false)
    }
    fn __rsub__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Sub, true)
    }
    fn __mul__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Mul, false)
    }
    fn __rmul__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Mul, true)
    }
    fn __truediv__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Div, false)
    }
    fn __rtruediv__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Div, true)
    }
    fn __pow__(
        &self,
        py: Python<'_>,
        o: &Bound<'_, PyAny>,
        _modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Pow, false)
    }
    fn __rpow__(
        &self,
        py: Python<'_>,
        o: &Bound<'_, PyAny>,
        _modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Pow, true)
    }
    fn __and__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.bitwise(py, o, BinaryOp::BitwiseAnd, BinaryOp::Minimum, false)
    }
    fn __rand__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.bitwise(py, o, BinaryOp::BitwiseAnd, BinaryOp::Minimum, true)
    }
    fn __or__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.bitwise(py, o, BinaryOp::BitwiseOr, BinaryOp::Maximum, false)
    }
    fn __ror__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.bitwise(py, o, BinaryOp::BitwiseOr, BinaryOp::Maximum, true)
    }
    fn __xor__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.bitwise(py, o, BinaryOp::BitwiseXor, BinaryOp::Ne, false)
    }
    fn __rxor__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.bitwise(py, o, BinaryOp::BitwiseXor, BinaryOp::Ne, true)
    }
    fn __floordiv__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::FloorDivide, false)
    }
    fn __rfloordiv__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::FloorDivide, true)
    }
    fn __mod__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Remainder, false)
    }
    fn __rmod__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::Remainder, true)
    }
    fn __lshift__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::LeftShift, false)
    }
    fn __rlshift__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::LeftShift, true)
    }
    fn __rshift__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::RightShift, false)
    }
    fn __rrshift__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.binop(py, o, BinaryOp::RightShift, true)
    }

    fn __richcmp__(
        &self,
        py: Python<'_>,
        o: &Bound<'_, PyAny>,
        op: CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let op = match op {
            CompareOp::Lt => BinaryOp::Lt,
            CompareOp::Le => BinaryOp::Le,
            CompareOp::Eq => BinaryOp::Eq,
            CompareOp::Ne => BinaryOp::Ne,
            CompareOp::Gt => BinaryOp::Gt,
            CompareOp::Ge => BinaryOp::Ge,
        };
        self.binop(py, o, op, false)
    }

    /// The elementwise function of NumPy name `name` (`x._ufunc("arcsin")`):
    /// every unary operation of the facade, for the namespace's functions.
    fn _ufunc(&self, name: &str) -> PyResult<Array> {
        let op = UnaryOp::ALL
            .iter()
            .find(|o| o.label() == name)
            .ok_or_else(|| PyValueError::new_err(format!("no elementwise function {name:?}")))?;
        Array::wrap(self.inner().unary(*op))
    }

    /// The binary function of NumPy name `name` with `other` (an array or
    /// a scalar; on the left when `reflected`): every binary operation of
    /// the facade, for the namespace's functions (`arctan2`, `hypot`…).
    #[pyo3(signature = (name, other, reflected=false))]
    fn _binary(
        &self,
        py: Python<'_>,
        name: &str,
        other: &Bound<'_, PyAny>,
        reflected: bool,
    ) -> PyResult<Py<PyAny>> {
        let op = BinaryOp::ALL
            .iter()
            .find(|o| o.label() == name)
            .ok_or_else(|| PyValueError::new_err(format!("no binary function {name:?}")))?;
        self.binop(py, other, *op, reflected)
    }

    /// The real part (`x.real`, as NumPy's attribute).
    #[getter]
    fn real(&self) -> PyResult<Array> {
        Array::wrap(self.inner().real())
    }

    /// The imaginary part (`x.imag`).
    #[getter]
    fn imag(&self) -> PyResult<Array> {
        Array::wrap(self.inner().imag())
    }

    /// The complex conjugate.
    fn conj(&self) -> PyResult<Array> {
        Array::wrap(self.inner().conj())
    }

    fn __neg__(&self) -> PyResult<Array> {
        Array::wrap(self.inner().unary(UnaryOp::Neg))
    }

    fn __pos__(&self) -> PyResult<Array> {
        Array::wrap(self.inner().clone())
    }

    fn __abs__(&self) -> PyResult<Array> {
        Array::wrap(self.inner().unary(UnaryOp::Abs))
    }

    fn __invert__(&self) -> PyResult<Array> {
        if self.inner().dtype() == tessera::DType::Bool {
            return Array::wrap(self.inner().logical_not());
        }
        Array::wrap(self.inner().unary(UnaryOp::Invert))
    }

    /// The value of a one-element array as a Python bool (computes).
    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        self.scalar(py)?.is_truthy()
    }

    /// The value of a one-element array as a Python float (computes).
    fn __float__(&self, py: Python<'_>) -> PyResult<f64> {
        self.scalar(py)?.extract()
    }

    /// `x[key] = value` (Dask's assignment): the array becomes a lazy
    /// `where` of the selected elements (see `_setitem.py`).
    fn __setitem__(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let me = Py::new(py, Array::wrap(self.inner().clone())?)?;
        let f = py.import("tessera._setitem")?.getattr("setitem")?;
        let out = f.call1((me, key, value))?;
        let out: PyRef<'_, Array> = out.extract()?;
        *self.cell.write().unwrap_or_else(|e| e.into_inner()) = out.inner();
        Ok(())
    }

    /// The value of a one-element array as a Python complex (computes).
    fn __complex__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.scalar(py)?;
        py.import("builtins")?.getattr("complex")?.call1((v,))
    }

    /// The array on `device` (the Array API's `to_device`): tessera has the CPU only.
    #[pyo3(signature = (device, /, *, stream=None))]
    fn to_device<'py>(
        slf: PyRef<'py, Self>,
        device: &Bound<'py, PyAny>,
        stream: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<PyRef<'py, Self>> {
        let _ = stream; // no streams on the CPU
        let name: Option<String> = device.extract().ok();
        if device.is_none() || name.as_deref() == Some("cpu") {
            Ok(slf)
        } else {
            Err(PyValueError::new_err(format!(
                "tessera arrays live on the CPU; device={device} is not one"
            )))
        }
    }

    /// The value of a one-element array as a Python int (computes).
    fn __int__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.scalar(py)?;
        py.import("builtins")?.getattr("int")?.call1((v,))
    }

    /// An integer array of one element as an index (computes).
    fn __index__(&self, py: Python<'_>) -> PyResult<i64> {
        if !matches!(self.inner().dtype().kind(), 'i' | 'u') {
            return Err(PyTypeError::new_err(
                "only integer arrays can be used as an index",
            ));
        }
        self.scalar(py)?.extract()
    }

    /// The Array API namespace: the `tessera` module.
    #[pyo3(signature = (api_version=None))]
    fn __array_namespace__<'py>(
        &self,
        py: Python<'py>,
        api_version: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(v) = api_version {
            if !matches!(v.as_str(), "2023.12" | "2024.12") {
                return Err(PyValueError::new_err(format!(
                    "tessera implements the Array API 2024.12 (and 2023.12); got api_version={v:?}"
                )));
            }
        }
        Ok(py.import("tessera")?.into_any())
    }

    /// The device: always the CPU.
    #[getter]
    fn device(&self) -> &'static str {
        "cpu"
    }
}

impl Array {
    /// The single element of a one-element array, computed, as a NumPy scalar.
    fn scalar<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if self.inner().size() != 1 {
            return Err(PyValueError::new_err(format!(
                "the truth value (or number) of an array with {} elements is ambiguous; use .any() or .all()",
                self.inner().size()
            )));
        }
        let a = self.compute(py)?;
        a.call_method1("reshape", ((),))?.call_method0("item")
    }
}

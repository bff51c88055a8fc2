//! `Array<T>`: a lazy, chunked n-dimensional array of `T`.

use std::fmt;
use std::marker::PhantomData;

use tessera_chunk_core::{Chunks, DType, Element, Shape};
use tessera_graph::TaskGraph;
use tessera_ops::Expr;

use crate::error::{Error, Result};
use crate::repr::{repr, Summary};

/// A lazy chunked array of `T`: operations build a task graph; `compute()` runs it.
///
/// Building never returns a `Result`: a shape, dtype or axis error found
/// while building is carried by the array (and every array made from it)
/// and surfaces, naming the operation and its operands' shapes, at the first
/// call that returns one: `compute`, `store`, or [`Array::check`].
///
/// ```
/// let x = tessera::ones::<f64>(10, 5);
/// assert_eq!(x.to_string(), "tessera.Array<ones_like, shape=(10,), dtype=float64, chunksize=(5,), chunktype=ndarray>");
/// assert_eq!(x.sum().compute_scalar().unwrap(), 10.0);
/// let bad = &x + &tessera::ones::<f64>(3, 3); // shapes (10,) and (3,) do not broadcast
/// assert!(bad.check().unwrap_err().to_string().starts_with("add of arrays of shapes (10,) and (3,)"));
/// ```
#[derive(Clone)]
pub struct Array<T: Element> {
    /// The expression, or the error met while building it (boxed: an array
    /// stays one pointer wide whichever it holds).
    state: std::result::Result<Expr, Box<Error>>,
    _t: PhantomData<T>,
}

/// The chunks an array that failed to build reports (0-d): its accessors
/// answer without panicking, and [`Array::check`] says what went wrong.
static NO_CHUNKS: std::sync::LazyLock<Chunks> = std::sync::LazyLock::new(Chunks::scalar);

impl<T: Element> Array<T> {
    /// Wrap an untyped expression, checking its dtype is `T`'s and that its
    /// byte size fits (`SizeOverflow` naming the shape otherwise): every
    /// operation that makes an array passes here, so the one that makes a
    /// too-large array is the one that reports it.
    pub fn from_expr(expr: Expr) -> Result<Self> {
        if expr.dtype() != T::DTYPE {
            return Err(tessera_chunk_core::Error::DTypeMismatch {
                expected: T::DTYPE,
                found: expr.dtype(),
            }
            .into());
        }
        tessera_chunk_core::checked_nbytes(&expr.shape(), T::DTYPE)?;
        Ok(Array {
            state: Ok(expr),
            _t: PhantomData,
        })
    }

    /// An array that carries `error` instead of an expression.
    pub(crate) fn failed(error: Error) -> Self {
        Array {
            state: Err(Box::new(error)),
            _t: PhantomData,
        }
    }

    /// The array an operation `op` over `inputs` gave: its expression, or its
    /// error with the operation and the operands' shapes.
    pub(crate) fn built(op: &str, inputs: &[&Expr], result: Result<Expr>) -> Self {
        match result.and_then(Array::from_expr) {
            Ok(array) => array,
            Err(error) => Array::failed(Error::Build {
                op: op.into(),
                operands: inputs.iter().map(|e| e.shape()).collect(),
                error: Box::new(error),
            }),
        }
    }

    /// An array made from no other (creation, random, stores) by `make`;
    /// its error, naming `op`, is carried instead.
    pub(crate) fn source(op: &str, make: impl FnOnce() -> Result<Expr>) -> Self {
        Array::built(op, &[], make())
    }

    /// Build a new array from this one with `f`; this array's own error, or
    /// the one `f` meets, is carried instead.
    pub(crate) fn then<U: Element>(
        &self,
        op: &str,
        f: impl FnOnce(&Expr) -> Result<Expr>,
    ) -> Array<U> {
        match &self.state {
            Ok(x) => Array::built(op, &[x], f(x)),
            Err(e) => Array::failed((**e).clone()),
        }
    }

    /// Build a new array from this one and `other` with `f` (the first
    /// error of the two operands, or the one `f` meets, is carried).
    pub(crate) fn then2<S: Element, U: Element>(
        &self,
        other: &Array<S>,
        op: &str,
        f: impl FnOnce(&Expr, &Expr) -> Result<Expr>,
    ) -> Array<U> {
        match (&self.state, &other.state) {
            (Ok(a), Ok(b)) => Array::built(op, &[a, b], f(a, b)),
            (Err(e), _) | (_, Err(e)) => Array::failed((**e).clone()),
        }
    }

    /// Build a new array from several of the same type with `f` (the first
    /// operand's error, or the one `f` meets, is carried).
    pub(crate) fn then_all<U: Element>(
        arrays: &[&Array<T>],
        op: &str,
        f: impl FnOnce(&[&Expr]) -> Result<Expr>,
    ) -> Array<U> {
        match arrays.iter().map(|a| a.expr()).collect::<Result<Vec<_>>>() {
            Ok(exprs) => Array::built(op, &exprs, f(&exprs)),
            Err(e) => Array::failed(e),
        }
    }

    /// The untyped expression (for ops not wrapped here), or the error met building it.
    pub fn expr(&self) -> Result<&Expr> {
        self.state.as_ref().map_err(|e| (**e).clone())
    }

    /// `Ok` when the array was built without error; otherwise the error,
    /// naming the operation that failed and its operands' shapes.
    ///
    /// ```
    /// let x = tessera::ones::<f64>([4, 6], 2);
    /// assert!(x.mean_with(1).check().is_ok());
    /// let err = x.mean_with(2).check().unwrap_err();
    /// assert!(err.to_string().starts_with("mean of an array of shape (4, 6)"), "{err}");
    /// ```
    pub fn check(&self) -> Result<()> {
        self.expr().map(|_| ())
    }

    /// The error this array carries, if building it failed.
    pub fn error(&self) -> Option<&Error> {
        self.state.as_ref().err().map(|e| &**e)
    }

    /// The shape (empty when the array failed to build: see [`Array::check`]).
    pub fn shape(&self) -> Shape {
        self.state.as_ref().map(Expr::shape).unwrap_or_default()
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.chunks().ndim()
    }

    /// The chunks (Dask's `.chunks`).
    pub fn chunks(&self) -> &Chunks {
        match &self.state {
            Ok(x) => x.chunks(),
            Err(_) => &NO_CHUNKS,
        }
    }

    /// The largest chunk along each axis (Dask's `.chunksize`).
    pub fn chunksize(&self) -> Vec<usize> {
        self.chunks().chunksize()
    }

    /// Number of chunks (Dask's `.npartitions`).
    pub fn npartitions(&self) -> usize {
        self.state.as_ref().map_or(0, |x| x.chunks().num_blocks())
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        T::DTYPE
    }

    /// Bytes of the whole array.
    pub fn nbytes(&self) -> u64 {
        self.state.as_ref().map_or(0, Expr::nbytes)
    }

    /// Number of graph layers behind the array.
    pub fn num_layers(&self) -> usize {
        self.state.as_ref().map_or(0, Expr::layer_count)
    }

    /// Dask's summary table (Bytes, Shape, "N chunks in M graph layers", Data type).
    pub fn summary(&self) -> Summary {
        match &self.state {
            Ok(x) => Summary::of(x),
            Err(e) => Summary::failed(e),
        }
    }

    /// The task graph before optimisation (one task per block per layer, as Dask counts `tasks`).
    pub fn raw_task_graph(&self) -> Result<TaskGraph> {
        Ok(TaskGraph::from_layer(self.expr()?.layer())?)
    }
}

impl<T: Element> fmt::Display for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            Ok(x) => f.write_str(&repr(x)),
            Err(e) => write!(f, "tessera.Array<error: {e}>"),
        }
    }
}

impl<T: Element> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

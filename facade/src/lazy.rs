//! `Lazy`: what every array holds, an expression or the error met while
//! building it, and the accessors that answer from it. `Array<T>` and
//! `DynArray` both dereference to it, so `shape()`, `chunks()`, `check()`…
//! are written once for both.

use std::fmt;

use tessera_chunk_core::{Chunks, DType, Shape};
use tessera_ops::Expr;

use crate::error::{Error, Result};
use crate::repr::{repr, Summary};

/// An array's state: its expression, or the error met while building it
/// (boxed: an array stays one pointer wide whichever it holds).
#[derive(Clone)]
pub struct Lazy(std::result::Result<Expr, Box<Error>>);

/// The chunks an array that failed to build reports (0-d): its accessors
/// answer without panicking, and [`Lazy::check`] says what went wrong.
static NO_CHUNKS: std::sync::LazyLock<Chunks> = std::sync::LazyLock::new(Chunks::scalar);

impl Lazy {
    /// A built expression.
    pub(crate) fn built(expr: Expr) -> Self {
        Lazy(Ok(expr))
    }

    /// The state of an array that carries `error`.
    pub(crate) fn failed(error: Error) -> Self {
        Lazy(Err(Box::new(error)))
    }

    /// The expressions of several arrays, or the first error among them.
    pub(crate) fn all<'a>(states: impl IntoIterator<Item = &'a Lazy>) -> Result<Vec<&'a Expr>> {
        states.into_iter().map(Lazy::expr).collect()
    }

    /// The untyped expression (for ops not wrapped here), or the error met building it.
    pub fn expr(&self) -> Result<&Expr> {
        self.0.as_ref().map_err(|e| (**e).clone())
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
        self.0.as_ref().err().map(|e| &**e)
    }

    /// The shape (empty when the array failed to build: see [`Lazy::check`]).
    pub fn shape(&self) -> Shape {
        self.0.as_ref().map(Expr::shape).unwrap_or_default()
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.chunks().ndim()
    }

    /// Number of elements.
    pub fn size(&self) -> u64 {
        self.shape().iter().map(|&n| n as u64).product()
    }

    /// The chunks (Dask's `.chunks`).
    pub fn chunks(&self) -> &Chunks {
        match &self.0 {
            Ok(x) => x.chunks(),
            Err(_) => &NO_CHUNKS,
        }
    }

    /// The largest chunk along each axis (Dask's `.chunksize`).
    pub fn chunksize(&self) -> Vec<usize> {
        self.chunks().chunksize()
    }

    /// The dtype of the expression (`object`, which no array holds, when the
    /// array failed to build).
    pub fn dtype(&self) -> DType {
        self.0.as_ref().map_or(DType::Object, Expr::dtype)
    }

    /// Number of chunks (Dask's `.npartitions`).
    pub fn npartitions(&self) -> usize {
        self.0.as_ref().map_or(0, |x| x.chunks().num_blocks())
    }

    /// Bytes of the whole array.
    pub fn nbytes(&self) -> u64 {
        self.0.as_ref().map_or(0, Expr::nbytes)
    }

    /// Number of graph layers behind the array.
    pub fn num_layers(&self) -> usize {
        self.0.as_ref().map_or(0, Expr::layer_count)
    }

    /// Dask's summary table (Bytes, Shape, "N chunks in M graph layers", Data type).
    pub fn summary(&self) -> Summary {
        match &self.0 {
            Ok(x) => Summary::of(x),
            Err(e) => Summary::failed(e),
        }
    }
}

impl fmt::Display for Lazy {
    /// The one-line repr, or the error the array carries.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Ok(x) => f.write_str(&repr(x)),
            Err(e) => write!(f, "tessera.Array<error: {e}>"),
        }
    }
}

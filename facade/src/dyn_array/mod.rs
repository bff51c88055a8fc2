//! `DynArray`: an array whose dtype is known only at run time (read from a
//! store, chosen by a user's input, or handed over by a binding such as the
//! Python package), with the whole typed surface of [`Array<T>`] reached by
//! dtype dispatch.
//!
//! Like `Array<T>`, building never returns a `Result`: an error met while
//! building is carried by the array (and every array made from it) and
//! surfaces at `compute`, `store` or [`DynArray::check`].
//!
//! - `typed.rs`: every typed method, dispatched on the dtype (one line per method);
//! - `ops.rs`: operations whose operands may have different dtypes
//!   (NumPy promotion), scalars, casts, joins;
//! - `compute.rs`: computing and persisting, alone or several at once.

mod compute;
mod ops;
mod typed;

use std::fmt;

use tessera_chunk_core::{Chunks, DType, Element, Shape};
use tessera_ops::Expr;

use crate::array::Array;
use crate::error::{Error, Result};
use crate::repr::{repr, Summary};

/// A lazy chunked array of a run-time dtype.
///
/// ```
/// use tessera::{axis, DynArray};
/// let x = DynArray::from(tessera::ones::<f32>([4, 6], 2));
/// assert_eq!(x.mean_with(axis(0)).shape(), vec![6]);
/// assert_eq!(x.mean().dtype(), tessera::DType::F32);
/// let bad = x.mean_with(axis(5)); // carried, not returned
/// assert!(bad.check().unwrap_err().to_string().starts_with("mean of an array of shape (4, 6)"));
/// ```
#[derive(Clone)]
pub struct DynArray {
    /// The expression, or the error met while building it (boxed, as `Array<T>` does).
    state: std::result::Result<Expr, Box<Error>>,
}

/// The chunks an array that failed to build reports (0-d).
static NO_CHUNKS: std::sync::LazyLock<Chunks> = std::sync::LazyLock::new(Chunks::scalar);

impl DynArray {
    /// Wrap an expression.
    pub fn from_expr(expr: Expr) -> Self {
        DynArray { state: Ok(expr) }
    }

    /// An array that carries `error` instead of an expression.
    pub fn failed(error: Error) -> Self {
        DynArray {
            state: Err(Box::new(error)),
        }
    }

    /// The array an operation `op` over `inputs` gave: its expression, or
    /// its error with the operation and the operands' shapes (as `Array<T>`
    /// reports it).
    pub(crate) fn built(op: &str, inputs: &[&Expr], result: Result<Expr>) -> Self {
        let checked = result.and_then(|e| {
            tessera_chunk_core::checked_nbytes(&e.shape(), e.dtype())?;
            Ok(e)
        });
        match checked {
            Ok(expr) => DynArray::from_expr(expr),
            Err(error) => DynArray::failed(Error::Build {
                op: op.into(),
                operands: inputs.iter().map(|e| e.shape()).collect(),
                error: Box::new(error),
            }),
        }
    }

    /// Build a new array from this one with `f` (this array's error, or the
    /// one `f` meets, carried instead).
    pub(crate) fn then(&self, op: &str, f: impl FnOnce(&Expr) -> Result<Expr>) -> DynArray {
        match &self.state {
            Ok(x) => DynArray::built(op, &[x], f(x)),
            Err(e) => DynArray::failed((**e).clone()),
        }
    }

    /// Build a new array from several with `f` (the first operand's error,
    /// or the one `f` meets, carried instead).
    pub(crate) fn then_all(
        arrays: &[&DynArray],
        op: &str,
        f: impl FnOnce(&[&Expr]) -> Result<Expr>,
    ) -> DynArray {
        match arrays.iter().map(|a| a.expr()).collect::<Result<Vec<_>>>() {
            Ok(exprs) => DynArray::built(op, &exprs, f(&exprs)),
            Err(e) => DynArray::failed(e),
        }
    }

    /// The expression, or the error met building it.
    pub fn expr(&self) -> Result<&Expr> {
        self.state.as_ref().map_err(|e| (**e).clone())
    }

    /// `Ok` when the array was built without error; otherwise the error,
    /// naming the operation that failed and its operands' shapes.
    pub fn check(&self) -> Result<()> {
        self.expr().map(|_| ())
    }

    /// The array once checked: itself, or the error it carries.
    pub fn checked(self) -> Result<DynArray> {
        self.check()?;
        Ok(self)
    }

    /// The error this array carries, if building it failed.
    pub fn error(&self) -> Option<&Error> {
        self.state.as_ref().err().map(|e| &**e)
    }

    /// The typed array, if the dtype is `T`'s (the carried error otherwise).
    pub fn typed<T: Element>(&self) -> Result<Array<T>> {
        Array::from_expr(self.expr()?.clone())
    }

    /// The shape (empty when the array failed to build: see [`DynArray::check`]).
    pub fn shape(&self) -> Shape {
        self.state.as_ref().map(Expr::shape).unwrap_or_default()
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
        match &self.state {
            Ok(x) => x.chunks(),
            Err(_) => &NO_CHUNKS,
        }
    }

    /// The largest chunk along each axis (Dask's `.chunksize`).
    pub fn chunksize(&self) -> Vec<usize> {
        self.chunks().chunksize()
    }

    /// The dtype (`object`, which no array holds, when the array failed to
    /// build: see [`DynArray::check`]).
    pub fn dtype(&self) -> DType {
        self.state.as_ref().map_or(DType::Object, Expr::dtype)
    }

    /// Number of chunks (Dask's `.npartitions`).
    pub fn npartitions(&self) -> usize {
        self.state.as_ref().map_or(0, |x| x.chunks().num_blocks())
    }

    /// Bytes of the whole array.
    pub fn nbytes(&self) -> u64 {
        self.state.as_ref().map_or(0, Expr::nbytes)
    }

    /// Number of graph layers.
    pub fn num_layers(&self) -> usize {
        self.state.as_ref().map_or(0, Expr::layer_count)
    }

    /// Dask's summary table.
    pub fn summary(&self) -> Summary {
        match &self.state {
            Ok(x) => Summary::of(x),
            Err(e) => Summary::failed(e),
        }
    }
}

impl<T: Element> From<Array<T>> for DynArray {
    /// The untyped array (carrying the typed one's error, if any).
    fn from(a: Array<T>) -> Self {
        DynArray::from(&a)
    }
}

impl<T: Element> From<&Array<T>> for DynArray {
    fn from(a: &Array<T>) -> Self {
        match a.expr() {
            Ok(x) => DynArray::from_expr(x.clone()),
            Err(e) => DynArray::failed(e),
        }
    }
}

impl fmt::Display for DynArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            Ok(x) => f.write_str(&repr(x)),
            Err(e) => write!(f, "tessera.Array<error: {e}>"),
        }
    }
}

impl fmt::Debug for DynArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

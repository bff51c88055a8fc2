//! `DynArray`: an array whose dtype is known only at run time (read from a
//! store, chosen by a user's input, or handed over by a binding such as the
//! Python package), with the whole typed surface of [`Array<T>`] reached by
//! dtype dispatch.
//!
//! Like `Array<T>`, building never returns a `Result`: an error met while
//! building is carried by the array (and every array made from it) and
//! surfaces at `compute`, `store` or [`DynArray::check`](crate::Lazy::check).
//!
//! - `typed.rs`: every typed method, dispatched on the dtype (one line per method);
//! - `ops.rs`: operations whose operands may have different dtypes
//!   (NumPy promotion), scalars, casts, joins;
//! - `compute.rs`: computing and persisting, alone or several at once.

mod array_api;
mod compute;
mod ops;
mod typed;
mod user_kernels;

use std::fmt;

use tessera_chunk_core::Element;
use tessera_ops::Expr;

use crate::array::Array;
use crate::error::{Error, Result};
use crate::lazy::Lazy;

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
    /// The expression, or the error met while building it; its accessors
    /// (`shape()`, `dtype()`, `check()`…) are the array's, through `Deref`.
    state: Lazy,
}

impl std::ops::Deref for DynArray {
    type Target = Lazy;
    fn deref(&self) -> &Lazy {
        &self.state
    }
}

impl DynArray {
    /// Wrap an expression.
    pub fn from_expr(expr: Expr) -> Self {
        DynArray {
            state: Lazy::built(expr),
        }
    }

    /// An array that carries `error` instead of an expression.
    pub fn failed(error: Error) -> Self {
        DynArray {
            state: Lazy::failed(error),
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
        match self.expr() {
            Ok(x) => DynArray::built(op, &[x], f(x)),
            Err(e) => DynArray::failed(e),
        }
    }

    /// Build a new array from several with `f` (the first operand's error,
    /// or the one `f` meets, carried instead).
    pub(crate) fn then_all(
        arrays: &[&DynArray],
        op: &str,
        f: impl FnOnce(&[&Expr]) -> Result<Expr>,
    ) -> DynArray {
        match Lazy::all(arrays.iter().map(|a| &a.state)) {
            Ok(exprs) => DynArray::built(op, &exprs, f(&exprs)),
            Err(e) => DynArray::failed(e),
        }
    }

    /// The array once checked: itself, or the error it carries.
    pub fn checked(self) -> Result<DynArray> {
        self.check()?;
        Ok(self)
    }

    /// The typed array, if the dtype is `T`'s (the carried error otherwise).
    pub fn typed<T: Element>(&self) -> Result<Array<T>> {
        Array::from_expr(self.expr()?.clone())
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
        fmt::Display::fmt(&self.state, f)
    }
}

impl fmt::Debug for DynArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

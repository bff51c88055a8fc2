//! `Array<T>`: a lazy, chunked n-dimensional array of `T`.

use std::fmt;
use std::marker::PhantomData;

use tessera_chunk_core::{DType, Element};
use tessera_graph::TaskGraph;
use tessera_ops::Expr;

use crate::error::{Error, Result};
use crate::lazy::Lazy;

/// A lazy chunked array of `T`: operations build a task graph; `compute()` runs it.
///
/// Building never returns a `Result`: a shape, dtype or axis error found
/// while building is carried by the array (and every array made from it)
/// and surfaces, naming the operation and its operands' shapes, at the first
/// call that returns one: `compute`, `store`, or [`Array::check`](crate::Lazy::check).
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
    /// The expression, or the error met while building it; its accessors
    /// (`shape()`, `chunks()`, `check()`…) are the array's, through `Deref`.
    state: Lazy,
    _t: PhantomData<T>,
}

impl<T: Element> std::ops::Deref for Array<T> {
    type Target = Lazy;
    fn deref(&self) -> &Lazy {
        &self.state
    }
}

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
            state: Lazy::built(expr),
            _t: PhantomData,
        })
    }

    /// An array that carries `error` instead of an expression.
    pub(crate) fn failed(error: Error) -> Self {
        Array {
            state: Lazy::failed(error),
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
        match self.expr() {
            Ok(x) => Array::built(op, &[x], f(x)),
            Err(e) => Array::failed(e),
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
        match Lazy::all([&self.state, &other.state]) {
            Ok(ab) => Array::built(op, &ab, f(ab[0], ab[1])),
            Err(e) => Array::failed(e),
        }
    }

    /// Build a new array from several of the same type with `f` (the first
    /// operand's error, or the one `f` meets, is carried).
    pub(crate) fn then_all<U: Element>(
        arrays: &[&Array<T>],
        op: &str,
        f: impl FnOnce(&[&Expr]) -> Result<Expr>,
    ) -> Array<U> {
        match Lazy::all(arrays.iter().map(|a| &a.state)) {
            Ok(exprs) => Array::built(op, &exprs, f(&exprs)),
            Err(e) => Array::failed(e),
        }
    }

    /// The dtype (`T`'s).
    pub fn dtype(&self) -> DType {
        T::DTYPE
    }

    /// The task graph before optimisation (one task per block per layer, as Dask counts `tasks`).
    pub fn raw_task_graph(&self) -> Result<TaskGraph> {
        Ok(TaskGraph::from_layer(self.expr()?.layer())?)
    }
}

impl<T: Element> fmt::Display for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.state, f)
    }
}

impl<T: Element> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

//! `DynArray`: an array whose dtype is known only at run time (read from a
//! store, or chosen by a user's input), with the dtype-agnostic operations.
//! `typed::<T>()` turns it into an [`Array<T>`].

use std::fmt;

use crate::chunking::rechunk_target;
use tessera_chunk_core::{ChunkSpec, Chunks, DType, Element, Shape};
use tessera_ops::{
    elementwise, rechunk, reduction, reshape, BinaryOp, Expr, ReduceOp, ReduceOptions,
};

use crate::array::Array;
use crate::error::Result;
use crate::repr::{repr, Summary};

/// A lazy chunked array of a run-time dtype.
#[derive(Clone)]
pub struct DynArray {
    expr: Expr,
}

impl DynArray {
    /// Wrap an expression.
    pub fn from_expr(expr: Expr) -> Self {
        DynArray { expr }
    }

    /// The expression.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The typed array, if the dtype is `T`'s.
    pub fn typed<T: Element>(&self) -> Result<Array<T>> {
        Array::from_expr(self.expr.clone())
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.expr.shape()
    }

    /// The chunks.
    pub fn chunks(&self) -> &Chunks {
        self.expr.chunks()
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.expr.dtype()
    }

    /// Number of chunks.
    pub fn npartitions(&self) -> usize {
        self.expr.chunks().num_blocks()
    }

    /// Number of graph layers.
    pub fn num_layers(&self) -> usize {
        self.expr.layer_count()
    }

    /// Dask's summary table.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.expr)
    }

    /// A reduction over `axes` (`None`: all), as Dask builds it.
    pub fn reduce(&self, op: ReduceOp, axes: Option<Vec<i64>>, keepdims: bool) -> Result<DynArray> {
        let opts = ReduceOptions {
            axes,
            keepdims,
            split_every: None,
        };
        Ok(DynArray::from_expr(reduction::reduce(
            &self.expr, op, &opts,
        )?))
    }

    /// Permute the axes (`None` reverses them).
    pub fn transpose(&self, axes: Option<&[i64]>) -> Result<DynArray> {
        Ok(DynArray::from_expr(reshape::transpose(&self.expr, axes)?))
    }

    /// Rechunk with Dask's rules.
    pub fn rechunk(&self, spec: impl Into<ChunkSpec>) -> Result<DynArray> {
        self.rechunk_with(spec, None, false)
    }

    /// Rechunk with a byte limit for "auto" axes (default: the configured
    /// chunk size) and Dask's `balance` option.
    pub fn rechunk_with(
        &self,
        spec: impl Into<ChunkSpec>,
        block_size_limit: Option<u64>,
        balance: bool,
    ) -> Result<DynArray> {
        let new = rechunk_target(
            self.chunks(),
            spec.into(),
            self.dtype(),
            block_size_limit,
            balance,
        )?;
        let limit = crate::config::get()?.memory_limit;
        Ok(DynArray::from_expr(rechunk::rechunk_within(
            &self.expr, new, limit,
        )?))
    }

    /// An elementwise binary operation with NumPy's promotion and broadcasting.
    pub fn binary(&self, op: BinaryOp, other: &DynArray) -> Result<DynArray> {
        Ok(DynArray::from_expr(elementwise::binary(
            op,
            &self.expr,
            &other.expr,
        )?))
    }

    /// Basic indexing.
    pub fn slice(&self, index: &[tessera_chunk_core::IndexItem]) -> Result<DynArray> {
        Ok(DynArray::from_expr(tessera_ops::slicing::getitem(
            &self.expr, index,
        )?))
    }

    /// `da.concatenate(arrays, axis)` (`None` flattens first), with dtype promotion.
    pub fn concatenate(arrays: &[DynArray], axis: Option<i64>) -> Result<DynArray> {
        let exprs: Vec<Expr> = arrays.iter().map(|a| a.expr.clone()).collect();
        Ok(DynArray::from_expr(tessera_ops::join::concatenate(
            &exprs, axis,
        )?))
    }

    /// `da.stack(arrays, axis)`, with dtype promotion.
    pub fn stack(arrays: &[DynArray], axis: i64) -> Result<DynArray> {
        let exprs: Vec<Expr> = arrays.iter().map(|a| a.expr.clone()).collect();
        Ok(DynArray::from_expr(tessera_ops::join::stack(&exprs, axis)?))
    }

    /// Cast to another dtype.
    pub fn astype(&self, dtype: DType) -> Result<DynArray> {
        Ok(DynArray::from_expr(elementwise::astype(&self.expr, dtype)?))
    }
}

impl<T: Element> TryFrom<&Array<T>> for DynArray {
    type Error = crate::Error;
    /// The untyped array, or the error the typed one carries.
    fn try_from(a: &Array<T>) -> Result<Self> {
        Ok(DynArray::from_expr(a.expr()?.clone()))
    }
}

impl<T: Element> TryFrom<Array<T>> for DynArray {
    type Error = crate::Error;
    fn try_from(a: Array<T>) -> Result<Self> {
        DynArray::try_from(&a)
    }
}

impl fmt::Display for DynArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&repr(&self.expr))
    }
}

impl fmt::Debug for DynArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&repr(&self.expr))
    }
}

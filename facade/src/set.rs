//! The set functions: `x.unique()` (`da.unique`, `np.unique`) and the Array
//! API's `unique_values`, `unique_counts`, `unique_inverse` and `unique_all`.
//!
//! Their lengths depend on the data, which a chunk grid cannot say (Dask gives
//! them unknown chunks), so the values, counts and first indices are computed
//! now, in one pass over the data, and returned in memory; they suit results
//! that fit in memory. The inverse indices have the input's shape and chunks:
//! they come back as a lazy array over the computed values.
//!
//! NaNs: `unique` keeps one NaN, as `np.unique` does; the Array API's
//! functions keep every NaN apart (NaN equals nothing), as
//! `np.unique_values` and its siblings do. `-0.0` and `0.0` are one value.

use ndarray::Array1;
use tessera_chunk_core::{Block, Chunks, Element};
use tessera_ops::reduce::unique_stats_kernel::UniqueStat;
use tessera_ops::unique;
use tessera_ops::Expr;

use crate::array::Array;
use crate::compute::{graph_of, Compute};
use crate::error::{Error, Result};

/// What [`Array::unique_all`] returns, named as the Array API names it.
#[derive(Debug, Clone)]
pub struct UniqueAll<T: Element> {
    /// The sorted distinct values (each NaN apart, last).
    pub values: Array1<T>,
    /// The flat (C order) index of each value's first occurrence.
    pub indices: Array1<i64>,
    /// For each element of the input, the position of its value in
    /// `values`: lazy, with the input's shape and chunks.
    pub inverse_indices: Array<i64>,
    /// How many elements hold each value.
    pub counts: Array1<i64>,
}

impl<T: Element> Array<T> {
    /// The sorted distinct values (one NaN if any), as `da.unique(x)`.
    pub fn unique(&self) -> Result<Array1<T>> {
        self.unique_with(&Compute::new())
    }

    /// [`Array::unique`] with compute options.
    pub fn unique_with(&self, options: &Compute<'_>) -> Result<Array1<T>> {
        let expr = unique::unique(self.expr()?)?;
        let blocks = options.run(&graph_of(&[&expr])?)?;
        one_block::<T>(&blocks, 0)
    }

    /// The sorted distinct values, every NaN apart (the Array API's `unique_values`).
    pub fn unique_values(&self) -> Result<Array1<T>> {
        let expr = unique::unique_family(self.expr()?, false, &[])?.0;
        let blocks = Compute::new().run(&graph_of(&[&expr])?)?;
        one_block::<T>(&blocks, 0)
    }

    /// The distinct values and how many elements hold each (`unique_counts`).
    pub fn unique_counts(&self) -> Result<(Array1<T>, Array1<i64>)> {
        let (values, stats) = unique::unique_family(self.expr()?, false, &[UniqueStat::Count])?;
        let blocks = Compute::new().run(&graph_of(&[&values, &stats[0]])?)?;
        Ok((one_block::<T>(&blocks, 0)?, one_block::<i64>(&blocks, 1)?))
    }

    /// The distinct values and, lazily, each element's position among them
    /// (`unique_inverse`).
    pub fn unique_inverse(&self) -> Result<(Array1<T>, Array<i64>)> {
        let all = self.unique_all()?;
        Ok((all.values, all.inverse_indices))
    }

    /// Values, first indices, inverse indices and counts (`unique_all`),
    /// computed with the configured scheduler.
    pub fn unique_all(&self) -> Result<UniqueAll<T>> {
        self.unique_all_with(&Compute::new())
    }

    /// [`Array::unique_all`] with compute options: one pass over the data for
    /// the values, counts, first indices and each block's NaN count.
    pub fn unique_all_with(&self, options: &Compute<'_>) -> Result<UniqueAll<T>> {
        let x = self.expr()?;
        let (values, stats) =
            unique::unique_family(x, false, &[UniqueStat::First, UniqueStat::Count])?;
        let nans = unique::nan_counts(x)?;
        let blocks = options.run(&graph_of(&[&values, &stats[0], &stats[1], &nans])?)?;
        let vals = one_block::<T>(&blocks, 0)?;
        let (indices, counts) = (one_block::<i64>(&blocks, 1)?, one_block::<i64>(&blocks, 2)?);
        let inverse_indices = inverse(x, &blocks[0], &vals, &blocks[3..])?;
        Ok(UniqueAll {
            values: vals,
            indices,
            inverse_indices,
            counts,
        })
    }
}

/// The inverse indices of `x` over its computed distinct `values` (also as
/// the one block `values_block`), each block's NaNs placed after the numbers
/// and after the NaNs of the blocks before it (`nan_counts`, C order).
#[allow(clippy::eq_op)]
fn inverse<T: Element>(
    x: &Expr,
    values_block: &Block,
    values: &Array1<T>,
    nan_counts: &[Block],
) -> Result<Array<i64>> {
    let numbers = values.iter().filter(|v| *v == *v).count() as i64;
    let mut nan_starts = Vec::with_capacity(nan_counts.len());
    let mut start = numbers;
    for b in nan_counts {
        nan_starts.push(start);
        start += b.as_array::<i64>()?.iter().sum::<i64>();
    }
    let values_expr = tessera_ops::map_blocks::materialized(
        Chunks::new(vec![vec![values.len()]])?,
        T::DTYPE,
        vec![values_block.clone()],
        "unique_values",
    )?;
    Array::from_expr(unique::unique_inverse(x, &values_expr, false, nan_starts)?)
}

/// Block `k` of a run's results as a 1-d array of `U` (a set function's
/// result is one block of data-dependent length).
fn one_block<U: Element>(blocks: &[Block], k: usize) -> Result<Array1<U>> {
    let block = blocks.get(k).ok_or_else(|| {
        Error::Ops(tessera_ops::Error::InvalidArgument {
            op: "unique".into(),
            reason: format!("expected result block {k}, got {} blocks", blocks.len()),
        })
    })?;
    Ok(block.as_array::<U>()?.iter().copied().collect())
}

//! The Array API functions on [`DynArray`] that the typed surface has but
//! the dtype-dispatched method list does not: matrix products, sorting and
//! searching, set functions, `nonzero`, and the shape functions with
//! arguments of their own (`broadcast_to`, `repeat`, `tile`, `unstack`,
//! `tril`/`triu`, `eye`). Operands of two dtypes are promoted (NumPy's
//! rules) first; functions whose results depend on the data (`nonzero`, the
//! `unique_*` family) compute now, as the typed ones do.

use ndarray::Array1;
use tessera_chunk_core::{with_dtype, ChunkSpec, DType, Element};
use tessera_ops::linalg::{self, TensorAxes};
use tessera_ops::{indexing, reshape, sort};

use super::typed::no_elements;
use super::DynArray;
use crate::compute::Compute;
use crate::error::Result;
use crate::shape::IntoShape;
use crate::sort::Side;

/// `a` and `b` cast to their common dtype (NumPy's promotion), unchanged
/// when they share one.
fn promoted(a: &DynArray, b: &DynArray) -> (DynArray, DynArray) {
    let (da, db) = (a.dtype(), b.dtype());
    if da == db {
        return (a.clone(), b.clone());
    }
    let common = tessera_chunk_core::result_type(da, db);
    (a.astype(common), b.astype(common))
}

/// An in-memory 1-d result as a one-chunk array.
fn in_memory<T: Element>(values: Array1<T>) -> DynArray {
    DynArray::from(crate::from_array(values.into_dyn(), ChunkSpec::auto()))
}

impl DynArray {
    /// `self @ other` (NumPy's `matmul` for 1-d and 2-d operands).
    pub fn matmul(&self, other: &DynArray) -> DynArray {
        DynArray::then_all(&[self, other], "matmul", |x| {
            Ok(linalg::matmul(x[0], x[1])?)
        })
    }

    /// NumPy's `dot`.
    pub fn dot(&self, other: &DynArray) -> DynArray {
        DynArray::then_all(&[self, other], "dot", |x| Ok(linalg::dot(x[0], x[1])?))
    }

    /// NumPy's `tensordot` over `axes`.
    pub fn tensordot(&self, other: &DynArray, axes: &TensorAxes) -> DynArray {
        DynArray::then_all(&[self, other], "tensordot", |x| {
            Ok(linalg::tensordot(x[0], x[1], axes, None)?)
        })
    }

    /// The Array API's `vecdot`: `sum(conj(self) * other)` over `axis`.
    pub fn vecdot(&self, other: &DynArray, axis: i64) -> DynArray {
        let (a, b) = promoted(self, other);
        match a.expr() {
            Err(e) => DynArray::failed(e),
            Ok(x) => with_dtype!(x.dtype(),
                T => match (a.typed::<T>(), b.typed::<T>()) {
                    (Ok(a), Ok(b)) => DynArray::from(a.vecdot(&b, axis)),
                    (Err(e), _) | (_, Err(e)) => DynArray::failed(e),
                },
                other => DynArray::failed(no_elements(other))),
        }
    }

    /// Sorted along `axis` (NaN last; first when `descending`), stable.
    pub fn sort(&self, axis: i64, descending: bool) -> DynArray {
        self.then("sort", |x| Ok(sort::sort(x, axis, descending)?))
    }

    /// The positions that sort along `axis`, stable.
    pub fn argsort(&self, axis: i64, descending: bool) -> DynArray {
        self.then("argsort", |x| Ok(sort::argsort(x, axis, descending)?))
    }

    /// Where each of `values` would go in this sorted 1-d array.
    pub fn searchsorted(&self, values: &DynArray, side: Side) -> DynArray {
        let (a, v) = promoted(self, values);
        DynArray::then_all(&[&a, &v], "searchsorted", |x| {
            Ok(sort::searchsorted(x[0], x[1], side == Side::Right)?)
        })
    }

    /// Elements picked along `axis` by an integer array of indices.
    pub fn take_along_axis(&self, indices: &DynArray, axis: i64) -> DynArray {
        DynArray::then_all(&[self, indices], "take_along_axis", |x| {
            Ok(indexing::take_along_axis(x[0], x[1], axis)?)
        })
    }

    /// Broadcast to `shape` (a view: no data is copied until computed).
    pub fn broadcast_to(&self, shape: impl IntoShape) -> DynArray {
        let shape = shape.into_shape();
        self.then("broadcast_to", |x| Ok(reshape::broadcast_to(x, &shape)?))
    }

    /// Each element `repeats` times along `axis` (flattened first when `None`).
    pub fn repeat(&self, repeats: usize, axis: Option<i64>) -> DynArray {
        self.then("repeat", |x| Ok(reshape::repeat(x, repeats, axis)?))
    }

    /// Element `i` `counts[i]` times along `axis` (flattened first when `None`).
    pub fn repeat_counts(&self, counts: &[usize], axis: Option<i64>) -> DynArray {
        self.then("repeat", |x| Ok(reshape::repeat_counts(x, counts, axis)?))
    }

    /// The array tiled `reps` times along each axis.
    pub fn tile(&self, reps: &[usize]) -> DynArray {
        self.then("tile", |x| Ok(reshape::tile(x, reps)?))
    }

    /// The lower triangle (below diagonal `k`), zeros above.
    pub fn tril(&self, k: i64) -> DynArray {
        self.then("tril", |x| Ok(reshape::tril(x, k)?))
    }

    /// The upper triangle (above diagonal `k`), zeros below.
    pub fn triu(&self, k: i64) -> DynArray {
        self.then("triu", |x| Ok(reshape::triu(x, k)?))
    }

    /// The slices along `axis`, one array each.
    pub fn unstack(&self, axis: i64) -> Vec<DynArray> {
        match self.expr() {
            Err(e) => vec![DynArray::failed(e)],
            Ok(x) => with_dtype!(x.dtype(),
                T => match self.typed::<T>() {
                    Ok(a) => a.unstack(axis).into_iter().map(DynArray::from).collect(),
                    Err(e) => vec![DynArray::failed(e)],
                },
                other => vec![DynArray::failed(no_elements(other))]),
        }
    }

    /// `n × m` (`m` defaults to `n`) with ones on diagonal `k`, of `dtype`.
    pub fn eye(
        n: usize,
        m: Option<usize>,
        k: i64,
        chunks: impl Into<ChunkSpec>,
        dtype: DType,
    ) -> DynArray {
        let chunks = chunks.into();
        with_dtype!(dtype, T => DynArray::from(crate::eye::<T>(n, m, k, chunks)),
            other => DynArray::failed(no_elements(other)))
    }

    /// The indices of the non-zero elements, one int64 array per axis (computed now).
    pub fn nonzero_with(&self, options: &Compute<'_>) -> Result<Vec<DynArray>> {
        let x = self.expr()?;
        with_dtype!(x.dtype(),
            T => Ok(self.typed::<T>()?.nonzero_with(options)?.into_iter().map(in_memory).collect()),
            other => Err(no_elements(other)))
    }

    /// The distinct values, sorted (computed now; every NaN apart).
    pub fn unique_values(&self) -> Result<DynArray> {
        let x = self.expr()?;
        with_dtype!(x.dtype(),
            T => Ok(in_memory(self.typed::<T>()?.unique_values()?)),
            other => Err(no_elements(other)))
    }

    /// The distinct values and how often each occurs (computed now).
    pub fn unique_counts(&self) -> Result<(DynArray, DynArray)> {
        let x = self.expr()?;
        with_dtype!(x.dtype(),
            T => {
                let (values, counts) = self.typed::<T>()?.unique_counts()?;
                Ok((in_memory(values), in_memory(counts)))
            },
            other => Err(no_elements(other)))
    }

    /// The distinct values, the index of each one's first occurrence, the
    /// inverse indices (lazy, the input's shape) and the counts.
    pub fn unique_all_with(
        &self,
        options: &Compute<'_>,
    ) -> Result<(DynArray, DynArray, DynArray, DynArray)> {
        let x = self.expr()?;
        with_dtype!(x.dtype(),
            T => {
                let all = self.typed::<T>()?.unique_all_with(options)?;
                Ok((
                    in_memory(all.values),
                    in_memory(all.indices),
                    DynArray::from(all.inverse_indices),
                    in_memory(all.counts),
                ))
            },
            other => Err(no_elements(other)))
    }
}

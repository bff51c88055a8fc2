//! Creation: arrays from a fill value (`ones`, `zeros`, `full`, `empty`).

use std::sync::Arc;

use tessera_chunk_core::{slice_plan, Chunks, DType, IndexItem};
use tessera_graph::{BlockTasks, GeneralLayer, KernelRef, Key, LayerKind, LayerRef, Result};

use crate::creation::full_kernel::Full;
use crate::error::Error;
use crate::expr::Expr;
use crate::scalar::Scalar;

/// Builds `Full` kernels for each block.
#[derive(Debug)]
struct FullTasks {
    chunks: Chunks,
    dtype: DType,
    value: Scalar,
}

impl BlockTasks for FullTasks {
    fn block_task(&self, _inputs: &[LayerRef], index: &[usize]) -> Result<(KernelRef, Vec<Key>)> {
        let shape = self.chunks.block_shape(index)?;
        let kernel = Full {
            shape,
            dtype: self.dtype,
            value: self.value,
        };
        Ok((Arc::new(kernel), Vec::new()))
    }
    crate::kernel::as_any!();
    fn sliced(&self, index: &[IndexItem]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        // A constant array sliced is the same constant over the slice's chunks.
        let chunks = slice_plan(&self.chunks, index).ok()?.chunks().clone();
        Some((chunks.clone(), self.with_chunks(chunks)))
    }
    fn rechunked(&self, chunks: &Chunks) -> Option<Arc<dyn BlockTasks>> {
        (chunks.shape() == self.chunks.shape()).then(|| self.with_chunks(chunks.clone()))
    }
    fn transposed(&self, axes: &[usize]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        let chunks = self.chunks.permuted(axes)?;
        Some((chunks.clone(), self.with_chunks(chunks)))
    }
}

impl FullTasks {
    /// The same constant over other chunks.
    fn with_chunks(&self, chunks: Chunks) -> Arc<dyn BlockTasks> {
        Arc::new(FullTasks {
            chunks,
            dtype: self.dtype,
            value: self.value,
        })
    }
}

/// An array of `chunks.shape()` filled with `value` as `dtype`; `label` names
/// the layer as Dask does (`ones_like`, `zeros_like`, `full_like`, `empty_like`).
pub fn full(chunks: Chunks, dtype: DType, value: Scalar, label: &str) -> Result<Expr, Error> {
    if !dtype.is_array_type() {
        return Err(Error::InvalidArgument {
            op: label.into(),
            reason: format!(
                "arrays of dtype {dtype} are not supported; use bool, an integer or a float type"
            ),
        });
    }
    let tasks = FullTasks {
        chunks: chunks.clone(),
        dtype,
        value,
    };
    Ok(creation_layer(label, chunks, dtype, Arc::new(tasks)))
}

/// Builds `Range` kernels for each block of a 1-d range.
#[derive(Debug)]
struct RangeTasks {
    chunks: Chunks,
    start: f64,
    step: f64,
    dtype: DType,
    exact: Option<(usize, f64)>,
}

impl BlockTasks for RangeTasks {
    fn block_task(&self, _inputs: &[LayerRef], index: &[usize]) -> Result<(KernelRef, Vec<Key>)> {
        let r = self.chunks.block_range(index)?;
        let kernel = crate::creation::range_kernel::Range {
            start: self.start,
            step: self.step,
            offset: r[0].start,
            len: r[0].len(),
            dtype: self.dtype,
            exact: self.exact,
        };
        Ok((Arc::new(kernel), Vec::new()))
    }
    crate::kernel::as_any!();
    fn rechunked(&self, chunks: &Chunks) -> Option<Arc<dyn BlockTasks>> {
        let tasks = RangeTasks {
            chunks: chunks.clone(),
            start: self.start,
            step: self.step,
            dtype: self.dtype,
            exact: self.exact,
        };
        (chunks.shape() == self.chunks.shape()).then(|| Arc::new(tasks) as Arc<dyn BlockTasks>)
    }
}

/// A 1-d array of `start + step * i` over the given chunks (`arange`, `linspace`);
/// `last`, when given, is the exact value of the last element (linspace's `stop`).
pub fn range(
    chunks: Chunks,
    start: f64,
    step: f64,
    last: Option<f64>,
    dtype: DType,
    label: &str,
) -> Result<Expr, Error> {
    if chunks.ndim() != 1 || !dtype.is_array_type() || dtype == DType::Bool {
        return Err(Error::InvalidArgument {
            op: label.into(),
            reason: format!(
                "ranges are 1-d arrays of a numeric dtype; got {} dimensions of {dtype}",
                chunks.ndim()
            ),
        });
    }
    if !(start.is_finite() && step.is_finite()) {
        return Err(Error::InvalidArgument {
            op: label.into(),
            reason: format!("start and step must be finite, got {start} and {step}"),
        });
    }
    let len = chunks.shape()[0];
    let tasks = RangeTasks {
        chunks: chunks.clone(),
        start,
        step,
        dtype,
        exact: last.filter(|_| len > 0).map(|v| (len - 1, v)),
    };
    Ok(creation_layer(label, chunks, dtype, Arc::new(tasks)))
}

/// A creation layer (no inputs, cheap to recompute) producing `chunks` of `dtype`.
pub(crate) fn creation_layer(
    label: &str,
    chunks: Chunks,
    dtype: DType,
    tasks: Arc<dyn BlockTasks>,
) -> Expr {
    Expr::new(GeneralLayer::new(
        label,
        LayerKind::Creation,
        chunks,
        dtype,
        Vec::new(),
        tasks,
    ))
}

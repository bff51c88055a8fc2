//! Random arrays: the same seed gives the same values whatever the chunking and the scheduler.

use std::sync::Arc;

use tessera_chunk_core::{
    affine_index, checked_nbytes, slice_plan, Chunks, DType, Error as ChunkError, IndexItem,
};
use tessera_graph::{BlockTasks, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::random::random_kernel::{Distribution, RandomBlock};

/// Builds the blocks of a random array, or of a view of one: the element at
/// position `i` of the view is element `origin + Σ i[k] * steps[k]` (C-order
/// flat index) of the array the seed draws. Slices, transposes and other
/// chunkings of the array are views too, made directly (see `RegroupSources`).
#[derive(Debug)]
struct RandomTasks {
    chunks: Chunks,
    dist: Distribution,
    seed: u64,
    origin: i64,
    steps: Vec<i64>,
}

impl RandomTasks {
    /// The same view with other chunks, origin or steps.
    fn with(&self, chunks: Chunks, origin: i64, steps: Vec<i64>) -> Arc<dyn BlockTasks> {
        Arc::new(RandomTasks {
            chunks,
            dist: self.dist,
            seed: self.seed,
            origin,
            steps,
        })
    }
}

impl BlockTasks for RandomTasks {
    fn block_task(&self, _inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let ranges = self.chunks.block_range(index)?;
        let starts: Vec<i64> = ranges.iter().map(|r| r.start as i64).collect();
        let origin = stream_position(self.origin, &starts, &self.steps).ok_or_else(|| {
            ChunkError::SizeOverflow {
                shape: self.chunks.shape(),
                what: format!("random-stream position of block {index:?}"),
            }
        })?;
        let kernel = RandomBlock {
            dist: self.dist,
            seed: self.seed,
            origin,
            block: ranges.iter().map(|r| r.len()).collect(),
            steps: self.steps.clone(),
        };
        Ok((Arc::new(kernel), Vec::new()))
    }
    crate::kernel::as_any!();
    fn sliced(&self, index: &[IndexItem]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        let chunks = slice_plan(&self.chunks, index).ok()?.chunks().clone();
        let affine = affine_index(&self.chunks.shape(), index).ok()?;
        // An overflow here (impossible for a checked shape) falls back to the generic slice.
        let origin = stream_position(self.origin, &affine.start, &self.steps)?;
        let steps = affine
            .axes
            .iter()
            .map(|&(axis, step)| axis.map_or(Some(0), |a| self.steps.get(a)?.checked_mul(step)))
            .collect::<Option<Vec<i64>>>()?;
        Some((chunks.clone(), self.with(chunks, origin, steps)))
    }
    fn rechunked(&self, chunks: &Chunks) -> Option<Arc<dyn BlockTasks>> {
        (chunks.shape() == self.chunks.shape())
            .then(|| self.with(chunks.clone(), self.origin, self.steps.clone()))
    }
    fn transposed(&self, axes: &[usize]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        let chunks = self.chunks.permuted(axes)?;
        let steps = axes.iter().map(|&a| self.steps[a]).collect();
        Some((chunks.clone(), self.with(chunks, self.origin, steps)))
    }
}

/// `origin + Σ starts[k] * steps[k]`, `None` if it leaves `i64`.
fn stream_position(origin: i64, starts: &[i64], steps: &[i64]) -> Option<i64> {
    starts
        .iter()
        .zip(steps)
        .try_fold(origin, |acc, (&p, &s)| acc.checked_add(p.checked_mul(s)?))
}

/// A random array of the given chunks; `label` as Dask names it
/// (`random_sample`, `uniform`, `normal`, `standard_normal`, `integers`).
pub fn random(chunks: Chunks, dist: Distribution, seed: u64, label: &str) -> Result<Expr> {
    let bad = |reason: String| {
        Err(Error::InvalidArgument {
            op: label.into(),
            reason,
        })
    };
    let dtype = match dist {
        Distribution::Uniform { low, high } if !(low.is_finite() && high.is_finite()) => {
            return bad(format!("bounds must be finite, got low={low}, high={high}"));
        }
        Distribution::Normal { scale, loc }
            if !(scale >= 0.0 && scale.is_finite() && loc.is_finite()) =>
        {
            return bad(format!(
                "scale must be finite and >= 0 and loc finite, got loc={loc}, scale={scale}"
            ));
        }
        Distribution::Integers { low, high } if high <= low => {
            return bad(format!(
                "high must be greater than low, got low={low}, high={high}"
            ));
        }
        Distribution::Integers { .. } => DType::I64,
        _ => DType::F64,
    };
    // C-order strides of the whole array: a plain block is a view with them.
    // Checked, so a shape whose element count does not fit an i64 stream
    // position is an error in release builds too (not strides that wrap).
    let shape = chunks.shape();
    checked_nbytes(&shape, dtype)?;
    let mut steps = vec![1i64; shape.len()];
    for k in (0..shape.len().saturating_sub(1)).rev() {
        steps[k] = i64::try_from(shape[k + 1])
            .ok()
            .and_then(|d| steps[k + 1].checked_mul(d))
            .ok_or_else(|| ChunkError::SizeOverflow {
                shape: shape.clone(),
                what: format!("random-stream stride of axis {k}"),
            })?;
    }
    let tasks = RandomTasks {
        chunks: chunks.clone(),
        dist,
        seed,
        origin: 0,
        steps,
    };
    Ok(crate::creation::fill::creation_layer(
        label,
        chunks,
        dtype,
        Arc::new(tasks),
    ))
}

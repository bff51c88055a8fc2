//! Random arrays: the same seed gives the same values whatever the chunking and the scheduler.

use std::any::Any;
use std::sync::Arc;

use tessera_chunk_core::{affine_index, slice_plan, Chunks, DType, IndexItem};
use tessera_graph::{BlockTasks, KernelRef, Key, LayerRef, Result as GraphResult};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::kernels::random::{Distribution, RandomBlock};

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
    fn block_task(
        &self,
        _inputs: &[LayerRef],
        index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        let ranges = self.chunks.block_range(index)?;
        let origin = self.origin
            + ranges
                .iter()
                .zip(&self.steps)
                .map(|(r, &s)| r.start as i64 * s)
                .sum::<i64>();
        let kernel = RandomBlock {
            dist: self.dist,
            seed: self.seed,
            origin,
            block: ranges.iter().map(|r| r.len()).collect(),
            steps: self.steps.clone(),
        };
        Ok((Arc::new(kernel), Vec::new()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn sliced(&self, index: &[IndexItem]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        let chunks = slice_plan(&self.chunks, index).ok()?.chunks().clone();
        let affine = affine_index(&self.chunks.shape(), index).ok()?;
        let origin = self.origin
            + affine
                .start
                .iter()
                .zip(&self.steps)
                .map(|(&p, &s)| p * s)
                .sum::<i64>();
        let steps = affine
            .axes
            .iter()
            .map(|&(axis, step)| axis.map_or(0, |a| self.steps[a] * step))
            .collect();
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
    let shape = chunks.shape();
    let mut steps = vec![1i64; shape.len()];
    for k in (0..shape.len().saturating_sub(1)).rev() {
        steps[k] = steps[k + 1] * shape[k + 1] as i64;
    }
    let tasks = RandomTasks {
        chunks: chunks.clone(),
        dist,
        seed,
        origin: 0,
        steps,
    };
    Ok(crate::creation::creation_layer(
        label,
        chunks,
        dtype,
        Arc::new(tasks),
    ))
}

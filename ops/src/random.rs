//! Random arrays: the same seed gives the same values whatever the chunking and the scheduler.

use std::any::Any;
use std::sync::Arc;

use tessera_chunk_core::{Chunks, DType};
use tessera_graph::{
    BlockTasks, GeneralLayer, KernelRef, Key, LayerKind, LayerRef, Result as GraphResult,
};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::kernels::random::{Distribution, RandomBlock};

#[derive(Debug)]
struct RandomTasks {
    chunks: Chunks,
    dist: Distribution,
    seed: u64,
}

impl BlockTasks for RandomTasks {
    fn block_task(
        &self,
        _inputs: &[LayerRef],
        index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        let ranges = self.chunks.block_range(index)?;
        let kernel = RandomBlock {
            dist: self.dist,
            seed: self.seed,
            shape: self.chunks.shape(),
            offset: ranges.iter().map(|r| r.start).collect(),
            block: ranges.iter().map(|r| r.len()).collect(),
        };
        Ok((Arc::new(kernel), Vec::new()))
    }
    fn as_any(&self) -> &dyn Any {
        self
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
    let tasks = RandomTasks {
        chunks: chunks.clone(),
        dist,
        seed,
    };
    Ok(Expr::new(GeneralLayer::new(
        label,
        LayerKind::Creation,
        chunks,
        dtype,
        Vec::new(),
        Arc::new(tasks),
    )))
}

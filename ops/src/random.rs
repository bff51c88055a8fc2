//! Random arrays: the same seed gives the same values whatever the chunking and the scheduler.

use std::any::Any;
use std::sync::Arc;

use tessera_chunk_core::{
    slice_plan, AxisSelection, Chunks, DType, IndexItem, OutputAxis, SlicePlan,
};
use tessera_graph::{BlockTasks, KernelRef, Key, LayerRef, Result as GraphResult};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::kernels::random::{Distribution, RandomBlock};

#[derive(Debug)]
struct RandomTasks {
    chunks: Chunks,
    dist: Distribution,
    seed: u64,
    /// A pushed-down slice of the original array (whose chunks come second):
    /// blocks then draw only the selected elements.
    view: Option<(SlicePlan, Chunks)>,
}

impl BlockTasks for RandomTasks {
    fn block_task(
        &self,
        _inputs: &[LayerRef],
        index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        let kernel = match &self.view {
            None => {
                let ranges = self.chunks.block_range(index)?;
                RandomBlock {
                    dist: self.dist,
                    seed: self.seed,
                    shape: self.chunks.shape(),
                    offset: ranges.iter().map(|r| r.start).collect(),
                    block: ranges.iter().map(|r| r.len()).collect(),
                    steps: Vec::new(),
                }
            }
            Some((plan, source)) => {
                let sel = plan.block(index)?;
                let (mut offset, mut steps, mut block) = (Vec::new(), Vec::new(), Vec::new());
                for (axis, s) in sel.selection.iter().enumerate() {
                    let base = source.offsets(axis)[sel.input_block[axis]];
                    let (start, step, len) = match *s {
                        AxisSelection::Range { start, step, len } => (start, step, len),
                        // `sliced` only accepts plans of plain ranges.
                        AxisSelection::Int(i) => (i, 1, 1),
                    };
                    offset.push(base + start);
                    steps.push(step);
                    block.push(len);
                }
                RandomBlock {
                    dist: self.dist,
                    seed: self.seed,
                    shape: source.shape(),
                    offset,
                    block,
                    steps,
                }
            }
        };
        Ok((Arc::new(kernel), Vec::new()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn sliced(&self, index: &[IndexItem]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        if self.view.is_some() {
            return None;
        }
        let plan = slice_plan(&self.chunks, index).ok()?;
        // Plain ranges only: integers and new axes change the rank.
        let plain = plan.output_axes().len() == self.chunks.ndim()
            && plan
                .output_axes()
                .iter()
                .enumerate()
                .all(|(k, a)| *a == OutputAxis::Input(k));
        if !plain {
            return None;
        }
        let chunks = plan.chunks().clone();
        let view = Some((plan, self.chunks.clone()));
        let tasks = RandomTasks {
            chunks: chunks.clone(),
            dist: self.dist,
            seed: self.seed,
            view,
        };
        Some((chunks, Arc::new(tasks)))
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
        view: None,
    };
    Ok(crate::creation::creation_layer(
        label,
        chunks,
        dtype,
        Arc::new(tasks),
    ))
}

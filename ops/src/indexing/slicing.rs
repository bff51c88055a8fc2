//! Basic indexing (`x[3, 1:8:2, None, ...]`): one layer whose block `i` is a
//! slice of one input block, with Dask's output chunks.

use std::sync::Arc;

use tessera_chunk_core::{slice_plan, Chunks, IndexItem, SlicePlan};
use tessera_graph::{BlockTasks, GeneralLayer, Key, LayerKind, LayerRef};

use crate::error::Result;
use crate::expr::Expr;
use crate::indexing::slice_kernel::SliceBlock;

/// Builds the slice task of each output block from the plan.
#[derive(Debug)]
pub struct SliceTasks {
    /// The index as given.
    pub index: Vec<IndexItem>,
    /// The plan (public so passes can look inside).
    pub plan: SlicePlan,
}

impl BlockTasks for SliceTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let sel = self.plan.block(index)?;
        let input = tessera_graph::input_name(inputs, 0)?;
        let kernel = SliceBlock {
            elems: sel.elems.iter().map(|&e| e.into()).collect(),
        };
        Ok((Arc::new(kernel), vec![Key::new(input, sel.input_block)]))
    }
    crate::kernel::as_any!();
    fn slice_index(&self) -> Option<&[IndexItem]> {
        Some(&self.index)
    }
    fn slice_of(&self, chunks: &Chunks) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        let plan = slice_plan(chunks, &self.index).ok()?;
        let out = plan.chunks().clone();
        Some((
            out,
            Arc::new(SliceTasks {
                index: self.index.clone(),
                plan,
            }),
        ))
    }
}

/// `x[index]`; the array itself when the index selects everything (as Dask).
pub fn getitem(x: &Expr, index: &[IndexItem]) -> Result<Expr> {
    let plan = slice_plan(x.chunks(), index)?;
    if plan.is_identity() {
        return Ok(x.clone());
    }
    let chunks = plan.chunks().clone();
    Ok(Expr::new(GeneralLayer::new(
        "getitem",
        LayerKind::Regroup,
        chunks,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(SliceTasks {
            index: index.to_vec(),
            plan,
        }),
    )))
}

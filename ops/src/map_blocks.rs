//! User kernels over blocks (`map_blocks`), and arrays of computed blocks (`persist`).

use std::any::Any;
use std::sync::Arc;

use tessera_chunk_core::{Block, Chunks, DType};
use tessera_graph::{
    BlockMap, BlockTasks, Blockwise, GeneralLayer, KernelRef, Key, LayerKind, LayerRef,
    Result as GraphResult,
};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::from_array::LiteralBlock;

/// Apply `kernel` to every block of `x`; the result has `chunks` (default:
/// `x`'s) and `dtype`. A closure kernel runs in-process only; a registered
/// named kernel can travel to other processes.
pub fn map_blocks(
    x: &Expr,
    kernel: KernelRef,
    chunks: Option<Chunks>,
    dtype: DType,
    label: &str,
) -> Result<Expr> {
    let chunks = chunks.unwrap_or_else(|| x.chunks().clone());
    if chunks.numblocks() != x.chunks().numblocks() {
        return Err(Error::InvalidArgument {
            op: "map_blocks".into(),
            reason: format!(
                "the output chunks {chunks} must have the same block grid {:?} as the input",
                x.chunks().numblocks()
            ),
        });
    }
    Ok(Expr::new(Blockwise::new(
        label,
        chunks,
        dtype,
        vec![x.layer().clone()],
        vec![BlockMap::identity(x.ndim())],
        kernel,
    )))
}

#[derive(Debug)]
struct Materialized {
    chunks: Chunks,
    blocks: Vec<Block>,
}

impl BlockTasks for Materialized {
    fn block_task(
        &self,
        _inputs: &[LayerRef],
        index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        self.chunks.check_block(index)?;
        let block = self
            .blocks
            .get(self.chunks.linear_index(index))
            .cloned()
            .ok_or_else(|| tessera_chunk_core::Error::BlockIndexOutOfBounds {
                index: index.to_vec(),
                grid: self.chunks.numblocks(),
            })?;
        Ok((Arc::new(LiteralBlock(block)), Vec::new()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An array of already computed blocks (C order of the grid), as `persist()` returns.
pub fn materialized(chunks: Chunks, dtype: DType, blocks: Vec<Block>, label: &str) -> Result<Expr> {
    if blocks.len() != chunks.num_blocks() {
        return Err(Error::InvalidArgument {
            op: "persist".into(),
            reason: format!(
                "{} blocks given for a grid of {}",
                blocks.len(),
                chunks.num_blocks()
            ),
        });
    }
    for (index, b) in chunks.blocks().zip(&blocks) {
        let want = chunks.block_shape(&index)?;
        if b.shape() != want.as_slice() || b.dtype() != dtype {
            return Err(Error::InvalidArgument {
                op: "persist".into(),
                reason: format!(
                    "block {index:?} is {} {:?}, expected {dtype} {want:?}",
                    b.dtype(),
                    b.shape()
                ),
            });
        }
    }
    Ok(Expr::new(GeneralLayer::new(
        label,
        LayerKind::Other,
        chunks.clone(),
        dtype,
        Vec::new(),
        Arc::new(Materialized { chunks, blocks }),
    )))
}

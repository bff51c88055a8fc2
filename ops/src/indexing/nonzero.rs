//! `nonzero`: the flat (C order) indices of the non-zero elements of each
//! block, then all of them sorted in one task. The count depends on the data,
//! which the chunk grid cannot say (Dask gives unknown chunks): the declared
//! lengths are upper bounds, so run the graph and read the last layer's one
//! block rather than assembling it.

use std::sync::Arc;

use ndarray::{ArrayD, Dimension, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, BlockIndices, Chunks, DType, Element};
use tessera_graph::{BlockTasks, GeneralLayer, Kernel, KernelError, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;

/// The flat indices of the non-zero (true, NaN included) elements of one
/// block of an array of `shape`, the block starting at `origin`; with
/// several inputs (the `gather` step), their indices merged and sorted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NonzeroBlock {
    /// Where the block starts (empty for the gather step).
    pub origin: Vec<usize>,
    /// The whole array's shape.
    pub shape: Vec<usize>,
    /// Whether the inputs are index blocks to merge.
    pub gather: bool,
}

crate::kernel::kernel_id!(NonzeroBlock, "tessera.nonzero");

impl NonzeroBlock {
    fn flat<T: Element>(&self, a: &Block) -> std::result::Result<Vec<i64>, KernelError> {
        let a = a.as_array::<T>()?;
        let zero = T::default();
        let mut strides = vec![1usize; self.shape.len()];
        for d in (0..self.shape.len().saturating_sub(1)).rev() {
            strides[d] = strides[d + 1] * self.shape[d + 1];
        }
        Ok(a.indexed_iter()
            .filter(|(_, v)| **v != zero)
            .map(|(at, _)| {
                (0..at.ndim())
                    .map(|d| (self.origin[d] + at[d]) * strides[d])
                    .sum::<usize>() as i64
            })
            .collect())
    }
}

impl Kernel for NonzeroBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> std::result::Result<Block, KernelError> {
        let mut all: Vec<i64> = Vec::new();
        for b in inputs {
            if self.gather {
                all.extend(b.as_array::<i64>()?.iter().copied());
            } else {
                all.extend(
                    tessera_chunk_core::with_block!(b, x => { let _ = x; self.flat_like(x, b)? }),
                );
            }
        }
        all.sort_unstable();
        let n = all.len();
        ArrayD::from_shape_vec(IxDyn(&[n]), all)
            .map(Block::from_array)
            .map_err(|e| KernelError::new(e.to_string()))
    }
}

impl NonzeroBlock {
    fn flat_like<T: Element>(
        &self,
        _like: &ndarray::ArcArray<T, IxDyn>,
        b: &Block,
    ) -> std::result::Result<Vec<i64>, KernelError> {
        self.flat::<T>(b)
    }
}

/// Task `i` reads block `i` of the input (C order), or every block (`gather`).
#[derive(Debug)]
struct NonzeroTasks {
    chunks: Chunks,
    grid: Vec<usize>,
    gather: bool,
}

impl BlockTasks for NonzeroTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let input = tessera_graph::input_name(inputs, 0)?;
        let i = index.first().copied().unwrap_or(0);
        let blocks: Vec<Vec<usize>> = if self.gather {
            BlockIndices::new(self.grid.clone()).collect()
        } else {
            BlockIndices::new(self.grid.clone())
                .skip(i)
                .take(1)
                .collect()
        };
        let origin = match (self.gather, blocks.first()) {
            (false, Some(b)) => (0..b.len()).map(|d| self.chunks.offsets(d)[b[d]]).collect(),
            _ => Vec::new(),
        };
        let kernel = NonzeroBlock {
            origin,
            shape: self.chunks.shape(),
            gather: self.gather,
        };
        let deps = blocks
            .into_iter()
            .map(|b| Key::new(input.clone(), b))
            .collect();
        Ok((Arc::new(kernel), deps))
    }
    crate::kernel::as_any!();
}

/// The graph of the sorted flat indices of `x`'s non-zero elements: its last
/// layer has one block, of declared length `x.size()` (an upper bound).
pub fn nonzero(x: &Expr) -> Result<Expr> {
    if x.ndim() == 0 {
        return Err(Error::InvalidArgument {
            op: "nonzero".into(),
            reason: "a 0-d array has no axes to index; reshape it to 1-d first (the Array API refuses 0-d input)".into(),
        });
    }
    let chunks = x.chunks();
    let sizes: Vec<usize> = chunks
        .blocks()
        .map(|b| chunks.block_shape(&b).map(|s| s.iter().product()))
        .collect::<std::result::Result<_, _>>()?;
    let per_block = Expr::new(GeneralLayer::new(
        "nonzero_internal",
        LayerKind::Other,
        Chunks::new(vec![sizes])?,
        DType::I64,
        vec![x.layer().clone()],
        Arc::new(NonzeroTasks {
            chunks: chunks.clone(),
            grid: chunks.numblocks(),
            gather: false,
        }),
    ));
    Ok(Expr::new(GeneralLayer::new(
        "nonzero-aggregate",
        LayerKind::Other,
        Chunks::new(vec![vec![x.size()]])?,
        DType::I64,
        vec![per_block.layer().clone()],
        Arc::new(NonzeroTasks {
            chunks: per_block.chunks().clone(),
            grid: per_block.chunks().numblocks(),
            gather: true,
        }),
    )))
}

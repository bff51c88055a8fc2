//! User kernels over blocks (`map_blocks`), and arrays of computed blocks (`persist`).

use std::sync::Arc;

use tessera_chunk_core::{Block, Chunks, DType};
use tessera_graph::{
    BlockMap, BlockTasks, Blockwise, GeneralLayer, KernelRef, LayerKind, LayerRef,
};

use crate::blockwise::index::{build, AdjustChunks, Ind, Spec};
use crate::creation::from_array::LiteralBlock;
use crate::error::{Error, Result};
use crate::expr::Expr;

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

/// How `map_blocks` changes axes and chunks (Dask's `drop_axis`, `new_axis`, `chunks`).
#[derive(Debug, Clone, Default)]
pub struct MapBlocksOptions {
    /// Input axes the kernel removes (negative counts from the end). Blocks
    /// along them are concatenated into one before the kernel sees them, as Dask does.
    pub drop_axis: Vec<i64>,
    /// Output positions of axes the kernel adds; each gets one chunk (of
    /// length 1, or its entry of `chunks`). `None` with more `chunks` entries
    /// than output axes adds leading axes, as Dask does.
    pub new_axis: Option<Vec<usize>>,
    /// Output chunks per output axis: a length for every block, the length of
    /// each block, or (not for new axes) a function of the input length.
    pub chunks: Option<Vec<AdjustChunks>>,
}

/// Apply `kernel` to every block of `x` with axes dropped or added and output
/// chunks set as Dask's `map_blocks(func, x, drop_axis=, new_axis=, chunks=)`.
pub fn map_blocks_with(
    x: &Expr,
    kernel: KernelRef,
    opts: &MapBlocksOptions,
    dtype: DType,
    label: &str,
) -> Result<Expr> {
    let op = "map_blocks";
    let ndim = x.ndim();
    // Dask names input axis k by the number ndim - 1 - k.
    let mut out: Vec<Ind> = (0..ndim as Ind).rev().collect();
    let in_ind = out.clone();
    let mut dropped: Vec<usize> = Vec::new();
    for &d in &opts.drop_axis {
        let n = ndim as i64;
        if d < -n || d >= n {
            return Err(invalid(
                op,
                format!(
                    "drop_axis {d} is out of range for an input of {ndim} dimensions (shape {:?}); axes go from {} to {}",
                    x.shape(),
                    -n,
                    n - 1
                ),
            ));
        }
        let d = d.rem_euclid(n.max(1)) as usize;
        if !dropped.contains(&d) {
            dropped.push(d);
        }
    }
    out = out
        .into_iter()
        .enumerate()
        .filter(|(k, _)| !dropped.contains(k))
        .map(|(_, i)| i)
        .collect();
    let chunks = opts.chunks.as_deref();
    let mut new_axis = opts.new_axis.clone().unwrap_or_else(|| match chunks {
        Some(c) if c.len() > out.len() => (0..c.len() - out.len()).collect(),
        _ => Vec::new(),
    });
    new_axis.sort_unstable();
    let final_ndim = out.len() + new_axis.len();
    if let Some(w) = new_axis.windows(2).find(|w| w[0] == w[1]) {
        return Err(invalid(op, format!("new_axis {} is given twice", w[0])));
    }
    if let Some(&ax) = new_axis.iter().find(|&&ax| ax >= final_ndim) {
        return Err(invalid(
            op,
            format!(
                "new_axis {ax} is out of range for an output of {final_ndim} dimensions; new axes go at positions 0 to {}",
                final_ndim.saturating_sub(1)
            ),
        ));
    }
    let mut new_axes: Vec<(Ind, Vec<usize>)> = Vec::new();
    for &ax in &new_axis {
        let id = (out.len() + dropped.len()) as Ind;
        out.insert(ax, id);
        let lengths = match chunks.and_then(|c| c.get(ax)) {
            None => vec![1],
            Some(AdjustChunks::Each(n)) => vec![*n],
            Some(AdjustChunks::Blocks(b)) if b.is_empty() => {
                return Err(invalid(
                    op,
                    format!("new axis {ax} has no chunks; give its length, e.g. Each(3)"),
                ))
            }
            Some(AdjustChunks::Blocks(b)) => b.clone(),
            Some(AdjustChunks::Map(_)) => {
                return Err(invalid(
                    op,
                    format!("the chunks of new axis {ax} must be lengths, not a function"),
                ))
            }
        };
        new_axes.push((id, lengths));
    }
    let adjust = match chunks {
        Some(c) if c.len() != out.len() => {
            return Err(invalid(
                op,
                format!(
                    "provided chunks have {} dimensions; expected {} (the input's {ndim}, less {} dropped, plus {} new)",
                    c.len(),
                    out.len(),
                    dropped.len(),
                    new_axis.len()
                ),
            ))
        }
        Some(c) => out.iter().copied().zip(c.iter().cloned()).collect(),
        None => Vec::new(),
    };
    let spec = Spec {
        op,
        out,
        inputs: vec![(x.clone(), in_ind)],
        new_axes,
        adjust,
        concatenate: true,
        // map_blocks' indices are internal numbers; messages name dimensions instead.
        show: |_| String::new(),
    };
    build(&spec, kernel, dtype, label)
}

fn invalid(op: &str, reason: String) -> Error {
    Error::InvalidArgument {
        op: op.into(),
        reason,
    }
}

#[derive(Debug)]
struct Materialized {
    chunks: Chunks,
    blocks: Vec<Block>,
}

impl BlockTasks for Materialized {
    fn block_task(&self, _inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
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
    crate::kernel::as_any!();
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

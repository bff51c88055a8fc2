//! `tril` and `triu`: the lower or upper triangle of the last two axes, the
//! rest zeroed. One task per block, each with its own diagonal offset (the
//! block's row and column origin shift `k`); the chunks are Dask's (the
//! input's, split where Dask's mask has its cuts).

use std::sync::Arc;

use ndarray::{ArcArray, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{unify_chunks, with_block, Block, Chunks, Element};
use tessera_graph::{BlockTasks, GeneralLayer, Kernel, KernelError, Key, LayerKind, LayerRef};

use crate::creation::eye::{block_k, square_cuts};
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::rechunk::layers::rechunk_to;

/// Keep the triangle of a block's last two axes: `col - row <= k` when
/// `lower`, `col - row >= k` otherwise (block-local `k`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TriBlock {
    /// `tril` (true) or `triu`.
    pub lower: bool,
    /// The diagonal inside the block.
    pub k: i64,
}

crate::kernel::kernel_id!(TriBlock, "tessera.tri");

fn keep_triangle<T: Element>(a: &ArcArray<T, IxDyn>, lower: bool, k: i64) -> Block {
    let mut out = a.to_owned();
    let nd = out.ndim();
    for (ix, v) in out.indexed_iter_mut() {
        let d = ix[nd - 1] as i64 - ix[nd - 2] as i64;
        let keep = if lower { d <= k } else { d >= k };
        if !keep {
            *v = T::default();
        }
    }
    Block::from_array(out)
}

impl Kernel for TriBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        if a.shape().len() < 2 {
            return Err(KernelError::new(format!(
                "tril/triu needs blocks of at least 2 dimensions, got shape {:?}",
                a.shape()
            )));
        }
        Ok(with_block!(a, x => keep_triangle(x, self.lower, self.k)))
    }
}

#[derive(Debug)]
struct TriTasks {
    chunks: Chunks,
    lower: bool,
    k: i64,
}

impl BlockTasks for TriTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let name = tessera_graph::input_name(inputs, 0)?;
        let r = self.chunks.block_range(index)?;
        let nd = r.len();
        let kernel = TriBlock {
            lower: self.lower,
            k: block_k(self.k, r[nd - 2].start, r[nd - 1].start),
        };
        Ok((Arc::new(kernel), vec![Key::new(name, index.to_vec())]))
    }
    crate::kernel::as_any!();
}

fn tri(x: &Expr, k: i64, lower: bool) -> Result<Expr> {
    let label = if lower { "tril" } else { "triu" };
    if x.ndim() < 2 {
        return Err(Error::InvalidArgument {
            op: label.into(),
            reason: format!(
                "the array has {} dimension(s); {label} needs at least 2 (a matrix or a stack of them)",
                x.ndim()
            ),
        });
    }
    // Dask masks with `tri(.., chunks=x.chunks[-2:])`, which cuts each of the
    // two axes regularly by its first chunk length, and `where` then splits
    // the array's chunks at those cuts too: the same chunks here.
    let mut mask = x.chunks().axes().to_vec();
    for axis in &mut mask[x.ndim() - 2..] {
        let len = axis.iter().sum();
        *axis = square_cuts(len, axis.first().copied().unwrap_or(0));
    }
    let chunks = unify_chunks(&[x.chunks(), &Chunks::new(mask)?])?;
    let x = if &chunks == x.chunks() {
        x.clone()
    } else {
        rechunk_to(x, chunks.clone())?
    };
    let tasks = TriTasks {
        chunks: chunks.clone(),
        lower,
        k,
    };
    Ok(Expr::new(GeneralLayer::new(
        label,
        LayerKind::Blockwise,
        chunks,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(tasks),
    )))
}

/// The lower triangle of the last two axes (`da.tril(x, k)`): elements with
/// `col - row <= k` kept, the others zero.
pub fn tril(x: &Expr, k: i64) -> Result<Expr> {
    tri(x, k, true)
}

/// The upper triangle of the last two axes (`da.triu(x, k)`): elements with
/// `col - row >= k` kept, the others zero.
pub fn triu(x: &Expr, k: i64) -> Result<Expr> {
    tri(x, k, false)
}

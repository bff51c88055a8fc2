//! `topk` as Dask builds it: a tree reduction along one axis whose chunk and
//! combine steps keep each lane's top |k| and whose aggregate sorts them; the
//! axis ends as one chunk of |k|.

use std::sync::Arc;

use tessera_chunk_core::normalize_axis;
use tessera_graph::{BlockMap, Blockwise};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reduce::reduction::{level_chunks, split_every, Tree};
use crate::reduce::topk_kernel::TopkBlock;

/// The `k` largest elements along `axis` in descending order (k > 0), or the
/// `-k` smallest in ascending order (k < 0), as `da.topk(x, k, axis)`.
pub fn topk(x: &Expr, k: i64, axis: i64, split: Option<usize>) -> Result<Expr> {
    let invalid = |reason: String| Error::InvalidArgument {
        op: "topk".into(),
        reason,
    };
    if x.dtype().kind() == 'c' {
        return Err(invalid(format!(
            "{} arrays have no order; take the real part or the absolute value first",
            x.dtype()
        )));
    }
    let ax = normalize_axis(axis, x.ndim())?;
    let len = x.shape()[ax];
    let size = k.unsigned_abs() as usize;
    if k == 0 {
        return Err(invalid(
            "k must be non-zero: positive for the largest elements, negative for the smallest"
                .into(),
        ));
    }
    if size > len {
        return Err(invalid(format!(
            "|k| = {size} is larger than axis {ax}, of length {len}; take at most {len}"
        )));
    }
    let split = split_every(split)?;
    let axes = vec![ax];
    let chunk = Expr::new(Blockwise::new(
        "topk",
        level_chunks(&x.chunks().numblocks(), x.chunks(), &axes, 1, size)?,
        x.dtype(),
        vec![x.layer().clone()],
        vec![BlockMap::identity(x.ndim())],
        Arc::new(TopkBlock {
            k,
            axis: ax,
            sorted: false,
        }),
    ));
    let tree = Tree {
        axes,
        split_every: split,
        keepdims: true,
        output_size: size,
        partial_label: "topk-partial",
        aggregate_label: "topk_aggregate-aggregate",
        out_dtype: x.dtype(),
    };
    let step = |sorted| {
        Arc::new(TopkBlock {
            k,
            axis: ax,
            sorted,
        })
    };
    tree.build(chunk, step(false), step(true))
}

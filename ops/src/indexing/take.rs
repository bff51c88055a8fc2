//! Integer-array and boolean-mask indexing along one axis (`x[:, [3, 0, -1]]`,
//! `x[mask]`), with Dask's output chunks, plus the joining and axis routines
//! built on slicing, transpose and concatenate ([`routines`], [`block`]).

use std::sync::Arc;

use tessera_chunk_core::{normalize_axis, Chunks, IndexItem};
use tessera_graph::{BlockTasks, GeneralLayer, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::indexing::slicing::getitem;
use crate::indexing::take_kernel::TakeBlock;
use crate::indexing::take_plan::{common_boundaries, dask_groups, locate, positive_indices, Group};

/// Builds each output block from the input blocks its group reads.
#[derive(Debug)]
struct TakeTasks {
    axis: usize,
    groups: Vec<Group>,
}

impl BlockTasks for TakeTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let name = tessera_graph::input_name(inputs, 0)?;
        let group = index
            .get(self.axis)
            .and_then(|&g| self.groups.get(g))
            .ok_or_else(|| {
                tessera_graph::Error::from(tessera_chunk_core::Error::BlockIndexOutOfBounds {
                    index: index.to_vec(),
                    grid: vec![self.groups.len()],
                })
            })?;
        let keys = group
            .sources
            .iter()
            .map(|&s| {
                let mut b = index.to_vec();
                b[self.axis] = s;
                Key::new(name.clone(), b)
            })
            .collect();
        let kernel = TakeBlock {
            axis: self.axis,
            source: group.source.clone(),
            local: group.local.clone(),
        };
        Ok((Arc::new(kernel), keys))
    }
    crate::kernel::as_any!();
}

/// One layer whose block `g` along `axis` holds the positions of `groups[g]`.
/// Empty groups are dropped unless all are empty: tessera's chunks have no
/// zero-length blocks on an axis that is not empty (an empty axis keeps
/// Dask's zero-length blocks).
fn take_layer(x: &Expr, axis: usize, mut groups: Vec<Group>) -> Result<Expr> {
    if groups.iter().any(|g| !g.is_empty()) {
        groups.retain(|g| !g.is_empty());
    }
    let mut axes = x.chunks().axes().to_vec();
    axes[axis] = groups.iter().map(Group::len).collect();
    Ok(Expr::new(GeneralLayer::new(
        "take",
        LayerKind::Regroup,
        Chunks::new(axes)?,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(TakeTasks { axis, groups }),
    )))
}

/// `x[(:,) * axis + (indices,)]` / `da.take(x, indices, axis)`: negative
/// indices count from the end; output chunks are Dask's grouping of the
/// indices. An empty list gives an empty axis, a full `0..n` the array itself.
pub fn take(x: &Expr, indices: &[i64], axis: i64) -> Result<Expr> {
    let axis = normalize_axis(axis, x.ndim())?;
    let chunks = x.chunks().axis(axis).to_vec();
    let len: usize = chunks.iter().sum();
    let index = positive_indices(indices, axis, len)?;
    take_positions(x, axis, &index)
}

fn take_positions(x: &Expr, axis: usize, index: &[usize]) -> Result<Expr> {
    let mut full = vec![IndexItem::full(); x.ndim()];
    if index.is_empty() {
        // Dask turns an empty list into the slice 0:0.
        full[axis] = IndexItem::range(0, 0);
        return getitem(x, &full);
    }
    if index.iter().enumerate().all(|(k, &p)| k == p) && index.len() == x.shape()[axis] {
        return Ok(x.clone());
    }
    let chunks = x.chunks().axis(axis);
    let groups = dask_groups(chunks, index);
    let hint = vec![0; groups.len()];
    take_layer(x, axis, locate(chunks, &groups, &hint))
}

fn check_mask_len(x: &Expr, axis: usize, len: usize) -> Result<()> {
    let want = x.shape()[axis];
    if len != want {
        return Err(Error::InvalidArgument {
            op: "boolean mask".into(),
            reason: format!(
                "the mask has {len} elements but axis {axis} has length {want}; give one bool per element"
            ),
        });
    }
    Ok(())
}

/// `x[(:,) * axis + (mask,)]` for a concrete mask: as Dask, the positions
/// where it is true, taken (so the chunks are [`take`]'s).
pub fn compress(x: &Expr, mask: &[bool], axis: i64) -> Result<Expr> {
    let axis = normalize_axis(axis, x.ndim())?;
    check_mask_len(x, axis, mask.len())?;
    let index: Vec<usize> = (0..mask.len()).filter(|&i| mask[i]).collect();
    take_positions(x, axis, &index)
}

/// `x[(:,) * axis + (mask,)]` for a mask that was a lazy array cut as
/// `mask_chunks`: Dask aligns the two cuts (every boundary of either) and
/// keeps one output block per aligned block, of unknown length; here the
/// mask's values are given (the caller computed it), so each block's length
/// is known: the count of true in it (blocks with none are left out, unless all are empty).
pub fn mask_blocks(x: &Expr, mask: &[bool], mask_chunks: &[usize], axis: i64) -> Result<Expr> {
    let axis = normalize_axis(axis, x.ndim())?;
    check_mask_len(x, axis, mask.len())?;
    if mask_chunks.iter().sum::<usize>() != mask.len() {
        return Err(Error::InvalidArgument {
            op: "boolean mask".into(),
            reason: format!(
                "mask chunks {mask_chunks:?} do not add up to the mask's {} elements",
                mask.len()
            ),
        });
    }
    let x_chunks = x.chunks().axis(axis).to_vec();
    let aligned = common_boundaries(&x_chunks, mask_chunks);
    let mut groups = Vec::with_capacity(aligned.len());
    let mut hint = Vec::with_capacity(aligned.len());
    let mut start = 0;
    let offsets = x.chunks().offsets(axis);
    for &len in &aligned {
        groups.push((start..start + len).filter(|&i| mask[i]).collect());
        hint.push(
            offsets
                .partition_point(|&o| o <= start)
                .saturating_sub(1)
                .min(x_chunks.len().saturating_sub(1)),
        );
        start += len;
    }
    take_layer(x, axis, locate(&x_chunks, &groups, &hint))
}

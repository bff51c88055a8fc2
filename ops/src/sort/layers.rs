//! `sort`, `argsort` and `searchsorted` as blocked algorithms (Dask has no
//! `sort`).
//!
//! Sort along an axis is two layers. First every chunk is sorted along the
//! axis on its own (one task per chunk, all in parallel). Then output chunk
//! `j` along the axis, which holds the ranks `start..stop` of its axis slab,
//! is cut from the sorted chunks: in each lane a binary search finds how
//! many elements every sorted chunk gives to the ranks below `start` and
//! below `stop` (`sort::order::split`), and the pieces between are merged.
//! The output keeps the input's chunks. A merge task reads every sorted chunk
//! of its axis slab (shared, not copied, in one process), so the memory an
//! axis slab needs is the bound, as for Dask's `topk`; chunks along the other
//! axes stay independent. An axis of one chunk needs no merge: the chunk
//! sort is the result.
//!
//! `searchsorted(a, v)` counts, for each value, the elements of every chunk
//! of the sorted `a` that come before it (one task per pair of chunks), then
//! sums the counts over `a`'s chunks with a tree reduction, so no task holds
//! more than one chunk of each.

use std::sync::Arc;

use tessera_chunk_core::{normalize_axis, result_type, Chunks, DType};
use tessera_graph::{BlockTasks, GeneralLayer, Key, LayerKind, LayerRef};

use crate::elementwise::layers::astype;
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reduce::reduce_kernels::ReduceOp;
use crate::reduce::reduction::{reduce, ReduceOptions};
use crate::sort::kernels::{MergeSorted, SearchBlock, SortBy, SortChunk};

fn check_orderable(op: &str, dtype: DType) -> Result<()> {
    if !dtype.is_array_type() {
        return Err(Error::UnsupportedDType {
            op: op.into(),
            dtype,
            reason: format!("{dtype} values cannot be held in an array"),
        });
    }
    Ok(())
}

#[derive(Debug)]
struct ChunkTasks {
    by: SortBy,
    offsets: Vec<usize>,
}

impl BlockTasks for ChunkTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let name = tessera_graph::input_name(inputs, 0)?;
        let kernel = SortChunk {
            by: self.by,
            offset: self.offsets[index[self.by.axis]],
        };
        Ok((Arc::new(kernel), vec![Key::new(name, index.to_vec())]))
    }
    crate::kernel::as_any!();
}

#[derive(Debug)]
struct MergeTasks {
    by: SortBy,
    offsets: Vec<usize>,
    lengths: Vec<usize>,
}

impl BlockTasks for MergeTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let j = index[self.by.axis];
        let layers = if self.by.indices { 2 } else { 1 };
        let mut deps = Vec::with_capacity(self.lengths.len() * layers);
        for l in 0..layers {
            let name = tessera_graph::input_name(inputs, l)?;
            for b in 0..self.lengths.len() {
                let mut at = index.to_vec();
                at[self.by.axis] = b;
                deps.push(Key::new(name.clone(), at));
            }
        }
        let kernel = MergeSorted {
            by: self.by,
            start: self.offsets[j],
            stop: self.offsets[j] + self.lengths[j],
        };
        Ok((Arc::new(kernel), deps))
    }
    crate::kernel::as_any!();
}

fn chunk_sort(x: &Expr, axis: usize, descending: bool, indices: bool, label: &str) -> Expr {
    let tasks = ChunkTasks {
        by: SortBy {
            axis,
            descending,
            indices,
        },
        offsets: x.chunks().offsets(axis),
    };
    let dtype = if indices { DType::I64 } else { x.dtype() };
    Expr::new(GeneralLayer::new(
        label,
        LayerKind::Blockwise,
        x.chunks().clone(),
        dtype,
        vec![x.layer().clone()],
        Arc::new(tasks),
    ))
}

fn sorted(x: &Expr, axis: i64, descending: bool, indices: bool) -> Result<Expr> {
    let op = if indices { "argsort" } else { "sort" };
    check_orderable(op, x.dtype())?;
    let axis = normalize_axis(axis, x.ndim())?;
    let values = chunk_sort(x, axis, descending, false, &format!("{op}-chunk"));
    // argsort sorts the values as well: the merge compares values, and reading
    // them through the positions instead would gather every sorted run again
    // in every merge task.
    let positions = indices.then(|| chunk_sort(x, axis, descending, true, "argsort-chunk"));
    let lengths = x.chunks().axis(axis).to_vec();
    if lengths.len() == 1 {
        return Ok(positions.unwrap_or(values));
    }
    let mut inputs = vec![values.layer().clone()];
    inputs.extend(positions.iter().map(|p| p.layer().clone()));
    let tasks = MergeTasks {
        by: SortBy {
            axis,
            descending,
            indices,
        },
        offsets: x.chunks().offsets(axis),
        lengths,
    };
    Ok(Expr::new(GeneralLayer::new(
        op,
        LayerKind::Other,
        x.chunks().clone(),
        if indices { DType::I64 } else { x.dtype() },
        inputs,
        Arc::new(tasks),
    )))
}

/// The array sorted along `axis` (NaN last; `descending` reverses the order,
/// NaN then first). Equal elements keep their order: the sort is stable
/// whether or not the caller asks for it.
pub fn sort(x: &Expr, axis: i64, descending: bool) -> Result<Expr> {
    sorted(x, axis, descending, false)
}

/// The positions (`i64`) that sort `x` along `axis`, stable, as `sort` orders.
pub fn argsort(x: &Expr, axis: i64, descending: bool) -> Result<Expr> {
    sorted(x, axis, descending, true)
}

#[derive(Debug)]
struct SearchTasks {
    right: bool,
}

impl BlockTasks for SearchTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let a = tessera_graph::input_name(inputs, 0)?;
        let v = tessera_graph::input_name(inputs, 1)?;
        let deps = vec![
            Key::new(a, vec![index[0]]),
            Key::new(v, index[1..].to_vec()),
        ];
        Ok((Arc::new(SearchBlock { right: self.right }), deps))
    }
    crate::kernel::as_any!();
}

/// `np.searchsorted(a, v, side)`: for each value of `v`, the position in the
/// sorted 1-d `a` where it would be inserted (`right`: after equal elements).
/// The result (`i64`) has `v`'s shape and chunks.
pub fn searchsorted(a: &Expr, v: &Expr, right: bool) -> Result<Expr> {
    let op = "searchsorted";
    if a.ndim() != 1 {
        return Err(Error::InvalidArgument {
            op: op.into(),
            reason: format!(
                "the sorted array has shape {:?}; it must be 1-dimensional",
                a.shape()
            ),
        });
    }
    let dtype = result_type(a.dtype(), v.dtype());
    check_orderable(op, dtype)?;
    let (a, v) = (astype(a, dtype)?, astype(v, dtype)?);
    let mut axes = vec![vec![1; a.chunks().axis(0).len()]];
    axes.extend(v.chunks().axes().iter().cloned());
    let counts = Expr::new(GeneralLayer::new(
        "searchsorted-block",
        LayerKind::Other,
        Chunks::new(axes)?,
        DType::I64,
        vec![a.layer().clone(), v.layer().clone()],
        Arc::new(SearchTasks { right }),
    ));
    let opts = ReduceOptions {
        axes: Some(vec![0]),
        keepdims: false,
        split_every: None,
    };
    reduce(&counts, ReduceOp::Sum, &opts)
}

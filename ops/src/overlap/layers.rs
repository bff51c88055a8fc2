//! Overlapping blocks as Dask's `dask.array.overlap` defines them:
//! `overlap` gives every block `depth` elements of its neighbours on each
//! side (and, with a boundary other than `none`, `depth` elements of boundary
//! values at the array's edges), `trim_internal` takes them off again, and
//! `map_overlap` is overlap → map_blocks → trim.
//!
//! Chunks follow Dask exactly. Axes with a chunk smaller than the depth are
//! first rechunked with Dask's `ensure_minimum_chunksize` (a depth larger
//! than the whole axis is an error). With a boundary other than `none`, every
//! block grows by `depth` on both sides; with `none`, inner edges grow by
//! `depth` and the array's outer edges do not (an axis of one block is left
//! as is). Dask builds this from pad, concatenate, overlap and getitem
//! layers; here it is one `overlap` layer whose tasks copy each block's
//! pieces straight from the neighbouring blocks.

use std::sync::Arc;

use tessera_chunk_core::{BlockIndices, Chunks, DType};
use tessera_graph::{
    BlockMap, BlockTasks, Blockwise, GeneralLayer, KernelRef, Key, LayerKind, LayerRef,
};

use crate::blockwise::map_blocks::map_blocks;
use crate::error::Result;
use crate::expr::Expr;
use crate::indexing::slice_kernel::{SliceBlock, SliceElem};
use crate::overlap::overlap_kernel::{OverlapBlock, Segment};
use crate::rechunk::layers::rechunk_to;

use crate::overlap::boundary::{invalid, Boundary};
use crate::overlap::plan::{axis_plan, ensure_minimum_chunksize, grown, trim_of};

/// Overlap depth: one for all axes, or one per axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Depth {
    /// The same depth on every axis.
    All(usize),
    /// A depth per axis (0 leaves an axis alone).
    PerAxis(Vec<usize>),
}

impl From<usize> for Depth {
    fn from(d: usize) -> Self {
        Depth::All(d)
    }
}

impl From<Vec<usize>> for Depth {
    fn from(d: Vec<usize>) -> Self {
        Depth::PerAxis(d)
    }
}

impl From<&[usize]> for Depth {
    fn from(d: &[usize]) -> Self {
        Depth::PerAxis(d.to_vec())
    }
}

impl<const N: usize> From<[usize; N]> for Depth {
    fn from(d: [usize; N]) -> Self {
        Depth::PerAxis(d.to_vec())
    }
}

/// Boundary conditions: one for all axes, or one per axis.
#[derive(Debug, Clone, PartialEq)]
pub enum Boundaries {
    /// The same boundary on every axis.
    All(Boundary),
    /// A boundary per axis.
    PerAxis(Vec<Boundary>),
}

impl From<Boundary> for Boundaries {
    fn from(b: Boundary) -> Self {
        Boundaries::All(b)
    }
}

impl From<Vec<Boundary>> for Boundaries {
    fn from(b: Vec<Boundary>) -> Self {
        Boundaries::PerAxis(b)
    }
}

impl<const N: usize> From<[Boundary; N]> for Boundaries {
    fn from(b: [Boundary; N]) -> Self {
        Boundaries::PerAxis(b.to_vec())
    }
}

/// Depth and boundary of every axis of an `ndim`-d array.
fn per_axis(
    op: &str,
    ndim: usize,
    depth: &Depth,
    boundary: &Boundaries,
) -> Result<(Vec<usize>, Vec<Boundary>)> {
    let depth = match depth {
        Depth::All(d) => vec![*d; ndim],
        Depth::PerAxis(d) if d.len() == ndim => d.clone(),
        Depth::PerAxis(d) => {
            return Err(invalid(
                op,
                format!(
                    "{} depths given for a {ndim}-d array: give one per axis",
                    d.len()
                ),
            ))
        }
    };
    let boundary = match boundary {
        Boundaries::All(b) => vec![*b; ndim],
        Boundaries::PerAxis(b) if b.len() == ndim => b.clone(),
        Boundaries::PerAxis(b) => {
            return Err(invalid(
                op,
                format!(
                    "{} boundaries given for a {ndim}-d array: give one per axis",
                    b.len()
                ),
            ))
        }
    };
    Ok((depth, boundary))
}

/// Builds the task of each overlapped block.
#[derive(Debug)]
struct OverlapTasks {
    input: Chunks,
    output: Chunks,
    depth: Vec<usize>,
    boundary: Vec<Boundary>,
    dtype: DType,
}

impl BlockTasks for OverlapTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let name = tessera_graph::input_name(inputs, 0)?;
        let plans: Vec<(Vec<Segment>, Vec<usize>)> = (0..index.len())
            .map(|ax| {
                axis_plan(
                    self.input.axis(ax),
                    index[ax],
                    self.depth[ax],
                    self.boundary[ax],
                )
            })
            .collect();
        let grid: Vec<usize> = plans.iter().map(|p| p.1.len()).collect();
        let deps = BlockIndices::new(grid.clone())
            .map(|pos| {
                let idx: Vec<usize> = pos.iter().zip(&plans).map(|(&p, plan)| plan.1[p]).collect();
                Key::new(name.clone(), idx)
            })
            .collect();
        let kernel = OverlapBlock {
            shape: self.output.block_shape(index)?,
            dtype: self.dtype,
            segments: plans.into_iter().map(|p| p.0).collect(),
            grid,
            fill: self
                .boundary
                .iter()
                .map(|b| match b {
                    Boundary::Constant(s) => Some(*s),
                    _ => None,
                })
                .collect(),
        };
        Ok((Arc::new(kernel), deps))
    }
    crate::kernel::as_any!();
}

/// Share `depth` elements between neighbouring blocks, with `boundary` values at the edges (Dask's `overlap`).
pub fn overlap(x: &Expr, depth: &Depth, boundary: &Boundaries) -> Result<Expr> {
    let (depth, boundary) = per_axis("overlap", x.ndim(), depth, boundary)?;
    if depth.iter().all(|&d| d == 0) {
        return Ok(x.clone());
    }
    let wanted = (0..x.ndim())
        .map(|ax| ensure_minimum_chunksize(depth[ax], x.chunks().axis(ax)))
        .collect::<Result<Vec<_>>>()?;
    let x = if wanted == x.chunks().axes() {
        x.clone()
    } else {
        rechunk_to(x, Chunks::new(wanted)?)?
    };
    let output = Chunks::new(
        (0..x.ndim())
            .map(|ax| grown(x.chunks().axis(ax), depth[ax], boundary[ax]))
            .collect(),
    )?;
    let tasks = OverlapTasks {
        input: x.chunks().clone(),
        output: output.clone(),
        depth,
        boundary,
        dtype: x.dtype(),
    };
    Ok(Expr::new(GeneralLayer::new(
        "overlap",
        LayerKind::Regroup,
        output,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(tasks),
    )))
}

/// The slice taking `(front, back)` elements off each axis of a block.
fn trim_kernel(trims: &[(usize, usize)]) -> KernelRef {
    let elems = trims
        .iter()
        .map(|&(front, back)| SliceElem::Slice {
            start: front as isize,
            end: (back > 0).then_some(-(back as isize)),
            step: 1,
        })
        .collect();
    Arc::new(SliceBlock { elems })
}

/// Builds the trim task of each block when trims differ between blocks.
#[derive(Debug)]
struct TrimTasks {
    grid: Vec<usize>,
    depth: Vec<usize>,
    boundary: Vec<Boundary>,
}

impl BlockTasks for TrimTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let name = tessera_graph::input_name(inputs, 0)?;
        let trims: Vec<(usize, usize)> = (0..index.len())
            .map(|ax| trim_of(index[ax], self.grid[ax], self.depth[ax], self.boundary[ax]))
            .collect();
        Ok((trim_kernel(&trims), vec![Key::new(name, index)]))
    }
    crate::kernel::as_any!();
}

/// Take the overlapped margins off every block again (Dask's `trim_internal`).
pub fn trim_internal(x: &Expr, depth: &Depth, boundary: &Boundaries) -> Result<Expr> {
    let (depth, boundary) = per_axis("trim_internal", x.ndim(), depth, boundary)?;
    let grid = x.chunks().numblocks();
    let mut out_axes = Vec::with_capacity(x.ndim());
    for ax in 0..x.ndim() {
        let n = grid[ax];
        let mut axis = Vec::with_capacity(n);
        for (j, &c) in x.chunks().axis(ax).iter().enumerate() {
            let (front, back) = trim_of(j, n, depth[ax], boundary[ax]);
            let left = c.checked_sub(front + back).ok_or_else(|| {
                invalid(
                    "trim_internal",
                    format!(
                        "block {j} of axis {ax} has {c} elements, fewer than the {} to trim",
                        front + back
                    ),
                )
            })?;
            axis.push(left);
        }
        out_axes.push(axis);
    }
    let out = Chunks::new(out_axes)?;
    let uniform = (0..x.ndim()).all(|ax| {
        (0..grid[ax]).all(|j| {
            trim_of(j, grid[ax], depth[ax], boundary[ax])
                == trim_of(0, grid[ax], depth[ax], boundary[ax])
        })
    });
    if uniform {
        let trims: Vec<(usize, usize)> = (0..x.ndim())
            .map(|ax| trim_of(0, grid[ax], depth[ax], boundary[ax]))
            .collect();
        return Ok(Expr::new(Blockwise::new(
            "trim",
            out,
            x.dtype(),
            vec![x.layer().clone()],
            vec![BlockMap::identity(x.ndim())],
            trim_kernel(&trims),
        )));
    }
    Ok(Expr::new(GeneralLayer::new(
        "trim",
        LayerKind::Regroup,
        out,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(TrimTasks {
            grid,
            depth,
            boundary,
        }),
    )))
}

/// Overlap, apply `kernel` to every overlapped block (it must keep the block's
/// shape), trim (Dask's `map_overlap`); with no depth it is `map_blocks`.
pub fn map_overlap(
    x: &Expr,
    kernel: KernelRef,
    depth: &Depth,
    boundary: &Boundaries,
    dtype: DType,
    label: &str,
) -> Result<Expr> {
    let (d, _) = per_axis("map_overlap", x.ndim(), depth, boundary)?;
    if d.iter().all(|&v| v == 0) {
        return map_blocks(x, kernel, None, dtype, label);
    }
    let g = overlap(x, depth, boundary)?;
    let mapped = map_blocks(&g, kernel, None, dtype, label)?;
    trim_internal(&mapped, depth, boundary)
}

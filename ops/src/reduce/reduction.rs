//! Tree reductions as Dask builds them: a blockwise `chunk` layer, then
//! `combine` levels merging up to `split_every` blocks per reduced axis, then
//! an `aggregate` level. Each level is one graph layer.

use std::sync::Arc;

use tessera_chunk_core::{BlockIndices, Chunks, DType};
use tessera_graph::{
    BlockMap, BlockTasks, Blockwise, GeneralLayer, KernelRef, Key, LayerKind, LayerRef,
};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reduce::reduce_kernels::{ReduceAggregate, ReduceChunk, ReduceCombine, ReduceOp};
use tessera_chunk_core::reduction_axes;

/// Dask's default `split_every` (its `array.split_every` config).
pub const DEFAULT_SPLIT_EVERY: usize = 4;

/// Options of a reduction.
#[derive(Debug, Clone, Default)]
pub struct ReduceOptions {
    /// Axes to reduce (negative counts from the end); `None` reduces all.
    pub axes: Option<Vec<i64>>,
    /// Keep reduced axes at length 1.
    pub keepdims: bool,
    /// Blocks merged per task (spread over the reduced axes as Dask does); `None` = 4.
    pub split_every: Option<usize>,
}

/// Per reduced axis fan-in: Dask gives each of n axes `max(int(s ** (1/n)), 2)`.
fn fan_in(split_every: usize, n_axes: usize) -> usize {
    let per_axis = (split_every as f64).powf(1.0 / n_axes.max(1) as f64) as usize;
    per_axis.max(2)
}

/// Tree depth as Dask computes it: `max(ceil(log(n, s)))` over reduced axes, at least 1.
fn depth(numblocks: &[usize], axes: &[usize], s: usize) -> usize {
    axes.iter()
        .map(|&ax| {
            let n = numblocks[ax];
            // Python's math.log(n, s) is ln(n)/ln(s); Dask inherits its rounding.
            ((n as f64).ln() / (s as f64).ln()).ceil() as usize
        })
        .fold(1, usize::max)
}

/// `split_every` or Dask's default, checked.
pub(crate) fn split_every(given: Option<usize>) -> Result<usize> {
    let split = given.unwrap_or(DEFAULT_SPLIT_EVERY);
    if split < 2 {
        return Err(Error::InvalidArgument {
            op: "reduction".into(),
            reason: format!("split_every must be at least 2, got {split}"),
        });
    }
    Ok(split)
}

/// Builds the tasks of one combine/aggregate level.
#[derive(Debug)]
struct LevelTasks {
    axes: Vec<usize>,
    fan_in: usize,
    input_grid: Vec<usize>,
    kernel: KernelRef,
    /// For the aggregate without keepdims: output index lacks the reduced axes.
    dropped: bool,
}

impl BlockTasks for LevelTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let input = tessera_graph::input_name(inputs, 0)?;
        // The output index with reduced axes restored (at 0 when they were dropped).
        let mut full = Vec::with_capacity(self.input_grid.len());
        let mut it = index.iter();
        for ax in 0..self.input_grid.len() {
            if self.dropped && self.axes.contains(&ax) {
                full.push(0);
            } else {
                full.push(it.next().copied().unwrap_or(0));
            }
        }
        let ranges: Vec<(usize, usize)> = (0..self.input_grid.len())
            .map(|ax| {
                if self.axes.contains(&ax) {
                    let lo = full[ax] * self.fan_in;
                    (lo, (lo + self.fan_in).min(self.input_grid[ax]))
                } else {
                    (full[ax], full[ax] + 1)
                }
            })
            .collect();
        let deps = BlockIndices::new(ranges.iter().map(|(lo, hi)| hi - lo).collect())
            .map(|off| {
                let idx: Vec<usize> = off.iter().zip(&ranges).map(|(o, (lo, _))| lo + o).collect();
                Key::new(input.clone(), idx)
            })
            .collect();
        Ok((self.kernel.clone(), deps))
    }
    crate::kernel::as_any!();
}

/// Chunks after a level merging `fan_in` blocks along each reduced axis, each
/// of length `size` there (Dask's `output_size`).
pub(crate) fn level_chunks(
    grid: &[usize],
    shape_chunks: &Chunks,
    axes: &[usize],
    fan_in: usize,
    size: usize,
) -> Result<Chunks> {
    let axes_out: Vec<Vec<usize>> = (0..grid.len())
        .map(|ax| {
            if axes.contains(&ax) {
                vec![size; grid[ax].div_ceil(fan_in).max(1)]
            } else {
                shape_chunks.axis(ax).to_vec()
            }
        })
        .collect();
    Ok(Chunks::new(axes_out)?)
}

/// Reduce `x` with `op` as a tree; the result has Dask's shape, chunks, dtype and layers.
pub fn reduce(x: &Expr, op: ReduceOp, opts: &ReduceOptions) -> Result<Expr> {
    let axes = reduction_axes(opts.axes.as_deref(), x.ndim())?;
    let shape = x.shape();
    if x.dtype().kind() == 'c' {
        match op {
            ReduceOp::Sum | ReduceOp::Prod => {}
            ReduceOp::Mean | ReduceOp::Var { .. } | ReduceOp::Std { .. } => {
                return complex_moment(x, op, &axes, opts)
            }
            _ => {
                return Err(Error::UnsupportedDType {
                    op: op.labels().2.into(),
                    dtype: x.dtype(),
                    reason: format!(
                        "{} arrays have sum, prod, mean, var and std (they are not ordered); \
                         reduce their real and imag parts instead",
                        x.dtype()
                    ),
                })
            }
        }
    }
    if op.needs_elements() && axes.iter().any(|&ax| shape[ax] == 0) {
        return Err(Error::InvalidArgument {
            op: op.labels().2.into(),
            reason: format!(
                "zero-size array along a reduced axis of shape {shape:?}: {op:?} has no identity"
            ),
        });
    }
    let split = split_every(opts.split_every)?;
    let (chunk_label, partial_label, agg_label) = op.labels();
    // chunk: blockwise, reduced axes become length 1 per block.
    let chunk_chunks = level_chunks(&x.chunks().numblocks(), x.chunks(), &axes, 1, 1)?;
    let chunk = Blockwise::new(
        chunk_label,
        chunk_chunks,
        op.intermediate_dtype(x.dtype()),
        vec![x.layer().clone()],
        vec![BlockMap::identity(x.ndim())],
        Arc::new(ReduceChunk {
            op,
            axes: axes.clone(),
        }),
    );
    let tree = Tree {
        axes: axes.clone(),
        split_every: split,
        keepdims: opts.keepdims,
        output_size: 1,
        partial_label,
        aggregate_label: agg_label,
        out_dtype: op.result_dtype(x.dtype()),
    };
    tree.build(
        Expr::new(chunk),
        Arc::new(ReduceCombine { op }),
        Arc::new(ReduceAggregate {
            op,
            axes,
            keepdims: opts.keepdims,
            input_dtype: x.dtype(),
        }),
    )
}

/// Mean, variance and standard deviation of a complex array, as NumPy
/// defines them: the mean is the complex sum over the element count; the
/// variance is the mean of `|z - mean|²`, which is exactly `var(re) +
/// var(im)`, so it reuses the real moment reductions (stable, one pass each)
/// and is real, as NumPy's (float32 for complex64).
fn complex_moment(x: &Expr, op: ReduceOp, axes: &[usize], opts: &ReduceOptions) -> Result<Expr> {
    use crate::elementwise::kernels::Part;
    use crate::elementwise::layers::{binary, binary_scalar, complex_part, unary};
    match op {
        ReduceOp::Mean => {
            let total = reduce(x, ReduceOp::Sum, opts)?;
            let n: usize = axes.iter().map(|&ax| x.shape()[ax]).product();
            // An empty slice divides by zero and gives NaN, as NumPy's mean.
            binary_scalar(
                crate::elementwise::kernels::BinaryOp::Div,
                &total,
                crate::scalar::Scalar::Float(n as f64),
                false,
            )
        }
        ReduceOp::Var { ddof } | ReduceOp::Std { ddof } => {
            let var = |part| reduce(&complex_part(part, x)?, ReduceOp::Var { ddof }, opts);
            let total = binary(
                crate::elementwise::kernels::BinaryOp::Add,
                &var(Part::Real)?,
                &var(Part::Imag)?,
            )?;
            match op {
                ReduceOp::Std { .. } => unary(crate::elementwise::kernels::UnaryOp::Sqrt, &total),
                _ => Ok(total),
            }
        }
        _ => unreachable!("complex_moment is called for mean, var and std only"),
    }
}

/// The combine and aggregate levels above a chunk layer: what every tree
/// reduction shares (sums, arg reductions, topk).
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    /// Reduced axes (normalised).
    pub axes: Vec<usize>,
    /// Blocks merged per task, spread over the reduced axes.
    pub split_every: usize,
    /// Whether reduced axes stay in the output.
    pub keepdims: bool,
    /// Length of a reduced axis in each intermediate and in the output (1, or |k| for topk).
    pub output_size: usize,
    /// Label of the combine levels.
    pub partial_label: &'static str,
    /// Label of the aggregate level.
    pub aggregate_label: &'static str,
    /// The output dtype.
    pub out_dtype: DType,
}

impl Tree {
    /// Stack combine levels on `chunked` (one block per input block) until one
    /// block per reduced axis is left for the aggregate.
    pub fn build(&self, chunked: Expr, combine: KernelRef, aggregate: KernelRef) -> Result<Expr> {
        let axes = &self.axes;
        let fan = fan_in(self.split_every, axes.len());
        let size = self.output_size;
        let mut current = chunked;
        let levels = depth(&current.chunks().numblocks(), axes, fan);
        for _ in 0..levels.saturating_sub(1) {
            let grid = current.chunks().numblocks();
            let chunks = level_chunks(&grid, current.chunks(), axes, fan, size)?;
            let tasks = LevelTasks {
                axes: axes.clone(),
                fan_in: fan,
                input_grid: grid,
                kernel: combine.clone(),
                dropped: false,
            };
            let layer = GeneralLayer::new(
                self.partial_label,
                LayerKind::Reduction,
                chunks,
                current.dtype(),
                vec![current.layer().clone()],
                Arc::new(tasks),
            );
            current = Expr::new(layer);
        }
        let grid = current.chunks().numblocks();
        let kept = level_chunks(&grid, current.chunks(), axes, usize::MAX, size)?;
        let out_chunks = if self.keepdims {
            kept
        } else {
            Chunks::new(
                kept.axes()
                    .iter()
                    .enumerate()
                    .filter(|(ax, _)| !axes.contains(ax))
                    .map(|(_, c)| c.clone())
                    .collect(),
            )?
        };
        let tasks = LevelTasks {
            axes: axes.clone(),
            fan_in: usize::MAX,
            input_grid: grid,
            kernel: aggregate,
            dropped: !self.keepdims,
        };
        Ok(Expr::new(GeneralLayer::new(
            self.aggregate_label,
            LayerKind::Reduction,
            out_chunks,
            self.out_dtype,
            vec![current.layer().clone()],
            Arc::new(tasks),
        )))
    }
}

/// `np.count_nonzero(x, axis)`: as Dask builds it, `x.astype(bool).astype(int).sum(axis)`
/// (elementwise casts that fuse into the sum's chunk step); the result is `int64`.
pub fn count_nonzero(x: &Expr, opts: &ReduceOptions) -> Result<Expr> {
    if x.dtype().kind() == 'c' {
        return Err(Error::UnsupportedDType {
            op: "count_nonzero".into(),
            dtype: x.dtype(),
            reason: format!(
                "count_nonzero of {} arrays is not supported yet; compare with zero first",
                x.dtype()
            ),
        });
    }
    let truth = crate::elementwise::layers::astype(x, DType::Bool)?;
    let ones = crate::elementwise::layers::astype(&truth, DType::I64)?;
    reduce(&ones, ReduceOp::Sum, opts)
}

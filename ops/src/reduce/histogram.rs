//! `histogram` with fixed bins, as `da.histogram(a, bins=n, range=(lo, hi))`:
//! a `histogram-sum` layer of one `[1, bins]` row of counts per input block,
//! summed over the blocks by the usual tree reduction.

use std::sync::Arc;

use tessera_chunk_core::{BlockIndices, Chunks, DType};
use tessera_graph::{BlockTasks, GeneralLayer, KernelRef, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reduce::histogram_kernel::HistogramBlock;
use crate::reduce::reduce_kernels::ReduceOp;
use crate::reduce::reduction::{reduce, ReduceOptions};

/// Row `i` of the stacked histograms counts input block `i` (C order of the grid).
#[derive(Debug)]
struct RowTasks {
    grid: Vec<usize>,
    kernel: KernelRef,
}

impl BlockTasks for RowTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let input = tessera_graph::input_name(inputs, 0)?;
        let row = index.first().copied().unwrap_or(0);
        let block = BlockIndices::new(self.grid.clone())
            .nth(row)
            .unwrap_or_else(|| vec![0; self.grid.len()]);
        Ok((self.kernel.clone(), vec![Key::new(input, block)]))
    }
    crate::kernel::as_any!();
}

/// `np.linspace(lo, hi, bins + 1)`: Dask's edges for a bin count and a range.
pub fn bin_edges(bins: usize, lo: f64, hi: f64) -> Vec<f64> {
    let step = (hi - lo) / bins as f64;
    let mut edges: Vec<f64> = (0..=bins).map(|i| lo + i as f64 * step).collect();
    if let Some(last) = edges.last_mut() {
        *last = hi;
    }
    edges
}

/// Counts of `x` in `bins` equal bins over `[lo, hi]` (the last bin closed;
/// NaN and values outside are not counted): a lazy `int64` array of one
/// chunk, and the `bins + 1` edges. With `lo == hi` the counts are over
/// `[lo - 0.5, hi + 0.5]` while the edges returned all equal `lo`, as Dask does.
pub fn histogram(x: &Expr, bins: usize, range: (f64, f64)) -> Result<(Expr, Vec<f64>)> {
    let (lo, hi) = range;
    let invalid = |reason: String| Error::InvalidArgument {
        op: "histogram".into(),
        reason,
    };
    if bins == 0 {
        return Err(invalid("bins must be at least 1, got 0".into()));
    }
    if !lo.is_finite() || !hi.is_finite() {
        return Err(invalid(format!(
            "range ({lo}, {hi}) must be finite numbers"
        )));
    }
    if lo > hi {
        return Err(invalid(format!(
            "range ({lo}, {hi}): max must be larger than min"
        )));
    }
    if x.dtype().kind() == 'c' {
        return Err(invalid(format!(
            "histograms of {} arrays are not supported; take the real part or the absolute value first",
            x.dtype()
        )));
    }
    let edges = bin_edges(bins, lo, hi);
    // Dask counts each block with `np.histogram(block, bins, range)`, which
    // widens an empty range by 0.5 each way, but returns the unwidened edges.
    let counting = if lo == hi {
        bin_edges(bins, lo - 0.5, hi + 0.5)
    } else {
        edges.clone()
    };
    let blocks = x.chunks().num_blocks();
    let rows = GeneralLayer::new(
        "histogram-sum",
        LayerKind::Other,
        Chunks::new(vec![vec![1; blocks], vec![bins]])?,
        DType::I64,
        vec![x.layer().clone()],
        Arc::new(RowTasks {
            grid: x.chunks().numblocks(),
            kernel: Arc::new(HistogramBlock { edges: counting }),
        }),
    );
    let opts = ReduceOptions {
        axes: Some(vec![0]),
        keepdims: false,
        split_every: None,
    };
    Ok((reduce(&Expr::new(rows), ReduceOp::Sum, &opts)?, edges))
}

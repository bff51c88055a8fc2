//! `cumsum` and `cumprod` as Dask's sequential `cumreduction`: a blockwise
//! scan of every block, then a layer in which block `i` along the axis adds
//! the last slice of the finished block `i - 1`. The carry reads its own
//! layer, so the running totals pass down the axis one block at a time and
//! no block waits for more than its predecessor.

use std::sync::Arc;

use tessera_chunk_core::{normalize_axis, Chunks};
use tessera_graph::{
    unique_name, BlockMap, BlockTasks, Blockwise, GeneralLayer, KernelRef, Key, LayerKind, LayerRef,
};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reduce::cumulative_kernels::{CumOp, CumulativeBlock, CumulativeCarry};

/// The carry layer's tasks: block `i` reads the scan of block `i` and the
/// previous non-empty block of this same layer.
#[derive(Debug)]
struct CarryTasks {
    own: Arc<str>,
    axis: usize,
    lengths: Vec<usize>,
    kernel: KernelRef,
}

impl BlockTasks for CarryTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let scanned = tessera_graph::input_name(inputs, 0)?;
        let mut deps = vec![Key::new(scanned, index.to_vec())];
        let i = index.get(self.axis).copied().unwrap_or(0);
        // Empty blocks carry nothing: skip back to the last block with elements.
        if let Some(prev) = (0..i).rev().find(|&j| self.lengths[j] > 0) {
            let mut before = index.to_vec();
            before[self.axis] = prev;
            deps.push(Key::new(self.own.clone(), before));
        }
        Ok((self.kernel.clone(), deps))
    }
    crate::kernel::as_any!();
}

/// Cumulative `op` along `axis`, or over the flattened array when `axis` is
/// `None` (Dask ravels first and rechunks to blocks of `npartitions` elements).
/// Output chunks equal the (flattened) input's.
pub fn cumulative(x: &Expr, op: CumOp, axis: Option<i64>) -> Result<Expr> {
    if x.dtype().kind() == 'c' {
        return Err(Error::UnsupportedDType {
            op: op.label().into(),
            dtype: x.dtype(),
            reason: format!(
                "{} of {} arrays is not supported yet; cast to a real dtype",
                op.label(),
                x.dtype()
            ),
        });
    }
    let (x, axis) = match axis {
        Some(a) => (x.clone(), normalize_axis(a, x.ndim())?),
        // Dask only flattens arrays of two or more axes, then scans axis 0,
        // which a 0-d array lacks (NumPy would give one element).
        None if x.ndim() == 0 => {
            return Err(Error::InvalidArgument {
                op: op.label().into(),
                reason: "a 0-d array has no axis 0 to scan; reshape it to 1-d first".into(),
            })
        }
        None if x.ndim() == 1 => (x.clone(), 0),
        None => (flatten_for_scan(x)?, 0),
    };
    let dtype = op.result_dtype(x.dtype());
    let scanned = Expr::new(Blockwise::new(
        op.label(),
        x.chunks().clone(),
        dtype,
        vec![x.layer().clone()],
        vec![BlockMap::identity(x.ndim())],
        Arc::new(CumulativeBlock { op, axis }),
    ));
    let own = unique_name(op.label());
    let tasks = CarryTasks {
        own: own.clone(),
        axis,
        lengths: x.chunks().axis(axis).to_vec(),
        kernel: Arc::new(CumulativeCarry { op, axis }),
    };
    Ok(Expr::new(
        GeneralLayer::new(
            op.label(),
            LayerKind::Other,
            x.chunks().clone(),
            dtype,
            vec![scanned.layer().clone()],
            Arc::new(tasks),
        )
        .with_name(own),
    ))
}

/// `x.flatten().rechunk(chunks=x.npartitions)`, as Dask's `cumreduction` does
/// for `axis=None`.
fn flatten_for_scan(x: &Expr) -> Result<Expr> {
    let per_block = x.chunks().num_blocks().max(1);
    let flat = crate::reshape::join::ravel(x)?;
    let size = flat.size();
    let mut lengths = vec![per_block; size / per_block];
    if !size.is_multiple_of(per_block) || lengths.is_empty() {
        lengths.push(size % per_block);
    }
    let target = Chunks::new(vec![lengths])?;
    if &target == flat.chunks() {
        return Ok(flat);
    }
    crate::rechunk::layers::rechunk_to(&flat, target)
}

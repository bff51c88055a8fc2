//! `argmin` and `argmax` as Dask's `arg_reduction`: each block reports its
//! winners with global indices (from its offsets), then the shared tree of
//! combine and aggregate levels picks among them.

use std::sync::Arc;

use tessera_chunk_core::{normalize_axis, DType};
use tessera_graph::{BlockTasks, GeneralLayer, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reduce::arg_kernels::{ArgAggregate, ArgChunk, ArgCombine, ArgOp};
use crate::reduce::reduction::{level_chunks, split_every, Tree};

/// The `arg-reduce` layer: one [`ArgChunk`] per block, carrying its offsets.
#[derive(Debug)]
struct ArgChunkTasks {
    op: ArgOp,
    axes: Vec<usize>,
    strides: Vec<usize>,
    offsets: Vec<Vec<usize>>,
}

impl BlockTasks for ArgChunkTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let input = tessera_graph::input_name(inputs, 0)?;
        let offsets = self
            .axes
            .iter()
            .map(|&ax| self.offsets[ax].get(index[ax]).copied().unwrap_or(0))
            .collect();
        let kernel = ArgChunk {
            op: self.op,
            axes: self.axes.clone(),
            offsets,
            strides: self.strides.clone(),
        };
        Ok((Arc::new(kernel), vec![Key::new(input, index.to_vec())]))
    }
    crate::kernel::as_any!();
}

/// `argmin`/`argmax` along `axis`, or of the flattened array for `None`
/// (an index into `x.ravel()`); the result is `int64` with Dask's chunks.
pub fn arg_reduce(
    x: &Expr,
    op: ArgOp,
    axis: Option<i64>,
    keepdims: bool,
    split: Option<usize>,
) -> Result<Expr> {
    let invalid = |reason: String| Error::InvalidArgument {
        op: op.name().into(),
        reason,
    };
    if x.dtype().kind() == 'c' {
        return Err(invalid(format!(
            "{} arrays have no order; take the real part or the absolute value first",
            x.dtype()
        )));
    }
    let shape = x.shape();
    let (axes, strides) = match axis {
        None => {
            // C-order strides: the index is into the flattened array.
            let mut strides = vec![1usize; shape.len()];
            for ax in (0..shape.len().saturating_sub(1)).rev() {
                strides[ax] = strides[ax + 1] * shape[ax + 1];
            }
            ((0..shape.len()).collect::<Vec<_>>(), strides)
        }
        Some(a) => (vec![normalize_axis(a, x.ndim())?], vec![1]),
    };
    if axes.iter().any(|&ax| shape[ax] == 0) {
        return Err(invalid(format!(
            "attempt to get {} of an empty sequence (shape {shape:?}); reduce along an axis with elements",
            op.name()
        )));
    }
    let split = split_every(split)?;
    let grid = x.chunks().numblocks();
    let tasks = ArgChunkTasks {
        op,
        axes: axes.clone(),
        strides,
        offsets: (0..x.ndim()).map(|ax| x.chunks().offsets(ax)).collect(),
    };
    let chunk = Expr::new(GeneralLayer::new(
        "arg-reduce",
        LayerKind::Reduction,
        level_chunks(&grid, x.chunks(), &axes, 1, 1)?,
        DType::I64,
        vec![x.layer().clone()],
        Arc::new(tasks),
    ));
    let tree = Tree {
        axes: axes.clone(),
        split_every: split,
        keepdims,
        output_size: 1,
        partial_label: "arg_combine-partial",
        aggregate_label: "arg_agg-aggregate",
        out_dtype: DType::I64,
    };
    let dtype = x.dtype();
    tree.build(
        chunk,
        Arc::new(ArgCombine { op, dtype }),
        Arc::new(ArgAggregate {
            op,
            dtype,
            axes,
            keepdims,
        }),
    )
}

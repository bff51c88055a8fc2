//! `take_along_axis(x, indices, axis)`: `out[..., j, ...] = x[..., indices[..., j, ...], ...]`.
//! Output block `b` reads block `b` of the indices and every block of `x`
//! along the axis at the same position on the other axes (an index may point
//! anywhere along the axis), so a task holds one axis-long slab of `x`; the
//! other axes stay blocked. The output has the indices' chunks along the
//! axis and `x`'s on the others.

use std::sync::Arc;

use ndarray::{ArcArray, ArrayD, Dimension, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{
    broadcast_shapes, normalize_axis, with_block, Block, Chunks, DType, Element,
};
use tessera_graph::{BlockTasks, GeneralLayer, Kernel, KernelError, Key, LayerKind, LayerRef};

use crate::elementwise::layers::astype;
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::rechunk::layers::rechunk_to;
use crate::reshape::broadcast::broadcast_to;

/// Inputs: the `i64` indices block, then every block of `x` along `axis`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TakeAlongBlock {
    /// The axis taken along.
    pub axis: usize,
}

crate::kernel::kernel_id!(TakeAlongBlock, "tessera.take_along_axis");

impl Kernel for TakeAlongBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let (Some(ind), Some(first)) = (inputs.first(), inputs.get(1)) else {
            return Err(crate::kernel::arity(self.id(), 2, inputs.len()));
        };
        let ind = ind
            .as_array::<i64>()
            .map_err(|e| KernelError::new(e.to_string()))?;
        with_block!(first, _x => gather(ind, &inputs[1..], self.axis, _x))
    }
}

fn gather<T: Element>(
    ind: &ArcArray<i64, IxDyn>,
    slab: &[Block],
    axis: usize,
    _witness: &ArcArray<T, IxDyn>,
) -> Result<Block, KernelError> {
    let parts = slab
        .iter()
        .map(|b| {
            b.as_array::<T>()
                .map_err(|e| KernelError::new(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut starts = Vec::with_capacity(parts.len());
    let mut len = 0usize;
    for p in &parts {
        if p.ndim() != ind.ndim() || axis >= p.ndim() {
            return Err(KernelError::new(format!(
                "take_along_axis: blocks of shape {:?} and indices of shape {:?} differ in rank",
                p.shape(),
                ind.shape()
            )));
        }
        starts.push(len);
        len += p.shape()[axis];
    }
    let mut src = vec![0usize; ind.ndim()];
    let mut values = Vec::with_capacity(ind.len());
    for (ix, &i) in ind.indexed_iter() {
        let pos = if i < 0 { i + len as i64 } else { i };
        if pos < 0 || pos >= len as i64 {
            return Err(KernelError::new(format!(
                "take_along_axis: index {i} is out of bounds for axis {axis} of length {len}; use indices in -{len}..{len}"
            )));
        }
        let pos = pos as usize;
        let b = starts.partition_point(|&s| s <= pos) - 1;
        src.copy_from_slice(ix.slice());
        src[axis] = pos - starts[b];
        let v = parts[b].get(IxDyn(&src)).ok_or_else(|| {
            KernelError::new(format!(
                "take_along_axis: position {src:?} is outside a block of shape {:?}",
                parts[b].shape()
            ))
        })?;
        values.push(*v);
    }
    ArrayD::from_shape_vec(IxDyn(ind.shape()), values)
        .map(Block::from_array)
        .map_err(|e| KernelError::new(e.to_string()))
}

#[derive(Debug)]
struct TakeAlongTasks {
    axis: usize,
    slab_blocks: usize,
}

impl BlockTasks for TakeAlongTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let ind = tessera_graph::input_name(inputs, 0)?;
        let x = tessera_graph::input_name(inputs, 1)?;
        let mut deps = vec![Key::new(ind, index.to_vec())];
        for b in 0..self.slab_blocks {
            let mut at = index.to_vec();
            at[self.axis] = b;
            deps.push(Key::new(x.clone(), at));
        }
        Ok((Arc::new(TakeAlongBlock { axis: self.axis }), deps))
    }
    crate::kernel::as_any!();
}

/// `take_along_axis(x, indices, axis)` (NumPy, Array API): `indices` has
/// `x`'s number of dimensions, integer values (negative ones count from the
/// end), and broadcasts with `x` on every axis but `axis`.
pub fn take_along_axis(x: &Expr, indices: &Expr, axis: i64) -> Result<Expr> {
    let op = "take_along_axis";
    if !matches!(indices.dtype().kind(), 'i' | 'u') {
        return Err(Error::UnsupportedDType {
            op: op.into(),
            dtype: indices.dtype(),
            reason: format!("indices must be integers, got {}", indices.dtype()),
        });
    }
    if x.ndim() != indices.ndim() || x.ndim() == 0 {
        return Err(Error::InvalidArgument {
            op: op.into(),
            reason: format!(
                "the array has shape {:?} and the indices {:?}; they need the same number of dimensions (at least 1)",
                x.shape(),
                indices.shape()
            ),
        });
    }
    let axis = normalize_axis(axis, x.ndim())?;
    let (xs, is) = (x.shape(), indices.shape());
    let mut xt = Vec::with_capacity(xs.len());
    let mut it = Vec::with_capacity(xs.len());
    for k in 0..xs.len() {
        if k == axis {
            xt.push(xs[k]);
            it.push(is[k]);
        } else {
            let d = broadcast_shapes(&[&[xs[k]], &[is[k]]]).map_err(|_| Error::InvalidArgument {
                op: op.into(),
                reason: format!(
                    "the array has shape {xs:?} and the indices {is:?}; off axis {axis} their lengths must match or be 1"
                ),
            })?[0];
            xt.push(d);
            it.push(d);
        }
    }
    let x = broadcast_to(x, &xt)?;
    let ind = broadcast_to(&astype(indices, DType::I64)?, &it)?;
    // The indices follow x's blocks on the other axes; along the axis they keep their own.
    let mut axes = x.chunks().axes().to_vec();
    axes[axis] = ind.chunks().axis(axis).to_vec();
    let chunks = Chunks::new(axes)?;
    let ind = if &chunks == ind.chunks() {
        ind
    } else {
        rechunk_to(&ind, chunks.clone())?
    };
    let tasks = TakeAlongTasks {
        axis,
        slab_blocks: x.chunks().axis(axis).len(),
    };
    Ok(Expr::new(GeneralLayer::new(
        op,
        LayerKind::Other,
        chunks,
        x.dtype(),
        vec![ind.layer().clone(), x.layer().clone()],
        Arc::new(tasks),
    )))
}

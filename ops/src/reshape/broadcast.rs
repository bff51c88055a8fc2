//! `broadcast_to`, `broadcast_arrays` and `meshgrid` (made of them): one layer per array in which each
//! output block broadcasts one input block (`np.broadcast_to` per block, as
//! Dask's `broadcast_to`). New leading axes and axes stretched from length 1
//! are one chunk (Dask's default), unless `broadcast_arrays` unified them
//! with another operand's chunks.

use std::sync::Arc;

use ndarray::IxDyn;
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{broadcast_shapes, unify_chunks, with_block, Block, Chunks, IndexItem};
use tessera_graph::{BlockTasks, GeneralLayer, Kernel, KernelError, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::indexing::slicing::getitem;
use crate::rechunk::layers::rechunk_to;
use crate::reshape::join::ravel;

/// One input block broadcast to the output block's `shape`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BroadcastBlock {
    /// The output block's shape.
    pub shape: Vec<usize>,
}

crate::kernel::kernel_id!(BroadcastBlock, "tessera.broadcast_to");

impl Kernel for BroadcastBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        with_block!(a, x => x
        .broadcast(IxDyn(&self.shape))
        .map(|v| Block::from_array(v.to_owned()))
        .ok_or_else(|| KernelError::new(format!(
            "broadcast_to: a block of shape {:?} does not broadcast to {:?}",
            x.shape(),
            self.shape
        ))))
    }
}

#[derive(Debug)]
struct BroadcastTasks {
    chunks: Chunks,
    /// Per input axis: whether it follows its output axis (else it is
    /// stretched from length 1 and always reads block 0).
    follows: Vec<bool>,
}

impl BlockTasks for BroadcastTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let name = tessera_graph::input_name(inputs, 0)?;
        let offset = index.len() - self.follows.len();
        let source: Vec<usize> = self
            .follows
            .iter()
            .enumerate()
            .map(|(k, &f)| if f { index[k + offset] } else { 0 })
            .collect();
        let shape = self.chunks.block_shape(index)?;
        Ok((
            Arc::new(BroadcastBlock { shape }),
            vec![Key::new(name, source)],
        ))
    }
    crate::kernel::as_any!();
}

fn not_broadcastable(x: &[usize], shape: &[usize]) -> Error {
    Error::InvalidArgument {
        op: "broadcast_to".into(),
        reason: format!(
            "cannot broadcast shape {x:?} to shape {shape:?}: aligned from the right, each axis of the array must be 1 or the target's length, and the target needs at least as many axes"
        ),
    }
}

/// `x` broadcast to the shape of `chunks`, in those chunks. Axes `x` keeps
/// are first rechunked to them (a no-op when they agree already).
pub fn broadcast_to_chunks(x: &Expr, chunks: Chunks) -> Result<Expr> {
    let shape = chunks.shape();
    let own = x.shape();
    let Some(offset) = shape.len().checked_sub(own.len()) else {
        return Err(not_broadcastable(&own, &shape));
    };
    if own
        .iter()
        .zip(&shape[offset..])
        .any(|(&o, &n)| o != 1 && o != n)
    {
        return Err(not_broadcastable(&own, &shape));
    }
    if own == shape && &chunks == x.chunks() {
        return Ok(x.clone());
    }
    let follows: Vec<bool> = own
        .iter()
        .zip(&shape[offset..])
        .map(|(&o, &n)| o == n)
        .collect();
    let wanted: Vec<Vec<usize>> = follows
        .iter()
        .enumerate()
        .map(|(k, &f)| {
            if f {
                chunks.axis(k + offset).to_vec()
            } else {
                x.chunks().axis(k).to_vec()
            }
        })
        .collect();
    let x = if wanted.as_slice() == x.chunks().axes() {
        x.clone()
    } else {
        rechunk_to(x, Chunks::new(wanted)?)?
    };
    let tasks = BroadcastTasks {
        chunks: chunks.clone(),
        follows,
    };
    Ok(Expr::new(GeneralLayer::new(
        "broadcast_to",
        LayerKind::Blockwise,
        chunks,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(tasks),
    )))
}

/// `da.broadcast_to(x, shape)`: new leading axes and axes stretched from
/// length 1 are one chunk each; the others keep `x`'s chunks. An array
/// already of that shape is returned as is.
pub fn broadcast_to(x: &Expr, shape: &[usize]) -> Result<Expr> {
    let own = x.shape();
    let Some(offset) = shape.len().checked_sub(own.len()) else {
        return Err(not_broadcastable(&own, shape));
    };
    let mut axes: Vec<Vec<usize>> = shape[..offset].iter().map(|&s| vec![s]).collect();
    for (k, (&old, &new)) in own.iter().zip(&shape[offset..]).enumerate() {
        if old != 1 && old != new {
            return Err(not_broadcastable(&own, shape));
        }
        axes.push(if old > 1 {
            x.chunks().axis(k).to_vec()
        } else {
            vec![new]
        });
    }
    broadcast_to_chunks(x, Chunks::new(axes)?)
}

/// `da.broadcast_arrays(*arrays)`: every array broadcast to the common shape,
/// all in the chunks an elementwise operation over them would have.
pub fn broadcast_arrays(arrays: &[Expr]) -> Result<Vec<Expr>> {
    let shapes: Vec<_> = arrays.iter().map(Expr::shape).collect();
    let refs: Vec<&[usize]> = shapes.iter().map(Vec::as_slice).collect();
    broadcast_shapes(&refs)?;
    let chunk_refs: Vec<&Chunks> = arrays.iter().map(Expr::chunks).collect();
    let chunks = unify_chunks(&chunk_refs)?;
    arrays
        .iter()
        .map(|x| broadcast_to_chunks(x, chunks.clone()))
        .collect()
}

/// `da.meshgrid(*xi, indexing=...)`: each array flattened and laid along its
/// own axis, then all broadcast together (`broadcast_arrays`); with `xy`
/// indexing (`ij == false`) the first two inputs take each other's axes (and
/// their grids are given back in input order), NumPy's Cartesian convention.
pub fn meshgrid(arrays: &[Expr], ij: bool) -> Result<Vec<Expr>> {
    let n = arrays.len();
    let mut flat = arrays.iter().map(ravel).collect::<Result<Vec<_>>>()?;
    let xy = !ij && n > 1;
    if xy {
        flat.swap(0, 1);
    }
    let placed = flat
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let mut index = vec![IndexItem::NewAxis; n];
            index[i] = IndexItem::full();
            getitem(x, &index)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut grid = broadcast_arrays(&placed)?;
    if xy {
        grid.swap(0, 1);
    }
    Ok(grid)
}

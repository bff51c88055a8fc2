//! Rechunking: a layer whose blocks are assembled from pieces of the input's blocks.

use std::any::Any;
use std::sync::Arc;

use tessera_chunk_core::{plan_rechunk, rechunk_pieces, Chunks, DType};
use tessera_graph::{
    BlockTasks, GeneralLayer, KernelRef, Key, LayerKind, LayerRef, Result as GraphResult,
};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::kernels::assemble::{Assemble, Piece};

/// Builds the assemble task of each new block.
#[derive(Debug)]
struct RechunkTasks {
    old: Chunks,
    new: Chunks,
    dtype: DType,
}

impl BlockTasks for RechunkTasks {
    fn block_task(
        &self,
        inputs: &[LayerRef],
        index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        let input = tessera_graph::input_name(inputs, 0)?;
        let mut deps = Vec::new();
        let mut pieces = Vec::new();
        for p in rechunk_pieces(&self.old, &self.new, index)? {
            deps.push(Key::new(input.clone(), p.old_block));
            pieces.push(Piece {
                from: p.from,
                to: p.to,
            });
        }
        let kernel = Assemble {
            shape: self.new.block_shape(index)?,
            dtype: self.dtype,
            pieces,
        };
        Ok((Arc::new(kernel), deps))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_rechunk(&self) -> bool {
        true
    }
}

/// Rechunk `x` to exactly `new` (same shape) as Dask plans it: one
/// `rechunk-merge` layer per stage of `plan_rechunk` (usually one), so no
/// task gathers more pieces than the plan allows.
pub fn rechunk_to(x: &Expr, new: Chunks) -> Result<Expr> {
    if new.shape() != x.shape() {
        return rechunk_stage(x, new);
    }
    let plan = plan_rechunk(x.chunks(), &new, x.dtype().itemsize().max(1), None, None)?;
    let mut current = x.clone();
    for stage in plan {
        current = rechunk_stage(&current, stage)?;
    }
    Ok(current)
}

/// One stage: a layer whose blocks are assembled from pieces of the input's blocks.
fn rechunk_stage(x: &Expr, new: Chunks) -> Result<Expr> {
    if new.shape() != x.shape() {
        return Err(Error::InvalidArgument {
            op: "rechunk".into(),
            reason: format!(
                "new chunks tile shape {:?}, but the array has shape {:?}",
                new.shape(),
                x.shape()
            ),
        });
    }
    if &new == x.chunks() {
        return Ok(x.clone());
    }
    let tasks = RechunkTasks {
        old: x.chunks().clone(),
        new: new.clone(),
        dtype: x.dtype(),
    };
    Ok(Expr::new(GeneralLayer::new(
        "rechunk-merge",
        LayerKind::Regroup,
        new,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(tasks),
    )))
}

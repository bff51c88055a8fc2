//! Joining and reshaping: `concatenate`, `stack`, `ravel`, `reshape`. Each source is
//! rechunked to the plan's chunks first, then every output block is one
//! source block (reshaped for a new axis).

use std::sync::Arc;

use tessera_chunk_core::{
    concatenate_plan, reshape_plan, stack_plan, Chunks, Error as ChunkError, JoinKind, JoinPlan,
    ReshapePlan,
};
use tessera_graph::{BlockTasks, GeneralLayer, Key, LayerKind, LayerRef};

use crate::elementwise::layers::astype;
use crate::error::Result;
use crate::expr::Expr;
use crate::rechunk::layers::rechunk_to;
use crate::reshape::reshape_kernel::Reshape;

#[derive(Debug)]
struct JoinTasks {
    plan: JoinPlan,
}

impl BlockTasks for JoinTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let (source, block) = self.plan.source_block(index)?;
        let name = tessera_graph::input_name(inputs, source)?;
        let shape = self.plan.chunks.block_shape(index)?;
        Ok((Arc::new(Reshape { shape }), vec![Key::new(name, block)]))
    }
    crate::kernel::as_any!();
}

fn join(operands: &[Expr], plan: JoinPlan, label: &str) -> Result<Expr> {
    let mut inputs = Vec::with_capacity(plan.sources.len());
    for (&src, chunks) in plan.sources.iter().zip(&plan.source_chunks) {
        let mut x = astype(&operands[src], plan.dtype)?;
        if plan.flatten {
            x = ravel(&x)?;
        }
        inputs.push(rechunk_to(&x, chunks.clone())?.layer().clone());
    }
    let chunks = plan.chunks.clone();
    let dtype = plan.dtype;
    Ok(Expr::new(GeneralLayer::new(
        label,
        LayerKind::Regroup,
        chunks,
        dtype,
        inputs,
        Arc::new(JoinTasks { plan }),
    )))
}

/// `da.concatenate(arrays, axis)`; `axis = None` flattens every array first.
pub fn concatenate(operands: &[Expr], axis: Option<i64>) -> Result<Expr> {
    let specs: Vec<_> = operands.iter().map(|o| (o.chunks(), o.dtype())).collect();
    let plan = concatenate_plan(&specs, axis)?;
    debug_assert_eq!(plan.kind, JoinKind::Concatenate);
    join(operands, plan, "concatenate")
}

/// `da.stack(arrays, axis)`: a new axis with one index per array.
pub fn stack(operands: &[Expr], axis: i64) -> Result<Expr> {
    let specs: Vec<_> = operands.iter().map(|o| (o.chunks(), o.dtype())).collect();
    let plan = stack_plan(&specs, axis)?;
    join(operands, plan, "stack")
}

#[derive(Debug)]
struct ReshapeTasks {
    plan: ReshapePlan,
}

impl BlockTasks for ReshapeTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let block = self.plan.source_block(index)?;
        let name = tessera_graph::input_name(inputs, 0)?;
        let shape = self.plan.output.block_shape(index)?;
        Ok((Arc::new(Reshape { shape }), vec![Key::new(name, block)]))
    }
    crate::kernel::as_any!();
}

/// Flatten to 1-d in C order (`x.ravel()`, Dask's `x.reshape(-1)`).
pub fn ravel(x: &Expr) -> Result<Expr> {
    reshape(x, &[-1])
}

/// `x.reshape(shape)` (C order); one `-1` stands for the remaining length.
///
/// Chunks are Dask's (`reshape_rechunk`): the array is rechunked so input
/// block `k` holds exactly output block `k`'s elements, then each block is
/// reshaped. Where Dask refuses (axes not merged or split evenly, or an empty
/// array of several blocks) tessera still reshapes, in the two passes Dask's
/// message suggests: flatten, then split the flat array.
pub fn reshape(x: &Expr, shape: &[i64]) -> Result<Expr> {
    match reshape_plan(x.chunks(), shape) {
        Ok(plan) => with_plan(x, plan),
        Err(ChunkError::Unsupported { .. }) => {
            let flat = if x.size() == 0 {
                // One empty block flattens and reshapes without a plan.
                rechunk_to(x, Chunks::single(&x.shape()))?
            } else {
                with_plan(x, reshape_plan(x.chunks(), &[-1])?)?
            };
            with_plan(&flat, reshape_plan(flat.chunks(), shape)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Rechunk to `plan.input`, then one reshape task per block; nothing when
/// the plan changes nothing.
fn with_plan(x: &Expr, plan: ReshapePlan) -> Result<Expr> {
    if plan.input == plan.output {
        return Ok(x.clone());
    }
    let r = rechunk_to(x, plan.input.clone())?;
    Ok(Expr::new(GeneralLayer::new(
        "reshape",
        LayerKind::Regroup,
        plan.output.clone(),
        x.dtype(),
        vec![r.layer().clone()],
        Arc::new(ReshapeTasks { plan }),
    )))
}

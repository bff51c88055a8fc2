//! Joining and flattening: `concatenate`, `stack`, `ravel`. Each source is
//! rechunked to the plan's chunks first, then every output block is one
//! source block (reshaped for a new axis).

use std::any::Any;
use std::sync::Arc;

use tessera_chunk_core::{concatenate_plan, flatten_plan, stack_plan, Chunks, JoinKind, JoinPlan};
use tessera_graph::{
    BlockTasks, GeneralLayer, KernelRef, Key, LayerKind, LayerRef, Result as GraphResult,
};

use crate::elementwise::astype;
use crate::error::Result;
use crate::expr::Expr;
use crate::kernels::reshape::Reshape;
use crate::rechunk::rechunk_to;

#[derive(Debug)]
struct JoinTasks {
    plan: JoinPlan,
}

impl BlockTasks for JoinTasks {
    fn block_task(
        &self,
        inputs: &[LayerRef],
        index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        let (source, block) = self.plan.source_block(index)?;
        let name = inputs
            .get(source)
            .map(|l| l.name().clone())
            .unwrap_or_else(|| Arc::from(""));
        let shape = self.plan.chunks.block_shape(index)?;
        Ok((Arc::new(Reshape { shape }), vec![Key::new(name, block)]))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
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
struct RavelTasks {
    input_grid: Vec<usize>,
    output: Chunks,
}

impl BlockTasks for RavelTasks {
    fn block_task(
        &self,
        inputs: &[LayerRef],
        index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        // Output block k is input block k in C order of the input grid.
        let mut k = index.first().copied().unwrap_or(0);
        let mut block = vec![0; self.input_grid.len()];
        for (b, &n) in block.iter_mut().zip(&self.input_grid).rev() {
            *b = k % n.max(1);
            k /= n.max(1);
        }
        let name = inputs
            .first()
            .map(|l| l.name().clone())
            .unwrap_or_else(|| Arc::from(""));
        let shape = self.output.block_shape(index)?;
        Ok((Arc::new(Reshape { shape }), vec![Key::new(name, block)]))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Flatten to 1-d in C order (`x.ravel()`), rechunking first as Dask does so
/// each output block is one input block.
pub fn ravel(x: &Expr) -> Result<Expr> {
    if x.ndim() == 1 {
        return Ok(x.clone());
    }
    let plan = flatten_plan(x.chunks())?;
    let r = rechunk_to(x, plan.input.clone())?;
    let tasks = RavelTasks {
        input_grid: plan.input.numblocks(),
        output: plan.output.clone(),
    };
    Ok(Expr::new(GeneralLayer::new(
        "reshape",
        LayerKind::Regroup,
        plan.output,
        x.dtype(),
        vec![r.layer().clone()],
        Arc::new(tasks),
    )))
}

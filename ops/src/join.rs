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
        let name = tessera_graph::input_name(inputs, source)?;
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
        let name = tessera_graph::input_name(inputs, 0)?;
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
    // Dask refuses empty arrays of several chunks; one empty chunk flattens fine.
    let x = if x.size() == 0 && x.chunks().num_blocks() > 1 {
        &rechunk_to(x, Chunks::single(&x.shape()))?
    } else {
        x
    };
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

/// `x.reshape(shape)` (C order), for any shape with the same number of
/// elements: the array is flattened, rechunked so every block holds whole
/// rows of the new trailing axes, and each block is reshaped. `-1` may stand
/// for one axis length.
pub fn reshape(x: &Expr, shape: &[i64]) -> Result<Expr> {
    let size = x.size();
    let bad = |reason: String| crate::error::Error::InvalidArgument {
        op: "reshape".into(),
        reason,
    };
    let unknown = shape.iter().filter(|&&d| d == -1).count();
    if unknown > 1 || shape.iter().any(|&d| d < -1) {
        return Err(bad(format!(
            "{shape:?} is not a shape; use lengths >= 0 and at most one -1"
        )));
    }
    let known: usize = shape
        .iter()
        .filter(|&&d| d >= 0)
        .map(|&d| d as usize)
        .product();
    let new_shape: Vec<usize> = shape
        .iter()
        .map(|&d| {
            if d == -1 {
                size.checked_div(known).unwrap_or(0)
            } else {
                d as usize
            }
        })
        .collect();
    if new_shape.iter().product::<usize>() != size {
        return Err(bad(format!(
            "cannot reshape an array of shape {:?} ({size} elements) to {shape:?}",
            x.shape()
        )));
    }
    if new_shape == x.shape() {
        return Ok(x.clone());
    }
    if new_shape.is_empty() || size == 0 {
        let flat = ravel(x)?;
        let single = rechunk_to(&flat, Chunks::single(&[size]))?;
        return reshape_blocks(&single, Chunks::single(&new_shape));
    }
    // Whole rows of the trailing axes per block, about as many elements as the input's blocks.
    let row: usize = new_shape[1..].iter().product::<usize>().max(1);
    let target = x.chunks().chunksize().iter().product::<usize>().max(row);
    let rows_per_block = (target / row).max(1);
    let lead = Chunks::regular(&new_shape[..1], &[rows_per_block])?;
    let flat = ravel(x)?;
    let flat_chunks = Chunks::new(vec![lead.axis(0).iter().map(|&r| r * row).collect()])?;
    let flat = rechunk_to(&flat, flat_chunks)?;
    let mut out_axes = vec![lead.axis(0).to_vec()];
    out_axes.extend(new_shape[1..].iter().map(|&d| vec![d]));
    reshape_blocks(&flat, Chunks::new(out_axes)?)
}

/// Block k of a 1-d array becomes block k of `out` (same element counts, C order).
fn reshape_blocks(flat: &Expr, out: Chunks) -> Result<Expr> {
    #[derive(Debug)]
    struct Blocks {
        out: Chunks,
    }
    impl BlockTasks for Blocks {
        fn block_task(
            &self,
            inputs: &[LayerRef],
            index: &[usize],
        ) -> GraphResult<(KernelRef, Vec<Key>)> {
            let k = self.out.linear_index(index);
            let name = tessera_graph::input_name(inputs, 0)?;
            let shape = self.out.block_shape(index)?;
            Ok((Arc::new(Reshape { shape }), vec![Key::new(name, vec![k])]))
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    }
    let tasks = Blocks { out: out.clone() };
    Ok(Expr::new(GeneralLayer::new(
        "reshape",
        LayerKind::Regroup,
        out,
        flat.dtype(),
        vec![flat.layer().clone()],
        Arc::new(tasks),
    )))
}

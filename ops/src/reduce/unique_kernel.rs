//! `UniqueBlock`: the sorted distinct values of its input blocks, as one 1-d block.

use ndarray::{ArcArray, ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, Element};
use tessera_graph::{Kernel, KernelError};

use crate::reduce::topk_kernel::total_cmp;

#[allow(clippy::eq_op)]
fn distinct<T: Element + PartialOrd>(parts: &[Block]) -> Result<Block, KernelError> {
    let mut all = Vec::new();
    for p in parts {
        all.extend(p.as_array::<T>()?.iter().copied());
    }
    all.sort_by(total_cmp);
    // NaNs are equal here (NumPy's `equal_nan=True`): one NaN is kept.
    all.dedup_by(|a, b| a == b || (a != a && b != b));
    let n = all.len();
    ArrayD::from_shape_vec(IxDyn(&[n]), all)
        .map(Block::from_array)
        .map_err(|e| KernelError::new(e.to_string()))
}

fn distinct_of<T: Element + PartialOrd>(
    _like: &ArcArray<T, IxDyn>,
    parts: &[Block],
) -> Result<Block, KernelError> {
    distinct::<T>(parts)
}

/// Sorted unique values of all input blocks (Dask's `unique_internal` and `unique_aggregate`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UniqueBlock {}

crate::kernel::kernel_id!(UniqueBlock, "tessera.unique");

impl Kernel for UniqueBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let Some(first) = inputs.first() else {
            return Err(KernelError::new("unique got no input blocks"));
        };
        crate::with_numeric_block!(first, x => distinct_of(x, inputs), bool => match first {
            Block::Bool(_) => distinct::<bool>(inputs),
            other => Err(KernelError::new(format!("unique of {} blocks is not supported yet", other.dtype()))),
        })
    }
}

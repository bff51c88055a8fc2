//! `UniqueBlock`: the sorted distinct values of its input blocks, as one 1-d block.

use ndarray::{ArcArray, ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, Element};
use tessera_graph::{Kernel, KernelError};

use crate::reduce::topk_kernel::total_cmp;
use crate::reduce::unique_stats_kernel::same;

fn distinct<T: Element + PartialOrd>(
    parts: &[Block],
    equal_nan: bool,
) -> Result<Block, KernelError> {
    let mut all = Vec::new();
    for p in parts {
        all.extend(p.as_array::<T>()?.iter().copied());
    }
    all.sort_by(total_cmp);
    // With `equal_nan` (NumPy's `np.unique`) one NaN is kept; else every NaN.
    all.dedup_by(|a, b| same(a, b, equal_nan));
    let n = all.len();
    ArrayD::from_shape_vec(IxDyn(&[n]), all)
        .map(Block::from_array)
        .map_err(|e| KernelError::new(e.to_string()))
}

fn distinct_of<T: Element + PartialOrd>(
    _like: &ArcArray<T, IxDyn>,
    parts: &[Block],
    equal_nan: bool,
) -> Result<Block, KernelError> {
    distinct::<T>(parts, equal_nan)
}

/// Sorted unique values of all input blocks (Dask's `unique_internal` and `unique_aggregate`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UniqueBlock {
    /// Whether NaNs are one value (`np.unique`) or each its own (the Array API's `unique_*`).
    #[serde(default = "yes")]
    pub equal_nan: bool,
}

fn yes() -> bool {
    true
}

crate::kernel::kernel_id!(UniqueBlock, "tessera.unique");

impl Kernel for UniqueBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let Some(first) = inputs.first() else {
            return Err(KernelError::new("unique got no input blocks"));
        };
        crate::with_numeric_block!(first, x => distinct_of(x, inputs, self.equal_nan), bool => match first {
            Block::Bool(_) => distinct::<bool>(inputs, self.equal_nan),
            other => Err(KernelError::new(format!("unique of {} blocks is not supported yet", other.dtype()))),
        })
    }
}

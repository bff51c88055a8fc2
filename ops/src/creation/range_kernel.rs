//! `Range`: a block of evenly spaced values (`arange`, `linspace`).

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_dtype, Block, DType, Element};
use tessera_graph::{Kernel, KernelError};

/// Values `start + step * i` for `i` in `offset .. offset + len`, as `dtype`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Range {
    /// The first value of the whole array.
    pub start: f64,
    /// The spacing.
    pub step: f64,
    /// Index of the block's first element in the whole array.
    pub offset: usize,
    /// Number of elements in the block.
    pub len: usize,
    /// The element type.
    pub dtype: DType,
    /// An element given exactly, as (index in the whole array, value):
    /// linspace's `stop`, which `start + step * i` can miss by rounding.
    #[serde(default)]
    pub exact: Option<(usize, f64)>,
}

crate::kernel::kernel_id!(Range, "tessera.range");

impl Kernel for Range {
    crate::kernel::json_kernel!();
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        with_dtype!(self.dtype, T => {
            let v: Vec<T> = (self.offset..self.offset + self.len)
                .map(|i| match self.exact {
                    Some((at, v)) if at == i => T::from_f64(v),
                    _ => T::from_f64(self.start + self.step * i as f64),
                })
                .collect();
            ArrayD::from_shape_vec(IxDyn(&[self.len]), v)
                .map(Block::from_array)
                .map_err(|e| KernelError::new(e.to_string()))
        }, other => Err(KernelError::new(format!("no ranges of dtype {other}"))))
    }
    fn is_cheap(&self) -> bool {
        true
    }
}

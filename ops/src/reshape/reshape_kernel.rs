//! `Reshape`: a block's elements, in C order, in a new shape.

use ndarray::IxDyn;
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_block, Block};
use tessera_graph::{Kernel, KernelError};

/// The input block's elements (C order) laid out as `shape`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reshape {
    /// The output block shape (same number of elements).
    pub shape: Vec<usize>,
}

crate::kernel::kernel_id!(Reshape, "tessera.reshape");

impl Kernel for Reshape {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        with_block!(a, x => {
            let standard = x.as_standard_layout().into_owned();
            standard
                .into_shape_with_order(IxDyn(&self.shape))
                .map(Block::from_array)
                .map_err(|e| KernelError::new(format!("cannot reshape a block of shape {:?} to {:?}: {e}", a.shape(), self.shape)))
        })
    }
}

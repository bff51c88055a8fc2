//! `Transpose`: permute the axes of a block.

use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_block, Block};
use tessera_graph::{Kernel, KernelError, Params};

use super::{arity, json_params};

/// Output axis `j` is input axis `axes[j]` (NumPy's `transpose(axes)`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transpose {
    /// The permutation.
    pub axes: Vec<usize>,
}

impl Kernel for Transpose {
    fn id(&self) -> &str {
        "tessera.transpose"
    }
    fn params(&self) -> Params {
        json_params(self)
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = inputs else {
            return Err(arity(self.id(), 1, inputs.len()));
        };
        if self.axes.len() != a.shape().len() {
            return Err(KernelError::new(format!(
                "transpose axes {:?} do not fit a block of shape {:?}",
                self.axes,
                a.shape()
            )));
        }
        // Materialise in C order: later kernels and encoding expect contiguous blocks.
        Ok(with_block!(a, x => Block::from_array(
            x.clone().permuted_axes(self.axes.clone()).as_standard_layout().into_owned()
        )))
    }
}

//! `Full`: a block filled with one value (ones, zeros, full, empty).

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tessera_chunk_core::{with_dtype, Block, DType};

use tessera_graph::{Kernel, KernelError, KernelRef, RowTiling};

use crate::scalar::Scalar;

/// A block of `shape` filled with `value` as `dtype`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Full {
    /// The block's shape.
    pub shape: Vec<usize>,
    /// The element type.
    pub dtype: DType,
    /// The fill value.
    pub value: Scalar,
}

crate::kernel::kernel_id!(Full, "tessera.full");

impl Kernel for Full {
    crate::kernel::json_kernel!();
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        with_dtype!(self.dtype, T => {
            let v: T = self.value.cast();
            Ok(Block::from_array(ArrayD::from_elem(IxDyn(&self.shape), v)))
        }, other => Err(KernelError::new(format!("cannot fill a block of dtype {other}"))))
    }
    fn is_cheap(&self) -> bool {
        true
    }
    fn row_tiling(&self) -> RowTiling {
        if self.shape.is_empty() {
            return RowTiling::No;
        }
        RowTiling::Source(self.shape.clone())
    }
    fn rows(&self, _start: usize, len: usize) -> Option<KernelRef> {
        let mut shape = self.shape.clone();
        *shape.first_mut()? = len;
        Some(Arc::new(Full {
            shape,
            ..self.clone()
        }))
    }
}

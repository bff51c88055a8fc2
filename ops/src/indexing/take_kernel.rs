//! `TakeBlock`: integer-array indexing along one axis over one or more input blocks.

use ndarray::{ArcArray, ArrayViewD, Axis, IxDyn, Slice};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_block, Block, Element};
use tessera_graph::{Kernel, KernelError};

/// Output position `j` along `axis` is position `local[j]` of input block `source[j]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TakeBlock {
    /// The axis taken along.
    pub axis: usize,
    /// Per output position, which input block it reads.
    pub source: Vec<usize>,
    /// Per output position, the position inside that block.
    pub local: Vec<usize>,
}

impl TakeBlock {
    fn check(&self, inputs: &[Block]) -> Result<(), KernelError> {
        let Some(first) = inputs.first() else {
            return Err(KernelError::new(
                "tessera.take needs at least one input block",
            ));
        };
        if self.axis >= first.shape().len() || self.source.len() != self.local.len() {
            return Err(KernelError::new(format!(
                "take along axis {} with {} sources and {} positions does not fit a block of shape {:?}",
                self.axis,
                self.source.len(),
                self.local.len(),
                first.shape()
            )));
        }
        for (&s, &l) in self.source.iter().zip(&self.local) {
            let block = inputs.get(s).ok_or_else(|| {
                KernelError::new(format!("take reads input {s} of {}", inputs.len()))
            })?;
            if block.dtype() != first.dtype() || l >= block.shape()[self.axis] {
                return Err(KernelError::new(format!(
                    "take position {l} of input {s} does not fit a block of shape {:?} and dtype {}",
                    block.shape(),
                    block.dtype().name()
                )));
            }
        }
        Ok(())
    }
}

crate::kernel::kernel_id!(TakeBlock, "tessera.take");

impl Kernel for TakeBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        self.check(inputs)?;
        with_block!(&inputs[0], a => gather(a, inputs, self))
    }
}

/// The take with the input dtype `T` known (the first block fixes it).
fn gather<T: Element>(
    first: &ArcArray<T, IxDyn>,
    inputs: &[Block],
    k: &TakeBlock,
) -> Result<Block, KernelError> {
    let axis = Axis(k.axis);
    if k.local.is_empty() {
        return Ok(Block::from_array(
            first.slice_axis(axis, Slice::from(0..0)).to_owned(),
        ));
    }
    if inputs.len() == 1 {
        return Ok(Block::from_array(first.select(axis, &k.local)));
    }
    let typed = inputs
        .iter()
        .map(|b| {
            b.as_array::<T>()
                .map_err(|e| KernelError::new(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // One view per output lane; concatenating them is the only copy.
    let lanes: Vec<ArrayViewD<'_, T>> = k
        .source
        .iter()
        .zip(&k.local)
        .map(|(&s, &l)| typed[s].index_axis(axis, l).insert_axis(axis))
        .collect();
    ndarray::concatenate(axis, &lanes)
        .map(Block::from_array)
        .map_err(|e| KernelError::new(format!("take could not join its lanes: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn block(v: &[i32], shape: &[usize]) -> Block {
        Block::from_array(ndarray::ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap())
    }

    #[test]
    fn gathers_lanes_from_several_blocks_after_a_round_trip() {
        let k = TakeBlock {
            axis: 1,
            source: vec![1, 0, 1],
            local: vec![0, 1, 1],
        };
        let k = crate::registry::round_trip(&(Arc::new(k) as tessera_graph::KernelRef)).unwrap();
        let a = block(&[1, 2, 3, 4], &[2, 2]);
        let b = block(&[10, 20, 30, 40], &[2, 2]);
        let out = k.run(&[a, b]).unwrap();
        let want = block(&[10, 2, 20, 30, 4, 40], &[2, 3]);
        assert_eq!(
            out.as_array::<i32>().unwrap(),
            want.as_array::<i32>().unwrap()
        );
    }

    #[test]
    fn bad_parameters_are_errors_not_panics() {
        let a = block(&[1, 2, 3], &[3]);
        let run = |source: Vec<usize>, local: Vec<usize>, axis| {
            TakeBlock {
                axis,
                source,
                local,
            }
            .run(std::slice::from_ref(&a))
        };
        assert!(run(vec![0], vec![3], 0).is_err());
        assert!(run(vec![1], vec![0], 0).is_err());
        assert!(run(vec![0], vec![0], 1).is_err());
        assert!(run(vec![0, 0], vec![0], 0).is_err());
        let empty = run(vec![], vec![], 0).unwrap();
        assert_eq!(empty.shape(), &[0]);
    }
}

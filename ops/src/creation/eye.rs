//! `eye`: ones on the `k`-th diagonal of an `n × m` array, cut into square
//! chunks as `da.eye` cuts it (one chunk length along both axes, the last
//! chunk of each axis the remainder). Each block knows its own diagonal
//! offset, so a block far from the diagonal is zeros without reading anything.

use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_dtype, Block, Chunks, DType, Element};
use tessera_graph::{BlockTasks, Kernel, KernelError, LayerRef};

use crate::creation::fill::creation_layer;
use crate::error::{Error, Result};
use crate::expr::Expr;

/// A `rows × cols` block with ones where `col - row == k` (block-local `k`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EyeBlock {
    /// Rows of the block.
    pub rows: usize,
    /// Columns of the block.
    pub cols: usize,
    /// The diagonal inside the block: `k` of the array minus the block's
    /// column offset plus its row offset.
    pub k: i64,
    /// The element type.
    pub dtype: DType,
}

crate::kernel::kernel_id!(EyeBlock, "tessera.eye");

fn eye_block<T: Element>(rows: usize, cols: usize, k: i64) -> Block {
    let one = T::from_f64(1.0);
    Block::from_array(ArrayD::from_shape_fn(IxDyn(&[rows, cols]), |ix| {
        if ix[1] as i64 - ix[0] as i64 == k {
            one
        } else {
            T::default()
        }
    }))
}

impl Kernel for EyeBlock {
    crate::kernel::json_kernel!();
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        with_dtype!(self.dtype, T => Ok(eye_block::<T>(self.rows, self.cols, self.k)),
            other => Err(KernelError::new(format!("eye: no blocks of dtype {other}"))))
    }
    fn is_cheap(&self) -> bool {
        true
    }
}

#[derive(Debug)]
struct EyeTasks {
    chunks: Chunks,
    k: i64,
    dtype: DType,
}

impl BlockTasks for EyeTasks {
    fn block_task(&self, _inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let r = self.chunks.block_range(index)?;
        let kernel = EyeBlock {
            rows: r[0].len(),
            cols: r[1].len(),
            k: block_k(self.k, r[0].start, r[1].start),
            dtype: self.dtype,
        };
        Ok((Arc::new(kernel), Vec::new()))
    }
    crate::kernel::as_any!();
}

/// The diagonal offset `k` of the whole array as seen from a block starting
/// at (`row0`, `col0`): element `(i, j)` of the block is `(row0 + i, col0 + j)`
/// of the array, on the diagonal when `col0 + j - row0 - i == k`.
pub(crate) fn block_k(k: i64, row0: usize, col0: usize) -> i64 {
    // Lengths fit in i64 (the array's byte size was checked); saturate anyway
    // so a huge offset means "no diagonal here" rather than a wrap.
    k.saturating_sub(col0 as i64).saturating_add(row0 as i64)
}

/// Lengths `chunk, chunk, …, rest` covering `len` (`[0]` for an empty axis).
pub(crate) fn square_cuts(len: usize, chunk: usize) -> Vec<usize> {
    if len == 0 {
        return vec![0];
    }
    let chunk = chunk.max(1);
    let mut cuts = vec![chunk; len / chunk];
    if !len.is_multiple_of(chunk) {
        cuts.push(len % chunk);
    }
    cuts
}

/// `da.eye(n, chunks, M=m, k=k, dtype)`: an `n × m` array with ones on the
/// `k`-th diagonal (above the main one for `k > 0`), in square chunks of
/// `chunk` (Dask takes the first chunk length that its chunk normalisation
/// gives for the `(n, m)` array).
pub fn eye(n: usize, m: usize, k: i64, chunk: usize, dtype: DType) -> Result<Expr> {
    if !dtype.is_array_type() {
        return Err(Error::InvalidArgument {
            op: "eye".into(),
            reason: format!(
                "arrays of dtype {dtype} are not supported; use bool, an integer or a float type"
            ),
        });
    }
    if chunk == 0 && (n > 0 || m > 0) {
        return Err(Error::InvalidArgument {
            op: "eye".into(),
            reason: "the chunk length must be at least 1".into(),
        });
    }
    let chunks = Chunks::new(vec![square_cuts(n, chunk), square_cuts(m, chunk)])?;
    let tasks = EyeTasks {
        chunks: chunks.clone(),
        k,
        dtype,
    };
    Ok(creation_layer("eye", chunks, dtype, Arc::new(tasks)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_cuts_end_with_the_remainder() {
        assert_eq!(square_cuts(10, 4), vec![4, 4, 2]);
        assert_eq!(square_cuts(8, 4), vec![4, 4]);
        assert_eq!(square_cuts(0, 4), vec![0]);
    }

    #[test]
    fn block_k_shifts_by_the_block_origin() {
        assert_eq!(block_k(0, 4, 0), 4);
        assert_eq!(block_k(1, 0, 4), -3);
        assert_eq!(block_k(i64::MIN, 0, 5), i64::MIN);
    }
}

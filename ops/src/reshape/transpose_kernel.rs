//! `Transpose`: permute the axes of a block.

use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_block, Block};
use tessera_graph::{Kernel, KernelError};

/// Output axis `j` is input axis `axes[j]` (NumPy's `transpose(axes)`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transpose {
    /// The permutation.
    pub axes: Vec<usize>,
}

crate::kernel::kernel_id!(Transpose, "tessera.transpose");

impl Kernel for Transpose {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        if self.axes.len() != a.shape().len() {
            return Err(KernelError::new(format!(
                "transpose axes {:?} do not fit a block of shape {:?}",
                self.axes,
                a.shape()
            )));
        }
        // Materialise in C order: later kernels and encoding expect contiguous
        // blocks. Matrices are copied tile by tile so both sides stay in cache.
        Ok(
            with_block!(a, x => match (x.as_slice(), x.shape(), self.axes.as_slice()) {
                (Some(src), &[rows, cols], [1, 0]) => Block::from_array(transpose_tiled(src, rows, cols)),
                _ => Block::from_array(x.clone().permuted_axes(self.axes.clone()).as_standard_layout().into_owned()),
            }),
        )
    }
}

/// The transpose of a C-ordered `rows x cols` matrix, copied in 32 x 32 tiles.
fn transpose_tiled<T: Copy + Default>(src: &[T], rows: usize, cols: usize) -> ndarray::ArrayD<T> {
    const TILE: usize = 32;
    let mut out = vec![T::default(); rows * cols];
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..cols).step_by(TILE) {
            for r in r0..(r0 + TILE).min(rows) {
                for c in c0..(c0 + TILE).min(cols) {
                    out[c * rows + r] = src[r * cols + c];
                }
            }
        }
    }
    ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[cols, rows]), out)
        .unwrap_or_else(|_| ndarray::ArrayD::default(ndarray::IxDyn(&[cols, rows])))
}

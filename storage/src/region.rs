//! Region reads assembled from chunk reads: the default for drivers without
//! a native region read.

use ndarray::{ArcArray, ArrayD, IxDyn, Slice};
use tessera_chunk_core::{rechunk_pieces, with_dtype, Block, Chunks};

use crate::error::{Error, Result};
use crate::traits::ChunkRead;

/// The chunk grid with the region `start..start + shape` as one block, and that block's index.
fn region_grid(shape: &[usize], start: &[usize], len: &[usize]) -> Result<(Chunks, Vec<usize>)> {
    let mut axes = Vec::with_capacity(shape.len());
    let mut index = Vec::with_capacity(shape.len());
    for ((&dim, &s), &l) in shape.iter().zip(start).zip(len) {
        let parts: Vec<usize> = [s, l, dim - s - l].into_iter().filter(|&p| p > 0).collect();
        index.push(usize::from(s > 0));
        axes.push(parts);
    }
    Ok((Chunks::new(axes)?, index))
}

/// Read `start..start + shape` of the array at `path` chunk by chunk.
pub(crate) fn read_region_by_chunks(
    store: &(impl ChunkRead + ?Sized),
    path: &str,
    start: &[usize],
    shape: &[usize],
) -> Result<Block> {
    let meta = store.metadata(path)?;
    meta.check_region(path, start, shape)?;
    let full = meta.chunks.shape();
    with_dtype!(meta.dtype, T => {
        let mut out = ArrayD::<T>::default(IxDyn(shape));
        if out.is_empty() {
            return Ok(Block::from_array(out));
        }
        let (grid, index) = region_grid(&full, start, shape)?;
        for piece in rechunk_pieces(&meta.chunks, &grid, &index)? {
            let chunk = store.read_chunk(path, &piece.old_block)?;
            let chunk: &ArcArray<T, IxDyn> = chunk.as_array::<T>()?;
            let from = chunk.slice_each_axis(|ax| Slice::from(piece.from[ax.axis.index()].clone()));
            out.slice_each_axis_mut(|ax| Slice::from(piece.to[ax.axis.index()].clone()))
                .assign(&from);
        }
        Ok(Block::from_array(out))
    }, other => Err(Error::Chunk(tessera_chunk_core::Error::UnsupportedDType {
        dtype: other,
        reason: "stores hold bool, integer and float arrays".into(),
    })))
}

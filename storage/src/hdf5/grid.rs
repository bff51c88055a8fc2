//! Chunk grids: the grid tessera reads a dataset by, and the HDF5 chunk
//! shape a new dataset gets from its grid.

use tessera_chunk_core::Chunks;

use crate::error::{Error, Result};

/// About how many bytes one grid block of a *contiguous* (unchunked) dataset
/// holds: such a dataset is read in blocks of whole rows (first axis) of
/// about this size, or as one block when the whole dataset is smaller.
pub(super) const CONTIGUOUS_BLOCK_BYTES: usize = 128 << 20;

/// HDF5 refuses chunks of 4 GiB or more.
const MAX_HDF5_CHUNK_BYTES: usize = (4 << 30) - 1;

/// The grid of a dataset: its HDF5 chunks if it is chunked, else row blocks
/// of about [`CONTIGUOUS_BLOCK_BYTES`]; a 0-d dataset has the scalar grid.
pub(super) fn read_grid(
    shape: &[usize],
    chunk: Option<&[usize]>,
    itemsize: usize,
) -> Result<Chunks> {
    if shape.is_empty() {
        return Ok(Chunks::scalar());
    }
    match chunk {
        Some(chunk) if chunk.len() == shape.len() => Ok(Chunks::regular(shape, chunk)?),
        _ => Ok(contiguous_grid(shape, itemsize)),
    }
}

/// Whole rows of about [`CONTIGUOUS_BLOCK_BYTES`], at least one row a block.
fn contiguous_grid(shape: &[usize], itemsize: usize) -> Chunks {
    let row_bytes = shape[1..]
        .iter()
        .fold(itemsize, |acc, &d| acc.saturating_mul(d));
    let rows = shape[0];
    if row_bytes == 0 || rows.saturating_mul(row_bytes) <= CONTIGUOUS_BLOCK_BYTES {
        return Chunks::single(shape);
    }
    let mut chunk = shape.to_vec();
    chunk[0] = (CONTIGUOUS_BLOCK_BYTES / row_bytes).max(1);
    Chunks::regular(shape, &chunk).unwrap_or_else(|_| Chunks::single(shape))
}

/// The HDF5 chunk shape of a new dataset with this grid (`None` for 0-d,
/// which HDF5 cannot chunk). The grid must be regular: HDF5 chunks all have
/// one shape, trimmed only at the array's edge.
pub(super) fn hdf5_chunk(
    path: &str,
    chunks: &Chunks,
    itemsize: usize,
) -> Result<Option<Vec<usize>>> {
    if chunks.ndim() == 0 {
        return Ok(None);
    }
    let shape = chunks.shape();
    let size = chunks.chunksize();
    if Chunks::regular(&shape, &size).ok().as_ref() != Some(chunks) {
        return Err(Error::Unsupported {
            path: path.to_string(),
            reason: format!(
                "HDF5 needs a regular chunk grid (equal chunks, the last one on an axis shorter), not {:?}; rechunk to {size:?} first",
                chunks.axes()
            ),
        });
    }
    // A chunk may not exceed a fixed dimension; a longer one tiles the same
    // grid trimmed. An empty axis gets a resizable extent and chunk 1 (see io).
    let dims: Vec<usize> = size
        .iter()
        .zip(&shape)
        .map(|(&c, &d)| if d == 0 { c.max(1) } else { c.min(d) })
        .collect();
    let bytes = dims.iter().fold(itemsize, |acc, &d| acc.saturating_mul(d));
    if bytes > MAX_HDF5_CHUNK_BYTES {
        return Err(Error::Unsupported {
            path: path.to_string(),
            reason: format!(
                "a chunk of {dims:?} elements is {bytes} bytes; HDF5 chunks must be under 4 GiB, so rechunk to smaller blocks"
            ),
        });
    }
    Ok(Some(dims))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_datasets_use_their_chunks() {
        let g = read_grid(&[10, 7], Some(&[4, 3]), 8).unwrap();
        assert_eq!(g, Chunks::regular(&[10, 7], &[4, 3]).unwrap());
        assert_eq!(read_grid(&[], None, 8).unwrap(), Chunks::scalar());
    }

    #[test]
    fn contiguous_datasets_are_read_in_row_blocks() {
        assert_eq!(
            read_grid(&[100, 10], None, 8).unwrap(),
            Chunks::single(&[100, 10])
        );
        // 1 MiB rows: 128 rows a block.
        let g = read_grid(&[300, 1 << 17], None, 8).unwrap();
        assert_eq!(g.axis(0), &[128, 128, 44]);
        assert_eq!(g.axis(1), &[1 << 17]);
        // A row bigger than the target: one row a block.
        let g = read_grid(&[3, 1 << 25], None, 8).unwrap();
        assert_eq!(g.axis(0), &[1, 1, 1]);
        assert_eq!(
            read_grid(&[0, 5], None, 8).unwrap(),
            Chunks::single(&[0, 5])
        );
    }

    #[test]
    fn new_datasets_need_regular_grids() {
        let c = Chunks::regular(&[10, 3], &[4, 5]).unwrap();
        assert_eq!(hdf5_chunk("x", &c, 8).unwrap(), Some(vec![4, 3]));
        let empty = Chunks::regular(&[0, 3], &[2, 2]).unwrap();
        assert_eq!(hdf5_chunk("x", &empty, 8).unwrap(), Some(vec![1, 2]));
        let irregular = Chunks::new(vec![vec![2, 5, 3]]).unwrap();
        assert!(matches!(
            hdf5_chunk("x", &irregular, 8),
            Err(Error::Unsupported { .. })
        ));
        assert_eq!(hdf5_chunk("x", &Chunks::scalar(), 8).unwrap(), None);
        let huge = Chunks::regular(&[1 << 20, 1 << 10], &[1 << 20, 1 << 10]).unwrap();
        assert!(hdf5_chunk("x", &huge, 8).is_err());
    }
}

//! Storage capabilities as small traits (in the style of zarrs): what a store
//! can do, combined where needed and handed around as `Arc<dyn …>`.

use tessera_chunk_core::{Block, Chunks, DType};

use crate::error::Result;

/// What a store knows about one array.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayMetadata {
    /// The array's chunk grid (and so its shape).
    pub chunks: Chunks,
    /// The element type.
    pub dtype: DType,
}

impl ArrayMetadata {
    /// Check that `block` fits chunk `index` of this array (grid position,
    /// trimmed shape, dtype): the error every driver's `write_chunk` gives.
    pub fn check_chunk(&self, path: &str, index: &[usize], block: &Block) -> Result<()> {
        let expected = self.chunks.block_shape(index)?;
        if block.shape() != expected.as_slice() || block.dtype() != self.dtype {
            return Err(crate::error::Error::BadChunk {
                path: path.to_string(),
                index: index.to_vec(),
                reason: format!(
                    "got {} {:?}, the array needs {} {:?}",
                    block.dtype(),
                    block.shape(),
                    self.dtype,
                    expected
                ),
            });
        }
        Ok(())
    }
}

impl ArrayMetadata {
    /// Check that the region `start..start + shape` lies inside this array:
    /// the error every driver's `read_region` gives.
    pub fn check_region(&self, path: &str, start: &[usize], shape: &[usize]) -> Result<()> {
        let array_shape = self.chunks.shape();
        let fits = start.len() == array_shape.len()
            && shape.len() == array_shape.len()
            && start
                .iter()
                .zip(shape)
                .zip(&array_shape)
                .all(|((&s, &l), &d)| s.checked_add(l).is_some_and(|e| e <= d));
        if !fits {
            return Err(crate::error::Error::BadRegion {
                path: path.to_string(),
                start: start.to_vec(),
                shape: shape.to_vec(),
                array_shape,
            });
        }
        Ok(())
    }
}

/// Read chunks of arrays.
pub trait ChunkRead: Send + Sync {
    /// The metadata of the array at `path`.
    fn metadata(&self, path: &str) -> Result<ArrayMetadata>;
    /// Read the chunk at grid `index` of the array at `path`.
    fn read_chunk(&self, path: &str, index: &[usize]) -> Result<Block>;
    /// Read the region `start..start + shape` of the array at `path` (by
    /// default assembled from the chunks it overlaps; drivers with a native
    /// region read override it).
    fn read_region(&self, path: &str, start: &[usize], shape: &[usize]) -> Result<Block> {
        crate::region::read_region_by_chunks(self, path, start, shape)
    }
    /// What the store is, for error messages and graph views (e.g. `"zarr:/data/x.zarr"`).
    fn describe(&self) -> String {
        "a store".to_string()
    }
    /// Where another process can open this store to read it (`None`: it cannot).
    fn read_locator(&self) -> Option<crate::Locator> {
        None
    }
}

/// Create arrays and write their chunks.
pub trait ChunkWrite: Send + Sync {
    /// Create an array (an error if one exists at `path`).
    fn create_array(&self, path: &str, meta: &ArrayMetadata) -> Result<()>;
    /// Write the chunk at grid `index`; its shape and dtype must match the grid.
    fn write_chunk(&self, path: &str, index: &[usize], block: &Block) -> Result<()>;
    /// Remove the array at `path` with every chunk written to it (an error
    /// if there is none): a failed write takes back what it created.
    fn delete_array(&self, path: &str) -> Result<()>;
    /// Where another process can open this store to write chunks (`None`: it cannot).
    fn write_locator(&self) -> Option<crate::Locator> {
        None
    }
}

/// List the arrays of a store.
pub trait ChunkList: Send + Sync {
    /// Paths of every array, sorted.
    fn list_arrays(&self) -> Result<Vec<String>>;
}

/// A store that can do everything.
pub trait Store: ChunkRead + ChunkWrite + ChunkList {}

impl<T: ChunkRead + ChunkWrite + ChunkList> Store for T {}

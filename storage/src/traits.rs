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
}

/// Create arrays and write their chunks.
pub trait ChunkWrite: Send + Sync {
    /// Create an array (an error if one exists at `path`).
    fn create_array(&self, path: &str, meta: &ArrayMetadata) -> Result<()>;
    /// Write the chunk at grid `index`; its shape and dtype must match the grid.
    fn write_chunk(&self, path: &str, index: &[usize], block: &Block) -> Result<()>;
}

/// List the arrays of a store.
pub trait ChunkList: Send + Sync {
    /// Paths of every array, sorted.
    fn list_arrays(&self) -> Result<Vec<String>>;
}

/// A store that can do everything.
pub trait Store: ChunkRead + ChunkWrite + ChunkList {}

impl<T: ChunkRead + ChunkWrite + ChunkList> Store for T {}

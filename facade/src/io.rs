//! Arrays in chunk stores: `from_store` reads lazily, block by block, inside
//! tasks; `Array::to_store` streams blocks to a store's chunks.

use std::sync::Arc;

use tessera_chunk_core::{ChunkSpec, Chunks, Element};
use tessera_ops::io;
use tessera_storage::{ArrayMetadata, ChunkRead, Store};

use crate::array::Array;
use crate::config;
use crate::error::Result;

/// The array at `path` in `store`, in the store's own chunks. Opening costs
/// one metadata read; chunks are read by the tasks that need them.
pub fn from_store<T: Element>(store: Arc<dyn ChunkRead>, path: &str) -> Result<Array<T>> {
    Array::from_expr(io::read(store, path, None, "from-store")?)
}

/// The array at `path` in `store`, in blocks of `chunks`: Dask's rules, with
/// the store's chunks as the previous chunks, so `"auto"` picks multiples of
/// them and each block reads whole stored chunks.
pub fn from_store_with_chunks<T: Element>(
    store: Arc<dyn ChunkRead>,
    path: &str,
    chunks: impl Into<ChunkSpec>,
) -> Result<Array<T>> {
    read_with_chunks(store, path, chunks.into(), "from-store")
}

/// A read with chunks resolved against the stored ones; `label` names the layer.
pub(crate) fn read_with_chunks<T: Element>(
    store: Arc<dyn ChunkRead>,
    path: &str,
    spec: ChunkSpec,
    label: &str,
) -> Result<Array<T>> {
    let meta = store.metadata(path)?;
    let chunks = tessera_chunk_core::normalize_chunks_with_default(
        &spec,
        Some(&meta.chunks.shape()),
        None,
        Some(meta.dtype),
        Some(&meta.chunks),
        config::get()?.chunk_size,
    )?;
    Array::from_expr(io::read(store, path, Some(chunks), label)?)
}

impl<T: Element> Array<T> {
    /// Write the array to a new array at `path` in `store`, chunk by chunk,
    /// with the default scheduler; returns the number of chunks written.
    /// Stored chunks are regular: blocks are rechunked to this array's
    /// `chunksize` first when they are not (never two tasks on one chunk).
    pub fn to_store(&self, store: Arc<dyn Store>, path: &str) -> Result<u64> {
        let target = Chunks::regular(&self.shape(), &self.chunksize())?;
        let blocks = if &target == self.expr().chunks() {
            self.expr().clone()
        } else {
            tessera_ops::rechunk::rechunk_to(self.expr(), target.clone())?
        };
        let meta = ArrayMetadata {
            chunks: target,
            dtype: T::DTYPE,
        };
        store.create_array(path, &meta)?;
        let writes: Array<u64> = Array::from_expr(io::write(&blocks, store, path)?)?;
        writes.compute_scalar()
    }
}

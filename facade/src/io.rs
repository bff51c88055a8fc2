//! Arrays in chunk stores: `from_store` reads lazily, block by block, inside
//! tasks; `Array::to_store` streams blocks to a store's chunks.

use std::sync::Arc;

use tessera_chunk_core::{ChunkSpec, Chunks, Element};
use tessera_ops::io;
use tessera_storage::{ArrayMetadata, ChunkRead, Store};

use tessera_graph::{Key, TaskGraph};

use crate::array::Array;
use crate::config;
use crate::dyn_array::DynArray;
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
        let counts = self::store(&[DynArray::from(self.clone())], &[(store, path)])?;
        Ok(counts.iter().sum())
    }
}

/// Write several arrays to several stores in one computation (`da.store`):
/// `arrays[i]` goes to a new array at `targets[i]`; work they share (a common
/// input) is done once. Returns the number of chunks written per array.
pub fn store(arrays: &[DynArray], targets: &[(Arc<dyn Store>, &str)]) -> Result<Vec<u64>> {
    if arrays.len() != targets.len() {
        return Err(tessera_ops::Error::InvalidArgument {
            op: "store".into(),
            reason: format!(
                "{} arrays but {} targets; give one target per array",
                arrays.len(),
                targets.len()
            ),
        }
        .into());
    }
    let mut roots = Vec::with_capacity(arrays.len());
    for (x, (target, path)) in arrays.iter().zip(targets) {
        let blocks = regular_blocks(x.expr())?;
        let meta = ArrayMetadata {
            chunks: blocks.chunks().clone(),
            dtype: x.dtype(),
        };
        target.create_array(path, &meta)?;
        let writes = io::write(&blocks, target.clone(), path)?;
        roots.push(tessera_graph::passes::optimize(writes.layer())?);
    }
    let outputs: Vec<Key> = roots
        .iter()
        .map(|r| Key::new(r.name().clone(), vec![]))
        .collect();
    let graph = tessera_graph::inline_sources(TaskGraph::from_layers(&roots, &outputs)?)?;
    let scheduler = config::get()?.scheduler();
    let blocks = scheduler.run(&graph, &[])?;
    blocks
        .iter()
        .map(|b| Ok(b.as_array::<u64>()?.sum()))
        .collect()
}

/// `x` in regular blocks of its `chunksize` (a store's grid), rechunked if needed.
fn regular_blocks(x: &tessera_ops::Expr) -> Result<tessera_ops::Expr> {
    let target = Chunks::regular(&x.shape(), &x.chunks().chunksize())?;
    if &target == x.chunks() {
        return Ok(x.clone());
    }
    Ok(tessera_ops::rechunk::rechunk_to(x, target)?)
}

/// Zarr stores on the file system (feature `zarr`, on by default).
#[cfg(feature = "zarr")]
mod zarr {
    use std::path::Path;
    use std::sync::Arc;

    use tessera_chunk_core::{ChunkSpec, Element};
    use tessera_ops::io;
    use tessera_storage::ZarrStore;

    use crate::array::Array;
    use crate::error::Result;

    /// `da.from_zarr(dir, component)`: the array at `array_path` (`""` when
    /// `dir` is itself an array) of the Zarr (v2 or v3) store in `dir`, in its own chunks.
    pub fn from_zarr<T: Element>(dir: impl AsRef<Path>, array_path: &str) -> Result<Array<T>> {
        let store = Arc::new(ZarrStore::open(dir)?);
        Array::from_expr(io::read(store, array_path, None, "from-zarr")?)
    }

    /// [`from_zarr`] in blocks of `chunks` (Dask's rules with the stored
    /// chunks as the previous ones: `"auto"` picks multiples of them).
    pub fn from_zarr_with_chunks<T: Element>(
        dir: impl AsRef<Path>,
        array_path: &str,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<Array<T>> {
        let store = Arc::new(ZarrStore::open(dir)?);
        super::read_with_chunks(store, array_path, chunks.into(), "from-zarr")
    }

    impl<T: Element> Array<T> {
        /// `x.to_zarr(dir, component)`: write to a new Zarr v3 array at
        /// `array_path` of the store in `dir` (created when missing; `""`
        /// makes `dir` itself the array), chunk by chunk, with zstd as
        /// zarr-python does. Returns the number of chunks written.
        pub fn to_zarr(&self, dir: impl AsRef<Path>, array_path: &str) -> Result<u64> {
            let dir = dir.as_ref();
            let store = if array_path.is_empty() || dir.is_dir() {
                std::fs::create_dir_all(dir).map_err(|e| tessera_storage::Error::Io {
                    op: "create directory".into(),
                    path: dir.display().to_string(),
                    reason: e.to_string(),
                })?;
                ZarrStore::open(dir)?
            } else {
                ZarrStore::create(dir)?
            };
            self.to_store(Arc::new(store), array_path)
        }
    }
}

#[cfg(feature = "zarr")]
pub use zarr::{from_zarr, from_zarr_with_chunks};

/// HDF5 files (feature `hdf5`: links the system libhdf5).
#[cfg(feature = "hdf5")]
mod hdf5 {
    use std::path::Path;
    use std::sync::Arc;

    use tessera_chunk_core::{ChunkSpec, Element};
    use tessera_ops::io;
    use tessera_storage::Hdf5Store;

    use crate::array::Array;
    use crate::error::Result;

    /// The dataset at `dataset` (e.g. `"group/data"`) of the HDF5 file at
    /// `path`, in its chunks (contiguous datasets: rows of about 128 MiB).
    pub fn from_hdf5<T: Element>(path: impl AsRef<Path>, dataset: &str) -> Result<Array<T>> {
        let store = Arc::new(Hdf5Store::open(path)?);
        Array::from_expr(io::read(store, dataset, None, "from-hdf5")?)
    }

    /// [`from_hdf5`] in blocks of `chunks` (Dask's rules with the stored chunks as the previous ones).
    pub fn from_hdf5_with_chunks<T: Element>(
        path: impl AsRef<Path>,
        dataset: &str,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<Array<T>> {
        let store = Arc::new(Hdf5Store::open(path)?);
        super::read_with_chunks(store, dataset, chunks.into(), "from-hdf5")
    }

    impl<T: Element> Array<T> {
        /// Write to a new chunked dataset `dataset` of the HDF5 file at `path`
        /// (created when missing), chunk by chunk; returns the chunks written.
        pub fn to_hdf5(&self, path: impl AsRef<Path>, dataset: &str) -> Result<u64> {
            let path = path.as_ref();
            let store = if path.exists() {
                Hdf5Store::open_rw(path)?
            } else {
                Hdf5Store::create(path)?
            };
            self.to_store(Arc::new(store), dataset)
        }
    }
}

#[cfg(feature = "hdf5")]
pub use hdf5::{from_hdf5, from_hdf5_with_chunks};

//! Arrays in chunk stores: `from_store` reads lazily, block by block, inside
//! tasks; `Array::to_store` streams blocks to a store's chunks.

use std::sync::Arc;

use tessera_chunk_core::{ChunkSpec, Chunks, Element};
use tessera_ops::io;
use tessera_storage::{ArrayMetadata, ChunkRead, Store};

use tessera_graph::{Key, TaskGraph};

use crate::compute::Compute;

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
        self.to_store_with(store, path, &Compute::new())
    }

    /// [`Array::to_store`] with compute options (a scheduler; callbacks such as
    /// a progress bar see every read, rechunk and write task of the one graph).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use tessera::storage::{ChunkRead, MemoryStore};
    ///
    /// /// Records the task count the scheduler announces.
    /// #[derive(Default)]
    /// struct Total(AtomicUsize);
    /// impl tessera::Callbacks for Total {
    ///     fn on_start(&self, total_tasks: usize) {
    ///         self.0.store(total_tasks, Ordering::Relaxed);
    ///     }
    /// }
    ///
    /// let store = Arc::new(MemoryStore::default());
    /// let x = tessera::ones::<f64>([4, 6], [2, 3]);
    /// let total = Total::default();
    /// let opts = tessera::Compute::new().scheduler(&tessera::Synchronous).callback(&total);
    /// let written = x.to_store_with(store.clone(), "x", &opts)?;
    /// assert_eq!(written, 4);
    /// // One write task per chunk and the count that gathers them.
    /// assert!(total.0.load(Ordering::Relaxed) >= 5);
    /// assert_eq!(store.metadata("x")?.chunks.chunksize(), vec![2, 3]);
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn to_store_with(
        &self,
        store: Arc<dyn Store>,
        path: &str,
        options: &Compute<'_>,
    ) -> Result<u64> {
        let counts = store_with(&[DynArray::from(self)], &[(store, path)], options)?;
        Ok(counts.iter().sum())
    }
}

/// Write several arrays to several stores in one computation (`da.store`):
/// `arrays[i]` goes to a new array at `targets[i]`; work they share (a common
/// input) is done once. Returns the number of chunks written per array.
pub fn store(arrays: &[DynArray], targets: &[(Arc<dyn Store>, &str)]) -> Result<Vec<u64>> {
    store_with(arrays, targets, &Compute::new())
}

/// [`store`] with compute options (a progress bar sees every read, rechunk
/// and write task of the one graph).
pub fn store_with(
    arrays: &[DynArray],
    targets: &[(Arc<dyn Store>, &str)],
    options: &Compute<'_>,
) -> Result<Vec<u64>> {
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
    let mut created = Vec::with_capacity(arrays.len());
    let written = write_all(arrays, targets, options, &mut created);
    if written.is_err() {
        // Never leave half-written arrays behind: remove what this call made.
        for (target, path) in created {
            let _ = target.delete_array(path);
        }
    }
    written
}

/// The body of [`store_with`]; pushes each array it creates to `created`.
fn write_all<'a>(
    arrays: &[DynArray],
    targets: &'a [(Arc<dyn Store>, &'a str)],
    options: &Compute<'_>,
    created: &mut Vec<(&'a Arc<dyn Store>, &'a str)>,
) -> Result<Vec<u64>> {
    let mut roots = Vec::with_capacity(arrays.len());
    for (x, (target, path)) in arrays.iter().zip(targets) {
        let blocks = regular_blocks(x.expr()?)?;
        let meta = ArrayMetadata {
            chunks: blocks.chunks().clone(),
            dtype: blocks.dtype(),
        };
        target.create_array(path, &meta)?;
        created.push((target, path));
        let writes = io::write(&blocks, target.clone(), path)?;
        roots.push(writes.layer().clone());
    }
    // Optimised together: an input the arrays share is made or read once.
    let roots = tessera_graph::passes::optimize_all(&roots)?;
    let outputs: Vec<Key> = roots
        .iter()
        .map(|r| Key::new(r.name().clone(), vec![]))
        .collect();
    let graph = tessera_graph::inline_sources(TaskGraph::from_layers(&roots, &outputs)?)?;
    let blocks = options.run(&graph)?;
    blocks
        .iter()
        .map(|b| Ok(b.as_array::<u64>()?.sum()))
        .collect()
}

/// Run `write`, and when it fails remove `path` if it did not exist before
/// (the directory or file a `to_zarr` / `to_hdf5` made for the array).
#[cfg(any(feature = "zarr", feature = "hdf5"))]
fn removing_new_path_on_error<R>(
    path: &std::path::Path,
    write: impl FnOnce() -> Result<R>,
) -> Result<R> {
    let existed = path.symlink_metadata().is_ok();
    let result = write();
    if result.is_err() && !existed {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
    }
    result
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
            // An array that failed to build creates nothing.
            self.check()?;
            let dir = dir.as_ref();
            super::removing_new_path_on_error(dir, || {
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
            })
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
            self.check()?;
            let path = path.as_ref();
            super::removing_new_path_on_error(path, || {
                let store = if path.exists() {
                    Hdf5Store::open_rw(path)?
                } else {
                    Hdf5Store::create(path)?
                };
                self.to_store(Arc::new(store), dataset)
            })
        }
    }
}

#[cfg(feature = "hdf5")]
pub use hdf5::{from_hdf5, from_hdf5_with_chunks};

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use tessera_chunk_core::Block;
    use tessera_graph::Key;
    use tessera_schedulers::{Callbacks, Threaded};
    use tessera_storage::{ChunkRead, MemoryStore};

    use crate::{from_store, Compute};

    /// Counts the announced and the finished tasks.
    #[derive(Default)]
    struct Count {
        total: AtomicUsize,
        finished: AtomicUsize,
    }

    impl Callbacks for Count {
        fn on_start(&self, total_tasks: usize) {
            self.total.store(total_tasks, Ordering::Relaxed);
        }
        fn on_task_finish(&self, _: &Key, _: usize, _: &Block) {
            self.finished.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn to_store_with_reports_every_task_and_writes_the_data() {
        let store = Arc::new(MemoryStore::default());
        let x = crate::random::random([7, 9], [3, 4], 5);
        let rechunked = x.rechunk([5, 5]);
        let count = Count::default();
        let threads = Threaded::new(2);
        let opts = Compute::new().scheduler(&threads).callback(&count);
        let written = rechunked.to_store_with(store.clone(), "x", &opts).unwrap();
        assert_eq!(written, 4);
        let total = count.total.load(Ordering::Relaxed);
        assert!(total > 4, "{total}");
        assert_eq!(count.finished.load(Ordering::Relaxed), total);
        assert_eq!(store.metadata("x").unwrap().chunks.chunksize(), vec![5, 5]);
        let back = from_store::<f64>(store, "x").unwrap().compute().unwrap();
        assert_eq!(back, x.compute().unwrap());
    }
}

//! Arrays in chunk stores: `from_store` reads lazily, block by block, inside
//! tasks; `Array::to_store` streams blocks to a store's chunks.

use std::sync::Arc;

use tessera_chunk_core::{ChunkSpec, Chunks, Element};
use tessera_ops::io;
use tessera_schedulers::{Callbacks, Scheduler};
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
        let scheduler = config::get()?.scheduler();
        self.to_store_with(store, path, scheduler.as_ref(), &[])
    }

    /// [`Array::to_store`] with a given scheduler and callbacks (a progress
    /// bar sees every read, rechunk and write task of the one graph).
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
    /// let x = tessera::ones::<f64>([4, 6], [2, 3])?;
    /// let total = Total::default();
    /// let written = x.to_store_with(store.clone(), "x", &tessera::SyncScheduler, &[&total])?;
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
        scheduler: &dyn Scheduler,
        callbacks: &[&dyn Callbacks],
    ) -> Result<u64> {
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
        let counts = writes.compute_with_callbacks(scheduler, callbacks)?;
        counts.iter().next().copied().ok_or_else(|| {
            crate::Error::Ops(tessera_ops::Error::InvalidArgument {
                op: "to_store".into(),
                reason: "the write graph returned no chunk count".into(),
            })
        })
    }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use tessera_chunk_core::Block;
    use tessera_graph::Key;
    use tessera_schedulers::{Callbacks, Threaded};
    use tessera_storage::{ChunkRead, MemoryStore};

    use crate::from_store;

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
        let x = crate::random::random([7, 9], [3, 4], 5).unwrap();
        let rechunked = x.rechunk([5, 5]).unwrap();
        let count = Count::default();
        let written = rechunked
            .to_store_with(store.clone(), "x", &Threaded::new(2), &[&count])
            .unwrap();
        assert_eq!(written, 4);
        let total = count.total.load(Ordering::Relaxed);
        assert!(total > 4, "{total}");
        assert_eq!(count.finished.load(Ordering::Relaxed), total);
        assert_eq!(store.metadata("x").unwrap().chunks.chunksize(), vec![5, 5]);
        let back = from_store::<f64>(store, "x").unwrap().compute().unwrap();
        assert_eq!(back, x.compute().unwrap());
    }
}

//! `Hdf5Store`: arrays as the datasets of one HDF5 file, read and written
//! through the system libhdf5 (1.10 or newer) with the hdf5-metno bindings.
//!
//! - **Grid.** A chunked dataset is read by its HDF5 chunks
//!   (`Chunks::regular(shape, chunk)`, edge blocks trimmed). A contiguous (or
//!   compact) dataset has no chunks: it is read in blocks of whole rows of the
//!   first axis of about [`Hdf5Store::CONTIGUOUS_BLOCK_BYTES`] (128 MiB), or as one block
//!   when it is smaller. A 0-d dataset is one scalar block.
//! - **Creating.** [`ChunkWrite::create_array`] makes a chunked dataset whose
//!   chunk shape is the grid's regular chunk size (HDF5 cannot hold an
//!   irregular grid), creating the groups of a nested path such as
//!   `"g/sub/data"`; [`Hdf5Store::create_array_with`] adds gzip. Chunks never
//!   written read as the fill value (zero), as in h5py.
//! - **Types.** As h5py maps them: bool is an `int8` enum `{FALSE, TRUE}`,
//!   complex a compound `{r, i}`; int8..int64, uint8..uint64, float32 and
//!   float64 of either byte order. Any other type is
//!   [`Error::UnsupportedDType`] naming it.
//! - **Threads.** Every HDF5 call is made under one process-wide lock (see
//!   `lock.rs`), so the store is `Send + Sync` and safe under the threaded
//!   scheduler; HDF5 work itself runs one thread at a time.
//! - **Regions.** [`ChunkRead::read_region`] is one HDF5 hyperslab read,
//!   whatever chunks it overlaps.
//! - **Errors.** HDF5's own printing of errors to stderr is silenced; every
//!   failure is an [`Error`] value.
//!
//! ```
//! use ndarray::{ArrayD, IxDyn};
//! use tessera_chunk_core::{Block, Chunks, DType};
//! use tessera_storage::{ArrayMetadata, ChunkRead, ChunkWrite, Hdf5Store};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let store = Hdf5Store::create(dir.path().join("data.h5")).unwrap();
//! let meta = ArrayMetadata { chunks: Chunks::regular(&[4, 3], &[2, 3]).unwrap(), dtype: DType::F64 };
//! store.create_array("g/x", &meta).unwrap();
//! let block = Block::from_array(ArrayD::<f64>::ones(IxDyn(&[2, 3])));
//! store.write_chunk("g/x", &[1, 0], &block).unwrap();
//! assert_eq!(store.read_chunk("g/x", &[1, 0]).unwrap(), block);
//! assert_eq!(store.read_region("g/x", &[2, 0], &[2, 3]).unwrap(), block);
//! ```

#[cfg(unix)]
mod cloexec;
mod dtype;
mod grid;
mod io;
mod lock;
mod open;
mod options;
mod paths;
mod walk;

use std::path::{Path, PathBuf};

use ::hdf5::{Dataset, File, Group, LocationType};
use tessera_chunk_core::Block;

use crate::error::{Error, Result};
use crate::traits::{ArrayMetadata, ChunkList, ChunkRead, ChunkWrite};
use io::backend;
use lock::hdf5_lock;
pub use options::Hdf5Options;

/// A store over the datasets of one HDF5 file.
#[derive(Debug)]
pub struct Hdf5Store {
    file: File,
    path: PathBuf,
    writable: bool,
    options: Hdf5Options,
}

impl Hdf5Store {
    /// About how many bytes one grid block of a contiguous (unchunked) dataset holds.
    pub const CONTIGUOUS_BLOCK_BYTES: usize = grid::CONTIGUOUS_BLOCK_BYTES;

    /// Open an existing file read-only.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        open::open(path.as_ref(), false)
    }

    /// Open an existing file to read and write.
    pub fn open_rw(path: impl AsRef<Path>) -> Result<Self> {
        open::open(path.as_ref(), true)
    }

    /// Create a new file to read and write (an error if the file exists).
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        open::create(path.as_ref())
    }

    /// Use `options` for the datasets [`ChunkWrite::create_array`] creates from now on.
    pub fn with_options(mut self, options: Hdf5Options) -> Self {
        self.options = options;
        self
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Create a chunked dataset for `meta` at `path`, stored as `options` say.
    pub fn create_array_with(
        &self,
        path: &str,
        meta: &ArrayMetadata,
        options: &Hdf5Options,
    ) -> Result<()> {
        let _lock = hdf5_lock();
        self.check_writable(path)?;
        options.check(path)?;
        let norm = paths::normalize(path)?;
        if self.file.link_exists(&norm) {
            return Err(Error::AlreadyExists {
                path: path.to_string(),
            });
        }
        let chunk = grid::hdf5_chunk(path, &meta.chunks, meta.dtype.itemsize())?;
        let (parents, name) = paths::split(&norm);
        let group = self.ensure_groups(path, &parents)?;
        io::create(
            &group,
            name,
            meta.dtype,
            &meta.chunks.shape(),
            chunk,
            options,
        )
        .map_err(|e| with_path(e, path))
    }

    fn check_writable(&self, path: &str) -> Result<()> {
        if self.writable {
            return Ok(());
        }
        Err(Error::Unsupported {
            path: path.to_string(),
            reason: format!(
                "{} was opened read-only (Hdf5Store::open); open it with Hdf5Store::open_rw to write",
                self.path.display()
            ),
        })
    }

    /// The dataset at `path`, or `NoSuchArray` listing the datasets that exist.
    fn dataset(&self, path: &str) -> Result<Dataset> {
        let norm = paths::normalize(path)?;
        if let Ok(ds) = self.file.dataset(&norm) {
            return Ok(ds);
        }
        // A dataset that is there but cannot be opened is damage, not absence.
        if let Ok(LocationType::Dataset) = self.file.loc_type_by_name(&norm) {
            return Err(Error::CorruptFile {
                path: format!("{}:{norm}", self.path.display()),
                reason: "the dataset's header cannot be read".into(),
            });
        }
        Err(Error::NoSuchArray {
            path: path.to_string(),
            store: format!("HDF5 file {}", self.path.display()),
            existing: walk::list_datasets(&self.file).unwrap_or_default(),
        })
    }

    fn meta_of(&self, path: &str, ds: &Dataset) -> Result<ArrayMetadata> {
        let dtype = dtype::dtype_of(path, ds)?;
        let chunk = if ds.is_chunked() { ds.chunk() } else { None };
        let chunks = grid::read_grid(&ds.shape(), chunk.as_deref(), dtype.itemsize())?;
        Ok(ArrayMetadata { chunks, dtype })
    }

    /// Open or create each group of `parents` in turn; a dataset in the way is an error.
    fn ensure_groups(&self, path: &str, parents: &[&str]) -> Result<Group> {
        let mut group: Group = (*self.file).clone();
        for (depth, name) in parents.iter().enumerate() {
            let next = if group.link_exists(name) {
                group.group(name).map_err(|_| Error::InvalidPath {
                    path: path.to_string(),
                    reason: format!(
                        "{:?} is not a group (an array is there), so nothing can be created under it",
                        parents[..=depth].join("/")
                    ),
                })?
            } else {
                group.create_group(name).map_err(|e| backend(path, e))?
            };
            group = next;
        }
        Ok(group)
    }
}

/// Errors from helpers that only knew the last path component name the whole path.
fn with_path(e: Error, path: &str) -> Error {
    match e {
        Error::Backend { reason, .. } => Error::Backend {
            path: path.to_string(),
            reason,
        },
        Error::UnsupportedDType { dtype, .. } => Error::UnsupportedDType {
            path: path.to_string(),
            dtype,
        },
        other => other,
    }
}

impl ChunkRead for Hdf5Store {
    fn metadata(&self, path: &str) -> Result<ArrayMetadata> {
        let _lock = hdf5_lock();
        let ds = self.dataset(path)?;
        self.meta_of(path, &ds)
    }

    fn read_chunk(&self, path: &str, index: &[usize]) -> Result<Block> {
        let _lock = hdf5_lock();
        let ds = self.dataset(path)?;
        let meta = self.meta_of(path, &ds)?;
        let ranges = meta.chunks.block_range(index)?;
        io::read(&ds, path, meta.dtype, &ranges)
    }

    /// One hyperslab read of the region, not assembled from chunks.
    fn read_region(&self, path: &str, start: &[usize], shape: &[usize]) -> Result<Block> {
        let _lock = hdf5_lock();
        let ds = self.dataset(path)?;
        let meta = self.meta_of(path, &ds)?;
        meta.check_region(path, start, shape)?;
        let ranges: Vec<_> = start.iter().zip(shape).map(|(&s, &n)| s..s + n).collect();
        io::read(&ds, path, meta.dtype, &ranges)
    }

    fn describe(&self) -> String {
        format!("hdf5:{}", self.path.display())
    }

    /// Reads can happen in any process; writes stay in this one (HDF5 files
    /// must not be written by several processes at once).
    fn read_locator(&self) -> Option<crate::Locator> {
        Some(crate::Locator {
            driver: "hdf5".into(),
            path: self.path.clone(),
        })
    }
}

impl ChunkWrite for Hdf5Store {
    fn create_array(&self, path: &str, meta: &ArrayMetadata) -> Result<()> {
        self.create_array_with(path, meta, &self.options)
    }

    fn write_chunk(&self, path: &str, index: &[usize], block: &Block) -> Result<()> {
        let _lock = hdf5_lock();
        self.check_writable(path)?;
        let ds = self.dataset(path)?;
        let meta = self.meta_of(path, &ds)?;
        meta.check_chunk(path, index, block)?;
        let ranges = meta.chunks.block_range(index)?;
        io::write(&ds, path, &ranges, block)
    }

    /// Unlinks the dataset (HDF5 does not give the file space back).
    fn delete_array(&self, path: &str) -> Result<()> {
        let _lock = hdf5_lock();
        self.check_writable(path)?;
        self.dataset(path)?;
        let norm = paths::normalize(path)?;
        self.file.unlink(&norm).map_err(|e| backend(path, e))
    }
}

impl ChunkList for Hdf5Store {
    fn list_arrays(&self) -> Result<Vec<String>> {
        let _lock = hdf5_lock();
        walk::list_datasets(&self.file)
    }
}

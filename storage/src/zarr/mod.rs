//! `ZarrStore`: Zarr v2 and v3 arrays in a directory, through the zarrs crate.
//!
//! Arrays are named by their path in the hierarchy (`"group/sub/array"`).
//! New arrays are Zarr v3 with zstd compression by default, as zarr-python
//! writes them; [`WriteOptions`] choose v2 or another compressor. Chunks that
//! were never written read as the fill value, as the Zarr specification says.

mod chunk_io;
mod dtype;
mod errors;
mod hierarchy;
mod metadata;
mod native;
mod options;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use tessera_chunk_core::{Block, Chunks};
use zarrs::array::{Array, ArrayCreateError, ArrayMetadataOptions};
use zarrs::filesystem::FilesystemStore;
use zarrs::storage::ReadableWritableListableStorage;

use self::chunk_io::ZArray;
use self::errors::io;
use self::hierarchy::Node;
pub use self::options::{Compression, WriteOptions, ZarrFormat};
use crate::error::{Error, Result};
use crate::traits::{ArrayMetadata, ChunkList, ChunkRead, ChunkWrite};

/// One opened array: the zarrs handle and what tessera knows of it.
struct Opened {
    array: ZArray,
    meta: ArrayMetadata,
    format: ZarrFormat,
    /// Set when whole chunks are streamed by tessera rather than zarrs.
    native: Option<native::Native>,
}

impl Opened {
    /// The chunk whose whole in-bounds extent is `start`/`shape`, if it is one
    /// (chunks cut by the array's edge are not: Zarr stores them full-size).
    fn whole_chunk(&self, start: &[usize], shape: &[usize]) -> Option<Vec<u64>> {
        let chunk = self.array.chunk_shape(&vec![0; start.len()]).ok()?;
        start
            .iter()
            .zip(shape)
            .zip(chunk.iter())
            .map(|((&s, &n), c)| {
                let c = c.get() as usize;
                (n == c && s % c == 0).then_some((s / c) as u64)
            })
            .collect()
    }

    /// The file of chunk `index` under the store's `root`.
    fn chunk_file(&self, root: &Path, index: &[u64]) -> PathBuf {
        root.join(self.array.chunk_key(index).as_str())
    }
}

/// A directory holding a Zarr hierarchy (v2 or v3) of arrays and groups.
///
/// ```
/// use tessera_chunk_core::{Block, Chunks, DType};
/// use tessera_storage::{ArrayMetadata, ChunkRead, ChunkWrite, ZarrStore};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = std::env::temp_dir().join(format!("tessera-doc-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let store = ZarrStore::create(&dir)?;
/// let meta = ArrayMetadata { chunks: Chunks::regular(&[5], &[3])?, dtype: DType::I32 };
/// store.create_array("group/x", &meta)?;
/// store.write_chunk("group/x", &[1], &Block::from_array(ndarray::arr1(&[7, 8]).into_dyn()))?;
/// assert_eq!(store.read_chunk("group/x", &[1])?.shape(), &[2]);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub struct ZarrStore {
    root: PathBuf,
    storage: ReadableWritableListableStorage,
    options: WriteOptions,
    /// Arrays opened so far; their metadata is read once per store handle.
    opened: RwLock<HashMap<String, Arc<Opened>>>,
}

impl fmt::Debug for ZarrStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZarrStore")
            .field("root", &self.root)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ZarrStore {
    /// Open an existing directory of Zarr arrays; an error if it is not a directory.
    /// New arrays are written in the root group's format (v3 if it has none).
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let root = dir.as_ref().to_path_buf();
        match std::fs::metadata(&root) {
            Ok(m) if m.is_dir() => {
                let v2_root = root.join(hierarchy::ZGROUP).is_file()
                    && !root.join(hierarchy::ZARR_JSON).is_file();
                let format = if v2_root {
                    ZarrFormat::V2
                } else {
                    ZarrFormat::V3
                };
                Self::at(root, WriteOptions::default().with_format(format))
            }
            Ok(_) => Err(Error::StoreNotFound {
                dir: root.display().to_string(),
                reason: "it is a file, not a directory".into(),
            }),
            Err(e) => Err(Error::StoreNotFound {
                dir: root.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }

    /// Create a store (a v3 root group) in `dir`, which must be missing or empty.
    pub fn create(dir: impl AsRef<Path>) -> Result<Self> {
        Self::create_with(dir, WriteOptions::default())
    }

    /// Create a store whose new arrays (and root group) follow `options`.
    pub fn create_with(dir: impl AsRef<Path>, options: WriteOptions) -> Result<Self> {
        let root = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(|e| io("create directory", &root, &e))?;
        let mut entries = std::fs::read_dir(&root).map_err(|e| io("list", &root, &e))?;
        if entries.next().is_some() {
            return Err(Error::StoreNotEmpty {
                dir: root.display().to_string(),
            });
        }
        hierarchy::write_group(&root, "", options.format)?;
        Self::at(root, options)
    }

    fn at(root: PathBuf, options: WriteOptions) -> Result<Self> {
        let fs = FilesystemStore::new(&root).map_err(|e| Error::StoreNotFound {
            dir: root.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(ZarrStore {
            root,
            storage: Arc::new(fs),
            options,
            opened: RwLock::new(HashMap::new()),
        })
    }

    /// This store writing new arrays with `options` instead.
    pub fn with_write_options(mut self, options: WriteOptions) -> Self {
        self.options = options;
        self
    }

    /// How new arrays are written.
    pub fn write_options(&self) -> WriteOptions {
        self.options
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// The Zarr format version of the array at `path`.
    pub fn format(&self, path: &str) -> Result<ZarrFormat> {
        Ok(self.array(path)?.format)
    }

    /// The opened array at `path`, from the cache or the disk.
    fn array(&self, path: &str) -> Result<Arc<Opened>> {
        let key = hierarchy::normalize(path)?;
        let cached = self
            .opened
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(found) = cached {
            return Ok(found);
        }
        let Some(Node::Array(doc)) = hierarchy::read_node(&self.root, &key)? else {
            return Err(self.no_such_array(path));
        };
        let array = Array::open(self.storage.clone(), &hierarchy::node_path(&key)).map_err(
            |e| match e {
                ArrayCreateError::DataTypeCreateError(_) => Error::UnsupportedDType {
                    path: path.to_string(),
                    dtype: hierarchy::dtype_name(&doc),
                },
                other => errors::create(path, other),
            },
        )?;
        let dtype = dtype::from_zarr(array.data_type()).ok_or_else(|| Error::UnsupportedDType {
            path: path.to_string(),
            dtype: array.data_type().to_string(),
        })?;
        let shape = usize_shape(path, array.shape())?;
        let chunks = metadata::chunks_of(path, &doc, &shape)?;
        let opened = Arc::new(Opened {
            array,
            meta: ArrayMetadata { chunks, dtype },
            format: metadata::format_of(&doc),
            native: native::detect(&doc, dtype),
        });
        Ok(self.remember(key, opened))
    }

    /// `NoSuchArray` for `path`, listing the arrays that do exist.
    fn no_such_array(&self, path: &str) -> Error {
        Error::NoSuchArray {
            path: path.to_string(),
            store: self.describe(),
            existing: hierarchy::list_arrays(&self.root).unwrap_or_default(),
        }
    }

    /// A whole chunk streamed from its file, when the array's layout allows
    /// (`None`: zarrs reads it, also when the file is missing and the fill value is due).
    fn read_whole(
        &self,
        opened: &Opened,
        start: &[usize],
        shape: &[usize],
        path: &str,
    ) -> Result<Option<Block>> {
        let (Some(native), Some(chunk)) = (opened.native, opened.whole_chunk(start, shape)) else {
            return Ok(None);
        };
        let index: Vec<usize> = chunk.iter().map(|&c| c as usize).collect();
        native::read(
            native,
            opened.meta.dtype,
            &opened.chunk_file(&self.root, &chunk),
            shape,
            path,
            &index,
        )
    }

    fn remember(&self, key: String, opened: Arc<Opened>) -> Arc<Opened> {
        let mut map = self.opened.write().unwrap_or_else(PoisonError::into_inner);
        map.entry(key).or_insert(opened).clone()
    }
}

fn usize_shape(path: &str, shape: &[u64]) -> Result<Vec<usize>> {
    shape
        .iter()
        .map(|&d| usize::try_from(d))
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| Error::Unsupported {
            path: path.to_string(),
            reason: format!("shape {shape:?} does not fit this machine's address space"),
        })
}

impl ChunkRead for ZarrStore {
    fn metadata(&self, path: &str) -> Result<ArrayMetadata> {
        Ok(self.array(path)?.meta.clone())
    }

    fn read_chunk(&self, path: &str, index: &[usize]) -> Result<Block> {
        let opened = self.array(path)?;
        let region = opened.meta.chunks.block_range(index)?;
        let start: Vec<usize> = region.iter().map(|r| r.start).collect();
        let shape: Vec<usize> = region.iter().map(ExactSizeIterator::len).collect();
        if let Some(block) = self.read_whole(&opened, &start, &shape, path)? {
            return Ok(block);
        }
        chunk_io::read(&opened.array, opened.meta.dtype, &region, path, index)
    }

    /// One zarrs read of the box (it decodes each overlapped chunk once),
    /// or one streamed read when the box is a whole chunk.
    fn read_region(&self, path: &str, start: &[usize], shape: &[usize]) -> Result<Block> {
        let opened = self.array(path)?;
        opened.meta.check_region(path, start, shape)?;
        if let Some(block) = self.read_whole(&opened, start, shape, path)? {
            return Ok(block);
        }
        let region: Vec<_> = start.iter().zip(shape).map(|(&s, &n)| s..s + n).collect();
        chunk_io::read(&opened.array, opened.meta.dtype, &region, path, &[])
    }

    fn describe(&self) -> String {
        format!("zarr:{}", self.root.display())
    }

    fn read_locator(&self) -> Option<crate::Locator> {
        Some(crate::Locator {
            driver: "zarr".into(),
            path: self.root.clone(),
        })
    }
}

impl ChunkWrite for ZarrStore {
    fn create_array(&self, path: &str, meta: &ArrayMetadata) -> Result<()> {
        let key = hierarchy::normalize(path)?;
        if !meta.dtype.is_array_type() {
            return Err(Error::UnsupportedDType {
                path: path.to_string(),
                dtype: meta.dtype.name().to_string(),
            });
        }
        let chunk = metadata::regular_chunk_shape(path, &meta.chunks)?;
        let shape = meta.chunks.shape();
        match hierarchy::read_node(&self.root, &key)? {
            Some(Node::Array(_)) => return Err(Error::AlreadyExists { path: key }),
            Some(Node::Group) => {
                return Err(Error::InvalidPath {
                    path: path.to_string(),
                    reason: "a group exists there; choose a path that names nothing yet".into(),
                })
            }
            None => {}
        }
        hierarchy::ensure_parents(&self.root, &key, self.options.format)?;
        let doc = metadata::new_array_doc(path, meta.dtype, &shape, &chunk, self.options)?;
        let native = native::detect(&doc, meta.dtype);
        let zmeta = serde_json::from_value(doc).map_err(|e| Error::Backend {
            path: path.to_string(),
            reason: format!("zarrs refused the new array's metadata: {e}"),
        })?;
        let mut array =
            Array::new_with_metadata(self.storage.clone(), &hierarchy::node_path(&key), zmeta)
                .map_err(|e| errors::create(path, e))?;
        array.set_metadata_options(
            ArrayMetadataOptions::default().with_include_zarrs_metadata(false),
        );
        array
            .store_metadata()
            .map_err(|e| errors::storage("write the metadata of", path, e))?;
        let meta = ArrayMetadata {
            chunks: Chunks::regular(&shape, &chunk)?,
            dtype: meta.dtype,
        };
        self.remember(
            key,
            Arc::new(Opened {
                array,
                meta,
                format: self.options.format,
                native,
            }),
        );
        Ok(())
    }

    fn write_chunk(&self, path: &str, index: &[usize], block: &Block) -> Result<()> {
        let opened = self.array(path)?;
        opened.meta.check_chunk(path, index, block)?;
        if block.is_empty() {
            return Ok(());
        }
        let chunk: Vec<u64> = index.iter().map(|&i| i as u64).collect();
        let full = opened
            .array
            .chunk_shape(&chunk)
            .map_err(|e| errors::array("write", path, index, e))?;
        let full: Vec<usize> = full.iter().map(|d| d.get() as usize).collect();
        if let (Some(native), true) = (opened.native, block.shape() == full.as_slice()) {
            if native::write(native, block, &opened.chunk_file(&self.root, &chunk))? {
                return Ok(());
            }
        }
        chunk_io::write(&opened.array, index, block, &full, path)
    }

    fn delete_array(&self, path: &str) -> Result<()> {
        let key = hierarchy::normalize(path)?;
        let Some(Node::Array(_)) = hierarchy::read_node(&self.root, &key)? else {
            return Err(self.no_such_array(path));
        };
        self.opened
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&key);
        hierarchy::remove_array(&self.root, &key)
    }

    fn write_locator(&self) -> Option<crate::Locator> {
        self.read_locator()
    }
}

impl ChunkList for ZarrStore {
    fn list_arrays(&self) -> Result<Vec<String>> {
        hierarchy::list_arrays(&self.root)
    }
}

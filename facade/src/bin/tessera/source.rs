//! The array a command reads: a Zarr array directory, or an array of a group
//! named with `--array`, opened with its stored dtype.

use std::path::{Path, PathBuf};

use tessera::storage::{ArrayMetadata, ChunkList, ChunkRead, ZarrStore};
use tessera::{with_dtype, DynArray};

use crate::error::{CliError, Result};
use crate::metadata::{read_node, Node};

/// The dataset name `--format hdf5` writes (and reads when a file holds only it).
#[cfg_attr(not(feature = "hdf5"), allow(dead_code))]
pub const HDF5_DATASET: &str = "data";

/// An array found on disk: its store, its path in the store, and what the driver knows of it.
pub struct Source {
    /// The store directory given on the command line.
    pub root: PathBuf,
    /// The array's path in the store (`""` when the directory is the array).
    pub name: String,
    /// Chunks and dtype, from the driver.
    pub meta: ArrayMetadata,
    /// Whether the store is an HDF5 file (else a Zarr directory).
    #[cfg_attr(not(feature = "hdf5"), allow(dead_code))]
    pub hdf5: bool,
}

/// The Zarr node at `root`, or an error saying why it is not one.
pub fn node_at(root: &Path) -> Result<Node> {
    if !root.exists() {
        return Err(CliError::Input(format!(
            "{} does not exist",
            root.display()
        )));
    }
    if !root.is_dir() {
        return Err(CliError::Input(format!(
            "{} is not a Zarr store: it is a file, and a Zarr array or group is a directory",
            root.display()
        )));
    }
    read_node(root)?.ok_or_else(|| {
        CliError::Input(format!(
            "{} is not a Zarr store: it has no zarr.json (v3), .zarray or .zgroup (v2)",
            root.display()
        ))
    })
}

/// Whether `path` is an HDF5 file (by its signature).
pub fn is_hdf5(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    path.is_file()
        && std::fs::File::open(path).is_ok_and(|mut f| f.read_exact(&mut head).is_ok())
        && head == *b"\x89HDF\r\n\x1a\n"
}

/// The dataset of an HDF5 file a command reads: `name`, or the only one.
#[cfg(feature = "hdf5")]
fn open_hdf5(root: &Path, name: Option<&str>) -> Result<Source> {
    let store = tessera::storage::Hdf5Store::open(root)?;
    let name = match name {
        Some(n) => n.trim_start_matches('/').to_string(),
        None => {
            let datasets = store.list_arrays()?;
            match datasets.as_slice() {
                [only] => only.clone(),
                _ => {
                    return Err(CliError::Input(format!(
                        "{} holds {} datasets; choose one with --array NAME ({})",
                        root.display(),
                        datasets.len(),
                        datasets.join(", ")
                    )))
                }
            }
        }
    };
    let meta = store.metadata(&name)?;
    Ok(Source {
        root: root.to_path_buf(),
        name,
        meta,
        hdf5: true,
    })
}

/// Open the array at `root` (`name: None`) or `name` inside it; a group without a name is an error listing its arrays.
pub fn open(root: &Path, name: Option<&str>) -> Result<Source> {
    if is_hdf5(root) {
        #[cfg(feature = "hdf5")]
        return open_hdf5(root, name);
        #[cfg(not(feature = "hdf5"))]
        return Err(CliError::Input(format!(
            "{} is an HDF5 file; this build has no HDF5 support (build with --features hdf5)",
            root.display()
        )));
    }
    let node = node_at(root)?;
    let store = ZarrStore::open(root)?;
    let name = match (name, node) {
        (Some(n), Node::Array { .. }) if !n.trim_start_matches('/').is_empty() => {
            return Err(CliError::Input(format!(
                "{} is a Zarr array, not a group, so it holds no array {n:?}; drop --array",
                root.display()
            )));
        }
        (Some(n), _) => n.trim_start_matches('/').to_string(),
        (None, Node::Array { .. }) => String::new(),
        (None, Node::Group { .. }) => {
            let arrays = store.list_arrays()?;
            return Err(CliError::Input(format!(
                "{} is a Zarr group; choose one of its arrays with --array NAME ({})",
                root.display(),
                if arrays.is_empty() {
                    "it has none".to_string()
                } else {
                    format!("arrays: {}", arrays.join(", "))
                }
            )));
        }
    };
    let meta = store.metadata(&name)?;
    Ok(Source {
        root: root.to_path_buf(),
        name,
        meta,
        hdf5: false,
    })
}

impl Source {
    /// The array, lazily read from the store in its stored chunks, as its stored dtype.
    pub fn array(&self) -> Result<DynArray> {
        #[cfg(feature = "hdf5")]
        if self.hdf5 {
            return with_dtype!(self.meta.dtype,
                T => Ok(DynArray::from(tessera::from_hdf5::<T>(&self.root, &self.name)?)),
                other => Err(CliError::Input(format!("dataset {:?} has dtype {other}, which tessera cannot compute with", self.name)))
            );
        }
        with_dtype!(self.meta.dtype,
            T => Ok(DynArray::from(tessera::from_zarr::<T>(&self.root, &self.name)?)),
            other => Err(CliError::Input(format!("array {:?} has dtype {other}, which tessera cannot compute with", self.name)))
        )
    }

    /// The directory of the array itself (where its metadata file is).
    pub fn dir(&self) -> PathBuf {
        if self.name.is_empty() {
            self.root.clone()
        } else {
            self.root.join(&self.name)
        }
    }
}

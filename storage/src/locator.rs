//! Where a store lives, so that another process (a worker of the
//! multiprocess scheduler) can open the same store: a driver name and a path.
//! In-memory stores have none: their chunks live in one process.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::traits::{ChunkRead, ChunkWrite};

/// A store's driver and filesystem path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Locator {
    /// `"zarr"` or `"hdf5"`.
    pub driver: String,
    /// The Zarr directory or HDF5 file.
    pub path: PathBuf,
}

fn unknown(loc: &Locator) -> Error {
    Error::StoreNotFound {
        dir: loc.path.display().to_string(),
        reason: format!(
            "no {:?} driver in this build of tessera-storage to reopen it with (drivers: zarr, hdf5)",
            loc.driver
        ),
    }
}

/// Open the store `loc` names, for reading.
pub fn reopen_read(loc: &Locator) -> Result<Arc<dyn ChunkRead>> {
    match loc.driver.as_str() {
        #[cfg(feature = "zarr")]
        "zarr" => Ok(Arc::new(crate::ZarrStore::open(&loc.path)?)),
        #[cfg(feature = "hdf5")]
        "hdf5" => Ok(Arc::new(crate::Hdf5Store::open(&loc.path)?)),
        _ => Err(unknown(loc)),
    }
}

/// Open the store `loc` names, for writing chunks of arrays that exist.
pub fn reopen_write(loc: &Locator) -> Result<Arc<dyn ChunkWrite>> {
    match loc.driver.as_str() {
        #[cfg(feature = "zarr")]
        "zarr" => Ok(Arc::new(crate::ZarrStore::open(&loc.path)?)),
        _ => Err(unknown(loc)),
    }
}

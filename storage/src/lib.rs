//! tessera-storage: chunk stores. Capabilities are small traits
//! ([`ChunkRead`], [`ChunkWrite`], [`ChunkList`]); drivers sit behind cargo
//! features (`memory`, `zarr`, `hdf5`); one test kit ([`testing`]) runs against every driver.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod error;
#[cfg(feature = "hdf5")]
mod hdf5;
mod locator;
#[cfg(feature = "memory")]
mod memory;
mod region;
mod traits;
#[cfg(feature = "zarr")]
mod zarr;

pub use error::{Error, Result};
#[cfg(feature = "hdf5")]
pub use hdf5::{Hdf5Options, Hdf5Store};
pub use locator::{reopen_read, reopen_write, Locator};
#[cfg(feature = "memory")]
pub use memory::MemoryStore;
pub use traits::{ArrayMetadata, ChunkList, ChunkRead, ChunkWrite, Store};
#[cfg(feature = "zarr")]
pub use zarr::{Compression, WriteOptions, ZarrFormat, ZarrStore};

#[cfg(feature = "testing")]
pub mod testing;

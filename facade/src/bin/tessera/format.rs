//! Output formats of the commands that write arrays: the one place a new
//! format (HDF5) is added — a variant, an arm in `Format::writer`, a writer function.

use std::path::Path;
use std::sync::Arc;

use clap::ValueEnum;
use tessera::chunk_core::py_tuple;
use tessera::storage::ZarrStore;
use tessera::{Array, Element};

use crate::error::{CliError, Result};
use crate::runner::Runner;

/// `--format`: how a written array is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A Zarr v3 array directory (zstd-compressed chunks, as zarr-python writes).
    Zarr,
    /// An HDF5 file with the array as dataset `data` (builds with the `hdf5` feature).
    Hdf5,
}

/// A writer: puts an array at a new path, returns the number of chunks written.
type Writer<T> = fn(&Array<T>, &Path, &Runner) -> Result<u64>;

impl Format {
    /// The writer of this format, or an error if this build has none.
    fn writer<T: Element>(self) -> Result<Writer<T>> {
        match self {
            Format::Zarr => Ok(write_zarr::<T>),
            #[cfg(feature = "hdf5")]
            Format::Hdf5 => Ok(write_hdf5::<T>),
            #[cfg(not(feature = "hdf5"))]
            Format::Hdf5 => Err(CliError::Input(
                "this build has no HDF5 support (build with --features hdf5); use --format zarr"
                    .into(),
            )),
        }
    }

    /// Write `array` as a new array at `out` (which must not exist), with a
    /// progress bar; returns the number of chunks written. A failed write
    /// removes what it created.
    pub fn write<T: Element>(self, array: &Array<T>, out: &Path, runner: &Runner) -> Result<u64> {
        let writer = self.writer::<T>()?;
        if out.symlink_metadata().is_ok() {
            return Err(CliError::Input(format!(
                "{} already exists; remove it or choose another output path",
                out.display()
            )));
        }
        let written = writer(array, out, runner);
        if written.is_err() {
            // Only what this command created: `out` did not exist before.
            let _ = if out.is_dir() {
                std::fs::remove_dir_all(out)
            } else {
                std::fs::remove_file(out)
            };
        }
        written
    }
}

/// The Zarr writer: `out` becomes the array directory itself.
fn write_zarr<T: Element>(array: &Array<T>, out: &Path, runner: &Runner) -> Result<u64> {
    std::fs::create_dir_all(out)
        .map_err(|e| CliError::Input(format!("cannot create {}: {e}", out.display())))?;
    let store = Arc::new(ZarrStore::open(out)?);
    runner.write(array, store, "", "write")
}

/// The HDF5 writer: `out` becomes a new file holding the array as dataset [`HDF5_DATASET`].
#[cfg(feature = "hdf5")]
fn write_hdf5<T: Element>(array: &Array<T>, out: &Path, runner: &Runner) -> Result<u64> {
    let store = Arc::new(tessera::storage::Hdf5Store::create(out)?);
    runner.write(array, store, crate::source::HDF5_DATASET, "write")
}

/// What a write did, for stdout: `wrote (1000, 1000) float64 (7.63 MiB) in 100 chunks of (100, 100) to x.zarr`.
pub fn written_line<T: Element>(x: &Array<T>, chunks: u64, out: &Path) -> String {
    format!(
        "wrote {} {} ({}) in {chunks} chunk{} of {} to {}\n",
        py_tuple(&x.shape()),
        T::DTYPE,
        tessera::format_bytes(x.nbytes()),
        if chunks == 1 { "" } else { "s" },
        py_tuple(&x.chunksize()),
        out.display()
    )
}

//! `Hdf5Options`: how the driver lays out the datasets it creates.

use crate::error::{Error, Result};

/// How new datasets are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hdf5Options {
    /// gzip (deflate) level `0..=9` applied to every chunk; `None` stores chunks uncompressed.
    pub gzip: Option<u8>,
}

impl Hdf5Options {
    /// Chunks compressed with gzip at `level` (`0..=9`, as h5py's `compression_opts`).
    pub fn gzip(level: u8) -> Self {
        Hdf5Options { gzip: Some(level) }
    }

    /// Check the options against what this build of libhdf5 offers.
    pub(super) fn check(&self, path: &str) -> Result<()> {
        let Some(level) = self.gzip else {
            return Ok(());
        };
        if level > 9 {
            return Err(Error::Unsupported {
                path: path.to_string(),
                reason: format!("gzip level {level} is out of range; use a level in 0..=9"),
            });
        }
        if !::hdf5::filters::deflate_available() {
            return Err(Error::Unsupported {
                path: path.to_string(),
                reason: "this libhdf5 has no deflate (gzip) filter; create the array without gzip or use a libhdf5 built with zlib".into(),
            });
        }
        Ok(())
    }
}

//! How `ZarrStore` writes new arrays: the Zarr format version and the compressor.

/// The Zarr format version of arrays a store creates (both are read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZarrFormat {
    /// Zarr v2 (`.zarray`, numcodecs compressors, `.`-separated chunk keys).
    V2,
    /// Zarr v3 (`zarr.json`, a codec chain, `c/…` chunk keys): the default.
    #[default]
    V3,
}

/// The compressor of arrays a store creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Raw little-endian bytes.
    None,
    /// Zstandard at `level` (zarr-python's default is level 0, no checksum).
    Zstd {
        /// Compression level (0 lets zstd pick its default, 3).
        level: i32,
    },
    /// gzip (DEFLATE) at `level`, 0..=9.
    Gzip {
        /// Compression level, 0 (none) to 9 (smallest).
        level: u32,
    },
}

impl Default for Compression {
    /// zstd level 0, as zarr-python writes by default.
    fn default() -> Self {
        Compression::Zstd { level: 0 }
    }
}

/// What new arrays look like on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteOptions {
    /// The format version (default v3).
    pub format: ZarrFormat,
    /// The compressor (default zstd level 0, as zarr-python).
    pub compression: Compression,
}

impl WriteOptions {
    /// These options with another format version.
    pub fn with_format(mut self, format: ZarrFormat) -> Self {
        self.format = format;
        self
    }

    /// These options with another compressor.
    pub fn with_compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }
}

//! The Zarr store passes the store test kit, in both format versions.

use tessera_storage::{testing, Compression, Store, WriteOptions, ZarrFormat, ZarrStore};

fn kit(options: WriteOptions) {
    let dirs = std::sync::Mutex::new(Vec::new());
    testing::run_all(&|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = ZarrStore::create_with(dir.path().join("s.zarr"), options)
            .unwrap_or_else(|e| panic!("{e}"));
        dirs.lock().unwrap_or_else(|e| panic!("{e}")).push(dir);
        Box::new(store) as Box<dyn Store>
    });
}

#[test]
fn zarr_v3_zstd_passes_the_kit() {
    kit(WriteOptions::default());
}

#[test]
fn zarr_v3_gzip_passes_the_kit() {
    kit(WriteOptions::default().with_compression(Compression::Gzip { level: 5 }));
}

#[test]
fn zarr_v3_uncompressed_passes_the_kit() {
    kit(WriteOptions::default().with_compression(Compression::None));
}

#[test]
fn zarr_v2_passes_the_kit() {
    kit(WriteOptions::default().with_format(ZarrFormat::V2));
}

#[test]
fn zarr_v2_gzip_passes_the_kit() {
    kit(WriteOptions {
        format: ZarrFormat::V2,
        compression: Compression::Gzip { level: 1 },
    });
}

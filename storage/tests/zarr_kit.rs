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

/// A store reopened from disk keeps its arrays, and new arrays follow the root's format.
#[test]
fn reopened_store_keeps_arrays_and_format() {
    use ndarray::arr1;
    use tessera_chunk_core::{Block, Chunks, DType};
    use tessera_storage::{ArrayMetadata, ChunkList, ChunkRead, ChunkWrite};

    let m = ArrayMetadata {
        chunks: Chunks::regular(&[5], &[2]).unwrap_or_else(|e| panic!("{e}")),
        dtype: DType::U16,
    };
    let block = Block::from_array(arr1(&[9u16]).into_dyn());
    for format in [ZarrFormat::V2, ZarrFormat::V3] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let options = WriteOptions::default().with_format(format);
        {
            let store =
                ZarrStore::create_with(dir.path(), options).unwrap_or_else(|e| panic!("{e}"));
            store
                .create_array("g/a", &m)
                .unwrap_or_else(|e| panic!("{e}"));
            store
                .write_chunk("g/a", &[2], &block)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let store = ZarrStore::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.write_options().format, format);
        assert_eq!(store.metadata("g/a").unwrap_or_else(|e| panic!("{e}")), m);
        assert_eq!(
            store
                .read_chunk("g/a", &[2])
                .unwrap_or_else(|e| panic!("{e}")),
            block
        );
        store
            .create_array("g/b", &m)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            store.format("g/b").unwrap_or_else(|e| panic!("{e}")),
            format
        );
        assert_eq!(
            store.list_arrays().unwrap_or_else(|e| panic!("{e}")),
            vec!["g/a".to_string(), "g/b".to_string()]
        );
    }
}

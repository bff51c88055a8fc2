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

/// float16 arrays as zarr-python writes them (v3 `float16`, v2 `<f2`, raw
/// little-endian chunks, a NaN fill value) open as float16 and read bit for bit.
#[test]
fn float16_arrays_written_by_zarr_python_read_bit_for_bit() {
    use tessera_chunk_core::half::f16;
    use tessera_chunk_core::DType;
    use tessera_storage::{ChunkRead, ChunkWrite};

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let chunk0 = [
        f16::from_f32(1.5),
        f16::NEG_ZERO,
        f16::from_bits(1),
        f16::NEG_INFINITY,
    ];
    let bytes: Vec<u8> = chunk0.iter().flat_map(|v| v.to_le_bytes()).collect();
    let v3 = r#"{"zarr_format":3,"node_type":"array","shape":[6],"data_type":"float16",
        "chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},
        "chunk_key_encoding":{"name":"default","configuration":{"separator":"/"}},
        "fill_value":"NaN","codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}"#;
    std::fs::create_dir_all(root.join("v3/c")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("v3/zarr.json"), v3).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("v3/c/0"), &bytes).unwrap_or_else(|e| panic!("{e}"));
    let v2 = r#"{"zarr_format":2,"shape":[6],"chunks":[4],"dtype":"<f2","compressor":null,
        "fill_value":"NaN","order":"C","filters":null}"#;
    std::fs::create_dir_all(root.join("v2")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("v2/.zarray"), v2).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("v2/0"), &bytes).unwrap_or_else(|e| panic!("{e}"));

    let store = ZarrStore::open(root).unwrap_or_else(|e| panic!("{e}"));
    for path in ["v2", "v3"] {
        let meta = store
            .metadata(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(meta.dtype, DType::F16, "{path}");
        let whole = store
            .read_region(path, &[0], &[6])
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let got: Vec<u16> = whole
            .as_array::<f16>()
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|v| v.to_bits())
            .collect();
        let want: Vec<u16> = chunk0.iter().map(|v| v.to_bits()).collect();
        assert_eq!(got[..4], want, "{path}: the written chunk");
        // The chunk never written reads as the NaN fill value.
        let unwritten = store
            .read_chunk(path, &[1])
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let fill = unwritten
            .as_array::<f16>()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fill.len(), 2, "{path}");
        assert!(fill.iter().all(|v| v.is_nan()), "{path}: {fill:?}");
        assert!(
            got[4..].iter().all(|&b| f16::from_bits(b).is_nan()),
            "{path}"
        );
    }
    // Written by tessera in both formats, the bytes on disk are the values' own.
    for (format, file) in [(ZarrFormat::V2, "w2/0"), (ZarrFormat::V3, "w3/c/0")] {
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = ZarrStore::create_with(
            out.path(),
            WriteOptions::default()
                .with_format(format)
                .with_compression(Compression::None),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let path = file.split('/').next().unwrap_or_default();
        let m = tessera_storage::ArrayMetadata {
            chunks: tessera_chunk_core::Chunks::regular(&[4], &[4])
                .unwrap_or_else(|e| panic!("{e}")),
            dtype: DType::F16,
        };
        store
            .create_array(path, &m)
            .unwrap_or_else(|e| panic!("{e}"));
        let block = tessera_chunk_core::Block::from_array(ndarray::arr1(&chunk0).into_dyn());
        store
            .write_chunk(path, &[0], &block)
            .unwrap_or_else(|e| panic!("{e}"));
        let on_disk = std::fs::read(out.path().join(file)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(on_disk, bytes, "{format:?}");
    }
}

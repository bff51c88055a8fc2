//! Every way a Zarr store can be misused or damaged gives a typed error, never a panic.

use std::path::Path;

use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{Block, Chunks, DType};
use tessera_storage::{
    ArrayMetadata, ChunkList, ChunkRead, ChunkWrite, Compression, Error, WriteOptions, ZarrFormat,
    ZarrStore,
};

fn meta(shape: &[usize], chunk: &[usize], dtype: DType) -> ArrayMetadata {
    ArrayMetadata {
        chunks: Chunks::regular(shape, chunk).unwrap(),
        dtype,
    }
}

fn f64_block(shape: &[usize]) -> Block {
    let n = shape.iter().product();
    Block::from_array(
        ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|i| i as f64).collect()).unwrap(),
    )
}

fn new_store(dir: &Path, options: WriteOptions) -> ZarrStore {
    ZarrStore::create_with(dir.join("s.zarr"), options).unwrap()
}

#[test]
fn missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let err = ZarrStore::open(dir.path().join("absent")).unwrap_err();
    assert!(matches!(err, Error::StoreNotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("absent"), "{err}");
    let file = dir.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    let err = ZarrStore::open(&file).unwrap_err();
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn missing_array_names_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path(), WriteOptions::default());
    store
        .create_array("g/x", &meta(&[4], &[2], DType::F64))
        .unwrap();
    assert!(
        store.describe().starts_with("zarr:"),
        "{}",
        store.describe()
    );
    for path in ["nope", "g", "g/x/deeper"] {
        match store.metadata(path).unwrap_err() {
            Error::NoSuchArray {
                path: p, existing, ..
            } => {
                assert_eq!(p, path);
                assert_eq!(existing, vec!["g/x".to_string()]);
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    assert!(matches!(
        store.read_chunk("nope", &[0]),
        Err(Error::NoSuchArray { .. })
    ));
    assert!(matches!(
        store.write_chunk("nope", &[0], &f64_block(&[2])),
        Err(Error::NoSuchArray { .. })
    ));
    assert!(matches!(
        store.metadata("a//b"),
        Err(Error::InvalidPath { .. })
    ));
}

/// Overwrite the first chunk file with garbage and read it back.
fn corrupt_first_chunk(options: WriteOptions, chunk_file: &str) -> Error {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path(), options);
    store
        .create_array("g/x", &meta(&[4, 4], &[2, 2], DType::F64))
        .unwrap();
    store
        .write_chunk("g/x", &[0, 0], &f64_block(&[2, 2]))
        .unwrap();
    let file = dir.path().join("s.zarr/g/x").join(chunk_file);
    assert!(file.is_file(), "{} was not written", file.display());
    std::fs::write(&file, b"this is not a chunk, just some garbage bytes").unwrap();
    // A fresh handle, so nothing is cached.
    let reopened = ZarrStore::open(dir.path().join("s.zarr")).unwrap();
    reopened.read_chunk("g/x", &[0, 0]).unwrap_err()
}

#[test]
fn corrupt_chunk_files() {
    let zstd = WriteOptions::default();
    let gzip = zstd.with_compression(Compression::Gzip { level: 5 });
    let raw = zstd.with_compression(Compression::None);
    let v2 = zstd.with_format(ZarrFormat::V2);
    for (options, file) in [
        (zstd, "c/0/0"),
        (gzip, "c/0/0"),
        (raw, "c/0/0"),
        (v2, "0.0"),
    ] {
        let err = corrupt_first_chunk(options, file);
        match &err {
            Error::CorruptChunk { path, index, .. } => {
                assert_eq!(path, "g/x");
                assert_eq!(index, &vec![0, 0]);
            }
            other => panic!("{options:?}: {other:?}"),
        }
        assert!(err.to_string().contains("corrupt"), "{err}");
    }
}

#[test]
fn corrupt_metadata_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path(), WriteOptions::default());
    store
        .create_array("x", &meta(&[4], &[2], DType::F64))
        .unwrap();
    std::fs::write(dir.path().join("s.zarr/x/zarr.json"), b"{ not json").unwrap();
    let reopened = ZarrStore::open(dir.path().join("s.zarr")).unwrap();
    let err = reopened.metadata("x").unwrap_err();
    assert!(matches!(err, Error::Backend { .. }), "{err:?}");
    assert!(err.to_string().contains("not valid JSON"), "{err}");
}

#[test]
fn dtype_mismatch_on_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path(), WriteOptions::default());
    store
        .create_array("x", &meta(&[4], &[2], DType::I32))
        .unwrap();
    let err = store.write_chunk("x", &[0], &f64_block(&[2])).unwrap_err();
    assert!(matches!(err, Error::BadChunk { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("float64") && text.contains("int32"), "{text}");
}

#[test]
fn wrong_chunk_shape_and_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path(), WriteOptions::default());
    store
        .create_array("x", &meta(&[5], &[2], DType::F64))
        .unwrap();
    // The edge chunk is 1 long in tessera; a full-size Zarr chunk is refused.
    let err = store.write_chunk("x", &[2], &f64_block(&[2])).unwrap_err();
    assert!(matches!(err, Error::BadChunk { .. }), "{err:?}");
    assert!(err.to_string().contains("[1]"), "{err}");
    let err = store
        .write_chunk("x", &[0], &f64_block(&[2, 1]))
        .unwrap_err();
    assert!(matches!(err, Error::BadChunk { .. }), "{err:?}");
    let err = store.write_chunk("x", &[3], &f64_block(&[2])).unwrap_err();
    assert!(matches!(err, Error::Chunk(_)), "{err:?}");
    let err = store.read_chunk("x", &[0, 0]).unwrap_err();
    assert!(matches!(err, Error::Chunk(_)), "{err:?}");
}

#[test]
fn unwritable_locations() {
    let dir = tempfile::tempdir().unwrap();
    // A path under a regular file cannot be a directory, even for root.
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let err = ZarrStore::create(file.join("s.zarr")).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("plain-file"), "{err}");

    // A file standing where a group directory must go.
    let store = new_store(dir.path(), WriteOptions::default());
    std::fs::write(dir.path().join("s.zarr/g"), b"x").unwrap();
    let err = store
        .create_array("g/x", &meta(&[4], &[2], DType::F64))
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");

    // Chunks of an array whose directory has become a file.
    store
        .create_array("y", &meta(&[4], &[2], DType::F64))
        .unwrap();
    std::fs::create_dir_all(dir.path().join("s.zarr/y/c")).unwrap();
    std::fs::remove_dir(dir.path().join("s.zarr/y/c")).unwrap();
    std::fs::write(dir.path().join("s.zarr/y/c"), b"x").unwrap();
    let err = store.write_chunk("y", &[0], &f64_block(&[2])).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");

    // Permissions, where they bind (not for root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let root_can_write = std::fs::write(locked.join("probe"), b"x").is_ok();
        if !root_can_write {
            let err = ZarrStore::create(locked.join("s.zarr")).unwrap_err();
            assert!(matches!(err, Error::Io { .. }), "{err:?}");
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn create_refuses_a_non_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("other"), b"x").unwrap();
    let err = ZarrStore::create(dir.path()).unwrap_err();
    assert!(matches!(err, Error::StoreNotEmpty { .. }), "{err:?}");
}

#[test]
fn unsupported_layouts_and_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path(), WriteOptions::default());
    let irregular = ArrayMetadata {
        chunks: Chunks::new(vec![vec![2, 3, 2]]).unwrap(),
        dtype: DType::F64,
    };
    let err = store.create_array("irr", &irregular).unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    let object = meta(&[2], &[2], DType::Object);
    let err = store.create_array("obj", &object).unwrap_err();
    assert!(
        matches!(&err, Error::UnsupportedDType { dtype, .. } if dtype == "object"),
        "{err:?}"
    );
    store
        .create_array("x", &meta(&[2], &[2], DType::F64))
        .unwrap();
    assert!(matches!(
        store.create_array("x", &meta(&[2], &[2], DType::F64)),
        Err(Error::AlreadyExists { .. })
    ));
    assert!(matches!(
        store.create_array("x/inner", &meta(&[2], &[2], DType::F64)),
        Err(Error::InvalidPath { .. })
    ));
}

/// Arrays of data types tessera cannot hold, written as zarr-python would.
#[test]
fn foreign_dtypes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let v3 = |name: &str, fill: &str| {
        format!(
            r#"{{"zarr_format":3,"node_type":"array","shape":[4],"data_type":"{name}",
            "chunk_grid":{{"name":"regular","configuration":{{"chunk_shape":[2]}}}},
            "chunk_key_encoding":{{"name":"default","configuration":{{"separator":"/"}}}},
            "fill_value":{fill},"codecs":[{{"name":"bytes","configuration":{{"endian":"little"}}}}]}}"#
        )
    };
    for (name, fill, file) in [
        ("bfloat16", "0.0", "zarr.json"),
        ("int4", "0", "zarr.json"),
        ("no_such_type", "0", "zarr.json"),
    ] {
        std::fs::create_dir_all(root.join(name)).unwrap();
        std::fs::write(root.join(name).join(file), v3(name, fill)).unwrap();
    }
    std::fs::create_dir_all(root.join("dates")).unwrap();
    std::fs::write(
        root.join("dates/.zarray"),
        r#"{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<M8[ns]","compressor":null,
        "fill_value":null,"order":"C","filters":null}"#,
    )
    .unwrap();
    let store = ZarrStore::open(root).unwrap();
    assert_eq!(
        store.list_arrays().unwrap(),
        vec!["bfloat16", "dates", "int4", "no_such_type"]
    );
    for name in ["bfloat16", "int4", "no_such_type", "dates"] {
        match store.metadata(name).unwrap_err() {
            Error::UnsupportedDType { path, dtype } => {
                assert_eq!(path, name);
                let expected = if name == "dates" { "M8" } else { name };
                assert!(dtype.contains(expected), "{name}: {dtype}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn read_region_across_chunks_and_out_of_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path(), WriteOptions::default());
    let m = meta(&[5, 4], &[2, 3], DType::F64);
    store.create_array("r", &m).unwrap();
    let full = ArrayD::from_shape_fn(IxDyn(&[5, 4]), |ix| (ix[0] * 10 + ix[1]) as f64);
    for index in m.chunks.blocks() {
        let range = m.chunks.block_range(&index).unwrap();
        let part = full
            .slice_each_axis(|ax| ndarray::Slice::from(range[ax.axis.index()].clone()))
            .to_owned();
        store
            .write_chunk("r", &index, &Block::from_array(part))
            .unwrap();
    }
    let got = store.read_region("r", &[1, 2], &[3, 2]).unwrap();
    let want = full.slice(ndarray::s![1..4, 2..4]).to_owned().into_dyn();
    assert_eq!(got, Block::from_array(want));
    let all = store.read_region("r", &[0, 0], &[5, 4]).unwrap();
    assert_eq!(all, Block::from_array(full));
    for (start, shape) in [
        (vec![4, 0], vec![2, 1]),
        (vec![0], vec![1]),
        (vec![usize::MAX, 0], vec![2, 1]),
    ] {
        let err = store.read_region("r", &start, &shape).unwrap_err();
        assert!(matches!(err, Error::BadRegion { .. }), "{err:?}");
    }
}

#[test]
fn unwritten_chunks_read_as_the_fill_value() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path(), WriteOptions::default());
    store
        .create_array("z", &meta(&[3], &[2], DType::I32))
        .unwrap();
    let b = store.read_chunk("z", &[1]).unwrap();
    assert_eq!(b, Block::from_array(ndarray::arr1(&[0i32]).into_dyn()));
}

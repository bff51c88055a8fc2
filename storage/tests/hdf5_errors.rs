//! The HDF5 store's failures are `Error` values that say what was wrong and
//! what would be right, never panics: missing, truncated, foreign and
//! unwritable files, missing datasets, bad chunks and regions, foreign dtypes.

use std::path::Path;

use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{Block, Chunks, DType};
use tessera_storage::{
    ArrayMetadata, ChunkList, ChunkRead, ChunkWrite, Error, Hdf5Options, Hdf5Store,
};

fn meta(shape: &[usize], chunk: &[usize], dtype: DType) -> ArrayMetadata {
    ArrayMetadata {
        chunks: Chunks::regular(shape, chunk).unwrap(),
        dtype,
    }
}

fn zeros<T: tessera_chunk_core::Element>(shape: &[usize]) -> Block {
    Block::from_array(ArrayD::<T>::default(IxDyn(shape)))
}

/// A file with one float64 array `g/a` of shape [200, 100], every chunk written.
fn sample_file(path: &Path) {
    let store = Hdf5Store::create(path).unwrap();
    let m = meta(&[200, 100], &[50, 100], DType::F64);
    store.create_array("g/a", &m).unwrap();
    for index in m.chunks.blocks() {
        let block = Block::from_array(ArrayD::from_elem(IxDyn(&[50, 100]), index[0] as f64));
        store.write_chunk("g/a", &index, &block).unwrap();
    }
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.h5");
    for result in [Hdf5Store::open(&path), Hdf5Store::open_rw(&path)] {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::FileNotFound { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains("nope.h5") && msg.contains("Hdf5Store::create"),
            "{msg}"
        );
    }
    let err = Hdf5Store::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("directory"), "{err}");
}

#[test]
fn truncated_and_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.h5");
    sample_file(&good);
    let bytes = std::fs::read(&good).unwrap();
    assert!(bytes.len() > 100_000);
    let half = dir.path().join("half.h5");
    std::fs::write(&half, &bytes[..bytes.len() / 2]).unwrap();
    let text = dir.path().join("text.h5");
    std::fs::write(&text, "not HDF5 at all\n").unwrap();
    let empty = dir.path().join("empty.h5");
    std::fs::write(&empty, "").unwrap();
    for path in [&half, &text, &empty] {
        let err = Hdf5Store::open(path).unwrap_err();
        assert!(matches!(err, Error::CorruptFile { .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(
            msg.contains("truncated, corrupt or of another format"),
            "{msg}"
        );
        let rw = Hdf5Store::open_rw(path);
        assert!(rw.is_err(), "{} opened read-write: {rw:?}", path.display());
    }
    assert!(Hdf5Store::open(&half)
        .unwrap_err()
        .to_string()
        .contains("truncated"));
    // The original is untouched and still reads.
    let store = Hdf5Store::open(&good).unwrap();
    assert_eq!(store.read_chunk("g/a", &[3, 0]).unwrap(), {
        Block::from_array(ArrayD::from_elem(IxDyn(&[50, 100]), 3.0f64))
    });
}

#[test]
fn missing_dataset_names_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let store = Hdf5Store::create(dir.path().join("x.h5")).unwrap();
    store
        .create_array("g/a", &meta(&[4], &[2], DType::I32))
        .unwrap();
    let err = store.metadata("g/b").unwrap_err();
    match &err {
        Error::NoSuchArray {
            path,
            existing,
            store: s,
        } => {
            assert_eq!(path, "g/b");
            assert_eq!(existing, &vec!["g/a".to_string()]);
            assert!(s.contains("x.h5"), "{s}");
        }
        other => panic!("expected NoSuchArray, got {other}"),
    }
    assert!(
        matches!(store.metadata("g"), Err(Error::NoSuchArray { .. })),
        "a group"
    );
    let err = store.read_chunk("missing/x", &[0]).unwrap_err();
    assert!(err.to_string().contains("missing/x"), "{err}");
    assert!(store
        .write_chunk("missing", &[0], &zeros::<i32>(&[2]))
        .is_err());
    for bad in ["", "/", "a//b", "g/../a"] {
        let err = store.metadata(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidPath { .. }), "{bad:?}: {err}");
    }
    // A leading '/' names the same dataset.
    assert_eq!(
        store.metadata("/g/a").unwrap(),
        store.metadata("g/a").unwrap()
    );
}

#[test]
fn bad_chunks_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Hdf5Store::create(dir.path().join("x.h5")).unwrap();
    store
        .create_array("x", &meta(&[5, 4], &[2, 4], DType::I32))
        .unwrap();
    let err = store
        .write_chunk("x", &[0, 0], &zeros::<f64>(&[2, 4]))
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::BadChunk { .. }), "{msg}");
    assert!(msg.contains("float64") && msg.contains("int32"), "{msg}");
    // The edge chunk is one row.
    let err = store
        .write_chunk("x", &[2, 0], &zeros::<i32>(&[2, 4]))
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::BadChunk { .. }), "{msg}");
    assert!(msg.contains("[1, 4]") && msg.contains("[2, 4]"), "{msg}");
    assert!(store
        .write_chunk("x", &[2, 0], &zeros::<i32>(&[1, 4]))
        .is_ok());
    assert!(matches!(
        store.write_chunk("x", &[3, 0], &zeros::<i32>(&[1, 4])),
        Err(Error::Chunk(_))
    ));
    assert!(matches!(store.read_chunk("x", &[0]), Err(Error::Chunk(_))));
    assert!(store.read_chunk("x", &[0, 1]).is_err());
}

#[test]
fn regions_out_of_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let store = Hdf5Store::create(dir.path().join("x.h5")).unwrap();
    store
        .create_array("x", &meta(&[5, 4], &[2, 2], DType::U8))
        .unwrap();
    for (start, shape) in [
        (vec![4, 0], vec![2, 1]),
        (vec![0], vec![1]),
        (vec![0, 0], vec![1, 5]),
    ] {
        let err = store.read_region("x", &start, &shape).unwrap_err();
        assert!(matches!(err, Error::BadRegion { .. }), "{err}");
        assert!(err.to_string().contains("[5, 4]"), "{err}");
    }
    let b = store.read_region("x", &[1, 1], &[3, 3]).unwrap();
    assert_eq!(
        b,
        zeros::<u8>(&[3, 3]),
        "unwritten chunks read as the fill value"
    );
    assert_eq!(
        store.read_region("x", &[5, 0], &[0, 4]).unwrap().shape(),
        &[0, 4]
    );
}

#[test]
fn unwritable_locations() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("file.txt");
    std::fs::write(&plain, "a regular file").unwrap();
    let err = Hdf5Store::create(plain.join("x.h5")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Io { .. }), "{msg}");
    assert!(
        msg.contains("file.txt/x.h5") && msg.contains("Not a directory"),
        "{msg}"
    );
    let err = Hdf5Store::create(dir.path().join("no/such/dir/x.h5")).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");

    // An existing file is never truncated by create.
    let good = dir.path().join("good.h5");
    sample_file(&good);
    let err = Hdf5Store::create(&good).unwrap_err();
    assert!(matches!(err, Error::FileExists { .. }), "{err}");
    assert!(err.to_string().contains("open_rw"), "{err}");
    assert_eq!(
        Hdf5Store::open(&good).unwrap().list_arrays().unwrap(),
        vec!["g/a"]
    );
}

#[test]
fn read_only_stores_refuse_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.h5");
    sample_file(&path);
    let store = Hdf5Store::open(&path).unwrap();
    for err in [
        store
            .create_array("b", &meta(&[2], &[2], DType::F64))
            .unwrap_err(),
        store
            .write_chunk("g/a", &[0, 0], &zeros::<f64>(&[50, 100]))
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::Unsupported { .. }), "{err}");
        assert!(err.to_string().contains("Hdf5Store::open_rw"), "{err}");
    }
    drop(store);
    let store = Hdf5Store::open_rw(&path).unwrap();
    store
        .write_chunk("g/a", &[0, 0], &zeros::<f64>(&[50, 100]))
        .unwrap();
    store
        .create_array("b", &meta(&[2], &[2], DType::F64))
        .unwrap();
    drop(store);
    let store = Hdf5Store::open(&path).unwrap();
    assert_eq!(store.list_arrays().unwrap(), vec!["b", "g/a"]);
    assert_eq!(
        store.read_chunk("g/a", &[0, 0]).unwrap(),
        zeros::<f64>(&[50, 100])
    );
    assert!(
        store.describe().starts_with("hdf5:"),
        "{}",
        store.describe()
    );
}

#[test]
fn creation_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = Hdf5Store::create(dir.path().join("x.h5")).unwrap();
    let m = meta(&[4], &[2], DType::F32);
    store.create_array("x", &m).unwrap();
    assert!(matches!(
        store.create_array("x", &m),
        Err(Error::AlreadyExists { .. })
    ));
    let err = store.create_array("x/y", &m).unwrap_err();
    assert!(matches!(err, Error::InvalidPath { .. }), "{err}");
    assert!(err.to_string().contains("not a group"), "{err}");
    let irregular = ArrayMetadata {
        chunks: Chunks::new(vec![vec![2, 5, 3]]).unwrap(),
        dtype: DType::F64,
    };
    let err = store.create_array("irregular", &irregular).unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    assert!(err.to_string().contains("rechunk"), "{err}");
    let err = store
        .create_array_with("gz", &m, &Hdf5Options { gzip: Some(12) })
        .unwrap_err();
    assert!(err.to_string().contains("0..=9"), "{err}");
    assert_eq!(store.list_arrays().unwrap(), vec!["x"]);
}

#[test]
fn foreign_dtypes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.h5");
    {
        let file = hdf5::File::create(&path).unwrap();
        let s: ndarray::Array1<hdf5::types::FixedAscii<4>> =
            ndarray::arr1(&[hdf5::types::FixedAscii::from_ascii(b"ab").unwrap()]);
        file.new_dataset_builder()
            .with_data(&s)
            .create("strings")
            .unwrap();
        file.new_dataset::<[i32; 2]>()
            .shape([3])
            .create("pairs")
            .unwrap();
    }
    let store = Hdf5Store::open(&path).unwrap();
    for (name, kind) in [("strings", "string"), ("pairs", "[int32; 2]")] {
        let err = store.metadata(name).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, Error::UnsupportedDType { .. }), "{msg}");
        assert!(msg.contains(name) && msg.contains(kind), "{msg}");
        assert!(msg.contains("supported: bool"), "{msg}");
    }
}

#[test]
fn contiguous_datasets_are_read_in_row_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.h5");
    // 1 MiB rows, 300 MiB in all: never written, so the file stays small.
    let row = 1 << 17;
    {
        let file = hdf5::File::create(&path).unwrap();
        let ds = file
            .new_dataset::<f64>()
            .shape([300, row])
            .create("big")
            .unwrap();
        assert!(!ds.is_chunked());
        file.new_dataset::<i16>()
            .shape([3, 4])
            .create("small")
            .unwrap();
    }
    let store = Hdf5Store::open(&path).unwrap();
    let rows = Hdf5Store::CONTIGUOUS_BLOCK_BYTES / (row * 8);
    let m = store.metadata("big").unwrap();
    assert_eq!(
        m.chunks,
        Chunks::regular(&[300, row], &[rows, row]).unwrap()
    );
    assert_eq!(m.chunks.axis(0), &[128, 128, 44]);
    let last = store.read_chunk("big", &[2, 0]).unwrap();
    assert_eq!(last.shape(), &[44, row]);
    assert_eq!(
        store.metadata("small").unwrap(),
        meta(&[3, 4], &[3, 4], DType::I16)
    );
}

#[test]
fn many_threads_read_one_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.h5");
    sample_file(&path);
    let store = std::sync::Arc::new(Hdf5Store::open(&path).unwrap());
    std::thread::scope(|s| {
        for t in 0..6 {
            let store = store.clone();
            s.spawn(move || {
                for k in 0..20 {
                    let i = (t + k) % 4;
                    let b = store.read_chunk("g/a", &[i, 0]).unwrap();
                    assert_eq!(b.as_array::<f64>().unwrap()[[0, 0]], i as f64);
                    assert!(store.metadata("nope").is_err());
                }
            });
        }
    });
}

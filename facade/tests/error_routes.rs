//! Each failure reaches the user in one typed shape, on every scheduler: a
//! corrupt Zarr chunk read inside a task is `Error::Storage { key: Some(..),
//! error: CorruptChunk { .. } }` naming the chunk (also from worker
//! processes and through a plugin), a chunk write that fails is
//! `Error::Storage` with the storage crate's `Io` error, and chunk logic is
//! `Error::Chunk`, never `Error::Ops(Chunk)`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera::storage::{Error as StorageError, ZarrStore};
use tessera::{
    Chunks, Compute, Error, KernelError, KernelErrorKind, Multiprocess, Params, Plugin, Scheduler,
    Synchronous, Threaded,
};
use tessera_chunk_core::Block;
use tessera_graph::Kernel;

tessera::worker_test!({
    tessera_ops::registry::register_kernel::<AsInt>("test.as_int");
});

/// A user kernel that reads its block as int32: a chunk-core error on a float block.
#[derive(Debug, Serialize, Deserialize)]
struct AsInt;

impl Kernel for AsInt {
    fn id(&self) -> &str {
        "test.as_int"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let a = inputs[0].as_array::<i32>()?;
        Ok(Block::from_array(a.to_owned()))
    }
}

/// The example FIFO plugin, compiled once with plain rustc.
fn fifo() -> &'static Path {
    static FIFO: OnceLock<PathBuf> = OnceLock::new();
    FIFO.get_or_init(|| {
        let src =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../schedulers/plugins/fifo/src/lib.rs");
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("error-routes");
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("libfifo_errors.so");
        tessera_schedulers::testing::compile_cdylib(&src, &out);
        out
    })
}

/// Every scheduler, by name.
fn schedulers() -> Vec<(&'static str, Box<dyn Scheduler>)> {
    vec![
        ("sync", Box::new(Synchronous)),
        ("threads", Box::new(Threaded::new(2))),
        ("processes", Box::new(Multiprocess::new(2))),
        (
            "plugin",
            Box::new(
                Plugin::load(fifo())
                    .unwrap()
                    .with_options("threads=2")
                    .unwrap(),
            ),
        ),
    ]
}

fn iota(n: usize) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(&[n]), |i| i[0] as f64)
}

/// A Zarr store in `dir` holding `a`: 12 floats in chunks of 4.
fn write_store(dir: &Path) {
    let x = tessera::from_array(iota(12), Chunks::regular(&[12], &[4]).unwrap());
    assert_eq!(
        x.to_store_with(
            Arc::new(ZarrStore::create(dir).unwrap()),
            "a",
            &Compute::new().scheduler(&Synchronous)
        )
        .unwrap(),
        3
    );
}

#[test]
fn a_corrupt_chunk_is_the_typed_storage_error_on_every_scheduler() {
    let dir = tempfile::tempdir().unwrap();
    write_store(dir.path());
    let chunk = dir.path().join("a/c/1");
    assert!(chunk.is_file(), "chunk 1 is not at {}", chunk.display());
    for (name, s) in schedulers() {
        for bad in [&b"garbage"[..], &[]] {
            std::fs::write(&chunk, bad).unwrap();
            let total = tessera::from_zarr::<f64>(dir.path(), "a").unwrap().sum();
            let err = total
                .compute_with(&Compute::new().scheduler(s.as_ref()))
                .unwrap_err();
            match &err {
                Error::Storage {
                    key: Some(_),
                    error: StorageError::CorruptChunk { path, index, .. },
                } => {
                    assert_eq!(path, "a", "{name}");
                    assert_eq!(index, &vec![1], "{name}");
                }
                other => panic!("{name}, {} bytes: {other:?}", bad.len()),
            }
            // The message says which store file, which chunk, what was wrong.
            let msg = err.to_string();
            assert!(
                msg.contains(&chunk.display().to_string())
                    && msg.contains("[1]")
                    && msg.contains("cannot be decoded"),
                "{name}: {msg}"
            );
        }
    }
}

#[test]
fn a_failed_chunk_write_is_the_typed_storage_error_on_every_scheduler() {
    for (name, s) in schedulers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(ZarrStore::create(dir.path()).unwrap());
        // Chunk 1's file cannot be written: a non-empty directory holds its path.
        let occupied = dir.path().join("b/c/1");
        std::fs::create_dir_all(occupied.join("in-the-way")).unwrap();
        let x = tessera::from_array(iota(12), Chunks::regular(&[12], &[4]).unwrap());
        let err = x
            .to_store_with(store, "b", &Compute::new().scheduler(s.as_ref()))
            .unwrap_err();
        match &err {
            Error::Storage {
                key: Some(key),
                error: StorageError::Io { path, .. },
            } => {
                assert!(path.contains("b/c/1"), "{name}: {path}");
                assert!(key.to_string().contains(", 1)"), "{name}: {key}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn a_chunk_error_in_a_task_keeps_its_kind_and_type_on_every_scheduler() {
    let x = tessera::from_array(iota(12), Chunks::regular(&[12], &[4]).unwrap());
    let y = x.map_blocks_kernel::<i32>(Arc::new(AsInt), None);
    for (name, s) in schedulers() {
        let err = y
            .compute_with(&Compute::new().scheduler(s.as_ref()))
            .unwrap_err();
        let Error::Scheduler(tessera_schedulers::Error::TaskFailed { error, .. }) = &err else {
            panic!("{name}: {err:?}");
        };
        assert_eq!(error.kind, KernelErrorKind::Chunk, "{name}");
        assert!(
            matches!(
                error.source_as::<tessera_chunk_core::Error>(),
                Some(tessera_chunk_core::Error::DTypeMismatch { .. })
            ),
            "{name}: {error:?}"
        );
    }
}

#[test]
fn a_chunk_error_while_building_is_error_chunk() {
    let x = tessera::from_array(iota(12), Chunks::regular(&[12], &[4]).unwrap());
    // Reshape checks through ops: once `Error::Ops(Chunk(..))`. The build
    // error names the operation; its root is the typed chunk error.
    let e = x.reshape(&[5, -1]).check().unwrap_err();
    assert!(
        matches!(
            e.root(),
            Error::Chunk(tessera_chunk_core::Error::InvalidShape { .. })
        ),
        "{e:?}"
    );
    // An axis out of range in a reduction, through ops as well.
    let e = x.sum_with(3).check().unwrap_err();
    assert!(
        matches!(
            e.root(),
            Error::Chunk(tessera_chunk_core::Error::AxisOutOfBounds { axis: 3, ndim: 1 })
        ),
        "{e:?}"
    );
}

#[test]
fn a_missing_array_is_a_storage_error_without_a_task() {
    let dir = tempfile::tempdir().unwrap();
    write_store(dir.path());
    let e = tessera::from_zarr::<f64>(dir.path(), "nothing").unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Storage {
                key: None,
                error: StorageError::NoSuchArray { path, .. }
            } if path == "nothing"
        ),
        "{e:?}"
    );
}

#[test]
fn an_unsupported_dtype_is_a_typed_ops_error_naming_the_dtype() {
    use tessera::chunk_core::num_complex::Complex;
    let c = tessera::from_array(
        ArrayD::from_elem(IxDyn(&[4]), Complex::new(1.0f64, 2.0)),
        Chunks::regular(&[4], &[2]).unwrap(),
    );
    let cumsum = c.cumsum().check().unwrap_err();
    let count = c.count_nonzero().check().unwrap_err();
    for e in [cumsum, count] {
        assert!(
            matches!(
                e.root(),
                Error::Ops(tessera_ops::Error::UnsupportedDType {
                    dtype: tessera::DType::Complex128,
                    ..
                })
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("complex128"), "{e}");
    }
}

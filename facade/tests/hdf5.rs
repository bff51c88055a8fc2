//! HDF5 through the facade (feature `hdf5`): arrays written with `to_hdf5`
//! read back equal in any chunking; a mean over a stored array matches the
//! in-memory one; bad paths and dtypes are errors.
#![cfg(feature = "hdf5")]

mod common;

use tessera::{random, Array, Compute, IndexItem};

tessera::worker_test!();

#[test]
fn hdf5_reads_run_in_worker_processes_writes_stay_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("procs.h5");
    let x = random::random([40, 12], [9, 5], 3);
    let want = x.compute().unwrap();
    x.to_hdf5(&file, "x").unwrap();
    let mp = tessera::Multiprocess::new(2);
    // Reads reopen the file (read-only) in each worker.
    let back: Array<f64> = tessera::from_hdf5(&file, "x").unwrap();
    assert_eq!(
        back.compute_with(&Compute::new().scheduler(&mp)).unwrap(),
        want
    );
    let s = back
        .sum()
        .compute_with(&Compute::new().scheduler(&mp))
        .unwrap();
    assert!((s.sum() - want.sum()).abs() < 1e-9);
    // Writes stay in one process (HDF5 files must not have several writers).
    let store: std::sync::Arc<dyn tessera::storage::Store> =
        std::sync::Arc::new(tessera::storage::Hdf5Store::create(dir.path().join("w.h5")).unwrap());
    let e = x
        .to_store_with(store, "y", &Compute::new().scheduler(&mp))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("tessera.write_chunk") && e.contains("cannot travel"),
        "{e}"
    );
}

#[test]
fn hdf5_round_trips_in_any_chunking() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.h5");
    let x = random::normal(1.0, 2.0, [50, 30], [16, 7], 5);
    let want = x.compute().unwrap();
    assert_eq!(x.to_hdf5(&file, "g/x").unwrap(), 20);
    let ints = tessera::ones::<i32>(10, 4);
    assert_eq!(
        ints.to_hdf5(&file, "ones").unwrap(),
        3,
        "a second dataset in the same file"
    );
    let back: Array<f64> = tessera::from_hdf5(&file, "g/x").unwrap();
    assert_eq!(back.chunksize(), vec![16, 7]);
    assert_eq!(back.compute().unwrap(), want);
    let rechunked: Array<f64> = tessera::from_hdf5_with_chunks(&file, "g/x", vec![50, 3]).unwrap();
    assert_eq!(rechunked.compute().unwrap(), want);
    let part = back.slice(&[IndexItem::range(10, 20)]).compute().unwrap();
    assert_eq!(
        part,
        want.slice(ndarray::s![10..20, ..]).to_owned().into_dyn()
    );
    let mean = back.mean().compute_scalar().unwrap();
    assert!((mean - want.mean().unwrap_or(f64::NAN)).abs() < 1e-12);
    let ones: Array<i32> = tessera::from_hdf5(&file, "ones").unwrap();
    assert_eq!(ones.sum().compute_scalar().unwrap(), 10);
}

#[test]
fn bad_hdf5_requests_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = tessera::from_hdf5::<f64>(dir.path().join("nope.h5"), "x").err();
    assert!(missing.is_some_and(|e| e.to_string().contains("nope.h5")));
    let file = dir.path().join("x.h5");
    tessera::ones::<i32>(10, 4).to_hdf5(&file, "x").unwrap();
    let dtype = tessera::from_hdf5::<f64>(&file, "x").err();
    assert!(dtype.is_some_and(|e| e.to_string().contains("int32")));
    let no_dataset = tessera::from_hdf5::<i32>(&file, "missing").err();
    assert!(no_dataset.is_some_and(|e| e.to_string().contains("missing")));
    let truncated = dir.path().join("cut.h5");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    assert!(tessera::from_hdf5::<i32>(&truncated, "x").is_err());
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    use tessera::storage::{ChunkList, Hdf5Store};
    let dir = tempfile::tempdir().unwrap();
    common::failed_writes_leave_nothing(
        dir.path(),
        "h5",
        |x, store, path| x.to_hdf5(store, path),
        |store| Hdf5Store::open(store).unwrap().list_arrays().unwrap(),
    );
}

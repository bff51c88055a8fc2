//! Zarr through the facade: arrays written with `to_zarr` read back equal in
//! any chunking, as root arrays and in groups; a mean over a stored array
//! matches the in-memory one; bad paths and dtypes are errors.

mod common;

use tessera::{random, Array, IndexItem};

#[test]
fn zarr_round_trips_in_any_chunking() {
    let dir = tempfile::tempdir().unwrap();
    let x = random::normal(1.0, 2.0, [50, 30], [16, 7], 5);
    let want = x.compute().unwrap();
    assert_eq!(x.to_zarr(dir.path().join("root.zarr"), "").unwrap(), 20);
    assert_eq!(x.to_zarr(dir.path().join("group.zarr"), "a/b").unwrap(), 20);
    for (store, path) in [("root.zarr", ""), ("group.zarr", "a/b")] {
        let back: Array<f64> = tessera::from_zarr(dir.path().join(store), path).unwrap();
        assert_eq!(back.chunksize(), vec![16, 7]);
        assert_eq!(back.compute().unwrap(), want);
        let rechunked: Array<f64> =
            tessera::from_zarr_with_chunks(dir.path().join(store), path, vec![50, 3]).unwrap();
        assert_eq!(rechunked.compute().unwrap(), want);
        let part = back.slice(&[IndexItem::range(10, 20)]).compute().unwrap();
        assert_eq!(
            part,
            want.slice(ndarray::s![10..20, ..]).to_owned().into_dyn()
        );
    }
    let mean = tessera::from_zarr::<f64>(dir.path().join("root.zarr"), "")
        .unwrap()
        .mean()
        .compute_scalar()
        .unwrap();
    assert!((mean - want.mean().unwrap_or(f64::NAN)).abs() < 1e-12);
}

#[test]
fn bad_zarr_requests_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = tessera::from_zarr::<f64>(dir.path().join("nope.zarr"), "").err();
    assert!(missing.is_some_and(|e| e.to_string().contains("nope.zarr")));
    let x = tessera::ones::<i32>(10, 4);
    x.to_zarr(dir.path().join("x.zarr"), "").unwrap();
    let dtype = tessera::from_zarr::<f64>(dir.path().join("x.zarr"), "").err();
    assert!(dtype.is_some_and(|e| e.to_string().contains("int32")));
    assert!(
        x.to_zarr(dir.path().join("x.zarr"), "").is_err(),
        "no overwrite"
    );
    let no_array = tessera::from_zarr::<i32>(dir.path().join("x.zarr"), "missing/a").err();
    assert!(no_array.is_some_and(|e| e.to_string().contains("missing/a")));
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    use tessera::storage::{ChunkList, ZarrStore};
    let dir = tempfile::tempdir().unwrap();
    common::failed_writes_leave_nothing(
        dir.path(),
        "zarr",
        |x, store, path| x.to_zarr(store, path),
        |store| ZarrStore::open(store).unwrap().list_arrays().unwrap(),
    );
    // A new store whose root is the array goes too.
    let root = dir.path().join("root.zarr");
    assert!(common::failing_after_some_blocks()
        .to_zarr(&root, "")
        .is_err());
    assert!(!root.exists(), "the directory to_zarr made is removed");
}

//! Arrays in stores (the memory store here; every driver passes the same
//! store kit): round trips over random shapes and chunkings, lazy reads that
//! touch only the chunks a slice needs, and errors for bad requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use proptest::prelude::*;
use tessera::storage::{ArrayMetadata, ChunkRead, ChunkWrite, MemoryStore, Store};
use tessera::{random, s, Array, Chunks, Compute, DType, DynArray, IndexItem};
use tessera_chunk_core::Block;

mod common;

tessera::worker_test!();
use common::schedulers;

/// A memory store that counts chunk reads.
#[derive(Default)]
struct Counting {
    inner: MemoryStore,
    reads: AtomicUsize,
}

impl ChunkRead for Counting {
    fn metadata(&self, path: &str) -> tessera::storage::Result<ArrayMetadata> {
        self.inner.metadata(path)
    }
    fn read_chunk(&self, path: &str, index: &[usize]) -> tessera::storage::Result<Block> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.inner.read_chunk(path, index)
    }
}

impl ChunkWrite for Counting {
    fn create_array(&self, path: &str, meta: &ArrayMetadata) -> tessera::storage::Result<()> {
        self.inner.create_array(path, meta)
    }
    fn write_chunk(
        &self,
        path: &str,
        index: &[usize],
        block: &Block,
    ) -> tessera::storage::Result<()> {
        self.inner.write_chunk(path, index, block)
    }
    fn delete_array(&self, path: &str) -> tessera::storage::Result<()> {
        self.inner.delete_array(path)
    }
}

impl tessera::storage::ChunkList for Counting {
    fn list_arrays(&self) -> tessera::storage::Result<Vec<String>> {
        self.inner.list_arrays()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn stored_arrays_read_back_equal_in_any_chunking(
        shape in prop::collection::vec(0usize..12, 1..4),
        chunk in 1usize..5,
        read_chunk in 1usize..7,
        seed in 0u64..1000,
        lo in 0usize..5,
    ) {
        let x = random::random(shape.clone(), vec![chunk; shape.len()], seed);
        let want = x.compute().unwrap();
        let store = Arc::new(MemoryStore::new());
        let written = x.to_store(store.clone(), "g/x").unwrap();
        prop_assert_eq!(written as usize, x.npartitions());
        let back: Array<f64> = tessera::from_store_with_chunks(store.clone(), "g/x", vec![read_chunk; shape.len()]).unwrap();
        for s in schedulers() {
            let got = back.compute_with(&Compute::new().scheduler(s.as_ref()));
            if s.name() == "processes" {
                // An in-memory store cannot travel to a worker process: a clear error, up front.
                let e = got.unwrap_err().to_string();
                prop_assert!(e.contains("tessera.read_region") && e.contains("cannot travel"), "{}", e);
            } else {
                prop_assert_eq!(got.unwrap(), want.clone());
            }
        }
        // A slice of the read: only the region is read, same values as slicing in memory.
        let first = lo.min(shape[0]);
        let sliced = back.slice(&[IndexItem::slice(Some(first as i64), None, None)]);
        let expected = want.slice_axis(ndarray::Axis(0), ndarray::Slice::from(first..)).to_owned();
        prop_assert_eq!(sliced.compute().unwrap(), expected);
    }
}

#[test]
fn a_slice_reads_only_the_chunks_it_touches() {
    let x = random::random([100, 100], [10, 10], 1);
    let store = Arc::new(Counting::default());
    x.to_store(store.clone(), "x").unwrap();
    let back: Array<f64> = tessera::from_store(store.clone(), "x").unwrap();
    assert_eq!(back.summary().count_text, "100 chunks in 2 graph layers");
    let part = back.slice(&s![5..15, 95]);
    let got = part.compute().unwrap();
    let want = x
        .compute()
        .unwrap()
        .slice(ndarray::s![5..15, 95])
        .to_owned()
        .into_dyn();
    assert_eq!(got, want);
    // Rows 5..15 of column 95 lie in two chunks.
    assert_eq!(store.reads.load(Ordering::Relaxed), 2);
    let mean = back.mean().compute_scalar().unwrap();
    assert!((mean - want_mean(&x)).abs() < 1e-12);
}

fn want_mean(x: &Array<f64>) -> f64 {
    x.compute().unwrap().mean().unwrap_or(f64::NAN)
}

#[test]
fn bad_requests_are_errors() {
    let store = Arc::new(MemoryStore::new());
    let missing = tessera::from_store::<f64>(store.clone(), "nope")
        .err()
        .map(|e| e.to_string());
    assert!(missing.is_some_and(|m| m.contains("nope")));
    let x = tessera::ones::<f64>([4, 4], 2);
    x.to_store(store.clone(), "a").unwrap();
    let dtype = tessera::from_store::<i32>(store.clone(), "a")
        .err()
        .map(|e| e.to_string());
    assert!(
        dtype.is_some_and(|m| m.contains("int32") && m.contains("float64")),
        "dtype mismatch names both"
    );
    assert!(
        x.to_store(store.clone(), "a").is_err(),
        "an existing array is not overwritten"
    );
    // An array whose chunks were never written: the compute fails with the chunk named.
    let meta = ArrayMetadata {
        chunks: Chunks::regular(&[4], &[2]).unwrap(),
        dtype: DType::F64,
    };
    store.create_array("empty", &meta).unwrap();
    let empty: Array<f64> = tessera::from_store(store.clone(), "empty").unwrap();
    let err = empty
        .sum()
        .compute_scalar()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("never written"), "{err}");
    let _: &dyn Store = store.as_ref();
}

#[test]
fn irregular_blocks_are_rechunked_to_the_stored_grid() {
    let data = ndarray::Array::from_shape_fn((4, 5), |(i, j)| (i * 10 + j) as i64).into_dyn();
    let chunks = Chunks::new(vec![vec![1, 3], vec![4, 1]]).unwrap();
    let x = tessera::from_array(data.clone(), chunks);
    let store = Arc::new(MemoryStore::new());
    let written = x.to_store(store.clone(), "x").unwrap();
    let meta = store.metadata("x").unwrap();
    assert_eq!(meta.chunks, Chunks::regular(&[4, 5], &[3, 4]).unwrap());
    assert_eq!(written, 4);
    let back: Array<i64> = tessera::from_store(store, "x").unwrap();
    assert_eq!(back.compute().unwrap(), data);
}

#[test]
fn store_writes_several_arrays_in_one_computation() {
    let x = random::random([30, 20], [7, 6], 3);
    let y = &x * 2.0;
    let store = Arc::new(MemoryStore::new());
    let target: Arc<dyn Store> = store.clone();
    let counts = tessera::store(
        &[DynArray::from(&x), DynArray::from(&y)],
        &[(target.clone(), "x"), (target.clone(), "y")],
    )
    .unwrap();
    assert_eq!(counts, vec![20, 20]);
    for (name, a) in [("x", &x), ("y", &y)] {
        let back: Array<f64> = tessera::from_store(store.clone(), name).unwrap();
        assert_eq!(back.compute().unwrap(), a.compute().unwrap());
    }
    let err = tessera::store(&[DynArray::from(x)], &[])
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|m| m.contains("one target per array")));
}

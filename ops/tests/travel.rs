//! Store reads and writes travel by locator: every task of a Zarr read and
//! write graph rebuilds from `(id, params)` in the registry and computes the
//! same block; in-memory stores stay in-process.

use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{Block, Chunks, DType};
use tessera_graph::{Params, TaskGraph};
use tessera_ops::registry::round_trip;
use tessera_schedulers::{RunOptions, Scheduler, Synchronous};
use tessera_storage::{ArrayMetadata, MemoryStore, Store, ZarrStore};

fn fill(store: &dyn Store) {
    let chunks = Chunks::regular(&[6, 4], &[4, 3]).unwrap();
    let meta = ArrayMetadata {
        chunks: chunks.clone(),
        dtype: DType::F64,
    };
    store.create_array("x", &meta).unwrap();
    for (k, idx) in tessera_chunk_core::BlockIndices::new(chunks.numblocks()).enumerate() {
        let shape: Vec<usize> = chunks
            .block_range(&idx)
            .unwrap()
            .iter()
            .map(|r| r.len())
            .collect();
        let b = Block::from_array(ArrayD::from_elem(IxDyn(&shape), k as f64));
        store.write_chunk("x", &idx, &b).unwrap();
    }
}

fn graph(store: Arc<dyn Store>) -> TaskGraph {
    let read = tessera_ops::io::read(
        store.clone(),
        "x",
        Some(Chunks::regular(&[6, 4], &[3, 2]).unwrap()),
        "from-zarr",
    )
    .unwrap();
    let reads = TaskGraph::from_layer(read.layer()).unwrap();
    assert!(!reads.is_empty());
    reads
}

#[test]
fn zarr_reads_and_writes_rebuild_from_their_parameters() {
    let dir = std::env::temp_dir().join(format!("tessera-travel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store: Arc<dyn Store> = Arc::new(ZarrStore::create(&dir).unwrap());
    fill(store.as_ref());
    let g = graph(store.clone());
    for t in &g.tasks {
        assert!(
            matches!(t.kernel.params(), Params::Json(_)),
            "{} does not travel",
            t.kernel.id()
        );
        let back = round_trip(&t.kernel).unwrap_or_else(|e| panic!("{}: {e}", t.kernel.id()));
        assert_eq!(back.run(&[]).unwrap(), t.kernel.run(&[]).unwrap());
    }
    // A write also travels, and writes through the reopened store.
    let x = tessera_ops::creation::full(
        Chunks::regular(&[6, 4], &[4, 3]).unwrap(),
        DType::F64,
        tessera_ops::Scalar::of(2.5f64),
        "full",
    )
    .unwrap();
    store
        .create_array(
            "y",
            &ArrayMetadata {
                chunks: x.chunks().clone(),
                dtype: DType::F64,
            },
        )
        .unwrap();
    let w = tessera_ops::io::write(&x, store.clone(), "y").unwrap();
    let mut wg = TaskGraph::from_layer(w.layer()).unwrap();
    for t in &mut wg.tasks {
        t.kernel = round_trip(&t.kernel).unwrap_or_else(|e| panic!("{}: {e}", t.kernel.id()));
    }
    let out = Synchronous.run(&wg, &RunOptions::default()).unwrap();
    assert_eq!(out[0].as_array::<u64>().unwrap().sum(), 4);
    let b = store.read_chunk("y", &[1, 1]).unwrap();
    assert_eq!(
        b.as_array::<f64>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![2.5; 2]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn in_memory_reads_stay_in_process() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    fill(store.as_ref());
    let g = graph(store);
    let read = g
        .tasks
        .iter()
        .find(|t| t.kernel.id() == "tessera.read_region")
        .unwrap();
    assert_eq!(read.kernel.params(), Params::InProcessOnly);
    assert!(round_trip(&read.kernel).is_err());
}

//! What the oracle-style test files share: the schedulers every op runs on and
//! the chunk cutter of their random chunkings. (Each test binary uses a part.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;

use tessera::{Array, Chunks, Plugin, Scheduler, Synchronous, Threaded};

/// The schedulers every operation is checked on: the multiprocess one is one
/// shared pool of 2 workers per test binary (which must contain
/// `tessera::worker_test!()`).
pub fn schedulers() -> Vec<Arc<dyn Scheduler>> {
    let mut all = in_process_schedulers();
    all.push(tessera::config::process_pool(2));
    all
}

/// The schedulers that run in-process closures and in-memory stores.
pub fn in_process_schedulers() -> Vec<Arc<dyn Scheduler>> {
    vec![
        Arc::new(Synchronous),
        Arc::new(Threaded::new(3)),
        fifo_plugin(),
    ]
}

/// The example plugin `schedulers/plugins/fifo` on 3 threads, compiled once
/// per test binary with plain `rustc` (it has no dependencies; `cargo test`
/// holds the build lock while tests run, so cargo cannot build it here).
pub fn fifo_plugin() -> Arc<dyn Scheduler> {
    static FIFO: OnceLock<Arc<dyn Scheduler>> = OnceLock::new();
    FIFO.get_or_init(|| {
        let src =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../schedulers/plugins/fifo/src/lib.rs");
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let out = dir.join(format!("libfifo_{}.so", std::process::id()));
        tessera_schedulers::testing::compile_cdylib(&src, &out);
        let plugin = Plugin::load(&out)
            .and_then(|p| p.with_options("threads=3"))
            .unwrap_or_else(|e| panic!("{e}"));
        // Loaded: the file can go (the mapping stays).
        let _ = std::fs::remove_file(&out);
        Arc::new(plugin) as Arc<dyn Scheduler>
    })
    .clone()
}

/// Cut `d` into chunks using `cuts` as lengths, last one trimmed; empty axes get `[0]`.
pub fn split(d: usize, cuts: &[usize]) -> Vec<usize> {
    if d == 0 {
        return vec![0];
    }
    let mut out = Vec::new();
    let mut left = d;
    for &c in cuts.iter().cycle() {
        if left == 0 {
            break;
        }
        let c = c.min(left);
        out.push(c);
        left -= c;
    }
    out
}

/// An array whose block starting at row 30 fails (its kernel returns a wrong shape).
pub fn failing_after_some_blocks() -> Array<f64> {
    tessera::arange::<f64>(0.0, 60.0, 1.0, 10).map_blocks(|b| {
        if b[[0]] >= 30.0 {
            ndarray::ArrayD::zeros(ndarray::IxDyn(&[1]))
        } else {
            b.to_owned()
        }
    })
}

/// A write that fails part-way leaves nothing behind: a new store at
/// `dir/new.<ext>` is removed; in an existing store only the failed array
/// goes, and its path takes a write that works. `write(x, store, path)` is
/// `to_zarr` or `to_hdf5`; `list(store)` names the arrays in a store.
pub fn failed_writes_leave_nothing(
    dir: &Path,
    ext: &str,
    write: impl Fn(&Array<f64>, &Path, &str) -> tessera::Result<u64>,
    list: impl Fn(&Path) -> Vec<String>,
) {
    let failing = failing_after_some_blocks();
    let new = dir.join(format!("new.{ext}"));
    assert!(write(&failing, &new, "x").is_err());
    assert!(!new.exists(), "{} is removed", new.display());
    let kept = dir.join(format!("kept.{ext}"));
    let ones = tessera::ones::<f64>(4, 2);
    write(&ones, &kept, "a").unwrap();
    assert!(write(&failing, &kept, "b").is_err());
    assert_eq!(list(&kept), vec!["a".to_string()]);
    write(&ones, &kept, "b").unwrap();
}

/// A random chunking of every axis of `shape`.
pub fn chunking(shape: Vec<usize>) -> impl Strategy<Value = Vec<Vec<usize>>> {
    shape
        .into_iter()
        .map(|d| prop::collection::vec(1usize..4, d.max(1)).prop_map(move |cuts| split(d, &cuts)))
        .collect::<Vec<_>>()
}

/// A shape of 0–4 axes (lengths 0–6) with a random chunking of each axis.
pub fn shape_and_chunks() -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>)> {
    prop::collection::vec(0usize..7, 0..5)
        .prop_flat_map(|shape| (Just(shape.clone()), chunking(shape)))
}

/// Pseudo-random values `f(r)` of a generator seeded by `seed`, `r` the
/// generator's high bits.
pub fn seeded<T>(shape: &[usize], seed: u64, f: impl Fn(u64) -> T) -> ArrayD<T> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        f(state >> 33)
    })
}

/// Values in [-10, 10) with two decimals.
pub fn two_decimals(shape: &[usize], seed: u64) -> ArrayD<f64> {
    seeded(shape, seed, |r| (r % 2000) as f64 / 100.0 - 10.0)
}

/// Small integers as floats, so every sum is exact whatever the order.
pub fn small_ints(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let mut state = seed | 1;
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 19) as f64 - 9.0
    })
}

/// `d` as a tessera array cut into `chunks`.
pub fn chunked(d: &ArrayD<f64>, chunks: &[Vec<usize>]) -> Array<f64> {
    tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap())
}

/// `f` over the elements of `axes` for each position of the other axes (C
/// order), with the reduced axes dropped or kept at length 1.
pub fn over_axes(
    d: &ArrayD<f64>,
    axes: &[usize],
    keepdims: bool,
    f: impl Fn(&[f64]) -> f64,
) -> ArrayD<f64> {
    let kept: Vec<usize> = (0..d.ndim()).filter(|a| !axes.contains(a)).collect();
    let perm: Vec<usize> = kept.iter().chain(axes).copied().collect();
    let moved = d
        .view()
        .permuted_axes(perm)
        .as_standard_layout()
        .into_owned();
    let inner: usize = axes.iter().map(|&a| d.shape()[a]).product();
    let outer: usize = kept.iter().map(|&a| d.shape()[a]).product();
    let flat = moved.as_slice().unwrap();
    let vals: Vec<f64> = (0..outer)
        .map(|r| f(&flat[r * inner..(r + 1) * inner]))
        .collect();
    let shape: Vec<usize> = (0..d.ndim())
        .filter(|a| keepdims || !axes.contains(a))
        .map(|a| if axes.contains(&a) { 1 } else { d.shape()[a] })
        .collect();
    ArrayD::from_shape_vec(IxDyn(&shape), vals).unwrap()
}

/// The results of `g` on the synchronous scheduler, and of `g` with every
/// task's kernel sent through its (id, params) and back: what a worker
/// process would run.
pub fn run_travelled(g: &tessera_graph::TaskGraph) -> (Vec<tessera::Block>, Vec<tessera::Block>) {
    let mut travelled = g.clone();
    for t in &mut travelled.tasks {
        t.kernel = tessera_ops::registry::round_trip(&t.kernel)
            .unwrap_or_else(|e| panic!("{} does not travel: {e}", t.kernel.id()));
    }
    let run = |g| Synchronous.run(g, &tessera::RunOptions::default()).unwrap();
    (run(g), run(&travelled))
}

//! The memory budget seen from the facade: computations within a budget give
//! the unbounded answer (checked against plain ndarray) on every scheduler
//! that keeps budgets, never account more than the budget, and refuse what
//! cannot fit; the plan projects it beforehand.

use std::path::Path;
use std::sync::{Arc, Mutex};

use ndarray::{ArrayD, Axis};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use tessera::{Array, Callbacks, Compute, MemoryBudget, MemoryUsage, Reduce, ReduceOp, Threaded};
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError, Params};

mod common;
use common::split;

tessera::worker_test!({
    tessera_ops::registry::register_kernel::<Scale>("test.memory.scale");
});

/// The schedulers that keep a memory budget: sync, threads and a shared pool
/// of 2 worker processes (whose limit covers all workers together). Plugins
/// choose their own order and only check that each task fits.
fn schedulers() -> Vec<Arc<dyn tessera::Scheduler>> {
    vec![
        Arc::new(tessera::Synchronous),
        Arc::new(Threaded::new(3)),
        tessera::config::process_pool(2),
    ]
}

/// A kernel that travels to worker processes (closures cannot): multiplies
/// a block by `factor`, and panics on a block whose first value is
/// `explode_at` (to 6 decimals, so rounding in the sums above cannot move it).
#[derive(Debug, Serialize, Deserialize)]
struct Scale {
    factor: f64,
    explode_at: Option<f64>,
}

impl Kernel for Scale {
    fn id(&self) -> &str {
        "test.memory.scale"
    }
    fn params(&self) -> Params {
        Params::Json(serde_json::to_string(self).unwrap_or_default())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let a = inputs[0].as_array::<f64>()?;
        let micro = |v: f64| (v * 1e6).round();
        if let (Some(at), Some(&first)) = (self.explode_at, a.iter().next()) {
            if micro(first) == micro(at) {
                panic!("kernel exploded mid-run");
            }
        }
        Ok(Block::from_array(a.mapv(|v| v * self.factor)))
    }
}

fn close(a: &ArrayD<f64>, b: &ArrayD<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter()
            .zip(b.iter())
            .all(|(x, y)| (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs())))
}

/// Records the memory report of a run.
#[derive(Default)]
struct Usage(Mutex<Option<MemoryUsage>>);

impl Callbacks for Usage {
    fn on_memory(&self, usage: &MemoryUsage) {
        if let Ok(mut u) = self.0.lock() {
            *u = Some(*usage);
        }
    }
}

/// `x` written to a Zarr array in `dir` in `chunks`, read back lazily: reads
/// are cheap sources that stay tasks of their own (read by two layers), and
/// reopen the store on disk in worker processes.
fn stored(x: &ArrayD<f64>, chunks: [usize; 2], dir: &Path) -> Array<f64> {
    let path = dir.join("x.zarr");
    tessera::from_array(x.clone(), chunks)
        .to_zarr(&path, "")
        .unwrap();
    tessera::from_zarr(&path, "").unwrap()
}

/// `(a - a.mean(axis=0)).std(axis=0)`: every block of `a` is read by the mean
/// and again, after the whole mean, by the centring.
fn anomaly(a: &Array<f64>) -> Array<f64> {
    let m = a.mean_with(0);
    let centred = a - &m;
    let opts = Reduce {
        axes: Some(vec![0]),
        keepdims: false,
        split_every: None,
        ddof: 0,
    };
    centred.reduction(ReduceOp::Std { ddof: 0 }, opts)
}

fn oracle(a: &ArrayD<f64>) -> ArrayD<f64> {
    let m = a.mean_axis(Axis(0)).unwrap();
    let c = a - &m;
    c.mapv(|v| v * v)
        .mean_axis(Axis(0))
        .unwrap()
        .mapv(f64::sqrt)
}

/// Row chunks and column chunks of a 2-d shape.
fn grid() -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>, u64)> {
    (4usize..40, 1usize..12, 0u64..1000).prop_flat_map(|(rows, cols, seed)| {
        (
            prop::collection::vec(1usize..8, rows),
            prop::collection::vec(1usize..6, cols),
        )
            .prop_map(move |(rc, cc)| {
                (
                    vec![rows, cols],
                    vec![split(rows, &rc), split(cols, &cc)],
                    seed,
                )
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The anomaly pattern within a budget of twice its largest task (far
    /// below what it holds unbounded) equals ndarray's on every scheduler.
    #[test]
    fn anomaly_within_a_budget_matches_ndarray(rows in 4usize..40, cols in 1usize..12, rc in 1usize..8, cc in 1usize..6, seed in 0u64..1000) {
        let x = common::two_decimals(&[rows, cols], seed);
        let dir = tempfile::tempdir().unwrap();
        let a = stored(&x, [rc, cc], dir.path());
        let y = anomaly(&a);
        let plan = y.plan().unwrap();
        let limit = 2 * plan.peak_per_worker + 64;
        let expected = oracle(&x);
        for s in schedulers() {
            let usage = Usage::default();
            let got = y
                .compute_with(&Compute::new().scheduler(s.as_ref()).budget(MemoryBudget::new(limit)).callback(&usage))
                .unwrap();
            prop_assert!(close(&got, &expected), "{}: {got:?} vs {expected:?}", s.name());
            let u = usage.0.lock().unwrap().unwrap();
            prop_assert!(u.peak <= limit, "{}: peak {} over {limit}", s.name(), u.peak);
            // Blocks of a wait for the whole mean: something had to leave memory.
            prop_assert!(plan.peak_unbounded <= limit || u.recomputed + u.spilled_blocks > 0, "{}: {u:?}", s.name());
        }
    }

    /// A rechunk within a tight budget (stages sized by it, results spilled
    /// when needed) gives the data back in the new chunks.
    #[test]
    fn rechunk_within_a_budget_matches((shape, chunks, seed) in grid(), rows in 1usize..40, cols in 1usize..12) {
        let x = common::two_decimals(&shape, seed);
        let a = tessera::from_array(x.clone(), tessera::ChunkSpec::explicit(chunks));
        let new = vec![rows.min(shape[0]), cols.min(shape[1])];
        let y = a.rechunk(&new[..]);
        let plan = y.plan().unwrap();
        let limit = plan.peak_per_worker + 64;
        for s in schedulers() {
            let usage = Usage::default();
            let got = y.compute_with(&Compute::new().scheduler(s.as_ref()).budget(MemoryBudget::new(limit)).callback(&usage)).unwrap();
            prop_assert_eq!(&got, &x);
            let u = usage.0.lock().unwrap().unwrap();
            prop_assert!(u.peak <= limit, "{}: peak {} over {limit}", s.name(), u.peak);
        }
        prop_assert_eq!(y.chunksize(), new);
    }
}

/// Rows to columns within a quarter of the data: each row block is read
/// once (cut into the pieces the columns merge; pieces that wait are
/// spilled), never read again for another piece, on every scheduler.
#[test]
fn a_budgeted_rechunk_reads_each_block_once() {
    let dir = tempfile::tempdir().unwrap();
    let x = common::two_decimals(&[256, 64], 5);
    let a = stored(&x, [16, 64], dir.path());
    let limit = 256 * 64 * 8 / 4;
    let y = a.rechunk_within([256, 8], Some(limit));
    // Cut and merge: 16 reads, 16 x 8 pieces, 8 columns.
    assert_eq!(y.task_graph().unwrap().len(), 16 + 128 + 8);
    for s in schedulers() {
        let usage = Usage::default();
        let got = y
            .compute_with(
                &Compute::new()
                    .scheduler(s.as_ref())
                    .budget(MemoryBudget::new(limit))
                    .callback(&usage),
            )
            .unwrap();
        assert_eq!(got, x, "{}", s.name());
        let u = usage.0.lock().unwrap().unwrap();
        assert!(u.peak <= limit, "{}: {u:?}", s.name());
        assert!(
            u.recomputed == 0 && u.spilled_blocks > 0,
            "{}: {u:?}",
            s.name()
        );
    }
}

#[test]
fn a_chunk_larger_than_the_budget_is_an_error_before_starting() {
    let a = tessera::from_array(common::two_decimals(&[1000, 100], 1), [500, 100]);
    let y = anomaly(&a);
    for s in schedulers() {
        let err = y
            .compute_with(
                &Compute::new()
                    .scheduler(s.as_ref())
                    .budget(MemoryBudget::new(100_000)),
            )
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("does not fit in the memory budget")
                && text.contains("390.62 kiB")
                && text.contains("97.66 kiB"),
            "{}: {text}",
            s.name()
        );
    }
}

#[test]
fn the_plan_projects_tasks_chunks_and_peaks() {
    // Ten row blocks of 8000 bytes, all outputs: held to the end.
    let x = tessera::ones::<f64>([100, 100], [10, 100]);
    let g = x.task_graph().unwrap();
    let plan = tessera::Plan::of(&g, 2, Some(1 << 20));
    assert_eq!(plan.tasks, 10);
    assert_eq!(plan.largest_chunk, 8000);
    assert_eq!(plan.output_chunk, 8000);
    assert_eq!(plan.peak_per_worker, 8000);
    assert_eq!(plan.peak_unbounded, 80_000);
    assert_eq!(plan.peak_total, 88_000);
    assert!(plan.fits() && !plan.needs_eviction());
    let tight = tessera::Plan::of(&g, 2, Some(20_000));
    assert_eq!(tight.peak_total, 20_000);
    assert!(tight.fits() && tight.needs_eviction());
    assert!(!tessera::Plan::of(&g, 1, Some(4000)).fits());
    let text = tight.to_string();
    assert!(text.contains("tasks             10"), "{text}");
    assert!(text.contains("peak per worker   7.81 kiB"), "{text}");
    // `ones` blocks are generated: all ten are cheap to make again.
    assert_eq!(plan.cheap_tasks, 10);
    assert!(text.contains("cheap to remake    10 of 10 tasks"), "{text}");
    assert!(
        text.contains("fits by recomputing cheap chunks or spilling"),
        "{text}"
    );
}

#[test]
fn the_plan_counts_what_the_anomaly_pattern_holds() {
    // The mean needs every block before any centring: unbounded, one worker
    // holds all of a (8 blocks of 80 kB) at once.
    let dir = tempfile::tempdir().unwrap();
    let a = stored(
        &common::two_decimals(&[800, 100], 2),
        [100, 100],
        dir.path(),
    );
    let y = anomaly(&a);
    let g = y.task_graph().unwrap();
    let plan = tessera::Plan::of(&g, 1, None);
    assert_eq!(plan.tasks, g.len());
    // The 8 store reads are cheap; the mean's and the centring's tasks are not.
    assert_eq!(plan.cheap_tasks, 8, "{plan:?}");
    assert!(plan.peak_unbounded >= 8 * 80_000, "{plan:?}");
    assert!(plan.peak_per_worker < 3 * 80_000, "{plan:?}");
    let usage = Usage::default();
    let limit = 4 * 80_000;
    let got = y
        .compute_with(
            &Compute::new()
                .scheduler(&Threaded::new(2))
                .budget(MemoryBudget::new(limit))
                .callback(&usage),
        )
        .unwrap();
    assert!(close(&got, &oracle(&common::two_decimals(&[800, 100], 2))));
    let u = usage.0.lock().unwrap().unwrap();
    assert!(u.peak <= limit && u.recomputed > 0, "{u:?}");
}

/// Spilled blocks are removed after a run, also when a kernel panics mid-run
/// (in a worker process too: the spill directory is the parent's).
#[test]
fn the_spill_directory_is_emptied_also_after_a_panic() {
    let x = common::two_decimals(&[800, 50], 3);
    let dir = tempfile::tempdir().unwrap();
    let a = stored(&x, [100, 50], dir.path());
    // Doubled blocks are not cheap to make again: under the budget they spill.
    let scale =
        |factor, explode_at| Arc::new(Scale { factor, explode_at }) as tessera_graph::KernelRef;
    let b = a.map_blocks_kernel::<f64>(scale(2.0, None), None);
    let centred = &b - &b.mean_with(0);
    // After the mean, so blocks were spilled before the panic: the centred
    // value at the start of the 6th block.
    let doubled = x.mapv(|v| 2.0 * v);
    let at = doubled[[500, 0]] - doubled.mean_axis(Axis(0)).unwrap()[0];
    let sum = |kernel| centred.map_blocks_kernel::<f64>(kernel, None).sum();
    let (y, exploding) = (sum(scale(1.0, None)), sum(scale(1.0, Some(at))));
    let spill = tempfile::tempdir().unwrap();
    let budget = MemoryBudget::new(3 * 40_000 + 64).with_spill_dir(spill.path());
    for s in schedulers() {
        let usage = Usage::default();
        let got = y
            .compute_with(
                &Compute::new()
                    .scheduler(s.as_ref())
                    .budget(budget.clone())
                    .callback(&usage),
            )
            .unwrap();
        assert!(got.sum().abs() < 1e-6, "{}: {}", s.name(), got.sum());
        let u = usage.0.lock().unwrap().unwrap();
        assert!(u.spilled_blocks > 0, "{}: {u:?}", s.name());
        assert!(u.peak <= budget.limit().unwrap(), "{}: {u:?}", s.name());
        assert_eq!(std::fs::read_dir(spill.path()).unwrap().count(), 0);

        let err = exploding
            .compute_with(&Compute::new().scheduler(s.as_ref()).budget(budget.clone()))
            .unwrap_err();
        assert!(
            err.to_string().contains("kernel exploded mid-run"),
            "{}: {err}",
            s.name()
        );
        assert_eq!(
            std::fs::read_dir(spill.path()).unwrap().count(),
            0,
            "{}: spill left behind",
            s.name()
        );
    }
}

//! The scheduler test kit: every executor must pass these (call them from its tests).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ndarray::{arr0, ArrayD};
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError, KernelErrorKind, Key, Params, Task, TaskGraph};

use crate::{Callbacks, Error, Scheduler};

/// Test kernel: a constant scalar.
#[derive(Debug)]
struct Const(f64);

impl Kernel for Const {
    fn id(&self) -> &str {
        "test.const"
    }
    fn params(&self) -> Params {
        Params::Json(self.0.to_string())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        Ok(Block::from_array(arr0(self.0).into_dyn()))
    }
}

/// Test kernel: the sum of the scalar inputs.
#[derive(Debug)]
struct Add;

impl Kernel for Add {
    fn id(&self) -> &str {
        "test.add"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let mut total = 0.0;
        for b in inputs {
            total += b.as_array::<f64>()?.sum();
        }
        Ok(Block::from_array(ArrayD::from_elem(vec![], total)))
    }
}

/// Test kernel: fails or panics on purpose.
#[derive(Debug)]
struct Broken {
    panic: bool,
}

impl Kernel for Broken {
    fn id(&self) -> &str {
        "test.broken"
    }
    fn params(&self) -> Params {
        Params::Json(self.panic.to_string())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        if self.panic {
            panic!("kernel exploded on purpose");
        }
        Err(KernelError::of(
            KernelErrorKind::Storage,
            "kernel refused on purpose",
        ))
    }
}

/// Test kernel: sleeps `ms` milliseconds, then returns 1.0 (for killing a worker mid-task).
#[derive(Debug)]
struct Sleep(u64);

impl Kernel for Sleep {
    fn id(&self) -> &str {
        "test.sleep"
    }
    fn params(&self) -> Params {
        Params::Json(self.0.to_string())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        std::thread::sleep(std::time::Duration::from_millis(self.0));
        Ok(Block::from_array(arr0(1.0f64).into_dyn()))
    }
}

/// Test kernel: aborts the whole process (what a crash in native code does).
#[derive(Debug)]
struct Abort;

impl Kernel for Abort {
    fn id(&self) -> &str {
        "test.abort"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        std::process::abort()
    }
}

/// A kernel making a 1-d block of `len` copies of `value`.
pub fn fill_kernel(len: usize, value: f64) -> Arc<dyn Kernel> {
    Arc::new(Fill {
        len,
        value,
        cheap: false,
    })
}

/// A kernel summing all elements of its inputs into a scalar.
pub fn add_kernel() -> Arc<dyn Kernel> {
    Arc::new(Add)
}

/// A kernel sleeping `ms` milliseconds before returning 1.0.
pub fn sleep_kernel(ms: u64) -> Arc<dyn Kernel> {
    Arc::new(Sleep(ms))
}

/// A kernel that aborts the process running it.
pub fn abort_kernel() -> Arc<dyn Kernel> {
    Arc::new(Abort)
}

/// Rebuild the kit's kernels from `(id, params)`: what a worker process of a
/// scheduler test binary passes to `serve_if_worker`.
pub fn rebuild(id: &str, params: &Params) -> Result<Arc<dyn Kernel>, KernelError> {
    let Params::Json(json) = params else {
        return Err(KernelError::new(format!(
            "test kernel {id} needs JSON parameters"
        )));
    };
    let bad =
        |e: &dyn std::fmt::Display| KernelError::new(format!("{id}: bad parameters {json:?}: {e}"));
    Ok(match id {
        "test.const" => Arc::new(Const(json.parse().map_err(|e| bad(&e))?)),
        "test.add" => Arc::new(Add),
        "test.broken" => Arc::new(Broken {
            panic: json.parse().map_err(|e| bad(&e))?,
        }),
        "test.sleep" => Arc::new(Sleep(json.parse().map_err(|e| bad(&e))?)),
        "test.abort" => Arc::new(Abort),
        "test.centre" => Arc::new(Centre),
        "test.mean_all" => Arc::new(MeanAll),
        "test.sum_squares" => Arc::new(SumSquares),
        "test.fill" => {
            let mut it = json.split(' ');
            let len = it.next().unwrap_or("").parse().map_err(|e| bad(&e))?;
            let value = it.next().unwrap_or("").parse().map_err(|e| bad(&e))?;
            let cheap = it.next().unwrap_or("").parse().map_err(|e| bad(&e))?;
            Arc::new(Fill { len, value, cheap })
        }
        _ => return Err(KernelError::new(format!("no test kernel {id:?}"))),
    })
}

fn task(name: &str, i: usize, kernel: Arc<dyn Kernel>, deps: Vec<Key>) -> Task {
    Task {
        key: Key::new(name, vec![i]),
        kernel,
        deps,
    }
}

/// A binary tree sum over `n` leaves with value `i` each; the total is n(n-1)/2.
pub fn tree_sum_graph(n: usize) -> TaskGraph {
    let mut tasks = Vec::new();
    let mut level: Vec<Key> = (0..n)
        .map(|i| {
            let t = task("leaf", i, Arc::new(Const(i as f64)), vec![]);
            let k = t.key.clone();
            tasks.push(t);
            k
        })
        .collect();
    let mut depth = 0;
    while level.len() > 1 {
        depth += 1;
        let name = format!("level{depth}");
        level = level
            .chunks(2)
            .enumerate()
            .map(|(i, pair)| {
                let t = task(&name, i, Arc::new(Add), pair.to_vec());
                let k = t.key.clone();
                tasks.push(t);
                k
            })
            .collect();
    }
    TaskGraph::from_tasks(tasks, &level).unwrap_or_else(|e| panic!("test graph: {e}"))
}

/// Counts callback events, checking their order.
#[derive(Default)]
struct Counting {
    started: AtomicUsize,
    finished: AtomicUsize,
    total: AtomicUsize,
    ended: Mutex<Option<bool>>,
}

impl Callbacks for Counting {
    fn on_start(&self, total: usize) {
        self.total.store(total, Ordering::SeqCst);
    }
    fn on_task_start(&self, _: &Key, _: usize) {
        self.started.fetch_add(1, Ordering::SeqCst);
    }
    fn on_task_finish(&self, _: &Key, _: usize, _: &Block) {
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
    fn on_end(&self, ok: bool) {
        if let Ok(mut e) = self.ended.lock() {
            *e = Some(ok);
        }
    }
}

/// Results are right, for graphs of several sizes including a single task.
pub fn computes_tree_sums(s: &dyn Scheduler) {
    for n in [1usize, 2, 3, 10, 257] {
        let g = tree_sum_graph(n);
        let out = s
            .run(&g, &[])
            .unwrap_or_else(|e| panic!("{}: {e}", s.name()));
        assert_eq!(out.len(), 1);
        let v = out[0]
            .as_array::<f64>()
            .map(|a| a.sum())
            .unwrap_or(f64::NAN);
        assert_eq!(v, (n * (n - 1) / 2) as f64, "{} with {n} leaves", s.name());
    }
}

/// Outputs come back in request order, also when one output feeds another.
pub fn returns_outputs_in_order(s: &dyn Scheduler) {
    let a = task("a", 0, Arc::new(Const(1.0)), vec![]);
    let b = task("b", 0, Arc::new(Add), vec![a.key.clone(), a.key.clone()]);
    let outputs = [b.key.clone(), a.key.clone()];
    let g = TaskGraph::from_tasks(vec![a, b], &outputs).unwrap_or_else(|e| panic!("{e}"));
    let out = s.run(&g, &[]).unwrap_or_else(|e| panic!("{e}"));
    let vals: Vec<f64> = out
        .iter()
        .map(|b| b.as_array::<f64>().map(|a| a.sum()).unwrap_or(f64::NAN))
        .collect();
    assert_eq!(vals, vec![2.0, 1.0]);
}

/// A failing kernel and a panicking kernel give errors naming the task, not a hang or a crash.
pub fn reports_failures_with_the_key(s: &dyn Scheduler) {
    for panic in [false, true] {
        let mut g = tree_sum_graph(64);
        let victim = 17;
        g.tasks[victim].kernel = Arc::new(Broken { panic });
        let key = g.tasks[victim].key.clone();
        let counting = Counting::default();
        let err = match s.run(&g, &[&counting]) {
            Err(e) => e,
            Ok(_) => panic!("{}: a broken kernel must fail the run", s.name()),
        };
        match (&err, panic) {
            (Error::TaskFailed { key: k, error }, false) => {
                assert_eq!(k, &key);
                assert!(error.message.contains("refused on purpose"));
                // The kind survives the trip (also through worker processes).
                assert_eq!(error.kind, KernelErrorKind::Storage, "{}", s.name());
            }
            (Error::TaskPanicked { key: k, message }, true) => {
                assert_eq!(k, &key);
                assert!(message.contains("exploded on purpose"));
            }
            _ => panic!("{}: unexpected error {err:?}", s.name()),
        }
        assert!(err.to_string().contains(&key.to_string()));
        assert_eq!(
            counting.ended.lock().map(|e| *e).ok().flatten(),
            Some(false)
        );
        // The scheduler is usable again afterwards.
        computes_tree_sums(s);
    }
}

/// Callbacks see every task start and finish once, the total first and the end last.
pub fn calls_callbacks(s: &dyn Scheduler) {
    let g = tree_sum_graph(100);
    let counting = Counting::default();
    s.run(&g, &[&counting]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counting.total.load(Ordering::SeqCst), g.len());
    assert_eq!(counting.started.load(Ordering::SeqCst), g.len());
    assert_eq!(counting.finished.load(Ordering::SeqCst), g.len());
    assert_eq!(counting.ended.lock().map(|e| *e).ok().flatten(), Some(true));
}

/// A callback that panics on the n-th task.
struct Panicky(usize, AtomicUsize);

impl Callbacks for Panicky {
    fn on_task_finish(&self, _: &Key, _: usize, _: &Block) {
        if self.1.fetch_add(1, Ordering::SeqCst) == self.0 {
            panic!("progress bar exploded");
        }
    }
}

/// A panicking callback gives an error, not a crash or a hang; the scheduler works afterwards.
pub fn survives_panicking_callbacks(s: &dyn Scheduler) {
    let g = tree_sum_graph(50);
    let cb = Panicky(20, AtomicUsize::new(0));
    match s.run(&g, &[&cb]) {
        Err(e) => assert!(e.to_string().contains("progress bar exploded"), "{e}"),
        Ok(_) => panic!("{}: a panicking callback must fail the run", s.name()),
    }
    computes_tree_sums(s);
}

/// Run the whole kit.
pub fn run_all(s: &dyn Scheduler) {
    computes_tree_sums(s);
    returns_outputs_in_order(s);
    reports_failures_with_the_key(s);
    calls_callbacks(s);
    survives_panicking_callbacks(s);
}

/// Test kernel: a block of `len` copies of `value`; `cheap` says whether a
/// memory-bound scheduler may drop and remake it.
#[derive(Debug)]
struct Fill {
    len: usize,
    value: f64,
    cheap: bool,
}

impl Kernel for Fill {
    fn id(&self) -> &str {
        "test.fill"
    }
    fn params(&self) -> Params {
        Params::Json(format!("{} {} {}", self.len, self.value, self.cheap))
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        Ok(Block::from_array(ArrayD::from_elem(
            vec![self.len],
            self.value,
        )))
    }
    fn is_cheap(&self) -> bool {
        self.cheap
    }
}

/// Test kernel: the first input block minus the mean of the second (a 1-element block).
#[derive(Debug)]
struct Centre;

impl Kernel for Centre {
    fn id(&self) -> &str {
        "test.centre"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [x, m] = inputs else {
            return Err(KernelError::new("centre takes a block and a mean"));
        };
        let m = m.as_array::<f64>()?.sum();
        Ok(Block::from_array(x.as_array::<f64>()?.mapv(|v| v - m)))
    }
}

/// Test kernel: the mean of all elements of all inputs, as a 1-element block.
#[derive(Debug)]
struct MeanAll;

impl Kernel for MeanAll {
    fn id(&self) -> &str {
        "test.mean_all"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let (mut total, mut n) = (0.0, 0usize);
        for b in inputs {
            let a = b.as_array::<f64>()?;
            total += a.sum();
            n += a.len();
        }
        Ok(Block::from_array(ArrayD::from_elem(
            vec![1],
            total / n.max(1) as f64,
        )))
    }
}

/// Test kernel: sum of squares of all inputs, as a 1-element block.
#[derive(Debug)]
struct SumSquares;

impl Kernel for SumSquares {
    fn id(&self) -> &str {
        "test.sum_squares"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let mut total = 0.0;
        for b in inputs {
            total += b.as_array::<f64>()?.mapv(|v| v * v).sum();
        }
        Ok(Block::from_array(ArrayD::from_elem(vec![1], total)))
    }
}

/// The anomaly pattern on `n` blocks of `len` f64 (block `i` filled with `i`):
/// every source is read by a mean and, much later, by its centring, so an
/// unbounded run holds all of them. Returns the graph and its exact result,
/// sum over blocks of `len * (i - mean)^2`.
pub fn anomaly_graph(n: usize, len: usize, cheap: bool) -> (TaskGraph, f64) {
    let bytes = (len * 8) as u64;
    let mut tasks = Vec::new();
    let mut sizes = Vec::new();
    let sources: Vec<Key> = (0..n)
        .map(|i| {
            let kernel = Arc::new(Fill {
                len,
                value: i as f64,
                cheap,
            });
            let t = task("source", i, kernel, vec![]);
            let k = t.key.clone();
            tasks.push(t);
            sizes.push(bytes);
            k
        })
        .collect();
    // A chunk-wise mean (one small partial per block), then their mean.
    let partials: Vec<Key> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let t = task("partial", i, Arc::new(MeanAll), vec![s.clone()]);
            let k = t.key.clone();
            tasks.push(t);
            sizes.push(8);
            k
        })
        .collect();
    let mean = task("mean", 0, Arc::new(MeanAll), partials);
    let mean_key = mean.key.clone();
    tasks.push(mean);
    sizes.push(8);
    let squares: Vec<Key> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let c = task(
                "centre",
                i,
                Arc::new(Centre),
                vec![s.clone(), mean_key.clone()],
            );
            let ck = c.key.clone();
            tasks.push(c);
            sizes.push(bytes);
            let q = task("square", i, Arc::new(SumSquares), vec![ck]);
            let qk = q.key.clone();
            tasks.push(q);
            sizes.push(8);
            qk
        })
        .collect();
    let total = task("total", 0, Arc::new(Add), squares);
    let out = total.key.clone();
    tasks.push(total);
    sizes.push(8);
    let g = TaskGraph::from_sized_tasks(tasks, sizes, Vec::new(), &[out])
        .unwrap_or_else(|e| panic!("test graph: {e}"));
    let m = (n as f64 - 1.0) / 2.0;
    let expected = (0..n).map(|i| len as f64 * (i as f64 - m).powi(2)).sum();
    (g, expected)
}

/// Records the memory report of a run.
#[derive(Default)]
struct Usage(Mutex<Option<crate::MemoryUsage>>);

impl Callbacks for Usage {
    fn on_memory(&self, usage: &crate::MemoryUsage) {
        if let Ok(mut u) = self.0.lock() {
            *u = Some(*usage);
        }
    }
}

fn scalar(out: &[Block]) -> f64 {
    out.first()
        .and_then(|b| b.as_array::<f64>().ok().map(|a| a.sum()))
        .unwrap_or(f64::NAN)
}

/// The directory's entries (spill directories must be gone after a run).
fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// Within a budget of a few blocks the anomaly pattern gives the unbounded
/// result, never accounts more than the budget, and gets there by making
/// cheap sources again or by spilling the others; the spill directory is empty afterwards.
pub fn keeps_memory_budgets(s: &dyn Scheduler) {
    let (n, len) = (24, 4096);
    let block = (len * 8) as u64;
    for cheap in [true, false] {
        let (g, expected) = anomaly_graph(n, len, cheap);
        let free = Usage::default();
        let out = s
            .run_within(&g, &crate::MemoryBudget::unlimited(), &[&free])
            .unwrap_or_else(|e| panic!("{}: {e}", s.name()));
        assert_eq!(scalar(&out), expected);
        let unbounded = free.0.lock().ok().and_then(|u| *u).map_or(0, |u| u.peak);
        assert!(
            unbounded >= n as u64 * block,
            "{}: unbounded peak {unbounded}",
            s.name()
        );
        for blocks in [3u64, 5, 8] {
            let limit = blocks * block + 64;
            let spill = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let budget = crate::MemoryBudget::new(limit).with_spill_dir(spill.path());
            let usage = Usage::default();
            let out = s
                .run_within(&g, &budget, &[&usage])
                .unwrap_or_else(|e| panic!("{} within {blocks} blocks: {e}", s.name()));
            assert_eq!(
                scalar(&out),
                expected,
                "{} within {blocks} blocks",
                s.name()
            );
            let u = usage
                .0
                .lock()
                .ok()
                .and_then(|u| *u)
                .unwrap_or_else(|| panic!("{}: no memory report", s.name()));
            assert!(
                u.peak <= limit,
                "{}: peak {} over {limit}",
                s.name(),
                u.peak
            );
            if cheap {
                assert!(
                    u.recomputed > 0 && u.spilled_blocks == 0,
                    "{}: {u:?}",
                    s.name()
                );
            } else {
                assert!(
                    u.spilled_blocks > 0 && u.recomputed == 0,
                    "{}: {u:?}",
                    s.name()
                );
            }
            assert!(
                entries(spill.path()).is_empty(),
                "{}: spill left behind",
                s.name()
            );
        }
    }
}

/// A task bigger than the budget on its own is an error before anything runs, naming the sizes.
pub fn refuses_tasks_over_the_budget(s: &dyn Scheduler) {
    let (g, _) = anomaly_graph(4, 1024, false);
    let counting = Counting::default();
    let err = match s.run_within(&g, &crate::MemoryBudget::new(10_000), &[&counting]) {
        Err(e) => e,
        Ok(_) => panic!("{}: an 8 KiB block cannot fit in 10 kB", s.name()),
    };
    assert!(matches!(err, Error::OverBudget { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("9.77 kiB") && text.contains("8.00 kiB"),
        "{}: {text}",
        s.name()
    );
    assert_eq!(counting.started.load(Ordering::SeqCst), 0);
}

/// A kernel panicking mid-run, after blocks were spilled, leaves no spill files behind.
pub fn cleans_spills_after_a_panic(s: &dyn Scheduler) {
    let (mut g, _) = anomaly_graph(16, 4096, false);
    let victim = g
        .tasks
        .iter()
        .position(|t| t.key.layer.as_ref() == "square" && t.key.index == vec![9])
        .unwrap_or_else(|| panic!("no square-9 task"));
    g.tasks[victim].kernel = Arc::new(Broken { panic: true });
    let spill = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let budget = crate::MemoryBudget::new(4 * 4096 * 8).with_spill_dir(spill.path());
    match s.run_within(&g, &budget, &[]) {
        Err(Error::TaskPanicked { key, .. }) => assert_eq!(key, g.tasks[victim].key),
        other => panic!("{}: expected the panic, got {other:?}", s.name()),
    }
    assert!(
        entries(spill.path()).is_empty(),
        "{}: spill left behind",
        s.name()
    );
}

/// Run the memory-budget kit (executors built on the shared loop).
pub fn run_budget_kit(s: &dyn Scheduler) {
    keeps_memory_budgets(s);
    refuses_tasks_over_the_budget(s);
    cleans_spills_after_a_panic(s);
}

/// Whether process `pid` is alive (a zombie counts as gone): for tests that
/// no worker outlives its pool.
pub fn process_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|state| state != "Z" && state != "X")
        })
        .unwrap_or(false)
}

/// Compile the one-file, dependency-free Rust library `src` into the cdylib
/// `out` with plain `rustc` (`$RUSTC` if set): tests build plugins this way
/// because `cargo test` holds the build lock while tests run.
pub fn compile_cdylib(src: &std::path::Path, out: &std::path::Path) {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let status = std::process::Command::new(rustc)
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "cdylib",
            "-O",
            "--crate-name",
        ])
        .arg(
            out.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("plugin")
                .trim_start_matches("lib"),
        )
        .arg(src)
        .arg("-o")
        .arg(out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run rustc: {e}"));
    assert!(status.success(), "rustc failed on {}", src.display());
}

//! The scheduler test kit: every executor must pass these (call them from its tests).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ndarray::{arr0, ArrayD};
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError, Key, Params, Task, TaskGraph};

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
        Err(KernelError::new("kernel refused on purpose"))
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

/// Test kernel: a 1-d block of `len` copies of `value`.
#[derive(Debug)]
struct Fill(usize, f64);

impl Kernel for Fill {
    fn id(&self) -> &str {
        "test.fill"
    }
    fn params(&self) -> Params {
        Params::Json(format!("{} {}", self.0, self.1))
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        Ok(Block::from_array(ArrayD::from_elem(vec![self.0], self.1)))
    }
}

/// A kernel making a 1-d block of `len` copies of `value`.
pub fn fill_kernel(len: usize, value: f64) -> Arc<dyn Kernel> {
    Arc::new(Fill(len, value))
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
        "test.fill" => {
            let mut it = json.split(' ');
            let len = it.next().unwrap_or("").parse().map_err(|e| bad(&e))?;
            let value = it.next().unwrap_or("").parse().map_err(|e| bad(&e))?;
            Arc::new(Fill(len, value))
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
            (Error::TaskFailed { key: k, message }, false) => {
                assert_eq!(k, &key);
                assert!(message.contains("refused on purpose"));
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

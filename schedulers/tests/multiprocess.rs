//! The multiprocess scheduler: the kit, and faults (kill -9, abort, closures,
//! parent death) without hangs or orphan processes.
//!
//! Workers re-execute this test binary as `<binary> __tessera_worker --exact`:
//! the test of that name below turns the process into a worker.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tessera_graph::{ClosureKernel, Key, Task, TaskGraph};
use tessera_schedulers::multiprocess::serve_if_worker;
use tessera_schedulers::{
    budget_kit, scheduler_kit, testing, Error, Multiprocess, RunOptions, Scheduler,
};

/// Serves tasks when this binary runs as a worker; passes at once otherwise.
#[test]
fn __tessera_worker() {
    serve_if_worker(testing::rebuild);
    if std::env::var_os("TESSERA_TEST_PARENT").is_some() {
        parent_that_gets_killed();
    }
}

// Every case of the kit ends with a good run: the pool is up, and goes with the scheduler.
scheduler_kit!(
    processes_1,
    Multiprocess::new(1),
    after = |mp| pool_ends(mp, Some(1))
);
scheduler_kit!(
    processes_2,
    Multiprocess::new(2),
    after = |mp| pool_ends(mp, Some(2))
);
// The limit is for the whole run: results held in any worker count. (A case
// may end with a refused or failed run, which leaves no pool.)
budget_kit!(
    processes_1_budget,
    Multiprocess::new(1),
    after = |mp| pool_ends(mp, None)
);
budget_kit!(
    processes_2_budget,
    Multiprocess::new(2),
    after = |mp| pool_ends(mp, None)
);

/// `mp` has `workers` running (when given), and none outlives it.
fn pool_ends(mp: Multiprocess, workers: Option<usize>) {
    let pids = mp.worker_pids();
    if let Some(n) = workers {
        assert_eq!(pids.len(), n);
    }
    drop(mp);
    assert_gone(&pids);
}

/// Wait up to 5 s for every pid to be gone.
fn assert_gone(pids: &[u32]) {
    let t0 = Instant::now();
    while pids.iter().any(|&p| testing::process_alive(p)) {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "worker processes {:?} are still alive",
            pids.iter()
                .filter(|&&p| testing::process_alive(p))
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sleepy_graph(n: usize, ms: u64) -> TaskGraph {
    let mut tasks: Vec<Task> = (0..n)
        .map(|i| Task {
            key: Key::new("sleep", vec![i]),
            kernel: testing::sleep_kernel(ms),
            deps: vec![],
        })
        .collect();
    let deps: Vec<Key> = tasks.iter().map(|t| t.key.clone()).collect();
    let mut g = testing::tree_sum_graph(2);
    let mut add = g.tasks.pop().unwrap_or_else(|| panic!("tree has a root"));
    add.deps = deps;
    let out = add.key.clone();
    tasks.push(add);
    TaskGraph::from_tasks(tasks, &[out]).unwrap()
}

#[test]
fn a_worker_killed_mid_task_is_an_error_naming_the_task() {
    let mp = Multiprocess::new(2);
    mp.start().unwrap();
    let pids = mp.worker_pids();
    let g = sleepy_graph(4, 3000);
    let t0 = Instant::now();
    let err = std::thread::scope(|s| {
        let run = s.spawn(|| mp.run(&g, &RunOptions::default()));
        std::thread::sleep(Duration::from_millis(300));
        // SAFETY: kill(2) on a pid this test's pool started.
        assert_eq!(unsafe { libc::kill(pids[0] as i32, libc::SIGKILL) }, 0);
        run.join().unwrap()
    })
    .expect_err("a killed worker must fail the run");
    assert!(
        t0.elapsed() < Duration::from_secs(3),
        "took {:?}",
        t0.elapsed()
    );
    match &err {
        Error::WorkerDied { key, pid, reason } => {
            assert_eq!(&*key.layer, "sleep");
            assert_eq!(*pid, pids[0]);
            assert!(reason.contains("signal 9"), "{reason}");
        }
        e => panic!("unexpected error {e:?}"),
    }
    assert!(err.to_string().contains("('sleep', "), "{err}");
    assert_gone(&pids);
    // Usable again, with new workers.
    testing::computes_tree_sums(&mp);
    let new = mp.worker_pids();
    drop(mp);
    assert_gone(&new);
}

#[test]
fn a_kernel_that_aborts_the_process_is_an_error_naming_the_task() {
    let mp = Multiprocess::new(2);
    let mut g = testing::tree_sum_graph(16);
    let victim = 5;
    g.tasks[victim].kernel = testing::abort_kernel();
    let key = g.tasks[victim].key.clone();
    let t0 = Instant::now();
    let err = mp
        .run(&g, &RunOptions::default())
        .expect_err("an abort must fail the run");
    assert!(
        t0.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t0.elapsed()
    );
    match &err {
        Error::WorkerDied { key: k, reason, .. } => {
            assert_eq!(k, &key);
            assert!(reason.contains("SIGABRT"), "{reason}");
        }
        e => panic!("unexpected error {e:?}"),
    }
    testing::computes_tree_sums(&mp);
}

#[test]
fn a_closure_kernel_is_refused_before_any_work_naming_the_op() {
    let mp = Multiprocess::new(2);
    let mut g = testing::tree_sum_graph(8);
    g.tasks[3].kernel = Arc::new(ClosureKernel::new(
        "my_closure_op",
        Arc::new(|b| Ok(b[0].clone())),
    ));
    let err = mp
        .run(&g, &RunOptions::default())
        .expect_err("closures cannot travel");
    let msg = err.to_string();
    assert!(
        msg.contains("my_closure_op") && msg.contains("cannot travel"),
        "{msg}"
    );
    assert!(
        mp.worker_pids().is_empty(),
        "no worker is started for a refused graph"
    );
}

#[test]
fn large_blocks_travel_between_workers_and_back() {
    // 8 blocks of 20 000 f64 (160 kB, above the shared-memory threshold),
    // summed in pairs: pairs made on different workers move one block.
    let len = 20_000;
    let mut tasks: Vec<Task> = (0..8)
        .map(|i| Task {
            key: Key::new("fill", vec![i]),
            kernel: testing::fill_kernel(len, i as f64),
            deps: vec![],
        })
        .collect();
    let pairs: Vec<Task> = (0..4)
        .map(|i| Task {
            key: Key::new("pair", vec![i]),
            kernel: testing::add_kernel(),
            deps: vec![tasks[2 * i].key.clone(), tasks[2 * i + 1].key.clone()],
        })
        .collect();
    let total = Task {
        key: Key::new("total", vec![0]),
        kernel: testing::add_kernel(),
        deps: pairs.iter().map(|t| t.key.clone()).collect(),
    };
    let outputs = [total.key.clone(), tasks[7].key.clone()];
    tasks.extend(pairs);
    tasks.push(total);
    let g = TaskGraph::from_tasks(tasks, &outputs).unwrap();
    let mp = Multiprocess::new(2);
    let before = shm_files();
    for _ in 0..3 {
        let out = mp.run(&g, &RunOptions::default()).unwrap();
        assert_eq!(out[0].as_array::<f64>().unwrap().sum(), 28.0 * len as f64);
        let big = out[1].as_array::<f64>().unwrap();
        assert_eq!(big.shape(), &[len]);
        assert!(big.iter().all(|&v| v == 7.0));
    }
    assert!(shm_files() <= before, "shared-memory files are cleaned up");
}

fn shm_files() -> usize {
    std::fs::read_dir("/dev/shm")
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("tessera-"))
                .count()
        })
        .unwrap_or(0)
}

/// Run in a child process: start a pool, print its pids, wait to be killed.
fn parent_that_gets_killed() {
    let mp = Multiprocess::new(2);
    mp.start().unwrap();
    let pids: Vec<String> = mp.worker_pids().iter().map(|p| p.to_string()).collect();
    println!("PIDS {}", pids.join(" "));
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn workers_die_with_their_parent() {
    use std::io::BufRead;
    let exe = std::env::current_exe().unwrap();
    let mut parent = std::process::Command::new(exe)
        .args(["__tessera_worker", "--exact", "--nocapture", "--quiet"])
        .env("TESSERA_TEST_PARENT", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = parent.stdout.take().unwrap();
    let line = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("PIDS "))
        .unwrap_or_else(|| panic!("the parent printed no pids"));
    let pids: Vec<u32> = line[5..]
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(pids.len(), 2);
    assert!(pids.iter().all(|&p| testing::process_alive(p)));
    parent.kill().unwrap();
    parent.wait().unwrap();
    assert_gone(&pids);
}

/// Records which worker ran each task.
#[derive(Default)]
struct Placement(std::sync::Mutex<std::collections::HashMap<Key, usize>>);

impl tessera_schedulers::Callbacks for Placement {
    fn on_task_start(&self, key: &Key, worker: usize) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(key.clone(), worker);
        }
    }
}

#[test]
fn tasks_run_where_their_input_bytes_are() {
    // 12 big blocks (160 kB each), each summed by its own task: every sum
    // runs in the worker that made its block, so no block leaves a worker.
    let n = 12;
    let mut tasks = Vec::new();
    let mut sums = Vec::new();
    for i in 0..n {
        let fill = Task {
            key: Key::new("fill", vec![i]),
            kernel: testing::fill_kernel(20_000, 1.0),
            deps: vec![],
        };
        let sum = Task {
            key: Key::new("sum", vec![i]),
            kernel: testing::add_kernel(),
            deps: vec![fill.key.clone()],
        };
        sums.push(sum.key.clone());
        tasks.push(fill);
        tasks.push(sum);
    }
    let g = TaskGraph::from_tasks(tasks, &sums).unwrap();
    let mp = Multiprocess::new(2);
    let placement = Placement::default();
    let out = mp
        .run(&g, &RunOptions::default().with_callbacks(&[&placement]))
        .unwrap();
    assert!(out
        .iter()
        .all(|b| b.as_array::<f64>().unwrap().sum() == 20_000.0));
    let m = placement.0.lock().unwrap();
    for i in 0..n {
        assert_eq!(
            m[&Key::new("sum", vec![i])],
            m[&Key::new("fill", vec![i])],
            "sum {i} ran away from its block"
        );
    }
    // Both workers were used.
    assert!(m.values().any(|&w| w == 0) && m.values().any(|&w| w == 1));
}

#[test]
fn a_worker_killed_between_runs_is_replaced() {
    let mp = Multiprocess::new(2);
    testing::computes_tree_sums(&mp);
    let pids = mp.worker_pids();
    // SAFETY: kill(2) on a pid this test's pool started.
    assert_eq!(unsafe { libc::kill(pids[1] as i32, libc::SIGKILL) }, 0);
    assert_gone(&pids[1..]);
    // Give its reader thread a moment to report the closed pipe.
    std::thread::sleep(Duration::from_millis(100));
    testing::computes_tree_sums(&mp);
    let new = mp.worker_pids();
    assert!(!new.contains(&pids[1]), "the dead worker was replaced");
    drop(mp);
    assert_gone(&new);
    assert_gone(&pids);
}

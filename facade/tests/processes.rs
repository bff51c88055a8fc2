//! The multiprocess scheduler through the facade: user kernels registered in
//! `worker_test!` travel, faults in them are errors naming the task, closures
//! are refused up front, the configuration names it, and no worker outlives
//! the program that started it.

use std::io::BufRead;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera::config::{Config, SchedulerKind};
use tessera::{Chunks, Compute, Multiprocess, Scheduler};
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError, Params};

tessera::worker_test!({
    tessera_ops::registry::register_kernel::<Scale>("test.scale");
    tessera_ops::registry::register_kernel::<Explode>("test.explode");
});

/// A user kernel: multiplies a block by `factor`.
#[derive(Debug, Serialize, Deserialize)]
struct Scale {
    factor: f64,
}

impl Kernel for Scale {
    fn id(&self) -> &str {
        "test.scale"
    }
    fn params(&self) -> Params {
        Params::Json(serde_json::to_string(self).unwrap_or_default())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let a = inputs[0].as_array::<f64>()?;
        Ok(Block::from_array(a.mapv(|v| v * self.factor)))
    }
}

/// A user kernel that panics or aborts on the block whose first value is `at`.
#[derive(Debug, Serialize, Deserialize)]
struct Explode {
    abort: bool,
    at: f64,
}

impl Kernel for Explode {
    fn id(&self) -> &str {
        "test.explode"
    }
    fn params(&self) -> Params {
        Params::Json(serde_json::to_string(self).unwrap_or_default())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let a = inputs[0].as_array::<f64>()?;
        if a.iter().next() == Some(&self.at) {
            if self.abort {
                std::process::abort();
            }
            panic!("user kernel exploded at {}", self.at);
        }
        Ok(inputs[0].clone())
    }
}

fn iota(n: usize) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(&[n]), |i| i[0] as f64)
}

fn pool() -> Arc<dyn Scheduler> {
    tessera::config::process_pool(2)
}

#[test]
fn registered_user_kernels_travel_to_workers() {
    let d = iota(20);
    let x = tessera::from_array(d.clone(), Chunks::regular(&[20], &[3]).unwrap());
    let y = x.map_blocks_kernel::<f64>(Arc::new(Scale { factor: 2.5 }), None);
    let total = (&y + 1.0).sum();
    assert_eq!(
        y.compute_with(&Compute::new().scheduler(pool().as_ref()))
            .unwrap(),
        d.mapv(|v| v * 2.5)
    );
    let got = total
        .compute_with(&Compute::new().scheduler(pool().as_ref()))
        .unwrap();
    assert_eq!(got.iter().next().copied(), Some(d.sum() * 2.5 + 20.0));
}

#[test]
fn a_panicking_or_aborting_user_kernel_is_an_error_naming_its_task() {
    let d = iota(12);
    let x = tessera::from_array(d.clone(), Chunks::regular(&[12], &[4]).unwrap());
    let mp = Multiprocess::new(2);
    for abort in [false, true] {
        // The block starting at 4 is block 1.
        let y = x.map_blocks_kernel::<f64>(Arc::new(Explode { abort, at: 4.0 }), None);
        let t0 = Instant::now();
        let err = y.compute_with(&Compute::new().scheduler(&mp)).unwrap_err();
        assert!(t0.elapsed() < Duration::from_secs(5));
        let msg = err.to_string();
        assert!(
            msg.contains("('map_blocks-") && msg.contains(", 1)"),
            "{msg}"
        );
        if abort {
            assert!(msg.contains("died") && msg.contains("SIGABRT"), "{msg}");
        } else {
            assert!(msg.contains("panicked: user kernel exploded at 4"), "{msg}");
        }
        // Usable again afterwards.
        assert_eq!(x.compute_with(&Compute::new().scheduler(&mp)).unwrap(), d);
    }
}

#[test]
fn a_closure_is_refused_before_any_work_naming_the_op() {
    let x = tessera::ones::<f64>(10, 5);
    let y = x.map_blocks(|b| b.to_owned());
    let mp = Multiprocess::new(2);
    let msg = y
        .compute_with(&Compute::new().scheduler(&mp))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("\"map_blocks\"") && msg.contains("cannot travel"),
        "{msg}"
    );
    assert!(mp.worker_pids().is_empty());
}

#[test]
fn tessera_scheduler_names_processes_and_plugins() {
    // The only test of this binary touching the environment.
    std::env::set_var("TESSERA_SCHEDULER", "processes");
    assert_eq!(
        Config::from_env().unwrap().scheduler,
        SchedulerKind::Processes
    );
    std::env::set_var("TESSERA_SCHEDULER", "plugin:/no/such/libfifo.so");
    let c = Config::from_env().unwrap();
    assert_eq!(
        c.scheduler,
        SchedulerKind::Plugin("/no/such/libfifo.so".into())
    );
    let e = c.scheduler().map(|_| ()).unwrap_err().to_string();
    assert!(
        e.contains("no plugin library at /no/such/libfifo.so"),
        "{e}"
    );
    for bad in ["plugin:", "fork"] {
        std::env::set_var("TESSERA_SCHEDULER", bad);
        let e = Config::from_env().unwrap_err().to_string();
        assert!(
            e.contains("\"processes\"") && e.contains("plugin:/path/to/lib.so"),
            "{e}"
        );
    }
    std::env::remove_var("TESSERA_SCHEDULER");
}

/// In a child process: compute on the shared pool, print its pids, and exit
/// without shutting the pool down (as a program or test binary does).
#[test]
fn child_computes_and_exits() {
    if std::env::var_os("TESSERA_TEST_CHILD").is_none() {
        return;
    }
    let x = tessera::ones::<f64>(100, 10);
    assert_eq!(
        x.sum()
            .compute_with(&Compute::new().scheduler(pool().as_ref()))
            .unwrap()
            .sum(),
        100.0
    );
    println!("PIDS {}", std::process::id());
    // Time for the parent to see the workers alive.
    std::thread::sleep(Duration::from_millis(500));
}

/// Processes whose `TESSERA_WORKER` names `parent` (workers it started).
fn workers_of(parent: u32) -> Vec<u32> {
    let needle = format!("TESSERA_WORKER={parent}");
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
                .filter(|&pid| {
                    std::fs::read(format!("/proc/{pid}/environ"))
                        .is_ok_and(|env| env.split(|&b| b == 0).any(|kv| kv == needle.as_bytes()))
                        && tessera_schedulers::testing::process_alive(pid)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn no_worker_outlives_the_program_that_started_it() {
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new(exe)
        .args(["child_computes_and_exits", "--exact", "--nocapture"])
        .env("TESSERA_TEST_CHILD", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut parent_pid = None;
    for line in std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
    {
        if let Some(p) = line.strip_prefix("PIDS ") {
            parent_pid = p.trim().parse::<u32>().ok();
            // Its workers exist while it runs.
            assert_eq!(workers_of(parent_pid.unwrap_or(0)).len(), 2);
        }
    }
    assert!(child.wait().unwrap().success());
    let parent = parent_pid.unwrap_or_else(|| panic!("the child printed no pid"));
    let t0 = Instant::now();
    while !workers_of(parent).is_empty() {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "orphan workers: {:?}",
            workers_of(parent)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // And this test binary's own workers are its children only.
    let me = std::process::id();
    for pid in workers_of(me) {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit(')')
            .next()
            .and_then(|r| r.split_whitespace().nth(1));
        assert_eq!(ppid, Some(me.to_string().as_str()));
    }
}

#[test]
fn zarr_reads_and_writes_travel_to_workers_by_locator() {
    use tessera::storage::{Store, ZarrStore};
    let dir = tempfile::tempdir().unwrap();
    let x = tessera::random::random(vec![30, 20], vec![7, 6], 5);
    let want = x
        .compute_with(&Compute::new().scheduler(&tessera::Synchronous))
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(ZarrStore::create(dir.path()).unwrap());
    let mp = pool();
    // The writes run in the workers, which reopen the store from its path.
    let written = x
        .to_store_with(store.clone(), "g/x", &Compute::new().scheduler(mp.as_ref()))
        .unwrap();
    assert_eq!(written, 20);
    let back: tessera::Array<f64> = tessera::from_zarr(dir.path(), "g/x").unwrap();
    assert_eq!(
        back.compute_with(&Compute::new().scheduler(mp.as_ref()))
            .unwrap(),
        want
    );
    // A slice of the read (pushed into the reads) and a reduction over it.
    let s = back.slice(&[tessera::IndexItem::slice(Some(3), Some(25), None)]);
    let total = s
        .sum()
        .compute_with(&Compute::new().scheduler(mp.as_ref()))
        .unwrap();
    let expected: f64 = want.slice(ndarray::s![3..25, ..]).sum();
    let got = total.iter().next().copied().unwrap_or(f64::NAN);
    assert!(
        (got - expected).abs() < 1e-9 * expected.abs().max(1.0),
        "{got} vs {expected}"
    );
}

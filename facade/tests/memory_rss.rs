//! Peak RSS under a memory budget, measured in child processes (this test
//! binary run again with `TESSERA_RSS_STEP` set, so each step's `VmHWM` is
//! its own): the anomaly pattern `(a - a.mean(axis=0)).std(axis=0)` and a
//! full rows-to-columns rechunk of a Zarr array stay under half its size
//! with a budget of a quarter of it, and give what an unlimited run gives —
//! on threads, and on 2 worker processes (what the parent and its workers
//! hold at once, sampled every millisecond).
//!
//! The array is 2 GiB (512 MiB budget, 1 GiB bound): the size the budget
//! promises, measured in an optimised build (`cargo xtask test` runs this
//! file with `--release` after the workspace tests). Unoptimised builds skip
//! it: at their speed a smaller array would be needed, where the fixed cost
//! of the processes (code, runtime, allocator caches) no longer scales and
//! the bound stops meaning anything. `TESSERA_RSS_MIB` sets another size.
//! The 4 GiB case is measured by `cargo xtask bench zarr_anomaly_std zarr_rechunk`.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use tessera::{Array, Compute, MemoryBudget, Reduce, ReduceOp, Scheduler, Threaded};

tessera::worker_test!();

const COLS: usize = 32768;
const COL_CHUNK: usize = 1024;

/// Bytes of the array (a multiple of 32 rows of `COLS` float64).
fn data_bytes() -> u64 {
    let mib = std::env::var("TESSERA_RSS_MIB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(2048);
    mib.max(64) << 20
}

/// Rows of the array.
fn rows() -> usize {
    (data_bytes() / (COLS as u64 * 8)) as usize
}

/// 32 row chunks.
fn row_chunk() -> usize {
    rows() / 32
}

/// The budget: a quarter of the data.
fn budget_bytes() -> u64 {
    data_bytes() / 4
}

/// A byte figure of a process's status (`VmHWM`, `VmRSS`; `pid` a number or `"self"`).
fn status_bytes(pid: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

/// Peak resident set size of a process in bytes (Linux `VmHWM`).
fn peak_rss_of(pid: &str) -> u64 {
    status_bytes(pid, "VmHWM:")
}

/// The child processes of this process (of all its threads): the workers of
/// its process pool, the only processes a step starts.
fn children() -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|c| c.split_whitespace().map(String::from).collect::<Vec<_>>())
        .collect()
}

/// Sum of the peak RSS of this process and its live worker processes, read
/// before they exit: an upper bound of their joint peak (they need not peak
/// at the same moment).
fn summed_peaks() -> u64 {
    peak_rss_of("self") + children().iter().map(|p| peak_rss_of(p)).sum::<u64>()
}

/// Current resident set size of a process in bytes (Linux `VmRSS`).
fn rss_of(pid: &str) -> u64 {
    status_bytes(pid, "VmRSS:")
}

/// Samples what this process and its workers hold at once, every
/// millisecond, while a step runs: the joint peak of a pool (a chunk
/// operation lasts far longer than a millisecond, so a peak is not missed
/// by more than what one millisecond allocates).
struct JointPeak {
    stop: Arc<std::sync::atomic::AtomicBool>,
    /// The joint peak, and the most worker processes seen at once.
    sampler: std::thread::JoinHandle<(u64, usize)>,
}

impl JointPeak {
    fn start() -> Self {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let sampler = std::thread::spawn(move || {
            let (mut peak, mut workers) = (0, 0);
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                let pool = children();
                let now = rss_of("self") + pool.iter().map(|p| rss_of(p)).sum::<u64>();
                peak = peak.max(now);
                workers = workers.max(pool.len());
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            (peak, workers)
        });
        JointPeak { stop, sampler }
    }

    /// The sampled joint peak (at least this process's own exact peak), and
    /// the most worker processes seen at once: a pool that never started
    /// would measure only the parent and pass for the wrong reason.
    fn finish(self) -> (u64, usize) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (sampled, workers) = self.sampler.join().unwrap_or((0, 0));
        (sampled.max(peak_rss_of("self")), workers)
    }
}

fn axis0() -> Reduce {
    Reduce {
        axes: Some(vec![0]),
        keepdims: false,
        split_every: None,
        ddof: 0,
    }
}

fn anomaly(a: &Array<f64>) -> Array<f64> {
    let centred = a - &a.mean_with(0);
    centred.reduction(ReduceOp::Std { ddof: 0 }, axis0())
}

fn budget(limit: Option<u64>, spill: &Path) -> MemoryBudget {
    limit
        .map_or_else(MemoryBudget::unlimited, MemoryBudget::new)
        .with_spill_dir(spill)
}

/// Set the process-wide budget (rechunk plans and stores read it) and scheduler.
fn configure(limit: Option<u64>, spill: &Path, processes: bool) {
    let mut c = tessera::config::get().unwrap();
    c.memory_limit = limit;
    c.spill_dir = Some(spill.to_path_buf());
    c.num_workers = 2;
    c.scheduler = if processes {
        tessera::config::SchedulerKind::Processes
    } else {
        tessera::config::SchedulerKind::Threads
    };
    tessera::config::set(c);
}

/// One step, in this (child) process; prints `result <x>` and `rss <bytes>`.
fn step(name: &str, dir: &Path) {
    let spill = dir.join("spill");
    std::fs::create_dir_all(&spill).unwrap();
    let data = dir.join("a.zarr");
    let limit = if name.ends_with("unlimited") {
        None
    } else {
        Some(budget_bytes())
    };
    // `<step>-processes`: the same on 2 worker processes.
    let processes = name.ends_with("-processes");
    let scheduler: Arc<dyn Scheduler> = if processes {
        tessera::config::process_pool(2)
    } else {
        Arc::new(Threaded::new(2))
    };
    configure(limit, &spill, processes);
    // One copy on disk at a time: the disk may not hold two.
    let columns = dir.join("columns.zarr");
    let _ = std::fs::remove_dir_all(&columns);
    let joint = processes.then(JointPeak::start);
    let result: f64 = match name.trim_end_matches("-processes") {
        "write" => {
            let a = tessera::random::random([rows(), COLS], [row_chunk(), COLS], 7);
            a.to_zarr(&data, "").unwrap() as f64
        }
        "anomaly" | "anomaly-unlimited" => {
            let a = tessera::from_zarr::<f64>(&data, "").unwrap();
            let y = anomaly(&a);
            y.compute_with(
                &Compute::new()
                    .scheduler(scheduler.as_ref())
                    .budget(budget(limit, &spill)),
            )
            .unwrap()
            .sum()
        }
        "rechunk" => {
            let a = tessera::from_zarr::<f64>(&data, "").unwrap();
            let cols = a.rechunk([rows(), COL_CHUNK]);
            cols.to_zarr(&columns, "").unwrap();
            // What was written, checked against the rows it came from (their mean).
            let back = tessera::from_zarr::<f64>(&columns, "").unwrap();
            assert_eq!(back.chunksize(), vec![rows(), COL_CHUNK]);
            let mean = back
                .mean()
                .compute_with(
                    &Compute::new()
                        .scheduler(scheduler.as_ref())
                        .budget(budget(limit, &spill)),
                )
                .unwrap()
                .sum();
            std::fs::remove_dir_all(&columns).unwrap();
            mean
        }
        "rows-mean" => tessera::from_zarr::<f64>(&data, "")
            .unwrap()
            .mean()
            .compute_with(
                &Compute::new()
                    .scheduler(&Threaded::new(2))
                    .budget(budget(limit, &spill)),
            )
            .unwrap()
            .sum(),
        other => panic!("unknown step {other}"),
    };
    println!("\nresult= {result:.17e}");
    // Processes: what the pool held at once (sampled); the sum of each
    // process's own peak, an upper bound, is shown beside it.
    let rss = match joint {
        Some(j) => {
            let summed = summed_peaks();
            let (at_once, workers) = j.finish();
            println!("summed= {summed}");
            println!("workers= {workers}");
            at_once
        }
        None => peak_rss_of("self"),
    };
    println!("rss= {rss}");
}

/// Run `name` in a child process; its result and peak RSS.
fn run_child(name: &str, dir: &Path) -> (f64, u64) {
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", "child_step", "--nocapture", "--test-threads=1"])
        .env("TESSERA_RSS_STEP", name)
        .env("TESSERA_RSS_DIR", dir);
    let out = child.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "step {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.find(key).map(|at| &l[at + key.len()..]))
            .unwrap_or_else(|| panic!("step {name}: no {key:?} in\n{stdout}"))
            .trim()
            .to_string()
    };
    if name.ends_with("-processes") {
        // The peak counts the pool's workers only if they were there to count.
        let workers: usize = field("workers= ").parse().unwrap();
        assert_eq!(
            workers, 2,
            "step {name} measured {workers} worker processes, not 2"
        );
    }
    (
        field("result= ").parse().unwrap(),
        field("rss= ").parse().unwrap(),
    )
}

/// The child side: does nothing unless a parent asked for a step.
#[test]
fn child_step() {
    if let (Ok(name), Ok(dir)) = (
        std::env::var("TESSERA_RSS_STEP"),
        std::env::var("TESSERA_RSS_DIR"),
    ) {
        step(&name, Path::new(&dir));
    }
}

fn mib(b: u64) -> u64 {
    b >> 20
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "measured optimised, at 2 GiB: `cargo xtask test` runs it with --release"
)]
fn larger_than_memory_runs_stay_under_half_the_data() {
    let bound = data_bytes() / 2;
    let dir = tempfile::tempdir().unwrap();
    let (chunks, write_rss) = run_child("write", dir.path());
    assert_eq!(chunks, 32.0);
    let (bounded, rss) = run_child("anomaly", dir.path());
    let (free, free_rss) = run_child("anomaly-unlimited", dir.path());
    eprintln!(
        "anomaly over {} MiB: {} MiB peak within {} MiB, {} MiB unlimited; writing: {} MiB",
        mib(data_bytes()),
        mib(rss),
        mib(budget_bytes()),
        mib(free_rss),
        mib(write_rss)
    );
    assert!(rss < bound, "anomaly peak {} MiB", mib(rss));
    assert!(free_rss > rss, "the unlimited run should hold more");
    // The same tasks in another order: sums agree to rounding.
    assert!(
        (bounded - free).abs() <= 1e-9 * free.abs(),
        "{bounded} vs {free}"
    );
    let expected = COLS as f64 * (1.0f64 / 12.0).sqrt();
    assert!((bounded - expected).abs() < 1e-3 * expected, "{bounded}");
    let (on_processes, rss) = run_child("anomaly-processes", dir.path());
    eprintln!(
        "anomaly on 2 processes: {} MiB peak (parent and workers) within {} MiB",
        mib(rss),
        mib(budget_bytes())
    );
    assert!(rss < bound, "anomaly peak on processes {} MiB", mib(rss));
    assert!(
        (on_processes - free).abs() <= 1e-9 * free.abs(),
        "{on_processes} vs {free}"
    );

    let (rows_mean, _) = run_child("rows-mean", dir.path());
    let (cols_mean, rss) = run_child("rechunk", dir.path());
    eprintln!("rechunk rows to columns: {} MiB peak", mib(rss));
    assert!(rss < bound, "rechunk peak {} MiB", mib(rss));
    assert!(
        (rows_mean - cols_mean).abs() <= 1e-12,
        "{rows_mean} vs {cols_mean}"
    );
    let (cols_mean, rss) = run_child("rechunk-processes", dir.path());
    eprintln!(
        "rechunk rows to columns on 2 processes: {} MiB peak (parent and workers)",
        mib(rss)
    );
    assert!(rss < bound, "rechunk peak on processes {} MiB", mib(rss));
    assert!(
        (rows_mean - cols_mean).abs() <= 1e-12,
        "{rows_mean} vs {cols_mean}"
    );
    assert!(write_rss < bound, "writing peak {} MiB", mib(write_rss));
    let spill = dir.path().join("spill");
    let left: Vec<_> = std::fs::read_dir(&spill).unwrap().collect();
    assert!(left.is_empty(), "spill directory not empty: {left:?}");
}

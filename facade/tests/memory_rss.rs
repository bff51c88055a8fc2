//! Peak RSS under a memory budget, measured in child processes (this test
//! binary run again with `TESSERA_RSS_STEP` set, so each step's `VmHWM` is
//! its own): the anomaly pattern `(a - a.mean(axis=0)).std(axis=0)` and a
//! full rows-to-columns rechunk of a Zarr array stay under half its size
//! with a budget of a quarter of it, and give what an unlimited run gives.
//!
//! The array is 2 GiB (512 MiB budget, 1 GiB bound) in optimised builds and
//! with `TESSERA_RSS_MIB=2048`; unoptimised test builds default to 512 MiB
//! (128 MiB budget, 256 MiB bound) to finish in about a minute. The 4 GiB
//! case is measured by `cargo xtask bench zarr_anomaly_std zarr_rechunk`.

use std::path::Path;
use std::process::Command;

use tessera::{Array, MemoryBudget, ReduceOp, ReduceOptions, Threaded};

const COLS: usize = 32768;
const COL_CHUNK: usize = 1024;

/// Bytes of the array (a multiple of 32 rows of `COLS` float64).
fn data_bytes() -> u64 {
    let default = if cfg!(debug_assertions) { 512 } else { 2048 };
    let mib = std::env::var("TESSERA_RSS_MIB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(default);
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

/// Peak resident set size of this process in bytes (Linux `VmHWM`).
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

fn axis0() -> ReduceOptions {
    ReduceOptions {
        axes: Some(vec![0]),
        keepdims: false,
        split_every: None,
    }
}

fn anomaly(a: &Array<f64>) -> Array<f64> {
    let centred = (a - &a.mean_axis(0).unwrap()).unwrap();
    centred
        .reduction(ReduceOp::Std { ddof: 0 }, &axis0())
        .unwrap()
}

fn budget(limit: Option<u64>, spill: &Path) -> MemoryBudget {
    limit
        .map_or_else(MemoryBudget::unlimited, MemoryBudget::new)
        .with_spill_dir(spill)
}

/// Set the process-wide budget (rechunk plans and stores read it).
fn configure(limit: Option<u64>, spill: &Path) {
    let mut c = tessera::config::get().unwrap();
    c.memory_limit = limit;
    c.spill_dir = Some(spill.to_path_buf());
    c.num_workers = 2;
    c.scheduler = tessera::config::SchedulerKind::Threads;
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
    configure(limit, &spill);
    let result: f64 = match name {
        "write" => {
            let a = tessera::random::random([rows(), COLS], [row_chunk(), COLS], 7).unwrap();
            a.to_zarr(&data, "").unwrap() as f64
        }
        "anomaly" | "anomaly-unlimited" => {
            let a = tessera::from_zarr::<f64>(&data, "").unwrap();
            let y = anomaly(&a);
            y.compute_within(&Threaded::new(2), &budget(limit, &spill), &[])
                .unwrap()
                .sum()
        }
        "rechunk" => {
            let a = tessera::from_zarr::<f64>(&data, "").unwrap();
            let cols = a.rechunk([rows(), COL_CHUNK]).unwrap();
            cols.to_zarr(dir.join("columns.zarr"), "").unwrap();
            // What was written, checked against the rows it came from (their mean).
            let back = tessera::from_zarr::<f64>(dir.join("columns.zarr"), "").unwrap();
            assert_eq!(back.chunksize(), vec![rows(), COL_CHUNK]);
            back.mean()
                .unwrap()
                .compute_within(&Threaded::new(2), &budget(limit, &spill), &[])
                .unwrap()
                .sum()
        }
        "rows-mean" => tessera::from_zarr::<f64>(&data, "")
            .unwrap()
            .mean()
            .unwrap()
            .compute_within(&Threaded::new(2), &budget(limit, &spill), &[])
            .unwrap()
            .sum(),
        other => panic!("unknown step {other}"),
    };
    println!("\nresult= {result:.17e}");
    println!("rss= {}", peak_rss());
}

/// Run `name` in a child process; its result and peak RSS.
fn run_child(name: &str, dir: &Path) -> (f64, u64) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_step", "--nocapture", "--test-threads=1"])
        .env("TESSERA_RSS_STEP", name)
        .env("TESSERA_RSS_DIR", dir)
        .output()
        .unwrap();
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

    let (rows_mean, _) = run_child("rows-mean", dir.path());
    let (cols_mean, rss) = run_child("rechunk", dir.path());
    eprintln!("rechunk rows to columns: {} MiB peak", mib(rss));
    assert!(rss < bound, "rechunk peak {} MiB", mib(rss));
    assert!(
        (rows_mean - cols_mean).abs() <= 1e-12,
        "{rows_mean} vs {cols_mean}"
    );
    assert!(write_rss < bound, "writing peak {} MiB", mib(write_rss));
    let spill = dir.path().join("spill");
    let left: Vec<_> = std::fs::read_dir(&spill).unwrap().collect();
    assert!(left.is_empty(), "spill directory not empty: {left:?}");
}

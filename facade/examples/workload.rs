//! One benchmark workload of `../shared/bench/dask` (or of the repository's
//! `bench/dask_w7.py` and `bench/dask_paths.py`), run by tessera, printing
//! one JSON line in the Dask script's schema. `cargo xtask bench` runs it as
//! its own process per workload so peak RSS is the workload's own.
//!
//! `cargo run --release --example workload -- WORKLOAD [--quick] [--scheduler sync|threads|processes]
//! [--data-dir DIR] [--memory-limit BYTES]`

use std::time::Instant;

use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use tessera::storage::{ArrayMetadata, ChunkRead, ZarrStore};
use tessera::{
    chunks, random, Array, Block, Boundary, Compute, Element, IndexItem, Scheduler, Synchronous,
    Threaded,
};

/// Peak resident set size of this process in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

struct Run {
    seconds: f64,
    result: f64,
    tasks: usize,
    tasks_executed: usize,
}

/// Build the task graph (not timed, as the Dask script builds its graph first), then time the compute.
fn timed<T: Element + Into<f64>>(
    x: &Array<T>,
    s: &dyn Scheduler,
    finish: impl Fn(ndarray::ArrayD<T>) -> f64,
) -> tessera::Result<Run> {
    let tasks = x.raw_task_graph()?.len();
    let tasks_executed = x.task_graph()?.len();
    let t0 = Instant::now();
    let out = x.compute_with(&Compute::new().scheduler(s))?;
    let seconds = t0.elapsed().as_secs_f64();
    Ok(Run {
        seconds,
        result: finish(out),
        tasks,
        tasks_executed,
    })
}

/// Check what a rechunk wrote, chunk by chunk: every block of `out` is
/// computed once and `samples` positions in it (its first and last element,
/// the others pseudo-random) are compared bit for bit with the same
/// positions read from `source`. Returns the number of positions checked;
/// the first mismatch is an error naming the block and position, so a wrong
/// rechunk fails the run instead of hiding in a global mean.
fn verify_blocks(
    out: &Array<f64>,
    source: &Array<f64>,
    s: &dyn Scheduler,
    samples: usize,
) -> Result<usize, Box<dyn std::error::Error>> {
    if out.shape() != source.shape() {
        return Err(format!(
            "rechunked shape {:?} differs from the source's {:?}",
            out.shape(),
            source.shape()
        )
        .into());
    }
    let on_s = Compute::new().scheduler(s);
    let chunks = out.chunks().clone();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        // splitmix64: a fixed sample, the same every run.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut checked = 0;
    for block in chunks.blocks() {
        let ranges = chunks.block_range(&block)?;
        if ranges.iter().any(|r| r.is_empty()) {
            continue;
        }
        let whole: Vec<IndexItem> = ranges
            .iter()
            .map(|r| IndexItem::slice(Some(r.start as i64), Some(r.end as i64), None))
            .collect();
        let got = out.slice(&whole).compute_with(&on_s)?;
        for k in 0..samples {
            let local: Vec<usize> = ranges
                .iter()
                .map(|r| match k {
                    0 => 0,
                    1 => r.len() - 1,
                    _ => (next() % r.len() as u64) as usize,
                })
                .collect();
            let point: Vec<IndexItem> = ranges
                .iter()
                .zip(&local)
                .map(|(r, &l)| IndexItem::int((r.start + l) as i64))
                .collect();
            let want = source
                .slice(&point)
                .compute_with(&on_s)?
                .iter()
                .copied()
                .next()
                .unwrap_or(f64::NAN);
            let wrote = got[ndarray::IxDyn(&local)];
            if wrote.to_bits() != want.to_bits() {
                let at: Vec<usize> = ranges
                    .iter()
                    .zip(&local)
                    .map(|(r, &l)| r.start + l)
                    .collect();
                return Err(format!(
                    "rechunk wrote {wrote} at {at:?} (block {block:?}), but the source has {want} there"
                )
                .into());
            }
            checked += 1;
        }
    }
    Ok(checked)
}

/// Positions checked per output block by [`verify_blocks`].
const SAMPLES_PER_BLOCK: usize = 4;

/// The Dask script's `mean3x3`: border cells copied, every inner cell the mean
/// of its 3x3 neighbourhood, summed in NumPy's order (row above, own row, row below).
fn mean3x3(b: ndarray::ArrayViewD<'_, f64>) -> ndarray::ArrayD<f64> {
    let b = b.as_standard_layout();
    let mut out = b.to_owned();
    let (Some(src), Some(dst), [rows, cols]) = (b.as_slice(), out.as_slice_mut(), b.shape()) else {
        return out;
    };
    let (rows, cols) = (*rows, *cols);
    if rows < 3 || cols < 3 {
        return out;
    }
    for i in 1..rows - 1 {
        let (up, mid, down) = (
            &src[(i - 1) * cols..i * cols],
            &src[i * cols..(i + 1) * cols],
            &src[(i + 1) * cols..(i + 2) * cols],
        );
        let row = &mut dst[i * cols + 1..(i + 1) * cols - 1];
        for (j, o) in row.iter_mut().enumerate() {
            *o = (up[j]
                + up[j + 1]
                + up[j + 2]
                + mid[j]
                + mid[j + 1]
                + mid[j + 2]
                + down[j]
                + down[j + 1]
                + down[j + 2])
                / 9.0;
        }
    }
    out
}

/// Records what a budgeted run did with its memory (reported in the JSON line).
#[derive(Default)]
struct Usage(std::sync::Mutex<Option<tessera::MemoryUsage>>);

impl tessera::Callbacks for Usage {
    fn on_memory(&self, usage: &tessera::MemoryUsage) {
        if let Ok(mut u) = self.0.lock() {
            *u = Some(*usage);
        }
    }
}

impl Usage {
    fn json(&self) -> Value {
        let u = self.0.lock().ok().and_then(|u| *u).unwrap_or_default();
        json!({"accounted_peak_mib": u.peak >> 20, "spilled_mib": u.spilled_bytes >> 20, "spilled_blocks": u.spilled_blocks, "recomputed": u.recomputed})
    }
}

/// A store that counts what is read from it (calls and bytes), passing
/// every read to the store it wraps: how `several_stats` shows that each
/// stored chunk is read once although four statistics need it.
struct CountingStore<S> {
    inner: S,
    reads: AtomicUsize,
    bytes: AtomicU64,
}

impl<S> CountingStore<S> {
    fn new(inner: S) -> Self {
        CountingStore {
            inner,
            reads: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    fn counted(&self, block: tessera::storage::Result<Block>) -> tessera::storage::Result<Block> {
        if let Ok(b) = &block {
            self.reads.fetch_add(1, Ordering::Relaxed);
            self.bytes.fetch_add(b.nbytes() as u64, Ordering::Relaxed);
        }
        block
    }
}

impl<S: ChunkRead> ChunkRead for CountingStore<S> {
    fn metadata(&self, path: &str) -> tessera::storage::Result<ArrayMetadata> {
        self.inner.metadata(path)
    }
    fn read_chunk(&self, path: &str, index: &[usize]) -> tessera::storage::Result<Block> {
        self.counted(self.inner.read_chunk(path, index))
    }
    fn read_region(
        &self,
        path: &str,
        start: &[usize],
        shape: &[usize],
    ) -> tessera::storage::Result<Block> {
        self.counted(self.inner.read_region(path, start, shape))
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// Counts the tasks a compute runs (the scheduler announces them at the start).
#[derive(Default)]
struct TaskCount(AtomicUsize);

impl tessera::Callbacks for TaskCount {
    fn on_start(&self, total_tasks: usize) {
        self.0.store(total_tasks, Ordering::Relaxed);
    }
}

/// An error unless `got` is within `tol` (relative) of `want`: a wrong
/// result fails the run loudly, naming the workload and what was off.
fn check(workload: &str, what: &str, got: f64, want: f64, tol: f64) -> Result<(), String> {
    if (got - want).abs() <= tol * want.abs().max(1e-300) {
        Ok(())
    } else {
        Err(format!(
            "{workload}: {what} is {got}, expected {want} (relative tolerance {tol:e})"
        ))
    }
}

/// E[sin x cos x + exp(-x²) + log1p(|x|)^1.5] for x ~ U(-2, 2): the odd term
/// averages 0, the even ones are half their integral over [0, 2] (composite
/// Simpson, 200,000 intervals, as `bench/dask_paths.py` computes it).
fn chain_mean() -> f64 {
    let n = 200_000;
    let h = 2.0 / n as f64;
    let f = |x: f64| (-x * x).exp() + x.ln_1p().powf(1.5);
    let mut s = f(0.0) + f(2.0);
    for i in 1..n {
        s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(i as f64 * h);
    }
    0.5 * s * h / 3.0
}

/// The prepared Zarr array of the path workloads (`bench/dask_paths.py prepare`)
/// and what numpy computed from it then.
fn paths_data(
    data_dir: Option<&std::path::Path>,
    quick: bool,
) -> Result<(std::path::PathBuf, Value), Box<dyn std::error::Error>> {
    let dir = data_dir
        .ok_or("several_stats and slice_map_store need --data-dir (bench/dask_paths.py prepare's data)")?
        .join(if quick { "quick" } else { "full" });
    let prepared: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("paths.json"))?)?;
    Ok((dir, prepared))
}

/// `x[::2, EDGE:-EDGE]` in `slice_map_store`.
const EDGE: i64 = 100;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Worker processes of `--scheduler processes` start here and never return.
    tessera::worker::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let scheduler_name = args
        .windows(2)
        .find(|w| w[0] == "--scheduler")
        .map_or("threads", |w| w[1].as_str())
        .to_string();
    let scheduler: Box<dyn Scheduler> = match scheduler_name.as_str() {
        "sync" => Box::new(Synchronous),
        "threads" => Box::new(Threaded::default()),
        "processes" => {
            // One worker per core, as Dask's processes scheduler; the pool is
            // started before the clock (it is kept across computes).
            let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
            let pool = tessera::Multiprocess::new(workers);
            pool.start()?;
            Box::new(pool)
        }
        other => {
            return Err(
                format!("unknown scheduler {other:?}; use sync, threads or processes").into(),
            )
        }
    };
    let data_dir = args
        .windows(2)
        .find(|w| w[0] == "--data-dir")
        .map(|w| std::path::PathBuf::from(&w[1]));
    // The workload is the first argument that is neither a flag nor a flag's value.
    let memory_limit = args
        .windows(2)
        .find(|w| w[0] == "--memory-limit")
        .map(|w| tessera::config::parse_memory_limit(&w[1]))
        .transpose()?;
    let is_value = |i: usize| {
        i > 0 && ["--scheduler", "--data-dir", "--memory-limit"].contains(&args[i - 1].as_str())
    };
    let workload = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && !is_value(*i));
    let Some((_, workload)) = workload else {
        return Err(
            "usage: workload NAME [--quick] [--scheduler sync|threads|processes] [--data-dir DIR]"
                .into(),
        );
    };
    let s = scheduler.as_ref();
    let sum = |a: ndarray::ArrayD<f64>| a.sum();
    let scalar = |a: ndarray::ArrayD<f64>| a.iter().copied().next().unwrap_or(f64::NAN);
    let (params, run, expected, extra): (Value, Run, f64, Value) = match workload.as_str() {
        "normal_mean" => {
            let (n, c) = if quick {
                (10_000, 1_000)
            } else {
                (30_000, 3_000)
            };
            let x = random::normal(10.0, 0.1, [n, n], [c, c], 42);
            let y = x.mean_with(0);
            let run = timed(&y, s, sum)?;
            (
                json!({"N": n, "C": c, "loc": 10.0, "scale": 0.1, "chunks": [c, c]}),
                run,
                10.0 * n as f64,
                json!({}),
            )
        }
        "overhead" => {
            let n = if quick { 5_000 } else { 20_000 };
            let x = tessera::ones::<f64>(n, 1);
            let y = x.sum();
            let run = timed(&y, s, scalar)?;
            let per_task = run.seconds * 1e6 / run.tasks_executed as f64;
            let per_chunk = run.seconds * 1e6 / n as f64;
            (
                json!({"N": n, "chunks": 1}),
                run,
                n as f64,
                json!({"us_per_task": per_task, "us_per_chunk": per_chunk}),
            )
        }
        "transpose_std" => {
            let (n, c) = if quick {
                (8_000, 1_000)
            } else {
                (20_000, 2_000)
            };
            let x = random::random([n, n], [c, c], 42);
            let y = ((&x + &x.t()) * 2.0 - 1.0).std();
            let run = timed(&y, s, scalar)?;
            let nf = n as f64;
            let expected = (((nf * nf - nf) * 8.0 / 12.0 + nf * 16.0 / 12.0) / (nf * nf)).sqrt();
            (json!({"N": n, "C": c}), run, expected, json!({}))
        }
        "rechunk_sum" => {
            let n = if quick { 400 } else { 1_000 };
            let x = random::random([n, n, n], "auto", 42);
            let y = x.rechunk(chunks! {0 => -1, 1 => 100, 2 => auto});
            let z = y.sum();
            let run = timed(&z, s, scalar)?;
            // After the clock: the rechunked values, chunk by chunk, against the source.
            let verified = verify_blocks(&y, &x, s, SAMPLES_PER_BLOCK)?;
            let params = json!({"N": n, "input_chunksize": x.chunksize(), "output_chunksize": y.chunksize(), "output_numblocks": y.chunks().numblocks()});
            (
                params,
                run,
                (n * n * n) as f64 / 2.0,
                json!({"verified_positions": verified}),
            )
        }
        "zarr_mean" | "zarr_mean_small_chunks" => {
            // Data written by the Dask suite's `bench.py prepare` (zarr v3, zstd).
            let dir = data_dir
                .ok_or("zarr workloads need --data-dir (the Dask suite's prepared data)")?
                .join(if quick { "quick" } else { "full" });
            let prepared: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("prepared.json"))?)?;
            let store = if workload == "zarr_mean" {
                "random.zarr"
            } else {
                "random_sc.zarr"
            };
            // Timed as Dask times it: open, build, compute.
            let t0 = Instant::now();
            let a = tessera::from_zarr::<f64>(dir.join(store), "")?;
            let mean = a.mean();
            let result = mean.compute_with(&Compute::new().scheduler(s))?;
            let result = scalar(result);
            let seconds = t0.elapsed().as_secs_f64();
            let run = Run {
                seconds,
                result,
                tasks: mean.raw_task_graph()?.len(),
                tasks_executed: mean.task_graph()?.len(),
            };
            let params = json!({"n": a.shape()[0], "chunk": a.chunksize()[0], "dtype": "float64", "store": store, "numblocks": a.chunks().numblocks()});
            let expected = prepared["mean"].as_f64().unwrap_or(f64::NAN);
            (params, run, expected, json!({}))
        }
        "matmul_sum" => {
            let (n, c) = if quick {
                (4_000, 1_000)
            } else {
                (8_000, 2_000)
            };
            let x = random::random([n, n], [c, c], 42);
            let total = x.matmul(&x.t()).sum();
            let run = timed(&total, s, scalar)?;
            let nf = n as f64;
            // E[sum_k (sum_i x_ik)^2] = N * (N/12 + N^2/4)
            let expected = nf * (nf / 12.0 + nf * nf / 4.0);
            let params = json!({"N": n, "C": c, "chunks": [c, c], "gemm": "matrixmultiply"});
            (params, run, expected, json!({}))
        }
        "map_overlap" => {
            let (n, c) = if quick { (4_000, 500) } else { (10_000, 1_000) };
            let x = random::random([n, n], [c, c], 42);
            let y = x.map_overlap(1, Boundary::Reflect, mean3x3);
            let total = y.sum();
            let run = timed(&total, s, scalar)?;
            let params = json!({"N": n, "C": c, "depth": 1, "boundary": "reflect", "kernel": "3x3 mean (ndarray rows)"});
            (params, run, (n * n) as f64 / 2.0, json!({}))
        }
        "zarr_anomaly_std" | "zarr_rechunk" => {
            // Data written by bench/dask_w7.py prepare; the budget is the point:
            // 512 MiB (full, 4 GiB of data) or 128 MiB (quick, 512 MiB).
            let dir = data_dir
                .ok_or("W7 workloads need --data-dir (bench/dask_w7.py prepare's data)")?
                .join(if quick { "quick" } else { "full" });
            let prepared: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("w7.json"))?)?;
            let limit = memory_limit.unwrap_or(Some(if quick { 128 << 20 } else { 512 << 20 }));
            let mut config = tessera::config::get()?;
            config.memory_limit = limit;
            tessera::config::set(config);
            let budget = tessera::config::get()?.budget();
            let t0 = Instant::now();
            let a = tessera::from_zarr::<f64>(dir.join("w7.zarr"), "")?;
            let mut params = json!({"shape": a.shape(), "chunks": a.chunksize(), "dtype": "float64", "store": "w7.zarr", "memory_limit": limit});
            if workload == "zarr_anomaly_std" {
                // Dask's `(a - a.mean(axis=0)).std(axis=0)`.
                let y = (&a - &a.mean_with(0)).std_with(0);
                let usage = Usage::default();
                let opts = Compute::new()
                    .scheduler(s)
                    .budget(budget.clone())
                    .callback(&usage);
                let result = y.compute_with(&opts)?.sum();
                let seconds = t0.elapsed().as_secs_f64();
                let run = Run {
                    seconds,
                    result,
                    tasks: y.raw_task_graph()?.len(),
                    tasks_executed: y.task_graph()?.len(),
                };
                let cols = prepared["cols"].as_f64().unwrap_or(f64::NAN);
                (params, run, cols * (1.0f64 / 12.0).sqrt(), usage.json())
            } else {
                let out = dir.join("w7_columns_tessera.zarr");
                let _ = std::fs::remove_dir_all(&out);
                let rows = prepared["rows"].as_u64().unwrap_or(0) as usize;
                let cols = prepared["col_chunk"].as_u64().unwrap_or(512) as usize;
                let y = a.rechunk([rows, cols]);
                std::fs::create_dir_all(&out)?;
                let store = std::sync::Arc::new(tessera::storage::ZarrStore::open(&out)?);
                let usage = Usage::default();
                let opts = Compute::new().scheduler(s).callback(&usage);
                y.to_store_with(store, "", &opts)?;
                let seconds = t0.elapsed().as_secs_f64();
                let tasks = y.raw_task_graph()?.len();
                let tasks_executed = y.task_graph()?.len();
                let written = tessera::from_zarr::<f64>(&out, "")?;
                let back = written.mean();
                let opts = Compute::new().scheduler(s).budget(budget.clone());
                let result = back.compute_with(&opts)?.sum();
                // Every written chunk, at sampled positions, against the source store.
                let verified = verify_blocks(&written, &a, s, SAMPLES_PER_BLOCK)?;
                let _ = std::fs::remove_dir_all(&out);
                params["new_chunks"] = json!([rows, cols]);
                let run = Run {
                    seconds,
                    result,
                    tasks,
                    tasks_executed,
                };
                let expected = prepared["mean"].as_f64().unwrap_or(f64::NAN);
                let mut extra = usage.json();
                extra["verified_positions"] = json!(verified);
                (params, run, expected, extra)
            }
        }
        "transcendental_chain" => {
            // x ~ U(-2, 2), persisted before the clock (as the Dask side does).
            let (shape, c) = if quick {
                ([4_096, 4_096], [1_024, 1_024])
            } else {
                ([16_384, 8_192], [2_048, 2_048])
            };
            let on_s = Compute::new().scheduler(s);
            let x = random::uniform(-2.0, 2.0, shape, c, 42).persist_with(&on_s)?;
            let y = (&x.sin() * &x.cos() + (-&x * &x).exp() + x.abs().log1p().pow(1.5)).sum();
            let run = timed(&y, s, scalar)?;
            let n = (shape[0] * shape[1]) as f64;
            let params = json!({"shape": shape, "chunks": c, "dist": "uniform(-2, 2)", "data": "persisted before the clock", "expr": "(sin(x) * cos(x) + exp(-x * x) + log1p(abs(x)) ** 1.5).sum()"});
            (params, run, n * chain_mean(), json!({}))
        }
        "persisted_rechunk" => {
            // Rows (one chunk per index of axis 0), persisted before the
            // clock; timed: the rechunk to columns, persisted.
            let (shape, col) = if quick {
                ([32, 512, 1_024], 64)
            } else {
                ([64, 1_024, 2_048], 64)
            };
            let on_s = Compute::new().scheduler(s);
            let rows = [1, shape[1], shape[2]];
            let cols = [shape[0], shape[1], col];
            let x = random::random(shape, rows, 42).persist_with(&on_s)?;
            let source_sum = scalar(x.sum().compute_with(&on_s)?);
            let y = x.rechunk(cols);
            let tasks = y.raw_task_graph()?.len();
            let tasks_executed = y.task_graph()?.len();
            let t0 = Instant::now();
            let z = y.persist_with(&on_s)?;
            let seconds = t0.elapsed().as_secs_f64();
            // After the clock: the checksum, then sampled positions of every block.
            let result = scalar(z.sum().compute_with(&on_s)?);
            check(
                workload,
                "the sum of the rechunked array",
                result,
                source_sum,
                1e-9,
            )?;
            let verified = verify_blocks(&z, &x, s, SAMPLES_PER_BLOCK)?;
            let params = json!({"shape": shape, "input_chunks": rows, "output_chunks": cols, "input_numblocks": x.chunks().numblocks(), "output_numblocks": z.chunks().numblocks(), "timed": "x.rechunk(...).persist(); x persisted before the clock"});
            let run = Run {
                seconds,
                result,
                tasks,
                tasks_executed,
            };
            let n = shape.iter().product::<usize>() as f64;
            (
                params,
                run,
                n / 2.0,
                json!({"source_sum": source_sum, "verified_positions": verified}),
            )
        }
        "several_stats" => {
            let (dir, prepared) = paths_data(data_dir.as_deref(), quick)?;
            let count = TaskCount::default();
            let opts = Compute::new().scheduler(s).callback(&count);
            // Timed as W2: open, build, compute (Dask's `dask.compute(mean, std, min, max)`).
            let t0 = Instant::now();
            let store = Arc::new(CountingStore::new(ZarrStore::open(dir.join("paths.zarr"))?));
            let x = tessera::from_store::<f64>(store.clone(), "")?;
            let stats = (x.mean(), x.std(), x.min(), x.max());
            let (mean, std, min, max) =
                tessera::compute_with((&stats.0, &stats.1, &stats.2, &stats.3), &opts)?;
            let seconds = t0.elapsed().as_secs_f64();
            let got = [scalar(mean), scalar(std), scalar(min), scalar(max)];
            for (what, g) in ["mean", "std", "min", "max"].iter().zip(got) {
                let want = prepared[what].as_f64().unwrap_or(f64::NAN);
                check(workload, what, g, want, 1e-9)?;
            }
            let array_bytes = (x.shape().iter().product::<usize>() * 8) as f64;
            let reads = store.reads.load(Ordering::Relaxed);
            let read_bytes = store.bytes.load(Ordering::Relaxed) as f64;
            let numblocks = x.chunks().num_blocks();
            // Each of the four arrays' graph apart (the read counted in each).
            let tasks = [&stats.0, &stats.1, &stats.2, &stats.3]
                .iter()
                .map(|a| a.raw_task_graph().map(|g| g.len()))
                .sum::<tessera::Result<usize>>()?;
            let run = Run {
                seconds,
                result: got.iter().sum(),
                tasks,
                tasks_executed: count.0.load(Ordering::Relaxed),
            };
            let params = json!({"shape": x.shape(), "chunks": x.chunksize(), "dtype": "float64", "store": "paths.zarr", "numblocks": x.chunks().numblocks(), "expr": "tessera::compute((&x.mean(), &x.std(), &x.min(), &x.max()))", "tasks": "the four graphs apart"});
            let expected = prepared["stats_sum"].as_f64().unwrap_or(f64::NAN);
            let extra = json!({"stats": got, "chunk_reads": reads, "stored_chunks": numblocks, "reads_per_chunk": read_bytes / array_bytes});
            (params, run, expected, extra)
        }
        "slice_map_store" => {
            let (dir, prepared) = paths_data(data_dir.as_deref(), quick)?;
            let out = dir.join("paths_out_tessera.zarr");
            let _ = std::fs::remove_dir_all(&out);
            let opts = Compute::new().scheduler(s);
            // Timed: open, build, compute and write (to_store makes the
            // slice's irregular chunks regular first, as Dask's to_zarr).
            let t0 = Instant::now();
            let x = tessera::from_zarr::<f64>(dir.join("paths.zarr"), "")?;
            let y = x.slice(&[
                IndexItem::slice(None, None, Some(2)),
                IndexItem::slice(Some(EDGE), Some(-EDGE), None),
            ]);
            let z = y.abs().sqrt() * 2.0 + 1.0;
            std::fs::create_dir_all(&out)?;
            let target = Arc::new(ZarrStore::open(&out)?);
            z.to_store_with(target, "", &opts)?;
            let seconds = t0.elapsed().as_secs_f64();
            let tasks = z.raw_task_graph()?.len();
            let tasks_executed = z.task_graph()?.len();
            let written = tessera::from_zarr::<f64>(&out, "")?;
            let result = scalar(written.mean().compute_with(&opts)?);
            let params = json!({"shape": x.shape(), "chunks": x.chunksize(), "dtype": "float64", "store": "paths.zarr", "expr": format!("(sqrt(abs(x[::2, {EDGE}:-{EDGE}])) * 2 + 1).to_zarr(...)"), "written_shape": written.shape(), "written_chunks": written.chunksize()});
            let _ = std::fs::remove_dir_all(&out);
            let run = Run {
                seconds,
                result,
                tasks,
                tasks_executed,
            };
            let expected = prepared["slice_map_mean"].as_f64().unwrap_or(f64::NAN);
            (params, run, expected, json!({}))
        }
        other => {
            return Err(format!("workload {other:?} is not implemented in tessera yet").into())
        }
    };
    let mut rec = json!({
        "workload": workload,
        "engine": "tessera",
        "params": params,
        "scheduler": scheduler_name,
        "seconds": run.seconds,
        "peak_rss_mib": (peak_rss_mib() * 10.0).round() / 10.0,
        "result": run.result,
        "tasks": run.tasks,
        "tasks_executed": run.tasks_executed,
        "expected": expected,
    });
    if let (Some(obj), Some(more)) = (rec.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    println!("{rec}");
    Ok(())
}

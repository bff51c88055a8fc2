//! `cargo xtask bench`: tessera's workloads against Dask's reference scripts
//! (`../shared/bench/dask`, and the repository's own `bench/dask_w7.py` and
//! `bench/dask_paths.py`), interleaved in one run, one process per run.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Every workload of the Dask reference suite, in its order, then W7, then
/// the paths of issue 20: what runs when no workload is named.
pub const WORKLOADS: [&str; 13] = [
    "normal_mean",
    "zarr_mean",
    "zarr_mean_small_chunks",
    "overhead",
    "transpose_std",
    "rechunk_sum",
    "matmul_sum",
    "map_overlap",
    "zarr_anomaly_std",
    "transcendental_chain",
    "persisted_rechunk",
    "several_stats",
    "slice_map_store",
];

/// Workloads whose Dask side is the repository's `bench/dask_w7.py` (memory
/// budgets), not the reference suite; `zarr_rechunk` runs when named.
const W7_WORKLOADS: [&str; 2] = ["zarr_anomaly_std", "zarr_rechunk"];

/// Workloads whose Dask side is the repository's `bench/dask_paths.py`
/// (issue 20: transcendental math, rechunk of persisted data, several
/// statistics in one compute, slice-map-store to Zarr).
const PATHS_WORKLOADS: [&str; 4] = [
    "transcendental_chain",
    "persisted_rechunk",
    "several_stats",
    "slice_map_store",
];

/// The path workloads that read the Zarr array `bench/dask_paths.py prepare` writes.
const PATHS_ZARR_WORKLOADS: [&str; 2] = ["several_stats", "slice_map_store"];

/// The repository's Dask script for the W7 workloads.
fn w7_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/dask_w7.py")
}

/// The repository's Dask script for the issue-20 path workloads.
fn paths_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/dask_paths.py")
}

/// The repository's Dask script for `workload`, if it has one (else the reference suite's).
fn repo_script(workload: &str) -> Option<PathBuf> {
    if W7_WORKLOADS.contains(&workload) {
        Some(w7_script())
    } else if PATHS_WORKLOADS.contains(&workload) {
        Some(paths_script())
    } else {
        None
    }
}

/// Data written once by a repository script's `prepare` (both engines read
/// it): the W7 zarr array (`bench/dask_w7.py`), the paths' zarr array (`bench/dask_paths.py`).
fn prepare_repo_data(script: &Path, dask_dir: &Path, quick: bool) -> Result<(), String> {
    let name = script.file_name().map_or_else(
        || script.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let python = dask_python(dask_dir)?;
    let mut cmd = Command::new(python);
    cmd.arg(script)
        .arg("prepare")
        .arg("--data-dir")
        .arg(target_dir().join("dask-data"))
        .arg("--dask-dir")
        .arg(dask_dir);
    if quick {
        cmd.arg("--quick");
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {name} prepare: {e}"))?;
    if !status.success() {
        return Err(format!("{name} prepare failed"));
    }
    Ok(())
}

/// What to run.
pub struct BenchArgs {
    /// Quick sizes (else full).
    pub quick: bool,
    /// Scheduler name for both engines.
    pub scheduler: String,
    /// Also run Dask.
    pub compare_dask: bool,
    /// Also run the Python package's runner.
    pub python: bool,
    /// Runs per workload and engine.
    pub runs: usize,
    /// Where to append every run as a JSON line.
    pub json: Option<PathBuf>,
    /// Workloads (all when empty).
    pub workloads: Vec<String>,
    /// The Dask suite directory.
    pub dask_dir: PathBuf,
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The workload runner binary, built in release mode.
fn build_runner() -> Result<PathBuf, String> {
    let status = Command::new(cargo())
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "tessera",
            "--example",
            "workload",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err("building the workload runner failed".into());
    }
    Ok(target_dir().join("release/examples/workload"))
}

/// The workspace's target directory (venvs and data live there, outside git).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target")
}

/// The Dask venv's python, created once (under target/) from the suite's setup.sh.
fn dask_python(dask_dir: &Path) -> Result<PathBuf, String> {
    let venv = target_dir().join("dask-venv");
    let python = venv.join("bin/python");
    if python.exists() {
        return Ok(python);
    }
    eprintln!("setting up the Dask venv in {} (once)", venv.display());
    let status = Command::new("bash")
        .arg(dask_dir.join("setup.sh"))
        .arg(&venv)
        .status()
        .map_err(|e| format!("cannot run setup.sh: {e}"))?;
    if !status.success() || !python.exists() {
        return Err(format!("Dask venv setup failed in {}", venv.display()));
    }
    Ok(python)
}

/// The zarr arrays of W2/W2b, written once by the Dask suite's `prepare`
/// (both engines then read the same bytes).
fn prepare_zarr_data(dask_dir: &Path, quick: bool) -> Result<(), String> {
    let python = dask_python(dask_dir)?;
    let mut cmd = Command::new(python);
    cmd.arg(dask_dir.join("bench.py"))
        .arg("prepare")
        .arg("--data-dir")
        .arg(target_dir().join("dask-data"));
    if quick {
        cmd.arg("--quick");
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run bench.py prepare: {e}"))?;
    if !status.success() {
        return Err("bench.py prepare failed".into());
    }
    Ok(())
}

/// The test venv's python with the package built from this source
/// (`python/setup-venv.sh`, as `cargo xtask test` does).
fn package_python() -> Result<PathBuf, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/setup-venv.sh");
    let status = Command::new("bash")
        .arg(&script)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("{} failed", script.display()));
    }
    Ok(target_dir().join("py-venv/bin/python"))
}

/// The Python package's workload runner.
fn python_runner() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/bench/workload.py")
}

/// Exit status of the Python runner for a workload it does not have (map_overlap, W7).
const NOT_IN_PYTHON: i32 = 2;

fn json_line(out: &[u8]) -> Option<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l.trim()).ok())
}

fn run_one(cmd: &mut Command, engine: &str, workload: &str) -> Result<Value, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{workload}: cannot start {engine}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").to_string();
        return Err(format!(
            "{workload}: {engine} crashed ({}): {last}",
            out.status
        ));
    }
    let mut v = json_line(&out.stdout)
        .ok_or_else(|| format!("{workload}: {engine} printed no JSON result line"))?;
    if let Some(o) = v.as_object_mut() {
        o.insert("engine".into(), Value::String(engine.into()));
    }
    Ok(v)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    (!v.is_empty()).then(|| v[v.len() / 2])
}

/// How far a result may be from its reference, relative, per workload.
fn tolerance(workload: &str) -> f64 {
    match workload {
        // Sums of ones: exact.
        "overhead" => 0.0,
        // The same bytes on disk: both must match what numpy computed from them closely.
        "zarr_mean"
        | "zarr_mean_small_chunks"
        | "zarr_rechunk"
        | "several_stats"
        | "slice_map_store" => 1e-9,
        // Different generators: each within a few standard errors of the analytic expectation.
        _ => 1e-3,
    }
}

fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / b.abs().max(1e-300)
    }
}

/// Whether the scalar results agree: `overhead` exactly between the engines,
/// every other workload each engine within [`tolerance`] of the expectation.
fn agree(workload: &str, t: f64, d: f64, expected: f64) -> bool {
    let tol = tolerance(workload);
    match workload {
        "overhead" => t == d,
        _ => rel(t, expected) <= tol && rel(d, expected) <= tol,
    }
}

/// The verdict on one workload's runs: an error naming the workload when
/// tessera gave no result, or a result away from the expectation, or one
/// that disagrees with Dask's (when Dask ran).
fn verdict(workload: &str, tessera: &[Value], dask: Option<&[Value]>) -> Result<(), String> {
    let t = field(tessera, "result")
        .ok_or_else(|| format!("{workload}: tessera reported no finite result"))?;
    let expected = tessera
        .first()
        .and_then(|v| v["expected"].as_f64())
        .unwrap_or(f64::NAN);
    let tol = tolerance(workload);
    if expected.is_finite() && rel(t, expected) > tol {
        return Err(format!(
            "{workload}: tessera's result {t} is off the expected {expected} (relative error {:.3e}, tolerance {tol:e})",
            rel(t, expected)
        ));
    }
    let Some(dask) = dask else {
        return Ok(());
    };
    let d = field(dask, "result")
        .ok_or_else(|| format!("{workload}: Dask reported no finite result"))?;
    if !agree(workload, t, d, expected) {
        return Err(format!(
            "{workload}: results disagree: tessera {t}, Dask {d}, expected {expected} (relative tolerance {tol:e})"
        ));
    }
    Ok(())
}

/// Run the benchmarks and print the comparison table.
pub fn run(args: &BenchArgs) -> Result<bool, String> {
    let runner = build_runner()?;
    let python = if args.compare_dask {
        Some(dask_python(&args.dask_dir)?)
    } else {
        None
    };
    let workloads: Vec<String> = if args.workloads.is_empty() {
        WORKLOADS.iter().map(|s| s.to_string()).collect()
    } else {
        args.workloads.clone()
    };
    if workloads.iter().any(|w| w.starts_with("zarr_mean")) {
        prepare_zarr_data(&args.dask_dir, args.quick)?;
    }
    if workloads.iter().any(|w| W7_WORKLOADS.contains(&w.as_str())) {
        prepare_repo_data(&w7_script(), &args.dask_dir, args.quick)?;
    }
    if workloads
        .iter()
        .any(|w| PATHS_ZARR_WORKLOADS.contains(&w.as_str()))
    {
        prepare_repo_data(&paths_script(), &args.dask_dir, args.quick)?;
    }
    let mut sink = match &args.json {
        Some(p) => Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| format!("{}: {e}", p.display()))?,
        ),
        None => None,
    };
    let package = if args.python {
        Some(package_python()?)
    } else {
        None
    };
    let mut results: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    let mut notes = Vec::new();
    for w in &workloads {
        for _ in 0..args.runs {
            let mut t = Command::new(&runner);
            t.arg(w).arg("--scheduler").arg(&args.scheduler);
            t.arg("--data-dir").arg(target_dir().join("dask-data"));
            if args.quick {
                t.arg("--quick");
            }
            let mut runs = vec![("tessera", t)];
            if let Some(py) = &python {
                let mut d = Command::new(py);
                if let Some(script) = repo_script(w) {
                    d.arg(script).arg("--dask-dir").arg(&args.dask_dir);
                } else {
                    d.arg(args.dask_dir.join("bench.py"));
                }
                d.arg(w).arg("--scheduler").arg(&args.scheduler);
                d.arg("--data-dir").arg(target_dir().join("dask-data"));
                if args.quick {
                    d.arg("--quick");
                }
                runs.push(("dask", d));
            }
            if let Some(py) = &package {
                let mut p = Command::new(py);
                p.arg(python_runner()).arg(w);
                p.arg("--scheduler").arg(&args.scheduler);
                p.arg("--data-dir").arg(target_dir().join("dask-data"));
                if args.quick {
                    p.arg("--quick");
                }
                runs.push(("python", p));
            }
            for (engine, mut cmd) in runs {
                if engine == "python" && !python_has(&mut cmd)? {
                    continue;
                }
                match run_one(&mut cmd, engine, w) {
                    Ok(v) => {
                        if let Some(f) = sink.as_mut() {
                            writeln!(f, "{v}").map_err(|e| e.to_string())?;
                        }
                        results
                            .entry((w.clone(), engine.to_string()))
                            .or_default()
                            .push(v);
                    }
                    Err(e) => notes.push(e),
                }
            }
        }
    }
    print_table(&workloads, &results);
    // Loud: every crash and every disagreement is listed, and any makes the run fail.
    let mut problems = notes;
    for w in &workloads {
        let t = results.get(&(w.clone(), "tessera".into()));
        let d = results.get(&(w.clone(), "dask".into()));
        match t {
            Some(t) => {
                if let Err(e) = verdict(w, t, d.map(Vec::as_slice)) {
                    problems.push(e);
                }
            }
            None if args.runs > 0 => {
                // The crash itself is already listed; say that nothing is left to compare.
                problems.push(format!("{w}: no tessera run completed"));
            }
            None => {}
        }
        // The Python runner's results must meet the expectation too.
        if let Some(p) = results.get(&(w.clone(), "python".into())) {
            if let Err(e) = verdict(w, p, None) {
                problems.push(format!("(python) {e}"));
            }
        }
        if python.is_some() && d.is_none() {
            problems.push(format!("{w}: no Dask run completed"));
        }
    }
    for p in &problems {
        eprintln!("FAILED {p}");
    }
    Ok(problems.is_empty())
}

/// Whether the Python runner has the workload `cmd` names (asked with
/// `--has`, so a workload it lacks is skipped, and a crash is still a crash).
fn python_has(cmd: &mut Command) -> Result<bool, String> {
    let mut probe = Command::new(cmd.get_program());
    probe.args(cmd.get_args()).arg("--has");
    let status = probe
        .status()
        .map_err(|e| format!("cannot start the Python runner: {e}"))?;
    Ok(status.code() != Some(NOT_IN_PYTHON))
}

fn field(v: &[Value], key: &str) -> Option<f64> {
    median(v.iter().filter_map(|r| r[key].as_f64()).collect())
}

fn print_table(workloads: &[String], results: &BTreeMap<(String, String), Vec<Value>>) {
    println!(
        "{:<24} {:>10} {:>10} {:>8} {:>10} {:>10} {:>7} {:>10} {:>8}",
        "workload",
        "tessera s",
        "dask s",
        "ratio",
        "t RSS MiB",
        "d RSS MiB",
        "agree",
        "python s",
        "py/rust"
    );
    for w in workloads {
        let t = results.get(&(w.clone(), "tessera".into()));
        let d = results.get(&(w.clone(), "dask".into()));
        let ts = t.and_then(|v| field(v, "seconds"));
        let ds = d.and_then(|v| field(v, "seconds"));
        let p = results.get(&(w.clone(), "python".into()));
        let ps = p.and_then(|v| field(v, "seconds"));
        // The Python layer's cost: its time over the Rust runner's.
        let overhead = match (ps, ts) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".into(),
        };
        let fmt = |x: Option<f64>, p: usize| x.map_or("-".to_string(), |x| format!("{x:.p$}"));
        let ratio = match (ts, ds) {
            (Some(a), Some(b)) if a > 0.0 => format!("{:.1}x", b / a),
            _ => "-".into(),
        };
        let agreement = match (t, d) {
            (Some(tv), dv) => match verdict(w, tv, dv.map(Vec::as_slice)) {
                Ok(()) if dv.is_some() => "yes",
                Ok(()) => "exp",
                Err(_) => "NO",
            },
            _ => "-",
        };
        println!(
            "{:<24} {:>10} {:>10} {:>8} {:>10} {:>10} {:>7} {:>10} {:>8}",
            w,
            fmt(ts, 3),
            fmt(ds, 3),
            ratio,
            fmt(t.and_then(|v| field(v, "peak_rss_mib")), 0),
            fmt(d.and_then(|v| field(v, "peak_rss_mib")), 0),
            agreement,
            fmt(ps, 3),
            overhead
        );
        if w == "overhead" {
            println!(
                "{:<24} {:>10} {:>10}   (µs per executed task)",
                "",
                fmt(t.and_then(|v| field(v, "us_per_task")), 2),
                fmt(d.and_then(|v| field(v, "us_per_task")), 1)
            );
        }
        if w == "several_stats" {
            // Bytes read from the store over the array's bytes: 1.00 when each chunk is read once.
            println!(
                "{:<24} {:>10} {:>10}   (reads per stored chunk)",
                "",
                fmt(t.and_then(|v| field(v, "reads_per_chunk")), 2),
                "-"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn runs(result: f64, expected: f64) -> Vec<Value> {
        vec![json!({"result": result, "expected": expected})]
    }

    #[test]
    fn agreeing_results_pass() {
        let t = runs(1_000_000.2, 1_000_000.0);
        let d = runs(999_999.9, 1_000_000.0);
        assert_eq!(verdict("normal_mean", &t, Some(&d)), Ok(()));
        assert_eq!(verdict("normal_mean", &t, None), Ok(()));
        assert_eq!(
            verdict(
                "overhead",
                &runs(5000.0, 5000.0),
                Some(&runs(5000.0, 5000.0))
            ),
            Ok(())
        );
    }

    #[test]
    fn a_disagreeing_dask_result_names_the_workload() {
        let t = runs(0.5, 0.5);
        let d = runs(0.6, 0.5);
        let e = verdict("zarr_mean", &t, Some(&d)).unwrap_err();
        assert!(e.starts_with("zarr_mean:") && e.contains("disagree"), "{e}");
        assert!(e.contains("0.6"), "{e}");
        let e = verdict(
            "overhead",
            &runs(5000.0, 5000.0),
            Some(&runs(4999.0, 5000.0)),
        )
        .unwrap_err();
        assert!(e.starts_with("overhead:"), "{e}");
    }

    #[test]
    fn a_tessera_result_off_the_expectation_fails_without_dask() {
        let e = verdict("rechunk_sum", &runs(3.3e7, 3.2e7), None).unwrap_err();
        assert!(
            e.starts_with("rechunk_sum:") && e.contains("expected"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_or_nan_result_fails() {
        let e = verdict("matmul_sum", &runs(f64::NAN, 1.0), None).unwrap_err();
        assert!(
            e.starts_with("matmul_sum:") && e.contains("no finite result"),
            "{e}"
        );
        let e = verdict("matmul_sum", &runs(1.0, 1.0), Some(&[json!({})])).unwrap_err();
        assert!(e.contains("Dask reported no finite result"), "{e}");
    }

    #[test]
    fn repository_workloads_run_their_own_dask_scripts() {
        for w in PATHS_WORKLOADS {
            assert_eq!(repo_script(w), Some(paths_script()), "{w}");
            assert!(WORKLOADS.contains(&w), "{w} runs by default");
        }
        for w in PATHS_ZARR_WORKLOADS {
            assert!(PATHS_WORKLOADS.contains(&w), "{w}");
            // Read from the same prepared bytes: held to the exact statistics.
            assert_eq!(tolerance(w), 1e-9, "{w}");
        }
        assert_eq!(repo_script("zarr_rechunk"), Some(w7_script()));
        assert_eq!(repo_script("normal_mean"), None);
        assert!(paths_script().exists() && w7_script().exists());
    }

    #[test]
    fn a_crashing_workload_is_an_error_naming_it() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo 'boom: kernel panicked' >&2; exit 3"]);
        let e = run_one(&mut cmd, "tessera", "map_overlap").unwrap_err();
        assert!(
            e.starts_with("map_overlap: tessera crashed") && e.contains("boom"),
            "{e}"
        );
        let mut quiet = Command::new("true");
        let e = run_one(&mut quiet, "dask", "overhead").unwrap_err();
        assert!(e.contains("no JSON result line"), "{e}");
    }
}

//! The Dask array tutorial, step by step, in tessera.
//!
//! `cargo run --release --example tour` (add `-- --full` for the tutorial's
//! 30000 x 30000 array, `-- --html DIR` to write the HTML repr of each array
//! shown, the graph view of the rechunked array and the profile of its sum;
//! `-- --no-zarr` skips the last section, which writes 3.2 GB to the temp dir).
//! Long computations show a progress bar when stderr is a terminal.
//!
//! Each step is written as the tutorial writes it in Dask: building an array
//! (`ones`, `random.normal`, `x.mean_with(0)`, `x.rechunk(..)`, `x.sum()`)
//! never fails on the spot and needs no `?`; only what runs or touches a
//! store (`compute*`, `from_zarr`, `to_store*`) returns a `Result`, and a
//! mistake made while building surfaces there.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use ndarray::{ArrayD, Axis};
use tessera::diagnostics::repr_page;
use tessera::{chunks, random, Array, Compute, Element, Synchronous};

/// Where `--html DIR` writes, if given.
static HTML_DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();

fn html_dir() -> Option<&'static Path> {
    HTML_DIR.get().and_then(|d| d.as_deref())
}

/// Print an array and its summary table; with `--html`, also write its HTML repr.
fn show<T: Element>(title: &str, x: &Array<T>) {
    println!("\n## {title}\n{x}\n{}", x.summary());
    if let Some(dir) = html_dir() {
        let name: String = title
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let path = dir.join(format!("repr-{name}.html"));
        let page = repr_page(&format!("{title}: {x}"), &x.to_html());
        match std::fs::write(&path, page) {
            Ok(()) => println!("(HTML repr written to {})", path.display()),
            Err(e) => eprintln!("cannot write {}: {e}", path.display()),
        }
    }
}

/// Compute with the configured scheduler and a progress bar labelled
/// `label` (Dask's `with ProgressBar(): x.compute()`).
fn compute<T: Element>(x: &Array<T>, label: &str) -> tessera::Result<ArrayD<T>> {
    x.compute_with(&Compute::new().progress(label))
}

/// The value of a 0-d array, computed with a progress bar.
fn compute_scalar(x: &Array<f64>, label: &str) -> tessera::Result<f64> {
    Ok(compute(x, label)?
        .iter()
        .next()
        .copied()
        .unwrap_or(f64::NAN))
}

fn main() -> tessera::Result<()> {
    // Worker processes of `--scheduler processes` start here and never return.
    tessera::worker::init();
    let args: Vec<String> = std::env::args().collect();
    let full = args.iter().any(|a| a == "--full");
    let html = match args.iter().position(|a| a == "--html") {
        Some(i) => match args.get(i + 1) {
            Some(dir) => Some(PathBuf::from(dir)),
            None => {
                eprintln!("--html needs a directory: --html DIR");
                std::process::exit(2);
            }
        },
        None => None,
    };
    if let Some(dir) = &html {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("cannot create {}: {e}", dir.display());
            std::process::exit(2);
        }
    }
    let _ = HTML_DIR.set(html);
    println!("# tessera tour: Dask arrays, natively");

    // Blocked algorithms: ten ones in two chunks of five.
    let a = tessera::ones::<f64>(10, 5);
    show("ones(10, chunks=5)", &a);
    let total = a.sum();
    show("its sum", &total);
    println!("sum = {}", total.compute_scalar()?);

    // Performance: mean over axis 0 of a large normal array, against one plain loop.
    let (n, c) = if full {
        (30_000, 3_000)
    } else {
        (10_000, 1_000)
    };
    let x = random::normal(10.0, 0.1, [n, n], [c, c], 42);
    show(
        &format!("normal(10, 0.1, ({n}, {n}), chunks=({c}, {c}))"),
        &x,
    );
    let y = x.mean_with(0);
    show("its mean over axis 0", &y);
    let t = Instant::now();
    let yd = compute(&y, "mean")?;
    let t_tessera = t.elapsed().as_secs_f64();
    println!(
        "tessera: {:.3} s on {} threads; mean[0..3] = {:?}",
        t_tessera,
        tessera::config::get()?.num_workers,
        &yd.as_slice().unwrap_or(&[])[..3.min(yd.len())]
    );
    let t = Instant::now();
    // The same values on one thread with plain ndarray, all in memory at once.
    let plain = x.compute_with(&Compute::new().scheduler(&Synchronous))?;
    let plain_mean = plain.mean_axis(Axis(0));
    let t_plain = t.elapsed().as_secs_f64();
    let max_diff = plain_mean
        .as_ref()
        .map(|m| (m - &yd).iter().fold(0.0f64, |acc, v| acc.max(v.abs())))
        .unwrap_or(f64::NAN);
    println!(
        "single thread, whole array in memory: {t_plain:.3} s ({:.1}x slower); max difference {max_diff:.2e}",
        t_plain / t_tessera
    );

    // Choosing good chunk sizes: "auto" chunks of 128 MiB.
    let d = random::random([1000, 1000, 1000], "auto", 0);
    show("random((1000, 1000, 1000)) with chunks=\"auto\"", &d);
    println!("chunksize = {:?}\nchunks = {}", d.chunksize(), d.chunks());
    let r = d.rechunk(chunks! {0 => -1, 1 => 100, 2 => auto});
    show("rechunk({0: -1, 1: 100, 2: \"auto\"})", &r);
    println!("chunksize = {:?}\nchunks = {}", r.chunksize(), r.chunks());
    let t = Instant::now();
    let s = compute_scalar(&r.sum(), "sum")?;
    println!(
        "sum = {s:.1} (expected about {:.1}) in {:.2} s",
        1e9 * 0.5,
        t.elapsed().as_secs_f64()
    );
    if let Some(dir) = html_dir() {
        write_graph_and_profile(&r, dir)?;
    }

    // The chunk-size advice, on real numbers.
    println!("\n## chunk-size advice: 100 MB to 1 GB chunks, 10^4 to 10^5 tasks at most, 2x cores chunks at least");
    for spec in [10usize, 100, 1000] {
        let z = random::random([1000, 1000, 1000], spec.min(1000), 0);
        if let Err(e) = z.check() {
            println!("chunks of {spec:>4}^3: {e}");
        } else {
            let chunk_bytes = z.summary().chunk_nbytes;
            println!(
                "chunks of {spec:>4}^3: {:>10} chunks of {chunk_bytes:>10} -> {}",
                z.npartitions(),
                if z.npartitions() > 100_000 {
                    "too many tasks: scheduling overhead dominates"
                } else if z.npartitions() < 2 * tessera::config::get()?.num_workers {
                    "too few chunks to keep every core busy"
                } else {
                    "fine"
                }
            );
        }
    }
    if !args.iter().any(|a| a == "--no-zarr") {
        zarr_section()?;
    }
    Ok(())
}

/// Removes the tour's data directory when dropped (also after an error).
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Chunked data on disk: the tutorial's two Zarr arrays of 200,000,000
/// float64 values, in 32 chunks and in 20,000 chunks, written by tessera,
/// then opened and averaged as `da.from_zarr(...).mean()`.
fn zarr_section() -> tessera::Result<()> {
    let n = 200_000_000usize;
    let dir = TempDir(std::env::temp_dir().join(format!("tessera-tour-{}", std::process::id())));
    println!("\n## Zarr: chunked data on disk ({})", dir.0.display());
    let data = random::random(n, 6_250_000, 7);
    let t = Instant::now();
    write_zarr(&data, &dir.0.join("random.zarr"))?;
    write_zarr(&data.rechunk(10_000), &dir.0.join("random_sc.zarr"))?;
    println!(
        "wrote random.zarr (32 chunks) and random_sc.zarr (20,000 chunks) in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    for name in ["random.zarr", "random_sc.zarr"] {
        let a = tessera::from_zarr::<f64>(dir.0.join(name), "")?;
        show(&format!("from_zarr(\"{name}\")"), &a);
        let t = Instant::now();
        let m = compute_scalar(&a.mean(), "mean")?;
        println!("mean = {m:.6} in {:.3} s", t.elapsed().as_secs_f64());
    }
    Ok(())
}

/// `x.to_zarr(dir, "")` with a progress bar.
fn write_zarr(x: &Array<f64>, dir: &Path) -> tessera::Result<u64> {
    std::fs::create_dir_all(dir).map_err(|e| tessera::storage::Error::Io {
        op: "create directory".into(),
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let store = Arc::new(tessera::storage::ZarrStore::open(dir)?);
    x.to_store_with(store, "", &Compute::new().progress("to_zarr"))
}

/// `--html`: the graph view of the rechunked array and the profile of its sum.
fn write_graph_and_profile(r: &Array<f64>, dir: &Path) -> tessera::Result<()> {
    let graph = dir.join("graph.html");
    r.visualize(&graph)?;
    println!("(graph view written to {})", graph.display());
    let (_, profile) = r.sum().compute_profiled(&Compute::new())?;
    print!("{}", profile.summary());
    let report = dir.join("profile.html");
    profile.to_html(&report)?;
    println!("(profile written to {})", report.display());
    Ok(())
}

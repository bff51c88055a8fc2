//! The Dask array tutorial, step by step, in tessera.
//!
//! `cargo run --release --example tour` (add `-- --full` for the tutorial's 30000 x 30000 array).

use std::time::Instant;

use ndarray::Axis;
use tessera::{chunks, random, Array, Element};

fn show<T: Element>(title: &str, x: &Array<T>) {
    println!("\n## {title}\n{x}\n{}", x.summary());
}

fn main() -> tessera::Result<()> {
    // Worker processes of `--scheduler processes` start here and never return.
    tessera::worker::init();
    let full = std::env::args().any(|a| a == "--full");
    println!("# tessera tour: Dask arrays, natively");

    // Blocked algorithms: ten ones in two chunks of five.
    let a = tessera::ones::<f64>(10, 5)?;
    show("ones(10, chunks=5)", &a);
    let total = a.sum::<f64>()?;
    show("its sum", &total);
    println!("sum = {}", total.compute_scalar()?);

    // Performance: mean over axis 0 of a large normal array, against one plain loop.
    let (n, c) = if full {
        (30_000, 3_000)
    } else {
        (10_000, 1_000)
    };
    let x = random::normal(10.0, 0.1, [n, n], [c, c], 42)?;
    show(
        &format!("normal(10, 0.1, ({n}, {n}), chunks=({c}, {c}))"),
        &x,
    );
    let y = x.mean_axis(0)?;
    show("its mean over axis 0", &y);
    let t = Instant::now();
    let yd = y.compute()?;
    let t_tessera = t.elapsed().as_secs_f64();
    println!(
        "tessera: {:.3} s on {} threads; mean[0..3] = {:?}",
        t_tessera,
        tessera::config::get()?.num_workers,
        &yd.as_slice().unwrap_or(&[])[..3.min(yd.len())]
    );
    let t = Instant::now();
    // The same values on one thread with plain ndarray, all in memory at once.
    let plain = x.compute_with(&tessera::SyncScheduler)?;
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
    let d = random::random([1000, 1000, 1000], "auto", 0)?;
    show("random((1000, 1000, 1000)) with chunks=\"auto\"", &d);
    println!("chunksize = {:?}\nchunks = {}", d.chunksize(), d.chunks());
    let r = d.rechunk(chunks! {0 => -1, 1 => 100, 2 => auto})?;
    show("rechunk({0: -1, 1: 100, 2: \"auto\"})", &r);
    println!("chunksize = {:?}\nchunks = {}", r.chunksize(), r.chunks());
    let t = Instant::now();
    let s = r.sum::<f64>()?.compute_scalar()?;
    println!(
        "sum = {s:.1} (expected about {:.1}) in {:.2} s",
        1e9 * 0.5,
        t.elapsed().as_secs_f64()
    );

    // The chunk-size advice, on real numbers.
    println!("\n## chunk-size advice: 100 MB to 1 GB chunks, 10^4 to 10^5 tasks at most, 2x cores chunks at least");
    for spec in [10usize, 100, 1000] {
        let z = random::random([1000, 1000, 1000], spec.min(1000), 0);
        if let Ok(z) = z {
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
    zarr_section()?;
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
    let data = random::random(n, 6_250_000, 7)?;
    let t = Instant::now();
    data.to_zarr(dir.0.join("random.zarr"), "")?;
    data.rechunk(10_000)?
        .to_zarr(dir.0.join("random_sc.zarr"), "")?;
    println!(
        "wrote random.zarr (32 chunks) and random_sc.zarr (20,000 chunks) in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    for name in ["random.zarr", "random_sc.zarr"] {
        let a = tessera::from_zarr::<f64>(dir.0.join(name), "")?;
        show(&format!("from_zarr(\"{name}\")"), &a);
        let t = Instant::now();
        let m = a.mean()?.compute_scalar()?;
        println!("mean = {m:.6} in {:.3} s", t.elapsed().as_secs_f64());
    }
    Ok(())
}

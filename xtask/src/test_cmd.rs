//! `cargo xtask test`: provision what the tests need, then run every test of the workspace.

use std::path::Path;
use std::process::Command;

/// Run one provisioning script of the repository (idempotent; skips what is there).
fn provision(script: &str) -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(script);
    let status = Command::new("bash")
        .arg(&path)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
    if !status.success() {
        return Err(format!("{} failed", path.display()));
    }
    Ok(())
}

/// Provision the system HDF5 library and the Python venv of the interop tests
/// (zarr-python, h5py), then
/// run the workspace tests (unit, integration, property, doc tests and examples),
/// and the peak-RSS tests once more optimised, at the size the memory budget
/// promises (a 2 GiB Zarr array within 512 MiB, under 1 GiB of RSS): an
/// unoptimised build runs them at a quarter of that to stay quick; then
/// the Python package's tests (built into the venv by maturin).
pub fn run(extra: &[String]) -> Result<bool, String> {
    provision("storage/tests/interop/setup-system.sh")?;
    provision("storage/tests/interop/setup-venv.sh")?;
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // The Python extension links against the interpreter that loads it: no
    // test binary can link it; its tests are the pytest run below.
    cmd.args([
        "test",
        "--workspace",
        "--exclude",
        "tessera-python",
        "--all-targets",
        "--features",
        "tessera/hdf5",
    ])
    .args(extra);
    let tests = cmd
        .status()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    if !tests.success() {
        return Ok(false);
    }
    // Doc tests are not part of --all-targets; they hold the README-style examples.
    let mut doc = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    doc.args([
        "test",
        "--workspace",
        "--exclude",
        "tessera-python",
        "--doc",
        "--features",
        "tessera/hdf5",
    ]);
    let docs = doc
        .status()
        .map_err(|e| format!("cannot run cargo test --doc: {e}"))?;
    if !docs.success() {
        return Ok(false);
    }
    let mut rss = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    rss.args([
        "test",
        "--release",
        "-p",
        "tessera",
        "--test",
        "memory_rss",
        "--",
        "--nocapture",
    ])
    .env("TESSERA_RSS_MIB", "2048");
    let rss = rss
        .status()
        .map_err(|e| format!("cannot run the optimised RSS tests: {e}"))?;
    if !rss.success() {
        return Ok(false);
    }
    python_tests()
}

/// Build the Python package into the venv (`python/setup-venv.sh`: maturin
/// through pip) and run its pytest suite (`python/tests`: the NumPy oracle,
/// error types, the tutorial script, the Array API conformance floor).
fn python_tests() -> Result<bool, String> {
    provision("python/setup-venv.sh")?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join("target/py-venv/bin/python");
    let status = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("python/tests"))
        .status()
        .map_err(|e| format!("cannot run pytest with {}: {e}", python.display()))?;
    Ok(status.success())
}

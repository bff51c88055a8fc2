//! What the oracle-style test files share: the schedulers every op runs on and
//! the chunk cutter of their random chunkings. (Each test binary uses a part.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tessera::{Plugin, Scheduler, SyncScheduler, Threaded};

/// The schedulers every operation is checked on: the multiprocess one is one
/// shared pool of 2 workers per test binary (which must contain
/// `tessera::worker_test!()`).
pub fn schedulers() -> Vec<Arc<dyn Scheduler>> {
    let mut all = in_process_schedulers();
    all.push(tessera::config::process_pool(2));
    all
}

/// The schedulers that run in-process closures and in-memory stores.
pub fn in_process_schedulers() -> Vec<Arc<dyn Scheduler>> {
    vec![
        Arc::new(SyncScheduler),
        Arc::new(Threaded::new(3)),
        fifo_plugin(),
    ]
}

/// The example plugin `schedulers/plugins/fifo` on 3 threads, compiled once
/// per test binary with plain `rustc` (it has no dependencies; `cargo test`
/// holds the build lock while tests run, so cargo cannot build it here).
pub fn fifo_plugin() -> Arc<dyn Scheduler> {
    static FIFO: OnceLock<Arc<dyn Scheduler>> = OnceLock::new();
    FIFO.get_or_init(|| {
        let src =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../schedulers/plugins/fifo/src/lib.rs");
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let out = dir.join(format!("libfifo-{}.so", std::process::id()));
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
        let status = std::process::Command::new(rustc)
            .args([
                "--edition",
                "2021",
                "--crate-type",
                "cdylib",
                "-O",
                "--crate-name",
                "fifo",
            ])
            .arg(&src)
            .arg("-o")
            .arg(&out)
            .status()
            .unwrap_or_else(|e| panic!("cannot run rustc to build the fifo plugin: {e}"));
        assert!(status.success(), "rustc failed on {}", src.display());
        let plugin = Plugin::load(&out)
            .and_then(|p| p.with_options("threads=3"))
            .unwrap_or_else(|e| panic!("{e}"));
        // Loaded: the file can go (the mapping stays).
        let _ = std::fs::remove_file(&out);
        Arc::new(plugin) as Arc<dyn Scheduler>
    })
    .clone()
}

/// Cut `d` into chunks using `cuts` as lengths, last one trimmed; empty axes get `[0]`.
pub fn split(d: usize, cuts: &[usize]) -> Vec<usize> {
    if d == 0 {
        return vec![0];
    }
    let mut out = Vec::new();
    let mut left = d;
    for &c in cuts.iter().cycle() {
        if left == 0 {
            break;
        }
        let c = c.min(left);
        out.push(c);
        left -= c;
    }
    out
}

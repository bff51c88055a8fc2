//! Plugin schedulers: the example FIFO plugin passes the kit; a missing file,
//! a missing symbol, a wrong ABI version and a stalled plugin are clear errors.
//!
//! The plugins are compiled here with plain `rustc` (they depend on nothing),
//! because `cargo test` holds the build lock while tests run.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tessera_schedulers::{scheduler_kit, testing, Plugin, RunOptions, Scheduler};

fn build_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plugins");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The example plugin, compiled once per test run.
fn fifo() -> &'static Path {
    static FIFO: OnceLock<PathBuf> = OnceLock::new();
    FIFO.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("plugins/fifo/src/lib.rs");
        let out = build_dir().join("libfifo_kit.so");
        testing::compile_cdylib(&src, &out);
        out
    })
}

/// A tiny library from `code`.
fn library(name: &str, code: &str) -> PathBuf {
    let dir = build_dir();
    let src = dir.join(format!("{name}.rs"));
    std::fs::write(&src, code).unwrap();
    let out = dir.join(format!("lib{name}.so"));
    testing::compile_cdylib(&src, &out);
    out
}

/// The example plugin with these options.
fn fifo_with(options: &str) -> Plugin {
    let p = Plugin::load(fifo()).unwrap().with_options(options).unwrap();
    assert_eq!(p.plugin_name(), "fifo");
    p
}

scheduler_kit!(fifo_1_thread, fifo_with("threads=1"));
scheduler_kit!(fifo_3_threads, fifo_with("threads=3"));

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let e = Plugin::load("/no/such/libplugin.so")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no plugin library at /no/such/libplugin.so"),
        "{e}"
    );
}

#[test]
fn a_library_without_the_entry_symbol_is_refused() {
    let lib = library(
        "nosymbol",
        "#[no_mangle] pub extern \"C\" fn something_else() -> i32 { 1 }",
    );
    let e = Plugin::load(&lib).unwrap_err().to_string();
    assert!(
        e.contains("does not export the entry symbol `tessera_scheduler_plugin`"),
        "{e}"
    );
}

#[test]
fn a_plugin_of_another_abi_version_is_refused() {
    let lib = library(
        "wrongabi",
        r#"
#[repr(C)]
pub struct Table { abi_version: u32, name: *const u8, run: extern "C" fn() -> i32 }
unsafe impl Sync for Table {}
extern "C" fn run() -> i32 { 0 }
static T: Table = Table { abi_version: 999, name: b"old\0".as_ptr(), run };
#[no_mangle]
pub extern "C" fn tessera_scheduler_plugin() -> *const Table { &T }
"#,
    );
    let e = Plugin::load(&lib).unwrap_err().to_string();
    assert!(
        e.contains("ABI version 999") && e.contains("version 1"),
        "{e}"
    );
}

#[test]
fn a_plugin_that_never_runs_a_task_times_out() {
    let p = Plugin::load(fifo())
        .unwrap()
        .with_options("stall")
        .unwrap()
        .with_timeout(Duration::from_millis(300));
    let t0 = Instant::now();
    let e = p
        .run(&testing::tree_sum_graph(4), &RunOptions::default())
        .unwrap_err()
        .to_string();
    assert!(t0.elapsed() < Duration::from_secs(3));
    assert!(
        e.contains("made no progress for 300ms") && e.contains("7 tasks not completed"),
        "{e}"
    );
    // Another plugin instance still works.
    testing::computes_tree_sums(&Plugin::load(fifo()).unwrap());
}

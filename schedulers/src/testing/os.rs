//! Helpers for tests that start processes or build libraries.

/// Whether process `pid` is alive (a zombie counts as gone): for tests that
/// no worker outlives its pool.
pub fn process_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|state| state != "Z" && state != "X")
        })
        .unwrap_or(false)
}

/// Compile the one-file, dependency-free Rust library `src` into the cdylib
/// `out` with plain `rustc` (`$RUSTC` if set): tests build plugins this way
/// because `cargo test` holds the build lock while tests run.
pub fn compile_cdylib(src: &std::path::Path, out: &std::path::Path) {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let status = std::process::Command::new(rustc)
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "cdylib",
            "-O",
            "--crate-name",
        ])
        .arg(
            out.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("plugin")
                .trim_start_matches("lib"),
        )
        .arg(src)
        .arg("-o")
        .arg(out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run rustc: {e}"));
    assert!(status.success(), "rustc failed on {}", src.display());
}

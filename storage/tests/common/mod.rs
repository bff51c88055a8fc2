//! What the interop tests share: finding the Python they run the scripts
//! with, running a script, and the checksum both sides compute.

use std::path::{Path, PathBuf};
use std::process::Command;

use tessera_chunk_core::{with_block, Block, Element};

/// How to get a Python for the interop tests.
pub const SETUP: &str = "create it from the workspace root with \
    `bash storage/tests/interop/setup-venv.sh` (or `python3 -m venv target/py-venv && \
    target/py-venv/bin/pip install zarr numpy h5py`), or point TESSERA_PYTHON at a Python \
    that has zarr 3, h5py and numpy";

/// The interpreter to run an interop script with (`TESSERA_PYTHON`, else the
/// workspace's `target/py-venv`); a failing test naming `needs` if there is none.
pub fn python(needs: &str) -> PathBuf {
    if let Some(p) = std::env::var_os("TESSERA_PYTHON") {
        let p = PathBuf::from(p);
        assert!(
            p.exists(),
            "TESSERA_PYTHON={} does not exist; {SETUP}",
            p.display()
        );
        return p;
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| panic!("the storage crate sits in the workspace"));
    let venv = workspace.join("target/py-venv/bin/python");
    assert!(
        venv.exists(),
        "the interop tests need Python with {needs}: TESSERA_PYTHON is unset and {} \
         does not exist; {SETUP}",
        venv.display()
    );
    venv
}

/// Run `tests/interop/<script>` with `args` on the Python that has `needs`;
/// its stdout, or a panic with its output (and a hint when a module is missing).
pub fn run_script(script: &str, needs: &str, args: &[&Path]) -> String {
    let python = python(needs);
    let out = Command::new(&python)
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/interop")
                .join(script),
        )
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {SETUP}", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let hint = if stderr.contains("ModuleNotFoundError") {
        format!("{needs} or numpy is missing: {SETUP}")
    } else {
        String::new()
    };
    assert!(
        out.status.success(),
        "{script} {args:?} failed ({}):\n{stdout}\n{stderr}\n{hint}",
        out.status
    );
    stdout
}

/// FNV-1a (64 bit) of the little-endian bytes of a block in C order, as the scripts compute it.
pub fn fnv1a64(b: &Block) -> String {
    let mut bytes = Vec::new();
    with_block!(b, a => {
        let v: Vec<_> = a.iter().copied().collect();
        Element::write_le(&v, &mut bytes);
    });
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{h:016x}")
}

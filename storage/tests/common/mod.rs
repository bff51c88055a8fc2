//! What the interop tests share: finding the Python they run the scripts with.

use std::path::{Path, PathBuf};

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

//! Spilling: blocks written as raw `Block` bytes into a temporary directory
//! made on first use and removed with everything in it when the run ends —
//! also when it fails or unwinds, since removal is the directory's `Drop`.

use std::path::{Path, PathBuf};

use tessera_chunk_core::Block;

use crate::error::{Error, Result};

/// The spill directory of one run.
#[derive(Debug, Default)]
pub(crate) struct Spill {
    parent: Option<PathBuf>,
    dir: Option<tempfile::TempDir>,
    next: u64,
}

fn spill_error(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Spill {
        reason: format!(
            "cannot {what} {}: {e}; give a writable directory with space (TESSERA_SPILL_DIR) or raise the memory limit",
            path.display()
        ),
    }
}

impl Spill {
    /// Spill under `parent` (the system temporary directory when `None`).
    pub(crate) fn new(parent: Option<PathBuf>) -> Self {
        Spill {
            parent,
            dir: None,
            next: 0,
        }
    }

    /// Write `block`; returns the file it went to.
    pub(crate) fn write(&mut self, block: &Block) -> Result<PathBuf> {
        if self.dir.is_none() {
            let parent = self.parent.clone().unwrap_or_else(std::env::temp_dir);
            let dir = tempfile::Builder::new()
                .prefix("tessera-spill-")
                .tempdir_in(&parent)
                .map_err(|e| spill_error("make a spill directory in", &parent, e))?;
            self.dir = Some(dir);
        }
        let Some(dir) = self.dir.as_ref() else {
            return Err(Error::Spill {
                reason: "the spill directory vanished".into(),
            });
        };
        self.next += 1;
        let path = dir.path().join(format!("{}.tsb", self.next));
        std::fs::write(&path, block.encode()).map_err(|e| spill_error("write", &path, e))?;
        Ok(path)
    }

    /// Forget a spilled block nobody will read again.
    pub(crate) fn remove(&mut self, path: &Path) {
        if let Err(e) = std::fs::remove_file(path) {
            tracing::debug!(path = %path.display(), error = %e, "spill file already gone");
        }
    }
}

/// Read a spilled block back.
pub(crate) fn read(path: &Path) -> Result<Block> {
    let bytes = std::fs::read(path).map_err(|e| spill_error("read", path, e))?;
    Block::decode(&bytes).map_err(|e| spill_error("decode", path, e))
}

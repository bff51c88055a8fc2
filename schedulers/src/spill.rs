//! Spilling: blocks written as raw `Block` bytes into a temporary directory
//! made on first use and removed with everything in it when the run ends —
//! also when it fails or unwinds, since removal is the directory's `Drop`.
//!
//! The scheduler decides under its lock what leaves memory; the writing is
//! done by the worker whose task needed the room, before that task reads
//! its inputs or makes its output, so other workers go on meanwhile. A
//! [`SpillSlot`] holds the block until it is on disk: a reader that comes
//! first takes it from there.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

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

    /// A fresh file name in the spill directory (made on first use).
    pub(crate) fn path(&mut self) -> Result<PathBuf> {
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
        Ok(dir.path().join(format!("{}.tsb", self.next)))
    }
}

/// A block leaving memory: held until a worker writes it to its file.
#[derive(Debug)]
pub(crate) struct SpillSlot {
    path: PathBuf,
    pending: Mutex<Option<Block>>,
}

impl SpillSlot {
    /// `block`, to be written to `path`.
    pub(crate) fn new(path: PathBuf, block: Block) -> Self {
        SpillSlot {
            path,
            pending: Mutex::new(Some(block)),
        }
    }

    /// A block another process writes to `path` (a worker holding it): the
    /// slot reads the file back and removes it when discarded.
    pub(crate) fn elsewhere(path: PathBuf) -> Self {
        SpillSlot {
            path,
            pending: Mutex::new(None),
        }
    }

    /// The file the block goes to.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Write the block to its file unless that is done (or it was discarded).
    pub(crate) fn flush(&self) -> Result<()> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(block) = pending.as_ref() {
            std::fs::File::create(&self.path)
                .and_then(|mut f| block.write_to(&mut f))
                .map_err(|e| spill_error("write", &self.path, e))?;
            *pending = None;
        }
        Ok(())
    }

    /// The block: still in memory if not yet written, else read back.
    pub(crate) fn load(&self) -> Result<Block> {
        let pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        match pending.as_ref() {
            Some(block) => Ok(block.clone()),
            None => read(&self.path),
        }
    }

    /// Nobody will read the block again: forget it and its file.
    pub(crate) fn discard(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if pending.take().is_none() {
            if let Err(e) = std::fs::remove_file(&self.path) {
                tracing::debug!(path = %self.path.display(), error = %e, "spill file already gone");
            }
        }
    }
}

/// Read a spilled block back (straight into the block's memory).
pub(crate) fn read(path: &Path) -> Result<Block> {
    let mut file = std::fs::File::open(path).map_err(|e| spill_error("read", path, e))?;
    let len = file
        .metadata()
        .map_err(|e| spill_error("read", path, e))?
        .len();
    Block::read_from(&mut file, len).map_err(|e| spill_error("decode", path, e))
}

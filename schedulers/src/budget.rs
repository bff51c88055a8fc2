//! The memory budget a run keeps: a byte limit on the chunks held at once,
//! and where chunks go when they must leave memory. Executors share the
//! accounting in the execution loop; this is the part users and executors see.

use std::path::{Path, PathBuf};

use tessera_chunk_core::format_bytes;
use tessera_graph::TaskGraph;

use crate::error::{Error, Result};

/// A byte limit on the chunks a run holds at once (results kept for later
/// readers, plus the inputs and output of every running task).
///
/// ```
/// use tessera_schedulers::MemoryBudget;
/// let b = MemoryBudget::new(512 << 20);
/// assert_eq!(b.limit(), Some(512 << 20));
/// assert_eq!(MemoryBudget::unlimited().limit(), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryBudget {
    limit: Option<u64>,
    spill_dir: Option<PathBuf>,
}

/// No limit, for runs given no budget.
pub(crate) static UNLIMITED: MemoryBudget = MemoryBudget {
    limit: None,
    spill_dir: None,
};

impl MemoryBudget {
    /// No limit: nothing is ever spilled or recomputed.
    pub fn unlimited() -> Self {
        MemoryBudget::default()
    }

    /// At most `limit` bytes of chunks at once.
    pub fn new(limit: u64) -> Self {
        MemoryBudget {
            limit: Some(limit),
            spill_dir: None,
        }
    }

    /// Spill into a fresh directory under `dir` (default: the system's temporary directory).
    pub fn with_spill_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spill_dir = Some(dir.into());
        self
    }

    /// The limit in bytes, if any.
    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// Where spill directories are made.
    pub fn spill_dir(&self) -> Option<&Path> {
        self.spill_dir.as_deref()
    }

    /// An error before anything runs if some task cannot fit on its own: its
    /// input and output chunks together exceed the limit.
    pub fn check(&self, graph: &TaskGraph) -> Result<()> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        for i in 0..graph.len() {
            let needed = task_footprint(graph, i);
            if needed > limit {
                let largest_input = graph.deps[i]
                    .iter()
                    .map(|&d| graph.out_bytes[d])
                    .max()
                    .unwrap_or(0);
                return Err(Error::OverBudget {
                    key: graph.tasks[i].key.clone(),
                    reason: format!(
                        "it needs {} at once ({} input chunks of up to {}, an output chunk of {}, {} of sources made inside it) but the memory budget is {}; raise the memory limit or use smaller chunks",
                        format_bytes(needed),
                        graph.deps[i].len(),
                        format_bytes(largest_input),
                        format_bytes(graph.out_bytes[i]),
                        format_bytes(graph.extra_bytes[i]),
                        format_bytes(limit)
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Projected bytes task `i` holds while it runs: its input chunks, its
/// output chunk and the blocks of sources inlined into it.
pub fn task_footprint(graph: &TaskGraph, i: usize) -> u64 {
    let inputs: u64 = graph.deps[i].iter().map(|&d| graph.out_bytes[d]).sum();
    inputs + graph.out_bytes[i] + graph.extra_bytes[i]
}

/// What a run did with its memory, reported to [`crate::Callbacks::on_memory`] at the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemoryUsage {
    /// The budget, if any.
    pub limit: Option<u64>,
    /// The most bytes of chunks accounted at once (held plus reserved by running tasks).
    pub peak: u64,
    /// Blocks written to the spill directory.
    pub spilled_blocks: usize,
    /// Bytes written to the spill directory.
    pub spilled_bytes: u64,
    /// Cheap source blocks dropped and made again for a later reader.
    pub recomputed: usize,
}

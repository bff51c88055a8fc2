//! tessera-schedulers: one execution loop — ready tasks by priority, results
//! released after their last reader, the first error cancelling the rest —
//! driven by several executors: on the calling thread, on a thread pool, on
//! worker processes, or by a plugin loaded from a shared library.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod budget;
mod callbacks;
mod cancel;
mod entry;
mod error;
pub mod multiprocess;
pub mod plugin;
mod spill;
mod state;
mod synchronous;
mod threaded;

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

pub use budget::{task_footprint, MemoryBudget, MemoryUsage};
pub use callbacks::Callbacks;
pub use cancel::Cancel;
pub use entry::{Execution, RunOptions};
pub use error::{Error, Result};
pub use multiprocess::Multiprocess;
pub use plugin::Plugin;
pub use synchronous::Synchronous;
pub use threaded::Threaded;

/// Something that runs a task graph and returns its outputs.
///
/// ```
/// use tessera_schedulers::{MemoryBudget, RunOptions, Scheduler, Synchronous};
/// # fn graph() -> tessera_graph::TaskGraph {
/// #     tessera_graph::TaskGraph::from_tasks(Vec::new(), &[]).unwrap()
/// # }
/// let budget = MemoryBudget::new(64 << 20);
/// let outputs = Synchronous.run(&graph(), &RunOptions::default().with_budget(&budget))?;
/// assert!(outputs.is_empty());
/// # Ok::<(), tessera_schedulers::Error>(())
/// ```
pub trait Scheduler: Send + Sync {
    /// A short name (`"sync"`, `"threads"`), as `TESSERA_SCHEDULER` spells it.
    fn name(&self) -> &str;

    /// Run every task of `graph`; return the blocks of `graph.outputs` in order.
    ///
    /// Within `options.budget()` (when one is given) the run holds at most its
    /// limit of chunk bytes at once: results that do not fit are made again
    /// from cheap sources or spilled to disk. A task that cannot fit on its
    /// own is an error before anything runs. The callbacks hear of the start,
    /// of every task and of the end; one that panics fails the run with an
    /// error saying so.
    ///
    /// Executors implement [`Scheduler::execute`], not this.
    fn run(&self, graph: &TaskGraph, options: &RunOptions<'_>) -> Result<Vec<Block>> {
        entry::run(self, graph, options)
    }

    /// The executor's part of [`Scheduler::run`], called between the start and
    /// end callbacks once the budget was checked: run every task, keeping
    /// `execution.budget()`, and report each task through `execution`.
    fn execute(&self, graph: &TaskGraph, execution: &Execution<'_>) -> Result<Vec<Block>>;
}

#[cfg(feature = "testing")]
pub mod testing;

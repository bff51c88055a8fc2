//! tessera-schedulers: one execution loop — ready tasks by priority, results
//! released after their last reader, the first error cancelling the rest —
//! driven by several executors: on the calling thread, on a thread pool, on
//! worker processes, or by a plugin loaded from a shared library.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod budget;
mod callbacks;
mod error;
pub mod multiprocess;
pub mod plugin;
mod spill;
mod state;
mod sync;
mod threaded;

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

pub use budget::{task_footprint, MemoryBudget, MemoryUsage};
pub use callbacks::Callbacks;
pub use error::{Error, Result};
pub use multiprocess::Multiprocess;
pub use plugin::Plugin;
pub use sync::Sync;
pub use threaded::Threaded;

/// Something that runs a task graph and returns its outputs.
pub trait Scheduler: Send + std::marker::Sync {
    /// A short name (`"sync"`, `"threads"`), as `TESSERA_SCHEDULER` spells it.
    fn name(&self) -> &str;
    /// Run every task of `graph`; return the blocks of `graph.outputs` in order.
    fn run(&self, graph: &TaskGraph, callbacks: &[&dyn Callbacks]) -> Result<Vec<Block>>;
    /// The same, holding at most `budget` bytes of chunks at once (results that
    /// do not fit are recomputed from cheap sources or spilled to disk); an
    /// error before starting if a single task cannot fit.
    ///
    /// The default only checks that every task fits and then runs without
    /// accounting (with a warning): executors built on the shared loop override it.
    fn run_within(
        &self,
        graph: &TaskGraph,
        budget: &MemoryBudget,
        callbacks: &[&dyn Callbacks],
    ) -> Result<Vec<Block>> {
        budget.check(graph)?;
        if budget.limit().is_some() {
            tracing::warn!(
                scheduler = self.name(),
                "this scheduler does not keep memory budgets"
            );
        }
        self.run(graph, callbacks)
    }
}

#[cfg(feature = "testing")]
pub mod testing;

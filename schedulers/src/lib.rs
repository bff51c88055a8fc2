//! tessera-schedulers: one execution loop — ready tasks by priority, results
//! released after their last reader, the first error cancelling the rest —
//! driven by several executors: on the calling thread, on a thread pool, on
//! worker processes, or by a plugin loaded from a shared library.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod callbacks;
mod error;
pub mod multiprocess;
pub mod plugin;
mod state;
mod sync;
mod threaded;

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

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
}

#[cfg(feature = "testing")]
pub mod testing;

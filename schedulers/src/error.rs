//! The schedulers' error type.

use tessera_graph::{KernelError, Key};

/// What can go wrong while running a task graph.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A kernel returned an error. Its kind and, when there is one, its
    /// typed source travel with it (also from worker processes, in encoded
    /// form there: see `multiprocess::on_error_source`).
    #[error("task {key} failed: {error}")]
    TaskFailed {
        /// The task.
        key: Key,
        /// The kernel's error.
        #[source]
        error: KernelError,
    },
    /// A kernel panicked; the panic was caught.
    #[error("task {key} panicked: {message}")]
    TaskPanicked {
        /// The task.
        key: Key,
        /// The panic payload, when it was text.
        message: String,
    },
    /// A worker process died (killed, aborted, crashed) while running a task.
    #[error("task {key} was running in worker process {pid}, which died: {reason}")]
    WorkerDied {
        /// The task.
        key: Key,
        /// The worker's process id.
        pid: u32,
        /// How it ended.
        reason: String,
    },
    /// A scheduler could not be set up or used as asked.
    #[error("scheduler {scheduler}: {reason}")]
    Scheduler {
        /// The scheduler's name.
        scheduler: String,
        /// What went wrong and what to do.
        reason: String,
    },
    /// The run was cancelled through its [`crate::Cancel`] flag.
    #[error("scheduler {scheduler}: the computation was cancelled; no result was kept")]
    Cancelled {
        /// The scheduler's name.
        scheduler: String,
    },
    /// A task cannot fit in the memory budget even on its own.
    #[error("task {key} does not fit in the memory budget: {reason}")]
    OverBudget {
        /// The task.
        key: Key,
        /// Its projected bytes against the budget, and what to do.
        reason: String,
    },
    /// Spilling a block to disk or reading it back failed.
    #[error("spilling failed: {reason}")]
    Spill {
        /// What failed and what to do.
        reason: String,
    },
    /// The graph itself was malformed.
    #[error(transparent)]
    Graph(#[from] tessera_graph::Error),
}

/// Result alias for the schedulers crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

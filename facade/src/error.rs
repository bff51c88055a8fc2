//! The one error type users see.

/// Everything that can go wrong in tessera. Each crate's error is wrapped as
/// is, so the message names the values that were wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Chunk logic or geometry (bad chunks, shapes, indices, axes).
    #[error(transparent)]
    Chunk(#[from] tessera_chunk_core::Error),
    /// Graph construction.
    #[error(transparent)]
    Graph(#[from] tessera_graph::Error),
    /// Running a computation (failed or panicking tasks, scheduler problems).
    #[error(transparent)]
    Scheduler(#[from] tessera_schedulers::Error),
    /// Building an operation.
    #[error(transparent)]
    Ops(#[from] tessera_ops::Error),
    /// A chunk store could not answer.
    #[error(transparent)]
    Storage(#[from] tessera_storage::Error),
    /// Configuration (environment variables, settings).
    #[error("configuration: {0}")]
    Config(String),
    /// Diagnostics output (reports, graph pictures, running Graphviz).
    #[error("{0}")]
    Diagnostics(String),
}

/// Result alias for tessera.
pub type Result<T, E = Error> = std::result::Result<T, E>;

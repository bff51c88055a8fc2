//! The ops crate's error type.

/// What can go wrong while building an array operation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Chunk geometry rejected the operation.
    #[error(transparent)]
    Chunk(#[from] tessera_chunk_core::Error),
    /// Graph construction failed.
    #[error(transparent)]
    Graph(#[from] tessera_graph::Error),
    /// The store could not answer (missing array, unreadable metadata).
    #[error(transparent)]
    Storage(#[from] tessera_storage::Error),
    /// An argument outside what the operation accepts.
    #[error("{op}: {reason}")]
    InvalidArgument {
        /// The operation.
        op: String,
        /// What was wrong and what would be right.
        reason: String,
    },
}

/// Result alias for the ops crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

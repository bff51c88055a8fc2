//! The storage crate's error type.

/// What can go wrong reading or writing a chunk store.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Chunk geometry or block handling.
    #[error(transparent)]
    Chunk(#[from] tessera_chunk_core::Error),
    /// No array at this path in the store.
    #[error("no array at {path:?} in {store}; existing arrays: {existing:?}")]
    NoSuchArray {
        /// The path asked for.
        path: String,
        /// A description of the store.
        store: String,
        /// The arrays that do exist.
        existing: Vec<String>,
    },
    /// An array already exists where one is being created.
    #[error("an array already exists at {path:?}; remove it or choose another path")]
    AlreadyExists {
        /// The path.
        path: String,
    },
    /// A chunk of the wrong dtype or shape for the array.
    #[error("chunk {index:?} of {path:?}: {reason}")]
    BadChunk {
        /// The array.
        path: String,
        /// The chunk index.
        index: Vec<usize>,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// A region outside the array.
    #[error("region at {start:?} of shape {shape:?} does not fit in {path:?} of shape {array_shape:?}; start + shape must stay within the array")]
    BadRegion {
        /// The array.
        path: String,
        /// The region's first element.
        start: Vec<usize>,
        /// The region's shape.
        shape: Vec<usize>,
        /// The array's shape.
        array_shape: Vec<usize>,
    },
}

/// Result alias for the storage crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

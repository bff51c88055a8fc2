//! The storage crate's error type.

/// What can go wrong reading or writing a chunk store. Serialisable so it
/// can travel from a worker process to the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
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
    /// A store directory that does not exist (or is not a directory).
    #[error(
        "no store at {dir:?}: {reason}; create it first (e.g. ZarrStore::create) or check the path"
    )]
    StoreNotFound {
        /// The directory asked for.
        dir: String,
        /// What was found instead.
        reason: String,
    },
    /// A file-system operation that failed (permissions, a file where a directory should be, a full disk).
    #[error("cannot {op} {path:?}: {reason}; the location must be a writable directory tree")]
    Io {
        /// What was being done ("create directory", "write chunk").
        op: String,
        /// The file or directory.
        path: String,
        /// The operating system's message.
        reason: String,
    },
    /// A directory that already holds files where a new store was to be created.
    #[error("cannot create a store in {dir:?}: the directory is not empty; create needs a missing or empty directory (open the existing store to add arrays to it)")]
    StoreNotEmpty {
        /// The directory.
        dir: String,
    },
    /// An array path that is not a valid node path, or names something other than an array.
    #[error("invalid array path {path:?}: {reason}")]
    InvalidPath {
        /// The path given.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An array whose element type tessera cannot hold.
    #[error("array {path:?} has data type {dtype}, which tessera cannot hold; supported: bool, int8..int64, uint8..uint64, float32, float64, complex64, complex128")]
    UnsupportedDType {
        /// The array.
        path: String,
        /// The store's name for the data type.
        dtype: String,
    },
    /// An array layout or request the driver cannot handle.
    #[error("{path:?}: {reason}")]
    Unsupported {
        /// The array.
        path: String,
        /// What is unsupported and what to do instead.
        reason: String,
    },
    /// A stored chunk that cannot be decoded.
    #[error("chunk {index:?} of {path:?} cannot be decoded ({reason}); the chunk file is corrupt or was written with a codec this build lacks")]
    CorruptChunk {
        /// The array.
        path: String,
        /// The chunk index.
        index: Vec<usize>,
        /// The decoder's message.
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
    /// Any other failure reported by a storage backend library.
    #[error("storage backend error at {path:?}: {reason}")]
    Backend {
        /// The array or node.
        path: String,
        /// The backend's message.
        reason: String,
    },
    /// A store file that does not exist (or is not a regular file).
    #[error("no store file at {path:?}: {reason}; check the path, or create a new file (e.g. Hdf5Store::create)")]
    FileNotFound {
        /// The file asked for.
        path: String,
        /// What was found instead.
        reason: String,
    },
    /// A file already where a new store file was to be created (never truncated).
    #[error("cannot create a store file at {path:?}: a file is already there; open it instead (e.g. Hdf5Store::open_rw) or remove it first")]
    FileExists {
        /// The file.
        path: String,
    },
    /// A file that exists but cannot be read as a store (truncated, corrupt or of another format).
    #[error("{path:?} cannot be read as a store file: {reason}; the file is truncated, corrupt or of another format (copy or write it again)")]
    CorruptFile {
        /// The file (and object inside it, if any).
        path: String,
        /// The backend's message.
        reason: String,
    },
}

/// Result alias for the storage crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

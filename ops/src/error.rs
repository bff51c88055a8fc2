//! The ops crate's error type, and the codec that carries the typed sources
//! of kernel errors (storage and chunk-core errors) out of worker processes.

use tessera_graph::{EncodedSource, KernelError, KernelErrorKind};

/// What can go wrong while building an array operation.
///
/// Chunk-logic errors have one shape: [`Error::Chunk`], also when they come
/// from the graph or storage crates (the `From` impls flatten them).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Chunk geometry rejected the operation.
    #[error(transparent)]
    Chunk(tessera_chunk_core::Error),
    /// Graph construction failed.
    #[error(transparent)]
    Graph(tessera_graph::Error),
    /// The store could not answer (missing array, unreadable metadata).
    #[error(transparent)]
    Storage(tessera_storage::Error),
    /// An operation that does not support the array's dtype (complex or
    /// bool where a real or numeric dtype is needed): cast with `astype`.
    #[error("{op}: {reason}")]
    UnsupportedDType {
        /// The operation.
        op: String,
        /// The dtype given.
        dtype: tessera_chunk_core::DType,
        /// Why, and which dtype to use instead.
        reason: String,
    },
    /// New chunks that do not tile the array's shape.
    #[error("{op}: new chunks tile shape {chunks_shape:?}, but the array has shape {shape:?}")]
    ChunksDoNotMatch {
        /// The operation.
        op: String,
        /// The shape the chunks tile.
        chunks_shape: Vec<usize>,
        /// The array's shape.
        shape: Vec<usize>,
    },
    /// An argument outside what the operation accepts.
    #[error("{op}: {reason}")]
    InvalidArgument {
        /// The operation.
        op: String,
        /// What was wrong and what would be right.
        reason: String,
    },
}

impl From<tessera_chunk_core::Error> for Error {
    fn from(e: tessera_chunk_core::Error) -> Self {
        Error::Chunk(e)
    }
}

impl From<tessera_graph::Error> for Error {
    fn from(e: tessera_graph::Error) -> Self {
        match e {
            tessera_graph::Error::Chunk(c) => Error::Chunk(c),
            other => Error::Graph(other),
        }
    }
}

impl From<tessera_storage::Error> for Error {
    fn from(e: tessera_storage::Error) -> Self {
        match e {
            tessera_storage::Error::Chunk(c) => Error::Chunk(c),
            other => Error::Storage(other),
        }
    }
}

/// Result alias for the ops crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The kernel error of a failed store read or write: kind `Storage` with
/// the storage error as its typed source (kind `Chunk` with the chunk-core
/// error when that is what the store reported, so chunk errors keep one shape).
pub fn storage_kernel_error(e: tessera_storage::Error) -> KernelError {
    match e {
        tessera_storage::Error::Chunk(c) => KernelError::from(c),
        other => KernelError::with_source(KernelErrorKind::Storage, other),
    }
}

/// The codec tag of an encoded `tessera_storage::Error`.
pub const STORAGE_TAG: &str = "tessera.storage";
/// The codec tag of an encoded `tessera_chunk_core::Error`.
pub const CHUNK_TAG: &str = "tessera.chunk";

/// A kernel error's typed source that tessera knows: what the facade
/// matches on, wherever the task ran.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedSource {
    /// A chunk store failed.
    Storage(tessera_storage::Error),
    /// Chunk logic failed.
    Chunk(tessera_chunk_core::Error),
}

/// Encode a storage or chunk-core error so it can leave a worker process
/// (registered with the multiprocess scheduler's `on_error_source`); `None`
/// for other error types.
pub fn encode_source(e: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<EncodedSource> {
    let (tag, json) = if let Some(s) = e.downcast_ref::<tessera_storage::Error>() {
        (STORAGE_TAG, serde_json::to_vec(s).ok()?)
    } else if let Some(c) = e.downcast_ref::<tessera_chunk_core::Error>() {
        (CHUNK_TAG, serde_json::to_vec(c).ok()?)
    } else {
        return None;
    };
    Some(EncodedSource {
        tag: tag.to_string(),
        bytes: json,
        message: e.to_string(),
    })
}

/// The typed source of a kernel error, whether it ran in this process (the
/// error itself) or in a worker (decoded from its [`EncodedSource`]).
pub fn typed_source(e: &KernelError) -> Option<TypedSource> {
    if let Some(s) = e.source_as::<tessera_storage::Error>() {
        return Some(TypedSource::Storage(s.clone()));
    }
    if let Some(c) = e.source_as::<tessera_chunk_core::Error>() {
        return Some(TypedSource::Chunk(c.clone()));
    }
    let encoded = e.source_as::<EncodedSource>()?;
    match encoded.tag.as_str() {
        STORAGE_TAG => serde_json::from_slice(&encoded.bytes)
            .ok()
            .map(TypedSource::Storage),
        CHUNK_TAG => serde_json::from_slice(&encoded.bytes)
            .ok()
            .map(TypedSource::Chunk),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_errors_from_every_crate_have_one_shape() {
        let c = tessera_chunk_core::Error::ZeroStep;
        assert_eq!(
            Error::from(tessera_graph::Error::Chunk(c.clone())),
            Error::Chunk(c.clone())
        );
        assert_eq!(
            Error::from(tessera_storage::Error::Chunk(c.clone())),
            Error::Chunk(c.clone())
        );
        assert_eq!(Error::from(c.clone()), Error::Chunk(c));
    }

    #[test]
    fn store_failures_become_storage_kernel_errors_with_their_source() {
        let s = tessera_storage::Error::CorruptChunk {
            path: "a".into(),
            index: vec![1, 2],
            reason: "truncated".into(),
        };
        let k = storage_kernel_error(s.clone());
        assert_eq!(k.kind, KernelErrorKind::Storage);
        assert_eq!(k.message, s.to_string());
        assert_eq!(k.source_as::<tessera_storage::Error>(), Some(&s));
        // A chunk error reported by a store is a chunk kernel error.
        let c = tessera_chunk_core::Error::ZeroStep;
        let k = storage_kernel_error(tessera_storage::Error::Chunk(c.clone()));
        assert_eq!(k.kind, KernelErrorKind::Chunk);
        assert_eq!(k.source_as::<tessera_chunk_core::Error>(), Some(&c));
    }

    #[test]
    fn typed_sources_survive_encoding() {
        let s = tessera_storage::Error::CorruptChunk {
            path: "a".into(),
            index: vec![3],
            reason: "garbage".into(),
        };
        let c = tessera_chunk_core::Error::DTypeMismatch {
            expected: tessera_chunk_core::DType::F64,
            found: tessera_chunk_core::DType::I32,
        };
        for (error, want) in [
            (storage_kernel_error(s.clone()), TypedSource::Storage(s)),
            (KernelError::from(c.clone()), TypedSource::Chunk(c)),
        ] {
            let source = error.source.as_deref().unwrap();
            let encoded = encode_source(source).unwrap();
            assert_eq!(encoded.message, error.message);
            // As the parent sees it: only the encoded form arrived.
            let arrived = KernelError::with_source(error.kind, encoded);
            assert_eq!(typed_source(&arrived), Some(want.clone()));
            assert_eq!(typed_source(&error), Some(want));
        }
        // Errors of other types are not encoded, nor decoded from unknown tags.
        let other = std::io::Error::other("x");
        assert!(encode_source(&other).is_none());
        let unknown = KernelError::with_source(
            KernelErrorKind::Other,
            EncodedSource {
                tag: "elsewhere".into(),
                bytes: vec![],
                message: "m".into(),
            },
        );
        assert_eq!(typed_source(&unknown), None);
    }
}

//! Turning zarrs' and the file system's errors into the storage crate's `Error`.

use std::path::Path;

use zarrs::array::{ArrayCreateError, ArrayError, CodecError};
use zarrs::storage::StorageError;

use crate::error::Error;

/// A file-system failure while doing `op` on `path`.
pub(crate) fn io(op: &str, path: &Path, err: &std::io::Error) -> Error {
    Error::Io {
        op: op.to_string(),
        path: path.display().to_string(),
        reason: err.to_string(),
    }
}

/// A zarrs storage failure while doing `op` on the array at `path`.
pub(crate) fn storage(op: &str, path: &str, err: StorageError) -> Error {
    match err {
        StorageError::IOError(e) => Error::Io {
            op: op.to_string(),
            path: path.to_string(),
            reason: e.to_string(),
        },
        other => Error::Backend {
            path: path.to_string(),
            reason: format!("{op}: {other}"),
        },
    }
}

/// A failure reading or writing chunk `index` of the array at `path`.
pub(crate) fn array(op: &str, path: &str, index: &[usize], err: ArrayError) -> Error {
    match err {
        ArrayError::StorageError(e) | ArrayError::CodecError(CodecError::StorageError(e)) => {
            storage(op, path, e)
        }
        ArrayError::CodecError(e) => Error::CorruptChunk {
            path: path.to_string(),
            index: index.to_vec(),
            reason: e.to_string(),
        },
        other => Error::Backend {
            path: path.to_string(),
            reason: format!("{op} chunk {index:?}: {other}"),
        },
    }
}

/// A failure opening or creating the array at `path`.
pub(crate) fn create(path: &str, err: ArrayCreateError) -> Error {
    match err {
        ArrayCreateError::StorageError(e) => storage("read the metadata of", path, e),
        other => Error::Backend {
            path: path.to_string(),
            reason: other.to_string(),
        },
    }
}

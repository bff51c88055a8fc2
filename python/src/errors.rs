//! tessera's errors as Python exceptions, chosen by what went wrong (the
//! typed error under any build context, [`tessera::Error::root`]) and
//! carrying tessera's whole message.

use pyo3::exceptions::{
    PyIndexError, PyMemoryError, PyOSError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::PyErr;
use tessera::chunk_core::Error as ChunkError;
use tessera::Error;

/// The Python exception for a tessera error: `IndexError` for indices out
/// of range, `TypeError` for dtypes, `OSError` for stores and files,
/// `MemoryError` for the memory budget, `ValueError` for other bad input,
/// `RuntimeError` for failures inside a computation.
pub fn to_py(error: Error) -> PyErr {
    let message = error.to_string();
    match error.root() {
        Error::Chunk(c) => match c {
            ChunkError::IndexOutOfBounds { .. }
            | ChunkError::TooManyIndices { .. }
            | ChunkError::BlockIndexOutOfBounds { .. } => PyIndexError::new_err(message),
            ChunkError::UnsupportedDType { .. }
            | ChunkError::UnknownDType { .. }
            | ChunkError::DTypeMismatch { .. } => PyTypeError::new_err(message),
            _ => PyValueError::new_err(message),
        },
        Error::Ops(tessera_ops_error) => ops_error(tessera_ops_error, message),
        Error::Storage { .. } | Error::Diagnostics(_) => PyOSError::new_err(message),
        Error::Scheduler(s) => match s {
            tessera::SchedulerError::OverBudget { .. } => PyMemoryError::new_err(message),
            tessera::SchedulerError::Spill { .. } => PyOSError::new_err(message),
            _ => PyRuntimeError::new_err(message),
        },
        _ => PyValueError::new_err(message),
    }
}

/// Building errors of the ops crate: a dtype an operation does not take is
/// a `TypeError`, anything else a `ValueError`.
fn ops_error(error: &tessera::OpsError, message: String) -> PyErr {
    match error {
        tessera::OpsError::UnsupportedDType { .. } => PyTypeError::new_err(message),
        _ => PyValueError::new_err(message),
    }
}

/// `?` on facade results inside the bindings.
pub trait OrPy<T> {
    /// The value, or the error as a Python exception.
    fn or_py(self) -> pyo3::PyResult<T>;
}

impl<T> OrPy<T> for tessera::Result<T> {
    fn or_py(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}

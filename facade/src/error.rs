//! The one error type users see.
//!
//! Each failure reaches the user in one shape, wherever it happened and on
//! whichever scheduler the computation ran:
//!
//! - chunk logic (bad chunks, shapes, axes, indices) is [`Error::Chunk`],
//!   also when the graph, storage or ops crate reported it while building;
//! - a chunk store that cannot be read or written is [`Error::Storage`]:
//!   with `key: None` when it failed while building (opening a store,
//!   creating an array), with `key: Some(task)` when a task failed reading
//!   or writing a chunk: the storage crate's typed error, also when the task
//!   ran in a worker process.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tessera::storage::Error as StorageError;
//! use tessera::Error;
//!
//! let dir = tempfile::tempdir()?;
//! let r = tessera::from_zarr::<f64>(dir.path(), "nothing");
//! match r {
//!     // A corrupt chunk read by a task would match `key: Some(key)`
//!     // and `StorageError::CorruptChunk { path, index, reason }`.
//!     Err(Error::Storage { key: None, error: StorageError::NoSuchArray { path, .. } }) => {
//!         assert_eq!(path, "nothing")
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok(())
//! # }
//! ```

use tessera_graph::Key;

/// Everything that can go wrong in tessera. Each crate's error is wrapped as
/// is, so the message names the values that were wrong (see the module docs
/// for which variant each failure takes).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An operation could not be built from its operands (a shape, dtype,
    /// axis or chunk error found while building). Building never asks for
    /// `?`: the error is carried by the array and every array made from it,
    /// and surfaces here at the first call that returns a `Result`
    /// (`compute`, `store`, [`crate::Lazy::check`]); [`Error::root`] is the
    /// typed error underneath (e.g. [`Error::Chunk`]).
    #[error("{}", build_message(op, operands, error))]
    Build {
        /// The operation (`"add"`, `"mean"`, `"rechunk"`).
        op: String,
        /// The shapes of the operands it was given.
        operands: Vec<Vec<usize>>,
        /// What was wrong.
        error: Box<Error>,
    },
    /// Chunk logic or geometry (bad chunks, shapes, indices, axes).
    #[error(transparent)]
    Chunk(tessera_chunk_core::Error),
    /// Graph construction.
    #[error(transparent)]
    Graph(tessera_graph::Error),
    /// Running a computation (failed or panicking tasks, scheduler problems).
    /// A task's kernel error keeps its kind and typed source
    /// (`tessera_schedulers::Error::TaskFailed { key, error }`, with
    /// `error.source_as::<tessera_chunk_core::Error>()` for chunk errors).
    #[error(transparent)]
    Scheduler(tessera_schedulers::Error),
    /// Building an operation.
    #[error(transparent)]
    Ops(tessera_ops::Error),
    /// A chunk store could not answer: while building (`key: None`) or in
    /// the task `key` reading or writing one of its chunks.
    #[error("{}", storage_message(key.as_deref(), error))]
    Storage {
        /// The task that failed, when a task did (boxed: it keeps every
        /// `Result` of tessera small).
        key: Option<Box<Key>>,
        /// The storage crate's error (which store, which chunk, what was wrong).
        #[source]
        error: tessera_storage::Error,
    },
    /// Configuration (environment variables, settings).
    #[error("configuration: {0}")]
    Config(String),
    /// Diagnostics output (reports, graph pictures, running Graphviz).
    #[error("{0}")]
    Diagnostics(String),
}

impl Error {
    /// The typed error under any [`Error::Build`] context: what went wrong,
    /// whichever operation met it.
    pub fn root(&self) -> &Error {
        match self {
            Error::Build { error, .. } => error.root(),
            other => other,
        }
    }
}

/// `add of arrays of shapes (10, 5) and (3,): …`, or `ones: …` for an
/// operation that makes an array from no other.
fn build_message(op: &str, operands: &[Vec<usize>], error: &Error) -> String {
    let shapes: Vec<String> = operands
        .iter()
        .map(|s| tessera_chunk_core::py_tuple(s))
        .collect();
    match shapes.as_slice() {
        [] => format!("{op}: {error}"),
        [one] => format!("{op} of an array of shape {one}: {error}"),
        [init @ .., last] => format!(
            "{op} of arrays of shapes {} and {last}: {error}",
            init.join(", ")
        ),
    }
}

/// A storage error's message, after the task that met it.
fn storage_message(key: Option<&Key>, error: &tessera_storage::Error) -> String {
    match key {
        Some(key) => format!("task {key} failed: {error}"),
        None => error.to_string(),
    }
}

impl From<tessera_chunk_core::Error> for Error {
    fn from(e: tessera_chunk_core::Error) -> Self {
        Error::Chunk(e)
    }
}

impl From<tessera_graph::Error> for Error {
    /// Through the ops crate's conversion, which already takes chunk errors
    /// out of graph errors: one place decides that route.
    fn from(e: tessera_graph::Error) -> Self {
        tessera_ops::Error::from(e).into()
    }
}

impl From<tessera_storage::Error> for Error {
    fn from(e: tessera_storage::Error) -> Self {
        match e {
            tessera_storage::Error::Chunk(c) => Error::Chunk(c),
            error => Error::Storage { key: None, error },
        }
    }
}

impl From<tessera_ops::Error> for Error {
    fn from(e: tessera_ops::Error) -> Self {
        match e {
            tessera_ops::Error::Chunk(c) => Error::Chunk(c),
            // A graph error built by hand may still hold a chunk error.
            tessera_ops::Error::Graph(tessera_graph::Error::Chunk(c)) => Error::Chunk(c),
            tessera_ops::Error::Graph(g) => Error::Graph(g),
            tessera_ops::Error::Storage(s) => s.into(),
            other => Error::Ops(other),
        }
    }
}

impl From<tessera_schedulers::Error> for Error {
    /// A task's storage error becomes [`Error::Storage`] naming the task;
    /// a chunk-core source that arrived encoded from a worker is decoded, so
    /// it reads the same on every scheduler.
    fn from(e: tessera_schedulers::Error) -> Self {
        match e {
            tessera_schedulers::Error::TaskFailed { key, error } => {
                match tessera_ops::typed_source(&error) {
                    Some(tessera_ops::TypedSource::Storage(s)) => Error::Storage {
                        key: Some(Box::new(key)),
                        error: s,
                    },
                    Some(tessera_ops::TypedSource::Chunk(c)) => {
                        Error::Scheduler(tessera_schedulers::Error::TaskFailed {
                            key,
                            error: tessera_graph::KernelError {
                                source: Some(std::sync::Arc::new(c)),
                                ..error
                            },
                        })
                    }
                    None => Error::Scheduler(tessera_schedulers::Error::TaskFailed { key, error }),
                }
            }
            tessera_schedulers::Error::Graph(g) => g.into(),
            other => Error::Scheduler(other),
        }
    }
}

/// Result alias for tessera.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_graph::{KernelError, KernelErrorKind};

    fn key() -> Key {
        Key::new("read-zarr", vec![2])
    }

    #[test]
    fn a_build_error_names_the_operation_and_operands_and_keeps_its_root() {
        let c = tessera_chunk_core::Error::ZeroStep;
        let e = Error::Build {
            op: "add".into(),
            operands: vec![vec![10, 5], vec![3]],
            error: Box::new(Error::Chunk(c.clone())),
        };
        assert_eq!(
            e.to_string(),
            format!("add of arrays of shapes (10, 5) and (3,): {c}")
        );
        assert_eq!(e.root(), &Error::Chunk(c));
    }

    #[test]
    fn chunk_errors_have_one_shape_from_every_crate() {
        let c = tessera_chunk_core::Error::ZeroStep;
        for e in [
            Error::from(c.clone()),
            Error::from(tessera_ops::Error::Chunk(c.clone())),
            Error::from(tessera_ops::Error::Graph(tessera_graph::Error::Chunk(
                c.clone(),
            ))),
            Error::from(tessera_ops::Error::Storage(tessera_storage::Error::Chunk(
                c.clone(),
            ))),
            Error::from(tessera_schedulers::Error::Graph(
                tessera_graph::Error::Chunk(c.clone()),
            )),
        ] {
            assert_eq!(e, Error::Chunk(c.clone()));
        }
    }

    #[test]
    fn a_task_storage_error_names_the_task_and_keeps_its_type() {
        let s = tessera_storage::Error::CorruptChunk {
            path: "a".into(),
            index: vec![2],
            reason: "garbage".into(),
        };
        let failed = tessera_schedulers::Error::TaskFailed {
            key: key(),
            error: tessera_ops::storage_kernel_error(s.clone()),
        };
        let e = Error::from(failed);
        assert_eq!(
            e,
            Error::Storage {
                key: Some(Box::new(key())),
                error: s.clone()
            }
        );
        let msg = e.to_string();
        assert!(msg.contains("read-zarr") && msg.contains("[2]") && msg.contains("garbage"));
        // The same error arriving encoded (from a worker process) is decoded.
        let source = tessera_ops::storage_kernel_error(s.clone()).source.unwrap();
        let encoded = tessera_ops::encode_source(source.as_ref()).unwrap();
        let e = Error::from(tessera_schedulers::Error::TaskFailed {
            key: key(),
            error: KernelError::with_source(KernelErrorKind::Storage, encoded),
        });
        assert_eq!(
            e,
            Error::Storage {
                key: Some(Box::new(key())),
                error: s
            }
        );
    }

    #[test]
    fn a_task_chunk_error_arrives_decoded() {
        let c = tessera_chunk_core::Error::ZeroStep;
        let encoded = tessera_ops::encode_source(&c).unwrap();
        let e = Error::from(tessera_schedulers::Error::TaskFailed {
            key: key(),
            error: KernelError::with_source(KernelErrorKind::Chunk, encoded),
        });
        let Error::Scheduler(tessera_schedulers::Error::TaskFailed { error, .. }) = e else {
            panic!("{e:?}");
        };
        assert_eq!(error.kind, KernelErrorKind::Chunk);
        assert_eq!(error.source_as::<tessera_chunk_core::Error>(), Some(&c));
    }
}

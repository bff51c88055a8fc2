//! Kernels: the code a task runs, named by a stable id with serialisable
//! parameters so a task can travel to another process or through a plugin ABI.

use std::fmt;
use std::sync::Arc;

use tessera_chunk_core::Block;

/// What kind of failure a [`KernelError`] is, so callers can act on it
/// without reading its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KernelErrorKind {
    /// Chunk logic or block handling failed (the source, when present, is a
    /// `tessera_chunk_core::Error`).
    Chunk,
    /// A chunk store could not be read or written (the source, when
    /// present, is a `tessera_storage::Error`).
    Storage,
    /// The input blocks do not fit the kernel (their number, shapes or
    /// dtypes): the layer that built the task and its kernel disagree.
    Inputs,
    /// The kernel does not support the blocks' dtype.
    Unsupported,
    /// The kernel could not be rebuilt from its id and parameters (unknown
    /// id, malformed parameters, an in-process closure sent elsewhere).
    Rebuild,
    /// Anything else (e.g. the error of a user's closure).
    Other,
}

impl KernelErrorKind {
    /// The kind as one byte, for the process boundary (see [`Self::from_code`]).
    pub fn code(self) -> u8 {
        match self {
            KernelErrorKind::Chunk => 1,
            KernelErrorKind::Storage => 2,
            KernelErrorKind::Inputs => 3,
            KernelErrorKind::Unsupported => 4,
            KernelErrorKind::Rebuild => 5,
            KernelErrorKind::Other => 0,
        }
    }

    /// The kind of a [`Self::code`]; unknown codes (a newer peer) read as `Other`.
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => KernelErrorKind::Chunk,
            2 => KernelErrorKind::Storage,
            3 => KernelErrorKind::Inputs,
            4 => KernelErrorKind::Unsupported,
            5 => KernelErrorKind::Rebuild,
            _ => KernelErrorKind::Other,
        }
    }
}

/// The typed error a [`KernelError`] was made from, shared so the kernel
/// error stays cheap to clone.
pub type ErrorSource = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// An error raised by a kernel while computing one block: a kind to act on,
/// a message for people, and the typed error it came from, when there is one
/// (a storage or chunk-core error; get it back with [`KernelError::source_as`]).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct KernelError {
    /// What kind of failure this is.
    pub kind: KernelErrorKind,
    /// What went wrong, in words a user can act on.
    pub message: String,
    /// The typed error this one was made from, if any.
    #[source]
    pub source: Option<ErrorSource>,
}

impl PartialEq for KernelError {
    /// Kind and message decide: two errors saying the same thing are equal
    /// whether or not one still holds its typed source (it may have been
    /// left behind in another process).
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl KernelError {
    /// A kernel error of kind [`KernelErrorKind::Other`] with a message.
    pub fn new(message: impl Into<String>) -> Self {
        KernelError::of(KernelErrorKind::Other, message)
    }

    /// A kernel error of the given kind with a message, without a typed source.
    pub fn of(kind: KernelErrorKind, message: impl Into<String>) -> Self {
        KernelError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// A kernel error of the given kind made from a typed error (its message
    /// is the source's), which callers get back with [`KernelError::source_as`].
    pub fn with_source(
        kind: KernelErrorKind,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        KernelError {
            kind,
            message: source.to_string(),
            source: Some(Arc::new(source)),
        }
    }

    /// The typed source, if it is a `T` (e.g. `tessera_storage::Error`).
    pub fn source_as<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.source.as_deref()?.downcast_ref::<T>()
    }
}

impl From<tessera_chunk_core::Error> for KernelError {
    fn from(e: tessera_chunk_core::Error) -> Self {
        KernelError::with_source(KernelErrorKind::Chunk, e)
    }
}

/// A kernel error's typed source as it arrives from another process: the
/// bytes a codec made of it (see the multiprocess scheduler's `on_error_source`),
/// to be turned back into the typed error by whoever knows its type (the
/// facade does, for storage and chunk-core errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EncodedSource {
    /// Which codec made the bytes (e.g. `"tessera.storage"`).
    pub tag: String,
    /// The encoded error.
    pub bytes: Vec<u8>,
    /// The error's message, for when nobody can decode it.
    pub message: String,
}

/// How a kernel's parameters travel: as JSON text, or not at all (an in-process closure).
#[derive(Debug, Clone, PartialEq)]
pub enum Params {
    /// Serialised parameters; a registry rebuilds the kernel from `(id, json)`.
    Json(String),
    /// A literal block of data (from `from_array`); it travels as encoded bytes.
    Block(Block),
    /// The kernel is a closure and cannot leave this process.
    InProcessOnly,
}

/// The code of a task: a pure function from input blocks to one output block.
pub trait Kernel: Send + Sync + fmt::Debug {
    /// A stable id naming the kernel type in a registry (e.g. `"tessera.ones"`).
    fn id(&self) -> &str;
    /// The parameters that, with the id, rebuild this kernel elsewhere.
    fn params(&self) -> Params;
    /// Compute the output block from the input blocks (in the task's dependency order).
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError>;
    /// The same, taking the inputs: a kernel may then reuse an input's buffer
    /// for its output when nobody else holds it (schedulers hand over a
    /// block at its last reader).
    fn run_owned(&self, inputs: Vec<Block>) -> Result<Block, KernelError> {
        self.run(&inputs)
    }
    /// Whether recomputing this kernel is cheap next to holding its result
    /// (creation, random generation, reading a store): memory-bound schedulers
    /// may drop and recompute such results.
    fn is_cheap(&self) -> bool {
        false
    }
    /// How many blocks of its layer's chunk shape and dtype the output holds
    /// (a mean's partial results stack 2 moments, a variance's 3; 0 when it
    /// is negligible, as a write's count): memory projections scale the
    /// layer's block bytes by it.
    fn output_scale(&self) -> u64 {
        1
    }
    /// Whether the kernel reads only parts of some of its inputs (an overlap
    /// reads margins of its neighbours): a generated source it reads is then
    /// made once, as a task of its own, not whole inside each such reader.
    fn reads_parts(&self) -> bool {
        false
    }
    /// The steps, when this kernel is a fused chain (so chains merge instead of nesting).
    fn fused_steps(&self) -> Option<&[crate::fused::Step]> {
        None
    }
    /// How the kernel splits into row tiles, for fused tasks that end in a
    /// reduction (see [`crate::Fused`]).
    fn row_tiling(&self) -> RowTiling {
        RowTiling::No
    }
    /// For a [`RowTiling::Source`]: the kernel making rows `start..start + len` of its output.
    fn rows(&self, _start: usize, _len: usize) -> Option<KernelRef> {
        None
    }
    /// For a [`RowTiling::Reduce`]: merge the results over consecutive row
    /// tiles of the input (in order) into the result over the whole input.
    fn merge_rows(&self, _parts: Vec<Block>) -> Result<Block, KernelError> {
        Err(KernelError::new(format!(
            "{} cannot merge results over row tiles",
            self.id()
        )))
    }
}

/// How a kernel's work splits into row tiles (ranges along the first axis),
/// so that a fused chain ending in a reduction runs in cache-sized pieces and
/// never holds its whole intermediate blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowTiling {
    /// It does not split (the default).
    No,
    /// Output element `i` depends only on element `i` of each input, all of
    /// one shape: it runs on tiles as it is.
    Pointwise,
    /// A source (no inputs) whose output has this shape; [`Kernel::rows`] makes a tile of it.
    Source(Vec<usize>),
    /// A reduction; [`Kernel::merge_rows`] merges its results over tiles.
    Reduce,
}

/// A shared kernel.
pub type KernelRef = Arc<dyn Kernel>;

/// Signature of an in-process closure kernel.
pub type ClosureFn = dyn Fn(&[Block]) -> Result<Block, KernelError> + Send + Sync;

/// A kernel made from a Rust closure: the in-process escape hatch. It runs on
/// the sync and threaded schedulers; schedulers that move tasks between
/// processes refuse it with an error naming `label`.
pub struct ClosureKernel {
    label: String,
    f: Arc<ClosureFn>,
}

impl ClosureKernel {
    /// Wrap a closure, with a label used in error messages and graph views.
    pub fn new(label: impl Into<String>, f: Arc<ClosureFn>) -> Self {
        ClosureKernel {
            label: label.into(),
            f,
        }
    }
}

impl fmt::Debug for ClosureKernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "closure({})", self.label)
    }
}

impl Kernel for ClosureKernel {
    fn id(&self) -> &str {
        &self.label
    }
    fn params(&self) -> Params {
        Params::InProcessOnly
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        (self.f)(inputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_survive_their_code_and_unknown_codes_are_other() {
        for kind in [
            KernelErrorKind::Chunk,
            KernelErrorKind::Storage,
            KernelErrorKind::Inputs,
            KernelErrorKind::Unsupported,
            KernelErrorKind::Rebuild,
            KernelErrorKind::Other,
        ] {
            assert_eq!(KernelErrorKind::from_code(kind.code()), kind);
        }
        assert_eq!(KernelErrorKind::from_code(200), KernelErrorKind::Other);
    }

    #[test]
    fn a_chunk_error_becomes_a_chunk_kernel_error_with_its_source() {
        let c = tessera_chunk_core::Error::ZeroStep;
        let e = KernelError::from(c.clone());
        assert_eq!(e.kind, KernelErrorKind::Chunk);
        assert_eq!(e.message, c.to_string());
        assert_eq!(e.source_as::<tessera_chunk_core::Error>(), Some(&c));
        // The standard error chain reaches the typed source too.
        let source = std::error::Error::source(&e).map(|s| s.to_string());
        assert_eq!(source, Some(c.to_string()));
        // A plain message has kind Other and no source.
        let plain = KernelError::new("refused");
        assert_eq!(plain.kind, KernelErrorKind::Other);
        assert!(plain.source.is_none() && plain.source_as::<tessera_chunk_core::Error>().is_none());
    }

    #[test]
    fn equality_is_kind_and_message_whether_or_not_the_source_travelled() {
        let c = tessera_chunk_core::Error::ZeroStep;
        let here = KernelError::from(c.clone());
        let arrived = KernelError::of(KernelErrorKind::Chunk, c.to_string());
        assert_eq!(here, arrived);
        assert_ne!(here, KernelError::new(c.to_string()));
    }

    #[test]
    fn an_encoded_source_reads_as_its_message() {
        let s = EncodedSource {
            tag: "t".into(),
            bytes: vec![1, 2],
            message: "chunk [1] is corrupt".into(),
        };
        let e = KernelError::with_source(KernelErrorKind::Storage, s.clone());
        assert_eq!(e.message, "chunk [1] is corrupt");
        assert_eq!(e.source_as::<EncodedSource>(), Some(&s));
    }
}

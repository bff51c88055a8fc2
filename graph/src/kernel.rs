//! Kernels: the code a task runs, named by a stable id with serialisable
//! parameters so a task can travel to another process or through a plugin ABI.

use std::fmt;
use std::sync::Arc;

use tessera_chunk_core::Block;

/// An error raised by a kernel while computing one block.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct KernelError {
    /// What went wrong, in words a user can act on.
    pub message: String,
}

impl KernelError {
    /// A kernel error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        KernelError {
            message: message.into(),
        }
    }
}

impl From<tessera_chunk_core::Error> for KernelError {
    fn from(e: tessera_chunk_core::Error) -> Self {
        KernelError::new(e.to_string())
    }
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

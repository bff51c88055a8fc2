//! The one error type of chunk-core: every variant carries the values that were wrong.

use crate::dtype::DType;

/// Everything that can go wrong in chunk logic, geometry and block handling.
/// Serialisable so it can travel from a worker process to the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Error {
    /// A chunk specification could not be understood at all.
    #[error("invalid chunk specification {spec}: {reason}")]
    InvalidChunkSpec {
        /// The specification as the user wrote it.
        spec: String,
        /// What is wrong and what would be right.
        reason: String,
    },
    /// A chunk length below zero (other than -1, which means "the whole axis").
    #[error("chunk length {value} on axis {axis} is negative; use a positive length, or -1 for the whole axis")]
    NegativeChunk {
        /// The axis.
        axis: usize,
        /// The offending length.
        value: i64,
    },
    /// A chunk length of zero on an axis that is not empty.
    #[error(
        "chunk length 0 on axis {axis} of length {dim}; chunks must be at least 1 element long"
    )]
    ZeroChunk {
        /// The axis.
        axis: usize,
        /// The axis length.
        dim: usize,
    },
    /// Explicit chunks whose sum differs from the axis length.
    #[error("chunks {chunks:?} on axis {axis} sum to {sum}, but the axis has length {dim}; chunks must add up to the shape")]
    ChunksDoNotSumToShape {
        /// The axis.
        axis: usize,
        /// The explicit chunks.
        chunks: Vec<usize>,
        /// Their sum.
        sum: usize,
        /// The axis length.
        dim: usize,
    },
    /// A specification or operand with the wrong number of dimensions.
    #[error("{what} has {got} dimensions, but {expected} were expected")]
    RankMismatch {
        /// What had the wrong rank (e.g. "chunks", "index").
        what: String,
        /// The number of dimensions expected.
        expected: usize,
        /// The number given.
        got: usize,
    },
    /// An axis number outside `-ndim..ndim`.
    #[error("axis {axis} is out of bounds for an array of {ndim} dimensions; valid axes are {lo}..={hi}", lo = -(*ndim as i64), hi = *ndim as i64 - 1)]
    AxisOutOfBounds {
        /// The axis given.
        axis: i64,
        /// The number of dimensions.
        ndim: usize,
    },
    /// The same axis given twice.
    #[error("axis {axis} is repeated; each axis may appear once")]
    RepeatedAxis {
        /// The repeated axis (normalised).
        axis: usize,
    },
    /// A byte size string that does not parse (e.g. `"10 parsecs"`).
    #[error("cannot parse {text:?} as a byte size; write a number with an optional unit such as \"100MiB\", \"1GB\", \"64kB\"")]
    InvalidByteSize {
        /// The text given.
        text: String,
    },
    /// A byte limit that cannot hold even one element.
    #[error("the chunk size limit of {limit} bytes cannot hold one {dtype} element of {itemsize} bytes; raise the limit")]
    LimitTooSmall {
        /// The limit in bytes.
        limit: u64,
        /// The element type.
        dtype: DType,
        /// Its size in bytes.
        itemsize: usize,
    },
    /// Automatic chunking needs information that is missing or unsupported.
    #[error("automatic chunking is not possible: {reason}")]
    AutoChunking {
        /// What is missing and what to give instead.
        reason: String,
    },
    /// An integer index outside the axis.
    #[error("index {index} is out of bounds for axis {axis} with length {len}; valid indices are {lo}..={hi}", lo = -(*len as i64), hi = *len as i64 - 1)]
    IndexOutOfBounds {
        /// The index given.
        index: i64,
        /// The axis.
        axis: usize,
        /// The axis length.
        len: usize,
    },
    /// More indices than dimensions.
    #[error("too many indices: {given} given for an array of {ndim} dimensions")]
    TooManyIndices {
        /// Indices given (not counting new axes and the ellipsis).
        given: usize,
        /// The number of dimensions.
        ndim: usize,
    },
    /// A slice step of zero.
    #[error("slice step cannot be zero; use a positive or negative step")]
    ZeroStep,
    /// More than one ellipsis in an index.
    #[error("an index can only have a single ellipsis ('...')")]
    MultipleEllipsis,
    /// Shapes that NumPy broadcasting cannot combine.
    #[error("shapes {left:?} and {right:?} cannot be broadcast together: axis lengths must match or be 1")]
    NotBroadcastable {
        /// The left shape.
        left: Vec<usize>,
        /// The right shape.
        right: Vec<usize>,
    },
    /// Operands whose shapes must agree (apart from one axis) but do not.
    #[error("shape mismatch: {left:?} vs {right:?}; {reason}")]
    ShapeMismatch {
        /// The first shape.
        left: Vec<usize>,
        /// The second shape.
        right: Vec<usize>,
        /// Which axes must agree.
        reason: String,
    },
    /// An operation that needs at least one operand got none.
    #[error("{op} needs at least one array")]
    NoArrays {
        /// The operation.
        op: String,
    },
    /// A block index outside the grid of blocks.
    #[error("block index {index:?} is outside the block grid {grid:?}")]
    BlockIndexOutOfBounds {
        /// The index given.
        index: Vec<usize>,
        /// The number of blocks per axis.
        grid: Vec<usize>,
    },
    /// An operation that cannot be done on these operands (Dask refuses it too).
    #[error("{op} is not possible here: {reason}")]
    Unsupported {
        /// The operation.
        op: String,
        /// Why, and what to do instead.
        reason: String,
    },
    /// A dtype that the operation does not support.
    #[error("dtype {dtype} is not supported here: {reason}")]
    UnsupportedDType {
        /// The dtype.
        dtype: DType,
        /// Why, and what to use instead.
        reason: String,
    },
    /// A dtype name that is not known.
    #[error("unknown dtype {name:?}; expected one of bool, int8..int64, uint8..uint64, float32, float64")]
    UnknownDType {
        /// The name given.
        name: String,
    },
    /// A block of one dtype where another was expected.
    #[error("expected a block of dtype {expected}, found {found}")]
    DTypeMismatch {
        /// The dtype expected.
        expected: DType,
        /// The dtype found.
        found: DType,
    },
    /// Bytes that are not a valid encoded block.
    #[error("cannot decode block: {reason}")]
    BlockDecode {
        /// What is wrong with the bytes.
        reason: String,
    },
    /// A target shape that cannot be: two `-1`s, negative lengths, or another element count.
    #[error("cannot reshape an array of shape {from:?} to {to:?}: {reason}")]
    InvalidShape {
        /// The array's shape.
        from: Vec<usize>,
        /// The shape asked for.
        to: Vec<i64>,
        /// What is wrong and what would be right.
        reason: String,
    },
    /// A shape whose element count, byte size, chunk sum or block count does
    /// not fit in `isize::MAX` (Rust's limit on one allocation and on signed index arithmetic).
    #[error("an array of shape {shape:?} is too large: its {what} exceeds {max} (isize::MAX); use a smaller shape", max = isize::MAX)]
    SizeOverflow {
        /// The shape (axis lengths; an axis whose chunks overflow shows as `usize::MAX`).
        shape: Vec<usize>,
        /// Which quantity overflowed (e.g. "element count", "byte size of float64 elements").
        what: String,
    },
}

/// Result alias for chunk-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

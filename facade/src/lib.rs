//! # tessera
//!
//! Chunked, parallel, larger-than-memory n-dimensional arrays: Dask's arrays
//! done natively in Rust. An [`Array`] is cut into chunks; every operation
//! adds a layer to a lazy task graph; `compute()` runs the graph on all cores
//! in an order that keeps few chunks in memory.
//!
//! ```
//! let x = tessera::ones::<f64>(10, 5);
//! println!("{}", x.summary());
//! assert_eq!(x.summary().count_text, "2 chunks in 1 graph layer");
//! assert_eq!(x.sum().compute_scalar()?, 10.0);
//! # Ok::<(), tessera::Error>(())
//! ```
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

/// Chunk-sized buffers are allocated and freed on every task; glibc returns
/// them to the OS and the next task faults them in again, which costs more
/// than the arithmetic. mimalloc keeps and reuses them.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod array;
mod array_api;
mod blockwise;
mod broadcast;
mod chunking;
mod compute;
pub mod config;
mod creation;
pub mod diagnostics;
mod dtypes;
mod dyn_array;
mod elementwise;
mod error;
mod indexing;
mod io;
mod lazy;
mod linalg;
mod overlap;
mod plan;
pub mod random;
mod rechunk;
mod reduce;
mod reduce_args;
mod repr;
mod reshape;
mod set;
mod shape;
mod sort;
pub mod worker;

pub use array::Array;
pub use blockwise::{blockwise, blockwise_fn, einsum, Operand};
pub use broadcast::{broadcast_arrays, meshgrid, Indexing};
pub use compute::{compute, compute_with, persist, persist_with, Computable, Compute};
pub use creation::{
    arange, empty, empty_like, eye, from_array, full, full_like, linspace, ones, ones_like, zeros,
    zeros_like,
};
pub use dtypes::{
    can_cast, finfo, finfo_of, iinfo, isdtype, isdtype_any, result_type, FInfo, IInfo,
};
pub use dyn_array::DynArray;
pub use elementwise::{
    atan2, bitwise_and, bitwise_invert, bitwise_left_shift, bitwise_or, bitwise_right_shift,
    bitwise_xor, copysign, floor_divide, hypot, logaddexp, logical_and, logical_not, logical_or,
    logical_xor, maximum, minimum, nextafter, pow, remainder, where_, Rhs,
};
pub use error::{Error, Result};
/// NumPy's `float16` element type (the `half` crate's): `Array<f16>`.
pub use half::f16;
pub use indexing::{block, block_2d, Nested};
#[cfg(feature = "hdf5")]
pub use io::{from_hdf5, from_hdf5_with_chunks};
pub use io::{from_store, from_store_with_chunks, store, store_with};
#[cfg(feature = "zarr")]
pub use io::{from_zarr, from_zarr_with_chunks};
pub use lazy::Lazy;
pub use linalg::{tensordot, TensorAxes};
pub use overlap::{Boundaries, Boundary, Depth};
pub use plan::Plan;
pub use reduce_args::{all_axes, axes, axis, ddof, Reduce};
pub use repr::Summary;
pub use reshape::{concatenate, stack};
pub use set::UniqueAll;
pub use shape::IntoShape;
pub use sort::Side;
/// The chunk logic underneath (normalisation, geometry, byte parsing).
pub use tessera_chunk_core as chunk_core;
/// What user kernels (`map_blocks`, `blockwise`) are made of.
pub use tessera_chunk_core::Block;
pub use tessera_chunk_core::{
    chunks, format_bytes, s, with_dtype, ChunkSpec, Chunks, DType, Element, IndexItem,
};
pub use tessera_graph::{
    ClosureKernel, Kernel, KernelError, KernelErrorKind, KernelRef, Key, Params,
};
pub use tessera_ops::blockwise_index::{AdjustChunks, BlockwiseOptions};
pub use tessera_ops::map_blocks::MapBlocksOptions;
/// The ops crate's building errors (inside [`Error::Ops`]).
pub use tessera_ops::Error as OpsError;
pub use tessera_ops::{
    ArgOp, BinaryOp, Bitwise, CumOp, Integer, Numeric, ReduceOp, Scalar, UnaryOp,
};
/// The schedulers' errors (inside [`Error::Scheduler`]).
pub use tessera_schedulers::Error as SchedulerError;
pub use tessera_schedulers::{
    Callbacks, Cancel, MemoryBudget, MemoryUsage, Multiprocess, Plugin, RunOptions, Scheduler,
    Synchronous, Threaded,
};
/// Chunk stores (memory, Zarr, HDF5) and their capability traits.
pub use tessera_storage as storage;

/// The README's example compiles (it is `no_run`: it computes 6.71 GiB).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

//! tessera-ops: array operations that build task graphs.
//!
//! Each operation takes lazy [`Expr`]s and returns a new one with one more
//! graph layer (or a few, for tree reductions), following Dask's chunk
//! semantics. Operations live by family (`reduce/`, `elementwise/`, …), each
//! folder holding the layer builders, the planning and the kernels (small
//! serialisable structs with a stable id) of its operations.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

// Links the BLAS that ndarray's `dot` calls when the `blas` feature is on.
#[cfg(feature = "blas")]
extern crate blas_src;

// One folder per family of operations: its layer builders, its planning and
// its kernels. Each family lists its kernels for the registry.
pub mod blockwise;
pub mod creation;
pub mod elementwise;
pub mod indexing;
pub mod io;
pub mod linalg;
pub mod overlap;
pub mod random;
pub mod rechunk;
pub mod reduce;
pub mod reshape;
pub mod sort;

// Shared by every family: the lazy array, its errors, element types, scalars,
// the kernel helpers; and the registry gathering the families' kernels.
mod error;
mod expr;
pub mod kernel;
mod numeric;
pub mod registry;
mod scalar;

// The module paths users imported before the families had folders.
pub use blockwise::{index as blockwise_index, map_blocks};
pub use creation::from_array;
pub use indexing::slicing;
pub use linalg::einsum;
pub use reduce::{arg as arg_reduction, cumulative, histogram, reduction, topk, unique};
pub use reshape::join;

/// The kernels by their former paths (each now lives in its family's folder).
pub mod kernels {
    pub use crate::creation::{full_kernel as full, range_kernel as range};
    pub use crate::elementwise::kernels as elementwise;
    pub use crate::indexing::{slice_kernel as slice, take_kernel as take};
    pub use crate::linalg::{einsum_kernel as einsum, tensordot_kernel as linalg};
    pub use crate::overlap::overlap_kernel as overlap;
    pub use crate::random::{counter_rng, random_kernel as random};
    pub use crate::rechunk::assemble_kernel as assemble;
    pub use crate::reduce::{
        arg_kernels as arg, cumulative_kernels as cumulative, histogram_kernel as histogram,
        reduce_kernels as reduce, topk_kernel as topk, unique_kernel as unique,
    };
    pub use crate::reshape::{reshape_kernel as reshape, transpose_kernel as transpose};
}

pub use elementwise::kernels::{
    BinaryClass, BinaryOp, Bitwise, FloatMath, Integer, UnaryClass, UnaryOp,
};
pub use error::{
    encode_source, storage_kernel_error, typed_source, Error, Result, TypedSource, CHUNK_TAG,
    STORAGE_TAG,
};
pub use expr::Expr;
pub use numeric::{pairwise_sum, pairwise_sum_by, Numeric};
pub use random::random_kernel::Distribution;
pub use reduce::reduce_kernels::ReduceOp;
pub use reduce::reduction::ReduceOptions;
pub use scalar::Scalar;

pub use reduce::arg_kernels::ArgOp;
pub use reduce::cumulative_kernels::CumOp;

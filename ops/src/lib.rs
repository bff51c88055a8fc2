//! tessera-ops: array operations that build task graphs.
//!
//! Each operation takes lazy [`Expr`]s and returns a new one with one more
//! graph layer (or a few, for tree reductions), following Dask's chunk
//! semantics. Kernels are small serialisable structs in [`kernels`].
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

// Links the BLAS that ndarray's `dot` calls when the `blas` feature is on.
#[cfg(feature = "blas")]
extern crate blas_src;

pub mod blockwise_index;
pub mod creation;
pub mod einsum;
pub mod elementwise;
mod error;
mod expr;
pub mod from_array;
pub mod indexing;
pub mod io;
pub mod join;
pub mod kernels;
pub mod linalg;
pub mod map_blocks;
mod numeric;
pub mod overlap;
pub mod random;
pub mod rechunk;
pub mod reduction;
pub mod registry;
pub mod reshape;
mod scalar;
pub mod slicing;

// The reduction family beyond sums (kernels in `kernels::{arg, cumulative, ...}`).
pub mod arg_reduction;
pub mod cumulative;
pub mod histogram;
pub mod topk;
pub mod unique;

pub use error::{
    encode_source, storage_kernel_error, typed_source, Error, Result, TypedSource, CHUNK_TAG,
    STORAGE_TAG,
};
pub use expr::Expr;
pub use kernels::elementwise::{BinaryOp, UnaryOp};
pub use kernels::random::Distribution;
pub use kernels::reduce::ReduceOp;
pub use numeric::{pairwise_sum, pairwise_sum_by, Numeric};
pub use reduction::ReduceOptions;
pub use scalar::Scalar;

pub use kernels::arg::ArgOp;
pub use kernels::cumulative::CumOp;

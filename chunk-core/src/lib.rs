//! tessera-chunk-core: the geometry at the bottom of tessera.
//!
//! Shapes and chunks (Dask's tuple of tuples), chunk specifications and their
//! Dask-exact normalisation, rechunk planning, slicing and broadcasting
//! geometry, dtypes, the sealed [`Element`] trait and the type-erased [`Block`].
//! This crate depends on no other tessera crate.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod auto;
mod block;
mod broadcast;
mod bytes;
mod chunks;
mod dtype;
mod element;
mod error;
mod format;
mod index_item;
mod join;
mod normalize;
mod rechunk_pieces;
mod rechunk_plan;
mod reduce;
mod reshape;
mod size;
mod slicing;
mod spec;

pub use block::Block;
pub use broadcast::*;
pub use bytes::*;
pub use chunks::{py_tuple, BlockIndices, Chunks, Shape};
pub use dtype::DType;
pub use element::Element;
pub use error::{Error, Result};
pub use format::format_bytes;
/// Half-precision floats, for the `float16` dtype.
pub use half;
pub use index_item::IndexItem;
pub use join::*;
pub use normalize::*;
/// Complex numbers, for the complex dtypes.
pub use num_complex;
pub use rechunk_pieces::*;
pub use rechunk_plan::*;
pub use reduce::*;
pub use reshape::*;
pub use size::{checked_nbytes, checked_size, MAX_SIZE};
pub use slicing::*;
pub use spec::*;

//! The blockwise family: Dask's `blockwise` with index notation (`index.rs`)
//! and user kernels over blocks, `map_blocks` and `persist` (`map_blocks.rs`).
//! Their kernels are the user's, so the family registers none.

pub mod index;
pub mod map_blocks;

//! Chunk specs to chunks with the configured default limit: the one place the
//! facade turns what a user wrote into a block grid.

use tessera_chunk_core::{
    normalize_chunks_with_default, rechunk_chunks_with_default, ChunkSpec, Chunks, DType,
};

use crate::config;
use crate::error::Result;

/// Chunks for a new array of `shape` and `dtype` (Dask's creation rules).
pub(crate) fn new_chunks(spec: ChunkSpec, shape: &[usize], dtype: DType) -> Result<Chunks> {
    let default = config::get()?.chunk_size;
    Ok(normalize_chunks_with_default(
        &spec,
        Some(shape),
        None,
        Some(dtype),
        None,
        default,
    )?)
}

/// Target chunks of a rechunk (Dask's `rechunk` rules).
pub(crate) fn rechunk_target(
    old: &Chunks,
    spec: ChunkSpec,
    dtype: DType,
    block_size_limit: Option<u64>,
    balance: bool,
) -> Result<Chunks> {
    let default = config::get()?.chunk_size;
    Ok(rechunk_chunks_with_default(
        old,
        &spec,
        dtype,
        block_size_limit,
        balance,
        default,
    )?)
}

//! Creation functions: `ones`, `zeros`, `full`, `empty`.

use tessera_chunk_core::{normalize_chunks, ChunkSpec, Element};
use tessera_ops::{creation, Scalar};

use crate::array::Array;
use crate::config;
use crate::error::Result;
use crate::shape::IntoShape;

fn filled<T: Element>(
    shape: impl IntoShape,
    chunks: impl Into<ChunkSpec>,
    value: Scalar,
    label: &str,
) -> Result<Array<T>> {
    let shape = shape.into_shape();
    let limit = config::get()?.chunk_size;
    let chunks = normalize_chunks(
        &chunks.into(),
        Some(&shape),
        Some(limit),
        Some(T::DTYPE),
        None,
    )?;
    Array::from_expr(creation::full(chunks, T::DTYPE, value, label)?)
}

/// An array of ones (`da.ones`).
///
/// ```
/// let x = tessera::ones::<f64>([1000, 1000], "auto").unwrap();
/// assert_eq!(x.chunksize(), vec![1000, 1000]);
/// ```
pub fn ones<T: Element>(shape: impl IntoShape, chunks: impl Into<ChunkSpec>) -> Result<Array<T>> {
    filled(shape, chunks, Scalar::Int(1), "ones_like")
}

/// An array of zeros (`da.zeros`).
pub fn zeros<T: Element>(shape: impl IntoShape, chunks: impl Into<ChunkSpec>) -> Result<Array<T>> {
    filled(shape, chunks, Scalar::Int(0), "zeros_like")
}

/// An array filled with `value` (`da.full`).
pub fn full<T: Element>(
    shape: impl IntoShape,
    value: T,
    chunks: impl Into<ChunkSpec>,
) -> Result<Array<T>> {
    filled(shape, chunks, Scalar::of(value), "full_like")
}

/// An array whose values are unspecified (`da.empty`); tessera fills it with zeros.
pub fn empty<T: Element>(shape: impl IntoShape, chunks: impl Into<ChunkSpec>) -> Result<Array<T>> {
    filled(shape, chunks, Scalar::Int(0), "empty_like")
}

/// A chunked array over an in-memory ndarray (`da.from_array`); the data is shared, not copied.
///
/// ```
/// let data = ndarray::Array2::<f64>::ones((4, 6)).into_dyn();
/// let x = tessera::from_array(data, [2, 3]).unwrap();
/// assert_eq!(x.npartitions(), 4);
/// ```
pub fn from_array<T: Element>(
    data: impl Into<ndarray::ArcArray<T, ndarray::IxDyn>>,
    chunks: impl Into<ChunkSpec>,
) -> Result<Array<T>> {
    let data = data.into();
    let limit = config::get()?.chunk_size;
    let chunks = normalize_chunks(
        &chunks.into(),
        Some(data.shape()),
        Some(limit),
        Some(T::DTYPE),
        None,
    )?;
    Array::from_expr(tessera_ops::from_array::from_array(data, chunks)?)
}

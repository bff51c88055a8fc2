//! Creation functions: `ones`, `zeros`, `full`, `empty`.

use tessera_chunk_core::{ChunkSpec, Element};

use crate::chunking::new_chunks;
use tessera_ops::{creation, Scalar};

use crate::array::Array;
use crate::shape::IntoShape;

fn filled<T: Element>(
    shape: impl IntoShape,
    chunks: impl Into<ChunkSpec>,
    value: Scalar,
    label: &str,
) -> Array<T> {
    let shape = shape.into_shape();
    let chunks = chunks.into();
    Array::source(label, || {
        let chunks = new_chunks(chunks, &shape, T::DTYPE)?;
        Ok(creation::full(chunks, T::DTYPE, value, label)?)
    })
}

/// An array of ones (`da.ones`).
///
/// ```
/// let x = tessera::ones::<f64>([1000, 1000], "auto");
/// assert_eq!(x.chunksize(), vec![1000, 1000]);
/// ```
pub fn ones<T: Element>(shape: impl IntoShape, chunks: impl Into<ChunkSpec>) -> Array<T> {
    filled(shape, chunks, Scalar::Int(1), "ones_like")
}

/// An array of zeros (`da.zeros`).
pub fn zeros<T: Element>(shape: impl IntoShape, chunks: impl Into<ChunkSpec>) -> Array<T> {
    filled(shape, chunks, Scalar::Int(0), "zeros_like")
}

/// An array filled with `value` (`da.full`).
pub fn full<T: Element>(shape: impl IntoShape, value: T, chunks: impl Into<ChunkSpec>) -> Array<T> {
    filled(shape, chunks, Scalar::of(value), "full_like")
}

/// An array whose values are unspecified (`da.empty`); tessera fills it with zeros.
pub fn empty<T: Element>(shape: impl IntoShape, chunks: impl Into<ChunkSpec>) -> Array<T> {
    filled(shape, chunks, Scalar::Int(0), "empty_like")
}

/// A 2-d array with ones on the `k`-th diagonal and zeros elsewhere
/// (`da.eye(n, chunks, M=m, k=k)`; `m` defaults to `n`). As in Dask the
/// chunks are square: one length, the first that `chunks` gives for the
/// `(n, m)` array, along both axes.
///
/// ```
/// let x = tessera::eye::<f64>(5, None, 1, 2);
/// assert_eq!(x.chunks().axes(), &[vec![2, 2, 1], vec![2, 2, 1]]);
/// assert_eq!(x.compute().unwrap()[[0, 1]], 1.0);
/// assert_eq!(x.sum().compute_scalar().unwrap(), 4.0);
/// ```
pub fn eye<T: Element>(
    n: usize,
    m: Option<usize>,
    k: i64,
    chunks: impl Into<ChunkSpec>,
) -> Array<T> {
    let m = m.unwrap_or(n);
    let chunks = chunks.into();
    Array::source("eye", || {
        let grid = new_chunks(chunks, &[n, m], T::DTYPE)?;
        let chunk = grid.axis(0).first().copied().unwrap_or(0);
        let chunk = if chunk == 0 {
            grid.axis(1).first().copied().unwrap_or(1)
        } else {
            chunk
        };
        Ok(creation::eye(n, m, k, chunk.max(1), T::DTYPE)?)
    })
}

/// A chunked array over an in-memory ndarray (`da.from_array`); the data is shared, not copied.
///
/// ```
/// let data = ndarray::Array2::<f64>::ones((4, 6)).into_dyn();
/// let x = tessera::from_array(data, [2, 3]);
/// assert_eq!(x.npartitions(), 4);
/// ```
pub fn from_array<T: Element>(
    data: impl Into<ndarray::ArcArray<T, ndarray::IxDyn>>,
    chunks: impl Into<ChunkSpec>,
) -> Array<T> {
    let data = data.into();
    let chunks = chunks.into();
    Array::source("from_array", || {
        let chunks = new_chunks(chunks, data.shape(), T::DTYPE)?;
        Ok(tessera_ops::from_array::from_array(data, chunks)?)
    })
}

fn range_array<T: Element>(
    len: usize,
    (start, step, last): (f64, f64, Option<f64>),
    chunks: ChunkSpec,
    label: &str,
) -> Array<T> {
    Array::source(label, || {
        let chunks = new_chunks(chunks, &[len], T::DTYPE)?;
        Ok(creation::range(chunks, start, step, last, T::DTYPE, label)?)
    })
}

/// Evenly spaced values in `[start, stop)` with `step` (`da.arange`).
///
/// ```
/// let x = tessera::arange::<i64>(0.0, 10.0, 3.0, 2);
/// assert_eq!(x.compute().unwrap().into_raw_vec_and_offset().0, vec![0, 3, 6, 9]);
/// ```
pub fn arange<T: Element>(
    start: f64,
    stop: f64,
    step: f64,
    chunks: impl Into<ChunkSpec>,
) -> Array<T> {
    if step == 0.0 || !step.is_finite() {
        return Array::failed(
            tessera_ops::Error::InvalidArgument {
                op: "arange".into(),
                reason: format!("step must be a finite non-zero number, got {step}"),
            }
            .into(),
        );
    }
    let len = ((stop - start) / step).ceil().max(0.0) as usize;
    range_array(len, (start, step, None), chunks.into(), "arange")
}

/// `num` evenly spaced values from `start` to `stop` inclusive (`da.linspace`).
pub fn linspace<T: Element>(
    start: f64,
    stop: f64,
    num: usize,
    chunks: impl Into<ChunkSpec>,
) -> Array<T> {
    let step = if num > 1 {
        (stop - start) / (num - 1) as f64
    } else {
        0.0
    };
    // The last value is `stop` exactly, as NumPy's (the sum can miss it by rounding).
    let last = (num > 1).then_some(stop);
    range_array(num, (start, step, last), chunks.into(), "linspace")
}

/// Ones with the shape and chunks of `like` (`da.ones_like`).
pub fn ones_like<T: Element, U: Element>(like: &Array<U>) -> Array<T> {
    filled_like(like, Scalar::Int(1), "ones_like")
}

/// Zeros with the shape and chunks of `like` (`da.zeros_like`).
pub fn zeros_like<T: Element, U: Element>(like: &Array<U>) -> Array<T> {
    filled_like(like, Scalar::Int(0), "zeros_like")
}

/// Unspecified values with the shape and chunks of `like` (`da.empty_like`);
/// tessera fills it with zeros.
pub fn empty_like<T: Element, U: Element>(like: &Array<U>) -> Array<T> {
    filled_like(like, Scalar::Int(0), "empty_like")
}

/// `value` with the shape and chunks of `like` (`da.full_like`).
pub fn full_like<T: Element, U: Element>(like: &Array<U>, value: T) -> Array<T> {
    filled_like(like, Scalar::of(value), "full_like")
}

/// `value` as a `T` with the shape and chunks of `like`.
fn filled_like<T: Element, U: Element>(like: &Array<U>, value: Scalar, label: &str) -> Array<T> {
    like.then(label, |x| {
        Ok(creation::full(x.chunks().clone(), T::DTYPE, value, label)?)
    })
}

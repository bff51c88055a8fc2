//! Random arrays from a seed (`da.random`): a counter-based generator, so the
//! same seed gives the same values whatever the chunking and the scheduler.
//!
//! ```
//! use tessera::random;
//! let a = random::normal(10.0, 0.1, [100, 100], [30, 40], 7);
//! let b = random::normal(10.0, 0.1, [100, 100], 100, 7);
//! assert_eq!(a.compute().unwrap(), b.compute().unwrap());
//! ```

use tessera_chunk_core::ChunkSpec;

use crate::chunking::new_chunks;
use tessera_ops::{random, Distribution};

use crate::array::Array;
use crate::shape::IntoShape;

fn draw<T: tessera_chunk_core::Element>(
    dist: Distribution,
    label: &str,
    shape: impl IntoShape,
    chunks: impl Into<ChunkSpec>,
    seed: u64,
) -> Array<T> {
    let shape = shape.into_shape();
    let chunks = chunks.into();
    Array::source(label, || {
        let chunks = new_chunks(chunks, &shape, T::DTYPE)?;
        Ok(random::random(chunks, dist, seed, label)?)
    })
}

/// Uniform floats in `[0, 1)` (`da.random.random`).
pub fn random(shape: impl IntoShape, chunks: impl Into<ChunkSpec>, seed: u64) -> Array<f64> {
    draw(
        Distribution::Uniform {
            low: 0.0,
            high: 1.0,
        },
        "random_sample",
        shape,
        chunks,
        seed,
    )
}

/// Uniform floats in `[low, high)` (`da.random.uniform`).
pub fn uniform(
    low: f64,
    high: f64,
    shape: impl IntoShape,
    chunks: impl Into<ChunkSpec>,
    seed: u64,
) -> Array<f64> {
    draw(
        Distribution::Uniform { low, high },
        "uniform",
        shape,
        chunks,
        seed,
    )
}

/// Normal floats with mean `loc` and standard deviation `scale` (`da.random.normal`).
pub fn normal(
    loc: f64,
    scale: f64,
    shape: impl IntoShape,
    chunks: impl Into<ChunkSpec>,
    seed: u64,
) -> Array<f64> {
    draw(
        Distribution::Normal { loc, scale },
        "normal",
        shape,
        chunks,
        seed,
    )
}

/// Standard normal floats (`da.random.standard_normal`).
pub fn standard_normal(
    shape: impl IntoShape,
    chunks: impl Into<ChunkSpec>,
    seed: u64,
) -> Array<f64> {
    draw(
        Distribution::Normal {
            loc: 0.0,
            scale: 1.0,
        },
        "standard_normal",
        shape,
        chunks,
        seed,
    )
}

/// Uniform integers in `[low, high)` (`Generator.integers`).
pub fn integers(
    low: i64,
    high: i64,
    shape: impl IntoShape,
    chunks: impl Into<ChunkSpec>,
    seed: u64,
) -> Array<i64> {
    draw(
        Distribution::Integers { low, high },
        "integers",
        shape,
        chunks,
        seed,
    )
}

//! `RandomBlock`: one block of a random array, from the counter-based generator.

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError, Params};

use super::counter_rng::{key_of, ElementStream};
use super::json_params;

/// A distribution to draw from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Distribution {
    /// Uniform floats in `[low, high)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (excluded).
        high: f64,
    },
    /// Normal floats.
    Normal {
        /// Mean.
        loc: f64,
        /// Standard deviation.
        scale: f64,
    },
    /// Uniform integers in `[low, high)`.
    Integers {
        /// Lower bound.
        low: i64,
        /// Upper bound (excluded).
        high: i64,
    },
}

/// The block of the array `shape` starting at `offset`, of shape `block`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RandomBlock {
    /// What to draw.
    pub dist: Distribution,
    /// The seed.
    pub seed: u64,
    /// The whole array's shape (element `g` is the C-order flat index in it).
    pub shape: Vec<usize>,
    /// Where the block starts (coordinates of its first element in the whole array).
    pub offset: Vec<usize>,
    /// The block's shape.
    pub block: Vec<usize>,
    /// The stride between the block's elements along each axis, in elements of
    /// the whole array (1 for a plain block; other values for a pushed-down slice).
    #[serde(default)]
    pub steps: Vec<i64>,
}

impl RandomBlock {
    /// Fill a block with `draw(stream)` per element, visiting rows of the last axis.
    fn fill<T: Clone + Default>(
        &self,
        draw: impl Fn(&mut ElementStream) -> T,
    ) -> Result<ArrayD<T>, KernelError> {
        let key = key_of(self.seed);
        let n: usize = self.block.iter().product();
        let mut out = Vec::with_capacity(n);
        let ndim = self.shape.len();
        let row = self.block.last().copied().unwrap_or(1);
        // Strides of the whole array, to turn block coordinates into flat indices.
        let mut strides = vec![1u64; ndim];
        for k in (0..ndim.saturating_sub(1)).rev() {
            strides[k] = strides[k + 1] * self.shape[k + 1] as u64;
        }
        if n > 0 {
            let rows = n / row.max(1);
            let outer = &self.block[..ndim.saturating_sub(1)];
            let mut idx = vec![0usize; outer.len()];
            for _ in 0..rows {
                let step = |k: usize| self.steps.get(k).copied().unwrap_or(1);
                let coord =
                    |k: usize, i: usize| (self.offset[k] as i64 + i as i64 * step(k)) as u64;
                let mut g: u64 = idx
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| coord(k, i) * strides[k])
                    .sum();
                if ndim > 0 {
                    g += self.offset[ndim - 1] as u64;
                    let last = step(ndim - 1);
                    if last == 1 {
                        out.extend(
                            (g..g + row as u64).map(|e| draw(&mut ElementStream::with_key(key, e))),
                        );
                    } else {
                        out.extend((0..row as i64).map(|i| {
                            draw(&mut ElementStream::with_key(
                                key,
                                (g as i64 + i * last) as u64,
                            ))
                        }));
                    }
                } else {
                    out.push(draw(&mut ElementStream::with_key(key, g)));
                }
                for k in (0..idx.len()).rev() {
                    idx[k] += 1;
                    if idx[k] < outer[k] {
                        break;
                    }
                    idx[k] = 0;
                }
            }
        }
        ArrayD::from_shape_vec(IxDyn(&self.block), out).map_err(|e| KernelError::new(e.to_string()))
    }
}

impl Kernel for RandomBlock {
    fn id(&self) -> &str {
        "tessera.random"
    }
    fn params(&self) -> Params {
        json_params(self)
    }
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        Ok(match self.dist {
            Distribution::Uniform { low, high } => {
                Block::from_array(self.fill(|s| low + (high - low) * s.uniform())?)
            }
            Distribution::Normal { loc, scale } => {
                Block::from_array(self.fill(|s| loc + scale * s.normal())?)
            }
            Distribution::Integers { low, high } => {
                let span = high.wrapping_sub(low) as u64;
                Block::from_array(self.fill(|s| low.wrapping_add(s.below(span) as i64))?)
            }
        })
    }
    fn is_cheap(&self) -> bool {
        true
    }
}

//! `RandomBlock`: one block of a random array, from the counter-based generator.

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tessera_chunk_core::Block;

use tessera_graph::{Kernel, KernelError, KernelRef, RowTiling};

use crate::random::counter_rng::{key_of, normal_row, uniform_row, words_row, ElementStream};

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

/// A block of shape `block` whose element at block position `i` is element
/// `origin + Σ i[k] * steps[k]` (C-order flat index) of the whole random
/// array. Plain blocks, strided slices and transposes are all such views.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RandomBlock {
    /// What to draw.
    pub dist: Distribution,
    /// The seed.
    pub seed: u64,
    /// Flat index of the block's first element in the whole array.
    pub origin: i64,
    /// The block's shape.
    pub block: Vec<usize>,
    /// Per block axis, the flat-index step between neighbouring elements.
    pub steps: Vec<i64>,
}

impl RandomBlock {
    /// Fill a block row by row (rows of the last axis): `row(first flat index, step, out)`.
    fn fill<T: Clone + Default>(
        &self,
        row: impl Fn(u64, u64, &mut [T]),
    ) -> Result<ArrayD<T>, KernelError> {
        if self.steps.len() != self.block.len() {
            return Err(KernelError::new(format!(
                "random block of rank {} given {} steps",
                self.block.len(),
                self.steps.len()
            )));
        }
        let n: usize = self.block.iter().product();
        let mut out = vec![T::default(); n];
        let (outer, last) = match self.block.split_last() {
            Some((&len, outer)) => (outer, (len, self.steps[self.block.len() - 1])),
            None => (&[][..], (1, 0)),
        };
        if n > 0 {
            let mut idx = vec![0usize; outer.len()];
            for chunk in out.chunks_mut(last.0) {
                // Stream positions are counted modulo 2^64, as the counter RNG
                // keys them (`wrapping_add` there): the same in debug and release.
                // For a checked shape (ops::random) they never actually wrap.
                let g: i64 = idx
                    .iter()
                    .zip(&self.steps)
                    .fold(self.origin, |acc, (&i, &s)| {
                        acc.wrapping_add((i as i64).wrapping_mul(s))
                    });
                row(g as u64, last.1 as u64, chunk);
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

    /// Fill with `draw` per element from its stream (the first word made in bulk).
    fn fill_streams<T: Clone + Default>(
        &self,
        draw: impl Fn(&mut ElementStream) -> T,
    ) -> Result<ArrayD<T>, KernelError> {
        let key = key_of(self.seed);
        self.fill(|g, step, out: &mut [T]| {
            let mut words = vec![0u64; out.len()];
            words_row(key, g, step, &mut words);
            for (o, w) in out.iter_mut().zip(words) {
                *o = draw(&mut ElementStream::from_word(w));
            }
        })
    }
}

crate::kernel::kernel_id!(RandomBlock, "tessera.random");

impl Kernel for RandomBlock {
    crate::kernel::json_kernel!();
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        Ok(match self.dist {
            Distribution::Uniform { low, high } => {
                let key = key_of(self.seed);
                Block::from_array(self.fill(|g, step, out: &mut [f64]| {
                    uniform_row(key, g, step, low, high - low, out)
                })?)
            }
            Distribution::Normal { loc, scale } => {
                let key = key_of(self.seed);
                Block::from_array(
                    self.fill(|g, step, out: &mut [f64]| {
                        normal_row(key, g, step, loc, scale, out)
                    })?,
                )
            }
            Distribution::Integers { low, high } => {
                let span = high.wrapping_sub(low) as u64;
                Block::from_array(self.fill_streams(|s| low.wrapping_add(s.below(span) as i64))?)
            }
        })
    }
    fn is_cheap(&self) -> bool {
        true
    }
    fn row_tiling(&self) -> RowTiling {
        if self.block.is_empty() {
            return RowTiling::No;
        }
        RowTiling::Source(self.block.clone())
    }
    fn rows(&self, start: usize, len: usize) -> Option<KernelRef> {
        let mut block = self.block.clone();
        *block.first_mut()? = len;
        let origin = self
            .origin
            .wrapping_add((start as i64).wrapping_mul(*self.steps.first()?));
        Some(Arc::new(RandomBlock {
            origin,
            block,
            ..self.clone()
        }))
    }
}

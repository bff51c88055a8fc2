//! `repeat` and `tile`. `repeat` follows Dask's plan: each chunk along the
//! axis is cut into up to `repeats - 1` slabs at `linspace(start, stop,
//! repeats).round()`, and each slab, repeated, is one output chunk, so no
//! output chunk grows past about twice an input chunk. tessera builds the
//! slabs in one layer (Dask slices, maps and concatenates: the same chunks).
//! `tile` is Dask's: `block` over nested copies of the array.

use std::sync::Arc;

use ndarray::Axis;
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{normalize_axis, with_block, Block, Chunks, IndexItem};
use tessera_graph::{BlockTasks, GeneralLayer, Kernel, KernelError, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::indexing::{block, slicing::getitem, Nested};
use crate::reshape::join::ravel;
use crate::scalar::Scalar;

/// Positions `start..stop` of a block along `axis`, each repeated `repeats` times.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RepeatSlab {
    /// The repeated axis.
    pub axis: usize,
    /// First position of the slab in the block.
    pub start: usize,
    /// One past the last.
    pub stop: usize,
    /// Copies of each position.
    pub repeats: usize,
    /// Copies of each position one by one (`np.repeat` with a list of
    /// counts), overriding `repeats` when not empty: one per position of the slab.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<usize>,
}

crate::kernel::kernel_id!(RepeatSlab, "tessera.repeat");

impl Kernel for RepeatSlab {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        let len = a.shape().get(self.axis).copied().unwrap_or(0);
        let counted = !self.counts.is_empty() && self.counts.len() != self.stop - self.start;
        if self.axis >= a.shape().len() || self.stop > len || self.start > self.stop || counted {
            return Err(KernelError::new(format!(
                "repeat: slab {}..{} along axis {} does not fit a block of shape {:?}",
                self.start,
                self.stop,
                self.axis,
                a.shape()
            )));
        }
        let picks: Vec<usize> = (self.start..self.stop)
            .flat_map(|i| {
                let n = self.counts.get(i - self.start).copied();
                std::iter::repeat_n(i, n.unwrap_or(self.repeats))
            })
            .collect();
        Ok(with_block!(a, x => Block::from_array(x.select(Axis(self.axis), &picks))))
    }
}

/// The most copies `tile` assembles (one graph node each).
const MAX_TILE_COPIES: usize = 1 << 20;

/// One slab: input block (along the axis) and positions inside it.
type Slab = (usize, usize, usize);

#[derive(Debug)]
struct RepeatTasks {
    axis: usize,
    repeats: usize,
    slabs: Vec<Slab>,
    /// Per position of the axis, its count (`repeat_counts`); empty for one `repeats`.
    counts: Vec<usize>,
    /// Each input block's first position along the axis.
    offsets: Vec<usize>,
}

impl BlockTasks for RepeatTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let name = tessera_graph::input_name(inputs, 0)?;
        let &(b, start, stop) =
            self.slabs
                .get(index[self.axis])
                .ok_or_else(|| tessera_graph::Error::NoSuchBlock {
                    layer: "repeat".into(),
                    index: index.to_vec(),
                    grid: vec![self.slabs.len()],
                })?;
        let mut source = index.to_vec();
        source[self.axis] = b;
        let counts = if self.counts.is_empty() {
            Vec::new()
        } else {
            let at = self.offsets.get(b).copied().unwrap_or(0);
            self.counts
                .get(at + start..at + stop)
                .unwrap_or_default()
                .to_vec()
        };
        let kernel = RepeatSlab {
            axis: self.axis,
            start,
            stop,
            repeats: self.repeats,
            counts,
        };
        Ok((Arc::new(kernel), vec![Key::new(name, source)]))
    }
    crate::kernel::as_any!();
}

/// NumPy's `linspace(start, stop, num)` rounded half to even, as Dask cuts slabs.
fn rounded_linspace(start: usize, stop: usize, num: usize) -> Vec<f64> {
    let (a, b) = (start as f64, stop as f64);
    let step = (b - a) / (num - 1) as f64;
    let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + a).collect();
    if let Some(last) = v.last_mut() {
        *last = b;
    }
    v.iter().map(|x| x.round_ties_even()).collect()
}

/// Dask's slabs of each chunk along the axis (block, local start, local stop).
fn slabs(chunks: &[usize], repeats: usize) -> Vec<Slab> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (b, &c) in chunks.iter().enumerate() {
        if repeats > c {
            // Cut points less than 1 apart, rounded, step through every
            // integer: each element is a slab of its own (and no `repeats`
            // long list of cut points is made for a large `repeats`).
            out.extend((0..c).map(|i| (b, i, i + 1)));
            offset += c;
            continue;
        }
        let cuts = rounded_linspace(offset, offset + c, repeats);
        for w in cuts.windows(2) {
            if w[0] != w[1] {
                out.push((b, w[0] as usize - offset, w[1] as usize - offset));
            }
        }
        offset += c;
    }
    out
}

/// `da.repeat(x, repeats, axis)`: each element repeated `repeats` times along
/// `axis`; `None` repeats the flattened array (NumPy; Dask only accepts it
/// for 1-d arrays).
pub fn repeat(x: &Expr, repeats: usize, axis: Option<i64>) -> Result<Expr> {
    let (x, axis) = match axis {
        Some(a) => (x.clone(), normalize_axis(a, x.ndim())?),
        None => (ravel(x)?, 0),
    };
    if repeats == 0 || x.shape()[axis] == 0 {
        // Nothing to repeat: the axis is empty (Dask fails on an empty axis; NumPy does not).
        let mut index = vec![IndexItem::full(); x.ndim()];
        index[axis] = IndexItem::range(0, 0);
        return getitem(&x, &index);
    }
    if repeats == 1 {
        return Ok(x);
    }
    x.shape()[axis]
        .checked_mul(repeats)
        .ok_or_else(|| Error::InvalidArgument {
            op: "repeat".into(),
            reason: format!(
                "{} elements repeated {repeats} times overflow",
                x.shape()[axis]
            ),
        })?;
    let plan = slabs(x.chunks().axis(axis), repeats);
    let mut axes = x.chunks().axes().to_vec();
    axes[axis] = plan.iter().map(|&(_, s, e)| (e - s) * repeats).collect();
    let chunks = Chunks::new(axes)?;
    let tasks = RepeatTasks {
        axis,
        repeats,
        slabs: plan,
        counts: Vec::new(),
        offsets: x.chunks().offsets(axis),
    };
    Ok(repeat_layer(&x, chunks, tasks))
}

fn repeat_layer(x: &Expr, chunks: Chunks, tasks: RepeatTasks) -> Expr {
    Expr::new(GeneralLayer::new(
        "repeat",
        LayerKind::Other,
        chunks,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(tasks),
    ))
}

/// `np.repeat(x, counts, axis)` with one count per position of the axis (a
/// single count repeats every position that often; `None` flattens first).
/// Dask has no such form; each input chunk gives one output chunk of its
/// positions' repeats (chunks that repeat nothing are left out).
pub fn repeat_counts(x: &Expr, counts: &[usize], axis: Option<i64>) -> Result<Expr> {
    let (x, axis) = match axis {
        Some(a) => (x.clone(), normalize_axis(a, x.ndim())?),
        None => (ravel(x)?, 0),
    };
    if let [one] = counts {
        return repeat(&x, *one, Some(axis as i64));
    }
    let len = x.shape()[axis];
    if counts.len() != len {
        return Err(Error::InvalidArgument {
            op: "repeat".into(),
            reason: format!(
                "{} counts for an axis of length {len}; give one count per position, or a single count",
                counts.len()
            ),
        });
    }
    let overflow = || Error::InvalidArgument {
        op: "repeat".into(),
        reason: "the repeated length overflows".into(),
    };
    let offsets = x.chunks().offsets(axis);
    let mut plan = Vec::new();
    let mut lengths = Vec::new();
    for (b, &c) in x.chunks().axis(axis).iter().enumerate() {
        let total = counts[offsets[b]..offsets[b] + c]
            .iter()
            .try_fold(0usize, |a, &n| a.checked_add(n))
            .ok_or_else(overflow)?;
        if total > 0 {
            plan.push((b, 0, c));
            lengths.push(total);
        }
    }
    if plan.is_empty() {
        let mut index = vec![IndexItem::full(); x.ndim()];
        index[axis] = IndexItem::range(0, 0);
        return getitem(&x, &index);
    }
    let mut axes = x.chunks().axes().to_vec();
    axes[axis] = lengths;
    let chunks = Chunks::new(axes)?;
    let tasks = RepeatTasks {
        axis,
        repeats: 0,
        slabs: plan,
        counts: counts.to_vec(),
        offsets,
    };
    Ok(repeat_layer(&x, chunks, tasks))
}

/// `da.tile(x, reps)`: `block` over `reps` nested copies (a rep of 0 gives an
/// empty array of the tiled shape, as Dask's `empty`).
pub fn tile(x: &Expr, reps: &[usize]) -> Result<Expr> {
    if reps.contains(&0) {
        // Dask's `empty(shape_out)`: nothing to read, one chunk (the array
        // holds no element, so Dask's automatic chunks are whole axes too).
        let mut shape = x.shape();
        if shape.len() < reps.len() {
            let mut lead = vec![1; reps.len() - shape.len()];
            lead.extend(shape);
            shape = lead;
        }
        let off = shape.len() - reps.len();
        for (k, &r) in reps.iter().enumerate() {
            shape[k + off] =
                shape[k + off]
                    .checked_mul(r)
                    .ok_or_else(|| Error::InvalidArgument {
                        op: "tile".into(),
                        reason: format!(
                            "an axis of length {} tiled {r} times overflows",
                            shape[k + off]
                        ),
                    })?;
        }
        return crate::creation::full(
            Chunks::single(&shape),
            x.dtype(),
            Scalar::Int(0),
            "empty_like",
        );
    }
    // `block` builds one graph node per copy (as Dask does): refuse counts
    // that would not fit in memory rather than abort allocating them.
    let copies = reps.iter().try_fold(1usize, |a, &r| a.checked_mul(r));
    match copies {
        Some(c) if c <= MAX_TILE_COPIES => {}
        _ => {
            return Err(Error::InvalidArgument {
                op: "tile".into(),
                reason: format!(
                    "reps {reps:?} make more than {MAX_TILE_COPIES} copies, one graph node each; tile in steps or use broadcast_to and reshape"
                ),
            })
        }
    }
    let mut nested = Nested::Array(x.clone());
    for &r in reps.iter().rev() {
        nested = Nested::List(vec![nested; r]);
    }
    block(&nested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slabs_follow_dasks_rounded_linspace() {
        // linspace(0, 5, 3) = [0, 2.5, 5] rounds to [0, 2, 5] (half to even).
        assert_eq!(slabs(&[5], 3), vec![(0, 0, 2), (0, 2, 5)]);
        // Repeats beyond the chunk length give slabs of one element.
        assert_eq!(slabs(&[2], 5), vec![(0, 0, 1), (0, 1, 2)]);
        assert_eq!(slabs(&[3, 2], 2), vec![(0, 0, 3), (1, 0, 2)]);
        // The shortcut for many repeats agrees with the cut points it skips.
        for c in 1..12 {
            for r in c + 1..c + 8 {
                let mut by_cuts = Vec::new();
                let cuts = rounded_linspace(0, c, r);
                for w in cuts.windows(2).filter(|w| w[0] != w[1]) {
                    by_cuts.push((0, w[0] as usize, w[1] as usize));
                }
                assert_eq!(slabs(&[c], r), by_cuts, "{c} {r}");
            }
        }
    }
}

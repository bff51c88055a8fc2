//! `TopkBlock`: the |k| largest (k > 0) or smallest (k < 0) elements of each
//! lane along an axis. Chunk and combine steps keep them in any order (Dask's
//! `chunk.topk`); the aggregate sorts them, descending for k > 0 (Dask's
//! `chunk.topk_aggregate`). NaN counts as the largest value, as in NumPy's sort.

use std::cmp::Ordering;

use ndarray::{ArcArray, ArrayD, Axis, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, Element};
use tessera_graph::{Kernel, KernelError};

/// Ascending order with NaN after everything (NumPy's sort order).
#[allow(clippy::eq_op)]
pub fn total_cmp<T: PartialOrd>(a: &T, b: &T) -> Ordering {
    a.partial_cmp(b).unwrap_or_else(|| {
        let (a_nan, b_nan) = (a != a, b != b);
        a_nan.cmp(&b_nan)
    })
}

fn top_lanes<T: Element + PartialOrd>(
    parts: &[Block],
    k: i64,
    axis: usize,
    sorted: bool,
) -> Result<Block, KernelError> {
    let views = parts
        .iter()
        .map(|p| p.as_array::<T>().map(|a| a.view()))
        .collect::<Result<Vec<_>, _>>()?;
    let joined = ndarray::concatenate(Axis(axis), &views).map_err(|e| {
        KernelError::new(format!("topk: blocks do not join along axis {axis}: {e}"))
    })?;
    let len = joined.shape()[axis];
    let keep = (k.unsigned_abs() as usize).min(len);
    // Lanes along the last axis, contiguous.
    let last = joined.ndim() - 1;
    let mut moved = joined;
    moved.swap_axes(axis, last);
    let moved = moved.as_standard_layout().into_owned();
    let mut out_shape = moved.shape().to_vec();
    out_shape[last] = keep;
    let flat = moved
        .as_slice()
        .ok_or_else(|| KernelError::new("topk: lanes are not contiguous"))?;
    let mut out = Vec::with_capacity(out_shape.iter().product());
    if len > 0 {
        for lane in flat.chunks(len) {
            let mut lane = lane.to_vec();
            // Largest first for k > 0, smallest first for k < 0.
            let order = |a: &T, b: &T| {
                if k > 0 {
                    total_cmp(b, a)
                } else {
                    total_cmp(a, b)
                }
            };
            if sorted {
                lane.sort_by(order);
            } else if keep < len {
                lane.select_nth_unstable_by(keep, order);
            }
            out.extend_from_slice(&lane[..keep]);
        }
    }
    let mut result = ArrayD::from_shape_vec(IxDyn(&out_shape), out)
        .map_err(|e| KernelError::new(e.to_string()))?;
    result.swap_axes(axis, last);
    Ok(Block::from_array(result.as_standard_layout().into_owned()))
}

/// Keep the top |k| of each lane along `axis` of the joined input blocks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopkBlock {
    /// How many to keep: the largest for k > 0, the smallest for k < 0.
    pub k: i64,
    /// The axis.
    pub axis: usize,
    /// Whether this is the aggregate step (which sorts).
    pub sorted: bool,
}

crate::kernel::kernel_id!(TopkBlock, "tessera.topk");

impl Kernel for TopkBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let Some(first) = inputs.first() else {
            return Err(KernelError::new("topk got no input blocks"));
        };
        if self.axis >= first.shape().len() {
            return Err(KernelError::new(format!(
                "topk axis {} is out of bounds for a block of shape {:?}",
                self.axis,
                first.shape()
            )));
        }
        let (k, axis, sorted) = (self.k, self.axis, self.sorted);
        crate::with_numeric_block!(first, x => top_of(x, inputs, k, axis, sorted), bool => match first {
            Block::Bool(_) => top_lanes::<bool>(inputs, k, axis, sorted),
            other => Err(KernelError::new(format!("topk of {} blocks is not supported (complex numbers are not ordered)", other.dtype()))),
        })
    }
}

/// `top_lanes` for the element type of `_like`.
fn top_of<T: Element + PartialOrd>(
    _like: &ArcArray<T, IxDyn>,
    parts: &[Block],
    k: i64,
    axis: usize,
    sorted: bool,
) -> Result<Block, KernelError> {
    top_lanes::<T>(parts, k, axis, sorted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lanes(k: i64, sorted: bool, parts: &[&[f64]]) -> Vec<f64> {
        let blocks: Vec<Block> = parts
            .iter()
            .map(|p| Block::from_array(ndarray::arr1(p).into_dyn()))
            .collect();
        let out = TopkBlock { k, axis: 0, sorted }.run(&blocks).unwrap();
        out.as_array::<f64>().unwrap().iter().copied().collect()
    }

    #[test]
    fn joins_parts_and_keeps_the_top() {
        assert_eq!(lanes(2, true, &[&[1.0, 5.0], &[3.0, 4.0]]), vec![5.0, 4.0]);
        assert_eq!(
            lanes(-3, true, &[&[1.0, 5.0], &[3.0, 4.0]]),
            vec![1.0, 3.0, 4.0]
        );
        let mut unsorted = lanes(2, false, &[&[1.0, 5.0, 2.0, 4.0]]);
        unsorted.sort_by(total_cmp);
        assert_eq!(unsorted, vec![4.0, 5.0]);
        // Fewer elements than |k|: all of them.
        assert_eq!(lanes(3, true, &[&[2.0], &[1.0]]), vec![2.0, 1.0]);
        // NaN sorts last, so it is the largest.
        let top = lanes(1, true, &[&[1.0, f64::NAN]]);
        assert!(top[0].is_nan());
        assert_eq!(lanes(-1, true, &[&[f64::NAN, 1.0]]), vec![1.0]);
    }
}

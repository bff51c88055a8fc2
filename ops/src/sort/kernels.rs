//! The sort family's kernels: the sort of one chunk along the axis, the
//! merge that takes one output chunk's rank range from the sorted chunks of
//! its axis, and the per-block counts of `searchsorted`.

use ndarray::{ArcArray, ArrayD, ArrayView1, Axis, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_block, Block, Element};
use tessera_graph::{Kernel, KernelError};

use crate::sort::order::{ascending, merge, order, split, Run, SortKey};

fn check_axis(what: &str, axis: usize, shape: &[usize]) -> Result<(), KernelError> {
    if axis >= shape.len() {
        return Err(KernelError::new(format!(
            "{what}: axis {axis} is out of bounds for a block of shape {shape:?}"
        )));
    }
    Ok(())
}

/// What every sort task sorts by: the axis, the direction, and whether it
/// gives positions (argsort) rather than values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortBy {
    /// The sorted axis.
    pub axis: usize,
    /// Largest first.
    pub descending: bool,
    /// Give `i64` positions (argsort) rather than values.
    pub indices: bool,
}

/// One block sorted along `by.axis` (stable); with `by.indices`, the
/// positions (plus `offset`, the block's place along the axis) in sorted
/// order instead.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SortChunk {
    /// How to sort.
    #[serde(flatten)]
    pub by: SortBy,
    /// The block's first position along the axis in the whole array.
    pub offset: usize,
}

crate::kernel::kernel_id!(SortChunk, "tessera.sort_chunk");

impl Kernel for SortChunk {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        check_axis("sort", self.by.axis, a.shape())?;
        with_block!(a, x => Ok(sort_block(x, self)))
    }
}

fn sort_block<T: Element + SortKey>(x: &ArcArray<T, IxDyn>, k: &SortChunk) -> Block {
    let cmp = order::<T>(k.by.descending);
    let axis = Axis(k.by.axis);
    if !k.by.indices {
        let mut out = x.to_owned();
        for mut lane in out.lanes_mut(axis) {
            let mut v = lane.to_vec();
            v.sort_by(cmp);
            lane.assign(&ArrayView1::from(&v));
        }
        return Block::from_array(out);
    }
    let mut out = ArrayD::<i64>::zeros(x.raw_dim());
    for (lane, mut into) in x.lanes(axis).into_iter().zip(out.lanes_mut(axis)) {
        let mut order: Vec<usize> = (0..lane.len()).collect();
        order.sort_by(|&i, &j| cmp(&lane[i], &lane[j]));
        for (o, i) in into.iter_mut().zip(order) {
            *o = (i + k.offset) as i64;
        }
    }
    Block::from_array(out)
}

/// Ranks `start..stop` along `axis` of the stable merge of the sorted
/// blocks of one axis slab. Inputs: those blocks in axis order, then (with
/// `indices`) their argsort positions in the same order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MergeSorted {
    /// How to sort.
    #[serde(flatten)]
    pub by: SortBy,
    /// First rank of the output block.
    pub start: usize,
    /// One past its last rank.
    pub stop: usize,
}

crate::kernel::kernel_id!(MergeSorted, "tessera.merge_sorted");

impl Kernel for MergeSorted {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let k = if self.by.indices {
            inputs.len() / 2
        } else {
            inputs.len()
        };
        if k == 0 || (self.by.indices && !inputs.len().is_multiple_of(2)) {
            return Err(crate::kernel::arity(self.id(), k.max(1), inputs.len()));
        }
        let (values, positions) = inputs.split_at(k);
        for b in values {
            check_axis("sort", self.by.axis, b.shape())?;
        }
        with_block!(&values[0], _x => merge_block(_x, values, positions, self))
    }
}

fn typed<T: Element>(blocks: &[Block]) -> Result<Vec<&ArcArray<T, IxDyn>>, KernelError> {
    blocks
        .iter()
        .map(|b| {
            b.as_array::<T>()
                .map_err(|e| KernelError::new(e.to_string()))
        })
        .collect()
}

fn merge_block<T: Element + SortKey>(
    _first: &ArcArray<T, IxDyn>,
    values: &[Block],
    positions: &[Block],
    k: &MergeSorted,
) -> Result<Block, KernelError> {
    let axis = Axis(k.by.axis);
    let cmp = order::<T>(k.by.descending);
    let arrays = typed::<T>(values)?;
    let pos = typed::<i64>(positions)?;
    let lanes: Vec<Vec<Run<T>>> = arrays
        .iter()
        .map(|a| a.lanes(axis).into_iter().collect())
        .collect();
    let pos_lanes: Vec<Vec<ArrayView1<i64>>> = pos
        .iter()
        .map(|a| a.lanes(axis).into_iter().collect())
        .collect();
    let n_lanes = lanes[0].len();
    if lanes.iter().any(|l| l.len() != n_lanes) {
        return Err(KernelError::new(
            "sort: the blocks of one axis slab differ off the axis",
        ));
    }
    let mut shape = arrays[0].shape().to_vec();
    shape[k.by.axis] = k.stop.saturating_sub(k.start);
    let slab = Slab {
        lanes: &lanes,
        axis,
        shape: &shape,
        start: k.start,
        stop: k.stop,
    };
    if k.by.indices {
        let out = slab.merged(cmp, |_, r, l, p| pos_lanes[r][l][p]);
        return Ok(Block::from_array(out));
    }
    Ok(Block::from_array(
        slab.merged(cmp, |runs, r, _, p| runs[r][p]),
    ))
}

/// The sorted lanes of one axis slab, block by block, and the rank range
/// `start..stop` of them that one output block holds.
struct Slab<'a, 'b, T> {
    lanes: &'b [Vec<Run<'a, T>>],
    axis: Axis,
    shape: &'b [usize],
    start: usize,
    stop: usize,
}

impl<T: Copy> Slab<'_, '_, T> {
    /// The output block: for each lane, its ranks `start..stop` of the
    /// merge, each element given by `pick(runs, run, lane, position)`.
    fn merged<U: Clone + Default>(
        &self,
        cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Copy,
        pick: impl Fn(&[Run<T>], usize, usize, usize) -> U,
    ) -> ArrayD<U> {
        let mut out = ArrayD::<U>::default(IxDyn(self.shape));
        for (l, mut into) in out.lanes_mut(self.axis).into_iter().enumerate() {
            let runs: Vec<Run<T>> = self.lanes.iter().map(|ls| ls[l]).collect();
            let (from, to) = (split(&runs, self.start, cmp), split(&runs, self.stop, cmp));
            let mut slots = into.iter_mut();
            merge(&runs, &from, &to, cmp, |r, p| {
                if let Some(o) = slots.next() {
                    *o = pick(&runs, r, l, p);
                }
            });
        }
        out
    }
}

/// For each value of the second input, how many elements of the first (a
/// block of a sorted 1-d array) come before it: `< v` (`right == false`,
/// NumPy's `side="left"`) or `<= v`. The output gets a leading axis of length 1.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchBlock {
    /// NumPy's `side="right"`.
    pub right: bool,
}

crate::kernel::kernel_id!(SearchBlock, "tessera.searchsorted");

impl Kernel for SearchBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a, v] = crate::kernel::exactly(self.id(), inputs)?;
        with_block!(a, x => count_before(x, v, self.right))
    }
}

fn count_before<T: Element + SortKey>(
    a: &ArcArray<T, IxDyn>,
    v: &Block,
    right: bool,
) -> Result<Block, KernelError> {
    let v = v
        .as_array::<T>()
        .map_err(|e| KernelError::new(e.to_string()))?;
    let sorted: Vec<T> = a.iter().copied().collect();
    let mut shape = vec![1];
    shape.extend_from_slice(v.shape());
    let counts: Vec<i64> = v
        .iter()
        .map(|x| {
            sorted.partition_point(|s| match ascending(s, x) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Equal => right,
                std::cmp::Ordering::Greater => false,
            }) as i64
        })
        .collect();
    ArrayD::from_shape_vec(IxDyn(&shape), counts)
        .map(Block::from_array)
        .map_err(|e| KernelError::new(e.to_string()))
}

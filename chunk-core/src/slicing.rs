//! Basic indexing (`x[3, 1:8:2, None, ...]`) as chunk geometry: the output
//! chunks Dask gives, and for every output block the one input block it comes
//! from and what to take inside it, so a graph builder does no index
//! arithmetic of its own.
//!
//! The per-axis plan is computed once and output blocks are looked up on
//! demand, so planning costs O(blocks per axis), never O(total blocks).

use ndarray::SliceInfoElem;

use crate::chunks::{BlockIndices, Chunks, Shape};
use crate::error::{Error, Result};
use crate::index_item::IndexItem;

/// What to take from one input block along one input axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AxisSelection {
    /// The single element at this block-local position; the axis is dropped.
    Int(usize),
    /// `len` elements at block-local `start`, `start + step`, … (`step` may be
    /// negative; every position is inside the block).
    Range {
        /// Block-local position of the first element taken.
        start: usize,
        /// Stride between taken elements, never zero.
        step: i64,
        /// Number of elements taken.
        len: usize,
    },
}

impl AxisSelection {
    /// Number of elements taken (1 for an integer).
    pub fn len(&self) -> usize {
        match *self {
            AxisSelection::Int(_) => 1,
            AxisSelection::Range { len, .. } => len,
        }
    }

    /// Whether nothing is taken.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Block-local positions taken, in output order.
    pub fn positions(&self) -> impl Iterator<Item = usize> {
        let (start, step, len) = match *self {
            AxisSelection::Int(i) => (i as i128, 1i128, 1usize),
            AxisSelection::Range { start, step, len } => (start as i128, step as i128, len),
        };
        (0..len).map(move |k| (start + k as i128 * step) as usize)
    }

    /// The same selection as an ndarray slice element.
    ///
    /// ndarray applies a negative step from the *end* of the range, so the
    /// range is given as the span of the taken positions.
    pub fn slice_elem(&self) -> SliceInfoElem {
        match *self {
            AxisSelection::Int(i) => SliceInfoElem::Index(i as isize),
            AxisSelection::Range { len: 0, .. } => SliceInfoElem::Slice {
                start: 0,
                end: Some(0),
                step: 1,
            },
            AxisSelection::Range { start, step, len } => {
                let span = (len - 1) as i128 * step.unsigned_abs() as i128;
                let (lo, hi) = if step > 0 {
                    (start as i128, start as i128 + span + 1)
                } else {
                    (start as i128 - span, start as i128 + 1)
                };
                SliceInfoElem::Slice {
                    start: lo as isize,
                    end: Some(hi as isize),
                    step: step as isize,
                }
            }
        }
    }
}

/// Where an output axis comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputAxis {
    /// A new axis of length 1 (from `None`).
    New,
    /// This input axis, sliced.
    Input(usize),
}

/// One output block of a slice: the input block to read and what to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockSelection {
    /// Block index of the input array to read.
    pub input_block: Vec<usize>,
    /// Per input axis, what to take from that block.
    pub selection: Vec<AxisSelection>,
    /// The whole selection in index order, new axes included: pass to
    /// `ArrayBase::slice` on the input block to get the output block.
    pub elems: Vec<SliceInfoElem>,
}

/// How one input axis is cut: the (input block, selection) pieces in output order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AxisPlan {
    pieces: Vec<(usize, AxisSelection)>,
    /// False when an integer index drops the axis.
    kept: bool,
    /// The axis is taken whole, block for block (`:` or equivalent).
    full: bool,
}

/// The geometry of `x[index]`: output chunks and the block-to-block mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlicePlan {
    chunks: Chunks,
    axes: Vec<AxisPlan>,
    /// Index order after ellipsis expansion and padding (ints included).
    layout: Vec<OutputAxis>,
    output_axes: Vec<OutputAxis>,
    identity: bool,
}

impl SlicePlan {
    /// The chunks of the result.
    pub fn chunks(&self) -> &Chunks {
        &self.chunks
    }

    /// The shape of the result.
    pub fn shape(&self) -> Shape {
        self.chunks.shape()
    }

    /// Where each output axis comes from.
    pub fn output_axes(&self) -> &[OutputAxis] {
        &self.output_axes
    }

    /// Output axes that are new length-1 axes.
    pub fn new_axes(&self) -> Vec<usize> {
        let new = self.output_axes.iter().enumerate();
        new.filter(|(_, a)| **a == OutputAxis::New)
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether the index selects everything unchanged (Dask then returns the array itself).
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// The input block and selection that make output block `out_block`.
    pub fn block(&self, out_block: &[usize]) -> Result<BlockSelection> {
        self.chunks.check_block(out_block)?;
        let mut piece_of = vec![0usize; self.axes.len()];
        for (k, axis) in self.output_axes.iter().enumerate() {
            if let OutputAxis::Input(a) = *axis {
                piece_of[a] = out_block[k];
            }
        }
        let (input_block, selection): (Vec<usize>, Vec<AxisSelection>) = self
            .axes
            .iter()
            .zip(&piece_of)
            .map(|(plan, &p)| plan.pieces.get(p).copied().unwrap_or((0, empty_range())))
            .unzip();
        let elems = self
            .layout
            .iter()
            .map(|item| match *item {
                OutputAxis::New => SliceInfoElem::NewAxis,
                OutputAxis::Input(a) => selection[a].slice_elem(),
            })
            .collect();
        Ok(BlockSelection {
            input_block,
            selection,
            elems,
        })
    }

    /// Every output block index with its selection, in C order.
    pub fn blocks(&self) -> impl Iterator<Item = (Vec<usize>, BlockSelection)> + '_ {
        BlockIndices::new(self.chunks.numblocks())
            .filter_map(move |b| self.block(&b).ok().map(|s| (b, s)))
    }
}

const fn empty_range() -> AxisSelection {
    AxisSelection::Range {
        start: 0,
        step: 1,
        len: 0,
    }
}

/// Plan `x[index]` for an array with these chunks (basic indexing only).
///
/// Errors: more than one ellipsis, more indices than dimensions, an integer
/// out of bounds, a zero step.
///
/// ```
/// use tessera_chunk_core::{slice_plan, Chunks, IndexItem};
/// let c = Chunks::regular(&[10], &[3]).unwrap();
/// let p = slice_plan(&c, &[IndexItem::slice(Some(8), Some(2), Some(-2))]).unwrap();
/// assert_eq!(p.chunks().axes(), &[vec![2, 1]]);
/// ```
pub fn slice_plan(chunks: &Chunks, index: &[IndexItem]) -> Result<SlicePlan> {
    let layout_items = expand_index(index, chunks.ndim())?;
    let mut axes = Vec::with_capacity(chunks.ndim());
    let mut layout = Vec::with_capacity(layout_items.len());
    let mut output_axes = Vec::new();
    let mut out_chunks = Vec::new();
    let mut identity = true;
    for item in layout_items {
        let Some(item) = item else {
            layout.push(OutputAxis::New);
            output_axes.push(OutputAxis::New);
            out_chunks.push(vec![1]);
            identity = false;
            continue;
        };
        let axis = axes.len();
        layout.push(OutputAxis::Input(axis));
        let plan = plan_axis(chunks, axis, item)?;
        if plan.kept {
            output_axes.push(OutputAxis::Input(axis));
            out_chunks.push(plan.pieces.iter().map(|(_, s)| s.len()).collect());
        }
        identity &= plan.full;
        axes.push(plan);
    }
    Ok(SlicePlan {
        chunks: Chunks::new(out_chunks)?,
        axes,
        layout,
        output_axes,
        identity,
    })
}

/// Replace the ellipsis and pad with full slices: one entry per input axis
/// (`Some`) or new axis (`None`), in index order.
fn expand_index(index: &[IndexItem], ndim: usize) -> Result<Vec<Option<IndexItem>>> {
    let ellipses = index.iter().filter(|i| **i == IndexItem::Ellipsis).count();
    if ellipses > 1 {
        return Err(Error::MultipleEllipsis);
    }
    let given = index
        .iter()
        .filter(|i| !matches!(i, IndexItem::NewAxis | IndexItem::Ellipsis))
        .count();
    if given > ndim {
        return Err(Error::TooManyIndices { given, ndim });
    }
    let fill = ndim - given;
    let mut out = Vec::with_capacity(index.len() + fill);
    for item in index {
        match item {
            IndexItem::NewAxis => out.push(None),
            IndexItem::Ellipsis => out.extend((0..fill).map(|_| Some(IndexItem::full()))),
            other => out.push(Some(*other)),
        }
    }
    if ellipses == 0 {
        out.extend((0..fill).map(|_| Some(IndexItem::full())));
    }
    Ok(out)
}

/// Python's `slice.indices(len)` followed by the element count: (start, step, count).
/// i128 keeps every intermediate exact whatever i64 the user passed.
pub(crate) fn resolve_slice(
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
    len: usize,
) -> Result<(i128, i128, usize)> {
    let step = i128::from(step.unwrap_or(1));
    if step == 0 {
        return Err(Error::ZeroStep);
    }
    let len = len as i128;
    let (lower, upper) = if step > 0 { (0, len) } else { (-1, len - 1) };
    let clamp = |v: Option<i64>, default: i128| match v {
        None => default,
        Some(v) => {
            let v = i128::from(v);
            let v = if v < 0 { v + len } else { v };
            v.clamp(lower, upper)
        }
    };
    let (start, stop) = if step > 0 {
        (clamp(start, lower), clamp(stop, upper))
    } else {
        (clamp(start, upper), clamp(stop, lower))
    };
    let count = if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && stop < start {
        (start - stop - 1) / -step + 1
    } else {
        0
    };
    Ok((start, step, count as usize))
}

/// The position an integer index `i` (negative counts from the end) picks on
/// an axis of length `dim`, or the out-of-bounds error.
fn int_position(i: i64, axis: usize, dim: usize) -> Result<usize> {
    let pos = if i < 0 {
        i128::from(i) + dim as i128
    } else {
        i128::from(i)
    };
    if pos < 0 || pos >= dim as i128 {
        return Err(Error::IndexOutOfBounds {
            index: i,
            axis,
            len: dim,
        });
    }
    Ok(pos as usize)
}

/// Basic indexing as an affine map of positions, for arrays whose values
/// depend only on the element's position (random, constant, range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffineIndex {
    /// Per input axis: the position of the first selected element (an integer
    /// index's position for dropped axes).
    pub start: Vec<i64>,
    /// Per output axis: the input axis it walks (`None` for a new axis) and its step.
    pub axes: Vec<(Option<usize>, i64)>,
}

/// The affine form of `x[index]` for an array of `shape`: output element `i`
/// reads input position `start[a] + step * i[k]` along each walked axis `a`.
/// Errors as [`slice_plan`].
///
/// ```
/// use tessera_chunk_core::{affine_index, IndexItem};
/// let a = affine_index(&[10, 4], &[IndexItem::slice(None, None, Some(-2)), IndexItem::Int(1)]).unwrap();
/// assert_eq!(a.start, vec![9, 1]);
/// assert_eq!(a.axes, vec![(Some(0), -2)]);
/// ```
pub fn affine_index(shape: &[usize], index: &[IndexItem]) -> Result<AffineIndex> {
    let mut start = Vec::with_capacity(shape.len());
    let mut axes = Vec::new();
    for item in expand_index(index, shape.len())? {
        let axis = start.len();
        match item {
            None => axes.push((None, 0)),
            Some(IndexItem::Int(i)) => start.push(int_position(i, axis, shape[axis])? as i64),
            Some(IndexItem::Slice {
                start: s,
                stop,
                step,
            }) => {
                let (first, step, _) = resolve_slice(s, stop, step, shape[axis])?;
                start.push(first as i64);
                axes.push((Some(axis), step as i64));
            }
            // expand_index turns these into `None` entries or full slices.
            Some(IndexItem::NewAxis | IndexItem::Ellipsis) => axes.push((None, 0)),
        }
    }
    Ok(AffineIndex { start, axes })
}

fn plan_axis(chunks: &Chunks, axis: usize, item: IndexItem) -> Result<AxisPlan> {
    let lengths = chunks.axis(axis);
    let offsets = chunks.offsets(axis);
    let dim = offsets.last().copied().unwrap_or(0);
    // The block holding global position p (blocks are contiguous and sorted).
    let block_of = |p: usize| offsets.partition_point(|&o| o <= p).saturating_sub(1);
    match item {
        IndexItem::Int(i) => {
            let pos = int_position(i, axis, dim)?;
            let b = block_of(pos);
            Ok(AxisPlan {
                pieces: vec![(b, AxisSelection::Int(pos - offsets[b]))],
                kept: false,
                full: false,
            })
        }
        IndexItem::Slice { start, stop, step } => {
            let (first, step, count) = resolve_slice(start, stop, step, dim)?;
            // Dask keeps the input chunks, zero-length ones included, for `:`.
            if step == 1 && first == 0 && count == dim {
                let pieces = lengths
                    .iter()
                    .enumerate()
                    .map(|(b, &len)| (b, range(0, 1, len)))
                    .collect();
                return Ok(AxisPlan {
                    pieces,
                    kept: true,
                    full: true,
                });
            }
            let mut pieces = Vec::new();
            let (mut pos, mut left) = (first, count);
            while left > 0 {
                let p = pos as usize;
                let b = block_of(p);
                // How many picks fit before leaving block b in the walking direction.
                let room = if step > 0 {
                    (offsets[b + 1] - p - 1) as i128 / step + 1
                } else {
                    (p - offsets[b]) as i128 / -step + 1
                };
                let take = room.min(left as i128);
                pieces.push((b, range(p - offsets[b], step as i64, take as usize)));
                pos += take * step;
                left -= take as usize;
            }
            if pieces.is_empty() {
                pieces.push((0, empty_range()));
            }
            Ok(AxisPlan {
                pieces,
                kept: true,
                full: false,
            })
        }
        // expand_index turns these into `None` layout entries or full slices.
        IndexItem::NewAxis | IndexItem::Ellipsis => Ok(AxisPlan {
            pieces: vec![(0, empty_range())],
            kept: true,
            full: false,
        }),
    }
}

fn range(start: usize, step: i64, len: usize) -> AxisSelection {
    AxisSelection::Range { start, step, len }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c1(lengths: &[usize]) -> Chunks {
        Chunks::new(vec![lengths.to_vec()]).unwrap()
    }

    fn plan_chunks(c: &Chunks, index: &[IndexItem]) -> Vec<Vec<usize>> {
        slice_plan(c, index).unwrap().chunks().axes().to_vec()
    }

    #[test]
    fn dask_doc_examples() {
        let c = c1(&[20, 20, 20, 20, 20]);
        assert_eq!(
            plan_chunks(&c, &[IndexItem::range(10, 35)]),
            vec![vec![10, 15]]
        );
        let c = c1(&[20, 10, 20, 10, 40]);
        let s = |a, b, k| IndexItem::slice(Some(a), Some(b), Some(k));
        assert_eq!(
            plan_chunks(&c, &[s(0, 90, 2)]),
            vec![vec![10, 5, 10, 5, 15]]
        );
        assert_eq!(
            plan_chunks(&c, &[s(90, 10, -2)]),
            vec![vec![16, 5, 10, 5, 4]]
        );
    }

    #[test]
    fn negative_steps_walk_blocks_backwards() {
        let c = c1(&[3, 3, 3, 1]);
        let p = slice_plan(&c, &[IndexItem::slice(Some(8), Some(2), Some(-1))]).unwrap();
        assert_eq!(p.chunks().axes(), &[vec![3, 3]]);
        let b0 = p.block(&[0]).unwrap();
        assert_eq!(b0.input_block, vec![2]);
        assert_eq!(b0.selection, vec![range(2, -1, 3)]);
        assert_eq!(
            b0.elems,
            vec![SliceInfoElem::Slice {
                start: 0,
                end: Some(3),
                step: -1
            }]
        );
    }

    #[test]
    fn ints_drop_axes_and_new_axes_insert_ones() {
        let c = Chunks::regular(&[20, 30], &[7, 11]).unwrap();
        let idx = [
            IndexItem::NewAxis,
            IndexItem::int(-1),
            IndexItem::Ellipsis,
            IndexItem::NewAxis,
        ];
        let p = slice_plan(&c, &idx).unwrap();
        assert_eq!(p.chunks().axes(), &[vec![1], vec![11, 11, 8], vec![1]]);
        assert_eq!(p.new_axes(), vec![0, 2]);
        let b = p.block(&[0, 2, 0]).unwrap();
        assert_eq!(b.input_block, vec![2, 2]);
        assert_eq!(b.selection[0], AxisSelection::Int(5));
        assert_eq!(b.elems.len(), 4);
    }

    #[test]
    fn empty_results_are_one_zero_chunk() {
        let c = c1(&[3, 3, 3, 1]);
        for idx in [IndexItem::range(100, 200), IndexItem::range(3, 1)] {
            let p = slice_plan(&c, &[idx]).unwrap();
            assert_eq!(p.chunks().axes(), &[vec![0]]);
            assert_eq!(p.block(&[0]).unwrap().input_block, vec![0]);
        }
        let empty = Chunks::regular(&[0, 5], &[2, 2]).unwrap();
        let p = slice_plan(&empty, &[IndexItem::slice(None, None, Some(-1))]).unwrap();
        assert_eq!(p.chunks().axes(), &[vec![0], vec![2, 2, 1]]);
    }

    #[test]
    fn identity_is_detected() {
        let c = Chunks::regular(&[10, 4], &[3, 2]).unwrap();
        assert!(slice_plan(&c, &[]).unwrap().is_identity());
        assert!(slice_plan(&c, &[IndexItem::range(0, 10)])
            .unwrap()
            .is_identity());
        assert!(!slice_plan(&c, &[IndexItem::range(0, 9)])
            .unwrap()
            .is_identity());
        assert!(!slice_plan(&c, &[IndexItem::NewAxis]).unwrap().is_identity());
    }

    #[test]
    fn bad_indices_are_typed_errors() {
        let c = Chunks::regular(&[10], &[3]).unwrap();
        let err = |idx: &[IndexItem]| slice_plan(&c, idx).unwrap_err();
        assert!(matches!(
            err(&[IndexItem::int(10)]),
            Error::IndexOutOfBounds { .. }
        ));
        assert!(matches!(
            err(&[IndexItem::int(-11)]),
            Error::IndexOutOfBounds { .. }
        ));
        assert!(matches!(
            err(&[IndexItem::int(0), IndexItem::int(0)]),
            Error::TooManyIndices { given: 2, ndim: 1 }
        ));
        assert_eq!(
            err(&[IndexItem::slice(None, None, Some(0))]),
            Error::ZeroStep
        );
        assert_eq!(
            err(&[IndexItem::Ellipsis, IndexItem::Ellipsis]),
            Error::MultipleEllipsis
        );
        let extreme = IndexItem::slice(Some(i64::MIN), Some(i64::MAX), Some(i64::MIN));
        assert_eq!(plan_chunks(&c, &[extreme]), vec![vec![0]]);
    }
}

//! `OverlapBlock`: one block of an overlapped array, assembled from its own
//! block, margins of its neighbours and boundary values (reflected, wrapped,
//! repeated or constant), in one copy per piece.

use ndarray::{ArrayD, IxDyn, Slice, SliceInfoElem};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_dtype, Block, DType, Element};
use tessera_graph::{Kernel, KernelError, Params};

use super::assemble::copy_region;
use super::json_params;
use crate::scalar::Scalar;

/// Where a run of output positions along one axis comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Source {
    /// Positions `start..start + len` of the axis' `dep`-th input block;
    /// walked backwards when `reversed` (a reflection); a single position
    /// is repeated over the whole run (the `nearest` boundary).
    Block {
        /// Which of the axis' input blocks (its position in the task's dependency grid).
        dep: usize,
        /// First position inside that block.
        start: usize,
        /// Number of positions read (1 for a repeated edge).
        len: usize,
        /// Whether the positions are read last to first.
        reversed: bool,
    },
    /// The boundary constant of this axis.
    Constant,
}

/// A run of output positions `out..out + len` along one axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// First output position.
    pub out: usize,
    /// Number of output positions.
    pub len: usize,
    /// Where they come from.
    pub source: Source,
}

/// Build one overlapped block: the cartesian product of per-axis segments,
/// each product a region copied from one input block or filled with a constant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverlapBlock {
    /// The output block's shape.
    pub shape: Vec<usize>,
    /// The element type.
    pub dtype: DType,
    /// Segments per axis, covering the output block along that axis.
    pub segments: Vec<Vec<Segment>>,
    /// Number of distinct input blocks per axis; the inputs are their product in C order.
    pub grid: Vec<usize>,
    /// The constant of each axis whose boundary is a constant (the last such axis wins in corners, as in Dask).
    pub fill: Vec<Option<Scalar>>,
}

fn region(r: &[(usize, usize, bool)]) -> Vec<SliceInfoElem> {
    r.iter()
        .map(|&(s, l, rev)| {
            let step = if rev { -1 } else { 1 };
            SliceInfoElem::from(Slice::new(s as isize, Some((s + l) as isize), step))
        })
        .collect()
}

impl OverlapBlock {
    fn check(&self, inputs: &[Block]) -> Result<(), KernelError> {
        let nd = self.shape.len();
        let want: usize = self.grid.iter().product();
        let shaped = self.segments.len() == nd && self.grid.len() == nd && self.fill.len() == nd;
        if !shaped || inputs.len() != want {
            return Err(KernelError::new(format!(
                "overlap block of shape {:?} over a {:?} grid of inputs got {} inputs",
                self.shape,
                self.grid,
                inputs.len()
            )));
        }
        for (k, b) in inputs.iter().enumerate() {
            if b.dtype() != self.dtype || b.shape().len() != nd {
                return Err(KernelError::new(format!(
                    "overlap expected {}-d {} blocks, got a {} block of shape {:?}",
                    nd,
                    self.dtype,
                    b.dtype(),
                    b.shape()
                )));
            }
            // Position of input k along each axis of the dependency grid.
            let mut rest = k;
            for ax in (0..nd).rev() {
                let pos = rest % self.grid[ax].max(1);
                rest /= self.grid[ax].max(1);
                for seg in &self.segments[ax] {
                    if let Source::Block {
                        dep, start, len, ..
                    } = seg.source
                    {
                        if dep == pos && start + len > b.shape()[ax] {
                            return Err(KernelError::new(format!(
                                "overlap reads positions {start}..{} of axis {ax} from a block of shape {:?}",
                                start + len,
                                b.shape()
                            )));
                        }
                    }
                }
            }
        }
        for (ax, segs) in self.segments.iter().enumerate() {
            let covered: usize = segs.iter().map(|s| s.len).sum();
            let fits = segs.iter().all(|s| match s.source {
                Source::Block { dep, len, .. } => {
                    dep < self.grid[ax]
                        && (len == s.len || len == 1)
                        && s.out + s.len <= self.shape[ax]
                }
                Source::Constant => self.fill[ax].is_some() && s.out + s.len <= self.shape[ax],
            });
            if covered != self.shape[ax] || !fits {
                return Err(KernelError::new(format!(
                    "overlap segments {segs:?} do not tile axis {ax} of length {}",
                    self.shape[ax]
                )));
            }
        }
        Ok(())
    }

    fn build<T: Element>(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let nd = self.shape.len();
        let mut out = ArrayD::<T>::from_elem(IxDyn(&self.shape), T::default());
        let counts: Vec<usize> = self.segments.iter().map(Vec::len).collect();
        for pick in tessera_chunk_core::BlockIndices::new(counts) {
            let segs: Vec<&Segment> = (0..nd).map(|ax| &self.segments[ax][pick[ax]]).collect();
            let dst: Vec<(usize, usize, bool)> =
                segs.iter().map(|s| (s.out, s.len, false)).collect();
            let mut dst_view = out.slice_mut(region(&dst).as_slice());
            let constant = (0..nd)
                .rev()
                .find(|&ax| segs[ax].source == Source::Constant)
                .and_then(|ax| self.fill[ax]);
            if let Some(c) = constant {
                dst_view.fill(c.cast::<T>());
                continue;
            }
            let mut dep = 0;
            let mut src = Vec::with_capacity(nd);
            for (ax, s) in segs.iter().enumerate() {
                if let Source::Block {
                    dep: d,
                    start,
                    len,
                    reversed,
                } = s.source
                {
                    dep = dep * self.grid[ax] + d;
                    src.push((start, len, reversed));
                }
            }
            let block = inputs
                .get(dep)
                .ok_or_else(|| KernelError::new(format!("overlap has no input {dep}")))?
                .as_array::<T>()?;
            copy_region(dst_view, block.slice(region(&src).as_slice()));
        }
        Ok(Block::from_array(out))
    }
}

impl Kernel for OverlapBlock {
    fn id(&self) -> &str {
        "tessera.overlap"
    }
    fn params(&self) -> Params {
        json_params(self)
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        self.check(inputs)?;
        with_dtype!(self.dtype, T => self.build::<T>(inputs),
            other => Err(KernelError::new(format!("cannot overlap {other} blocks"))))
    }
}

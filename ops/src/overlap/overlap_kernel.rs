//! `OverlapBlock`: one block of an overlapped array, assembled from its own
//! block, margins of its neighbours and boundary values (reflected, wrapped,
//! repeated or constant), in one copy per piece.

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_dtype, Block, BlockIndices, DType, Element};
use tessera_graph::{Kernel, KernelError};

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

/// For one axis, what each output position reads: `(dep, position)` in the
/// axis' input blocks, or `None` for the constant.
fn positions(segments: &[Segment]) -> Vec<Option<(usize, usize)>> {
    let mut out = Vec::new();
    for s in segments {
        for i in 0..s.len {
            out.push(match s.source {
                Source::Constant => None,
                Source::Block {
                    dep,
                    start,
                    len,
                    reversed,
                } => Some((
                    dep,
                    match (len, reversed) {
                        (1, _) => start,
                        (_, true) => start + len - 1 - i,
                        (_, false) => start + i,
                    },
                )),
            });
        }
    }
    out
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
        if let Some(b) = inputs
            .iter()
            .find(|b| b.dtype() != self.dtype || b.shape().len() != nd)
        {
            return Err(KernelError::new(format!(
                "overlap expected {nd}-d {} blocks, got a {} block of shape {:?}",
                self.dtype,
                b.dtype(),
                b.shape()
            )));
        }
        for (ax, segs) in self.segments.iter().enumerate() {
            // Segments must tile the axis in order, each read within bounds.
            let mut next = 0;
            let tiled = segs.iter().all(|s| {
                let in_order = s.out == next;
                next = s.out + s.len;
                in_order
                    && match s.source {
                        Source::Block { dep, len, .. } => {
                            dep < self.grid[ax] && (len == s.len || len == 1)
                        }
                        Source::Constant => self.fill[ax].is_some(),
                    }
            });
            if !tiled || next != self.shape[ax] {
                return Err(KernelError::new(format!(
                    "overlap segments {segs:?} do not tile axis {ax} of length {}",
                    self.shape[ax]
                )));
            }
        }
        Ok(())
    }

    /// The output written line by line along the last axis, each line from
    /// contiguous runs of one input line (or the constant): one copy, no zero fill.
    fn build<T: Element>(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let nd = self.shape.len();
        let Some(last) = nd.checked_sub(1) else {
            return inputs
                .first()
                .cloned()
                .ok_or_else(|| KernelError::new("a 0-d overlap needs its block"));
        };
        let arrays = inputs
            .iter()
            .map(|b| b.as_array::<T>().map(|a| a.as_standard_layout()))
            .collect::<Result<Vec<_>, _>>()?;
        let maps: Vec<_> = self.segments[..last].iter().map(|s| positions(s)).collect();
        let fill = |ax: usize| self.fill[ax].map(|s| s.cast::<T>()).unwrap_or_default();
        let bad = |what: &str| KernelError::new(format!("overlap reads {what} outside its inputs"));
        let mut out: Vec<T> = Vec::with_capacity(self.shape.iter().product());
        for outer in BlockIndices::new(self.shape[..last].to_vec()) {
            // The constant of the last outer axis reading it, or the input line's block and position.
            let mut constant = None;
            let (mut dep, mut at) = (0, Vec::with_capacity(last));
            for ax in 0..last {
                match maps[ax].get(outer[ax]).copied().flatten() {
                    Some((d, p)) => {
                        dep = dep * self.grid[ax] + d;
                        at.push(p);
                    }
                    None => constant = Some(fill(ax)),
                }
            }
            for seg in &self.segments[last] {
                let Source::Block {
                    dep: d,
                    start,
                    len,
                    reversed,
                } = seg.source
                else {
                    out.extend(std::iter::repeat_n(fill(last), seg.len));
                    continue;
                };
                if let Some(c) = constant {
                    out.extend(std::iter::repeat_n(c, seg.len));
                    continue;
                }
                let a = arrays
                    .get(dep * self.grid[last] + d)
                    .ok_or_else(|| bad("an input block"))?;
                let data = a.as_slice().ok_or_else(|| bad("a non-contiguous block"))?;
                let shape = a.shape();
                let mut offset = 0;
                for (ax, &p) in at.iter().enumerate() {
                    offset = offset * shape[ax] + p;
                }
                offset *= shape[last];
                let line = data
                    .get(offset + start..offset + start + len)
                    .ok_or_else(|| bad("positions"))?;
                match (len, reversed) {
                    (1, _) => out.extend(std::iter::repeat_n(line[0], seg.len)),
                    (_, true) => out.extend(line.iter().rev()),
                    (_, false) => out.extend_from_slice(line),
                }
            }
        }
        ArrayD::from_shape_vec(IxDyn(&self.shape), out)
            .map(Block::from_array)
            .map_err(|e| KernelError::new(format!("overlap block: {e}")))
    }
}

crate::kernel::kernel_id!(OverlapBlock, "tessera.overlap");

impl Kernel for OverlapBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        self.check(inputs)?;
        with_dtype!(self.dtype, T => self.build::<T>(inputs),
            other => Err(KernelError::new(format!("cannot overlap {other} blocks"))))
    }
    fn reads_parts(&self) -> bool {
        // Only a margin of most neighbours is copied.
        self.grid.iter().product::<usize>() > 1
    }
}

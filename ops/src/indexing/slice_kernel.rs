//! `SliceBlock`: basic indexing inside one block.

use ndarray::SliceInfoElem;
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_block, Block};
use tessera_graph::{Kernel, KernelError};

/// One item of an ndarray slice, in a form that serialises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SliceElem {
    /// Take one position and drop the axis.
    Index(isize),
    /// `start..end` with `step` (ndarray semantics: a negative step walks from the end).
    Slice {
        /// Start.
        start: isize,
        /// End (exclusive); `None` to the end.
        end: Option<isize>,
        /// Step, never zero.
        step: isize,
    },
    /// A new axis of length 1.
    NewAxis,
}

impl From<SliceInfoElem> for SliceElem {
    fn from(e: SliceInfoElem) -> Self {
        match e {
            SliceInfoElem::Index(i) => SliceElem::Index(i),
            SliceInfoElem::Slice { start, end, step } => SliceElem::Slice { start, end, step },
            SliceInfoElem::NewAxis => SliceElem::NewAxis,
        }
    }
}

impl From<SliceElem> for SliceInfoElem {
    fn from(e: SliceElem) -> Self {
        match e {
            SliceElem::Index(i) => SliceInfoElem::Index(i),
            SliceElem::Slice { start, end, step } => SliceInfoElem::Slice { start, end, step },
            SliceElem::NewAxis => SliceInfoElem::NewAxis,
        }
    }
}

/// Take `elems` of the input block (a copy in C order).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SliceBlock {
    /// The selection, new axes included, in index order.
    pub elems: Vec<SliceElem>,
}

crate::kernel::kernel_id!(SliceBlock, "tessera.slice");

impl Kernel for SliceBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        let axes_used = self
            .elems
            .iter()
            .filter(|e| !matches!(e, SliceElem::NewAxis))
            .count();
        if axes_used != a.shape().len() {
            return Err(KernelError::new(format!(
                "a selection over {axes_used} axes cannot apply to a block of shape {:?}",
                a.shape()
            )));
        }
        let elems: Vec<SliceInfoElem> = self.elems.iter().map(|&e| e.into()).collect();
        // ndarray panics on out-of-range selections; the plan never makes
        // them, but a bad parameter set must still fail as an error.
        std::panic::catch_unwind(|| {
            with_block!(a, x => Block::from_array(x.slice(elems.as_slice()).as_standard_layout().into_owned()))
        })
        .map_err(|_| KernelError::new(format!("selection {:?} does not fit a block of shape {:?}", self.elems, a.shape())))
    }
}

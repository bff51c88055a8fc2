//! `Assemble`: build one block from pieces of several input blocks (rechunk, concatenate).

use std::ops::Range;

use ndarray::{ArrayD, IxDyn, Slice, SliceInfoElem};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, DType, Element};
use tessera_graph::{Kernel, KernelError};

/// One piece: a region of input block `k` copied into a region of the output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Piece {
    /// The region of the input block.
    pub from: Vec<Range<usize>>,
    /// The region of the output block it fills.
    pub to: Vec<Range<usize>>,
}

/// Copy `pieces[k]` of input `k` into a new block of `shape`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assemble {
    /// The output block's shape.
    pub shape: Vec<usize>,
    /// The element type.
    pub dtype: DType,
    /// One piece per input block, in input order.
    pub pieces: Vec<Piece>,
}

fn slice_info(r: &[Range<usize>]) -> Vec<SliceInfoElem> {
    r.iter()
        .map(|r| SliceInfoElem::from(Slice::from(r.start as isize..r.end as isize)))
        .collect()
}

fn assemble<T: Element>(
    shape: &[usize],
    inputs: &[Block],
    pieces: &[Piece],
) -> Result<Block, KernelError> {
    let mut out = ArrayD::<T>::from_elem(IxDyn(shape), T::default());
    for (block, piece) in inputs.iter().zip(pieces) {
        let src = block.as_array::<T>()?;
        let from = slice_info(&piece.from);
        let to = slice_info(&piece.to);
        let view = src.slice(from.as_slice());
        copy_region(out.slice_mut(to.as_slice()), view);
    }
    Ok(Block::from_array(out))
}

/// `dst.assign(&src)`, with fixed-rank loops for ranks 1 to 4: ndarray's
/// dynamic-rank copy walks element by element, several times slower on the
/// large regions a rechunk moves.
fn copy_region<T: Element>(
    mut dst: ndarray::ArrayViewMutD<'_, T>,
    src: ndarray::ArrayViewD<'_, T>,
) {
    use ndarray::{Ix1, Ix2, Ix3, Ix4};
    macro_rules! fixed {
        ($ix:ty) => {
            if let (Ok(d), Ok(s)) = (
                dst.view_mut().into_dimensionality::<$ix>(),
                src.view().into_dimensionality::<$ix>(),
            ) {
                let mut d = d;
                d.assign(&s);
                return;
            }
        };
    }
    match dst.ndim() {
        1 => fixed!(Ix1),
        2 => fixed!(Ix2),
        3 => fixed!(Ix3),
        4 => fixed!(Ix4),
        _ => {}
    }
    dst.assign(&src);
}

fn whole(shape: &[usize], r: &[Range<usize>]) -> bool {
    r.iter()
        .zip(shape)
        .all(|(r, &d)| r.start == 0 && r.end == d)
}

crate::kernel::kernel_id!(Assemble, "tessera.assemble");

impl Kernel for Assemble {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        if inputs.len() != self.pieces.len() {
            return Err(crate::kernel::arity(
                self.id(),
                self.pieces.len(),
                inputs.len(),
            ));
        }
        for (b, p) in inputs.iter().zip(&self.pieces) {
            let ok = p.from.len() == b.shape().len()
                && p.from
                    .iter()
                    .zip(b.shape())
                    .all(|(r, &d)| r.start <= r.end && r.end <= d);
            if !ok {
                return Err(KernelError::new(format!(
                    "piece {:?} does not fit an input block of shape {:?}",
                    p.from,
                    b.shape()
                )));
            }
        }
        // A single input block taken whole is passed through without a copy.
        if let ([b], [p]) = (inputs, self.pieces.as_slice()) {
            if b.shape() == self.shape.as_slice() && whole(b.shape(), &p.from) {
                return Ok(b.clone());
            }
        }
        let proto = inputs.first();
        match proto {
            Some(b) if b.dtype() != self.dtype => Err(KernelError::new(format!(
                "assemble expected {} blocks, got {}",
                self.dtype,
                b.dtype()
            ))),
            _ => {
                tessera_chunk_core::with_dtype!(self.dtype, T => assemble::<T>(&self.shape, inputs, &self.pieces),
                other => Err(KernelError::new(format!("cannot assemble {other} blocks"))))
            }
        }
    }
}

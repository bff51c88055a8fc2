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

/// `dst.assign(&src)` at memory speed: one `memcpy` when both regions are
/// contiguous, else one per run of elements contiguous in both (merging the
/// trailing axes both hold whole), else ndarray's strided copy with
/// fixed-rank loops for ranks 1 to 4 (its dynamic-rank copy walks element by
/// element, several times slower on the large regions a rechunk moves).
fn copy_region<T: Element>(
    mut dst: ndarray::ArrayViewMutD<'_, T>,
    src: ndarray::ArrayViewD<'_, T>,
) {
    use ndarray::{Ix1, Ix2, Ix3, Ix4};
    if dst.shape() != src.shape() {
        dst.assign(&src);
        return;
    }
    if let (Some(d), Some(s)) = (dst.as_slice_mut(), src.as_slice()) {
        d.copy_from_slice(s);
        return;
    }
    if copy_runs(&mut dst, &src) {
        return;
    }
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

/// How many trailing axes of a view of `shape` and `strides` form one
/// contiguous run (C order), and the run's length.
fn contiguous_tail(shape: &[usize], strides: &[isize]) -> (usize, usize) {
    let mut run = 1usize;
    let mut axes = 0;
    for (&n, &st) in shape.iter().zip(strides).rev() {
        if n != 1 && st != run as isize {
            break;
        }
        run *= n;
        axes += 1;
    }
    (axes, run)
}

/// Copy `src` into `dst` (same shape) one run at a time, where the runs
/// (trailing axes contiguous in both) are long enough for `memcpy` to pay;
/// `false` when they are not, leaving `dst` untouched.
fn copy_runs<T: Element>(
    dst: &mut ndarray::ArrayViewMutD<'_, T>,
    src: &ndarray::ArrayViewD<'_, T>,
) -> bool {
    let shape = src.shape().to_vec();
    let (da, _) = contiguous_tail(&shape, dst.strides());
    let (sa, _) = contiguous_tail(&shape, src.strides());
    let tail = da.min(sa);
    let outer = shape.len() - tail;
    let run: usize = shape[outer..].iter().product();
    // Below 16 elements a run is a handful of loads: the strided copy is as fast.
    if tail == 0 || run < 16 {
        return false;
    }
    let outer_shape = &shape[..outer];
    let (ds, ss) = (dst.strides().to_vec(), src.strides().to_vec());
    let (dst_all, src_all) = (dst.as_mut_ptr(), src.as_ptr());
    let mut at = vec![0usize; outer];
    let count: usize = outer_shape.iter().product();
    for _ in 0..count {
        let offset = |strides: &[isize]| -> isize {
            at.iter().zip(strides).map(|(&i, &s)| i as isize * s).sum()
        };
        // SAFETY: `at` is inside the outer shape and the run of `run`
        // elements from there is contiguous in both views (contiguous_tail),
        // so both pointers cover `run` elements of their own views, which
        // do not overlap (one is borrowed mutably, the other shared).
        unsafe {
            let d = dst_all.offset(offset(&ds));
            let s = src_all.offset(offset(&ss));
            std::ptr::copy_nonoverlapping(s, d, run);
        }
        for k in (0..outer).rev() {
            at[k] += 1;
            if at[k] < outer_shape[k] {
                break;
            }
            at[k] = 0;
        }
    }
    true
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

#[cfg(test)]
mod tests {
    use ndarray::{ArrayD, IxDyn, Slice, SliceInfoElem};

    use super::copy_region;

    /// Source shape and region, destination shape and region.
    type Case = (
        Vec<usize>,
        Vec<(usize, usize)>,
        Vec<usize>,
        Vec<(usize, usize)>,
    );

    fn region(r: &[(usize, usize)]) -> Vec<SliceInfoElem> {
        r.iter()
            .map(|&(a, b)| SliceInfoElem::from(Slice::from(a as isize..b as isize)))
            .collect()
    }

    /// Every way two regions of one shape can sit in their arrays (whole,
    /// trailing axes cut, leading axes cut, ranks 1 to 5, empty) copies as
    /// ndarray's element-by-element `assign` does.
    #[test]
    fn copies_match_assign_whatever_the_layout() {
        let cases: Vec<Case> = vec![
            (vec![40], vec![(3, 37)], vec![50], vec![(10, 44)]),
            (
                vec![6, 40],
                vec![(1, 5), (0, 40)],
                vec![4, 40],
                vec![(0, 4), (0, 40)],
            ),
            (
                vec![6, 40],
                vec![(1, 5), (4, 36)],
                vec![8, 32],
                vec![(2, 6), (0, 32)],
            ),
            (
                vec![4, 5, 64],
                vec![(0, 4), (1, 4), (0, 32)],
                vec![4, 3, 40],
                vec![(0, 4), (0, 3), (8, 40)],
            ),
            (
                vec![3, 4, 5, 6, 20],
                vec![(1, 3), (0, 4), (2, 5), (0, 6), (0, 20)],
                vec![2, 4, 3, 6, 20],
                vec![(0, 2), (0, 4), (0, 3), (0, 6), (0, 20)],
            ),
            (
                vec![3, 4, 5, 6, 7],
                vec![(1, 3), (0, 4), (2, 5), (1, 6), (0, 7)],
                vec![2, 4, 3, 5, 7],
                vec![(0, 2), (0, 4), (0, 3), (0, 5), (0, 7)],
            ),
            (
                vec![4, 0, 30],
                vec![(0, 4), (0, 0), (0, 30)],
                vec![4, 2, 30],
                vec![(0, 4), (1, 1), (0, 30)],
            ),
        ];
        for (src_shape, from, dst_shape, to) in cases {
            let n: usize = src_shape.iter().product();
            let src = ArrayD::from_shape_vec(IxDyn(&src_shape), (0..n).map(|v| v as f64).collect())
                .unwrap();
            let mut fast = ArrayD::from_elem(IxDyn(&dst_shape), -1.0);
            let mut slow = fast.clone();
            let (from, to) = (region(&from), region(&to));
            copy_region(fast.slice_mut(to.as_slice()), src.slice(from.as_slice()));
            slow.slice_mut(to.as_slice())
                .assign(&src.slice(from.as_slice()));
            assert_eq!(fast, slow, "{src_shape:?} -> {dst_shape:?}");
        }
    }
}

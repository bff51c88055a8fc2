//! Geometry of operations that rearrange or join whole arrays: transpose,
//! flatten (Dask's `ravel`, a [`reshape_plan`], for `concatenate(axis=None)`), concatenate and
//! stack — output chunks, dtypes and which source block makes each output block.

use crate::broadcast::{result_type, unify_axis};
use crate::chunks::{Chunks, Shape};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::reduce::normalize_axis;
use crate::reshape::{reshape_plan, ReshapePlan};

/// The permutation `transpose(axes)` applies. `None` reverses the axes; so
/// does an empty list, as in Dask (`x.transpose(())` reverses any array).
pub fn transpose_axes(axes: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    let axes = match axes {
        None | Some([]) => return Ok((0..ndim).rev().collect()),
        Some(a) => a,
    };
    if axes.len() != ndim {
        return Err(Error::RankMismatch {
            what: "transpose axes".into(),
            expected: ndim,
            got: axes.len(),
        });
    }
    crate::reduce::normalize_axes(Some(axes), ndim)
}

/// Chunks of `x.transpose(axes)`: the input's chunks, permuted.
///
/// ```
/// use tessera_chunk_core::{transpose_chunks, Chunks};
/// let c = Chunks::regular(&[10, 20], &[3, 7]).unwrap();
/// assert_eq!(transpose_chunks(&c, None).unwrap().axes(), &[vec![7, 7, 6], vec![3, 3, 3, 1]]);
/// ```
pub fn transpose_chunks(chunks: &Chunks, axes: Option<&[i64]>) -> Result<Chunks> {
    let perm = transpose_axes(axes, chunks.ndim())?;
    Chunks::new(perm.iter().map(|&a| chunks.axis(a).to_vec()).collect())
}

/// How Dask flattens an array (`x.ravel()`): a [`ReshapePlan`] to one axis.
pub type FlattenPlan = ReshapePlan;

/// Plan `x.ravel()` exactly as Dask's `reshape(x, (-1,))` does.
///
/// Dask refuses (NotImplementedError / TypeError) to flatten an empty array
/// of several blocks; so does this.
pub fn flatten_plan(chunks: &Chunks) -> Result<FlattenPlan> {
    reshape_plan(chunks, &[-1]).map_err(|e| match e {
        Error::Unsupported { .. } => Error::Unsupported {
            op: "flattening".into(),
            reason: format!("the array of shape {:?} is empty and has several chunks (Dask cannot reshape it either); rechunk it to one chunk first", chunks.shape()),
        },
        e => e,
    })
}

/// Which kind of join a [`JoinPlan`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// Sources laid end to end along an existing axis.
    Concatenate,
    /// Each source becomes one index of a new axis.
    Stack,
}

/// The geometry of `concatenate` or `stack`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinPlan {
    /// Chunks of the result.
    pub chunks: Chunks,
    /// dtype of the result (NumPy promotion of all operands).
    pub dtype: DType,
    /// Concatenate or stack.
    pub kind: JoinKind,
    /// The result axis the sources are laid along (the new axis for stack).
    pub axis: usize,
    /// Whether operands are flattened first ([`flatten_plan`]; concatenate with no axis).
    pub flatten: bool,
    /// Positions (among the operands given) of the operands whose blocks make
    /// the result, in order: Dask leaves out empty operands when any is non-empty.
    pub sources: Vec<usize>,
    /// For each source, the chunks to rechunk it to first (after flattening).
    pub source_chunks: Vec<Chunks>,
}

impl JoinPlan {
    /// The shape of the result.
    pub fn shape(&self) -> Shape {
        self.chunks.shape()
    }

    /// For output block `out_block`: the index into `sources` and that source's block.
    pub fn source_block(&self, out_block: &[usize]) -> Result<(usize, Vec<usize>)> {
        self.chunks.check_block(out_block)?;
        let b = out_block[self.axis];
        match self.kind {
            JoinKind::Stack => {
                let mut block = out_block.to_vec();
                block.remove(self.axis);
                Ok((b, block))
            }
            JoinKind::Concatenate => {
                let mut first = 0;
                for (s, c) in self.source_chunks.iter().enumerate() {
                    let n = c.axis(self.axis).len();
                    if b < first + n {
                        let mut block = out_block.to_vec();
                        block[self.axis] = b - first;
                        return Ok((s, block));
                    }
                    first += n;
                }
                Err(Error::BlockIndexOutOfBounds {
                    index: out_block.to_vec(),
                    grid: self.chunks.numblocks(),
                })
            }
        }
    }
}

fn promote_all(operands: &[(&Chunks, DType)], op: &str) -> Result<DType> {
    let mut it = operands.iter().map(|(_, d)| *d);
    let first = it.next().ok_or_else(|| Error::NoArrays { op: op.into() })?;
    Ok(it.fold(first, result_type))
}

/// Unify every axis but `skip` across `operands` (Dask's `unify_chunks` with
/// one shared index per axis).
fn unify_other_axes(
    operands: &[&Chunks],
    ndim: usize,
    skip: Option<usize>,
) -> Result<Vec<Vec<usize>>> {
    (0..ndim)
        .map(|j| {
            if Some(j) == skip {
                return Ok(Vec::new());
            }
            let tuples: Vec<&[usize]> = operands.iter().map(|c| c.axis(j)).collect();
            unify_axis(&tuples)
        })
        .collect()
}

/// Plan `da.concatenate(arrays, axis)`; `axis = None` flattens every array first.
pub fn concatenate_plan(operands: &[(&Chunks, DType)], axis: Option<i64>) -> Result<JoinPlan> {
    let dtype = promote_all(operands, "concatenate")?;
    let flatten = axis.is_none();
    let inputs: Vec<Chunks> = if flatten {
        let flat = operands.iter().map(|(c, _)| flatten_plan(c));
        flat.map(|p| p.map(|p| p.output)).collect::<Result<_>>()?
    } else {
        operands.iter().map(|(c, _)| (*c).clone()).collect()
    };
    let ndim = inputs[0].ndim();
    if let Some(bad) = inputs.iter().find(|c| c.ndim() != ndim) {
        return Err(Error::RankMismatch {
            what: "an array to concatenate".into(),
            expected: ndim,
            got: bad.ndim(),
        });
    }
    if ndim == 0 {
        return Err(Error::Unsupported {
            op: "concatenate".into(),
            reason: "zero-dimensional arrays cannot be concatenated; use stack".into(),
        });
    }
    let axis = normalize_axis(axis.unwrap_or(0), ndim)?;
    let sizes: Vec<usize> = inputs.iter().map(|c| c.size()).collect::<Result<_>>()?;
    let mut sources: Vec<usize> = (0..inputs.len()).filter(|&i| sizes[i] > 0).collect();
    if sources.is_empty() {
        // Every array is empty: those with length along the axis (shape
        // (1, 0) beside (0, 0)) make the result; the others would add
        // chunks of length 0 to an axis that has elements, which Dask
        // keeps and tessera's chunks do not hold.
        sources = (0..inputs.len())
            .filter(|&i| inputs[i].shape()[axis] > 0)
            .collect();
        if sources.is_empty() {
            sources = (0..inputs.len()).collect();
        }
    }
    let kept: Vec<&Chunks> = sources.iter().map(|&i| &inputs[i]).collect();
    // Dask checks shapes among the kept arrays only: an empty array of another shape is ignored.
    let shape0 = kept[0].shape();
    for c in &kept[1..] {
        let s = c.shape();
        if (0..ndim).any(|j| j != axis && s[j] != shape0[j]) {
            return Err(Error::ShapeMismatch {
                left: shape0,
                right: s,
                reason: format!("all axes but the concatenation axis {axis} must agree"),
            });
        }
    }
    let unified = unify_other_axes(&kept, ndim, Some(axis))?;
    let source_chunks = kept
        .iter()
        .map(|c| {
            let mut axes = unified.clone();
            axes[axis] = c.axis(axis).to_vec();
            Chunks::new(axes)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut axes = unified;
    axes[axis] = kept
        .iter()
        .flat_map(|c| c.axis(axis).iter().copied())
        .collect();
    Ok(JoinPlan {
        chunks: Chunks::new(axes)?,
        dtype,
        kind: JoinKind::Concatenate,
        axis,
        flatten,
        sources,
        source_chunks,
    })
}

/// Chunks and dtype of `da.concatenate(arrays, axis)` (`None`: flatten first).
///
/// ```
/// use tessera_chunk_core::{concatenate_chunks, Chunks, DType};
/// let a = Chunks::regular(&[10], &[3]).unwrap();
/// let b = Chunks::regular(&[4], &[4]).unwrap();
/// let (c, d) = concatenate_chunks(&[(&a, DType::I8), (&b, DType::F32)], Some(0)).unwrap();
/// assert_eq!((c.axes(), d), (&[vec![3, 3, 3, 1, 4]][..], DType::F32));
/// ```
pub fn concatenate_chunks(
    operands: &[(&Chunks, DType)],
    axis: Option<i64>,
) -> Result<(Chunks, DType)> {
    let plan = concatenate_plan(operands, axis)?;
    Ok((plan.chunks, plan.dtype))
}

/// Plan `da.stack(arrays, axis)`: equal shapes, a new axis of one chunk per array.
pub fn stack_plan(operands: &[(&Chunks, DType)], axis: i64) -> Result<JoinPlan> {
    let dtype = promote_all(operands, "stack")?;
    let shape0 = operands[0].0.shape();
    if let Some((c, _)) = operands.iter().find(|(c, _)| c.shape() != shape0) {
        return Err(Error::ShapeMismatch {
            left: shape0,
            right: c.shape(),
            reason: "stacked arrays must all have the same shape".into(),
        });
    }
    let ndim = shape0.len();
    let axis = normalize_axis(axis, ndim + 1)?;
    let kept: Vec<&Chunks> = operands.iter().map(|(c, _)| *c).collect();
    let unified = unify_other_axes(&kept, ndim, None)?;
    let source = Chunks::new(unified.clone())?;
    let mut axes = unified;
    axes.insert(axis, vec![1; kept.len()]);
    Ok(JoinPlan {
        chunks: Chunks::new(axes)?,
        dtype,
        kind: JoinKind::Stack,
        axis,
        flatten: false,
        sources: (0..kept.len()).collect(),
        source_chunks: vec![source; kept.len()],
    })
}

/// Chunks and dtype of `da.stack(arrays, axis)`.
///
/// ```
/// use tessera_chunk_core::{stack_chunks, Chunks, DType};
/// let a = Chunks::regular(&[2, 3], &[1, 1]).unwrap();
/// let b = Chunks::regular(&[2, 3], &[2, 2]).unwrap();
/// let (c, _) = stack_chunks(&[(&a, DType::F64), (&b, DType::F64)], -1).unwrap();
/// assert_eq!(c.axes(), &[vec![1, 1], vec![1, 1, 1], vec![1, 1]]);
/// ```
pub fn stack_chunks(operands: &[(&Chunks, DType)], axis: i64) -> Result<(Chunks, DType)> {
    let plan = stack_plan(operands, axis)?;
    Ok((plan.chunks, plan.dtype))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(axes: &[&[usize]]) -> Chunks {
        Chunks::new(axes.iter().map(|a| a.to_vec()).collect()).unwrap()
    }

    #[test]
    fn empty_arrays_with_length_along_the_axis_make_the_result() {
        let (a, b) = (ch(&[&[0], &[0]]), ch(&[&[1], &[0]]));
        let (c, _) = concatenate_chunks(&[(&a, DType::F64), (&b, DType::F64)], Some(0)).unwrap();
        assert_eq!(c.shape(), vec![1, 0]);
        let (c, _) = concatenate_chunks(&[(&a, DType::F64), (&a, DType::F64)], Some(1)).unwrap();
        assert_eq!(c.shape(), vec![0, 0]);
    }

    #[test]
    fn transpose_checks_axes() {
        let c = ch(&[&[3, 3, 3, 1], &[7, 7, 6]]);
        assert_eq!(
            transpose_chunks(&c, Some(&[])).unwrap(),
            transpose_chunks(&c, None).unwrap()
        );
        assert_eq!(transpose_chunks(&c, Some(&[-2, -1])).unwrap(), c);
        assert!(matches!(
            transpose_chunks(&c, Some(&[0])),
            Err(Error::RankMismatch { .. })
        ));
        assert!(matches!(
            transpose_chunks(&c, Some(&[0, 0])),
            Err(Error::RepeatedAxis { .. })
        ));
        assert!(matches!(
            transpose_chunks(&c, Some(&[0, 2])),
            Err(Error::AxisOutOfBounds { .. })
        ));
    }

    #[test]
    fn flatten_like_dask_reshape() {
        let flat = |c: &Chunks| flatten_plan(c).unwrap().output.into_inner();
        assert_eq!(flat(&ch(&[&[3, 3, 3, 1], &[7, 7, 6]])), vec![vec![20; 10]]);
        assert_eq!(flat(&ch(&[&[5, 5], &[5]])), vec![vec![25, 25]]);
        let a = ch(&[&[1; 5], &[2, 2, 1], &[3, 2]]);
        assert_eq!(flat(&a), vec![vec![5; 25]]);
        assert_eq!(flat(&ch(&[&[5], &[1; 5], &[5]])), vec![vec![25; 5]]);
        assert_eq!(flat(&Chunks::scalar()), vec![vec![1]]);
        assert_eq!(flat(&ch(&[&[1], &[3, 3, 3, 1]])), vec![vec![3, 3, 3, 1]]);
        assert!(flatten_plan(&ch(&[&[0], &[1, 1, 1]])).is_err());
    }

    #[test]
    fn concatenate_unifies_other_axes_and_drops_empties() {
        let a = ch(&[&[1; 5], &[2, 2, 1], &[3, 2]]);
        let b = ch(&[&[5], &[1; 5], &[5]]);
        let p = concatenate_plan(&[(&a, DType::F64), (&b, DType::F64)], Some(0)).unwrap();
        assert_eq!(
            p.chunks.axes(),
            &[vec![1, 1, 1, 1, 1, 5], vec![1; 5], vec![3, 2]]
        );
        assert_eq!(p.source_block(&[5, 2, 1]).unwrap(), (1, vec![0, 2, 1]));
        assert_eq!(p.source_block(&[4, 0, 0]).unwrap(), (0, vec![4, 0, 0]));
        let empty = ch(&[&[0], &[1, 1, 1]]);
        let full = ch(&[&[2, 2], &[2, 1]]);
        let p = concatenate_plan(&[(&empty, DType::F64), (&full, DType::F64)], Some(1)).unwrap();
        assert_eq!((p.chunks, p.sources), (full.clone(), vec![1]));
        let both =
            concatenate_plan(&[(&empty, DType::F64), (&empty, DType::F64)], Some(0)).unwrap();
        assert_eq!(both.chunks.axes(), &[vec![0, 0], vec![1, 1, 1]]);
        assert!(concatenate_plan(&[], Some(0)).is_err());
        let s = Chunks::scalar();
        assert!(concatenate_plan(&[(&s, DType::F64), (&s, DType::F64)], Some(0)).is_err());
    }

    #[test]
    fn stack_inserts_an_axis() {
        let s = Chunks::scalar();
        let (c, d) = stack_chunks(&[(&s, DType::Bool), (&s, DType::I8)], -1).unwrap();
        assert_eq!((c.axes(), d), (&[vec![1, 1]][..], DType::I8));
        let a = ch(&[&[3]]);
        let b = ch(&[&[2, 1]]);
        let p = stack_plan(&[(&a, DType::F64), (&b, DType::F64)], 1).unwrap();
        assert_eq!(p.chunks.axes(), &[vec![2, 1], vec![1, 1]]);
        assert_eq!(p.source_block(&[1, 1]).unwrap(), (1, vec![1]));
        assert!(stack_chunks(&[(&a, DType::F64)], 2).is_err());
        assert!(stack_chunks(&[(&a, DType::F64), (&s, DType::F64)], 0).is_err());
    }
}

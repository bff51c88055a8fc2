//! Elementwise geometry: NumPy broadcasting of shapes, Dask's unification of
//! operand chunks (`unify_chunks` / `common_blockdim`), NumPy's type
//! promotion, and the map from an output block to each operand's block.

use std::ops::Range;

use crate::chunks::{Chunks, Shape};
use crate::dtype::DType;
use crate::error::{Error, Result};

/// The shape NumPy broadcasting gives (right-aligned; lengths must match or be 1).
///
/// ```
/// use tessera_chunk_core::broadcast_shapes;
/// assert_eq!(broadcast_shapes(&[&[10, 1], &[1, 20]]).unwrap(), vec![10, 20]);
/// assert!(broadcast_shapes(&[&[10, 20], &[10]]).is_err());
/// ```
pub fn broadcast_shapes(shapes: &[&[usize]]) -> Result<Shape> {
    let ndim = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; ndim];
    for (j, o) in out.iter_mut().enumerate() {
        let sizes = shapes.iter().filter_map(|s| dim_from_left(s, ndim, j));
        // NumPy: a 0 anywhere wins over 1s; any other length must agree.
        let dim = if sizes.clone().any(|d| d == 0) {
            0
        } else {
            sizes.clone().max().unwrap_or(1)
        };
        if let Some(bad) = shapes
            .iter()
            .find(|s| dim_from_left(s, ndim, j).is_some_and(|d| d != 1 && d != dim))
        {
            let left = shapes
                .iter()
                .find(|s| dim_from_left(s, ndim, j) == Some(dim));
            return Err(Error::NotBroadcastable {
                left: left.map_or_else(Vec::new, |s| s.to_vec()),
                right: bad.to_vec(),
            });
        }
        *o = dim;
    }
    Ok(out)
}

/// Length of output axis `j` (of `ndim`) in a right-aligned operand shape, if it has that axis.
fn dim_from_left(shape: &[usize], ndim: usize, j: usize) -> Option<usize> {
    (j + shape.len())
        .checked_sub(ndim)
        .and_then(|i| shape.get(i).copied())
}

/// Dask's chunks for an elementwise result: broadcast shapes, then on each
/// axis the common refinement of the operands' chunk boundaries (operands
/// broadcast along a length-1 axis take no part).
///
/// ```
/// use tessera_chunk_core::{unify_chunks, Chunks};
/// let a = Chunks::regular(&[10], &[5]).unwrap();
/// let b = Chunks::regular(&[10], &[3]).unwrap();
/// assert_eq!(unify_chunks(&[&a, &b]).unwrap().axes(), &[vec![3, 2, 1, 3, 1]]);
/// ```
pub fn unify_chunks(operands: &[&Chunks]) -> Result<Chunks> {
    Ok(elementwise_plan(operands)?.chunks)
}

/// Dask's unification of one axis: the distinct chunk tuples the operands
/// have there, less the broadcast sentinel `(1,)` when anything else is
/// present, consolidated by `common_blockdim`.
pub(crate) fn unify_axis(tuples: &[&[usize]]) -> Result<Vec<usize>> {
    let mut distinct: Vec<&[usize]> = Vec::with_capacity(tuples.len());
    for t in tuples {
        if !distinct.contains(t) {
            distinct.push(t);
        }
    }
    if distinct.len() > 1 {
        distinct.retain(|d| *d != [1]);
    }
    common_blockdim(&distinct)
}

/// Dask's `common_blockdim` on the distinct chunk tuples of one axis.
fn common_blockdim(distinct: &[&[usize]]) -> Result<Vec<usize>> {
    let non_trivial: Vec<&[usize]> = distinct.iter().copied().filter(|d| d.len() > 1).collect();
    match non_trivial.as_slice() {
        [only] => return Ok(only.to_vec()),
        [] => {
            let widest = distinct.iter().max_by_key(|d| d.first().copied());
            return Ok(widest.map_or_else(|| vec![0], |d| d.to_vec()));
        }
        _ => {}
    }
    let total: usize = non_trivial[0].iter().sum();
    if let Some(bad) = non_trivial
        .iter()
        .find(|d| d.iter().sum::<usize>() != total)
    {
        return Err(Error::ChunksDoNotSumToShape {
            axis: 0,
            chunks: bad.to_vec(),
            sum: bad.iter().sum(),
            dim: total,
        });
    }
    // Every boundary of every operand, in order: the coarsest common refinement.
    let mut bounds = Vec::new();
    for d in &non_trivial {
        let mut end = 0;
        for &c in d.iter() {
            end += c;
            bounds.push(end);
        }
    }
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = Vec::with_capacity(bounds.len());
    let mut prev = 0;
    for b in bounds {
        if b > prev {
            out.push(b - prev);
            prev = b;
        }
    }
    // Zero-length axes cut in several empty chunks: Dask would give `()`,
    // which no axis can be; keep the one empty chunk every empty axis has.
    if out.is_empty() {
        out.push(0);
    }
    Ok(out)
}

/// How one operand axis maps onto the output axis.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AxisMap {
    /// Length 1 against a longer (or empty) output: every output block reads element 0.
    Broadcast,
    /// Per output block: (operand block, start inside it).
    Blocks(Vec<(usize, usize)>),
}

/// Where one output block of an elementwise result comes from in one operand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperandBlock {
    /// Block index in the operand (0 on broadcast axes).
    pub block: Vec<usize>,
    /// Per operand axis, the element range inside that block; `0..1` on a
    /// broadcast axis, which the kernel stretches to the output block.
    pub ranges: Vec<Range<usize>>,
}

/// The geometry of an elementwise operation over several operands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementwisePlan {
    chunks: Chunks,
    operands: Vec<Vec<AxisMap>>,
}

impl ElementwisePlan {
    /// The chunks of the result.
    pub fn chunks(&self) -> &Chunks {
        &self.chunks
    }

    /// The shape of the result.
    pub fn shape(&self) -> Shape {
        self.chunks.shape()
    }

    /// Number of operands planned.
    pub fn num_operands(&self) -> usize {
        self.operands.len()
    }

    /// Which block of operand `operand`, and which part of it, output block `out_block` needs.
    pub fn operand_block(&self, operand: usize, out_block: &[usize]) -> Result<OperandBlock> {
        self.chunks.check_block(out_block)?;
        let maps = self.operands.get(operand).ok_or_else(|| Error::NoArrays {
            op: format!(
                "operand {operand} of an elementwise plan with {}",
                self.operands.len()
            ),
        })?;
        let skip = self.chunks.ndim() - maps.len();
        let mut block = Vec::with_capacity(maps.len());
        let mut ranges = Vec::with_capacity(maps.len());
        for (i, map) in maps.iter().enumerate() {
            let j = skip + i;
            match map {
                AxisMap::Broadcast => {
                    block.push(0);
                    ranges.push(0..1);
                }
                AxisMap::Blocks(blocks) => {
                    let (b, start) = blocks[out_block[j]];
                    block.push(b);
                    ranges.push(start..start + self.chunks.axis(j)[out_block[j]]);
                }
            }
        }
        Ok(OperandBlock { block, ranges })
    }
}

/// Plan an elementwise operation: Dask's unified output chunks and the block map.
pub fn elementwise_plan(operands: &[&Chunks]) -> Result<ElementwisePlan> {
    let shapes: Vec<Shape> = operands.iter().map(|c| c.shape()).collect();
    let shape_refs: Vec<&[usize]> = shapes.iter().map(Vec::as_slice).collect();
    let shape = broadcast_shapes(&shape_refs)?;
    let ndim = shape.len();
    let mut axes = Vec::with_capacity(ndim);
    for j in 0..ndim {
        let tuples: Vec<&[usize]> = operands
            .iter()
            .filter_map(|c| (j + c.ndim()).checked_sub(ndim).map(|i| c.axis(i)))
            .collect();
        let axis = unify_axis(&tuples).map_err(|e| match e {
            Error::ChunksDoNotSumToShape {
                chunks,
                sum,
                dim: d,
                ..
            } => Error::ChunksDoNotSumToShape {
                axis: j,
                chunks,
                sum,
                dim: d,
            },
            other => other,
        })?;
        axes.push(axis);
    }
    let chunks = Chunks::new(axes)?;
    let maps = operands.iter().map(|c| operand_maps(c, &chunks)).collect();
    Ok(ElementwisePlan {
        chunks,
        operands: maps,
    })
}

fn operand_maps(operand: &Chunks, out: &Chunks) -> Vec<AxisMap> {
    let skip = out.ndim() - operand.ndim();
    (0..operand.ndim())
        .map(|i| {
            let j = skip + i;
            let (dim_in, dim_out) = (operand.shape()[i], out.shape()[j]);
            if dim_in == 1 && dim_out != 1 {
                return AxisMap::Broadcast;
            }
            let in_offsets = operand.offsets(i);
            let out_offsets = out.offsets(j);
            let blocks = out_offsets[..out.axis(j).len()]
                .iter()
                .map(|&s| {
                    let b = in_offsets.partition_point(|&o| o <= s).saturating_sub(1);
                    let b = b.min(operand.axis(i).len().saturating_sub(1));
                    (b, s - in_offsets[b])
                })
                .collect();
            AxisMap::Blocks(blocks)
        })
        .collect()
}

/// NumPy 2's `result_type` of two arrays (no value-based casting): the dtype of `a + b`.
///
/// ```
/// use tessera_chunk_core::{result_type, DType};
/// assert_eq!(result_type(DType::I8, DType::F32), DType::F32);
/// assert_eq!(result_type(DType::I32, DType::F32), DType::F64);
/// assert_eq!(result_type(DType::U64, DType::I64), DType::F64);
/// ```
pub fn result_type(a: DType, b: DType) -> DType {
    use DType::*;
    if a == b {
        return a;
    }
    match (a, b) {
        (Object, _) | (_, Object) => Object,
        (Bool, x) | (x, Bool) => x,
        _ => {
            let (ka, kb) = (a.kind(), b.kind());
            match (ka, kb) {
                ('i', 'i') | ('u', 'u') | ('f', 'f') | ('c', 'c') => wider(a, b),
                ('i', 'u') => signed_with_unsigned(a, b),
                ('u', 'i') => signed_with_unsigned(b, a),
                ('i' | 'u', 'f' | 'c') => int_with_inexact(a, b),
                ('f' | 'c', 'i' | 'u') => int_with_inexact(b, a),
                ('f', 'c') => float_with_complex(a, b),
                ('c', 'f') => float_with_complex(b, a),
                _ => Object,
            }
        }
    }
}

/// The larger of two dtypes of the same kind.
fn wider(a: DType, b: DType) -> DType {
    if a.itemsize() >= b.itemsize() {
        a
    } else {
        b
    }
}

/// A signed integer fits an unsigned one only when strictly wider; otherwise
/// NumPy doubles the unsigned size, and uint64 has no signed home but float64.
fn signed_with_unsigned(signed: DType, unsigned: DType) -> DType {
    if signed.itemsize() > unsigned.itemsize() {
        return signed;
    }
    match unsigned {
        DType::U8 => DType::I16,
        DType::U16 => DType::I32,
        DType::U32 => DType::I64,
        _ => DType::F64,
    }
}

/// float32 / complex64 hold integers of up to 16 bits exactly; wider ones need
/// 64-bit floats. float16 holds 8-bit integers; 16-bit ones take float32.
fn int_with_inexact(int: DType, inexact: DType) -> DType {
    match inexact {
        DType::F16 if int.itemsize() == 1 => DType::F16,
        DType::F16 if int.itemsize() == 2 => DType::F32,
        DType::F16 => DType::F64,
        DType::F32 if int.itemsize() <= 2 => DType::F32,
        DType::Complex64 if int.itemsize() <= 2 => DType::Complex64,
        DType::F32 | DType::F64 => DType::F64,
        _ => DType::Complex128,
    }
}

fn float_with_complex(float: DType, complex: DType) -> DType {
    if float == DType::F64 {
        DType::Complex128
    } else {
        complex
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(axes: &[&[usize]]) -> Chunks {
        Chunks::new(axes.iter().map(|a| a.to_vec()).collect()).unwrap()
    }

    #[test]
    fn broadcasting_follows_numpy() {
        assert_eq!(broadcast_shapes(&[]).unwrap(), Vec::<usize>::new());
        assert_eq!(broadcast_shapes(&[&[0, 5], &[1, 5]]).unwrap(), vec![0, 5]);
        assert_eq!(
            broadcast_shapes(&[&[2, 3, 4, 5], &[3, 1, 5]]).unwrap(),
            vec![2, 3, 4, 5]
        );
        assert!(matches!(
            broadcast_shapes(&[&[0, 5], &[5, 5]]),
            Err(Error::NotBroadcastable { .. })
        ));
    }

    #[test]
    fn unification_refines_and_broadcasts() {
        let a = ch(&[&[5, 5], &[5, 5]]);
        let b = ch(&[&[3, 3, 3, 1], &[10]]);
        let u = unify_chunks(&[&a, &b]).unwrap();
        assert_eq!(u.axes(), &[vec![3, 2, 1, 3, 1], vec![5, 5]]);
        let row = ch(&[&[1], &[4, 4, 4, 4, 4]]);
        let col = ch(&[&[5, 5], &[1]]);
        assert_eq!(
            unify_chunks(&[&col, &row]).unwrap().axes(),
            &[vec![5, 5], vec![4, 4, 4, 4, 4]]
        );
        assert_eq!(unify_chunks(&[]).unwrap(), Chunks::scalar());
    }

    #[test]
    fn operand_blocks_point_inside_their_block() {
        let a = ch(&[&[5, 5]]);
        let b = ch(&[&[3, 3, 3, 1]]);
        let s = ch(&[&[1]]);
        let p = elementwise_plan(&[&a, &b, &s]).unwrap();
        let ob = p.operand_block(0, &[2]).unwrap();
        assert_eq!(
            (ob.block, ob.ranges.len(), ob.ranges[0].clone()),
            (vec![1], 1, 0..1)
        );
        let ob = p.operand_block(1, &[2]).unwrap();
        assert_eq!(
            (ob.block, ob.ranges.len(), ob.ranges[0].clone()),
            (vec![1], 1, 2..3)
        );
        let ob = p.operand_block(2, &[4]).unwrap();
        assert_eq!(
            (ob.block, ob.ranges.len(), ob.ranges[0].clone()),
            (vec![0], 1, 0..1)
        );
        assert!(p.operand_block(3, &[0]).is_err());
        assert!(p.operand_block(0, &[5]).is_err());
    }

    #[test]
    fn promotion_matches_numpy() {
        use DType::*;
        let cases = [
            (Bool, Bool, Bool),
            (Bool, I8, I8),
            (I8, U8, I16),
            (I16, U8, I16),
            (I32, U32, I64),
            (I64, U64, F64),
            (U8, F32, F32),
            (I16, F32, F32),
            (I32, F32, F64),
            (U64, F32, F64),
            (F32, F64, F64),
            (F32, Complex64, Complex64),
            (F64, Complex64, Complex128),
            (I8, Complex64, Complex64),
            (I64, Complex64, Complex128),
            (Complex128, Object, Object),
            (Bool, F16, F16),
            (F16, F32, F32),
            (F16, F64, F64),
            (I8, F16, F16),
            (U8, F16, F16),
            (I16, F16, F32),
            (U16, F16, F32),
            (I32, F16, F64),
            (U32, F16, F64),
            (I64, F16, F64),
            (U64, F16, F64),
            (F16, Complex64, Complex64),
            (F16, Complex128, Complex128),
            (F16, Object, Object),
        ];
        for (a, b, want) in cases {
            assert_eq!(result_type(a, b), want, "{a} + {b}");
            assert_eq!(result_type(b, a), want, "{b} + {a}");
        }
    }
}

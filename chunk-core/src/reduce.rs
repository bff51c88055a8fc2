//! Reduction geometry: which axes a reduction runs over, the chunks of its
//! result (`x.sum(axis, keepdims)` in Dask) and NumPy's accumulator dtypes.

use crate::chunks::Chunks;
use crate::dtype::DType;
use crate::error::{Error, Result};

/// Normalise an `axis=` argument NumPy-style: `None` is every axis, negative
/// axes count from the end; out of range or repeated axes are errors.
/// The order given is kept.
///
/// ```
/// use tessera_chunk_core::normalize_axes;
/// assert_eq!(normalize_axes(Some(&[-1, 0]), 3).unwrap(), vec![2, 0]);
/// assert_eq!(normalize_axes(None, 2).unwrap(), vec![0, 1]);
/// assert!(normalize_axes(Some(&[0, -3]), 3).is_err());
/// ```
pub fn normalize_axes(axes: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    let Some(axes) = axes else {
        return Ok((0..ndim).collect());
    };
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let axis = normalize_axis(a, ndim)?;
        if out.contains(&axis) {
            return Err(Error::RepeatedAxis { axis });
        }
        out.push(axis);
    }
    Ok(out)
}

/// The axes a Dask reduction (`sum`, `mean`, …) runs over: like
/// [`normalize_axes`], but a repeated axis is accepted and counted once,
/// because Dask only asks whether an axis is in the tuple
/// (`da.ones(10).sum(axis=(0, 0))` is a scalar). Sorted ascending.
pub fn reduction_axes(axes: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    let Some(axes) = axes else {
        return Ok((0..ndim).collect());
    };
    let mut out = axes
        .iter()
        .map(|&a| normalize_axis(a, ndim))
        .collect::<Result<Vec<_>>>()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// One axis number in `-ndim..ndim`, made non-negative.
pub fn normalize_axis(axis: i64, ndim: usize) -> Result<usize> {
    let n = ndim as i128;
    let a = i128::from(axis);
    let a = if a < 0 { a + n } else { a };
    if a < 0 || a >= n {
        return Err(Error::AxisOutOfBounds { axis, ndim });
    }
    Ok(a as usize)
}

/// Chunks of a reduction's result: reduced axes become one chunk of length 1
/// with `keepdims`, and disappear without. Axes outside the array are ignored
/// (pass axes from [`reduction_axes`]).
///
/// ```
/// use tessera_chunk_core::{reduced_chunks, Chunks};
/// let c = Chunks::regular(&[10, 20], &[3, 7]).unwrap();
/// assert_eq!(reduced_chunks(&c, &[0], true).axes(), &[vec![1], vec![7, 7, 6]]);
/// assert_eq!(reduced_chunks(&c, &[0], false).axes(), &[vec![7, 7, 6]]);
/// ```
pub fn reduced_chunks(chunks: &Chunks, axes: &[usize], keepdims: bool) -> Chunks {
    let out: Vec<Vec<usize>> = chunks
        .axes()
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match (axes.contains(&i), keepdims) {
            (false, _) => Some(c.clone()),
            (true, true) => Some(vec![1]),
            (true, false) => None,
        })
        .collect();
    let shape: Vec<usize> = out.iter().map(|c| c.iter().sum()).collect();
    // Each axis is either an axis of a valid `Chunks` or `[1]`, so `new`
    // cannot refuse it; the fallback only keeps this function total.
    Chunks::new(out).unwrap_or_else(|_| Chunks::single(&shape))
}

/// The dtype NumPy's `sum` (and Dask's) gives: booleans and signed integers
/// accumulate in int64, unsigned in uint64, inexact types keep theirs.
///
/// ```
/// use tessera_chunk_core::{sum_dtype, DType};
/// assert_eq!(sum_dtype(DType::Bool), DType::I64);
/// assert_eq!(sum_dtype(DType::U8), DType::U64);
/// assert_eq!(sum_dtype(DType::F32), DType::F32);
/// ```
pub fn sum_dtype(d: DType) -> DType {
    match d.kind() {
        'b' | 'i' => DType::I64,
        'u' => DType::U64,
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_checked() {
        assert_eq!(
            normalize_axes(Some(&[0, 0]), 2),
            Err(Error::RepeatedAxis { axis: 0 })
        );
        assert_eq!(reduction_axes(Some(&[0, -2, 1]), 2).unwrap(), vec![0, 1]);
        assert_eq!(
            reduction_axes(Some(&[1, 0]), 1),
            Err(Error::AxisOutOfBounds { axis: 1, ndim: 1 })
        );
        assert!(normalize_axes(Some(&[0]), 0).is_err());
        assert_eq!(normalize_axes(None, 0).unwrap(), Vec::<usize>::new());
        assert!(normalize_axis(i64::MIN, 3).is_err());
    }

    #[test]
    fn reduced_chunks_with_and_without_keepdims() {
        let c = Chunks::regular(&[0, 5], &[2, 2]).unwrap();
        assert_eq!(reduced_chunks(&c, &[0, 1], false), Chunks::scalar());
        assert_eq!(
            reduced_chunks(&c, &[0, 1], true).axes(),
            &[vec![1], vec![1]]
        );
        assert_eq!(reduced_chunks(&c, &[], true), c);
        assert_eq!(
            reduced_chunks(&Chunks::scalar(), &[], false),
            Chunks::scalar()
        );
    }

    #[test]
    fn sum_dtypes() {
        for (d, want) in [
            (DType::I8, DType::I64),
            (DType::I32, DType::I64),
            (DType::U16, DType::U64),
            (DType::F64, DType::F64),
            (DType::Complex128, DType::Complex128),
            (DType::Object, DType::Object),
        ] {
            assert_eq!(sum_dtype(d), want);
        }
    }
}

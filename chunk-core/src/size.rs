//! Checked sizes: element counts, byte sizes and chunk sums that must fit.
//!
//! Every count tessera derives from a user's shape is kept at or below
//! [`MAX_SIZE`] (`isize::MAX`): no single allocation can be larger, and signed
//! `i64` index arithmetic (negative indices, strides of views) stays exact.
//! Checking here, with `checked_*` arithmetic, makes a too-large shape an
//! error in release builds too, where plain `*` and `+` would wrap silently.

use crate::dtype::DType;
use crate::error::{Error, Result};

/// The largest element count, byte size or axis length tessera accepts (`isize::MAX`).
pub const MAX_SIZE: u64 = isize::MAX as u64;

fn overflow(shape: &[usize], what: impl Into<String>) -> Error {
    Error::SizeOverflow {
        shape: shape.to_vec(),
        what: what.into(),
    }
}

fn fits(n: u64) -> bool {
    n <= MAX_SIZE
}

/// The number of elements of `shape`, or [`Error::SizeOverflow`] naming the
/// shape when it, or any axis length, exceeds [`MAX_SIZE`].
///
/// ```
/// use tessera_chunk_core::checked_size;
/// assert_eq!(checked_size(&[3, 4]).unwrap(), 12);
/// assert!(checked_size(&[1 << 40, 1 << 40]).is_err());
/// ```
pub fn checked_size(shape: &[usize]) -> Result<usize> {
    if let Some(axis) = shape.iter().position(|&d| !fits(d as u64)) {
        return Err(overflow(shape, format!("length of axis {axis}")));
    }
    // An empty axis empties the array, whatever the other lengths.
    if shape.contains(&0) {
        return Ok(0);
    }
    shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| fits(n as u64))
        .ok_or_else(|| overflow(shape, "element count"))
}

/// The bytes of an array of `shape` and `dtype`, or [`Error::SizeOverflow`]
/// naming the shape when that exceeds [`MAX_SIZE`].
///
/// ```
/// use tessera_chunk_core::{checked_nbytes, DType};
/// assert_eq!(checked_nbytes(&[10, 10], DType::F64).unwrap(), 800);
/// assert!(checked_nbytes(&[1 << 61], DType::F64).is_err());
/// ```
pub fn checked_nbytes(shape: &[usize], dtype: DType) -> Result<u64> {
    let n = checked_size(shape)?;
    let itemsize = dtype.itemsize();
    n.checked_mul(itemsize)
        .filter(|&b| fits(b as u64))
        .map(|b| b as u64)
        .ok_or_else(|| {
            overflow(
                shape,
                format!("byte size as {dtype} ({n} elements of {itemsize} bytes)"),
            )
        })
}

/// The sum of one axis' chunk lengths, `None` past [`MAX_SIZE`].
pub(crate) fn checked_sum(chunks: &[usize]) -> Option<usize> {
    chunks
        .iter()
        .try_fold(0usize, |acc, &c| acc.checked_add(c))
        .filter(|&s| fits(s as u64))
}

/// Check a grid of per-axis chunk lengths: each axis' sum, the element count
/// and the number of blocks must fit in [`MAX_SIZE`]. Returns the shape.
pub(crate) fn check_grid(axes: &[Vec<usize>]) -> Result<Vec<usize>> {
    let sums: Vec<Option<usize>> = axes
        .iter()
        .map(|c| c.iter().try_fold(0usize, |acc, &c| acc.checked_add(c)))
        .collect();
    // usize::MAX stands for an axis whose sum overflowed usize, so the shape
    // can still be named; sums past MAX_SIZE show as they are (checked_size refuses them).
    let shape: Vec<usize> = sums.iter().map(|s| s.unwrap_or(usize::MAX)).collect();
    if let Some(axis) = sums.iter().position(Option::is_none) {
        return Err(overflow(
            &shape,
            format!("sum of the chunks of axis {axis}"),
        ));
    }
    checked_size(&shape)?;
    axes.iter()
        .try_fold(1usize, |acc, c| acc.checked_mul(c.len()))
        .filter(|&n| fits(n as u64))
        .ok_or_else(|| overflow(&shape, "number of blocks"))?;
    Ok(shape)
}

/// `vec![value; n]` that reports a length too large to allocate as an error
/// naming `shape`, instead of aborting the process.
pub(crate) fn filled_vec<T: Clone>(value: T, n: usize, shape: &[usize]) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| overflow(shape, format!("number of chunks ({n})")))?;
    v.resize(n, value);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_that_fit_are_exact() {
        assert_eq!(checked_size(&[]).unwrap(), 1);
        assert_eq!(checked_size(&[0, usize::MAX / 4]).unwrap(), 0);
        assert_eq!(checked_nbytes(&[10, 10], DType::F64).unwrap(), 800);
        assert_eq!(
            checked_size(&[MAX_SIZE as usize]).unwrap(),
            MAX_SIZE as usize
        );
    }

    #[test]
    fn overflow_names_the_shape_and_what() {
        let e = checked_size(&[1 << 40, 1 << 40, 1 << 40]).unwrap_err();
        assert_eq!(
            e,
            Error::SizeOverflow {
                shape: vec![1 << 40, 1 << 40, 1 << 40],
                what: "element count".into()
            }
        );
        assert!(e
            .to_string()
            .contains("[1099511627776, 1099511627776, 1099511627776]"));
        let e = checked_nbytes(&[usize::MAX / 2, 4], DType::F64).unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("{:?}", [usize::MAX / 2, 4])),
            "{e}"
        );
        // Fits as elements, not as float64 bytes.
        let e = checked_nbytes(&[1 << 61], DType::F64).unwrap_err();
        assert!(e.to_string().contains("byte size as float64"), "{e}");
        assert!(checked_size(&[usize::MAX, 0]).is_err());
    }

    #[test]
    fn grid_checks_sums_elements_and_blocks() {
        let half = usize::MAX / 2 + 1;
        let e = check_grid(&[vec![half, half]]).unwrap_err();
        assert!(
            matches!(&e, Error::SizeOverflow { what, .. } if what.contains("axis 0")),
            "{e}"
        );
        assert!(check_grid(&[vec![1 << 40], vec![1 << 40]]).is_err());
        assert_eq!(check_grid(&[vec![2, 3], vec![4]]).unwrap(), vec![5, 4]);
    }
}

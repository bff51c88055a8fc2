//! Indexing: basic slicing (`slice` with `s!`), integer and boolean indexing
//! along an axis (`take`, `compress`), `nonzero`, `diff`, `roll`, `flip`,
//! and `block`.

use tessera_chunk_core::{Element, IndexItem};
use tessera_ops::{indexing, slicing};

use ndarray::Array1;

use crate::array::Array;
use crate::compute::{graph_of, Compute};
use crate::error::{Error, Result};
use crate::reduce_args::Reduce;

impl<T: Element> Array<T> {
    /// The indices of the non-zero elements (NaN counts as non-zero, as in
    /// NumPy), one int64 array per axis in C order: `np.nonzero(x)` and the
    /// Array API's `nonzero`. Computed now with the configured scheduler:
    /// the count depends on the data (Dask gives unknown chunks there).
    pub fn nonzero(&self) -> Result<Vec<Array1<i64>>> {
        self.nonzero_with(&Compute::new())
    }

    /// [`Array::nonzero`] with compute options.
    pub fn nonzero_with(&self, options: &Compute<'_>) -> Result<Vec<Array1<i64>>> {
        let expr = indexing::nonzero::nonzero(self.expr()?)?;
        let blocks = options.run(&graph_of(&[&expr])?)?;
        let flat = blocks.first().ok_or_else(|| {
            Error::Ops(tessera_ops::Error::InvalidArgument {
                op: "nonzero".into(),
                reason: "the run gave no block of indices".into(),
            })
        })?;
        let shape = self.shape();
        let mut axes = vec![Vec::new(); shape.len()];
        for &f in flat.as_array::<i64>()?.iter() {
            let mut rest = f;
            for (d, &n) in shape.iter().enumerate().rev() {
                let n = n as i64;
                axes[d].push(rest % n);
                rest /= n;
            }
        }
        Ok(axes.into_iter().map(Array1::from).collect())
    }

    /// Basic indexing, NumPy style: `x.slice(&s![3, 1..8, IndexItem::NewAxis])`.
    ///
    /// ```
    /// use tessera::{s, IndexItem};
    /// let x = tessera::arange::<f64>(0.0, 10.0, 1.0, 3);
    /// let y = x.slice(&s![IndexItem::step(.., -3)]);
    /// assert_eq!(y.compute().unwrap().iter().copied().collect::<Vec<_>>(), vec![9.0, 6.0, 3.0, 0.0]);
    /// ```
    pub fn slice(&self, index: &[IndexItem]) -> Array<T> {
        self.then("getitem", |x| Ok(slicing::getitem(x, index)?))
    }

    /// Elements at `indices` along `axis` (`x[:, [3, 0, -1]]`, `da.take`);
    /// negative indices count from the end.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 10.0, 1.0, 4);
    /// let y = x.take(&[7, 1, -1], 0);
    /// assert_eq!(y.compute().unwrap().into_raw_vec_and_offset().0, vec![7, 1, 9]);
    /// ```
    pub fn take(&self, indices: &[i64], axis: i64) -> Array<T> {
        self.then("take", |x| Ok(indexing::take(x, indices, axis)?))
    }

    /// `out[.., j, ..] = x[.., indices[.., j, ..], ..]` along `axis`
    /// (`np.take_along_axis`): `indices` has this array's number of
    /// dimensions and broadcasts with it on the other axes; negative indices
    /// count from the end; an index out of range is an error at compute time.
    ///
    /// ```
    /// let x = tessera::from_array(ndarray::arr2(&[[10, 30, 20], [5, 4, 6]]).into_dyn(), 2);
    /// let i = tessera::from_array(ndarray::arr2(&[[0, 2], [1, -1]]).into_dyn(), 1);
    /// let y = x.take_along_axis(&i, 1);
    /// assert_eq!(y.compute().unwrap(), ndarray::arr2(&[[10, 20], [4, 6]]).into_dyn());
    /// ```
    pub fn take_along_axis<I: Element>(&self, indices: &Array<I>, axis: i64) -> Array<T> {
        self.then2(indices, "take_along_axis", |x, i| {
            Ok(indexing::take_along_axis(x, i, axis)?)
        })
    }

    /// Elements where `mask` is true along `axis` (`x[:, mask]` with a NumPy
    /// mask); the mask needs one bool per element of the axis.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 5.0, 1.0, 2);
    /// let y = x.compress(&[true, false, false, true, true], 0);
    /// assert_eq!(y.compute().unwrap().into_raw_vec_and_offset().0, vec![0, 3, 4]);
    /// ```
    pub fn compress(&self, mask: &[bool], axis: i64) -> Array<T> {
        self.then("compress", |x| Ok(indexing::compress(x, mask, axis)?))
    }

    /// Elements where the lazy 1-d `mask` is true along `axis` (`x[:, mask]`
    /// with a Dask bool array). Dask leaves the result's chunk lengths
    /// unknown; tessera's are always known, so this **computes the mask now**
    /// (with the default scheduler) and gives one block per block of the two
    /// aligned cuts, as long as its count of true values.
    pub fn compress_lazy(&self, mask: &Array<bool>, axis: i64) -> Result<Array<T>> {
        let x = self.expr()?;
        mask.check()?;
        if mask.ndim() != 1 {
            return Err(tessera_ops::Error::InvalidArgument {
                op: "boolean mask".into(),
                reason: format!(
                    "the mask has shape {:?}; a mask for one axis is 1-dimensional",
                    mask.shape()
                ),
            }
            .into());
        }
        let axis_n = tessera_chunk_core::normalize_axis(axis, self.ndim())?;
        let (got, want) = (mask.shape()[0], self.shape()[axis_n]);
        // Checked before computing: a wrong mask should not cost a computation.
        if got != want {
            return Err(tessera_ops::Error::InvalidArgument {
                op: "boolean mask".into(),
                reason: format!(
                    "the mask has {got} elements but axis {axis_n} has length {want}; give one bool per element"
                ),
            }
            .into());
        }
        let values: Vec<bool> = mask.compute()?.iter().copied().collect();
        Array::from_expr(indexing::mask_blocks(
            x,
            &values,
            mask.chunks().axis(0),
            axis,
        )?)
    }

    /// The `n`-th discrete difference along `axis` (`da.diff`).
    pub fn diff(&self, n: usize, axis: i64) -> Array<T> {
        self.then("diff", |x| Ok(indexing::diff(x, n, axis)?))
    }

    /// Roll elements by `shift` along the axes given (`..`: over the
    /// flattened array), as `da.roll(x, shift, axis)`.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 5.0, 1.0, 2);
    /// let y = x.roll(2, ..);
    /// assert_eq!(y.compute().unwrap().into_raw_vec_and_offset().0, vec![3, 4, 0, 1, 2]);
    /// ```
    pub fn roll(&self, shift: i64, axes: impl Into<Reduce>) -> Array<T> {
        self.roll_each(&[shift], axes)
    }

    /// Roll along several axes, one shift per axis (`da.roll(x, (1, 2), (0, 1))`).
    pub fn roll_each(&self, shifts: &[i64], axes: impl Into<Reduce>) -> Array<T> {
        let axes = axes.into().axes;
        self.then("roll", |x| Ok(indexing::roll(x, shifts, axes.as_deref())?))
    }

    /// Reverse the order of elements along the axes given (`..`: all of them), as `da.flip`.
    pub fn flip(&self, axes: impl Into<Reduce>) -> Array<T> {
        let axes = axes.into().axes;
        self.then("flip", |x| Ok(indexing::flip(x, axes.as_deref())?))
    }

    /// Reverse the rows (axis 0), as `np.flipud`.
    pub fn flipud(&self) -> Array<T> {
        self.flip(0)
    }

    /// Reverse the columns (axis 1), as `np.fliplr`.
    pub fn fliplr(&self) -> Array<T> {
        self.flip(1)
    }
}

/// A nested list of arrays for [`block`]: `[[a, b], [c]]` is
/// `Nested::List(vec![Nested::List(vec![a.into(), b.into()]), Nested::List(vec![c.into()])])`.
pub enum Nested<'a, T: Element> {
    /// A leaf array.
    Array(&'a Array<T>),
    /// A list of items, all nested equally deep.
    List(Vec<Nested<'a, T>>),
}

impl<'a, T: Element> From<&'a Array<T>> for Nested<'a, T> {
    fn from(a: &'a Array<T>) -> Self {
        Nested::Array(a)
    }
}

impl<T: Element> Nested<'_, T> {
    /// The ops crate's nesting, or the first error a leaf carries.
    fn to_ops(&self) -> Result<indexing::Nested> {
        Ok(match self {
            Nested::Array(a) => indexing::Nested::Array(a.expr()?.clone()),
            Nested::List(items) => {
                indexing::Nested::List(items.iter().map(Nested::to_ops).collect::<Result<_>>()?)
            }
        })
    }
}

/// Assemble an array from nested lists of arrays (`da.block`): innermost
/// lists join along the last axis, the next ones out along the axis before.
pub fn block<T: Element>(arrays: &Nested<'_, T>) -> Array<T> {
    match arrays.to_ops() {
        Ok(nested) => Array::source("block", || Ok(indexing::block(&nested)?)),
        Err(e) => Array::failed(e),
    }
}

/// `block` for the common two-level case: rows of arrays, a block matrix.
///
/// ```
/// let a = tessera::ones::<f64>([2, 2], 1);
/// let b = tessera::zeros::<f64>([2, 3], 2);
/// let m = tessera::block_2d(&[vec![&a, &b], vec![&b, &a]]);
/// assert_eq!(m.shape(), vec![4, 5]);
/// assert_eq!(m.compute().unwrap()[[3, 4]], 1.0);
/// ```
pub fn block_2d<T: Element>(rows: &[Vec<&Array<T>>]) -> Array<T> {
    let nested = Nested::List(
        rows.iter()
            .map(|r| Nested::List(r.iter().map(|&a| Nested::Array(a)).collect()))
            .collect(),
    );
    block(&nested)
}

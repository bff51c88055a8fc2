//! Sorting: `sort` and `argsort` along an axis (a blocked sort: each chunk
//! sorted, then merged by rank ranges; the chunks stay the input's) and
//! `searchsorted` into a sorted 1-d array.

use tessera_chunk_core::Element;
use tessera_ops::sort;

use crate::array::Array;

/// Which end of a run of equal elements `searchsorted` gives (NumPy's `side`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    /// Before equal elements (`side="left"`, the default).
    #[default]
    Left,
    /// After them (`side="right"`).
    Right,
}

impl<T: Element> Array<T> {
    /// Sorted along `axis` (Array API `sort`): NaN last, or first when
    /// `descending`; stable (equal elements keep their order) always.
    ///
    /// ```
    /// let x = tessera::from_array(ndarray::arr1(&[3.0, f64::NAN, -1.0, 2.0]).into_dyn(), 2);
    /// let y = x.sort(-1, false).compute().unwrap();
    /// assert_eq!(&y.as_slice().unwrap()[..3], &[-1.0, 2.0, 3.0]);
    /// assert!(y[3].is_nan());
    /// ```
    pub fn sort(&self, axis: i64, descending: bool) -> Array<T> {
        self.then("sort", |x| Ok(sort::sort(x, axis, descending)?))
    }

    /// The positions that sort the array along `axis` (Array API `argsort`), stable.
    ///
    /// ```
    /// let x = tessera::from_array(ndarray::arr1(&[3, 1, 2, 1]).into_dyn(), 3);
    /// let i = x.argsort(0, false).compute().unwrap();
    /// assert_eq!(i.into_raw_vec_and_offset().0, vec![1, 3, 2, 0]);
    /// ```
    pub fn argsort(&self, axis: i64, descending: bool) -> Array<i64> {
        self.then("argsort", |x| Ok(sort::argsort(x, axis, descending)?))
    }

    /// Where each of `values` would go in this sorted 1-d array
    /// (`np.searchsorted(self, values, side)`); the result has `values`' shape and chunks.
    ///
    /// ```
    /// use tessera::Side;
    /// let a = tessera::from_array(ndarray::arr1(&[1, 2, 2, 5]).into_dyn(), 2);
    /// let v = tessera::from_array(ndarray::arr1(&[2, 6, 0]).into_dyn(), 2);
    /// assert_eq!(a.searchsorted(&v, Side::Left).compute().unwrap().into_raw_vec_and_offset().0, vec![1, 4, 0]);
    /// assert_eq!(a.searchsorted(&v, Side::Right).compute().unwrap().into_raw_vec_and_offset().0, vec![3, 4, 0]);
    /// ```
    pub fn searchsorted(&self, values: &Array<T>, side: Side) -> Array<i64> {
        self.then2(values, "searchsorted", |a, v| {
            Ok(sort::searchsorted(a, v, side == Side::Right)?)
        })
    }
}

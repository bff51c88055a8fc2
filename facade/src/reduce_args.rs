//! One axis convention for every reduction: all axes, one, several or
//! negative ones, with Dask's keyword arguments (`keepdims`, `split_every`,
//! `ddof`) as named options rather than positional numbers.
//!
//! ```
//! use tessera::{axes, axis, ddof};
//! let x = tessera::ones::<f64>([4, 6, 8], 2);
//! assert_eq!(x.mean().shape(), Vec::<usize>::new());                   // all axes
//! assert_eq!(x.mean_with(0).shape(), vec![6, 8]);                        // axis 0
//! assert_eq!(x.mean_with(-1).shape(), vec![4, 6]);                       // the last axis
//! assert_eq!(x.mean_with(axes([0, 2]).keepdims()).shape(), vec![1, 6, 1]);
//! assert_eq!(x.std_with(ddof(1)).shape(), Vec::<usize>::new());          // ddof 1, all axes
//! assert_eq!(x.sum_with(axis(1).split_every(4)).shape(), vec![4, 8]);
//! ```

use std::ops::RangeFull;

use tessera_ops::ReduceOptions;

/// Which axes a reduction runs over, and its options. Made from an axis
/// (`0`, `-1`), several (`[0, 2]`, `vec![..]`), all of them (`..`), or the
/// builders [`axis`], [`axes`], [`ddof`]; refined with [`Reduce::keepdims`],
/// [`Reduce::split_every`], [`Reduce::ddof`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reduce {
    /// The axes (negative count from the end); `None` is every axis.
    pub axes: Option<Vec<i64>>,
    /// Keep reduced axes as length-1 axes (NumPy's `keepdims=True`).
    pub keepdims: bool,
    /// How many blocks each step of the tree reduction combines (Dask's
    /// `split_every`; `None` is Dask's default).
    pub split_every: Option<usize>,
    /// Delta degrees of freedom of `var` and `std` (NumPy's `ddof`; other
    /// reductions ignore it).
    pub ddof: u32,
}

/// A reduction over every axis, with default options.
pub fn all_axes() -> Reduce {
    Reduce::default()
}

/// A reduction over one axis (negative counts from the end).
pub fn axis(axis: i64) -> Reduce {
    Reduce {
        axes: Some(vec![axis]),
        ..Reduce::default()
    }
}

/// A reduction over several axes (negative count from the end).
pub fn axes(axes: impl IntoIterator<Item = i64>) -> Reduce {
    Reduce {
        axes: Some(axes.into_iter().collect()),
        ..Reduce::default()
    }
}

/// A reduction over every axis with `ddof` delta degrees of freedom (for `var` and `std`).
pub fn ddof(ddof: u32) -> Reduce {
    Reduce {
        ddof,
        ..Reduce::default()
    }
}

impl Reduce {
    /// Keep the reduced axes as length-1 axes.
    pub fn keepdims(mut self) -> Self {
        self.keepdims = true;
        self
    }

    /// Combine `n` blocks at each step of the tree reduction.
    pub fn split_every(mut self, n: usize) -> Self {
        self.split_every = Some(n);
        self
    }

    /// Use `ddof` delta degrees of freedom (for `var` and `std`).
    pub fn ddof(mut self, ddof: u32) -> Self {
        self.ddof = ddof;
        self
    }

    /// The options the reduction layers take.
    pub(crate) fn options(&self) -> ReduceOptions {
        ReduceOptions {
            axes: self.axes.clone(),
            keepdims: self.keepdims,
            split_every: self.split_every,
        }
    }
}

impl From<RangeFull> for Reduce {
    /// `..`: every axis.
    fn from(_: RangeFull) -> Self {
        all_axes()
    }
}

impl From<Vec<i64>> for Reduce {
    fn from(a: Vec<i64>) -> Self {
        axes(a)
    }
}

impl From<&[i64]> for Reduce {
    fn from(a: &[i64]) -> Self {
        axes(a.iter().copied())
    }
}

/// Axes written as integer literals (`0`, `[0, 2]`) are `i32` unless said
/// otherwise, so every integer type a user may hold converts.
macro_rules! axis_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Reduce {
            fn from(a: $t) -> Self {
                axis(i64::from(a))
            }
        }
        impl<const N: usize> From<[$t; N]> for Reduce {
            fn from(a: [$t; N]) -> Self {
                axes(a.into_iter().map(i64::from))
            }
        }
    )*};
}
axis_from!(i8, i16, i32, i64);

macro_rules! axis_from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Reduce {
            /// Axes past `i64::MAX` do not exist; they saturate and are refused as out of range.
            fn from(a: $t) -> Self {
                axis(i64::try_from(a).unwrap_or(i64::MAX))
            }
        }
        impl<const N: usize> From<[$t; N]> for Reduce {
            fn from(a: [$t; N]) -> Self {
                axes(a.into_iter().map(|a| i64::try_from(a).unwrap_or(i64::MAX)))
            }
        }
    )*};
}
axis_from_unsigned!(u8, u16, u32, u64, usize);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_saying_axes_means_the_same() {
        assert_eq!(Reduce::from(..), all_axes());
        assert_eq!(Reduce::from(0), axis(0));
        assert_eq!(Reduce::from(2usize), axis(2));
        assert_eq!(Reduce::from(-1i64), axis(-1));
        assert_eq!(Reduce::from([0, 2]), axes([0, 2]));
        assert_eq!(Reduce::from(vec![0i64, 2]), axes([0, 2]));
        assert_eq!(Reduce::from(&[1i64][..]), axis(1));
        assert_eq!(Reduce::from(usize::MAX), axis(i64::MAX));
        let r = axes([0, 2]).keepdims().split_every(4).ddof(1);
        assert_eq!(
            (r.keepdims, r.split_every, r.ddof, r.axes),
            (true, Some(4), 1, Some(vec![0, 2]))
        );
        assert_eq!(ddof(1).axes, None);
    }
}

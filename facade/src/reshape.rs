//! Reshaping arrays: `reshape`, `ravel`, axis permutations (`t`,
//! `transpose`, `swapaxes`, `moveaxis`), `squeeze`, `expand_dims`, and
//! joining (`concatenate`, `stack`). Axes are given as for reductions: an
//! axis (`0`, `-1`) or several (`[0, 2]`).

use tessera_chunk_core::Element;
use tessera_ops::{indexing, join, reshape};

use crate::array::Array;
use crate::reduce_args::Reduce;

/// The axes a user named, for operations that take axes but no options.
fn axes_of(r: impl Into<Reduce>) -> Vec<i64> {
    r.into().axes.unwrap_or_default()
}

impl<T: Element> Array<T> {
    /// Give a new shape with the same number of elements (C order); one `-1` stands for the rest.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 12.0, 1.0, 5);
    /// let y = x.reshape(&[3, -1]);
    /// assert_eq!(y.shape(), vec![3, 4]);
    /// assert_eq!(y.compute().unwrap()[[2, 1]], 9);
    /// ```
    pub fn reshape(&self, shape: &[i64]) -> Array<T> {
        self.then("reshape", |x| Ok(join::reshape(x, shape)?))
    }

    /// Flatten to 1-d in C order.
    pub fn ravel(&self) -> Array<T> {
        self.then("ravel", |x| Ok(join::ravel(x)?))
    }

    /// Reverse the axes (`x.T`).
    pub fn t(&self) -> Array<T> {
        self.then("transpose", |x| Ok(reshape::transpose(x, None)?))
    }

    /// Permute the axes (`x.transpose(axes)`).
    pub fn transpose(&self, axes: &[i64]) -> Array<T> {
        self.then("transpose", |x| Ok(reshape::transpose(x, Some(axes))?))
    }

    /// Exchange two axes.
    pub fn swapaxes(&self, a: i64, b: i64) -> Array<T> {
        self.then("swapaxes", |x| Ok(reshape::swapaxes(x, a, b)?))
    }

    /// Drop every axis of length 1 (`da.squeeze`).
    ///
    /// ```
    /// let x = tessera::ones::<f64>([1, 4, 1], 2);
    /// assert_eq!(x.squeeze().shape(), vec![4]);
    /// assert_eq!(x.squeeze_with(-1).shape(), vec![1, 4]);
    /// assert!(x.squeeze_with(1).check().is_err()); // axis 1 has length 4
    /// ```
    pub fn squeeze(&self) -> Array<T> {
        self.then("squeeze", |x| Ok(indexing::squeeze(x, None)?))
    }

    /// Drop the given axes, which must have length 1 (`da.squeeze(x, axis)`).
    pub fn squeeze_with(&self, axes: impl Into<Reduce>) -> Array<T> {
        let axes = axes.into().axes;
        self.then("squeeze", |x| Ok(indexing::squeeze(x, axes.as_deref())?))
    }

    /// Insert axes of length 1 at each of `axes` of the result (`da.expand_dims`).
    pub fn expand_dims(&self, axes: impl Into<Reduce>) -> Array<T> {
        let axes = axes_of(axes);
        self.then("expand_dims", |x| Ok(indexing::expand_dims(x, &axes)?))
    }

    /// Move axes `source` to positions `destination`; the others keep their
    /// order (`da.moveaxis`).
    ///
    /// ```
    /// let x = tessera::ones::<f64>([2, 3, 4], 2);
    /// assert_eq!(x.moveaxis(0, -1).shape(), vec![3, 4, 2]);
    /// assert_eq!(x.moveaxis([0, 1], [-1, -2]).shape(), vec![4, 3, 2]);
    /// ```
    pub fn moveaxis(&self, source: impl Into<Reduce>, destination: impl Into<Reduce>) -> Array<T> {
        let (source, destination) = (axes_of(source), axes_of(destination));
        self.then("moveaxis", |x| {
            Ok(indexing::moveaxis(x, &source, &destination)?)
        })
    }
}

/// Join arrays along an existing axis (`da.concatenate`).
pub fn concatenate<T: Element>(arrays: &[&Array<T>], axis: i64) -> Array<T> {
    Array::then_all(arrays, "concatenate", |exprs| {
        let exprs: Vec<_> = exprs.iter().map(|e| (*e).clone()).collect();
        Ok(join::concatenate(&exprs, Some(axis))?)
    })
}

/// Join arrays along a new axis (`da.stack`).
pub fn stack<T: Element>(arrays: &[&Array<T>], axis: i64) -> Array<T> {
    Array::then_all(arrays, "stack", |exprs| {
        let exprs: Vec<_> = exprs.iter().map(|e| (*e).clone()).collect();
        Ok(join::stack(&exprs, axis)?)
    })
}

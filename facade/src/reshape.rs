//! Reshaping arrays: `reshape`, `ravel`, axis permutations (`t`,
//! `transpose`, `swapaxes`, `moveaxis`), `squeeze`, `expand_dims`, and
//! joining (`concatenate`, `stack`).

use tessera_chunk_core::Element;
use tessera_ops::{indexing, join, reshape};

use crate::array::Array;
use crate::error::Result;

impl<T: Element> Array<T> {
    /// Give a new shape with the same number of elements (C order); one `-1` stands for the rest.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 12.0, 1.0, 5).unwrap();
    /// let y = x.reshape(&[3, -1]).unwrap();
    /// assert_eq!(y.shape(), vec![3, 4]);
    /// assert_eq!(y.compute().unwrap()[[2, 1]], 9);
    /// ```
    pub fn reshape(&self, shape: &[i64]) -> Result<Array<T>> {
        Array::from_expr(join::reshape(self.expr(), shape)?)
    }

    /// Flatten to 1-d in C order.
    pub fn ravel(&self) -> Result<Array<T>> {
        Array::from_expr(join::ravel(self.expr())?)
    }

    /// Reverse the axes (`x.T`).
    pub fn t(&self) -> Result<Array<T>> {
        Array::from_expr(reshape::transpose(self.expr(), None)?)
    }

    /// Permute the axes (`x.transpose(axes)`).
    pub fn transpose(&self, axes: &[i64]) -> Result<Array<T>> {
        Array::from_expr(reshape::transpose(self.expr(), Some(axes))?)
    }

    /// Exchange two axes.
    pub fn swapaxes(&self, a: i64, b: i64) -> Result<Array<T>> {
        Array::from_expr(reshape::swapaxes(self.expr(), a, b)?)
    }

    /// Drop `axis` (which must have length 1), or every axis of length 1 for `None` (`da.squeeze`).
    ///
    /// ```
    /// let x = tessera::ones::<f64>([1, 4, 1], 2).unwrap();
    /// assert_eq!(x.squeeze(None).unwrap().shape(), vec![4]);
    /// assert!(x.squeeze(Some(1)).is_err());
    /// ```
    pub fn squeeze(&self, axis: Option<i64>) -> Result<Array<T>> {
        let axes = axis.map(|a| vec![a]);
        Array::from_expr(indexing::squeeze(self.expr(), axes.as_deref())?)
    }

    /// Drop several axes of length 1.
    pub fn squeeze_axes(&self, axes: &[i64]) -> Result<Array<T>> {
        Array::from_expr(indexing::squeeze(self.expr(), Some(axes))?)
    }

    /// Insert an axis of length 1 at `axis` of the result (`da.expand_dims`).
    pub fn expand_dims(&self, axis: i64) -> Result<Array<T>> {
        Array::from_expr(indexing::expand_dims(self.expr(), &[axis])?)
    }

    /// Insert axes of length 1 at each of `axes` of the result.
    pub fn expand_dims_axes(&self, axes: &[i64]) -> Result<Array<T>> {
        Array::from_expr(indexing::expand_dims(self.expr(), axes)?)
    }

    /// Move axis `source` to position `destination` (`da.moveaxis`).
    ///
    /// ```
    /// let x = tessera::ones::<f64>([2, 3, 4], 2).unwrap();
    /// assert_eq!(x.moveaxis(0, -1).unwrap().shape(), vec![3, 4, 2]);
    /// ```
    pub fn moveaxis(&self, source: i64, destination: i64) -> Result<Array<T>> {
        Array::from_expr(indexing::moveaxis(self.expr(), &[source], &[destination])?)
    }

    /// Move several axes at once; the others keep their order.
    pub fn moveaxes(&self, source: &[i64], destination: &[i64]) -> Result<Array<T>> {
        Array::from_expr(indexing::moveaxis(self.expr(), source, destination)?)
    }
}

/// Join arrays along an existing axis (`da.concatenate`).
pub fn concatenate<T: Element>(arrays: &[&Array<T>], axis: i64) -> Result<Array<T>> {
    let exprs: Vec<_> = arrays.iter().map(|a| a.expr().clone()).collect();
    Array::from_expr(join::concatenate(&exprs, Some(axis))?)
}

/// Join arrays along a new axis (`da.stack`).
pub fn stack<T: Element>(arrays: &[&Array<T>], axis: i64) -> Result<Array<T>> {
    let exprs: Vec<_> = arrays.iter().map(|a| a.expr().clone()).collect();
    Array::from_expr(join::stack(&exprs, axis)?)
}

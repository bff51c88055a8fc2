//! Indexing, joining and reshaping arrays.

use tessera_chunk_core::{Element, IndexItem};
use tessera_ops::{join, slicing};

use crate::array::Array;
use crate::error::Result;

impl<T: Element> Array<T> {
    /// Basic indexing, NumPy style: `x.slice(&s![3, 1..8, IndexItem::NewAxis])`.
    ///
    /// ```
    /// use tessera::{s, IndexItem};
    /// let x = tessera::arange::<f64>(0.0, 10.0, 1.0, 3).unwrap();
    /// let y = x.slice(&s![IndexItem::step(.., -3)]).unwrap();
    /// assert_eq!(y.compute().unwrap().iter().copied().collect::<Vec<_>>(), vec![9.0, 6.0, 3.0, 0.0]);
    /// ```
    pub fn slice(&self, index: &[IndexItem]) -> Result<Array<T>> {
        Array::from_expr(slicing::getitem(self.expr(), index)?)
    }

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

/// Elements of `a` where `cond` is true, else of `b` (`da.where`), broadcasting.
pub fn where_<T: Element>(cond: &Array<bool>, a: &Array<T>, b: &Array<T>) -> Result<Array<T>> {
    Array::from_expr(tessera_ops::elementwise::where_(
        cond.expr(),
        a.expr(),
        b.expr(),
    )?)
}

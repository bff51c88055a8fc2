//! Matrix products: `matmul`, `dot` and `tensordot`, built as Dask builds
//! them (aligned block products, then a tree sum over the contracted blocks).

use tessera_ops::{linalg, Numeric};

use crate::array::Array;
use crate::error::Result;

pub use tessera_ops::linalg::TensorAxes;

impl<T: Numeric> Array<T> {
    /// Matrix product `self @ other` for 1-d and 2-d arrays, as NumPy's `matmul`;
    /// integers give `i64`/`u64` (Dask's sum dtype), floats keep their type.
    ///
    /// ```
    /// let x = tessera::ones::<f64>([4, 6], [2, 3]).unwrap();
    /// let y = tessera::ones::<f64>([6, 5], [2, 5]).unwrap();
    /// let z = x.matmul(&y).unwrap();
    /// assert_eq!(z.shape(), vec![4, 5]);
    /// assert_eq!(z.compute().unwrap()[[3, 4]], 6.0);
    /// ```
    pub fn matmul(&self, other: &Array<T>) -> Result<Array<T::Acc>> {
        Array::from_expr(linalg::matmul(self.expr(), other.expr())?)
    }

    /// NumPy's `dot`: the last axis of `self` with the second-to-last of `other`
    /// (its only axis when 1-d).
    pub fn dot(&self, other: &Array<T>) -> Result<Array<T::Acc>> {
        Array::from_expr(linalg::dot(self.expr(), other.expr())?)
    }
}

/// Contract `a` and `b` over `axes` (NumPy's `tensordot`): a count `n` pairs the
/// last `n` axes of `a` with the first `n` of `b`; `([1, 0], [0, 2])` pairs axes explicitly.
///
/// ```
/// let a = tessera::ones::<f64>([3, 4, 5], 2).unwrap();
/// let b = tessera::ones::<f64>([4, 3, 2], 3).unwrap();
/// let c = tessera::tensordot(&a, &b, ([1, 0], [0, 1])).unwrap();
/// assert_eq!(c.shape(), vec![5, 2]);
/// assert_eq!(c.compute().unwrap()[[0, 0]], 12.0);
/// ```
pub fn tensordot<T: Numeric>(
    a: &Array<T>,
    b: &Array<T>,
    axes: impl Into<TensorAxes>,
) -> Result<Array<T::Acc>> {
    Array::from_expr(linalg::tensordot(a.expr(), b.expr(), &axes.into(), None)?)
}

//! Matrix products: `matmul`, `dot` and `tensordot`, built as Dask builds
//! them (aligned block products, then a tree sum over the contracted blocks).

use tessera_chunk_core::Element;
use tessera_ops::linalg;

use crate::array::Array;

pub use tessera_ops::linalg::TensorAxes;

impl<T: Element> Array<T> {
    /// Matrix product `self @ other` for 1-d and 2-d arrays, as NumPy's `matmul`;
    /// integers give `i64`/`u64` (Dask's sum dtype), floats keep their type.
    ///
    /// ```
    /// let x = tessera::ones::<f64>([4, 6], [2, 3]);
    /// let y = tessera::ones::<f64>([6, 5], [2, 5]);
    /// let z = x.matmul(&y);
    /// assert_eq!(z.shape(), vec![4, 5]);
    /// assert_eq!(z.compute().unwrap()[[3, 4]], 6.0);
    /// ```
    pub fn matmul(&self, other: &Array<T>) -> Array<T::Sum> {
        self.then2(other, "matmul", |a, b| Ok(linalg::matmul(a, b)?))
    }

    /// NumPy's `dot`: the last axis of `self` with the second-to-last of `other`
    /// (its only axis when 1-d).
    pub fn dot(&self, other: &Array<T>) -> Array<T::Sum> {
        self.then2(other, "dot", |a, b| Ok(linalg::dot(a, b)?))
    }
}

/// Contract `a` and `b` over `axes` (NumPy's `tensordot`): a count `n` pairs the
/// last `n` axes of `a` with the first `n` of `b`; `([1, 0], [0, 2])` pairs axes explicitly.
///
/// ```
/// let a = tessera::ones::<f64>([3, 4, 5], 2);
/// let b = tessera::ones::<f64>([4, 3, 2], 3);
/// let c = tessera::tensordot(&a, &b, ([1, 0], [0, 1]));
/// assert_eq!(c.shape(), vec![5, 2]);
/// assert_eq!(c.compute().unwrap()[[0, 0]], 12.0);
/// ```
pub fn tensordot<T: Element>(
    a: &Array<T>,
    b: &Array<T>,
    axes: impl Into<TensorAxes>,
) -> Array<T::Sum> {
    let axes = axes.into();
    a.then2(b, "tensordot", |a, b| {
        Ok(linalg::tensordot(a, b, &axes, None)?)
    })
}

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

    /// Swap the last two axes (Array API `matrix_transpose`, `x.mT`).
    ///
    /// ```
    /// let x = tessera::ones::<f64>([2, 3, 4], 2);
    /// assert_eq!(x.matrix_transpose().shape(), vec![2, 4, 3]);
    /// assert!(tessera::ones::<f64>(3, 1).matrix_transpose().check().is_err());
    /// ```
    pub fn matrix_transpose(&self) -> Array<T> {
        self.then("matrix_transpose", |x| {
            if x.ndim() < 2 {
                return Err(tessera_ops::Error::InvalidArgument {
                    op: "matrix_transpose".into(),
                    reason: format!(
                        "the array has {} dimension(s); a matrix transpose needs at least 2",
                        x.ndim()
                    ),
                }
                .into());
            }
            Ok(reshape::swapaxes(x, -2, -1)?)
        })
    }

    /// Each element repeated `repeats` times along `axis` (`da.repeat`);
    /// `None` repeats the flattened array, as NumPy.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 3.0, 1.0, 2);
    /// let y = x.repeat(2, Some(0));
    /// assert_eq!(y.compute().unwrap().into_raw_vec_and_offset().0, vec![0, 0, 1, 1, 2, 2]);
    /// ```
    pub fn repeat(&self, repeats: usize, axis: Option<i64>) -> Array<T> {
        self.then("repeat", |x| Ok(reshape::repeat(x, repeats, axis)?))
    }

    /// Position `i` along `axis` repeated `counts[i]` times (`np.repeat`
    /// with an array of counts, as the Array API allows; Dask has only a
    /// single count). `None` repeats the flattened array.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 3.0, 1.0, 2);
    /// let y = x.repeat_counts(&[2, 0, 3], Some(0));
    /// assert_eq!(y.compute().unwrap().into_raw_vec_and_offset().0, vec![0, 0, 2, 2, 2]);
    /// ```
    pub fn repeat_counts(&self, counts: &[usize], axis: Option<i64>) -> Array<T> {
        self.then("repeat", |x| Ok(reshape::repeat_counts(x, counts, axis)?))
    }

    /// The array tiled `reps` times along each axis (`da.tile`); `reps`
    /// longer than the shape adds leading axes, shorter tiles the last axes.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 2.0, 1.0, 1);
    /// let y = x.tile(&[2, 2]);
    /// assert_eq!(y.shape(), vec![2, 4]);
    /// assert_eq!(y.compute().unwrap()[[1, 3]], 1);
    /// ```
    pub fn tile(&self, reps: &[usize]) -> Array<T> {
        self.then("tile", |x| Ok(reshape::tile(x, reps)?))
    }

    /// The slices along `axis`, each without that axis (Array API `unstack`).
    /// When building fails, the list holds one array carrying the error.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 6.0, 1.0, 4).reshape(&[2, 3]);
    /// let cols = x.unstack(-1);
    /// assert_eq!(cols.len(), 3);
    /// assert_eq!(cols[2].compute().unwrap().into_raw_vec_and_offset().0, vec![2, 5]);
    /// ```
    pub fn unstack(&self, axis: i64) -> Vec<Array<T>> {
        let one = |f: &dyn Fn(&tessera_ops::Expr) -> crate::error::Result<tessera_ops::Expr>| {
            self.then("unstack", f)
        };
        let x = match self.expr() {
            Ok(x) => x,
            Err(e) => return vec![Array::failed(e)],
        };
        let axis = match tessera_chunk_core::normalize_axis(axis, x.ndim()) {
            Ok(a) => a,
            Err(_) => return vec![one(&|x| Ok(indexing::squeeze(x, Some(&[axis]))?))],
        };
        (0..x.shape()[axis])
            .map(|i| {
                one(&|x| {
                    let mut index = vec![tessera_chunk_core::IndexItem::full(); x.ndim()];
                    index[axis] = tessera_chunk_core::IndexItem::int(i as i64);
                    Ok(tessera_ops::slicing::getitem(x, &index)?)
                })
            })
            .collect()
    }

    /// The lower triangle of the last two axes, the rest zero (`da.tril(x, k)`;
    /// `k > 0` keeps diagonals above the main one).
    ///
    /// ```
    /// let x = tessera::ones::<f64>([3, 3], 2);
    /// assert_eq!(x.tril(0).sum().compute_scalar().unwrap(), 6.0);
    /// assert_eq!(x.triu(1).sum().compute_scalar().unwrap(), 3.0);
    /// ```
    pub fn tril(&self, k: i64) -> Array<T> {
        self.then("tril", |x| Ok(reshape::tril(x, k)?))
    }

    /// The upper triangle of the last two axes, the rest zero (`da.triu(x, k)`).
    pub fn triu(&self, k: i64) -> Array<T> {
        self.then("triu", |x| Ok(reshape::triu(x, k)?))
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

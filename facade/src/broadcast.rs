//! Broadcasting as functions: `broadcast_to`, `broadcast_arrays`,
//! `meshgrid` (Dask's chunks: new and stretched axes are one chunk; several
//! arrays share the chunks an elementwise operation over them would have).

use tessera_chunk_core::Element;
use tessera_ops::{reshape, Expr};

use crate::array::Array;
use crate::dyn_array::DynArray;
use crate::error::{Error, Result};
use crate::shape::IntoShape;

impl<T: Element> Array<T> {
    /// This array broadcast to `shape` (`da.broadcast_to`): axes are aligned
    /// from the right and each must be 1 or the target's length.
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 3.0, 1.0, 2);
    /// let y = x.broadcast_to([2, 3]);
    /// assert_eq!(y.chunks().axes(), &[vec![2], vec![2, 1]]);
    /// assert_eq!(y.compute().unwrap()[[1, 2]], 2);
    /// assert!(x.broadcast_to([4]).check().is_err());
    /// ```
    pub fn broadcast_to(&self, shape: impl IntoShape) -> Array<T> {
        let shape = shape.into_shape();
        self.then("broadcast_to", |x| Ok(reshape::broadcast_to(x, &shape)?))
    }
}

/// Several arrays made from the same operands: each carries the operands'
/// (or the operation's) error when building fails, so the list keeps its length.
pub(crate) fn many<T: Element>(
    arrays: &[&Array<T>],
    op: &str,
    f: impl FnOnce(&[Expr]) -> std::result::Result<Vec<Expr>, tessera_ops::Error>,
) -> Vec<Array<T>> {
    let exprs = match arrays
        .iter()
        .map(|a| a.expr().cloned())
        .collect::<Result<Vec<_>>>()
    {
        Ok(e) => e,
        Err(e) => return arrays.iter().map(|_| Array::failed(e.clone())).collect(),
    };
    let refs: Vec<&Expr> = exprs.iter().collect();
    match f(&exprs) {
        Ok(out) => out
            .into_iter()
            .map(|e| Array::built(op, &refs, Ok(e)))
            .collect(),
        Err(e) => {
            let failed = Array::<T>::built(op, &refs, Err(Error::from(e)));
            arrays.iter().map(|_| failed.clone()).collect()
        }
    }
}

/// The arrays broadcast against each other (`da.broadcast_arrays`).
///
/// ```
/// let a = tessera::ones::<f64>([3, 1], 2);
/// let b = tessera::ones::<f64>(4, 3);
/// let out = tessera::broadcast_arrays(&[&a, &b]);
/// assert_eq!(out[0].shape(), vec![3, 4]);
/// assert_eq!(out[1].chunks(), out[0].chunks());
/// ```
pub fn broadcast_arrays<T: Element>(arrays: &[&Array<T>]) -> Vec<Array<T>> {
    many(arrays, "broadcast_arrays", reshape::broadcast_arrays)
}

/// How `meshgrid` orders its output axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Indexing {
    /// Cartesian (`indexing="xy"`, the default): the first two axes exchanged.
    #[default]
    Xy,
    /// Matrix (`indexing="ij"`): output axis `i` follows input `i`.
    Ij,
}

/// Coordinate grids from 1-d coordinate arrays (`da.meshgrid(*xi, indexing=...)`);
/// arrays of more dimensions are flattened first, as NumPy does.
///
/// ```
/// use tessera::Indexing;
/// let x = tessera::arange::<i64>(0.0, 3.0, 1.0, 2);
/// let y = tessera::arange::<i64>(0.0, 2.0, 1.0, 1);
/// let g = tessera::meshgrid(&[&x, &y], Indexing::Xy);
/// assert_eq!(g[0].shape(), vec![2, 3]);
/// assert_eq!(g[1].compute().unwrap()[[1, 0]], 1);
/// ```
pub fn meshgrid<T: Element>(arrays: &[&Array<T>], indexing: Indexing) -> Vec<Array<T>> {
    many(arrays, "meshgrid", |x| {
        reshape::meshgrid(x, indexing == Indexing::Ij)
    })
}

/// `many` for arrays of run-time dtypes: each output keeps its input's dtype.
fn many_dyn(
    arrays: &[&DynArray],
    op: &str,
    f: impl FnOnce(&[Expr]) -> std::result::Result<Vec<Expr>, tessera_ops::Error>,
) -> Vec<DynArray> {
    let exprs = match arrays
        .iter()
        .map(|a| a.expr().cloned())
        .collect::<Result<Vec<_>>>()
    {
        Ok(e) => e,
        Err(e) => return arrays.iter().map(|_| DynArray::failed(e.clone())).collect(),
    };
    let refs: Vec<&Expr> = exprs.iter().collect();
    match f(&exprs) {
        Ok(out) => out
            .into_iter()
            .map(|e| DynArray::built(op, &refs, Ok(e)))
            .collect(),
        Err(e) => {
            let failed = DynArray::built(op, &refs, Err(Error::from(e)));
            arrays.iter().map(|_| failed.clone()).collect()
        }
    }
}

impl DynArray {
    /// Arrays of any dtypes broadcast against each other (the Array API's
    /// `broadcast_arrays`): each keeps its own dtype.
    ///
    /// ```
    /// let a = tessera::DynArray::from(tessera::ones::<f32>([3, 1], 2));
    /// let b = tessera::DynArray::from(tessera::ones::<i8>(4, 3));
    /// let out = tessera::DynArray::broadcast_arrays(&[&a, &b]);
    /// assert_eq!((out[0].shape(), out[1].shape()), (vec![3, 4], vec![3, 4]));
    /// assert_eq!(out[1].dtype(), tessera::DType::I8);
    /// ```
    pub fn broadcast_arrays(arrays: &[&DynArray]) -> Vec<DynArray> {
        many_dyn(arrays, "broadcast_arrays", reshape::broadcast_arrays)
    }

    /// Coordinate grids from 1-d arrays of any dtypes (`meshgrid`); each
    /// grid keeps its input's dtype.
    pub fn meshgrid(arrays: &[&DynArray], indexing: Indexing) -> Vec<DynArray> {
        many_dyn(arrays, "meshgrid", |x| {
            reshape::meshgrid(x, indexing == Indexing::Ij)
        })
    }
}

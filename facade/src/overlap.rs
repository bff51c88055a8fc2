//! Overlapping blocks: `overlap`, `trim_internal` and `map_overlap`, with
//! Dask's chunks and boundary conditions.

use std::sync::Arc;

use ndarray::{ArrayD, ArrayViewD};
use tessera_chunk_core::{Block, Element};
use tessera_graph::{ClosureKernel, KernelError, KernelRef};
use tessera_ops::overlap;

use crate::array::Array;

pub use tessera_ops::overlap::{Boundaries, Boundary, Depth};

impl<T: Element> Array<T> {
    /// Give every block `depth` elements of its neighbours on each side, and
    /// `boundary` values at the array's edges (Dask's `overlap`).
    ///
    /// ```
    /// use tessera::Boundary;
    /// let x = tessera::arange::<i64>(0.0, 6.0, 1.0, 3);
    /// let g = x.overlap(1, Boundary::Reflect);
    /// assert_eq!(g.chunks().axes(), &[vec![5, 5]]);
    /// assert_eq!(g.compute().unwrap().iter().copied().collect::<Vec<_>>(), vec![0, 0, 1, 2, 3, 2, 3, 4, 5, 5]);
    /// ```
    pub fn overlap(&self, depth: impl Into<Depth>, boundary: impl Into<Boundaries>) -> Array<T> {
        let (depth, boundary) = (depth.into(), boundary.into());
        self.then("overlap", |x| Ok(overlap::overlap(x, &depth, &boundary)?))
    }

    /// Take the margins `overlap` added off every block again (Dask's `trim_internal`).
    pub fn trim_internal(
        &self,
        depth: impl Into<Depth>,
        boundary: impl Into<Boundaries>,
    ) -> Array<T> {
        let (depth, boundary) = (depth.into(), boundary.into());
        self.then("trim_internal", |x| {
            Ok(overlap::trim_internal(x, &depth, &boundary)?)
        })
    }

    /// Apply `f` to every block grown by `depth` elements of its neighbours
    /// (and boundary values at the edges), then trim the margins (Dask's
    /// `map_overlap`). `f` must return an array of its input's shape. The
    /// closure runs in this process only; see [`Array::map_overlap_kernel`].
    ///
    /// ```
    /// use tessera::Boundary;
    /// let x = tessera::arange::<f64>(0.0, 8.0, 1.0, 3);
    /// // A centred difference needs one neighbour on each side.
    /// let d = x
    ///     .map_overlap(1, Boundary::Nearest, |b| {
    ///         let mut out = b.to_owned();
    ///         for i in 1..b.len() - 1 {
    ///             out[i] = (b[i + 1] - b[i - 1]) / 2.0;
    ///         }
    ///         out
    ///     });
    /// assert_eq!(d.compute().unwrap().iter().copied().collect::<Vec<_>>(), vec![0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5]);
    /// ```
    pub fn map_overlap<U: Element>(
        &self,
        depth: impl Into<Depth>,
        boundary: impl Into<Boundaries>,
        f: impl Fn(ArrayViewD<'_, T>) -> ArrayD<U> + Send + Sync + 'static,
    ) -> Array<U> {
        let shape_kept = move |inputs: &[Block]| -> std::result::Result<Block, KernelError> {
            let [b] = inputs else {
                return Err(KernelError::new("map_overlap takes one block"));
            };
            let a = b.as_array::<T>()?;
            let out = f(a.view());
            if out.shape() != a.shape() {
                return Err(KernelError::new(format!(
                    "map_overlap function returned shape {:?} for a block of shape {:?}; it must keep the shape",
                    out.shape(),
                    a.shape()
                )));
            }
            Ok(Block::from_array(out))
        };
        let kernel = ClosureKernel::new("map_overlap", Arc::new(shape_kept));
        self.map_overlap_kernel(depth, boundary, Arc::new(kernel))
    }

    /// [`Array::map_overlap`] with a kernel (a named, serialisable kernel,
    /// registered with `tessera_ops::registry::register_kernel` to travel to
    /// other processes); it must keep each block's shape.
    pub fn map_overlap_kernel<U: Element>(
        &self,
        depth: impl Into<Depth>,
        boundary: impl Into<Boundaries>,
        kernel: KernelRef,
    ) -> Array<U> {
        let (depth, boundary) = (depth.into(), boundary.into());
        self.then("map_overlap", |x| {
            Ok(overlap::map_overlap(
                x,
                kernel,
                &depth,
                &boundary,
                U::DTYPE,
                "map_overlap",
            )?)
        })
    }
}

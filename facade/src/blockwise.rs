//! User kernels over blocks: `map_blocks` (keeping the chunks, or with
//! `drop_axis`, `new_axis` and output chunks); `blockwise` with index
//! notation; `einsum`.

use std::sync::{Arc, OnceLock};

use ndarray::{ArrayD, ArrayViewD};
use tessera_chunk_core::{Block, Chunks, Element};
use tessera_graph::{ClosureKernel, KernelError, KernelRef};
use tessera_ops::blockwise_index::{self, BlockwiseOptions};
use tessera_ops::map_blocks::{map_blocks_with, MapBlocksOptions};
use tessera_ops::Expr;

use crate::array::Array;
use crate::dyn_array::DynArray;
use crate::error::Result;

/// Anything that is a lazy array (an [`Array`] of any element type or a
/// [`DynArray`]), so operations can take operands of mixed dtypes.
pub trait Operand {
    /// The lazy expression, or the error met building it.
    fn operand(&self) -> Result<&Expr>;
}

impl<T: Element> Operand for Array<T> {
    fn operand(&self) -> Result<&Expr> {
        self.expr()
    }
}

impl Operand for DynArray {
    fn operand(&self) -> Result<&Expr> {
        self.expr()
    }
}

/// The array `make` builds from the expressions of `operands` (their first
/// error, or the one `make` meets, carried instead).
fn from_operands<U: Element>(
    op: &str,
    operands: &[&dyn Operand],
    make: impl FnOnce(&[&Expr]) -> Result<Expr>,
) -> Array<U> {
    match operands
        .iter()
        .map(|x| x.operand())
        .collect::<Result<Vec<_>>>()
    {
        Ok(exprs) => Array::built(op, &exprs, make(&exprs)),
        Err(e) => Array::failed(e),
    }
}

impl<T: Element> Array<T> {
    /// Apply a closure to every block (`x.map_blocks(f)`), keeping the chunks.
    /// The closure runs in this process only; see [`Array::map_blocks_kernel`]
    /// for kernels that travel to worker processes.
    ///
    /// ```
    /// let x = tessera::ones::<f64>([4, 4], 2);
    /// let y = x.map_blocks(|b| b.mapv(|v| v * 3.0));
    /// assert_eq!(y.sum().compute_scalar().unwrap(), 48.0);
    /// ```
    pub fn map_blocks<U: Element>(
        &self,
        f: impl Fn(ndarray::ArrayViewD<'_, T>) -> ArrayD<U> + Send + std::marker::Sync + 'static,
    ) -> Array<U> {
        let shape_check =
            move |inputs: &[Block]| -> std::result::Result<Block, tessera_graph::KernelError> {
                let [b] = inputs else {
                    return Err(tessera_graph::KernelError::new(
                        "map_blocks takes one block",
                    ));
                };
                let a = b.as_array::<T>()?;
                let out = f(a.view());
                if out.shape() != a.shape() {
                    return Err(tessera_graph::KernelError::new(format!(
                    "map_blocks function returned shape {:?} for a block of shape {:?}; give the output chunks with map_blocks_kernel",
                    out.shape(),
                    a.shape()
                )));
                }
                Ok(Block::from_array(out))
            };
        let kernel =
            tessera_graph::ClosureKernel::new("map_blocks", std::sync::Arc::new(shape_check));
        self.map_blocks_kernel(std::sync::Arc::new(kernel), None)
    }

    /// Apply a kernel (a named, serialisable [`tessera_graph::Kernel`], registered with
    /// `tessera_ops::registry::register_kernel` so it can travel) to every block,
    /// with output `chunks` (default: the input's).
    pub fn map_blocks_kernel<U: Element>(
        &self,
        kernel: tessera_graph::KernelRef,
        chunks: Option<Chunks>,
    ) -> Array<U> {
        self.then("map_blocks", |x| {
            Ok(tessera_ops::map_blocks::map_blocks(
                x,
                kernel,
                chunks,
                U::DTYPE,
                "map_blocks",
            )?)
        })
    }

    /// Apply a closure to every block with axes dropped or added and output
    /// chunks given (Dask's `map_blocks(f, x, drop_axis=, new_axis=, chunks=)`).
    /// Blocks along dropped axes reach the closure concatenated into one.
    ///
    /// ```
    /// use tessera::{AdjustChunks, MapBlocksOptions};
    /// let x = tessera::ones::<f64>([4, 6], [2, 3]);
    /// let opts = MapBlocksOptions { drop_axis: vec![1], ..Default::default() };
    /// let rows = x.map_blocks_with(|b| b.sum_axis(ndarray::Axis(1)), &opts);
    /// assert_eq!(rows.chunks().axes(), &[vec![2, 2]]);
    /// assert_eq!(rows.compute().unwrap()[[3]], 6.0);
    /// ```
    pub fn map_blocks_with<U: Element>(
        &self,
        f: impl Fn(ArrayViewD<'_, T>) -> ArrayD<U> + Send + Sync + 'static,
        opts: &MapBlocksOptions,
    ) -> Array<U> {
        // The output rank is known once the layer is built; the kernel checks blocks against it.
        let want_ndim: Arc<OnceLock<usize>> = Arc::new(OnceLock::new());
        let ndim = want_ndim.clone();
        let kernel = move |inputs: &[Block]| -> std::result::Result<Block, KernelError> {
            let [b] = inputs else {
                return Err(KernelError::new("map_blocks takes one block"));
            };
            let out = f(b.as_array::<T>()?.view());
            if let Some(&ndim) = ndim.get().filter(|&&n| n != out.ndim()) {
                return Err(KernelError::new(format!(
                    "map_blocks function returned a {}-d block (shape {:?}) where the options make a {ndim}-d output",
                    out.ndim(),
                    out.shape()
                )));
            }
            Ok(Block::from_array(out))
        };
        let kernel = Arc::new(ClosureKernel::new("map_blocks", Arc::new(kernel)));
        let out = self.map_blocks_kernel_with(kernel, opts);
        let _ = want_ndim.set(out.ndim());
        out
    }

    /// [`Array::map_blocks_with`] with a named, registered kernel that can travel to worker processes.
    pub fn map_blocks_kernel_with<U: Element>(
        &self,
        kernel: KernelRef,
        opts: &MapBlocksOptions,
    ) -> Array<U> {
        self.then("map_blocks", |x| {
            Ok(map_blocks_with(x, kernel, opts, U::DTYPE, "map_blocks")?)
        })
    }
}

/// Dask's `blockwise(func, out_ind, *args_and_inds, ...)` with a kernel: one
/// index letter per axis of the output and of each input; letters missing
/// from the output are contracted (the kernel gets all blocks along them,
/// concatenated unless `opts.concatenate` is off, then in C order per input).
/// The output dtype is `U`.
///
/// ```
/// use tessera::{blockwise_fn, Block, BlockwiseOptions};
/// let a = tessera::ones::<f64>([4, 6], [2, 3]);
/// let b = tessera::ones::<f64>([6, 5], [3, 5]);
/// // A matrix product: j is contracted, so each task sees whole rows of a and columns of b.
/// let c = blockwise_fn::<f64>(|blocks: &[Block]| {
///     let x = blocks[0].as_array::<f64>()?.view().into_dimensionality::<ndarray::Ix2>().unwrap();
///     let y = blocks[1].as_array::<f64>()?.view().into_dimensionality::<ndarray::Ix2>().unwrap();
///     Ok(Block::from_array(x.dot(&y).into_dyn()))
/// }, "ik", &[(&a, "ij"), (&b, "jk")], &BlockwiseOptions::default());
/// assert_eq!(c.chunks().axes(), &[vec![2, 2], vec![5]]);
/// assert_eq!(c.compute().unwrap()[[3, 4]], 6.0);
/// ```
pub fn blockwise<U: Element>(
    kernel: KernelRef,
    out: &str,
    inputs: &[(&dyn Operand, &str)],
    opts: &BlockwiseOptions,
) -> Array<U> {
    let operands: Vec<&dyn Operand> = inputs.iter().map(|(x, _)| *x).collect();
    from_operands("blockwise", &operands, |exprs| {
        let indexed: Vec<(&Expr, &str)> = exprs
            .iter()
            .zip(inputs)
            .map(|(x, (_, i))| (*x, *i))
            .collect();
        Ok(blockwise_index::blockwise(
            kernel,
            out,
            &indexed,
            U::DTYPE,
            opts,
            "blockwise",
        )?)
    })
}

/// [`blockwise`] with a closure over the input blocks (runs in this process only).
pub fn blockwise_fn<U: Element>(
    f: impl Fn(&[Block]) -> std::result::Result<Block, KernelError> + Send + Sync + 'static,
    out: &str,
    inputs: &[(&dyn Operand, &str)],
    opts: &BlockwiseOptions,
) -> Array<U> {
    let kernel = ClosureKernel::new("blockwise", Arc::new(f));
    blockwise(Arc::new(kernel), out, inputs, opts)
}

/// NumPy's `einsum` with Dask's graph: `"ij,jk->ik"`, `"bij,bjk->bik"`,
/// `"i,j->ij"`, `"i,i->"`, `"ij->ji"`, `"ii->i"`, implicit outputs (`"ij,jk"`).
/// `U` is the result dtype: the promoted operand dtype, widened to NumPy's
/// sum dtype (`i64`, `u64`) when an index is summed.
///
/// ```
/// let a = tessera::ones::<f64>([4, 6], [2, 3]);
/// let b = tessera::ones::<f64>([6, 5], [3, 5]);
/// let c = tessera::einsum::<f64>("ij,jk->ik", &[&a, &b]);
/// assert_eq!(c.shape(), vec![4, 5]);
/// assert_eq!(c.compute().unwrap()[[0, 0]], 6.0);
/// ```
pub fn einsum<U: Element>(subscripts: &str, operands: &[&dyn Operand]) -> Array<U> {
    from_operands("einsum", operands, |exprs| {
        let exprs: Vec<Expr> = exprs.iter().map(|x| (*x).clone()).collect();
        Ok(tessera_ops::einsum::einsum(subscripts, &exprs, None)?)
    })
}

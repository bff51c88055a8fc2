//! `Array<T>`: a lazy, chunked n-dimensional array of `T`.

use std::fmt;
use std::marker::PhantomData;

use ndarray::{ArrayD, IxDyn, Slice, SliceInfoElem};
use tessera_chunk_core::{Block, Chunks, DType, Element, Shape};
use tessera_graph::TaskGraph;
use tessera_ops::Expr;
use tessera_schedulers::{Callbacks, MemoryBudget, RunOptions, Scheduler};

use crate::config;
use crate::error::{Error, Result};
use crate::repr::{repr, Summary};

/// A lazy chunked array of `T`: operations build a task graph; `compute()` runs it.
///
/// ```
/// let x = tessera::ones::<f64>(10, 5).unwrap();
/// assert_eq!(x.to_string(), "tessera.Array<ones_like, shape=(10,), dtype=float64, chunksize=(5,), chunktype=ndarray>");
/// assert_eq!(x.sum::<f64>().unwrap().compute_scalar().unwrap(), 10.0);
/// ```
#[derive(Clone)]
pub struct Array<T: Element> {
    expr: Expr,
    _t: PhantomData<T>,
}

impl<T: Element> Array<T> {
    /// Wrap an untyped expression, checking its dtype is `T`'s and that its
    /// byte size fits (`SizeOverflow` naming the shape otherwise): every
    /// operation that makes an array passes here, so the one that makes a
    /// too-large array is the one that reports it.
    pub fn from_expr(expr: Expr) -> Result<Self> {
        if expr.dtype() != T::DTYPE {
            return Err(tessera_chunk_core::Error::DTypeMismatch {
                expected: T::DTYPE,
                found: expr.dtype(),
            }
            .into());
        }
        tessera_chunk_core::checked_nbytes(&expr.shape(), T::DTYPE)?;
        Ok(Array {
            expr,
            _t: PhantomData,
        })
    }

    /// The untyped expression (for ops not wrapped here).
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.expr.shape()
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.expr.ndim()
    }

    /// The chunks (Dask's `.chunks`).
    pub fn chunks(&self) -> &Chunks {
        self.expr.chunks()
    }

    /// The largest chunk along each axis (Dask's `.chunksize`).
    pub fn chunksize(&self) -> Vec<usize> {
        self.expr.chunks().chunksize()
    }

    /// Number of chunks (Dask's `.npartitions`).
    pub fn npartitions(&self) -> usize {
        self.expr.chunks().num_blocks()
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        T::DTYPE
    }

    /// Bytes of the whole array.
    pub fn nbytes(&self) -> u64 {
        self.expr.nbytes()
    }

    /// Number of graph layers behind the array.
    pub fn num_layers(&self) -> usize {
        self.expr.layer_count()
    }

    /// Dask's summary table (Bytes, Shape, "N chunks in M graph layers", Data type).
    pub fn summary(&self) -> Summary {
        Summary::of(&self.expr)
    }

    /// The task graph that computes every block, after the optimisation passes
    /// (blockwise fusion, sources inlined into their readers): what `compute` runs.
    pub fn task_graph(&self) -> Result<TaskGraph> {
        let optimized = tessera_graph::passes::optimize(self.expr.layer())?;
        let graph = TaskGraph::from_layer(&optimized)?;
        Ok(tessera_graph::inline_sources(graph)?)
    }

    /// The task graph before optimisation (one task per block per layer, as Dask counts `tasks`).
    pub fn raw_task_graph(&self) -> Result<TaskGraph> {
        Ok(TaskGraph::from_layer(self.expr.layer())?)
    }

    /// Compute with the configured default scheduler.
    pub fn compute(&self) -> Result<ArrayD<T>> {
        let scheduler = config::get()?.scheduler()?;
        self.compute_with(scheduler.as_ref())
    }

    /// Compute with a given scheduler.
    pub fn compute_with(&self, scheduler: &dyn Scheduler) -> Result<ArrayD<T>> {
        self.compute_with_callbacks(scheduler, &[])
    }

    /// Compute with a given scheduler and callbacks (progress, profiling),
    /// within the configured memory budget.
    pub fn compute_with_callbacks(
        &self,
        scheduler: &dyn Scheduler,
        callbacks: &[&dyn Callbacks],
    ) -> Result<ArrayD<T>> {
        self.compute_within(scheduler, &config::get()?.budget(), callbacks)
    }

    /// Compute holding at most `budget` bytes of chunks at once (this compute
    /// only; `config.memory_limit` sets the default).
    ///
    /// ```
    /// use tessera::{MemoryBudget, Threaded};
    /// let x = tessera::ones::<f64>(1000, 100).unwrap();
    /// let y = (&x + 1.0).unwrap().sum::<f64>().unwrap();
    /// let out = y.compute_within(&Threaded::new(2), &MemoryBudget::new(1 << 20), &[]).unwrap();
    /// assert_eq!(out.sum(), 2000.0);
    /// assert!(y.compute_within(&Threaded::new(2), &MemoryBudget::new(100), &[]).is_err());
    /// ```
    pub fn compute_within(
        &self,
        scheduler: &dyn Scheduler,
        budget: &MemoryBudget,
        callbacks: &[&dyn Callbacks],
    ) -> Result<ArrayD<T>> {
        let graph = self.task_graph()?;
        let options = RunOptions::default()
            .with_budget(budget)
            .with_callbacks(callbacks);
        let blocks = scheduler.run(&graph, &options)?;
        assemble(self.chunks(), blocks)
    }

    /// Compute a 0-d array (a reduction over all axes) to its single value.
    pub fn compute_scalar(&self) -> Result<T> {
        if self.ndim() != 0 {
            return Err(Error::Ops(tessera_ops::Error::InvalidArgument {
                op: "compute_scalar".into(),
                reason: format!(
                    "the array has shape {:?}; only 0-d arrays are scalars (reduce it first)",
                    self.shape()
                ),
            }));
        }
        let a = self.compute()?;
        a.iter().next().copied().ok_or_else(|| {
            Error::Ops(tessera_ops::Error::InvalidArgument {
                op: "compute_scalar".into(),
                reason: "the computed array is empty".into(),
            })
        })
    }

    /// Compute every block now and return an array backed by them (`x.persist()`):
    /// later computations start from the stored blocks.
    pub fn persist(&self) -> Result<Array<T>> {
        let config = config::get()?;
        let graph = self.task_graph()?;
        let budget = config.budget();
        let blocks = config
            .scheduler()?
            .run(&graph, &RunOptions::default().with_budget(&budget))?;
        Array::from_expr(tessera_ops::map_blocks::materialized(
            self.chunks().clone(),
            T::DTYPE,
            blocks,
            self.expr.label(),
        )?)
    }

    /// The dtype as NumPy names it.
    pub fn dtype_name(&self) -> &'static str {
        DType::name(T::DTYPE)
    }
}

/// Put computed blocks (C order of the grid) into one array.
fn assemble<T: Element>(chunks: &Chunks, blocks: Vec<Block>) -> Result<ArrayD<T>> {
    let shape = chunks.shape();
    if let ([only], 1) = (blocks.as_slice(), chunks.num_blocks()) {
        let a = only.as_array::<T>()?;
        if a.shape() == shape.as_slice() {
            return Ok(a.to_owned());
        }
    }
    let mut out = ArrayD::<T>::from_elem(IxDyn(&shape), T::default());
    for (index, block) in chunks.blocks().zip(blocks) {
        let ranges = chunks.block_range(&index)?;
        let info: Vec<SliceInfoElem> = ranges
            .iter()
            .map(|r| SliceInfoElem::from(Slice::from(r.start as isize..r.end as isize)))
            .collect();
        let a = block.as_array::<T>()?;
        let mut target = out.slice_mut(info.as_slice());
        if target.shape() != a.shape() {
            return Err(Error::Ops(tessera_ops::Error::InvalidArgument {
                op: "compute".into(),
                reason: format!(
                    "block {index:?} came back with shape {:?}, expected {:?}",
                    a.shape(),
                    target.shape()
                ),
            }));
        }
        target.assign(a);
    }
    Ok(out)
}

impl<T: Element> fmt::Display for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&repr(&self.expr))
    }
}

impl<T: Element> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&repr(&self.expr))
    }
}

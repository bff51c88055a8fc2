//! One way to compute: [`Array::compute`], or [`Array::compute_with`] and
//! [`compute_with`] taking a [`Compute`] of options (scheduler, memory
//! budget, callbacks, a progress bar). Several arrays computed together
//! (`tessera::compute((&a, &b))`, Dask's `dask.compute(a, b)`) share one
//! graph: a task both need runs once, so a store both read is read once.

use ndarray::{ArrayD, IxDyn, Slice, SliceInfoElem};
use tessera_chunk_core::{Block, Chunks, Element};
use tessera_graph::{Key, TaskGraph};
use tessera_ops::Expr;
use tessera_schedulers::{Callbacks, Cancel, MemoryBudget, RunOptions, Scheduler};

use crate::array::Array;
use crate::config;
use crate::error::{Error, Result};

/// How to run a compute. `Compute::new()` is the configured default: the
/// scheduler and memory budget of [`crate::config`], no callbacks.
///
/// ```
/// use tessera::{Compute, MemoryBudget, Threaded};
/// let x = tessera::ones::<f64>(1000, 100);
/// let y = (&x + 1.0).sum();
/// let threads = Threaded::new(2);
/// let opts = Compute::new().scheduler(&threads).budget(MemoryBudget::new(1 << 20));
/// assert_eq!(y.compute_with(&opts).unwrap().sum(), 2000.0);
/// let tiny = Compute::new().budget(MemoryBudget::new(100));
/// assert!(y.compute_with(&tiny).is_err()); // one task needs more than 100 bytes
/// ```
#[derive(Clone, Default)]
pub struct Compute<'a> {
    scheduler: Option<&'a dyn Scheduler>,
    budget: Option<MemoryBudget>,
    callbacks: Vec<&'a dyn Callbacks>,
    cancel: Option<&'a Cancel>,
    #[cfg(feature = "progress")]
    progress: Option<String>,
}

impl<'a> Compute<'a> {
    /// The configured scheduler and budget, no callbacks.
    pub fn new() -> Self {
        Compute::default()
    }

    /// Run on `scheduler` (default: `config.scheduler`, `TESSERA_SCHEDULER`).
    pub fn scheduler(mut self, scheduler: &'a dyn Scheduler) -> Self {
        self.scheduler = Some(scheduler);
        self
    }

    /// Hold at most this budget of chunks at once (default:
    /// `config.memory_limit`, `TESSERA_MEMORY_LIMIT`).
    pub fn budget(mut self, budget: MemoryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Tell `callbacks` (a profiler, a progress bar of your own) about every task.
    pub fn callback(mut self, callbacks: &'a dyn Callbacks) -> Self {
        self.callbacks.push(callbacks);
        self
    }

    /// Stop at the next task once `cancel` is set (the compute then fails
    /// with a `Cancelled` scheduler error): how Python's Ctrl-C stops a run.
    pub fn cancel(mut self, cancel: &'a Cancel) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Draw a progress bar labelled `label` on stderr (when it is a terminal).
    #[cfg(feature = "progress")]
    pub fn progress(mut self, label: impl Into<String>) -> Self {
        self.progress = Some(label.into());
        self
    }

    /// Run `graph` with these options; its output blocks in order.
    pub(crate) fn run(&self, graph: &TaskGraph) -> Result<Vec<Block>> {
        let configured;
        let scheduler = match self.scheduler {
            Some(s) => s,
            None => {
                configured = config::get()?.scheduler()?;
                configured.as_ref()
            }
        };
        let budget = match &self.budget {
            Some(b) => b.clone(),
            None => config::get()?.budget(),
        };
        #[cfg(feature = "progress")]
        let bar = self
            .progress
            .as_deref()
            .map(crate::diagnostics::ProgressBar::new);
        #[allow(unused_mut)]
        let mut callbacks = self.callbacks.clone();
        #[cfg(feature = "progress")]
        if let Some(bar) = &bar {
            callbacks.push(bar);
        }
        let mut options = RunOptions::default()
            .with_budget(&budget)
            .with_callbacks(&callbacks);
        if let Some(cancel) = self.cancel {
            options = options.with_cancel(cancel);
        }
        Ok(scheduler.run(graph, &options)?)
    }
}

/// Arrays that compute together in one graph: an [`Array`], a tuple of up
/// to six of them (of any element types), or a slice or `Vec` of arrays of one type.
pub trait Computable {
    /// What computing gives: an `ArrayD<T>` per array, in the same arrangement.
    type Output;
    /// The arrays' expressions, in order (the first error any of them carries otherwise).
    fn exprs(&self) -> Result<Vec<&Expr>>;
    /// The output from the computed blocks of every array, in order.
    fn assemble(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Self::Output>;
    /// What persisting gives: an [`Array`] backed by its computed blocks per array.
    type Persisted;
    /// The persisted arrays from the computed blocks of every array, in order.
    fn persisted(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Self::Persisted>;
}

impl<T: Element> Computable for &Array<T> {
    type Output = ArrayD<T>;
    fn exprs(&self) -> Result<Vec<&Expr>> {
        Ok(vec![self.expr()?])
    }
    fn assemble(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<ArrayD<T>> {
        let chunks = self.chunks();
        let mine: Vec<Block> = blocks.take(chunks.num_blocks()).collect();
        assemble(chunks, mine)
    }
    type Persisted = Array<T>;
    fn persisted(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Array<T>> {
        let expr = self.expr()?;
        let mine: Vec<Block> = blocks.take(expr.chunks().num_blocks()).collect();
        Array::from_expr(tessera_ops::map_blocks::materialized(
            expr.chunks().clone(),
            T::DTYPE,
            mine,
            expr.label(),
        )?)
    }
}

/// A list of arrays of one dtype computes to a list of results (as a slice
/// or a `Vec`: one body for both).
macro_rules! computable_list {
    ($list:ty) => {
        impl<T: Element> Computable for $list {
            type Output = Vec<ArrayD<T>>;
            fn exprs(&self) -> Result<Vec<&Expr>> {
                self.iter().map(|a| a.expr()).collect()
            }
            fn assemble(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Vec<ArrayD<T>>> {
                self.iter().map(|a| a.assemble(blocks)).collect()
            }
            type Persisted = Vec<Array<T>>;
            fn persisted(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Vec<Array<T>>> {
                self.iter().map(|a| a.persisted(blocks)).collect()
            }
        }
    };
}

computable_list!(&[&Array<T>]);
computable_list!(Vec<&Array<T>>);

macro_rules! computable_tuple {
    ($($name:ident),+) => {
        impl<$($name: Computable),+> Computable for ($($name,)+) {
            type Output = ($($name::Output,)+);
            #[allow(non_snake_case)]
            fn exprs(&self) -> Result<Vec<&Expr>> {
                let ($($name,)+) = self;
                let mut all = Vec::new();
                $(all.extend($name.exprs()?);)+
                Ok(all)
            }
            #[allow(non_snake_case)]
            fn assemble(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Self::Output> {
                let ($($name,)+) = self;
                Ok(($($name.assemble(blocks)?,)+))
            }
            type Persisted = ($($name::Persisted,)+);
            #[allow(non_snake_case)]
            fn persisted(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Self::Persisted> {
                let ($($name,)+) = self;
                Ok(($($name.persisted(blocks)?,)+))
            }
        }
    };
}
computable_tuple!(A);
computable_tuple!(A, B);
computable_tuple!(A, B, C);
computable_tuple!(A, B, C, D);
computable_tuple!(A, B, C, D, E);
computable_tuple!(A, B, C, D, E, F);

/// The optimised task graph of several expressions together: every block
/// of each, in order, as its outputs; shared tasks once.
pub(crate) fn graph_of(exprs: &[&Expr]) -> Result<TaskGraph> {
    let roots: Vec<_> = exprs.iter().map(|e| e.layer().clone()).collect();
    let optimized = tessera_graph::passes::optimize_all(&roots)?;
    let outputs: Vec<Key> = optimized
        .iter()
        .flat_map(|root| {
            root.chunks()
                .blocks()
                .map(move |i| Key::new(root.name().clone(), i))
        })
        .collect();
    let graph = TaskGraph::from_layers(&optimized, &outputs)?;
    Ok(tessera_graph::inline_sources(graph)?)
}

/// Compute several arrays in one pass with the configured scheduler
/// (Dask's `dask.compute(a, b)`): tasks they share run once.
///
/// ```
/// let a = tessera::random::random([1000, 100], [100, 100], 7);
/// let (mean, std) = tessera::compute((&a.mean(), &(&a - &a.mean_with(0)).std_with(0))).unwrap();
/// assert!((mean.sum() - 0.5).abs() < 0.01);
/// assert_eq!(std.shape(), &[100]);
/// ```
pub fn compute<C: Computable>(arrays: C) -> Result<C::Output> {
    compute_with(arrays, &Compute::new())
}

/// [`compute`] with options (scheduler, budget, callbacks).
pub fn compute_with<C: Computable>(arrays: C, options: &Compute<'_>) -> Result<C::Output> {
    let graph = graph_of(&arrays.exprs()?)?;
    let blocks = options.run(&graph)?;
    arrays.assemble(&mut blocks.into_iter())
}

/// Compute several arrays in one pass and keep their blocks (Dask's
/// `dask.persist(a, b)`): arrays backed by the computed blocks, later
/// computations start from them; tasks they share run once.
pub fn persist<C: Computable>(arrays: C) -> Result<C::Persisted> {
    persist_with(arrays, &Compute::new())
}

/// [`persist`] with options (scheduler, budget, callbacks).
pub fn persist_with<C: Computable>(arrays: C, options: &Compute<'_>) -> Result<C::Persisted> {
    let graph = graph_of(&arrays.exprs()?)?;
    let blocks = options.run(&graph)?;
    arrays.persisted(&mut blocks.into_iter())
}

impl<T: Element> Array<T> {
    /// Compute with the configured scheduler and budget.
    pub fn compute(&self) -> Result<ArrayD<T>> {
        compute(self)
    }

    /// Compute with options: a scheduler, a memory budget, callbacks.
    pub fn compute_with(&self, options: &Compute<'_>) -> Result<ArrayD<T>> {
        compute_with(self, options)
    }

    /// Compute a 0-d array (a reduction over all axes) to its single value.
    pub fn compute_scalar(&self) -> Result<T> {
        self.check()?;
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
        self.persist_with(&Compute::new())
    }

    /// [`Array::persist`] with options.
    pub fn persist_with(&self, options: &Compute<'_>) -> Result<Array<T>> {
        persist_with(self, options)
    }

    /// The task graph that computes every block, after the optimisation passes
    /// (blockwise fusion, sources inlined into their readers): what `compute` runs.
    pub fn task_graph(&self) -> Result<TaskGraph> {
        graph_of(&[self.expr()?])
    }
}

/// Put computed blocks (C order of the grid) into one array.
pub(crate) fn assemble<T: Element>(chunks: &Chunks, blocks: Vec<Block>) -> Result<ArrayD<T>> {
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

//! Computing a [`DynArray`]: alone (`x.compute()`, a type-erased [`Block`]
//! holding the whole array), several in one graph (`tessera::compute` over
//! `&DynArray`s: shared tasks run once), persisting, storing, and the
//! diagnostics that need only the graph (HTML repr, plan, `visualize`).

use std::path::Path;

use tessera_chunk_core::{with_dtype, Block};
use tessera_graph::TaskGraph;
use tessera_ops::Expr;

use super::typed::no_elements;
use super::DynArray;
use crate::compute::{assemble, graph_of, persist_with, Computable, Compute};
use crate::error::Result;
use crate::plan::Plan;

impl DynArray {
    /// Compute with the configured scheduler and budget: the whole array in
    /// one block of its dtype (`block.into_array::<T>()` gives the ndarray).
    pub fn compute(&self) -> Result<Block> {
        self.compute_with(&Compute::new())
    }

    /// [`DynArray::compute`] with options (scheduler, budget, callbacks).
    pub fn compute_with(&self, options: &Compute<'_>) -> Result<Block> {
        crate::compute::compute_with(self, options)
    }

    /// Compute every block now; an array backed by them (`x.persist()`).
    pub fn persist(&self) -> Result<DynArray> {
        self.persist_with(&Compute::new())
    }

    /// [`DynArray::persist`] with options.
    pub fn persist_with(&self, options: &Compute<'_>) -> Result<DynArray> {
        persist_with(self, options)
    }

    /// The optimised task graph `compute` runs.
    pub fn task_graph(&self) -> Result<TaskGraph> {
        graph_of(&[self.expr()?])
    }

    /// The optimised task graph of several arrays computed together (what
    /// `tessera::compute` over them runs: tasks they share appear once).
    pub fn task_graph_of(arrays: &[&DynArray]) -> Result<TaskGraph> {
        let exprs = arrays
            .iter()
            .map(|a| a.expr())
            .collect::<Result<Vec<_>>>()?;
        graph_of(&exprs)
    }

    /// What computing will take (tasks, peak memory per worker and in total).
    pub fn plan(&self) -> Result<Plan> {
        with_dtype!(self.dtype(), T => self.typed::<T>()?.plan(),
            other => Err(self.error().cloned().unwrap_or_else(|| no_elements(other))))
    }

    /// Dask's `_repr_html_`: the summary table beside the chunk-grid picture.
    pub fn to_html(&self) -> String {
        match self.expr() {
            Ok(x) => crate::diagnostics::repr_html(x),
            Err(_) => format!(
                "<pre>{}</pre>",
                crate::diagnostics::escape(&self.to_string())
            ),
        }
    }

    /// Write the task graph to `path` (`.dot`, `.svg` through Graphviz, `.html`).
    pub fn visualize(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::diagnostics::visualize(
            self.expr()?,
            path.as_ref(),
            &crate::diagnostics::VisualizeOptions::default(),
        )
    }

    /// Write to a new Zarr v3 array at `array_path` of the store in `dir`
    /// (as [`crate::Array::to_zarr`]); returns the number of chunks written.
    #[cfg(feature = "zarr")]
    pub fn to_zarr(&self, dir: impl AsRef<Path>, array_path: &str) -> Result<u64> {
        with_dtype!(self.dtype(), T => self.typed::<T>()?.to_zarr(dir, array_path),
            other => Err(self.error().cloned().unwrap_or_else(|| no_elements(other))))
    }

    /// `da.from_zarr(dir, component)` in the stored dtype; `chunks` as
    /// [`crate::from_zarr_with_chunks`] (`None`: the stored chunks).
    #[cfg(feature = "zarr")]
    pub fn from_zarr(
        dir: impl AsRef<Path>,
        array_path: &str,
        chunks: Option<tessera_chunk_core::ChunkSpec>,
    ) -> DynArray {
        let opened = (|| -> Result<DynArray> {
            use tessera_storage::ChunkRead;
            let store = tessera_storage::ZarrStore::open(dir.as_ref())?;
            let dtype = store.metadata(array_path)?.dtype;
            with_dtype!(dtype, T => Ok(DynArray::from(match chunks {
                    None => crate::from_zarr::<T>(dir, array_path)?,
                    Some(c) => crate::from_zarr_with_chunks::<T>(dir, array_path, c)?,
                })),
                other => Err(no_elements(other)))
        })();
        opened.unwrap_or_else(|e| {
            DynArray::failed(crate::Error::Build {
                op: "from_zarr".into(),
                operands: vec![],
                error: Box::new(e),
            })
        })
    }

    /// The HDF5 dataset in its stored dtype (feature `hdf5`); `chunks` as
    /// [`crate::from_hdf5_with_chunks`] (`None`: the stored chunks).
    #[cfg(feature = "hdf5")]
    pub fn from_hdf5(
        path: impl AsRef<Path>,
        dataset: &str,
        chunks: Option<tessera_chunk_core::ChunkSpec>,
    ) -> DynArray {
        let opened = (|| -> Result<DynArray> {
            use tessera_storage::ChunkRead;
            let store = tessera_storage::Hdf5Store::open(path.as_ref())?;
            let dtype = store.metadata(dataset)?.dtype;
            with_dtype!(dtype, T => Ok(DynArray::from(match chunks {
                    None => crate::from_hdf5::<T>(path, dataset)?,
                    Some(c) => crate::from_hdf5_with_chunks::<T>(path, dataset, c)?,
                })),
                other => Err(no_elements(other)))
        })();
        opened.unwrap_or_else(|e| {
            DynArray::failed(crate::Error::Build {
                op: "from_hdf5".into(),
                operands: vec![],
                error: Box::new(e),
            })
        })
    }
}

/// The whole array of `x` from its computed blocks, in its dtype.
fn assemble_dyn(x: &DynArray, blocks: &mut std::vec::IntoIter<Block>) -> Result<Block> {
    let chunks = x.chunks();
    let mine: Vec<Block> = blocks.take(chunks.num_blocks()).collect();
    with_dtype!(x.dtype(), T => Ok(Block::from_array(assemble::<T>(chunks, mine)?)),
        other => Err(no_elements(other)))
}

/// `x` backed by its computed blocks.
fn persisted_dyn(x: &DynArray, blocks: &mut std::vec::IntoIter<Block>) -> Result<DynArray> {
    let expr: &Expr = x.expr()?;
    let mine: Vec<Block> = blocks.take(expr.chunks().num_blocks()).collect();
    Ok(DynArray::from_expr(tessera_ops::map_blocks::materialized(
        expr.chunks().clone(),
        expr.dtype(),
        mine,
        expr.label(),
    )?))
}

impl Computable for &DynArray {
    type Output = Block;
    fn exprs(&self) -> Result<Vec<&Expr>> {
        Ok(vec![self.expr()?])
    }
    fn assemble(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Block> {
        assemble_dyn(self, blocks)
    }
    type Persisted = DynArray;
    fn persisted(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<DynArray> {
        persisted_dyn(self, blocks)
    }
}

impl Computable for &[&DynArray] {
    type Output = Vec<Block>;
    fn exprs(&self) -> Result<Vec<&Expr>> {
        self.iter().map(|a| a.expr()).collect()
    }
    fn assemble(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Vec<Block>> {
        self.iter().map(|a| assemble_dyn(a, blocks)).collect()
    }
    type Persisted = Vec<DynArray>;
    fn persisted(&self, blocks: &mut std::vec::IntoIter<Block>) -> Result<Vec<DynArray>> {
        self.iter().map(|a| persisted_dyn(a, blocks)).collect()
    }
}

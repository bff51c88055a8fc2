//! Arrays in chunk stores: reads happen inside tasks, block by block (opening
//! an array costs one metadata read), and writes stream block by block.
//!
//! A read is two layers, as Dask's `from_zarr` is: `original-<label>` standing
//! for the opened array, and `<label>` with one region read per block. Slices
//! and rechunks of a read become reads of other regions (the optimisation
//! passes push them in), so `x[a..b]` reads only the chunks it touches.

use std::fmt;
use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{affine_index, slice_plan, Block, Chunks, DType, IndexItem};
use tessera_graph::{
    BlockTasks, GeneralLayer, Kernel, KernelError, KernelErrorKind, KernelRef, Key, LayerKind,
    LayerRef, Params, Result as GraphResult,
};
use tessera_storage::{ChunkRead, ChunkWrite};

use crate::error::{Error, Result};
use crate::expr::Expr;

/// Read one region of an array in a store.
pub(crate) struct ReadRegion {
    store: Arc<dyn ChunkRead>,
    path: String,
    start: Vec<usize>,
    shape: Vec<usize>,
    /// The block's shape: `shape` without the axes an integer index dropped.
    out_shape: Vec<usize>,
}

impl fmt::Debug for ReadRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "read({} {:?} at {:?} {:?})",
            self.store.describe(),
            self.path,
            self.start,
            self.shape
        )
    }
}

crate::kernel::kernel_id!(ReadRegion, "tessera.read_region");

impl Kernel for ReadRegion {
    crate::kernel::json_kernel!(id_only);
    fn params(&self) -> Params {
        // A store handle lives in this process; stores that can be reopened
        // elsewhere (on disk) travel by locator, in-memory ones cannot.
        let Some(loc) = self.store.read_locator() else {
            return Params::InProcessOnly;
        };
        let p = StoreOpParams {
            driver: loc.driver,
            store: loc.path,
            path: self.path.clone(),
            start: self.start.clone(),
            shape: self.shape.clone(),
            out_shape: self.out_shape.clone(),
        };
        serde_json::to_string(&p).map_or(Params::InProcessOnly, Params::Json)
    }
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        let block = self
            .store
            .read_region(&self.path, &self.start, &self.shape)
            .map_err(crate::storage_kernel_error)?;
        if block.shape() == self.out_shape.as_slice() {
            return Ok(block);
        }
        crate::reshape::reshape_kernel::Reshape {
            shape: self.out_shape.clone(),
        }
        .run(&[block])
    }
    fn is_cheap(&self) -> bool {
        true
    }
}

/// How a read or a chunk write travels: the store's locator and what to do
/// in it (`start`/`shape`/`out_shape` of a read; `start` is a write's chunk index).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoreOpParams {
    driver: String,
    store: std::path::PathBuf,
    path: String,
    start: Vec<usize>,
    #[serde(default)]
    shape: Vec<usize>,
    #[serde(default)]
    out_shape: Vec<usize>,
}

fn store_op_params(json: &str) -> Result<(StoreOpParams, tessera_storage::Locator), KernelError> {
    let p: StoreOpParams = serde_json::from_str(json).map_err(|e| {
        KernelError::of(
            KernelErrorKind::Rebuild,
            format!("bad store operation parameters: {e}"),
        )
    })?;
    let loc = tessera_storage::Locator {
        driver: p.driver.clone(),
        path: p.store.clone(),
    };
    Ok((p, loc))
}

/// Rebuild a region read from its parameters, reopening its store (the registry's constructor).
pub(crate) fn read_region_from_json(json: &str) -> Result<KernelRef, KernelError> {
    let (p, loc) = store_op_params(json)?;
    let store = tessera_storage::reopen_read(&loc).map_err(crate::storage_kernel_error)?;
    Ok(Arc::new(ReadRegion {
        store,
        path: p.path,
        start: p.start,
        shape: p.shape,
        out_shape: p.out_shape,
    }))
}

/// Rebuild a chunk write from its parameters, reopening its store (the registry's constructor).
pub(crate) fn write_chunk_from_json(json: &str) -> Result<KernelRef, KernelError> {
    let (p, loc) = store_op_params(json)?;
    let store = tessera_storage::reopen_write(&loc).map_err(crate::storage_kernel_error)?;
    Ok(Arc::new(WriteChunk {
        store,
        path: p.path,
        index: p.start,
    }))
}

/// Rebuild the opened-array marker (it has no parameters).
pub(crate) fn opened_from_json(_json: &str) -> Result<KernelRef, KernelError> {
    Ok(Arc::new(Opened))
}

/// Rebuild the written-chunk count (it has no parameters).
pub(crate) fn count_written_from_json(_json: &str) -> Result<KernelRef, KernelError> {
    Ok(Arc::new(CountWritten))
}

/// The opened array, as Dask's `original-array` layer: a single tiny task that
/// no read depends on (reads open the store themselves), kept for the graph's shape.
#[derive(Debug)]
pub(crate) struct Opened;

crate::kernel::kernel_id!(Opened, "tessera.opened");

impl Kernel for Opened {
    crate::kernel::json_kernel!(id_only);
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        Ok(Block::from_array(ArrayD::from_elem(IxDyn(&[]), 0u8)))
    }
    fn is_cheap(&self) -> bool {
        true
    }
}

#[derive(Debug)]
struct OpenedTasks;

impl BlockTasks for OpenedTasks {
    fn block_task(
        &self,
        _inputs: &[LayerRef],
        _index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        Ok((Arc::new(Opened), Vec::new()))
    }
    crate::kernel::as_any!();
}

/// Block reads of a view of a stored array: output axis `k` is stored axis
/// `kept[k]` from `start[kept[k]]`; the other stored axes are fixed at `start`.
struct ReadTasks {
    store: Arc<dyn ChunkRead>,
    path: String,
    chunks: Chunks,
    start: Vec<usize>,
    kept: Vec<usize>,
}

impl fmt::Debug for ReadTasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "reads of {:?} in {}", self.path, self.store.describe())
    }
}

impl ReadTasks {
    fn view(&self, chunks: Chunks, start: Vec<usize>, kept: Vec<usize>) -> Arc<dyn BlockTasks> {
        Arc::new(ReadTasks {
            store: self.store.clone(),
            path: self.path.clone(),
            chunks,
            start,
            kept,
        })
    }
}

impl BlockTasks for ReadTasks {
    fn block_task(&self, _inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let ranges = self.chunks.block_range(index)?;
        let mut start = self.start.clone();
        let mut shape = vec![1; self.start.len()];
        for (k, &axis) in self.kept.iter().enumerate() {
            start[axis] += ranges[k].start;
            shape[axis] = ranges[k].len();
        }
        let kernel = ReadRegion {
            store: self.store.clone(),
            path: self.path.clone(),
            start,
            shape,
            out_shape: ranges.iter().map(|r| r.len()).collect(),
        };
        Ok((Arc::new(kernel), Vec::new()))
    }
    crate::kernel::as_any!();
    fn sliced(&self, index: &[IndexItem]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        let affine = affine_index(&self.chunks.shape(), index).ok()?;
        // Contiguous reads only: unit steps, no new axes.
        if affine
            .axes
            .iter()
            .any(|&(axis, step)| axis.is_none() || step != 1)
        {
            return None;
        }
        let mut start = self.start.clone();
        for (k, &axis) in self.kept.iter().enumerate() {
            start[axis] += usize::try_from(affine.start[k]).ok()?;
        }
        let kept = affine
            .axes
            .iter()
            .filter_map(|&(axis, _)| axis.map(|k| self.kept[k]))
            .collect();
        let chunks = slice_plan(&self.chunks, index).ok()?.chunks().clone();
        Some((chunks.clone(), self.view(chunks, start, kept)))
    }
    fn rechunked(&self, chunks: &Chunks) -> Option<Arc<dyn BlockTasks>> {
        (chunks.shape() == self.chunks.shape() && self.rereads(chunks) <= MAX_REREADS)
            .then(|| self.view(chunks.clone(), self.start.clone(), self.kept.clone()))
    }
}

/// How often reading in other chunks may decode one stored chunk: past
/// this, a rechunk reads the stored chunks once and regroups them instead
/// (rows to columns would otherwise decode every row chunk once per column).
const MAX_REREADS: usize = 2;

impl ReadTasks {
    /// The most reads of one stored chunk when reading in `chunks`.
    fn rereads(&self, chunks: &Chunks) -> usize {
        let Ok(meta) = self.store.metadata(&self.path) else {
            return usize::MAX;
        };
        let mut most = 1usize;
        for (k, &axis) in self.kept.iter().enumerate() {
            let stored = meta.chunks.axis(axis);
            let offset = self.start[axis];
            let mut reads = vec![0usize; stored.len()];
            let (mut begin, mut stored_edges) = (offset, Vec::with_capacity(stored.len()));
            let mut edge = 0;
            for &len in stored {
                stored_edges.push(edge..edge + len);
                edge += len;
            }
            for &len in chunks.axis(k) {
                let end = begin + len;
                for (j, r) in stored_edges.iter().enumerate() {
                    if r.start < end && begin < r.end {
                        reads[j] += 1;
                    }
                }
                begin = end;
            }
            most = most.saturating_mul(reads.into_iter().max().unwrap_or(1).max(1));
        }
        most
    }
}

/// The array at `path` in `store`, read in blocks of `chunks` (the store's own
/// chunks when `None`); `label` names the layer as Dask does (`from-zarr`).
pub fn read(
    store: Arc<dyn ChunkRead>,
    path: &str,
    chunks: Option<Chunks>,
    label: &str,
) -> Result<Expr> {
    let meta = store.metadata(path)?;
    let shape = meta.chunks.shape();
    let chunks = chunks.unwrap_or(meta.chunks);
    if chunks.shape() != shape {
        return Err(Error::InvalidArgument {
            op: label.into(),
            reason: format!(
                "chunks tile shape {:?}, but {path:?} has shape {shape:?}",
                chunks.shape()
            ),
        });
    }
    let opened: LayerRef = Arc::new(GeneralLayer::new(
        &format!("original-{label}"),
        LayerKind::Io,
        Chunks::new(Vec::new())?,
        DType::U8,
        Vec::new(),
        Arc::new(OpenedTasks),
    ));
    let tasks = ReadTasks {
        store,
        path: path.to_string(),
        chunks: chunks.clone(),
        start: vec![0; shape.len()],
        kept: (0..shape.len()).collect(),
    };
    Ok(Expr::new(GeneralLayer::new(
        label,
        LayerKind::Io,
        chunks,
        meta.dtype,
        vec![opened],
        Arc::new(tasks),
    )))
}

/// Write one block to chunk `index` of an array in a store; the result is a
/// one-element count (1) so the final task can report how many were written.
pub(crate) struct WriteChunk {
    store: Arc<dyn ChunkWrite>,
    path: String,
    index: Vec<usize>,
}

impl fmt::Debug for WriteChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "write({:?} {:?})", self.path, self.index)
    }
}

crate::kernel::kernel_id!(WriteChunk, "tessera.write_chunk");

impl Kernel for WriteChunk {
    crate::kernel::json_kernel!(id_only);
    fn output_scale(&self) -> u64 {
        // It returns a count, not a block of its layer's grid.
        0
    }
    fn params(&self) -> Params {
        let Some(loc) = self.store.write_locator() else {
            return Params::InProcessOnly;
        };
        let p = StoreOpParams {
            driver: loc.driver,
            store: loc.path,
            path: self.path.clone(),
            start: self.index.clone(),
            shape: Vec::new(),
            out_shape: Vec::new(),
        };
        serde_json::to_string(&p).map_or(Params::InProcessOnly, Params::Json)
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [block] = crate::kernel::exactly(self.id(), inputs)?;
        self.store
            .write_chunk(&self.path, &self.index, block)
            .map_err(crate::storage_kernel_error)?;
        Ok(Block::from_array(ArrayD::from_elem(IxDyn(&[]), 1u64)))
    }
}

/// The block tasks of a write: block `i` of the input goes to chunk `i`.
struct WriteTasks {
    store: Arc<dyn ChunkWrite>,
    path: String,
}

impl fmt::Debug for WriteTasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "writes to {:?}", self.path)
    }
}

impl BlockTasks for WriteTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let input = tessera_graph::input_name(inputs, 0)?;
        let kernel = WriteChunk {
            store: self.store.clone(),
            path: self.path.clone(),
            index: index.to_vec(),
        };
        Ok((Arc::new(kernel), vec![Key::new(input, index.to_vec())]))
    }
    crate::kernel::as_any!();
}

/// Count the chunks written (the last task of a store).
#[derive(Debug)]
pub(crate) struct CountWritten;

crate::kernel::kernel_id!(CountWritten, "tessera.count_written");

impl Kernel for CountWritten {
    crate::kernel::json_kernel!(id_only);
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let mut n = 0u64;
        for b in inputs {
            n += b.as_array::<u64>()?.sum();
        }
        Ok(Block::from_array(ArrayD::from_elem(IxDyn(&[]), n)))
    }
}

/// Sums the per-chunk counts of a write layer into one 0-d block.
#[derive(Debug)]
struct CountTasks {
    grid: Vec<usize>,
}

impl BlockTasks for CountTasks {
    fn block_task(
        &self,
        inputs: &[LayerRef],
        _index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        let input = tessera_graph::input_name(inputs, 0)?;
        let deps = tessera_chunk_core::BlockIndices::new(self.grid.clone())
            .map(|i| Key::new(input.clone(), i))
            .collect();
        Ok((Arc::new(CountWritten), deps))
    }
    crate::kernel::as_any!();
}

/// Write `x` block by block to the existing array at `path` (whose chunk grid
/// must be `x`'s: rechunk first); computing the result writes and gives the
/// number of chunks written as a 0-d `u64` array.
pub fn write(x: &Expr, store: Arc<dyn ChunkWrite>, path: &str) -> Result<Expr> {
    let writes: LayerRef = Arc::new(GeneralLayer::new(
        "store-map",
        LayerKind::Other,
        x.chunks().clone(),
        DType::U64,
        vec![x.layer().clone()],
        Arc::new(WriteTasks {
            store,
            path: path.to_string(),
        }),
    ));
    Ok(Expr::new(GeneralLayer::new(
        "store-sources",
        LayerKind::Other,
        Chunks::new(Vec::new())?,
        DType::U64,
        vec![writes],
        Arc::new(CountTasks {
            grid: x.chunks().numblocks(),
        }),
    )))
}

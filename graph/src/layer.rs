//! Layers: one per array operation, symbolic until materialised. A layer
//! knows its output grid and builds the task of any one block on demand, so an
//! array of 10^8 chunks costs nothing until some of its blocks are computed.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tessera_chunk_core::{Chunks, DType, IndexItem};

use crate::error::{Error, Result};
use crate::kernel::KernelRef;
use crate::key::Key;
use crate::task::Task;

/// A shared layer.
pub type LayerRef = Arc<dyn Layer>;

/// What kind of operation a layer is; passes and the memory model look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// Makes data from nothing (ones, random, arange): cheap to recompute.
    Creation,
    /// Reads data from a store: cheap to recompute, costs I/O.
    Io,
    /// Block i of the output from block i of each input (elementwise and friends).
    Blockwise,
    /// A level of a tree reduction.
    Reduction,
    /// Regrouping blocks (rechunk, slicing, concatenation, transpose).
    Regroup,
    /// A materialised or custom layer.
    Other,
}

/// One graph layer: an operation's output grid and how to build each block's task.
pub trait Layer: Send + Sync + fmt::Debug {
    /// The unique name of the layer (keys of its tasks carry it).
    fn name(&self) -> &Arc<str>;
    /// The operation's display name (`"ones_like"`, `"sum-aggregate"`), for reprs.
    fn label(&self) -> &str;
    /// What kind of operation this is.
    fn kind(&self) -> LayerKind;
    /// The output block grid.
    fn chunks(&self) -> &Chunks;
    /// The output element type.
    fn dtype(&self) -> DType;
    /// The layers this one reads.
    fn inputs(&self) -> &[LayerRef];
    /// The task producing block `index` (deps name blocks of `inputs`).
    fn task(&self, index: &[usize]) -> Result<Task>;
    /// The same layer (same name) reading `inputs` instead: passes rebuild graphs with it.
    fn with_inputs(&self, inputs: Vec<LayerRef>) -> LayerRef;
    /// For passes that look inside specific layer types.
    fn as_any(&self) -> &dyn Any;
}

/// The name of input `k` of a layer, for building dependency keys; an error
/// (not a bogus key) if a task builder asks for an input the layer lacks.
pub fn input_name(inputs: &[LayerRef], k: usize) -> Result<Arc<str>> {
    inputs
        .get(k)
        .map(|l| l.name().clone())
        .ok_or(Error::MissingInput {
            input: k,
            inputs: inputs.len(),
        })
}

/// A fresh unique layer name: `label-N`.
pub fn unique_name(label: &str) -> Arc<str> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    Arc::from(format!("{label}-{n}"))
}

fn check_index(name: &str, chunks: &Chunks, index: &[usize]) -> Result<()> {
    chunks.check_block(index).map_err(|_| Error::NoSuchBlock {
        layer: name.to_string(),
        index: index.to_vec(),
        grid: chunks.numblocks(),
    })
}

/// The [`Layer`] methods a layer type answers straight from its fields
/// (`name`, `label`, `chunks`, `dtype`, `inputs`) and `as_any`, written once
/// for every layer type here.
macro_rules! layer_fields {
    () => {
        fn name(&self) -> &Arc<str> {
            &self.name
        }
        fn label(&self) -> &str {
            &self.label
        }
        fn chunks(&self) -> &Chunks {
            &self.chunks
        }
        fn dtype(&self) -> DType {
            self.dtype
        }
        fn inputs(&self) -> &[LayerRef] {
            &self.inputs
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    };
}

/// Builds the kernel and dependency keys of one block of a [`GeneralLayer`].
pub trait BlockTasks: Send + Sync + fmt::Debug {
    /// The kernel and input keys for block `index` of the layer; `inputs` are
    /// the layer's input layers (their names form the dependency keys).
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> Result<(KernelRef, Vec<Key>)>;
    /// For passes that look inside specific task builders.
    fn as_any(&self) -> &dyn Any;
    /// For a basic-indexing layer (`x[index]`): the index. Slice pushdown uses it.
    fn slice_index(&self) -> Option<&[IndexItem]> {
        None
    }
    /// For a basic-indexing layer: the same indexing applied to an input with `chunks`.
    fn slice_of(&self, _chunks: &Chunks) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        None
    }
    /// For a creation layer: tasks that create `x[index]` directly, with its chunks
    /// (`None` when this creation cannot do it).
    fn sliced(&self, _index: &[IndexItem]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        None
    }
    /// For a creation layer: tasks that create the same values with other `chunks`.
    fn rechunked(&self, _chunks: &Chunks) -> Option<Arc<dyn BlockTasks>> {
        None
    }
    /// For a creation layer: tasks that create its transpose (output axis `j`
    /// is axis `axes[j]`), with the transposed chunks.
    fn transposed(&self, _axes: &[usize]) -> Option<(Chunks, Arc<dyn BlockTasks>)> {
        None
    }
    /// Whether the layer only regroups its one input into other chunks (a rechunk stage).
    fn is_rechunk(&self) -> bool {
        false
    }
}

/// A layer whose per-block tasks come from a [`BlockTasks`] builder: creation,
/// IO, reductions, rechunks, slices.
#[derive(Debug)]
pub struct GeneralLayer {
    name: Arc<str>,
    label: String,
    kind: LayerKind,
    chunks: Chunks,
    dtype: DType,
    inputs: Vec<LayerRef>,
    tasks: Arc<dyn BlockTasks>,
}

impl GeneralLayer {
    /// A new layer with a fresh name derived from `label`.
    pub fn new(
        label: &str,
        kind: LayerKind,
        chunks: Chunks,
        dtype: DType,
        inputs: Vec<LayerRef>,
        tasks: Arc<dyn BlockTasks>,
    ) -> Self {
        GeneralLayer {
            name: unique_name(label),
            label: label.to_string(),
            kind,
            chunks,
            dtype,
            inputs,
            tasks,
        }
    }

    /// The same layer under a given name (passes that replace a layer keep
    /// its name, so keys stay valid).
    pub fn with_name(mut self, name: Arc<str>) -> Self {
        self.name = name;
        self
    }

    /// The task builder.
    pub fn tasks(&self) -> &Arc<dyn BlockTasks> {
        &self.tasks
    }
}

impl Layer for GeneralLayer {
    layer_fields!();
    fn kind(&self) -> LayerKind {
        self.kind
    }
    fn task(&self, index: &[usize]) -> Result<Task> {
        check_index(&self.name, &self.chunks, index)?;
        let (kernel, deps) = self.tasks.block_task(&self.inputs, index)?;
        Ok(Task {
            key: Key::new(self.name.clone(), index),
            kernel,
            deps,
        })
    }
    fn with_inputs(&self, inputs: Vec<LayerRef>) -> LayerRef {
        Arc::new(GeneralLayer {
            name: self.name.clone(),
            label: self.label.clone(),
            kind: self.kind,
            chunks: self.chunks.clone(),
            dtype: self.dtype,
            inputs,
            tasks: self.tasks.clone(),
        })
    }
}

/// How an output block index maps to an input's block index in a [`Blockwise`] layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockMap {
    /// For each input axis: the output axis it follows, or `None` when the
    /// input is broadcast along it (one block, index 0).
    pub axes: Vec<Option<usize>>,
}

impl BlockMap {
    /// The identity map for an input of the same rank as the output.
    pub fn identity(ndim: usize) -> Self {
        BlockMap {
            axes: (0..ndim).map(Some).collect(),
        }
    }

    /// The input block index for an output block index.
    pub fn map(&self, out: &[usize]) -> Vec<usize> {
        self.axes
            .iter()
            .map(|a| a.map_or(0, |axis| out.get(axis).copied().unwrap_or(0)))
            .collect()
    }
}

/// Block `i` of the output is one kernel applied to block `map(i)` of each
/// input: elementwise arithmetic and math, casts, `map_blocks`. Fusable.
#[derive(Debug)]
pub struct Blockwise {
    name: Arc<str>,
    label: String,
    chunks: Chunks,
    dtype: DType,
    inputs: Vec<LayerRef>,
    maps: Vec<BlockMap>,
    kernel: KernelRef,
    elementwise: bool,
    permutation: Option<Vec<usize>>,
}

impl Blockwise {
    /// Mark the kernel as elementwise: output element `i` depends only on input
    /// elements `i` (after broadcasting), so slicing commutes with it.
    pub fn elementwise(mut self) -> Self {
        self.elementwise = true;
        self
    }

    /// Whether the kernel is elementwise.
    pub fn is_elementwise(&self) -> bool {
        self.elementwise
    }

    /// Mark the layer as a pure axis permutation (`transpose`): output axis
    /// `j` is input axis `axes[j]`, values unchanged, so sources can make it directly.
    pub fn permutes(mut self, axes: Vec<usize>) -> Self {
        self.permutation = Some(axes);
        self
    }

    /// The axis permutation, when the layer is a transpose.
    pub fn permutation(&self) -> Option<&[usize]> {
        self.permutation.as_deref()
    }

    /// A blockwise layer; `maps[k]` maps output blocks to blocks of `inputs[k]`.
    pub fn new(
        label: &str,
        chunks: Chunks,
        dtype: DType,
        inputs: Vec<LayerRef>,
        maps: Vec<BlockMap>,
        kernel: KernelRef,
    ) -> Self {
        Blockwise {
            name: unique_name(label),
            label: label.to_string(),
            chunks,
            dtype,
            inputs,
            maps,
            kernel,
            elementwise: false,
            permutation: None,
        }
    }

    /// The same layer under a given name (passes that replace a layer keep
    /// its name, so keys stay valid).
    pub fn with_name(mut self, name: Arc<str>) -> Self {
        self.name = name;
        self
    }

    /// The kernel applied to every block.
    pub fn kernel(&self) -> &KernelRef {
        &self.kernel
    }

    /// The block maps, one per input.
    pub fn maps(&self) -> &[BlockMap] {
        &self.maps
    }
}

impl Layer for Blockwise {
    layer_fields!();
    fn kind(&self) -> LayerKind {
        LayerKind::Blockwise
    }
    fn task(&self, index: &[usize]) -> Result<Task> {
        check_index(&self.name, &self.chunks, index)?;
        let deps = self
            .inputs
            .iter()
            .zip(&self.maps)
            .map(|(input, map)| Key::new(input.name().clone(), map.map(index)))
            .collect();
        Ok(Task {
            key: Key::new(self.name.clone(), index),
            kernel: self.kernel.clone(),
            deps,
        })
    }
    fn with_inputs(&self, inputs: Vec<LayerRef>) -> LayerRef {
        Arc::new(Blockwise {
            name: self.name.clone(),
            label: self.label.clone(),
            chunks: self.chunks.clone(),
            dtype: self.dtype,
            inputs,
            maps: self.maps.clone(),
            kernel: self.kernel.clone(),
            elementwise: self.elementwise,
            permutation: self.permutation.clone(),
        })
    }
}

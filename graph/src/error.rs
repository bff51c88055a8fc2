//! The graph crate's error type.

use crate::key::Key;

/// What can go wrong while building, optimising or materialising a graph.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Chunk geometry failed.
    #[error(transparent)]
    Chunk(#[from] tessera_chunk_core::Error),
    /// A task depends on a key no layer of the graph produces.
    #[error("task {task} depends on {missing}, which no layer of the graph produces")]
    MissingDependency {
        /// The task.
        task: Key,
        /// The key nobody produces.
        missing: Key,
    },
    /// A layer was asked for a block outside its grid.
    #[error("layer {layer} has no block {index:?}; its grid is {grid:?}")]
    NoSuchBlock {
        /// The layer.
        layer: String,
        /// The index asked for.
        index: Vec<usize>,
        /// The layer's grid.
        grid: Vec<usize>,
    },
    /// A task builder asked for an input its layer does not have (a bug in that layer).
    #[error("a layer's task builder asked for input {input}, but the layer has {inputs} inputs")]
    MissingInput {
        /// The input asked for.
        input: usize,
        /// How many the layer has.
        inputs: usize,
    },
    /// The graph has a cycle (a bug in a layer: every layer only reads earlier ones).
    #[error("the task graph has a cycle through {key}")]
    Cycle {
        /// A key on the cycle.
        key: Key,
    },
}

/// Result alias for the graph crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

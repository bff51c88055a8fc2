//! tessera-graph: task graphs for chunked arrays.
//!
//! A [`Layer`] per array operation, symbolic until materialised; a
//! [`TaskGraph`] of concrete [`Task`]s for the blocks actually wanted (culled
//! by construction); optimisation passes over layers; and a static [`order`]
//! that keeps few blocks alive.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod error;
mod fused;
mod graph;
mod inline;
mod kernel;
mod key;
mod layer;
mod order;
pub mod passes;
mod task;
mod task_graph;
mod visualize;

pub use error::{Error, Result};
pub use fused::{Arg, Fused, Step};
pub use graph::{layer_count, layers};
pub use inline::inline_sources;
pub use kernel::{
    ClosureFn, ClosureKernel, EncodedSource, ErrorSource, Kernel, KernelError, KernelErrorKind,
    KernelRef, Params, RowTiling,
};
pub use key::Key;
pub use layer::{
    input_name, unique_name, BlockMap, BlockTasks, Blockwise, GeneralLayer, Layer, LayerKind,
    LayerRef,
};
pub use order::{order, peak_held, peak_live};
pub use task::Task;
pub use task_graph::TaskGraph;
pub use visualize::{layer_label, order_color, palette, ColorBy, GraphView, ViewNode};

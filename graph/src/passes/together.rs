//! Several outputs optimised as one graph (`tessera::compute(a, b)`): a
//! layer read by two outputs is seen with both readers, so fusion does not
//! swallow it into one of them and it is made, or read from its store, once.

use std::any::Any;
use std::sync::Arc;

use tessera_chunk_core::{Chunks, DType};

use crate::error::{Error, Result};
use crate::layer::{unique_name, Layer, LayerKind, LayerRef};
use crate::task::Task;

/// A root over the outputs of one compute: read by no task, never
/// materialised; it only makes the passes see every output at once.
#[derive(Debug)]
struct Outputs {
    name: Arc<str>,
    chunks: Chunks,
    inputs: Vec<LayerRef>,
}

impl Layer for Outputs {
    fn name(&self) -> &Arc<str> {
        &self.name
    }
    fn label(&self) -> &str {
        "outputs"
    }
    fn kind(&self) -> LayerKind {
        LayerKind::Other
    }
    fn chunks(&self) -> &Chunks {
        &self.chunks
    }
    fn dtype(&self) -> DType {
        DType::Bool
    }
    fn inputs(&self) -> &[LayerRef] {
        &self.inputs
    }
    fn task(&self, index: &[usize]) -> Result<Task> {
        // Only its inputs are materialised (TaskGraph::from_layers with their keys).
        Err(Error::NoSuchBlock {
            layer: self.name.to_string(),
            index: index.to_vec(),
            grid: Vec::new(),
        })
    }
    fn with_inputs(&self, inputs: Vec<LayerRef>) -> LayerRef {
        Arc::new(Outputs {
            name: self.name.clone(),
            chunks: self.chunks.clone(),
            inputs,
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Run every default pass over `roots` together; the optimised roots, in order.
pub fn optimize_all(roots: &[LayerRef]) -> Result<Vec<LayerRef>> {
    if let [one] = roots {
        return Ok(vec![super::optimize(one)?]);
    }
    let outputs: LayerRef = Arc::new(Outputs {
        name: unique_name("outputs"),
        chunks: Chunks::scalar(),
        inputs: roots.to_vec(),
    });
    Ok(super::optimize(&outputs)?.inputs().to_vec())
}

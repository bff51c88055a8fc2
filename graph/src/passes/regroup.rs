//! Source regrouping: a rechunk or a transpose of a creation (or IO) layer
//! becomes such a layer with the new chunks or axes. Values that depend only on an
//! element's position (random, constants, ranges) are made where they are
//! needed, so `random(...).rechunk(c)` makes blocks of `c` and `x.T` of a
//! random `x` draws the transposed block directly: no copies, no gathering.

use std::sync::Arc;

use crate::error::Result;
use crate::layer::{Blockwise, GeneralLayer, Layer, LayerKind, LayerRef};
use crate::passes::{rebuild, Pass};

/// Rechunks and transposes of creation layers become creation layers.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegroupSources;

/// The creation or IO layer below `layer`, if `layer` has exactly one input that is one.
fn source_of(layer: &LayerRef) -> Option<&GeneralLayer> {
    let [input] = layer.inputs() else {
        return None;
    };
    let source = input.as_any().downcast_ref::<GeneralLayer>()?;
    matches!(source.kind(), LayerKind::Creation | LayerKind::Io).then_some(source)
}

/// The rewrite of one layer, if it regroups a creation layer that can make the result itself.
fn regroup(layer: &LayerRef) -> Option<LayerRef> {
    let source = source_of(layer)?;
    let tasks = if let Some(general) = layer.as_any().downcast_ref::<GeneralLayer>() {
        if !general.tasks().is_rechunk() {
            return None;
        }
        source.tasks().rechunked(layer.chunks())?
    } else {
        let perm = layer.as_any().downcast_ref::<Blockwise>()?.permutation()?;
        let (chunks, tasks) = source.tasks().transposed(perm)?;
        if &chunks != layer.chunks() {
            return None;
        }
        tasks
    };
    Some(Arc::new(
        GeneralLayer::new(
            source.label(),
            source.kind(),
            layer.chunks().clone(),
            source.dtype(),
            source.inputs().to_vec(),
            tasks,
        )
        .with_name(layer.name().clone()),
    ))
}

impl Pass for RegroupSources {
    fn name(&self) -> &'static str {
        "regroup-sources"
    }

    fn run(&self, root: LayerRef) -> Result<LayerRef> {
        // One bottom-up walk suffices: each rewritten layer is a creation
        // layer again, seen as such by the layer above it.
        rebuild(&root, |layer, _| Ok(regroup(layer)))
    }
}

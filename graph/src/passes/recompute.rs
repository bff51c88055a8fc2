//! Recompute cheap sources: a creation layer (constants, ranges, random
//! numbers, literal data) read by several layers gets one copy per reader, so
//! each block is made right before it is used and dropped right after,
//! instead of being held until its last, possibly distant, reader runs. Making
//! a random block twice costs less than holding it (and far less than
//! faulting fresh memory in): `x + x.T` keeps O(1) blocks alive, not O(n).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::error::Result;
use crate::graph::layers;
use crate::layer::{Blockwise, GeneralLayer, Layer, LayerKind, LayerRef};
use crate::passes::{rebuild, Pass};

/// Give each reader of a shared creation layer its own copy.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecomputeCheapSources;

fn copy_of(source: &GeneralLayer) -> LayerRef {
    Arc::new(GeneralLayer::new(
        source.label(),
        LayerKind::Creation,
        source.chunks().clone(),
        source.dtype(),
        Vec::new(),
        source.tasks().clone(),
    ))
}

/// How a consumer reads its input at `slot`: readers through the same block
/// map get the same blocks, so they count once; other slots count apart.
fn read_kind(consumer: &LayerRef, slot: usize) -> String {
    match consumer.as_any().downcast_ref::<Blockwise>() {
        Some(b) => format!("{}:{:?}", consumer.name(), b.maps().get(slot)),
        None => format!("{}#{slot}", consumer.name()),
    }
}

impl Pass for RecomputeCheapSources {
    fn name(&self) -> &'static str {
        "recompute-cheap-sources"
    }

    fn run(&self, root: LayerRef) -> Result<LayerRef> {
        let mut readers: HashMap<Arc<str>, HashSet<String>> = HashMap::new();
        for l in layers(std::slice::from_ref(&root)) {
            for (slot, i) in l.inputs().iter().enumerate() {
                readers
                    .entry(i.name().clone())
                    .or_default()
                    .insert(read_kind(&l, slot));
            }
        }
        let shared = |l: &LayerRef| {
            l.kind() == LayerKind::Creation && readers.get(l.name()).is_some_and(|r| r.len() > 1)
        };
        rebuild(&root, |layer, _| {
            if !layer.inputs().iter().any(shared) {
                return Ok(None);
            }
            // One copy per distinct way of reading the source.
            let mut copies: HashMap<String, LayerRef> = HashMap::new();
            let inputs = layer
                .inputs()
                .iter()
                .enumerate()
                .map(
                    |(slot, i)| match i.as_any().downcast_ref::<GeneralLayer>() {
                        Some(g) if shared(i) => copies
                            .entry(read_kind(layer, slot))
                            .or_insert_with(|| copy_of(g))
                            .clone(),
                        _ => i.clone(),
                    },
                )
                .collect();
            Ok(Some(layer.with_inputs(inputs)))
        })
    }
}

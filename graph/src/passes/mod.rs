//! Optimisation passes over the layer graph, each a small type, run in the
//! order of [`default_passes`].

mod fuse;
mod pushdown;
mod recompute;
mod regroup;
mod together;

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::Result;
use crate::graph::layers;
use crate::layer::LayerRef;

pub use fuse::FuseBlockwise;
pub use pushdown::PushdownSlices;
pub use recompute::RecomputeCheapSources;
pub use regroup::RegroupSources;
pub use together::optimize_all;

/// One rewrite of the layer graph below a root.
pub trait Pass: Send + Sync {
    /// A short name, for logs and snapshots.
    fn name(&self) -> &'static str;
    /// The rewritten root (the same name, so its keys stay valid).
    fn run(&self, root: LayerRef) -> Result<LayerRef>;
}

/// The passes `compute` runs, in order.
pub fn default_passes() -> Vec<Box<dyn Pass>> {
    vec![
        // First: a rechunk or transpose of random or constant data is made
        // directly in its new shape, never made and then copied (before slice
        // pushdown, so `x.T[i]` then slices the transposed source).
        Box::new(RegroupSources),
        // Then: a slice moved below elementwise layers and into creation
        // makes only the selected elements, and it must happen before fusion
        // hides the elementwise layers inside one fused kernel.
        Box::new(PushdownSlices),
        // Then fusing elementwise chains into one task per block removes
        // whole layers of tasks and the blocks between them, which is where
        // small-chunk workloads spend their time.
        Box::new(FuseBlockwise),
        // Last, shared creation layers get a copy per reader: making a block
        // twice is cheaper than holding it until a distant reader runs. After
        // fusion, so readers fused into one task share one copy.
        Box::new(RecomputeCheapSources),
    ]
}

/// Run every default pass on `root`.
pub fn optimize(root: &LayerRef) -> Result<LayerRef> {
    let mut current = root.clone();
    for pass in default_passes() {
        current = pass.run(current)?;
        tracing::debug!(pass = pass.name(), "optimisation pass ran");
    }
    Ok(current)
}

/// Maps an original layer to its rebuilt version (itself when untouched).
pub type Rebuilt<'a> = &'a dyn Fn(&LayerRef) -> LayerRef;

/// Rebuild the graph below `root` bottom-up, replacing layers with `rewrite`,
/// which sees the layer with its inputs already rebuilt and a map from any
/// original layer to its rebuilt version — the walk every pass shares.
pub fn rebuild(
    root: &LayerRef,
    mut rewrite: impl FnMut(&LayerRef, Rebuilt<'_>) -> Result<Option<LayerRef>>,
) -> Result<LayerRef> {
    let mut done: HashMap<Arc<str>, LayerRef> = HashMap::new();
    for layer in layers(std::slice::from_ref(root)) {
        let inputs: Vec<LayerRef> = layer
            .inputs()
            .iter()
            .map(|i| done.get(i.name()).cloned().unwrap_or_else(|| i.clone()))
            .collect();
        let changed = inputs
            .iter()
            .zip(layer.inputs())
            .any(|(a, b)| !Arc::ptr_eq(a, b));
        let rebuilt = if changed {
            layer.with_inputs(inputs)
        } else {
            layer.clone()
        };
        let lookup = |l: &LayerRef| done.get(l.name()).cloned().unwrap_or_else(|| l.clone());
        let replaced = rewrite(&rebuilt, &lookup)?.unwrap_or(rebuilt);
        done.insert(layer.name().clone(), replaced);
    }
    Ok(done
        .get(root.name())
        .cloned()
        .unwrap_or_else(|| root.clone()))
}

/// The layer graph below `root` as text, with positional ids so snapshots are stable:
/// one line per layer, inputs first: `L2 add Blockwise 2 blocks <- L0 L1`.
pub fn render(root: &LayerRef) -> String {
    let all = layers(std::slice::from_ref(root));
    let ids: HashMap<Arc<str>, usize> = all
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name().clone(), i))
        .collect();
    let mut out = String::new();
    for (i, l) in all.iter().enumerate() {
        let inputs: Vec<String> = l
            .inputs()
            .iter()
            .map(|x| format!("L{}", ids.get(x.name()).copied().unwrap_or(usize::MAX)))
            .collect();
        out.push_str(&format!(
            "L{i} {} {:?} {} blocks{}{}\n",
            l.label(),
            l.kind(),
            l.chunks().num_blocks(),
            if inputs.is_empty() { "" } else { " <- " },
            inputs.join(" ")
        ));
    }
    out
}

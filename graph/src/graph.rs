//! The high-level graph: the DAG of layers reachable from an array's layer.

use std::collections::HashSet;
use std::sync::Arc;

use crate::layer::LayerRef;

/// Every layer reachable from `roots`, inputs before their consumers, each once.
pub fn layers(roots: &[LayerRef]) -> Vec<LayerRef> {
    let mut seen: HashSet<Arc<str>> = HashSet::new();
    let mut out = Vec::new();
    // Iterative post-order: deep graphs (long elementwise chains) must not overflow the stack.
    let mut stack: Vec<(LayerRef, bool)> = roots.iter().rev().map(|r| (r.clone(), false)).collect();
    while let Some((layer, expanded)) = stack.pop() {
        if expanded {
            if seen.insert(layer.name().clone()) {
                out.push(layer);
            }
            continue;
        }
        if seen.contains(layer.name()) {
            continue;
        }
        stack.push((layer.clone(), true));
        for input in layer.inputs().iter().rev() {
            if !seen.contains(input.name()) {
                stack.push((input.clone(), false));
            }
        }
    }
    out
}

/// Number of distinct layers reachable from `root` (Dask's `len(x.dask.layers)`).
pub fn layer_count(root: &LayerRef) -> usize {
    layers(std::slice::from_ref(root)).len()
}

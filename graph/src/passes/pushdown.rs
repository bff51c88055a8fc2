//! Slice pushdown: `x[index]` moves below elementwise layers and into
//! creation and IO layers, so only the selected elements are ever made or read. A slice of
//! `(a + b) * 2` becomes `(a[index] + b[index]) * 2`; a slice of `ones` or of
//! a random array creates just the slice.

use std::sync::Arc;

use crate::error::Result;
use crate::layer::{BlockMap, Blockwise, GeneralLayer, Layer, LayerKind, LayerRef};
use crate::passes::{rebuild, Pass};

/// Push basic indexing below elementwise layers and into creation layers.
#[derive(Debug, Clone, Copy, Default)]
pub struct PushdownSlices;

/// The rewrite of one getitem layer, if its input lets the slice through.
fn push(getitem: &LayerRef) -> Option<LayerRef> {
    let general = getitem.as_any().downcast_ref::<GeneralLayer>()?;
    let index = general.tasks().slice_index()?;
    let [input] = getitem.inputs() else {
        return None;
    };
    if let Some(bw) = input.as_any().downcast_ref::<Blockwise>() {
        // Elementwise with every input aligned block for block: slice each input instead.
        let aligned = bw.is_elementwise()
            && bw.inputs().iter().zip(bw.maps()).all(|(i, m)| {
                *m == BlockMap::identity(i.chunks().ndim()) && i.chunks() == bw.chunks()
            });
        if !aligned {
            return None;
        }
        let mut sliced_inputs = Vec::with_capacity(bw.inputs().len());
        for i in bw.inputs() {
            let (chunks, tasks) = general.tasks().slice_of(i.chunks())?;
            let layer: LayerRef = Arc::new(GeneralLayer::new(
                getitem.label(),
                LayerKind::Regroup,
                chunks,
                i.dtype(),
                vec![i.clone()],
                tasks,
            ));
            sliced_inputs.push(layer);
        }
        let ndim = getitem.chunks().ndim();
        let maps = sliced_inputs
            .iter()
            .map(|_| BlockMap::identity(ndim))
            .collect();
        let out = Blockwise::new(
            bw.label(),
            getitem.chunks().clone(),
            bw.dtype(),
            sliced_inputs,
            maps,
            bw.kernel().clone(),
        )
        .with_name(getitem.name().clone())
        .elementwise();
        return Some(Arc::new(out));
    }
    let source = input.as_any().downcast_ref::<GeneralLayer>()?;
    if !matches!(source.kind(), LayerKind::Creation | LayerKind::Io) {
        return None;
    }
    let (chunks, tasks) = source.tasks().sliced(index)?;
    if &chunks != getitem.chunks() {
        return None;
    }
    Some(Arc::new(
        GeneralLayer::new(
            source.label(),
            source.kind(),
            chunks,
            source.dtype(),
            source.inputs().to_vec(),
            tasks,
        )
        .with_name(getitem.name().clone()),
    ))
}

impl Pass for PushdownSlices {
    fn name(&self) -> &'static str {
        "pushdown-slices"
    }

    fn run(&self, root: LayerRef) -> Result<LayerRef> {
        // Each round moves slices one layer down; a chain of n elementwise
        // layers needs n rounds. The bound keeps a pathological graph finite.
        let mut current = root;
        for _ in 0..64 {
            let mut changed = false;
            current = rebuild(&current, |layer, _| {
                let pushed = push(layer);
                changed |= pushed.is_some();
                Ok(pushed)
            })?;
            if !changed {
                break;
            }
        }
        Ok(current)
    }
}

//! `Expr`: an untyped lazy array — a layer of the graph, with its grid and dtype.

use std::sync::Arc;

use tessera_chunk_core::{Chunks, DType, Shape};
use tessera_graph::{layer_count, Layer, LayerRef};

/// A lazy array: the layer that produces it (and, through its inputs, the whole graph).
#[derive(Debug, Clone)]
pub struct Expr {
    layer: LayerRef,
}

impl Expr {
    /// The array produced by `layer`.
    pub fn new(layer: impl Layer + 'static) -> Self {
        Expr {
            layer: Arc::new(layer),
        }
    }

    /// The array produced by an already shared layer.
    pub fn from_layer(layer: LayerRef) -> Self {
        Expr { layer }
    }

    /// The producing layer.
    pub fn layer(&self) -> &LayerRef {
        &self.layer
    }

    /// The block grid.
    pub fn chunks(&self) -> &Chunks {
        self.layer.chunks()
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.layer.chunks().shape()
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.layer.chunks().ndim()
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.layer.dtype()
    }

    /// Number of elements (saturating at `usize::MAX`; the facade checks every
    /// array's size with `checked_nbytes` where it is made, so this never saturates there).
    pub fn size(&self) -> usize {
        let shape = self.shape();
        if shape.contains(&0) {
            return 0;
        }
        shape
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .unwrap_or(usize::MAX)
    }

    /// Bytes of the whole array (saturating at `u64::MAX`, as [`Expr::size`]).
    pub fn nbytes(&self) -> u64 {
        let shape = self.shape();
        if shape.contains(&0) {
            return 0;
        }
        shape
            .iter()
            .try_fold(self.dtype().itemsize() as u64, |a, &d| {
                a.checked_mul(d as u64)
            })
            .unwrap_or(u64::MAX)
    }

    /// The operation name shown in reprs (`"ones_like"`, `"sum-aggregate"`).
    pub fn label(&self) -> &str {
        self.layer.label()
    }

    /// Number of graph layers behind this array (Dask's `len(x.dask.layers)`).
    pub fn layer_count(&self) -> usize {
        layer_count(&self.layer)
    }
}

//! `Key`: the name of one task's output — a layer name and a block index, as Dask's `(name, i, j)`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// One task's output: the block `index` of layer `layer`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    /// The unique name of the layer (e.g. `"ones_like-3"`).
    pub layer: Arc<str>,
    /// The block index within the layer's grid.
    pub index: Vec<usize>,
}

impl Key {
    /// A key from a layer name and block index.
    pub fn new(layer: impl Into<Arc<str>>, index: impl Into<Vec<usize>>) -> Self {
        Key {
            layer: layer.into(),
            index: index.into(),
        }
    }
}

impl fmt::Display for Key {
    /// Dask's notation: `('sum-aggregate-4', 0, 1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "('{}'", self.layer)?;
        for i in &self.index {
            write!(f, ", {i}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

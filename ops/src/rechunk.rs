//! Rechunking: a layer whose blocks are assembled from pieces of the input's blocks.

use std::any::Any;
use std::ops::Range;
use std::sync::Arc;

use tessera_chunk_core::{BlockIndices, Chunks, DType};
use tessera_graph::{
    BlockTasks, GeneralLayer, KernelRef, Key, LayerKind, LayerRef, Result as GraphResult,
};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::kernels::assemble::{Assemble, Piece};

/// For one axis: the old chunks overlapping new chunk `j`, as (old index, range in old, range in new).
fn axis_pieces(old: &[usize], new: &[usize], j: usize) -> Vec<(usize, Range<usize>, Range<usize>)> {
    let start: usize = new[..j].iter().sum();
    let end = start + new[j];
    let mut out = Vec::new();
    let mut o_start = 0;
    for (i, &len) in old.iter().enumerate() {
        let o_end = o_start + len;
        let (lo, hi) = (start.max(o_start), end.min(o_end));
        if lo < hi || (len == 0 && new[j] == 0 && out.is_empty()) {
            out.push((i, lo - o_start..hi - o_start, lo - start..hi - start));
        }
        o_start = o_end;
    }
    out
}

/// Builds the assemble task of each new block.
#[derive(Debug)]
struct RechunkTasks {
    old: Chunks,
    new: Chunks,
    dtype: DType,
}

impl BlockTasks for RechunkTasks {
    fn block_task(
        &self,
        inputs: &[LayerRef],
        index: &[usize],
    ) -> GraphResult<(KernelRef, Vec<Key>)> {
        let per_axis: Vec<_> = (0..self.new.ndim())
            .map(|ax| axis_pieces(self.old.axis(ax), self.new.axis(ax), index[ax]))
            .collect();
        let mut deps = Vec::new();
        let mut pieces = Vec::new();
        let input = inputs
            .first()
            .map(|l| l.name().clone())
            .unwrap_or_else(|| Arc::from(""));
        for combo in BlockIndices::new(per_axis.iter().map(Vec::len).collect()) {
            let parts: Vec<_> = combo
                .iter()
                .enumerate()
                .map(|(ax, &k)| &per_axis[ax][k])
                .collect();
            deps.push(Key::new(
                input.clone(),
                parts.iter().map(|p| p.0).collect::<Vec<_>>(),
            ));
            pieces.push(Piece {
                from: parts.iter().map(|p| p.1.clone()).collect(),
                to: parts.iter().map(|p| p.2.clone()).collect(),
            });
        }
        let kernel = Assemble {
            shape: self.new.block_shape(index)?,
            dtype: self.dtype,
            pieces,
        };
        Ok((Arc::new(kernel), deps))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Rechunk `x` to exactly `new` (same shape), in one layer named like Dask's `rechunk-merge`.
pub fn rechunk_to(x: &Expr, new: Chunks) -> Result<Expr> {
    if new.shape() != x.shape() {
        return Err(Error::InvalidArgument {
            op: "rechunk".into(),
            reason: format!(
                "new chunks tile shape {:?}, but the array has shape {:?}",
                new.shape(),
                x.shape()
            ),
        });
    }
    if &new == x.chunks() {
        return Ok(x.clone());
    }
    let tasks = RechunkTasks {
        old: x.chunks().clone(),
        new: new.clone(),
        dtype: x.dtype(),
    };
    Ok(Expr::new(GeneralLayer::new(
        "rechunk-merge",
        LayerKind::Regroup,
        new,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(tasks),
    )))
}

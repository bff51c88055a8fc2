//! `unique` for small results: per-block unique values, then the unique
//! values of their concatenation in one task (Dask's `unique_internal` and
//! `unique-aggregate`). The result's length depends on the data, which the
//! chunk grid cannot say (Dask gives it unknown chunks): the declared chunks
//! are upper bounds, so run the graph and read the one block of the last
//! layer rather than assembling it as an array of those chunks.

use std::sync::Arc;

use tessera_chunk_core::{BlockIndices, Chunks};
use tessera_graph::{BlockTasks, GeneralLayer, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reduce::unique_kernel::UniqueBlock;

/// Task `i` reads input block `i` (C order); with `all`, the one task reads every block.
#[derive(Debug)]
struct UniqueTasks {
    grid: Vec<usize>,
    all: bool,
}

impl BlockTasks for UniqueTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let input = tessera_graph::input_name(inputs, 0)?;
        let blocks: Vec<Vec<usize>> = if self.all {
            BlockIndices::new(self.grid.clone()).collect()
        } else {
            let i = index.first().copied().unwrap_or(0);
            BlockIndices::new(self.grid.clone())
                .skip(i)
                .take(1)
                .collect()
        };
        let deps = blocks
            .into_iter()
            .map(|b| Key::new(input.clone(), b))
            .collect();
        Ok((Arc::new(UniqueBlock {}), deps))
    }
    crate::kernel::as_any!();
}

/// The graph of `np.unique(x)`: its last layer has one block, the sorted
/// distinct values (a NaN once). Its declared length is only an upper bound.
pub fn unique(x: &Expr) -> Result<Expr> {
    if x.dtype().kind() == 'c' {
        return Err(Error::InvalidArgument {
            op: "unique".into(),
            reason: format!(
                "unique of {} arrays is not supported yet; cast to a real dtype",
                x.dtype()
            ),
        });
    }
    let chunks = x.chunks();
    let sizes: Vec<usize> = chunks
        .blocks()
        .map(|b| chunks.block_shape(&b).map(|s| s.iter().product()))
        .collect::<std::result::Result<_, _>>()?;
    let per_block = Expr::new(GeneralLayer::new(
        "unique_internal",
        LayerKind::Other,
        Chunks::new(vec![sizes])?,
        x.dtype(),
        vec![x.layer().clone()],
        Arc::new(UniqueTasks {
            grid: chunks.numblocks(),
            all: false,
        }),
    ));
    Ok(Expr::new(GeneralLayer::new(
        "unique-aggregate",
        LayerKind::Other,
        Chunks::new(vec![vec![x.size()]])?,
        x.dtype(),
        vec![per_block.layer().clone()],
        Arc::new(UniqueTasks {
            grid: per_block.chunks().numblocks(),
            all: true,
        }),
    )))
}

//! `unique` and the Array API's `unique_*` family for small results:
//! per-block unique values, then the unique values of their concatenation in
//! one task (Dask's `unique_internal` and `unique-aggregate`), and beside
//! them, aligned entry for entry, per-block counts or first indices and their
//! merge. The result's length depends on the data, which the chunk grid
//! cannot say (Dask gives it unknown chunks): the declared chunks are upper
//! bounds, so run the graph and read the one block of each last layer rather
//! than assembling it as an array of those chunks. The inverse indices have
//! the input's shape and chunks, so they stay lazy once the values are known.

use std::sync::Arc;

use tessera_chunk_core::{BlockIndices, Chunks, DType};
use tessera_graph::{BlockTasks, GeneralLayer, KernelRef, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reduce::unique_kernel::UniqueBlock;
use crate::reduce::unique_stats_kernel::{
    NanCount, UniqueBlockStat, UniqueInverse, UniqueStat, UniqueStatMerge,
};

/// What each task of a unique layer runs.
#[derive(Debug, Clone)]
enum Step {
    /// Sorted distinct values.
    Values { equal_nan: bool },
    /// A statistic of each distinct value of one block of an array cut by `chunks`.
    Stat {
        stat: UniqueStat,
        equal_nan: bool,
        chunks: Chunks,
    },
    /// Merge values and statistic blocks.
    Merge { stat: UniqueStat, equal_nan: bool },
    /// Count the NaNs of a block.
    NanCount,
}

/// Task `i` reads block `i` (C order) of each input; with `all`, the one
/// task reads every block of each input, input after input.
#[derive(Debug)]
struct UniqueTasks {
    grid: Vec<usize>,
    all: bool,
    step: Step,
}

impl UniqueTasks {
    fn kernel(&self, index: &[usize]) -> KernelRef {
        match &self.step {
            Step::Values { equal_nan } => Arc::new(UniqueBlock {
                equal_nan: *equal_nan,
            }),
            Step::Stat {
                stat,
                equal_nan,
                chunks,
            } => {
                let block = BlockIndices::new(self.grid.clone())
                    .nth(index.first().copied().unwrap_or(0))
                    .unwrap_or_default();
                let origin = (0..chunks.ndim())
                    .map(|d| chunks.offsets(d)[block.get(d).copied().unwrap_or(0)])
                    .collect();
                Arc::new(UniqueBlockStat {
                    stat: *stat,
                    equal_nan: *equal_nan,
                    origin,
                    shape: chunks.shape(),
                })
            }
            Step::Merge { stat, equal_nan } => Arc::new(UniqueStatMerge {
                stat: *stat,
                equal_nan: *equal_nan,
                parts: BlockIndices::new(self.grid.clone()).count(),
            }),
            Step::NanCount => Arc::new(NanCount {}),
        }
    }
}

impl BlockTasks for UniqueTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let mut deps = Vec::new();
        for k in 0..inputs.len() {
            let input = tessera_graph::input_name(inputs, k)?;
            let i = index.first().copied().unwrap_or(0);
            let blocks = BlockIndices::new(self.grid.clone());
            let blocks: Vec<Vec<usize>> = if self.all {
                blocks.collect()
            } else {
                blocks.skip(i).take(1).collect()
            };
            deps.extend(blocks.into_iter().map(|b| Key::new(input.clone(), b)));
        }
        Ok((self.kernel(index), deps))
    }
    crate::kernel::as_any!();
}

fn refuse_complex(op: &str, x: &Expr) -> Result<()> {
    if x.dtype().kind() == 'c' {
        return Err(Error::InvalidArgument {
            op: op.into(),
            reason: format!(
                "{op} of {} arrays is not supported yet; cast to a real dtype",
                x.dtype()
            ),
        });
    }
    Ok(())
}

/// A layer of one task per block of `x` (`all: false`) or one task over
/// every block of each input (`all: true`).
fn layer(
    label: &str,
    x: &Expr,
    inputs: &[&Expr],
    len: Vec<usize>,
    dtype: DType,
    all: bool,
    step: Step,
) -> Result<Expr> {
    Ok(Expr::new(GeneralLayer::new(
        label,
        LayerKind::Other,
        Chunks::new(vec![len])?,
        dtype,
        inputs.iter().map(|e| e.layer().clone()).collect(),
        Arc::new(UniqueTasks {
            grid: x.chunks().numblocks(),
            all,
            step,
        }),
    )))
}

/// The per-block values layer and the sizes of `x`'s blocks.
fn per_block_values(x: &Expr, equal_nan: bool) -> Result<(Expr, Vec<usize>)> {
    let chunks = x.chunks();
    let sizes: Vec<usize> = chunks
        .blocks()
        .map(|b| chunks.block_shape(&b).map(|s| s.iter().product()))
        .collect::<std::result::Result<_, _>>()?;
    let per_block = layer(
        "unique_internal",
        x,
        &[x],
        sizes.clone(),
        x.dtype(),
        false,
        Step::Values { equal_nan },
    )?;
    Ok((per_block, sizes))
}

/// The graph of `np.unique(x)`: its last layer has one block, the sorted
/// distinct values (a NaN once). Its declared length is only an upper bound.
pub fn unique(x: &Expr) -> Result<Expr> {
    refuse_complex("unique", x)?;
    Ok(unique_family(x, true, &[])?.0)
}

/// The graphs of the sorted distinct values of `x` (NaNs one value with
/// `equal_nan`, else each NaN its own) and of each statistic in `stats`,
/// aligned with them; each has one block, of declared length `x.size()` (an
/// upper bound).
pub fn unique_family(x: &Expr, equal_nan: bool, stats: &[UniqueStat]) -> Result<(Expr, Vec<Expr>)> {
    refuse_complex("unique", x)?;
    let (per_block, sizes) = per_block_values(x, equal_nan)?;
    let total = vec![x.size()];
    let values = layer(
        "unique-aggregate",
        &per_block,
        &[&per_block],
        total.clone(),
        x.dtype(),
        true,
        Step::Values { equal_nan },
    )?;
    let mut out = Vec::new();
    for &stat in stats {
        let label = match stat {
            UniqueStat::Count => "unique_counts",
            UniqueStat::First => "unique_indices",
        };
        let per_block_stat = layer(
            label,
            x,
            &[x],
            sizes.clone(),
            DType::I64,
            false,
            Step::Stat {
                stat,
                equal_nan,
                chunks: x.chunks().clone(),
            },
        )?;
        out.push(layer(
            &format!("{label}-aggregate"),
            &per_block,
            &[&per_block, &per_block_stat],
            total.clone(),
            DType::I64,
            true,
            Step::Merge { stat, equal_nan },
        )?);
    }
    Ok((values, out))
}

/// How many NaNs each block of `x` holds: one int64 per block, C order.
pub fn nan_counts(x: &Expr) -> Result<Expr> {
    layer(
        "nan_count",
        x,
        &[x],
        vec![1; x.chunks().num_blocks()],
        DType::I64,
        false,
        Step::NanCount,
    )
}

/// The inverse indices of `x` into its sorted distinct `values` (an array
/// of one block): `x`'s shape and chunks, int64. With NaNs apart, block `i`'s
/// NaNs take the positions from `nan_starts[i]` on, in C order.
pub fn unique_inverse(
    x: &Expr,
    values: &Expr,
    equal_nan: bool,
    nan_starts: Vec<i64>,
) -> Result<Expr> {
    if values.chunks().num_blocks() != 1 || nan_starts.len() != x.chunks().num_blocks() {
        return Err(Error::InvalidArgument {
            op: "unique_inverse".into(),
            reason: format!(
                "needs the values as one block and a NaN start per block of x ({}), got {} and {}",
                x.chunks().num_blocks(),
                values.chunks().num_blocks(),
                nan_starts.len()
            ),
        });
    }
    Ok(Expr::new(GeneralLayer::new(
        "unique_inverse",
        LayerKind::Other,
        x.chunks().clone(),
        DType::I64,
        vec![x.layer().clone(), values.layer().clone()],
        Arc::new(InverseTasks {
            grid: x.chunks().numblocks(),
            equal_nan,
            nan_starts,
        }),
    )))
}

/// Block `i` of the inverse reads block `i` of `x` and the one values block.
#[derive(Debug)]
struct InverseTasks {
    grid: Vec<usize>,
    equal_nan: bool,
    nan_starts: Vec<i64>,
}

impl BlockTasks for InverseTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let x = tessera_graph::input_name(inputs, 0)?;
        let values = tessera_graph::input_name(inputs, 1)?;
        // C-order number of the block, for its NaN start.
        let n = index
            .iter()
            .zip(&self.grid)
            .fold(0usize, |acc, (&i, &g)| acc * g + i);
        let kernel = UniqueInverse {
            equal_nan: self.equal_nan,
            nan_start: self.nan_starts.get(n).copied().unwrap_or(0),
        };
        Ok((
            Arc::new(kernel),
            vec![Key::new(x, index.to_vec()), Key::new(values, vec![0])],
        ))
    }
    crate::kernel::as_any!();
}

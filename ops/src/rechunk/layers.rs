//! Rechunking: a layer whose blocks are assembled from pieces of the input's blocks.

use std::sync::Arc;

use tessera_chunk_core::{old_to_new, plan_rechunk, rechunk_pieces, Chunks, DType};
use tessera_graph::{BlockTasks, GeneralLayer, Key, LayerKind, LayerRef};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::rechunk::assemble_kernel::{Assemble, Piece};

/// Builds the assemble task of each new block.
#[derive(Debug)]
struct RechunkTasks {
    old: Chunks,
    new: Chunks,
    dtype: DType,
}

impl BlockTasks for RechunkTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let input = tessera_graph::input_name(inputs, 0)?;
        let mut deps = Vec::new();
        let mut pieces = Vec::new();
        for p in rechunk_pieces(&self.old, &self.new, index)? {
            deps.push(Key::new(input.clone(), p.old_block));
            pieces.push(Piece {
                from: p.from,
                to: p.to,
            });
        }
        let kernel = Assemble {
            shape: self.new.block_shape(index)?,
            dtype: self.dtype,
            pieces,
        };
        Ok((Arc::new(kernel), deps))
    }
    crate::kernel::as_any!();
    fn is_rechunk(&self) -> bool {
        true
    }
}

/// Rechunk `x` to exactly `new` (same shape) as Dask plans it: one
/// `rechunk-merge` layer per stage of `plan_rechunk` (usually one), so no
/// task gathers more pieces than the plan allows.
pub fn rechunk_to(x: &Expr, new: Chunks) -> Result<Expr> {
    if new.shape() != x.shape() {
        return rechunk_stage(x, new);
    }
    let plan = plan_rechunk(x.chunks(), &new, x.dtype().itemsize().max(1), None, None)?;
    build_stages(x, plan)
}

/// Bytes the largest task of a direct rechunk from `old` to `new` holds at
/// once: the old blocks it reads whole and the new block it makes.
pub fn rechunk_footprint(old: &Chunks, new: &Chunks, itemsize: usize) -> Result<u64> {
    let (mut inputs, mut output) = (1u64, 1u64);
    for (ax, axis) in old_to_new(old, new)?.iter().enumerate() {
        let lengths = old.axis(ax);
        let widest = axis
            .iter()
            .map(|pieces| pieces.iter().map(|p| lengths[p.old] as u64).sum::<u64>())
            .max()
            .unwrap_or(0);
        inputs *= widest;
        output *= new.axis(ax).iter().copied().max().unwrap_or(0) as u64;
    }
    Ok((inputs + output) * itemsize as u64)
}

/// The largest task footprint over the stages of `plan`, starting from `old`.
fn plan_footprint(old: &Chunks, plan: &[Chunks], itemsize: usize) -> Result<u64> {
    let mut from = old;
    let mut most = 0;
    for stage in plan {
        most = most.max(rechunk_footprint(from, stage, itemsize)?);
        from = stage;
    }
    Ok(most)
}

/// Rechunk like [`rechunk_to`], but with stages small enough for a memory
/// budget: every task (the old blocks it reads and its new block) should take
/// at most a quarter of `memory_limit`, so several run at once and results
/// waiting for readers still fit.
///
/// Dask's plan is kept when it already does. Otherwise the old blocks are cut
/// at every boundary of either chunking and the pieces merged into the new
/// blocks: each old block is read once, each new block made once, and the
/// pieces waiting for their merge are spilled at most once by the scheduler
/// — the least data movement a plan can have when the array does not fit.
/// (Dask's multi-stage plans make tasks smaller, not traffic: within a budget
/// every intermediate stage would be spilled and read back once more.) Only
/// when that makes too many pieces, or tasks too big, is the intermediate
/// chunk-size limit halved until a plan fits or cannot shrink further (then
/// the smallest found is used, and the scheduler refuses the run if a task
/// still cannot fit).
pub fn rechunk_within(x: &Expr, new: Chunks, memory_limit: Option<u64>) -> Result<Expr> {
    let Some(limit) = memory_limit else {
        return rechunk_to(x, new);
    };
    if new.shape() != x.shape() {
        return rechunk_stage(x, new);
    }
    let itemsize = x.dtype().itemsize().max(1);
    let old = x.chunks();
    let mut best = plan_rechunk(old, &new, itemsize, None, None)?;
    let mut best_size = plan_footprint(old, &best, itemsize)?;
    let target = limit / 4;
    if best_size > target {
        let refined = refine(old, &new)?;
        if refined.num_blocks() <= MAX_PIECES {
            let plan = vec![refined, new.clone()];
            let size = plan_footprint(old, &plan, itemsize)?;
            if size <= limit {
                return build_stages(x, plan);
            }
        }
    }
    let mut block_limit = tessera_chunk_core::DEFAULT_CHUNK_LIMIT.min(target);
    while best_size > target && block_limit >= 1 << 20 {
        let plan = plan_rechunk(old, &new, itemsize, None, Some(block_limit))?;
        let size = plan_footprint(old, &plan, itemsize)?;
        if size < best_size {
            (best, best_size) = (plan, size);
        }
        block_limit /= 2;
    }
    if best_size > limit {
        // No merge plan fits at all (old blocks too big): cut them first (each piece
        // reads one old block), then merge the pieces. Cut at every new
        // boundary when that makes few enough pieces: each old block is then
        // read once and each new block made from its own pieces, in one pass.
        let refined = refine(old, &new)?;
        let candidate = if refined.num_blocks() <= MAX_PIECES {
            vec![refined, new.clone()]
        } else {
            let split = split_chunks(old, &new, itemsize, (limit / 16).max(1))?;
            let mut plan = vec![split.clone()];
            plan.extend(plan_rechunk(
                &split,
                &new,
                itemsize,
                None,
                Some(limit / 16),
            )?);
            plan
        };
        if plan_footprint(old, &candidate, itemsize)? < best_size {
            best = candidate;
        }
    }
    build_stages(x, best)
}

/// One `rechunk-merge` layer per stage, in order.
fn build_stages(x: &Expr, plan: Vec<Chunks>) -> Result<Expr> {
    let mut current = x.clone();
    for stage in plan {
        current = rechunk_stage(&current, stage)?;
    }
    Ok(current)
}

/// Pieces a budgeted rechunk may cut blocks into (tasks cost microseconds each).
const MAX_PIECES: usize = 100_000;

/// The common refinement of two chunkings: every boundary of either.
fn refine(old: &Chunks, new: &Chunks) -> Result<Chunks> {
    let axes = (0..old.ndim())
        .map(|ax| {
            let edges = |c: &Chunks| {
                c.axis(ax)
                    .iter()
                    .scan(0usize, |at, &len| {
                        *at += len;
                        Some(*at)
                    })
                    .collect::<Vec<_>>()
            };
            let mut all = edges(old);
            all.extend(edges(new));
            all.sort_unstable();
            all.dedup();
            let mut last = 0;
            all.into_iter()
                .map(|e| {
                    let len = e - last;
                    last = e;
                    len
                })
                .filter(|&len| len > 0)
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>();
    Ok(Chunks::new(axes)?)
}

/// `old` with its blocks cut, along the axes where `new` has smaller chunks
/// (never below them), until a block holds at most `target` bytes.
fn split_chunks(old: &Chunks, new: &Chunks, itemsize: usize, target: u64) -> Result<Chunks> {
    let widest = |c: &Chunks, ax: usize| c.axis(ax).iter().copied().max().unwrap_or(1).max(1);
    let floor: Vec<usize> = (0..old.ndim()).map(|ax| widest(new, ax)).collect();
    let mut piece: Vec<usize> = (0..old.ndim()).map(|ax| widest(old, ax)).collect();
    loop {
        let bytes: u64 = piece.iter().map(|&n| n as u64).product::<u64>() * itemsize as u64;
        // The axis furthest above its floor gives way first.
        let axis = (0..piece.len())
            .filter(|&ax| piece[ax] > floor[ax])
            .max_by_key(|&ax| piece[ax] / floor[ax]);
        match axis {
            Some(ax) if bytes > target => piece[ax] = (piece[ax] / 2).max(floor[ax]),
            _ => break,
        }
    }
    let axes = (0..old.ndim())
        .map(|ax| {
            old.axis(ax)
                .iter()
                .flat_map(|&len| {
                    let p = piece[ax].max(1);
                    (0..len.div_ceil(p)).map(move |k| p.min(len - k * p))
                })
                .collect()
        })
        .collect();
    Ok(Chunks::new(axes)?)
}

/// One stage: a layer whose blocks are assembled from pieces of the input's blocks.
fn rechunk_stage(x: &Expr, new: Chunks) -> Result<Expr> {
    if new.shape() != x.shape() {
        return Err(Error::ChunksDoNotMatch {
            op: "rechunk".into(),
            chunks_shape: new.shape(),
            shape: x.shape(),
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

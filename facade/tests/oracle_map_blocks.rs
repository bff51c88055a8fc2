//! `map_blocks` with `drop_axis` / `new_axis` / `chunks` against plain
//! ndarray on random shapes and chunkings, on every scheduler; a registered
//! kernel that travels to worker processes.

use std::sync::Arc;

use ndarray::{concatenate, ArrayD, Axis, IxDyn, Slice};
use proptest::prelude::*;
use tessera::{AdjustChunks, Array, Block, KernelError, MapBlocksOptions};

mod blockwise_kit;
mod common;

tessera::worker_test!();
use blockwise_kit::{check, f64_block};
use common::{chunked as array, chunking, small_ints as data};

/// Each block of `a` along `axis` followed by a copy of itself.
fn doubled(a: &ArrayD<f64>, axis: usize, chunks: &[usize]) -> ArrayD<f64> {
    let mut parts = Vec::new();
    let mut start = 0;
    for &c in chunks {
        let s = a.slice_axis(Axis(axis), Slice::from(start..start + c));
        parts.push(s.to_owned());
        parts.push(s.to_owned());
        start += c;
    }
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    concatenate(Axis(axis), &views).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn map_blocks_drop_axis_sums_whole_axes(
        (shape, chunks, pick, negative, seed) in prop::collection::vec(0usize..6, 1..4)
            .prop_flat_map(|s| (Just(s.clone()), chunking(s), any::<u64>(), any::<bool>(), any::<u64>())),
    ) {
        let nd = shape.len();
        // A non-empty subset of the axes, from the bits of `pick`.
        let mut dropped: Vec<usize> = (0..nd).filter(|k| pick >> k & 1 == 1).collect();
        if dropped.is_empty() {
            dropped.push(pick as usize % nd);
        }
        let d = data(&shape, seed);
        let x = array(&d, &chunks);
        let opts = MapBlocksOptions {
            drop_axis: dropped.iter().map(|&a| if negative { a as i64 - nd as i64 } else { a as i64 }).collect(),
            ..Default::default()
        };
        let drop = dropped.clone();
        let y = x.map_blocks_with(move |b| {
            let mut b = b.to_owned();
            for &a in drop.iter().rev() {
                b = b.sum_axis(Axis(a));
            }
            b
        }, &opts);
        let mut want = d.clone();
        for &a in dropped.iter().rev() {
            want = want.sum_axis(Axis(a));
        }
        let want_chunks: Vec<Vec<usize>> = (0..nd).filter(|a| !dropped.contains(a)).map(|a| chunks[a].clone()).collect();
        prop_assert_eq!(y.chunks().axes(), want_chunks.as_slice());
        check(&y, &want)?;
    }

    #[test]
    fn map_blocks_new_axis_gets_one_chunk(
        (shape, chunks, at, len, seed) in prop::collection::vec(0usize..6, 1..3)
            .prop_flat_map(|s| { let n = s.len(); (Just(s.clone()), chunking(s), 0..=n, prop::option::of(1usize..4), any::<u64>()) }),
    ) {
        let d = data(&shape, seed);
        let x = array(&d, &chunks);
        let mut out_chunks: Vec<AdjustChunks> = chunks.iter().map(|c| AdjustChunks::Blocks(c.clone())).collect();
        out_chunks.insert(at, AdjustChunks::Each(len.unwrap_or(1)));
        let opts = MapBlocksOptions {
            new_axis: Some(vec![at]),
            chunks: len.map(|_| out_chunks),
            ..Default::default()
        };
        let l = len.unwrap_or(1);
        let grow = move |b: ArrayD<f64>| {
            let b = b.insert_axis(Axis(at));
            let mut shape = b.shape().to_vec();
            shape[at] = l;
            b.broadcast(IxDyn(&shape)).unwrap().to_owned()
        };
        let y = x.map_blocks_with(move |b| grow(b.to_owned()), &opts);
        let mut want_chunks = chunks.clone();
        want_chunks.insert(at, vec![l]);
        prop_assert_eq!(y.chunks().axes(), want_chunks.as_slice());
        check(&y, &grow(d))?;
    }

    #[test]
    fn map_blocks_output_chunks_follow_the_kernel(
        (shape, chunks, axis, seed) in prop::collection::vec(1usize..6, 1..3)
            .prop_flat_map(|s| { let n = s.len(); (Just(s.clone()), chunking(s), 0..n, any::<u64>()) }),
    ) {
        let d = data(&shape, seed);
        let x = array(&d, &chunks);
        let mut spec: Vec<AdjustChunks> = chunks.iter().map(|c| AdjustChunks::Blocks(c.clone())).collect();
        spec[axis] = AdjustChunks::Map(Arc::new(|c| 2 * c));
        let opts = MapBlocksOptions { chunks: Some(spec), ..Default::default() };
        let y = x.map_blocks_with(move |b| {
            concatenate(Axis(axis), &[b.view(), b.view()]).unwrap()
        }, &opts);
        let want_axis: Vec<usize> = chunks[axis].iter().map(|c| 2 * c).collect();
        prop_assert_eq!(y.chunks().axis(axis), want_axis.as_slice());
        check(&y, &doubled(&d, axis, &chunks[axis]))?;
    }

}

/// A user kernel that travels: row sums of a block (`map_blocks(..., drop_axis=1)`).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct RowSums {
    scale: f64,
}

impl tessera::Kernel for RowSums {
    fn id(&self) -> &str {
        "test.row_sums"
    }
    fn params(&self) -> tessera::Params {
        tessera::Params::Json(serde_json::to_string(self).unwrap())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let b = f64_block(&inputs[0])?;
        Ok(Block::from_array(
            b.sum_axis(Axis(1)).mapv(|v| v * self.scale),
        ))
    }
}

#[test]
fn registered_kernels_travel() {
    tessera_ops::registry::register_kernel::<RowSums>("test.row_sums");
    // A generated source: from_array's literal blocks stay in-process by design.
    let x = tessera::random::random([7, 9], [3, 4], 3);
    let d = x.compute().unwrap();
    let opts = MapBlocksOptions {
        drop_axis: vec![1],
        ..Default::default()
    };
    let y: Array<f64> = x.map_blocks_kernel_with(Arc::new(RowSums { scale: 2.0 }), &opts);
    let e = tessera::einsum::<f64>("i,i->", &[&y, &y]);
    let rows = d.sum_axis(Axis(1)).mapv(|v| v * 2.0);
    let want = rows.mapv(|v| v * v).sum();
    assert!((e.compute_scalar().unwrap() - want).abs() < 1e-12 * want);
    // Every task's kernel survives (id, params) and back.
    for z in [&y, &e] {
        let g = z.task_graph().unwrap();
        let (direct, travelled) = common::run_travelled(&g);
        assert_eq!(direct, travelled);
    }
}

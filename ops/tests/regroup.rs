//! Source regrouping: rechunks and transposes of random and constant arrays
//! are made directly (snapshots before and after), with the same values as
//! the unoptimised graph for random chunkings, permutations and indices.

use proptest::prelude::*;
use tessera_chunk_core::{Chunks, DType, IndexItem};
use tessera_graph::passes::{optimize, render, Pass, RegroupSources};
use tessera_graph::TaskGraph;
use tessera_ops::{creation, elementwise, random, rechunk, reshape, slicing};
use tessera_ops::{BinaryOp, Distribution, Expr, Scalar};
use tessera_schedulers::{RunOptions, Scheduler, Synchronous};

fn uniform(shape: &[usize], chunk: &[usize], seed: u64) -> Expr {
    let chunks = Chunks::regular(shape, chunk).unwrap();
    let dist = Distribution::Uniform {
        low: 0.0,
        high: 1.0,
    };
    random::random(chunks, dist, seed, "uniform").unwrap()
}

fn run(layer: &tessera_graph::LayerRef) -> Vec<tessera_chunk_core::Block> {
    Synchronous
        .run(
            &TaskGraph::from_layer(layer).unwrap(),
            &RunOptions::default(),
        )
        .unwrap()
}

#[test]
fn a_transpose_and_a_rechunk_of_random_data_are_drawn_directly() {
    let x = uniform(&[60, 40], &[25, 15], 3);
    let t = reshape::transpose(&x, None).unwrap();
    let r = rechunk::rechunk_to(&t, Chunks::regular(&[40, 60], &[40, 7]).unwrap()).unwrap();
    let y = elementwise::binary(BinaryOp::Add, &r, &r).unwrap();
    insta::assert_snapshot!("transpose_rechunk_before", render(y.layer()));
    let regrouped = RegroupSources.run(y.layer().clone()).unwrap();
    insta::assert_snapshot!("transpose_rechunk_after", render(&regrouped));
    assert_eq!(regrouped.name(), y.layer().name());
    assert_eq!(run(y.layer()), run(&regrouped));
}

#[test]
fn a_rechunked_constant_is_a_constant_with_the_new_chunks() {
    let chunks = Chunks::regular(&[30, 20], &[7, 20]).unwrap();
    let x = creation::full(chunks, DType::I16, Scalar::Int(-4), "full_like").unwrap();
    let r = rechunk::rechunk_to(&x, Chunks::regular(&[30, 20], &[30, 3]).unwrap()).unwrap();
    let regrouped = RegroupSources.run(r.layer().clone()).unwrap();
    assert_eq!(tessera_graph::layer_count(&regrouped), 1);
    assert_eq!(run(r.layer()), run(&regrouped));
}

/// An index from `pick`: per axis an integer, a slice with a step, or a new axis before it.
fn index_from(shape: &[usize], pick: &[usize]) -> Vec<IndexItem> {
    let mut index = Vec::new();
    for (&d, &p) in shape.iter().zip(pick) {
        let n = d as i64;
        match p % 5 {
            0 => index.push(IndexItem::Int((p as i64 % n) - (p as i64 % 2) * n)),
            1 => {
                index.push(IndexItem::NewAxis);
                index.push(IndexItem::full());
            }
            _ => {
                let (a, b) = ((p as i64 % (n + 1)) - 1, n - (p as i64 % 3));
                let step = [1i64, 2, -1, -3][p % 4];
                index.push(IndexItem::slice(Some(a.max(0)), Some(b), Some(step)));
            }
        }
    }
    index
}

proptest! {
    #[test]
    fn regrouped_and_sliced_sources_compute_the_same(
        shape in prop::collection::vec(1usize..8, 1..4),
        chunk in 1usize..4,
        rechunk_to in 1usize..5,
        seed in 0u64..1000,
        rotate in 0usize..3,
        pick in prop::collection::vec(0usize..100, 3),
    ) {
        let x = uniform(&shape, &vec![chunk; shape.len()], seed);
        let mut perm: Vec<i64> = (0..shape.len() as i64).collect();
        perm.rotate_left(rotate % shape.len());
        let t = reshape::transpose(&x, Some(&perm)).unwrap();
        let new = Chunks::regular(&t.shape(), &vec![rechunk_to; shape.len()]).unwrap();
        let r = rechunk::rechunk_to(&t, new).unwrap();
        let sl = slicing::getitem(&r, &index_from(&r.shape(), &pick)).unwrap();
        let optimized = optimize(sl.layer()).unwrap();
        prop_assert_eq!(run(sl.layer()), run(&optimized));
    }
}

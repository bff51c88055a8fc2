//! Slice pushdown: graphs before and after (snapshots), the same values with
//! fewer elements made, for random slices of random arrays.

use proptest::prelude::*;
use tessera_chunk_core::{s, Chunks, DType, IndexItem};
use tessera_graph::passes::{optimize, render, Pass, PushdownSlices};
use tessera_graph::TaskGraph;
use tessera_ops::{
    creation, elementwise, random, slicing, BinaryOp, Distribution, Expr, Scalar, UnaryOp,
};
use tessera_schedulers::{RunOptions, Scheduler, Synchronous};

fn normal(shape: &[usize], chunk: &[usize]) -> Expr {
    random::random(
        Chunks::regular(shape, chunk).unwrap(),
        Distribution::Normal {
            loc: 0.0,
            scale: 1.0,
        },
        5,
        "normal",
    )
    .unwrap()
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
fn a_slice_of_an_elementwise_chain_moves_into_the_random_source() {
    let x = normal(&[1000, 1000], &[100, 100]);
    let y = elementwise::unary(UnaryOp::Sin, &x).unwrap();
    let z = elementwise::binary_scalar(BinaryOp::Mul, &y, Scalar::Float(2.0), false).unwrap();
    let sl = slicing::getitem(&z, &s![10..20, IndexItem::step(.., 100)]).unwrap();
    insta::assert_snapshot!("chain_before", render(sl.layer()));
    let pushed = PushdownSlices.run(sl.layer().clone()).unwrap();
    insta::assert_snapshot!("chain_after", render(&pushed));
    assert_eq!(pushed.name(), sl.layer().name());
    // Same values; the sliced graph generates 10 x 10 values instead of whole blocks.
    assert_eq!(run(sl.layer()), run(&pushed));
    let optimized = optimize(sl.layer()).unwrap();
    assert_eq!(run(sl.layer()), run(&optimized));
}

#[test]
fn slices_of_constants_become_smaller_constants() {
    let x = creation::full(
        Chunks::regular(&[50, 40], &[7, 9]).unwrap(),
        DType::I32,
        Scalar::Int(3),
        "full_like",
    )
    .unwrap();
    let sl = slicing::getitem(&x, &s![4, 3..30]).unwrap();
    let pushed = PushdownSlices.run(sl.layer().clone()).unwrap();
    assert_eq!(tessera_graph::layer_count(&pushed), 1);
    assert_eq!(run(sl.layer()), run(&pushed));
}

proptest! {
    #[test]
    fn pushed_down_slices_compute_the_same(
        shape in prop::collection::vec(1usize..9, 1..4),
        chunk in 1usize..4,
        seed in 0u64..1000,
        pick in prop::collection::vec(0usize..100, 3),
    ) {
        let chunks = Chunks::regular(&shape, &vec![chunk; shape.len()]).unwrap();
        let x = random::random(chunks.clone(), Distribution::Uniform { low: 0.0, high: 1.0 }, seed, "uniform").unwrap();
        let one = creation::full(chunks, DType::F64, Scalar::Float(1.0), "ones_like").unwrap();
        let y = elementwise::binary(BinaryOp::Add, &x, &one).unwrap();
        // A deterministic index from `pick`: a slice per axis.
        let index: Vec<IndexItem> = shape.iter().zip(&pick).map(|(&d, &p)| {
            let n = d as i64;
            let (a, b) = ((p as i64 % (n + 1)) - 1, n - (p as i64 % 3));
            let step = [1i64, 2, -1, -2][p % 4];
            IndexItem::slice(Some(a.max(0)), Some(b), Some(step))
        }).collect();
        let sl = slicing::getitem(&y, &index).unwrap();
        let optimized = optimize(sl.layer()).unwrap();
        prop_assert_eq!(run(sl.layer()), run(&optimized));
    }
}

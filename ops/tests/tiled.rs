//! Fused chains ending in a reduction run tile by tile once sources are
//! inlined: the same values as the unoptimised graph (up to summation order)
//! for random shapes, chunkings, distributions, chains and reduced axes, on
//! blocks larger than one tile.

use proptest::prelude::*;
use tessera_chunk_core::{Block, Chunks, DType};
use tessera_graph::passes::optimize;
use tessera_graph::{inline_sources, LayerRef, TaskGraph};
use tessera_ops::{creation, elementwise, random, reduction, reshape};
use tessera_ops::{BinaryOp, Distribution, Expr, ReduceOp, ReduceOptions, Scalar, UnaryOp};
use tessera_schedulers::{RunOptions, Scheduler, Synchronous, Threaded};

fn as_f64(b: &Block) -> Vec<f64> {
    match b {
        Block::F64(a) => a.iter().copied().collect(),
        Block::I64(a) => a.iter().map(|&v| v as f64).collect(),
        Block::Bool(a) => a.iter().map(|&v| f64::from(u8::from(v))).collect(),
        other => panic!("unexpected block dtype {}", other.dtype()),
    }
}

fn raw(layer: &LayerRef) -> Vec<Vec<f64>> {
    let g = TaskGraph::from_layer(layer).unwrap();
    Synchronous
        .run(&g, &RunOptions::default())
        .unwrap()
        .iter()
        .map(as_f64)
        .collect()
}

fn inlined(layer: &LayerRef, s: &dyn Scheduler) -> (Vec<Vec<f64>>, usize) {
    let g = inline_sources(TaskGraph::from_layer(&optimize(layer).unwrap()).unwrap()).unwrap();
    let n = g.len();
    (
        s.run(&g, &RunOptions::default())
            .unwrap()
            .iter()
            .map(as_f64)
            .collect(),
        n,
    )
}

fn close(a: &[Vec<f64>], b: &[Vec<f64>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len()
                && x.iter().zip(y).all(|(p, q)| {
                    (p.is_nan() && q.is_nan())
                        || p == q
                        || (p - q).abs() <= 1e-9 * (1.0 + p.abs().max(q.abs()))
                })
        })
}

fn chain(x: &Expr, pick: usize, seed: u64) -> Expr {
    let t = |e: tessera_ops::Result<Expr>| e.unwrap();
    match pick {
        0 => x.clone(),
        1 => t(elementwise::binary_scalar(
            BinaryOp::Sub,
            &t(elementwise::binary_scalar(
                BinaryOp::Mul,
                x,
                Scalar::Float(2.0),
                false,
            )),
            Scalar::Float(1.0),
            false,
        )),
        2 => {
            // A second source of the same chunks, read alongside.
            let other = random::random(
                x.chunks().clone(),
                Distribution::Normal {
                    loc: 1.0,
                    scale: 2.0,
                },
                seed ^ 1,
                "normal",
            )
            .unwrap();
            t(elementwise::binary(BinaryOp::Add, x, &other))
        }
        _ => {
            let ones = creation::full(
                x.chunks().clone(),
                DType::F64,
                Scalar::Float(1.0),
                "ones_like",
            )
            .unwrap();
            t(elementwise::binary(
                BinaryOp::Mul,
                &t(elementwise::unary(UnaryOp::Abs, x)),
                &ones,
            ))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn tiled_reductions_match_the_unoptimised_graph(
        shape in prop::collection::vec(1usize..260, 2..4),
        splits in prop::collection::vec(1usize..3, 3),
        dist_pick in 0usize..3,
        chain_pick in 0usize..4,
        op_pick in 0usize..8,
        axis_mask in 1u8..8,
        transpose in any::<bool>(),
        seed in 0u64..1000,
    ) {
        let chunk: Vec<usize> = shape.iter().zip(&splits).map(|(&d, &s)| d.div_ceil(s)).collect();
        // A product of many integers overflows, and with an exact zero among
        // them its value depends on the order (0 or inf * 0 = NaN): products
        // take continuous data, which has no exact zeros.
        let dist_pick = if op_pick == 7 { 0 } else { dist_pick };
        let dist = [
            Distribution::Uniform { low: -1.0, high: 1.0 },
            Distribution::Normal { loc: 10.0, scale: 0.1 },
            Distribution::Integers { low: -5, high: 50 },
        ][dist_pick];
        let x = random::random(Chunks::regular(&shape, &chunk).unwrap(), dist, seed, "random").unwrap();
        let x = if transpose { reshape::transpose(&x, None).unwrap() } else { x };
        let x = if dist_pick == 2 { elementwise::astype(&x, DType::F64).unwrap() } else { x };
        let y = chain(&x, chain_pick, seed);
        let op = [ReduceOp::Sum, ReduceOp::Mean, ReduceOp::Var { ddof: 0 }, ReduceOp::Std { ddof: 1 }, ReduceOp::Min, ReduceOp::Max, ReduceOp::Any, ReduceOp::Prod][op_pick];
        let axes: Vec<i64> = (0..shape.len() as i64).filter(|a| axis_mask & (1 << a) != 0).collect();
        let opts = ReduceOptions { axes: Some(axes), keepdims: false, split_every: None };
        let r = reduction::reduce(&y, op, &opts).unwrap();
        let want = raw(r.layer());
        for s in [&Synchronous as &dyn Scheduler, &Threaded::default()] {
            let (got, _) = inlined(r.layer(), s);
            prop_assert!(close(&got, &want), "{op:?} over {shape:?} chunks {chunk:?}: got {got:?} want {want:?}");
        }
    }
}

#[test]
fn a_fused_random_reduction_is_one_task_per_block() {
    let chunks = Chunks::regular(&[400, 300], &[200, 150]).unwrap();
    let dist = Distribution::Uniform {
        low: 0.0,
        high: 1.0,
    };
    let x = random::random(chunks, dist, 7, "uniform").unwrap();
    let y = chain(&x, 1, 7);
    let opts = ReduceOptions {
        axes: None,
        keepdims: false,
        split_every: None,
    };
    let r = reduction::reduce(&y, ReduceOp::Std { ddof: 0 }, &opts).unwrap();
    let (got, tasks) = inlined(r.layer(), &Synchronous);
    // Four fused chunk tasks (random, *2, -1, moments) and the aggregate.
    assert_eq!(tasks, 5);
    assert!(close(&got, &raw(r.layer())));
}

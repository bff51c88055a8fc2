//! The layer graphs of a contraction and of `map_overlap`, before and after
//! optimisation (snapshots); their kernels survive a trip through the registry.

use std::sync::Arc;

use tessera_chunk_core::{Block, Chunks, DType};
use tessera_graph::passes::{optimize, render};
use tessera_graph::{inline_sources, ClosureKernel, KernelRef, TaskGraph};
use tessera_ops::linalg::{matmul, tensordot, TensorAxes};
use tessera_ops::overlap::{map_overlap, Boundary};
use tessera_ops::{random, reduction, reshape, Distribution, Expr, ReduceOp, ReduceOptions};
use tessera_schedulers::{RunOptions, Scheduler, Synchronous};

fn uniform(shape: &[usize], chunk: &[usize]) -> Expr {
    let dist = Distribution::Uniform {
        low: 0.0,
        high: 1.0,
    };
    random::random(
        Chunks::regular(shape, chunk).unwrap(),
        dist,
        42,
        "random_sample",
    )
    .unwrap()
}

fn w6(n: usize, c: usize) -> Expr {
    let x = uniform(&[n, n], &[c, c]);
    let xt = reshape::transpose(&x, None).unwrap();
    let p = matmul(&x, &xt).unwrap();
    reduction::reduce(&p, ReduceOp::Sum, &ReduceOptions::default()).unwrap()
}

#[test]
fn matmul_sum_layers_before_and_after_optimisation() {
    let s = w6(12, 2);
    insta::assert_snapshot!("matmul_sum_before", render(s.layer()));
    insta::assert_snapshot!("matmul_sum_after", render(&optimize(s.layer()).unwrap()));
}

#[test]
fn map_overlap_layers_before_and_after_optimisation() {
    let x = uniform(&[8, 8], &[4, 4]);
    let f: KernelRef = Arc::new(ClosureKernel::new(
        "copy",
        Arc::new(|b: &[Block]| Ok(b[0].clone())),
    ));
    let y = map_overlap(
        &x,
        f,
        &1.into(),
        &Boundary::Reflect.into(),
        DType::F64,
        "mean3x3",
    )
    .unwrap();
    let s = reduction::reduce(&y, ReduceOp::Sum, &ReduceOptions::default()).unwrap();
    insta::assert_snapshot!("map_overlap_before", render(s.layer()));
    insta::assert_snapshot!("map_overlap_after", render(&optimize(s.layer()).unwrap()));
}

#[test]
fn contraction_and_overlap_kernels_survive_a_round_trip() {
    let a = uniform(&[6, 9, 4], &[4, 2, 3]);
    let b = uniform(&[9, 5, 6], &[3, 5, 2]);
    let t = tensordot(&a, &b, &TensorAxes::Pairs(vec![1, 0], vec![0, 2]), Some(2)).unwrap();
    let o = tessera_ops::overlap::overlap(
        &t,
        &vec![2, 1].into(),
        &vec![Boundary::Periodic, Boundary::constant(3i64)].into(),
    )
    .unwrap();
    for layer in [t.layer(), o.layer()] {
        let g = inline_sources(TaskGraph::from_layer(&optimize(layer).unwrap()).unwrap()).unwrap();
        let mut travelled = g.clone();
        for task in &mut travelled.tasks {
            task.kernel = tessera_ops::registry::round_trip(&task.kernel).unwrap();
        }
        assert_eq!(
            Synchronous.run(&g, &RunOptions::default()).unwrap(),
            Synchronous.run(&travelled, &RunOptions::default()).unwrap()
        );
    }
}

//! The static order keeps few blocks alive on reduction graphs, and the
//! reductions built by ops run on both schedulers.

use tessera_chunk_core::{Chunks, DType};
use tessera_graph::{order, peak_live, TaskGraph};
use tessera_ops::{creation, reduction, ReduceOp, ReduceOptions, Scalar};
use tessera_schedulers::{RunOptions, Scheduler, Synchronous, Threaded};

fn ones(shape: &[usize], chunk: &[usize]) -> tessera_ops::Expr {
    creation::full(
        Chunks::regular(shape, chunk).unwrap(),
        DType::F64,
        Scalar::Int(1),
        "ones_like",
    )
    .unwrap()
}

#[test]
fn sum_of_many_blocks_holds_few_at_once() {
    let x = ones(&[1000], &[1]);
    let s = reduction::reduce(&x, ReduceOp::Sum, &ReduceOptions::default()).unwrap();
    let g = TaskGraph::from_layer(s.layer()).unwrap();
    assert_eq!(g.len(), 1000 + 1000 + 250 + 63 + 16 + 4 + 1);
    let prio = order(&g);
    let peak = peak_live(&g, &prio);
    // Depth-first: at most fan-in (4) results per tree level (5 levels) plus the one running.
    assert!(peak <= 4 * 6, "peak live blocks {peak}");
    // A breadth-first order (all inputs first) would hold every leaf.
    let bfs: Vec<u32> = (0..g.len() as u32).collect();
    assert!(peak_live(&g, &bfs) >= 1000);
}

#[test]
fn mean_over_axis_of_a_grid_holds_few_blocks() {
    // The seed's pattern: mean over axis 0 of a 10 x 10 grid of blocks.
    let x = ones(&[100, 100], &[10, 10]);
    let opts = ReduceOptions {
        axes: Some(vec![0]),
        ..ReduceOptions::default()
    };
    let m = reduction::reduce(&x, ReduceOp::Mean, &opts).unwrap();
    assert_eq!(
        m.layer_count(),
        4,
        "normal, mean_chunk, mean_combine-partial, mean_agg-aggregate"
    );
    let g = TaskGraph::from_layer(m.layer()).unwrap();
    let peak = peak_live(&g, &order(&g));
    assert!(peak <= 30, "peak live blocks {peak} of {} tasks", g.len());
    for s in [&Synchronous as &dyn Scheduler, &Threaded::new(2)] {
        let out = s.run(&g, &RunOptions::default()).unwrap();
        assert_eq!(out.len(), 10);
        for b in out {
            assert!(b.as_array::<f64>().unwrap().iter().all(|&v| v == 1.0));
        }
    }
}

#[test]
fn reduction_layers_match_dask() {
    // Layer counts from Dask's repr fixtures: sum of a 10x10 grid is 6 layers,
    // sum over axis 0 is 4, over a 2-block axis 3.
    let x = ones(&[100, 100], &[10, 10]);
    let all = reduction::reduce(&x, ReduceOp::Sum, &ReduceOptions::default()).unwrap();
    assert_eq!(all.layer_count(), 6);
    assert_eq!(all.label(), "sum-aggregate");
    let ax0 = reduction::reduce(
        &x,
        ReduceOp::Sum,
        &ReduceOptions {
            axes: Some(vec![0]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ax0.layer_count(), 4);
    assert_eq!(ax0.chunks().axes(), &[vec![10; 10]]);
    let y = ones(&[100, 100], &[10, 50]);
    let last = reduction::reduce(
        &y,
        ReduceOp::Sum,
        &ReduceOptions {
            axes: Some(vec![-1]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(last.layer_count(), 3);
    let keep = reduction::reduce(
        &y,
        ReduceOp::Sum,
        &ReduceOptions {
            axes: Some(vec![-1]),
            keepdims: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(keep.chunks().axes(), &[vec![10; 10], vec![1]]);
}

#[test]
fn variance_keeps_its_digits() {
    // normal(10, 0.1)-like data: a large mean and a small spread. Chan's merge
    // of per-block moments gives the spread to 1e-6, where sum-of-squares would not.
    let data = ndarray::Array1::from_shape_fn(1_000_000, |i| 1e6 + 0.1 * ((i % 7) as f64 - 3.0))
        .into_dyn();
    let x = tessera_ops::from_array::from_array(
        data.clone(),
        Chunks::regular(&[1_000_000], &[30_000]).unwrap(),
    )
    .unwrap();
    let s = reduction::reduce(&x, ReduceOp::Std { ddof: 0 }, &ReduceOptions::default()).unwrap();
    let g = TaskGraph::from_layer(s.layer()).unwrap();
    let out = Threaded::new(2).run(&g, &RunOptions::default()).unwrap();
    let got = out[0]
        .as_array::<f64>()
        .unwrap()
        .iter()
        .copied()
        .next()
        .unwrap();
    let mean = data.mean().unwrap();
    let want = (data.mapv(|v| (v - mean).powi(2)).sum() / data.len() as f64).sqrt();
    assert!((got - want).abs() < 1e-9, "std {got} vs {want}");
}

#[test]
fn every_builtin_kernel_survives_a_round_trip() {
    // Build a graph using most kernels, send every task's kernel through
    // (id, params) and back, and check the results are unchanged.
    let x = tessera_ops::random::random(
        Chunks::regular(&[6, 5], &[4, 2]).unwrap(),
        tessera_ops::Distribution::Normal {
            loc: 1.0,
            scale: 2.0,
        },
        3,
        "normal",
    )
    .unwrap();
    let y = tessera_ops::reshape::transpose(&x, None).unwrap();
    let z = tessera_ops::elementwise::binary_scalar(
        tessera_ops::BinaryOp::Mul,
        &y,
        Scalar::Float(2.0),
        false,
    )
    .unwrap();
    let r =
        tessera_ops::rechunk::rechunk_to(&z, Chunks::regular(&[5, 6], &[5, 3]).unwrap()).unwrap();
    let s = reduction::reduce(&r, ReduceOp::Var { ddof: 1 }, &ReduceOptions::default()).unwrap();
    let g = TaskGraph::from_layer(s.layer()).unwrap();
    let mut travelled = g.clone();
    for t in &mut travelled.tasks {
        t.kernel = tessera_ops::registry::round_trip(&t.kernel).unwrap();
    }
    assert_eq!(
        Synchronous.run(&g, &RunOptions::default()).unwrap(),
        Synchronous.run(&travelled, &RunOptions::default()).unwrap()
    );
}

#[test]
fn fused_kernels_survive_a_round_trip() {
    let x = ones(&[8, 8], &[4, 4]);
    let a = tessera_ops::elementwise::unary(tessera_ops::UnaryOp::Sin, &x).unwrap();
    let b = tessera_ops::elementwise::binary(tessera_ops::BinaryOp::Mul, &a, &a).unwrap();
    let c = tessera_ops::elementwise::binary_scalar(
        tessera_ops::BinaryOp::Sub,
        &b,
        Scalar::Float(1.0),
        false,
    )
    .unwrap();
    let fused = tessera_graph::passes::optimize(c.layer()).unwrap();
    let g = TaskGraph::from_layer(&fused).unwrap();
    assert_eq!(g.len(), 4 + 4, "one creation and one fused task per block");
    let mut travelled = g.clone();
    for t in &mut travelled.tasks {
        t.kernel = tessera_ops::registry::round_trip(&t.kernel).unwrap();
    }
    assert_eq!(
        Synchronous.run(&g, &RunOptions::default()).unwrap(),
        Synchronous.run(&travelled, &RunOptions::default()).unwrap()
    );
}

//! Per-task scheduler overhead: `ones(N, chunks=1).sum()` (the W3 workload)
//! on the sync, threaded and processes (2 workers) schedulers.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use tessera_chunk_core::{Chunks, DType};
use tessera_graph::TaskGraph;
use tessera_ops::{creation, reduction, ReduceOp, ReduceOptions, Scalar};
use tessera_schedulers::multiprocess::serve_if_worker;
use tessera_schedulers::{Multiprocess, RunOptions, Scheduler, Synchronous, Threaded};

fn ones_sum_graph(n: usize) -> TaskGraph {
    let x = creation::full(
        Chunks::regular(&[n], &[1]).unwrap(),
        DType::F64,
        Scalar::Int(1),
        "ones_like",
    )
    .unwrap();
    let s = reduction::reduce(&x, ReduceOp::Sum, &ReduceOptions::default()).unwrap();
    TaskGraph::from_layer(s.layer()).unwrap()
}

fn overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("per_task_overhead");
    let n = 5000;
    let tasks = ones_sum_graph(n).len() as u64;
    group.throughput(Throughput::Elements(tasks));
    let schedulers: Vec<(&str, Box<dyn Scheduler>)> = vec![
        ("sync", Box::new(Synchronous)),
        ("threads", Box::new(Threaded::default())),
        ("processes", Box::new(Multiprocess::new(2))),
    ];
    for (name, s) in &schedulers {
        group.bench_with_input(BenchmarkId::new("run", name), &n, |b, &n| {
            let g = ones_sum_graph(n);
            b.iter(|| s.run(&g, &RunOptions::default()).unwrap());
        });
        group.bench_with_input(BenchmarkId::new("build_and_run", name), &n, |b, &n| {
            b.iter(|| s.run(&ones_sum_graph(n), &RunOptions::default()).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, overhead);

/// criterion's main, after turning this process into a worker when the
/// processes scheduler started it as one (workers re-run the bench binary).
fn main() {
    serve_if_worker(tessera_ops::registry::rebuild_kernel);
    benches();
    Criterion::default().configure_from_args().final_summary();
}

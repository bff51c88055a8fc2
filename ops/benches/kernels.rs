//! Chunk kernels: random generation (numbers per second), reductions (bytes per
//! second, to compare with memcpy on the same machine), the fused chain.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::Block;
use tessera_graph::Kernel;
use tessera_ops::kernels::random::{Distribution, RandomBlock};
use tessera_ops::kernels::reduce::{ReduceChunk, ReduceOp};

const N: usize = 1 << 20;

fn random_kernel(dist: Distribution) -> RandomBlock {
    RandomBlock {
        dist,
        seed: 42,
        origin: 0,
        block: vec![1024, 1024],
        steps: vec![1024, 1],
    }
}

fn kernels(c: &mut Criterion) {
    let mut g = c.benchmark_group("kernels");
    g.throughput(Throughput::Elements(N as u64));
    let uniform = random_kernel(Distribution::Uniform {
        low: 0.0,
        high: 1.0,
    });
    g.bench_function("random_uniform_1M", |b| {
        b.iter(|| uniform.run(&[]).unwrap())
    });
    let normal = random_kernel(Distribution::Normal {
        loc: 10.0,
        scale: 0.1,
    });
    g.bench_function("random_normal_1M", |b| b.iter(|| normal.run(&[]).unwrap()));
    g.throughput(Throughput::Bytes((N * 8) as u64));
    let data = Block::from_array(ArrayD::from_elem(IxDyn(&[1024, 1024]), 1.5f64));
    let sum_all = ReduceChunk {
        op: ReduceOp::Sum,
        axes: vec![0, 1],
    };
    g.bench_function("sum_all_8MiB", |b| {
        b.iter(|| sum_all.run(std::slice::from_ref(&data)).unwrap())
    });
    let mean0 = ReduceChunk {
        op: ReduceOp::Mean,
        axes: vec![0],
    };
    g.bench_function("mean_axis0_8MiB", |b| {
        b.iter(|| mean0.run(std::slice::from_ref(&data)).unwrap())
    });
    let src = vec![1.5f64; N];
    g.bench_function("memcpy_8MiB", |b| b.iter(|| src.clone()));
    g.finish();
}

criterion_group!(benches, kernels);
criterion_main!(benches);

//! Copies of materialised blocks: a rechunk's assembly of pieces, in bytes
//! per second beside memcpy on the same machine (issue: copies at memory speed).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{Block, DType};
use tessera_graph::Kernel;
use tessera_ops::kernels::assemble::{Assemble, Piece};

/// Four blocks of `shape`, with distinct values.
fn blocks(shape: &[usize]) -> Vec<Block> {
    (0..4)
        .map(|k| Block::from_array(ArrayD::from_elem(IxDyn(shape), k as f64)))
        .collect()
}

/// Assemble an output of `out` from four inputs, piece `k` taking `from(k)`
/// of input `k` into `to(k)` of the output.
fn assemble(
    out: [usize; 3],
    from: impl Fn(usize) -> [std::ops::Range<usize>; 3],
    to: impl Fn(usize) -> [std::ops::Range<usize>; 3],
) -> Assemble {
    Assemble {
        shape: out.to_vec(),
        dtype: DType::F64,
        pieces: (0..4)
            .map(|k| Piece {
                from: from(k).to_vec(),
                to: to(k).to_vec(),
            })
            .collect(),
    }
}

fn copies(c: &mut Criterion) {
    let mut g = c.benchmark_group("copies");
    // Every output below is 64 × 128 × 128 float64 = 8 MiB.
    g.throughput(Throughput::Bytes(8 << 20));
    // Rows to rows: each piece is a whole input, one contiguous run.
    let rows = blocks(&[16, 128, 128]);
    let whole = assemble(
        [64, 128, 128],
        |_| [0..16, 0..128, 0..128],
        |k| [16 * k..16 * (k + 1), 0..128, 0..128],
    );
    g.bench_function("assemble_contiguous_8MiB", |b| {
        b.iter(|| whole.run(&rows).unwrap())
    });
    // Columns to rows: each piece is 16 × 128 runs of 32 elements.
    let cols = blocks(&[64, 128, 32]);
    let to_rows = assemble(
        [64, 128, 128],
        |_| [0..64, 0..128, 0..32],
        |k| [0..64, 0..128, 32 * k..32 * (k + 1)],
    );
    g.bench_function("assemble_columns_to_rows_8MiB", |b| {
        b.iter(|| to_rows.run(&cols).unwrap())
    });
    // Rows to columns: runs of 32 elements out of rows of 128.
    let big_rows = blocks(&[64, 128, 128]);
    let to_cols = assemble(
        [256, 128, 32],
        |_| [0..64, 0..128, 0..32],
        |k| [64 * k..64 * (k + 1), 0..128, 0..32],
    );
    g.bench_function("assemble_rows_to_columns_8MiB", |b| {
        b.iter(|| to_cols.run(&big_rows).unwrap())
    });
    let src = vec![1.5f64; 1 << 20];
    g.bench_function("memcpy_8MiB", |b| b.iter(|| src.clone()));
    g.finish();
}

criterion_group!(benches, copies);
criterion_main!(benches);

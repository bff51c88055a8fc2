//! Chunk decode: reading one 8 MiB float64 chunk from a Zarr store (zstd as
//! zarr-python writes it, and uncompressed), next to an 8 MiB memcpy on the
//! same machine, so the decode cost reads as a ratio to the copy limit.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{Block, Chunks, DType};
use tessera_storage::{ArrayMetadata, ChunkRead, ChunkWrite, Compression, WriteOptions, ZarrStore};

/// The allocator tessera's binaries use: chunk buffers are reused, not mapped afresh.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SIDE: usize = 1024;

/// Normal-looking float64 values (a cheap deterministic generator): about as
/// compressible as the workloads' random data.
fn noisy_chunk() -> Block {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let values = ArrayD::from_shape_simple_fn(IxDyn(&[SIDE, SIDE]), || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        10.0 + (state >> 11) as f64 / (1u64 << 53) as f64 * 0.1
    });
    Block::from_array(values)
}

/// A store in a temporary directory holding `block` as array `"x"`.
fn store_with(dir: &std::path::Path, compression: Compression, block: &Block) -> ZarrStore {
    let options = WriteOptions {
        compression,
        ..WriteOptions::default()
    };
    let store = ZarrStore::create_with(dir, options).expect("create the store");
    let meta = ArrayMetadata {
        chunks: Chunks::regular(&[SIDE, SIDE], &[SIDE, SIDE]).expect("chunks"),
        dtype: DType::F64,
    };
    store.create_array("x", &meta).expect("create the array");
    store
        .write_chunk("x", &[0, 0], block)
        .expect("write the chunk");
    store
}

fn decode(c: &mut Criterion) {
    let block = noisy_chunk();
    let mut g = c.benchmark_group("zarr_decode");
    g.throughput(Throughput::Bytes((SIDE * SIDE * 8) as u64));
    for (name, compression) in [
        ("zstd_8MiB", Compression::default()),
        ("none_8MiB", Compression::None),
    ] {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = store_with(dir.path(), compression, &block);
        g.bench_function(name, |b| {
            b.iter(|| store.read_chunk("x", &[0, 0]).expect("read"))
        });
    }
    let source = vec![1.5f64; SIDE * SIDE];
    let mut target = vec![0.0f64; SIDE * SIDE];
    g.bench_function("memcpy_8MiB", |b| {
        b.iter(|| {
            target.copy_from_slice(std::hint::black_box(&source));
            std::hint::black_box(&target);
        })
    });
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);

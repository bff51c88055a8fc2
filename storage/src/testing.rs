//! The store test kit: every driver's tests call [`run_all`] on a fresh store.

use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{Block, Chunks, DType};

use crate::error::Error;
use crate::traits::{ArrayMetadata, Store};

fn meta(shape: &[usize], chunk: &[usize], dtype: DType) -> ArrayMetadata {
    ArrayMetadata {
        chunks: Chunks::regular(shape, chunk).unwrap_or_else(|e| panic!("{e}")),
        dtype,
    }
}

/// Chunks written come back equal, metadata round-trips, listing is sorted.
pub fn write_read_round_trip(store: &dyn Store) {
    let m = meta(&[10, 7], &[4, 3], DType::F64);
    store
        .create_array("a/x", &m)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .create_array("b", &meta(&[3], &[3], DType::I32))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.metadata("a/x").unwrap_or_else(|e| panic!("{e}")), m);
    for index in m.chunks.blocks() {
        let shape = m
            .chunks
            .block_shape(&index)
            .unwrap_or_else(|e| panic!("{e}"));
        let base = (index[0] * 10 + index[1]) as f64;
        let a = ArrayD::from_shape_fn(IxDyn(&shape), |ix| {
            base + ix[0] as f64 * 0.5 + ix[1] as f64 * 0.25
        });
        store
            .write_chunk("a/x", &index, &Block::from_array(a))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for index in m.chunks.blocks() {
        let b = store
            .read_chunk("a/x", &index)
            .unwrap_or_else(|e| panic!("{e}"));
        let a = b.as_array::<f64>().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            a.shape(),
            m.chunks.block_shape(&index).unwrap_or_default().as_slice()
        );
        assert_eq!(a[[0, 0]], (index[0] * 10 + index[1]) as f64);
    }
    assert_eq!(
        store.list_arrays().unwrap_or_default(),
        vec!["a/x".to_string(), "b".to_string()]
    );
}

/// Missing arrays, wrong chunks, duplicate creation and unwritten chunks are errors.
pub fn rejects_bad_requests(store: &dyn Store) {
    assert!(matches!(
        store.metadata("nope"),
        Err(Error::NoSuchArray { .. })
    ));
    let m = meta(&[4], &[2], DType::F32);
    store
        .create_array("x", &m)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        store.create_array("x", &m),
        Err(Error::AlreadyExists { .. })
    ));
    let wrong_shape = Block::from_array(ArrayD::<f32>::zeros(IxDyn(&[3])));
    assert!(store.write_chunk("x", &[0], &wrong_shape).is_err());
    let wrong_dtype = Block::from_array(ArrayD::<f64>::zeros(IxDyn(&[2])));
    assert!(store.write_chunk("x", &[0], &wrong_dtype).is_err());
    let good = Block::from_array(ArrayD::<f32>::zeros(IxDyn(&[2])));
    assert!(
        store.write_chunk("x", &[2], &good).is_err(),
        "index outside the grid"
    );
    unwritten_chunk_is_refused_or_uniform(store, "x", &[1]);
    let err = store
        .read_chunk("missing", &[0])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("missing"), "{err}");
}

/// A chunk never written is either an error naming the chunk (memory store) or,
/// where the format says so (Zarr), a block of the right shape and dtype holding
/// one fill value everywhere. Never a panic, never a wrong shape.
fn unwritten_chunk_is_refused_or_uniform(store: &dyn Store, path: &str, index: &[usize]) {
    let m = store.metadata(path).unwrap_or_else(|e| panic!("{e}"));
    match store.read_chunk(path, index) {
        Err(e) => assert!(e.to_string().contains(path), "{e}"),
        Ok(b) => {
            let shape = m.chunks.block_shape(index).unwrap_or_default();
            assert_eq!(b.shape(), shape.as_slice(), "unwritten chunk shape");
            assert_eq!(b.dtype(), m.dtype, "unwritten chunk dtype");
            let values = as_f64(&b);
            let same = |w: &[f64]| w[0] == w[1] || (w[0].is_nan() && w[1].is_nan());
            assert!(
                values.windows(2).all(same),
                "an unwritten chunk read as data, not as one fill value"
            );
        }
    }
}

/// The elements of a block (C order) as `f64`, for dtype-agnostic comparisons.
fn as_f64(b: &Block) -> Vec<f64> {
    use tessera_chunk_core::{with_block, Element};
    with_block!(b, a => a.iter().map(|v| v.to_f64()).collect())
}

/// A block of `shape` and `dtype` whose values depend on the position and `seed`.
fn sample(dtype: DType, shape: &[usize], seed: usize) -> Block {
    use tessera_chunk_core::{with_dtype, Element};
    with_dtype!(dtype, T => {
        let n: usize = shape.iter().product();
        let offset = if matches!(dtype.kind(), 'i' | 'f' | 'c') { 50.0 } else { 0.0 };
        let v: Vec<T> = (0..n)
            .map(|i| T::from_f64(((i * 7 + seed * 13) % 101) as f64 - offset))
            .collect();
        Block::from_array(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap_or_else(|e| panic!("{e}")))
    }, other => panic!("no sample data for {other}"))
}

/// Write every chunk of a new array at `path` from [`sample`], then read each back.
fn round_trip(store: &dyn Store, path: &str, m: &ArrayMetadata) {
    store
        .create_array(path, m)
        .unwrap_or_else(|e| panic!("create {path}: {e}"));
    for (k, index) in m.chunks.blocks().enumerate() {
        let shape = m.chunks.block_shape(&index).unwrap_or_default();
        store
            .write_chunk(path, &index, &sample(m.dtype, &shape, k))
            .unwrap_or_else(|e| panic!("write {path} {index:?}: {e}"));
    }
    assert_eq!(
        store.metadata(path).unwrap_or_else(|e| panic!("{e}")),
        *m,
        "{path}"
    );
    for (k, index) in m.chunks.blocks().enumerate() {
        let shape = m.chunks.block_shape(&index).unwrap_or_default();
        let got = store
            .read_chunk(path, &index)
            .unwrap_or_else(|e| panic!("read {path} {index:?}: {e}"));
        assert_eq!(got, sample(m.dtype, &shape, k), "{path} chunk {index:?}");
    }
}

/// Every real and complex dtype round-trips, edge chunks included.
pub fn every_dtype_round_trips(store: &dyn Store) {
    for dtype in DType::ALL.into_iter().filter(|d| d.is_array_type()) {
        let path = format!("dtypes/{dtype}");
        round_trip(store, &path, &meta(&[5, 3], &[2, 2], dtype));
    }
}

/// `float16`'s special values come back bit for bit: NaN (both signs), ±inf,
/// -0.0, the smallest subnormal, the largest finite value, and an edge chunk.
pub fn float16_special_values_round_trip(store: &dyn Store) {
    use tessera_chunk_core::half::f16;
    let values = [
        f16::NAN,
        -f16::NAN,
        f16::INFINITY,
        f16::NEG_INFINITY,
        f16::NEG_ZERO,
        f16::from_bits(1),
        f16::MAX,
        f16::MIN,
        f16::from_f32(0.1),
        f16::from_f32(-2.5),
        f16::MIN_POSITIVE,
    ];
    let m = meta(&[11], &[4], DType::F16);
    store
        .create_array("f16", &m)
        .unwrap_or_else(|e| panic!("create f16: {e}"));
    let blocks: Vec<Vec<usize>> = m.chunks.blocks().collect();
    for index in &blocks {
        let start = index[0] * 4;
        let part = values[start..(start + 4).min(values.len())].to_vec();
        store
            .write_chunk(
                "f16",
                index,
                &Block::from_array(ndarray::arr1(&part).into_dyn()),
            )
            .unwrap_or_else(|e| panic!("write f16 {index:?}: {e}"));
    }
    assert_eq!(store.metadata("f16").unwrap_or_else(|e| panic!("{e}")), m);
    let bits = |b: &Block| -> Vec<u16> {
        let a = b.as_array::<f16>().unwrap_or_else(|e| panic!("{e}"));
        a.iter().map(|v| v.to_bits()).collect()
    };
    let mut got = Vec::new();
    for index in &blocks {
        let b = store
            .read_chunk("f16", index)
            .unwrap_or_else(|e| panic!("read f16 {index:?}: {e}"));
        got.extend(bits(&b));
    }
    let want: Vec<u16> = values.iter().map(|v| v.to_bits()).collect();
    assert_eq!(got, want, "float16 chunks");
    let region = store
        .read_region("f16", &[3], &[6])
        .unwrap_or_else(|e| panic!("region of f16: {e}"));
    assert_eq!(bits(&region), want[3..9], "float16 region across chunks");
}

/// 1-D to 3-D arrays whose chunks do not divide the shape, a 0-d array, an
/// array with an empty axis, and a single-chunk array.
pub fn shapes_round_trip(store: &dyn Store) {
    round_trip(store, "s/one", &meta(&[7], &[3], DType::F64));
    round_trip(store, "s/three", &meta(&[5, 4, 3], &[2, 3, 2], DType::I16));
    round_trip(store, "s/single", &meta(&[4, 4], &[4, 4], DType::U8));
    round_trip(store, "s/scalar", &meta(&[], &[], DType::F32));
    round_trip(store, "s/empty", &meta(&[0, 3], &[2, 2], DType::I64));
}

/// Arrays deep in groups are found by path and listed, sorted, with full paths.
pub fn nested_paths(store: &dyn Store) {
    let m = meta(&[2], &[2], DType::Bool);
    for path in ["g/h/deep", "g/a", "top"] {
        round_trip(store, path, &m);
    }
    assert_eq!(
        store.list_arrays().unwrap_or_else(|e| panic!("{e}")),
        vec!["g/a".to_string(), "g/h/deep".to_string(), "top".to_string()]
    );
    assert!(store.metadata("g/h").is_err(), "a group is not an array");
    assert!(store.metadata("g/nope").is_err());
}

/// Chunks written from several threads at once all land.
pub fn concurrent_writes(store: &dyn Store) {
    let m = meta(&[40, 6], &[3, 6], DType::F64);
    store
        .create_array("par", &m)
        .unwrap_or_else(|e| panic!("{e}"));
    let blocks: Vec<Vec<usize>> = m.chunks.blocks().collect();
    std::thread::scope(|s| {
        for part in blocks.chunks(4) {
            let m = &m;
            s.spawn(move || {
                for index in part {
                    let shape = m.chunks.block_shape(index).unwrap_or_default();
                    store
                        .write_chunk("par", index, &sample(DType::F64, &shape, index[0]))
                        .unwrap_or_else(|e| panic!("{e}"));
                }
            });
        }
    });
    for index in m.chunks.blocks() {
        let shape = m.chunks.block_shape(&index).unwrap_or_default();
        let got = store
            .read_chunk("par", &index)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, sample(DType::F64, &shape, index[0]));
    }
}

/// Regions across chunk borders read the same values as the chunks; regions
/// outside the array are errors.
pub fn region_reads_match_chunks(store: &dyn Store) {
    let m = meta(&[7, 5, 3], &[3, 2, 2], DType::I32);
    store
        .create_array("r", &m)
        .unwrap_or_else(|e| panic!("{e}"));
    let value = |g: &[usize]| (g[0] * 100 + g[1] * 10 + g[2]) as i32;
    for index in m.chunks.blocks() {
        let range = m
            .chunks
            .block_range(&index)
            .unwrap_or_else(|e| panic!("{e}"));
        let shape: Vec<usize> = range.iter().map(|r| r.len()).collect();
        let a = ArrayD::from_shape_fn(IxDyn(&shape), |ix| {
            value(&[
                range[0].start + ix[0],
                range[1].start + ix[1],
                range[2].start + ix[2],
            ])
        });
        store
            .write_chunk("r", &index, &Block::from_array(a))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for (start, shape) in [
        ([1, 1, 0], [5, 3, 3]),
        ([0, 0, 0], [7, 5, 3]),
        ([6, 4, 2], [1, 1, 1]),
        ([2, 0, 1], [0, 5, 2]),
    ] {
        let b = store
            .read_region("r", &start, &shape)
            .unwrap_or_else(|e| panic!("{e}"));
        let a = b.as_array::<i32>().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.shape(), shape.as_slice());
        for (ix, &v) in a.indexed_iter() {
            assert_eq!(
                v,
                value(&[start[0] + ix[0], start[1] + ix[1], start[2] + ix[2]])
            );
        }
    }
    assert!(store.read_region("r", &[5, 0, 0], &[3, 1, 1]).is_err());
    assert!(store.read_region("r", &[0, 0], &[1, 1]).is_err());
}

/// A deleted array is gone with its chunks; its siblings stay; its path can be
/// created again; deleting what is not there is an error.
pub fn deletes_arrays(store: &dyn Store) {
    let m = meta(&[6], &[4], DType::I64);
    for path in ["g/x", "g/y"] {
        store
            .create_array(path, &m)
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .write_chunk(path, &[0], &sample(DType::I64, &[4], 1))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    store.delete_array("g/x").unwrap_or_else(|e| panic!("{e}"));
    let listed = store.list_arrays().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed, vec!["g/y".to_string()]);
    assert!(store.metadata("g/x").is_err());
    assert!(store.read_chunk("g/x", &[0]).is_err());
    assert_eq!(
        store
            .read_chunk("g/y", &[0])
            .unwrap_or_else(|e| panic!("{e}")),
        sample(DType::I64, &[4], 1)
    );
    assert!(store.delete_array("g/x").is_err());
    assert!(store.delete_array("nothing").is_err());
    // The path is free again, and the new array does not see the old chunks.
    store
        .create_array("g/x", &meta(&[6], &[4], DType::I64))
        .unwrap_or_else(|e| panic!("{e}"));
    let fresh = store.read_chunk("g/x", &[0]);
    assert!(fresh.map_or(true, |b| b != sample(DType::I64, &[4], 1)));
}

/// Run the whole kit; `fresh` makes an empty store for each test.
pub fn run_all(fresh: &dyn Fn() -> Box<dyn Store>) {
    write_read_round_trip(fresh().as_ref());
    rejects_bad_requests(fresh().as_ref());
    every_dtype_round_trips(fresh().as_ref());
    float16_special_values_round_trip(fresh().as_ref());
    shapes_round_trip(fresh().as_ref());
    nested_paths(fresh().as_ref());
    concurrent_writes(fresh().as_ref());
    region_reads_match_chunks(fresh().as_ref());
    deletes_arrays(fresh().as_ref());
}

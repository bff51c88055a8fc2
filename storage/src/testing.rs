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
    assert!(store.read_chunk("x", &[1]).is_err(), "unwritten chunk");
    let err = store
        .read_chunk("missing", &[0])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("missing"), "{err}");
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

/// Run the whole kit; `fresh` makes an empty store for each test.
pub fn run_all(fresh: &dyn Fn() -> Box<dyn Store>) {
    write_read_round_trip(fresh().as_ref());
    rejects_bad_requests(fresh().as_ref());
    region_reads_match_chunks(fresh().as_ref());
}

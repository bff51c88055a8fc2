//! Oracle tests of the reduction family (cumulative, arg, nan, count,
//! histogram, unique, topk): random shapes and chunkings, compared with plain
//! ndarray computations, on every scheduler.

use ndarray::{ArrayD, Axis, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Chunks, Element};

mod common;
use common::{schedulers, split};

/// A shape of 0–4 axes (lengths 0–6) with a random chunking of each axis.
fn shape_and_chunks() -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>)> {
    prop::collection::vec(0usize..7, 0..5).prop_flat_map(|shape| {
        let per_axis: Vec<_> = shape
            .iter()
            .map(|&d| {
                prop::collection::vec(1usize..4, d.max(1)).prop_map(move |cuts| split(d, &cuts))
            })
            .collect();
        (Just(shape), per_axis)
    })
}

/// Pseudo-random values `f(r)` of a generator seeded by `seed`, `r` in `0..1000`.
fn data<T>(shape: &[usize], seed: u64, f: impl Fn(u64) -> T) -> ArrayD<T> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        f((state >> 33) % 1000)
    })
}

/// Values in [-10, 10) with two decimals, a NaN in about one of `nan_one_in`.
fn floats(shape: &[usize], seed: u64, nan_one_in: u64) -> ArrayD<f64> {
    data(shape, seed, |r| {
        if nan_one_in > 0 && r % nan_one_in == 0 {
            f64::NAN
        } else {
            (r % 200) as f64 / 10.0 - 10.0
        }
    })
}

fn lazy<T: Element>(d: &ArrayD<T>, chunks: &[Vec<usize>]) -> Array<T> {
    tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap()).unwrap()
}

fn close(a: &ArrayD<f64>, b: &ArrayD<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter().zip(b.iter()).all(|(x, y)| {
            (x.is_nan() && y.is_nan())
                || x == y
                || (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs()))
        })
}

/// NumPy's scan along `axis`, sequential as NumPy adds.
fn oracle_scan<T: Copy>(d: &ArrayD<T>, axis: usize, f: impl Fn(T, T) -> T) -> ArrayD<T> {
    let mut out = d.clone();
    out.accumulate_axis_inplace(Axis(axis), |&prev, cur| *cur = f(prev, *cur));
    out
}

/// The array flattened in C order, as a 1-d array.
fn flat<T: Clone>(d: &ArrayD<T>) -> ArrayD<T> {
    let v: Vec<T> = d.iter().cloned().collect();
    ArrayD::from_shape_vec(IxDyn(&[v.len()]), v).unwrap()
}

/// Dask's chunks of `cumsum(axis=None)` for an array of `size` elements in `npartitions` blocks.
fn flat_scan_chunks(size: usize, npartitions: usize) -> Vec<usize> {
    let mut out = vec![npartitions; size / npartitions];
    if size % npartitions > 0 || out.is_empty() {
        out.push(size % npartitions);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn cumsum_and_cumprod_match_ndarray(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        axis_pick in any::<usize>(),
        flatten in any::<bool>(),
    ) {
        let d = floats(&shape, seed, 0);
        let x = lazy(&d, &chunks);
        let small = data(&shape, seed, |r| 0.5 + (r % 100) as f64 / 100.0);
        let xs = lazy(&small, &chunks);
        let ints = data(&shape, seed, |r| (r % 3) as i32 - 1);
        let xi = lazy(&ints, &chunks);
        let (axis, want_sum, want_prod, want_isum, want_iprod, want_chunks) = if flatten || shape.is_empty() {
            let f = flat(&d);
            let fi = flat(&ints.mapv(i64::from));
            (None, oracle_scan(&f, 0, |a, b| a + b), oracle_scan(&flat(&small), 0, |a, b| a * b),
             oracle_scan(&fi, 0, |a, b| a + b), oracle_scan(&fi, 0, |a, b| a * b),
             if shape.len() <= 1 && !shape.is_empty() { chunks.clone() } else { vec![flat_scan_chunks(d.len(), x.npartitions())] })
        } else {
            let ax = axis_pick % shape.len();
            let wi = ints.mapv(i64::from);
            (Some(ax as i64 - shape.len() as i64 * (axis_pick % 2) as i64), oracle_scan(&d, ax, |a, b| a + b), oracle_scan(&small, ax, |a, b| a * b),
             oracle_scan(&wi, ax, |a, b| a + b), oracle_scan(&wi, ax, |a, b| a * b), chunks.clone())
        };
        let s = x.cumsum::<f64>(axis).unwrap();
        let p = xs.cumprod::<f64>(axis).unwrap();
        let si = xi.cumsum::<i64>(axis).unwrap();
        let pi = xi.cumprod::<i64>(axis).unwrap();
        for a in [s.chunks(), p.chunks(), si.chunks(), pi.chunks()] {
            prop_assert_eq!(a.axes(), want_chunks.as_slice());
        }
        for sch in schedulers() {
            let sch = sch.as_ref();
            prop_assert!(close(&s.compute_with(sch).unwrap(), &want_sum), "cumsum {axis:?} of {shape:?} in {chunks:?}");
            prop_assert!(close(&p.compute_with(sch).unwrap(), &want_prod), "cumprod {axis:?} of {shape:?} in {chunks:?}");
            prop_assert_eq!(&si.compute_with(sch).unwrap(), &want_isum);
            prop_assert_eq!(&pi.compute_with(sch).unwrap(), &want_iprod);
        }
    }
}

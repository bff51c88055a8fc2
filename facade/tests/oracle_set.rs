//! Oracle tests of the set functions (`unique_values`, `unique_counts`,
//! `unique_inverse`, `unique_all`): random shapes, chunkings and dtypes with
//! repeats, NaN, ±inf, -0.0 and empty arrays, checked against a direct
//! computation over the flattened data, on every scheduler.

use ndarray::ArrayD;
use proptest::prelude::*;
use tessera::{Compute, Element, UniqueAll};

mod common;

tessera::worker_test!();
use common::{chunked, schedulers, seeded, shape_and_chunks};

/// Values with many repeats and the IEEE specials.
fn specials(shape: &[usize], seed: u64) -> ArrayD<f64> {
    seeded(shape, seed, |r| match r % 11 {
        0 => f64::NAN,
        1 => -0.0,
        2 => 0.0,
        3 => f64::INFINITY,
        4 => f64::NEG_INFINITY,
        k => (k % 4) as f64 - 1.5,
    })
}

#[allow(clippy::eq_op)]
fn is_nan<T: Element>(v: T) -> bool {
    v != v
}

/// Checks `got` against the flattened data `flat` (C order), whatever the
/// order of equal NaNs.
fn check_all<T: Element + PartialOrd>(flat: &[T], got: &UniqueAll<T>, inverse: &[i64]) {
    let numbers: Vec<T> = {
        let mut n: Vec<T> = flat.iter().copied().filter(|v| !is_nan(*v)).collect();
        n.sort_by(|a, b| a.partial_cmp(b).unwrap());
        n.dedup_by(|a, b| a == b);
        n
    };
    let nan_at: Vec<usize> = (0..flat.len()).filter(|&i| is_nan(flat[i])).collect();
    let k = numbers.len();
    assert_eq!(
        got.values.len(),
        k + nan_at.len(),
        "values {:?}",
        got.values
    );
    assert_eq!(got.counts.len(), got.values.len());
    assert_eq!(got.indices.len(), got.values.len());
    for (i, &v) in numbers.iter().enumerate() {
        assert!(
            got.values[i] == v,
            "value {i}: {:?} != {v:?}",
            got.values[i]
        );
        let first = flat.iter().position(|&x| x == v).unwrap();
        assert_eq!(got.indices[i], first as i64, "first index of {v:?}");
        let n = flat.iter().filter(|&&x| x == v).count();
        assert_eq!(got.counts[i], n as i64, "count of {v:?}");
    }
    // Every NaN apart, last, each counted once at its own index.
    let mut nan_indices: Vec<usize> = (k..got.values.len())
        .map(|i| {
            assert!(is_nan(got.values[i]));
            assert_eq!(got.counts[i], 1);
            got.indices[i] as usize
        })
        .collect();
    nan_indices.sort_unstable();
    assert_eq!(nan_indices, nan_at);
    // The inverse maps each element to its value; NaNs one to one onto the NaN slots.
    assert_eq!(inverse.len(), flat.len());
    let mut nan_slots: Vec<i64> = Vec::new();
    for (p, (&x, &i)) in flat.iter().zip(inverse).enumerate() {
        let v = got.values[i as usize];
        if is_nan(x) {
            assert!(is_nan(v), "element {p} is NaN, inverse {i}");
            nan_slots.push(i);
        } else {
            assert!(v == x, "element {p}: {x:?} maps to {v:?}");
        }
    }
    nan_slots.sort_unstable();
    let want: Vec<i64> = (k as i64..got.values.len() as i64).collect();
    assert_eq!(nan_slots, want);
}

fn run<T: Element + PartialOrd>(d: &ArrayD<T>, chunks: &[Vec<usize>]) {
    let x = tessera::from_array(d.clone(), tessera::Chunks::new(chunks.to_vec()).unwrap());
    let flat: Vec<T> = d.iter().copied().collect();
    for s in schedulers() {
        let got = x
            .unique_all_with(&Compute::new().scheduler(s.as_ref()))
            .unwrap();
        assert_eq!(got.inverse_indices.shape(), d.shape());
        assert_eq!(got.inverse_indices.chunks().axes(), chunks);
        let inverse = got
            .inverse_indices
            .compute_with(&Compute::new().scheduler(s.as_ref()))
            .unwrap();
        let inverse: Vec<i64> = inverse.iter().copied().collect();
        check_all(&flat, &got, &inverse);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn unique_all_of_floats_matches_a_direct_count(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
    ) {
        run(&specials(&shape, seed), &chunks);
    }

    #[test]
    fn unique_all_of_ints_and_bools_matches_a_direct_count(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
    ) {
        run(&seeded(&shape, seed, |r| (r % 7) as i16 - 3), &chunks);
        run(&seeded(&shape, seed, |r| r % 3 == 0), &chunks);
        run(&specials(&shape, seed).mapv(|v| v as f32), &chunks);
    }
}

#[test]
fn the_short_forms_agree_with_unique_all() {
    let mut d = specials(&[7, 5], 3);
    d[[0, 0]] = f64::NAN;
    d[[6, 4]] = f64::NAN;
    let x = chunked(&d, &[vec![3, 4], vec![2, 2, 1]]);
    let all = x.unique_all().unwrap();
    let same = |a: &ndarray::Array1<f64>, b: &ndarray::Array1<f64>| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(p, q)| p == q || (p.is_nan() && q.is_nan()))
    };
    assert!(same(&x.unique_values().unwrap(), &all.values));
    let (v, c) = x.unique_counts().unwrap();
    assert!(same(&v, &all.values));
    assert_eq!(c, all.counts);
    let (v, inv) = x.unique_inverse().unwrap();
    assert!(same(&v, &all.values));
    assert_eq!(
        inv.compute().unwrap(),
        all.inverse_indices.compute().unwrap()
    );
    // np.unique keeps one NaN; the Array API's functions keep each.
    let nans = d.iter().filter(|v| v.is_nan()).count();
    assert!(nans > 1);
    assert_eq!(x.unique().unwrap().len() + nans - 1, all.values.len());
}

#[test]
fn unique_of_an_empty_array_is_empty() {
    let x = tessera::ones::<f64>([0, 4], 2);
    let all = x.unique_all().unwrap();
    assert_eq!(
        (all.values.len(), all.counts.len(), all.indices.len()),
        (0, 0, 0)
    );
    assert_eq!(all.inverse_indices.compute().unwrap().shape(), &[0, 4]);
}

#[test]
fn unique_of_complex_is_a_typed_error() {
    let x = tessera::ones::<tessera::chunk_core::num_complex::Complex<f64>>(4, 2);
    let e = x.unique_counts().unwrap_err();
    assert!(e.to_string().contains("not supported yet"), "{e}");
}

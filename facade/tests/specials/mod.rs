//! Values with the IEEE special cases for the Array API oracle tests
//! (`oracle_shape`, `oracle_array_api`, `oracle_sort`), and the two ways
//! they compare results; `check` of a result on every scheduler. (Each test binary uses a part.)
#![allow(dead_code)]

use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Chunks, Compute, Element};

/// `d` as a tessera array in `chunks`.
pub fn array<T: Element>(d: &ArrayD<T>, chunks: &[Vec<usize>]) -> Array<T> {
    tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap())
}

/// `y` has `want`'s shape (its chunks tile it) and every scheduler computes
/// a result `eq` to `want`.
pub fn check(
    y: &Array<f64>,
    want: &ArrayD<f64>,
    eq: fn(&ArrayD<f64>, &ArrayD<f64>) -> bool,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(y.shape(), want.shape().to_vec(), "{:?}", y.error());
    prop_assert_eq!(y.chunks().shape(), want.shape().to_vec());
    for s in crate::common::schedulers() {
        let got = y
            .compute_with(&Compute::new().scheduler(s.as_ref()))
            .unwrap();
        prop_assert!(eq(&got, want), "{}: {:?} != {:?}", s.name(), got, want);
    }
    Ok(())
}

/// NaN, ±inf, -0.0 and 0.0 among small integers (many ties), from a seed.
pub fn specials(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let mut state = seed | 1;
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        match state % 11 {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => f64::NEG_INFINITY,
            3 => -0.0,
            4 => 0.0,
            r => r as f64 - 7.0,
        }
    })
}

/// Equal shapes and bit-equal elements (so -0.0 is not 0.0), NaN equal to NaN.
pub fn same_bits(a: &ArrayD<f64>, b: &ArrayD<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

/// Equal shapes and equal elements (-0.0 equal to 0.0), NaN equal to NaN.
pub fn same_values(a: &ArrayD<f64>, b: &ArrayD<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

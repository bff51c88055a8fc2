//! Oracle tests of `nonzero`: random shapes, chunkings and dtypes with
//! zeros, -0.0 (a zero), NaN (not a zero) and empty arrays, against NumPy's
//! rule applied element by element in C order, on every scheduler.

use ndarray::ArrayD;
use proptest::prelude::*;
use tessera::{Chunks, Compute, Element};

mod common;

tessera::worker_test!();
use common::{schedulers, seeded, shape_and_chunks};

fn check<T: Element>(d: &ArrayD<T>, chunks: &[Vec<usize>]) {
    let x = tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap());
    let want: Vec<Vec<i64>> = (0..d.ndim())
        .map(|axis| {
            d.indexed_iter()
                .filter(|(_, v)| **v != T::default())
                .map(|(at, _)| at[axis] as i64)
                .collect()
        })
        .collect();
    for s in schedulers() {
        let got = x
            .nonzero_with(&Compute::new().scheduler(s.as_ref()))
            .unwrap();
        let got: Vec<Vec<i64>> = got.into_iter().map(|a| a.to_vec()).collect();
        assert_eq!(got, want, "{} on {}", s.name(), T::DTYPE);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn nonzero_matches_numpy(
        (shape, chunks) in shape_and_chunks().prop_filter("0-d has no nonzero", |(s, _)| !s.is_empty()),
        seed in any::<u64>(),
    ) {
        let floats = seeded(&shape, seed, |r| match r % 5 { 0 => 0.0, 1 => -0.0, 2 => f64::NAN, k => k as f64 });
        check(&floats, &chunks);
        check(&seeded(&shape, seed, |r| (r % 3) as i32 - 1), &chunks);
        check(&seeded(&shape, seed, |r| r % 4 == 0), &chunks);
    }
}

#[test]
fn nonzero_of_a_0d_array_is_a_typed_error() {
    let x = tessera::from_array(
        ndarray::arr0(1.0f64).into_dyn(),
        Chunks::new(vec![]).unwrap(),
    );
    let e = x.nonzero().unwrap_err();
    assert!(e.to_string().contains("0-d"), "{e}");
}

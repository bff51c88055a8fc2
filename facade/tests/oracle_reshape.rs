//! `reshape` (and `ravel`) against ndarray's C-order reshape on random
//! shapes, chunkings and targets (merges, splits, size-1 axes, `-1`, and
//! reshapes Dask refuses), on every scheduler; the chunks are
//! `reshape_plan`'s, whose agreement with Dask is `fixtures/reshape.json`
//! (`cargo xtask fixtures fixtures`); bad shapes give typed errors.

use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;
use tessera::{Chunks, Compute, Error};
use tessera_chunk_core::reshape_plan;

mod common;

tessera::worker_test!();
use common::{schedulers, split};

fn arange(shape: &[usize]) -> ArrayD<i64> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n as i64).collect()).unwrap()
}

/// A target for `shape` built by `steps`: merge two neighbours, split an axis
/// by its smallest factor, insert or remove a 1, or any factorisation
/// (which Dask may refuse); `minus` puts a -1 at that position when it can.
fn target(shape: &[usize], steps: &[(u8, usize)], minus: Option<usize>) -> Vec<i64> {
    let mut t: Vec<usize> = shape.to_vec();
    for &(op, at) in steps {
        match op % 5 {
            0 if t.len() >= 2 => {
                let i = at % (t.len() - 1);
                let m = t[i] * t[i + 1];
                t.splice(i..i + 2, [m]);
            }
            1 if !t.is_empty() => {
                let i = at % t.len();
                if let Some(f) = (2..t[i]).find(|f| t[i].is_multiple_of(*f)) {
                    let rest = t[i] / f;
                    t.splice(i..=i, [f, rest]);
                }
            }
            2 if t.len() < 5 => t.insert(at % (t.len() + 1), 1),
            3 => {
                if let Some(i) = t.iter().position(|&d| d == 1) {
                    t.remove(i);
                }
            }
            4 => {
                let size: usize = shape.iter().product();
                let f = (1..=size.max(1))
                    .filter(|f| size.is_multiple_of(*f))
                    .nth(at % 3)
                    .unwrap_or(1);
                t = if size == 0 {
                    vec![0, at % 3]
                } else {
                    vec![size / f, f]
                };
            }
            _ => {}
        }
    }
    let mut t: Vec<i64> = t.iter().map(|&d| d as i64).collect();
    if let Some(m) = minus.filter(|_| !t.is_empty()) {
        let i = m % t.len();
        if t.iter().enumerate().all(|(j, &d)| j == i || d != 0) {
            t[i] = -1;
        }
    }
    t
}

/// Shape, chunk cuts per axis, target steps, position of a -1.
type Case = (Vec<usize>, Vec<Vec<usize>>, Vec<(u8, usize)>, Option<usize>);

fn case() -> impl Strategy<Value = Case> {
    prop::collection::vec(0usize..7, 1..=4).prop_flat_map(|shape| {
        let n = shape.len();
        (
            Just(shape),
            prop::collection::vec(prop::collection::vec(1usize..5, 1..4), n),
            prop::collection::vec((0u8..5, 0usize..8), 1..4),
            prop::option::of(0usize..5),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reshape_equals_ndarray((shape, cuts, steps, minus) in case()) {
        let chunks: Vec<Vec<usize>> = shape.iter().zip(&cuts).map(|(&d, c)| split(d, c)).collect();
        let d = arange(&shape);
        let x = tessera::from_array(d.clone(), Chunks::new(chunks.clone()).unwrap());
        let t = target(&shape, &steps, minus);
        let y = x.reshape(&t);
        let known: i64 = t.iter().filter(|&&v| v >= 0).product();
        let new_shape: Vec<usize> = t.iter()
            .map(|&v| if v == -1 { (d.len() as i64 / known) as usize } else { v as usize })
            .collect();
        let want = d.to_shape(new_shape.clone()).unwrap().to_owned();
        prop_assert_eq!(y.shape(), new_shape.clone());
        // Where Dask has a plan, the chunks are its; elsewhere they still cover the shape.
        match reshape_plan(&Chunks::new(chunks).unwrap(), &t) {
            Ok(p) => prop_assert_eq!(y.chunks(), &p.output),
            Err(e) => prop_assert!(matches!(e, tessera_chunk_core::Error::Unsupported { .. }), "{}", e),
        }
        prop_assert_eq!(y.chunks().shape(), new_shape);
        for s in schedulers() {
            prop_assert_eq!(&y.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want, "{} {:?}", s.name(), t);
        }
    }

    #[test]
    fn ravel_equals_ndarray((shape, cuts, _s, _m) in case()) {
        let chunks: Vec<Vec<usize>> = shape.iter().zip(&cuts).map(|(&d, c)| split(d, c)).collect();
        let d = arange(&shape);
        let x = tessera::from_array(d.clone(), Chunks::new(chunks).unwrap());
        let y = x.ravel();
        let want: Vec<i64> = d.iter().copied().collect();
        for s in schedulers() {
            let got: Vec<i64> = y.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap().iter().copied().collect();
            prop_assert_eq!(&got, &want, "{}", s.name());
        }
    }
}

#[test]
fn dask_chunks_for_splits_merges_and_ones() {
    // Each expectation is what Dask 2026.8.0 gives for the same call.
    let ch = |shape: &[usize], c: &[usize]| {
        tessera::from_array(arange(shape), Chunks::regular(shape, c).unwrap())
    };
    let y = ch(&[24], &[5]).reshape(&[4, -1]);
    assert_eq!(y.chunks().axes(), &[vec![1, 1, 1, 1], vec![3, 3]]);
    let y = ch(&[4, 4, 4], &[2, 2, 2]).reshape(&[64]);
    assert_eq!(y.chunks().axes(), &[vec![8; 8]]);
    let y = ch(&[6, 5, 4], &[3, 2, 2]).reshape(&[3, 2, 5, 4]);
    assert_eq!(
        y.chunks().axes(),
        &[vec![1, 1, 1], vec![2], vec![2, 2, 1], vec![2, 2]]
    );
    let y = ch(&[6, 5, 4], &[3, 2, 2]).reshape(&[30, 4]);
    assert_eq!(y.chunks().axes(), &[vec![5; 6], vec![2, 2]]);
    let y = ch(&[1, 6], &[1, 3]).reshape(&[6, 1, 1]);
    assert_eq!(y.chunks().axes(), &[vec![3, 3], vec![1], vec![1]]);
    // Same shape: the array itself, no new layer.
    let x = ch(&[6, 4], &[4, 3]);
    assert_eq!(x.reshape(&[6, -1]).num_layers(), x.num_layers());
}

#[test]
fn reshapes_dask_refuses_still_work() {
    let d = arange(&[6, 5, 4]);
    let x = tessera::from_array(d.clone(), Chunks::regular(&[6, 5, 4], &[3, 2, 2]).unwrap());
    let y = x.reshape(&[4, 5, 6]);
    let want = d.to_shape(vec![4, 5, 6]).unwrap().to_owned();
    for s in schedulers() {
        assert_eq!(
            y.compute_with(&Compute::new().scheduler(s.as_ref()))
                .unwrap(),
            want
        );
    }
    let e = tessera::from_array(
        arange(&[4, 0]),
        Chunks::new(vec![vec![2, 2], vec![0]]).unwrap(),
    );
    assert_eq!(e.reshape(&[0, 2, 2]).compute().unwrap().shape(), &[0, 2, 2]);
}

#[test]
fn bad_shapes_are_typed_errors_with_reasons() {
    let x = tessera::from_array(arange(&[6, 4]), Chunks::regular(&[6, 4], &[3, 2]).unwrap());
    let cases: [(&[i64], &str); 5] = [
        (&[5, 5], "the array has 24 elements"),
        (&[-1, -1], "only one length may be -1"),
        (&[-2, -12], "length -2 is negative"),
        (&[7, -1], "does not divide"),
        (&[0, -1], "does not divide"),
    ];
    for (t, why) in cases {
        let e = x.reshape(t).check().unwrap_err();
        assert!(
            matches!(
                e.root(),
                Error::Chunk(tessera_chunk_core::Error::InvalidShape { .. })
            ),
            "{t:?}: {e:?}"
        );
        let msg = e.root().to_string();
        assert!(msg.contains(why) && msg.contains("[6, 4]"), "{t:?}: {msg}");
    }
}

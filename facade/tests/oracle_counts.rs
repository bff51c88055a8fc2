//! Oracle tests of counting and selecting (count_nonzero, histogram, topk,
//! unique): random shapes and chunkings, compared with NumPy computed by
//! hand, on every scheduler.

use ndarray::{ArrayD, Axis, IxDyn};
use proptest::prelude::*;
use tessera::Compute;

mod common;
mod reductions_kit;

tessera::worker_test!();
use common::{schedulers, shape_and_chunks};
use reductions_kit::{
    close, data, floats, lazy, np_order, on, over, per_lane, pick_axis, reduced, same,
};

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn count_nonzero_matches_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        flatten in any::<bool>(),
    ) {
        // Zeros, and NaNs (which NumPy counts as non-zero).
        let d = data(&shape, seed, |r| match r % 4 { 0 | 1 => 0.0, 2 => f64::NAN, _ => r as f64 });
        let ints = d.mapv(|v| if v.is_nan() { -3i16 } else { v as i16 });
        let (axis, given) = pick_axis(&shape, pick, flatten);
        let got = lazy(&d, &chunks).count_nonzero_with(over(given));
        let got_i = lazy(&ints, &chunks).count_nonzero_with(over(given));
        prop_assert!(got.check().is_ok() && got_i.check().is_ok());
        let want = per_lane(&d, axis, |v| v.iter().filter(|&&x| x != 0.0).count() as i64);
        let red = reduced(&chunks, axis);
        prop_assert_eq!(got.chunks().axes(), red.as_slice());
        for s in schedulers() {
            prop_assert_eq!(&on(&got, s.as_ref()).unwrap(), &want);
            prop_assert_eq!(&on(&got_i, s.as_ref()).unwrap(), &want);
        }
    }

    #[test]
    fn histogram_matches_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        bins in 1usize..9,
        lo in -120i32..50,
        width in 0i32..150,
    ) {
        let d = floats(&shape, seed, 11);
        let (lo, hi) = (f64::from(lo) / 10.0, f64::from(lo + width) / 10.0);
        let (counts, edges) = lazy(&d, &chunks).histogram(bins, (lo, hi));
        prop_assert!(counts.check().is_ok());
        prop_assert_eq!(edges.len(), bins + 1);
        for (i, e) in edges.iter().enumerate() {
            let want = if i == bins { hi } else { lo + i as f64 * ((hi - lo) / bins as f64) };
            prop_assert_eq!(*e, want);
        }
        // An empty range counts over [lo - 0.5, hi + 0.5] (NumPy's rule, which Dask's blocks follow).
        let counting: Vec<f64> = if lo == hi {
            (0..=bins).map(|i| if i == bins { hi + 0.5 } else { (lo - 0.5) + i as f64 * (1.0 / bins as f64) }).collect()
        } else {
            edges.to_vec()
        };
        let edges = counting;
        let mut want = vec![0i64; bins];
        for &v in d.iter() {
            // Half-open bins by direct comparison, the last one closed.
            if let Some(j) = (0..bins).find(|&j| edges[j] <= v && v < edges[j + 1]) {
                want[j] += 1;
            } else if v == edges[bins] {
                want[bins - 1] += 1;
            }
        }
        let want = ArrayD::from_shape_vec(IxDyn(&[bins]), want).unwrap();
        prop_assert_eq!(counts.chunks().axes(), &[vec![bins]]);
        for s in schedulers() {
            prop_assert_eq!(&on(&counts, s.as_ref()).unwrap(), &want);
        }
    }

    #[test]
    fn topk_matches_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        k_pick in any::<u8>(),
        largest in any::<bool>(),
    ) {
        prop_assume!(!shape.is_empty());
        let d = floats(&shape, seed, 13);
        let x = lazy(&d, &chunks);
        let (axis, given) = pick_axis(&shape, pick, false);
        let (ax, given) = (axis.unwrap(), given.unwrap());
        let len = shape[ax];
        let size = (k_pick as usize % (len + 2)) as i64;
        let k = if largest { size } else { -size };
        let got = x.topk_with(k, given);
        if size == 0 || size as usize > len {
            // The underlying error (not the "topk of an array of shape" context) names topk.
            let err = got.check().unwrap_err();
            let msg = err.root().to_string();
            prop_assert!(msg.contains("topk"), "{msg}");
            return Ok(());
        }
        prop_assert!(got.check().is_ok());
        let mut want_chunks = chunks.clone();
        want_chunks[ax] = vec![size as usize];
        prop_assert_eq!(got.chunks().axes(), want_chunks.as_slice());
        let mut want = d.clone();
        want.slice_axis_inplace(Axis(ax), ndarray::Slice::from(0..size as usize));
        for (mut out, lane) in want.lanes_mut(Axis(ax)).into_iter().zip(d.lanes(Axis(ax))) {
            let mut v = lane.to_vec();
            v.sort_by(np_order);
            if k > 0 {
                v.reverse();
            }
            for (o, x) in out.iter_mut().zip(v) {
                *o = x;
            }
        }
        for s in schedulers() {
            let g = on(&got, s.as_ref()).unwrap();
            prop_assert!(close(&g, &want), "topk {k} axis {given} of {shape:?} in {chunks:?}: got {g} want {want}");
        }
    }

    #[test]
    fn unique_matches_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        modulus in 1u64..30,
    ) {
        let d = data(&shape, seed, |r| if r % 17 == 0 { f64::NAN } else { (r % modulus) as f64 - 5.0 });
        let ints = d.mapv(|v| if v.is_nan() { 99u8 } else { (v + 5.0) as u8 });
        let mut want: Vec<f64> = d.iter().copied().collect();
        want.sort_by(np_order);
        want.dedup_by(|a, b| a == b || (a.is_nan() && b.is_nan()));
        let mut want_i: Vec<u8> = ints.iter().copied().collect();
        want_i.sort_unstable();
        want_i.dedup();
        let (x, xi) = (lazy(&d, &chunks), lazy(&ints, &chunks));
        for s in schedulers() {
            let opts = Compute::new().scheduler(s.as_ref());
            let got = x.unique_with(&opts).unwrap();
            prop_assert!(same(got.as_slice().unwrap(), &want), "unique of {shape:?} in {chunks:?}: got {got} want {want:?}");
            prop_assert_eq!(xi.unique_with(&opts).unwrap().to_vec(), want_i.clone());
        }
    }
}

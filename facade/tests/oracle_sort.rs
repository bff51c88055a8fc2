//! `sort`, `argsort` (ascending and descending) and `searchsorted` against
//! a stable sort of each lane by hand (NaN last, ties in original order) on
//! random shapes and chunkings, with NaN, ±inf and -0.0 and many ties among
//! the values, in several dtypes, on every scheduler; the layer structure
//! (chunk sort, then the merge; no merge for one chunk); bad input.

use std::cmp::Ordering;

use ndarray::{ArrayD, Axis, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Chunks, Compute, Element, Side};

mod common;
mod specials;

tessera::worker_test!();
use common::{chunking, schedulers, split};
use specials::{same_bits, specials};

/// NumPy's order: NaN after everything; descending is its reverse.
fn cmp(a: f64, b: f64, descending: bool) -> Ordering {
    let asc = match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).unwrap(),
    };
    if descending {
        asc.reverse()
    } else {
        asc
    }
}

/// The stable argsort of every lane along `axis`.
fn oracle_argsort(d: &ArrayD<f64>, axis: usize, descending: bool) -> ArrayD<i64> {
    let mut out = ArrayD::<i64>::zeros(d.raw_dim());
    for (lane, mut into) in d
        .lanes(Axis(axis))
        .into_iter()
        .zip(out.lanes_mut(Axis(axis)))
    {
        let mut idx: Vec<usize> = (0..lane.len()).collect();
        idx.sort_by(|&i, &j| cmp(lane[i], lane[j], descending));
        for (o, i) in into.iter_mut().zip(idx) {
            *o = i as i64;
        }
    }
    out
}

fn gather(d: &ArrayD<f64>, idx: &ArrayD<i64>, axis: usize) -> ArrayD<f64> {
    let mut out = d.clone();
    for ((lane, ix), mut into) in d
        .lanes(Axis(axis))
        .into_iter()
        .zip(idx.lanes(Axis(axis)))
        .zip(out.lanes_mut(Axis(axis)))
    {
        for (o, &i) in into.iter_mut().zip(ix.iter()) {
            *o = lane[i as usize];
        }
    }
    out
}

fn on_every_scheduler<T: Element>(
    y: &Array<T>,
    ok: impl Fn(&ArrayD<T>) -> bool,
) -> Result<(), TestCaseError> {
    for s in schedulers() {
        let got = y.compute_with(&Compute::new().scheduler(s.as_ref()));
        prop_assert!(got.is_ok(), "{}: {:?}", s.name(), got.err());
        let got = got.unwrap();
        prop_assert!(ok(&got), "{}: {:?}", s.name(), got);
    }
    Ok(())
}

fn case() -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>, u64)> {
    prop::collection::vec(0usize..9, 1..=3)
        .prop_flat_map(|shape| (Just(shape.clone()), chunking(shape), any::<u64>()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn sort_and_argsort_equal_a_stable_sort((shape, chunks, seed) in case(), axis in -3i64..3, descending in any::<bool>()) {
        let d = specials(&shape, seed);
        let ax = axis.rem_euclid(shape.len() as i64) as usize;
        let x = tessera::from_array(d.clone(), Chunks::new(chunks.clone()).unwrap());
        let idx = oracle_argsort(&d, ax, descending);
        let want = gather(&d, &idx, ax);
        let y = x.sort(ax as i64 - shape.len() as i64, descending);
        prop_assert_eq!(y.chunks(), x.chunks());
        on_every_scheduler(&y, |got| same_bits(got, &want))?;
        let i = x.argsort(ax as i64, descending);
        prop_assert_eq!(i.chunks(), x.chunks());
        on_every_scheduler(&i, |got| *got == idx)?;
        // One chunk along the axis: the chunk sort alone; several: a merge layer on top.
        let layers = if chunks[ax].len() == 1 { 2 } else { 3 };
        prop_assert_eq!(y.num_layers(), layers);
    }

    #[test]
    fn sort_of_integers_and_bools((shape, chunks, seed) in case(), descending in any::<bool>()) {
        let d = specials(&shape, seed).mapv(|v| if v.is_finite() { v as i32 } else { 3 });
        let x = tessera::from_array(d.clone(), Chunks::new(chunks.clone()).unwrap());
        let mut want = d.clone();
        for mut lane in want.lanes_mut(Axis(0)) {
            let mut v = lane.to_vec();
            v.sort();
            if descending { v.reverse(); }
            lane.assign(&ndarray::ArrayView1::from(&v));
        }
        on_every_scheduler(&x.sort(0, descending), |got| *got == want)?;
        let b = d.mapv(|v| v > 0);
        let xb = tessera::from_array(b.clone(), Chunks::new(chunks).unwrap());
        let trues = xb.sort(-1, false).compute().unwrap();
        for lane in trues.lanes(Axis(shape.len() - 1)) {
            prop_assert!(lane.windows(2).into_iter().all(|w| !w[0] || w[1]));
        }
    }

    #[test]
    fn searchsorted_equals_a_count(len in 0usize..20, cut in 1usize..5, vshape in prop::collection::vec(0usize..5, 0..3), vcut in 1usize..4, seed in any::<u64>(), right in any::<bool>()) {
        let mut a: Vec<f64> = specials(&[len], seed).iter().copied().collect();
        a.sort_by(|x, y| cmp(*x, *y, false));
        let v = specials(&vshape, seed ^ 9);
        let want = v.mapv(|x| a.iter().filter(|&&s| match cmp(s, x, false) {
            Ordering::Less => true,
            Ordering::Equal => right,
            Ordering::Greater => false,
        }).count() as i64);
        let av = tessera::from_array(ArrayD::from_shape_vec(IxDyn(&[len]), a).unwrap(), split(len, &[cut]));
        let vchunks: Vec<Vec<usize>> = vshape.iter().map(|&d| split(d, &[vcut])).collect();
        let vv = tessera::from_array(v.clone(), Chunks::new(vchunks.clone()).unwrap());
        let y = av.searchsorted(&vv, if right { Side::Right } else { Side::Left });
        prop_assert_eq!(y.chunks().axes(), vchunks.as_slice());
        on_every_scheduler(&y, |got| *got == want)?;
    }
}

#[test]
fn sort_of_a_large_axis_in_many_chunks() {
    // 40 chunks along the axis: each output chunk is cut from all 40.
    let n = 4000;
    let d = ArrayD::from_shape_fn(IxDyn(&[3, n]), |ix| {
        ((ix[1] * 7919 + ix[0] * 31) % 1009) as f64
    });
    let x = tessera::from_array(
        d.clone(),
        Chunks::new(vec![vec![1, 2], vec![100; 40]]).unwrap(),
    );
    let got = x.sort(1, false).compute().unwrap();
    for (lane, sorted) in d.lanes(Axis(1)).into_iter().zip(got.lanes(Axis(1))) {
        let mut v = lane.to_vec();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(sorted.to_vec(), v);
    }
}

/// NumPy's complex order: `[R + Rj, R + nanj, nan + Rj, nan + nanj]`, each
/// group lexicographic on its non-NaN parts.
fn complex_cmp(a: C, b: C) -> Ordering {
    // 0: no NaN; 1: R + nanj; 2: nan + Rj; 3: nan + nanj.
    let group = |z: C| u8::from(z.re.is_nan()) * 2 + u8::from(z.im.is_nan());
    let key = |z: C| match group(z) {
        0 => (z.re, z.im),
        1 => (z.re, 0.0),
        2 => (z.im, 0.0),
        _ => (0.0, 0.0),
    };
    group(a).cmp(&group(b)).then_with(|| {
        let (ka, kb) = (key(a), key(b));
        ka.0.partial_cmp(&kb.0)
            .unwrap()
            .then(ka.1.partial_cmp(&kb.1).unwrap())
    })
}

type C = tessera::chunk_core::num_complex::Complex<f64>;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn complex_sort_is_numpys_lexicographic_order(
        n in 0usize..40,
        cut in 1usize..9,
        seed in any::<u64>(),
        descending in any::<bool>(),
    ) {
        let part = |r: u64| match r % 6 { 0 => f64::NAN, 1 => -0.0, k => k as f64 - 3.0 };
        let d = common::seeded(&[n], seed, |r| C::new(part(r), part(r / 6)));
        let x = tessera::from_array(d.clone(), cut);
        let (sorted, order) = (x.sort(0, descending), x.argsort(0, descending));
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by(|&i, &j| {
            let o = complex_cmp(d[[i]], d[[j]]);
            if descending { o.reverse() } else { o }
        });
        for s in schedulers() {
            let opts = Compute::new().scheduler(s.as_ref());
            let (got, pos) = tessera::compute_with((&sorted, &order), &opts).unwrap();
            let pos: Vec<usize> = pos.iter().map(|&p| p as usize).collect();
            prop_assert_eq!(&pos, &idx);
            for (g, &i) in got.iter().zip(&idx) {
                let w = d[[i]];
                let bits = |x: f64, y: f64| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan());
                prop_assert!(bits(g.re, w.re) && bits(g.im, w.im), "{} vs {}", g, w);
            }
        }
    }
}

#[test]
fn sort_axis_out_of_range_is_a_typed_error() {
    let err = tessera::ones::<f64>([2, 3], 2)
        .sort(2, false)
        .check()
        .unwrap_err()
        .to_string();
    assert!(err.contains("axis 2"), "{err}");
}

#[test]
fn argsort_of_a_0d_array_is_a_typed_error() {
    assert!(tessera::ones::<f64>((), "auto")
        .argsort(-1, false)
        .check()
        .is_err());
}

#[test]
fn searchsorted_into_a_2d_array_is_a_typed_error() {
    let a = tessera::ones::<f64>([2, 2], 1);
    let err = a
        .searchsorted(&tessera::ones::<f64>(3, 1), Side::Left)
        .check()
        .unwrap_err()
        .to_string();
    assert!(err.contains("1-dimensional"), "{err}");
}

/// Sorting commutes with a non-decreasing cast: `sort` of the array as `T`
/// equals the cast of the float64 sort (finite values, so every cast keeps the order).
fn sort_as<T: Element + PartialEq + std::fmt::Debug>() {
    let d = specials(&[4, 9], 7).mapv(|v| if v.is_finite() { v } else { -3.0 });
    let xf = tessera::from_array(d, Chunks::new(vec![vec![3, 1], vec![2, 4, 3]]).unwrap());
    let xt: Array<T> = xf.astype::<T>();
    for descending in [false, true] {
        let want = xf.sort(1, descending).astype::<T>().compute().unwrap();
        assert_eq!(
            xt.sort(-1, descending).compute().unwrap(),
            want,
            "{}",
            T::DTYPE
        );
    }
}

#[test]
fn sort_of_every_real_dtype() {
    sort_as::<i8>();
    sort_as::<i16>();
    sort_as::<i64>();
    sort_as::<u8>();
    sort_as::<u32>();
    sort_as::<u64>();
    sort_as::<f32>();
}

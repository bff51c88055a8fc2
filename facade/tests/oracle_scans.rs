//! Oracle tests of the scans and arg reductions (cumsum, cumprod, argmin,
//! argmax, also in deep trees): random shapes and chunkings, compared with
//! plain ndarray computations, on every scheduler.

use ndarray::{ArrayD, Axis, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Reduce};

mod common;
mod reductions_kit;

tessera::worker_test!();
use common::{schedulers, shape_and_chunks};
use reductions_kit::{close, data, floats, lazy, np_arg, on, over, per_lane, pick_axis, reduced};

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
    if !size.is_multiple_of(npartitions) || out.is_empty() {
        out.push(size % npartitions);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn cumsum_and_cumprod_match_ndarray(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        axis_pick in any::<usize>(),
        flatten in any::<bool>(),
    ) {
        let d = floats(&shape, seed, 0);
        let x = lazy(&d, &chunks);
        if shape.is_empty() {
            // Dask scans axis 0 of the (unflattened) 0-d array, which has none.
            let err = x.cumsum().check().unwrap_err();
            let msg = err.root().to_string();
            prop_assert!(msg.contains("0-d"), "{msg}");
            prop_assert!(x.cumprod_with(0).check().is_err());
            return Ok(());
        }
        let small = data(&shape, seed, |r| 0.5 + (r % 100) as f64 / 100.0);
        let xs = lazy(&small, &chunks);
        let ints = data(&shape, seed, |r| (r % 3) as i32 - 1);
        let xi = lazy(&ints, &chunks);
        let (axis, want_sum, want_prod, want_isum, want_iprod, want_chunks) = if flatten {
            let f = flat(&d);
            let fi = flat(&ints.mapv(i64::from));
            (None, oracle_scan(&f, 0, |a, b| a + b), oracle_scan(&flat(&small), 0, |a, b| a * b),
             oracle_scan(&fi, 0, |a, b| a + b), oracle_scan(&fi, 0, |a, b| a * b),
             if shape.len() == 1 { chunks.clone() } else { vec![flat_scan_chunks(d.len(), x.npartitions())] })
        } else {
            let ax = axis_pick % shape.len();
            let wi = ints.mapv(i64::from);
            (Some(ax as i64 - shape.len() as i64 * (axis_pick % 2) as i64), oracle_scan(&d, ax, |a, b| a + b), oracle_scan(&small, ax, |a, b| a * b),
             oracle_scan(&wi, ax, |a, b| a + b), oracle_scan(&wi, ax, |a, b| a * b), chunks.clone())
        };
        // Floats scan in f64, i32 in NumPy's i64.
        let s: Array<f64> = x.cumsum_with(over(axis));
        let p: Array<f64> = xs.cumprod_with(over(axis));
        let si: Array<i64> = xi.cumsum_with(over(axis));
        let pi: Array<i64> = xi.cumprod_with(over(axis));
        for a in [s.check(), p.check(), si.check(), pi.check()] {
            prop_assert!(a.is_ok(), "{a:?}");
        }
        for a in [s.chunks(), p.chunks(), si.chunks(), pi.chunks()] {
            prop_assert_eq!(a.axes(), want_chunks.as_slice());
        }
        for sch in schedulers() {
            let sch = sch.as_ref();
            prop_assert!(close(&on(&s, sch).unwrap(), &want_sum), "cumsum {axis:?} of {shape:?} in {chunks:?}");
            prop_assert!(close(&on(&p, sch).unwrap(), &want_prod), "cumprod {axis:?} of {shape:?} in {chunks:?}");
            prop_assert_eq!(&on(&si, sch).unwrap(), &want_isum);
            prop_assert_eq!(&on(&pi, sch).unwrap(), &want_iprod);
        }
    }

    #[test]
    fn argmin_and_argmax_match_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        flatten in any::<bool>(),
        keepdims in any::<bool>(),
    ) {
        let d = floats(&shape, seed, 9);
        // Few distinct values: ties everywhere, so the first index must win.
        let ints = data(&shape, seed ^ 7, |r| (r % 4) as i32);
        let (axis, given) = pick_axis(&shape, pick, flatten);
        let (x, xi) = (lazy(&d, &chunks), lazy(&ints, &chunks));
        let empty = match axis { None => d.is_empty(), Some(ax) => shape[ax] == 0 };
        let r = Reduce { keepdims, ..over(given) };
        for max in [false, true] {
            let (got, got_i) = if max {
                (x.argmax_with(r.clone()), xi.argmax_with(over(given)))
            } else {
                (x.argmin_with(r.clone()), xi.argmin_with(over(given)))
            };
            if empty {
                let err = got.check().unwrap_err();
                let msg = err.root().to_string();
                prop_assert!(msg.contains("empty sequence"), "{msg}");
                prop_assert!(got_i.check().is_err());
                continue;
            }
            prop_assert!(got.check().is_ok() && got_i.check().is_ok());
            let mut want = per_lane(&d, axis, |v| np_arg(v, max));
            let want_i = per_lane(&ints.mapv(f64::from), axis, |v| np_arg(v, max));
            let mut want_chunks = reduced(&chunks, axis);
            if keepdims {
                let ax_list: Vec<usize> = axis.map_or((0..shape.len()).collect(), |a| vec![a]);
                for &a in &ax_list {
                    want = want.insert_axis(Axis(a));
                }
                want_chunks = (0..shape.len()).map(|a| if ax_list.contains(&a) { vec![1] } else { chunks[a].clone() }).collect();
            }
            prop_assert_eq!(got.chunks().axes(), want_chunks.as_slice());
            let red = reduced(&chunks, axis);
            prop_assert_eq!(got_i.chunks().axes(), red.as_slice());
            let op = if max { "argmax" } else { "argmin" };
            for s in schedulers() {
                prop_assert_eq!(&on(&got, s.as_ref()).unwrap(), &want, "{} {:?} of {:?} in {:?}", op, given, shape, chunks);
                prop_assert_eq!(&on(&got_i, s.as_ref()).unwrap(), &want_i);
            }
        }
    }

    #[test]
    fn deep_trees_keep_arg_and_topk_answers(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        flatten in any::<bool>(),
        split in 2usize..4,
    ) {
        prop_assume!(!shape.is_empty() && !shape.contains(&0));
        // Large unsigned values: the value planes must keep all 64 bits.
        let d = data(&shape, seed, |r| u64::MAX - (r % 5) * 3);
        let x = lazy(&d, &chunks);
        let (axis, given) = pick_axis(&shape, pick, flatten);
        let as_f = d.mapv(|v| (u64::MAX - v) as f64);
        let r = Reduce { split_every: Some(split), ..over(given) };
        for max in [false, true] {
            let a = if max { x.argmax_with(r.clone()) } else { x.argmin_with(r.clone()) };
            // Reversed order on the offsets from u64::MAX: argmax of d is argmin of as_f.
            let want = per_lane(&as_f, axis, |v| np_arg(v, !max));
            for s in schedulers() {
                prop_assert_eq!(&on(&a, s.as_ref()).unwrap(), &want);
            }
        }
        let ax = axis.unwrap_or(0);
        let k = (pick % shape[ax]) as i64 + 1;
        // The facade's topk takes no split_every: the ops layer is called directly.
        let t: Array<u64> = Array::from_expr(
            tessera_ops::topk::topk(x.expr().unwrap(), k, ax as i64, Some(split)).unwrap(),
        ).unwrap();
        let mut want = d.clone();
        want.slice_axis_inplace(Axis(ax), ndarray::Slice::from(0..k as usize));
        for (mut out, lane) in want.lanes_mut(Axis(ax)).into_iter().zip(d.lanes(Axis(ax))) {
            let mut v = lane.to_vec();
            v.sort_unstable_by(|a, b| b.cmp(a));
            for (o, x) in out.iter_mut().zip(v) {
                *o = x;
            }
        }
        for s in schedulers() {
            prop_assert_eq!(&on(&t, s.as_ref()).unwrap(), &want);
        }
    }
}

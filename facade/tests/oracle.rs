//! The oracle suite: every operation on random shapes and chunkings, compared
//! with the same computation in plain ndarray, on every scheduler.

use ndarray::{ArrayD, Axis};
use proptest::prelude::*;
use tessera::{Array, Chunks, Compute, Reduce, ReduceOp, Synchronous};

mod common;

tessera::worker_test!();
use common::{chunking, over_axes, schedulers, shape_and_chunks};

/// A shape with two independent chunkings of it.
fn shape_and_two_chunkings() -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>, Vec<Vec<usize>>)>
{
    prop::collection::vec(0usize..7, 0..5).prop_flat_map(|shape| {
        (
            Just(shape.clone()),
            chunking(shape.clone()),
            chunking(shape),
        )
    })
}

fn close(a: &ArrayD<f64>, b: &ArrayD<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter().zip(b.iter()).all(|(x, y)| {
            (x.is_nan() && y.is_nan())
                || x == y
                || (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs()))
        })
}

fn array(shape: &[usize], chunks: &[Vec<usize>], seed: u64) -> (ArrayD<f64>, Array<f64>) {
    let d = common::two_decimals(shape, seed);
    let c = Chunks::new(chunks.to_vec()).unwrap();
    let x = tessera::from_array(d.clone(), c);
    (d, x)
}

/// NumPy-style reduction of `d` over `axes` with ndarray.
fn oracle_reduce(d: &ArrayD<f64>, op: ReduceOp, axes: &[usize], keepdims: bool) -> ArrayD<f64> {
    let mut sorted = axes.to_vec();
    sorted.sort_unstable();
    over_axes(d, &sorted, keepdims, |v| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let m2 = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
        match op {
            ReduceOp::Sum => v.iter().sum(),
            ReduceOp::Prod => v.iter().product(),
            ReduceOp::Min => v.iter().copied().fold(f64::INFINITY, f64::min),
            ReduceOp::Max => v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ReduceOp::Mean => mean,
            ReduceOp::Var { ddof } => m2 / (v.len() as f64 - f64::from(ddof)).max(0.0),
            ReduceOp::Std { ddof } => (m2 / (v.len() as f64 - f64::from(ddof)).max(0.0)).sqrt(),
            _ => unreachable!(),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn reductions_match_ndarray(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        op_pick in 0usize..7,
        axis_mask in any::<u8>(),
        keepdims in any::<bool>(),
        all_axes in any::<bool>(),
    ) {
        let op = [ReduceOp::Sum, ReduceOp::Prod, ReduceOp::Min, ReduceOp::Max, ReduceOp::Mean, ReduceOp::Var { ddof: 0 }, ReduceOp::Std { ddof: 1 }][op_pick];
        let (d, x) = array(&shape, &chunks, seed);
        let axes: Vec<usize> = if all_axes { (0..shape.len()).collect() } else { (0..shape.len()).filter(|a| axis_mask & (1 << a) != 0).collect() };
        let opts = Reduce { axes: Some(axes.iter().map(|&a| a as i64).collect()), keepdims, split_every: None, ddof: 0 };
        let reduced: Array<f64> = x.reduction(op, opts);
        let empty_reduction = axes.iter().any(|&a| shape[a] == 0);
        if matches!(op, ReduceOp::Min | ReduceOp::Max) && empty_reduction {
            prop_assert!(reduced.check().is_err(), "min/max over an empty axis must be an error");
            return Ok(());
        }
        prop_assert!(reduced.check().is_ok());
        let want = oracle_reduce(&d, op, &axes, keepdims);
        for s in schedulers() {
            let got = reduced.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap();
            prop_assert!(close(&got, &want), "{op:?} axes {axes:?} keepdims {keepdims} on {shape:?} chunks {chunks:?} ({}): got {got} want {want}", s.name());
        }
    }

    #[test]
    fn elementwise_and_transpose_match_ndarray(
        (shape, chunks, other_chunks) in shape_and_two_chunkings(),
        seed in any::<u64>(),
    ) {
        let (d, x) = array(&shape, &chunks, seed);
        // A second operand of the same shape with its own chunking: chunks are unified.
        let (e, y) = array(&shape, &other_chunks, seed ^ 0xabcdef);
        let expr = &(&(&x + &y) * 2.0) - &x.t().t();
        let want = &(&(&d + &e) * 2.0) - &d;
        let xt = x.t();
        let want_t = d.t().to_owned();
        for s in schedulers() {
            prop_assert!(close(&expr.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want));
            prop_assert!(close(&xt.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want_t));
        }
    }

    #[test]
    fn rechunk_preserves_values(
        (shape, chunks, new_chunks) in shape_and_two_chunkings(),
        seed in any::<u64>(),
    ) {
        let (d, x) = array(&shape, &chunks, seed);
        let r = x.rechunk(Chunks::new(new_chunks.clone()).unwrap());
        prop_assert_eq!(r.chunks().axes(), new_chunks.as_slice());
        for s in schedulers() {
            prop_assert_eq!(&r.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &d);
        }
    }

    #[test]
    fn random_values_do_not_depend_on_chunks_or_scheduler(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
    ) {
        let a = tessera::random::normal(1.0, 2.0, shape.clone(), Chunks::new(chunks).unwrap(), seed);
        let b = tessera::random::normal(1.0, 2.0, shape.clone(), Chunks::single(&shape), seed);
        let reference = b.compute_with(&Compute::new().scheduler(&Synchronous)).unwrap();
        for s in schedulers() {
            prop_assert_eq!(&a.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &reference);
        }
    }
}

/// A slice item for axis length `d` from a pick number: plain, stepped, reversed, or an int.
fn item(d: usize, p: usize) -> tessera::IndexItem {
    let n = d as i64;
    match p % 5 {
        0 => tessera::IndexItem::full(),
        1 => tessera::IndexItem::slice(Some((p as i64) % (n + 1)), None, Some(2)),
        2 => tessera::IndexItem::step(.., -1),
        3 if n > 0 => tessera::IndexItem::int(-((p as i64 % n) + 1)),
        _ => tessera::IndexItem::slice(Some(-(p as i64 % (n + 2))), Some(n), Some(-2)),
    }
}

/// ndarray's version of the same item.
fn nd_item(d: usize, it: &tessera::IndexItem) -> ndarray::SliceInfoElem {
    let n = d as i64;
    match *it {
        tessera::IndexItem::Int(i) => ndarray::SliceInfoElem::Index(i as isize),
        tessera::IndexItem::Slice { start, stop, step } => {
            let step = step.unwrap_or(1);
            // Python slice semantics resolved to the taken positions.
            let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
            let norm = |v: i64| if v < 0 { v + n } else { v };
            let positions: Vec<i64> = if step > 0 {
                let a = clamp(start.map_or(0, norm), 0, n);
                let b = clamp(stop.map_or(n, norm), 0, n);
                (a..b).step_by(step as usize).collect()
            } else {
                let a = clamp(start.map_or(n - 1, norm), -1, n - 1);
                let b = clamp(
                    stop.map_or(-1, |v| if v < 0 { v + n } else { v }),
                    -1,
                    n - 1,
                );
                let mut v = Vec::new();
                let mut i = a;
                while i > b {
                    v.push(i);
                    i += step;
                }
                v
            };
            match (positions.first(), positions.last()) {
                (Some(&f), Some(&l)) if step > 0 => ndarray::SliceInfoElem::Slice {
                    start: f as isize,
                    end: Some(l as isize + 1),
                    step: step as isize,
                },
                (Some(&f), Some(&l)) => ndarray::SliceInfoElem::Slice {
                    start: l as isize,
                    end: Some(f as isize + 1),
                    step: step as isize,
                },
                _ => ndarray::SliceInfoElem::Slice {
                    start: 0,
                    end: Some(0),
                    step: 1,
                },
            }
        }
        _ => ndarray::SliceInfoElem::NewAxis,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn slicing_matches_ndarray((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), picks in prop::collection::vec(0usize..1000, 4)) {
        let (d, x) = array(&shape, &chunks, seed);
        let index: Vec<tessera::IndexItem> = shape.iter().zip(&picks).map(|(&n, &p)| item(n, p)).collect();
        let want = d.slice(index.iter().zip(&shape).map(|(it, &n)| nd_item(n, it)).collect::<Vec<_>>().as_slice()).to_owned();
        let y = x.slice(&index);
        for s in schedulers() {
            prop_assert_eq!(&y.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want);
        }
    }

    #[test]
    fn joins_and_reshapes_match_ndarray((shape, a_chunks, b_chunks) in shape_and_two_chunkings(), seed in any::<u64>(), axis_pick in 0usize..4) {
        prop_assume!(!shape.is_empty());
        let (d, x) = array(&shape, &a_chunks, seed);
        let (e, y) = array(&shape, &b_chunks, seed + 1);
        let axis = axis_pick % shape.len();
        let cat = tessera::concatenate(&[&x, &y], axis as i64);
        let st = tessera::stack(&[&x, &y], axis as i64);
        let flat = x.ravel();
        let want_cat = ndarray::concatenate(Axis(axis), &[d.view(), e.view()]).unwrap();
        let want_st = ndarray::stack(Axis(axis), &[d.view(), e.view()]).unwrap();
        let want_flat: Vec<f64> = d.iter().copied().collect();
        let size: usize = shape.iter().product();
        let re = x.reshape(&[-1, shape[0].max(1) as i64]);
        for s in schedulers() {
            prop_assert_eq!(&cat.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want_cat);
            prop_assert_eq!(&st.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want_st);
            prop_assert_eq!(flat.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap().iter().copied().collect::<Vec<_>>(), want_flat.clone());
            if size > 0 {
                let r = re.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap();
                prop_assert_eq!(r.iter().copied().collect::<Vec<_>>(), want_flat.clone());
            }
        }
    }

    #[test]
    fn comparisons_where_casts_and_logic_match_ndarray((shape, a_chunks, b_chunks) in shape_and_two_chunkings(), seed in any::<u64>()) {
        let (d, x) = array(&shape, &a_chunks, seed);
        let (e, y) = array(&shape, &b_chunks, seed + 7);
        let gt = x.gt(0.0);
        let picked = tessera::where_(&gt, &x, &y);
        let ints = x.astype::<i32>();
        let any = gt.any();
        let all = gt.all();
        let clipped = x.clip(-1.0, 1.0);
        let want_gt = d.mapv(|v| v > 0.0);
        let want_pick = ndarray::Zip::from(&d).and(&e).map_collect(|&a, &b| if a > 0.0 { a } else { b });
        let want_ints = d.mapv(|v| v as i32);
        for s in schedulers() {
            prop_assert_eq!(&gt.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want_gt);
            prop_assert_eq!(&picked.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want_pick);
            prop_assert_eq!(&ints.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want_ints);
            prop_assert_eq!(any.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap().iter().copied().next(), Some(want_gt.iter().any(|&v| v)));
            prop_assert_eq!(all.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap().iter().copied().next(), Some(want_gt.iter().all(|&v| v)));
            prop_assert_eq!(&clipped.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &d.mapv(|v| v.clamp(-1.0, 1.0)));
        }
    }
}

//! Oracle tests of the NaN-skipping reductions (nansum, nanprod, nanmin,
//! nanmax, nanmean, nanvar, nanstd) over one axis, all, or any set with
//! keepdims and split_every: random shapes and chunkings, compared with NumPy
//! computed by hand, on every scheduler.

use proptest::prelude::*;
use tessera::{Array, Reduce, ReduceOp};

mod common;
mod reductions_kit;

tessera::worker_test!();
use common::{over_axes, schedulers, shape_and_chunks};
use reductions_kit::{
    close, dask_nanvar, floats, lazy, non_nan, on, over, per_lane, pick_axis, reduced, Oracle,
};

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn nan_reductions_match_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        flatten in any::<bool>(),
        nan_one_in in prop::sample::select(vec![2u64, 3, 7]),
    ) {
        let d = floats(&shape, seed, nan_one_in);
        let x = lazy(&d, &chunks);
        let (axis, given) = pick_axis(&shape, pick, flatten);
        let want_chunks = reduced(&chunks, axis);
        let empty = match axis { None => d.is_empty(), Some(ax) => shape[ax] == 0 };
        let cases: Vec<(&str, Array<f64>, Oracle)> = vec![
            ("nansum", x.nansum_with(over(given)), Box::new(|v| non_nan(v).iter().sum())),
            ("nanprod", x.nanprod_with(over(given)), Box::new(|v| non_nan(v).iter().product())),
            ("nanmin", x.nanmin_with(over(given)), Box::new(|v| non_nan(v).iter().copied().reduce(f64::min).unwrap_or(f64::NAN))),
            ("nanmax", x.nanmax_with(over(given)), Box::new(|v| non_nan(v).iter().copied().reduce(f64::max).unwrap_or(f64::NAN))),
            ("nanmean", x.nanmean_with(over(given)), Box::new(|v| { let n = non_nan(v); n.iter().sum::<f64>() / n.len() as f64 })),
            ("nanvar", x.nanvar_with(Reduce { ddof: 0, ..over(given) }), Box::new(|v| dask_nanvar(v, 0))),
            ("nanstd", x.nanstd_with(Reduce { ddof: 1, ..over(given) }), Box::new(|v| dask_nanvar(v, 1).sqrt())),
        ];
        for (name, got, oracle) in cases {
            if empty && (name == "nanmin" || name == "nanmax") {
                prop_assert!(got.check().is_err(), "{name} of an empty axis must be an error");
                continue;
            }
            let built = got.check();
            prop_assert!(built.is_ok(), "{name}: {built:?}");
            prop_assert_eq!(got.chunks().axes(), want_chunks.as_slice());
            let want = per_lane(&d, axis, |v| oracle(v));
            for s in schedulers() {
                let g = on(&got, s.as_ref()).unwrap();
                prop_assert!(close(&g, &want), "{name} {given:?} of {shape:?} in {chunks:?} ({}): got {g} want {want}", s.name());
            }
        }
    }

    #[test]
    fn nan_reductions_over_any_axes_with_keepdims_and_split_every(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        axis_mask in any::<u8>(),
        keepdims in any::<bool>(),
        split in 2usize..6,
        op_pick in 0usize..7,
    ) {
        let d = floats(&shape, seed, 3);
        let x = lazy(&d, &chunks);
        let axes: Vec<usize> = (0..shape.len()).filter(|a| axis_mask & (1 << a) != 0).collect();
        let (op, oracle): (ReduceOp, Oracle) = match op_pick {
            0 => (ReduceOp::NanSum, Box::new(|v| non_nan(v).iter().sum())),
            1 => (ReduceOp::NanProd, Box::new(|v| non_nan(v).iter().product())),
            2 => (ReduceOp::NanMin, Box::new(|v| non_nan(v).iter().copied().reduce(f64::min).unwrap_or(f64::NAN))),
            3 => (ReduceOp::NanMax, Box::new(|v| non_nan(v).iter().copied().reduce(f64::max).unwrap_or(f64::NAN))),
            4 => (ReduceOp::NanMean, Box::new(|v| { let n = non_nan(v); n.iter().sum::<f64>() / n.len() as f64 })),
            5 => (ReduceOp::NanVar { ddof: 1 }, Box::new(|v| dask_nanvar(v, 1))),
            _ => (ReduceOp::NanStd { ddof: 0 }, Box::new(|v| dask_nanvar(v, 0).sqrt())),
        };
        let r = Reduce { axes: Some(axes.iter().map(|&a| a as i64).collect()), keepdims, split_every: Some(split), ddof: 0 };
        let got: Array<f64> = x.reduction(op, r);
        if matches!(op, ReduceOp::NanMin | ReduceOp::NanMax) && axes.iter().any(|&a| shape[a] == 0) {
            prop_assert!(got.check().is_err());
            return Ok(());
        }
        let built = got.check();
        prop_assert!(built.is_ok(), "{op:?}: {built:?}");
        let want = over_axes(&d, &axes, keepdims, oracle);
        for s in schedulers() {
            let g = on(&got, s.as_ref()).unwrap();
            prop_assert!(close(&g, &want), "{op:?} axes {axes:?} keepdims {keepdims} split {split} of {shape:?} in {chunks:?}: got {g} want {want}");
        }
    }
}

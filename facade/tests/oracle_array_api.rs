//! `vecdot`, `take_along_axis`, `cumulative_sum` / `cumulative_prod` (with
//! and without `include_initial`) against direct ndarray loops on random
//! shapes and chunkings with NaN, ±inf and -0.0 among the values, on every
//! scheduler; and the dtype functions against NumPy's answers.

use ndarray::{ArrayD, Axis, Dimension, IxDyn};
use proptest::prelude::*;
use tessera::{Array, DType};

mod common;
mod specials;

tessera::worker_test!();
use common::{chunking, small_ints, split};
use specials::{array, check, same_values, specials};

fn case(lo: usize, hi: usize) -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>, u64)> {
    prop::collection::vec(0usize..6, lo..=hi)
        .prop_flat_map(|shape| (Just(shape.clone()), chunking(shape), any::<u64>()))
}

/// Running `op` along `axis` of `d`, with `init` first when `include`.
fn scan(
    d: &ArrayD<f64>,
    axis: usize,
    include: Option<f64>,
    op: fn(f64, f64) -> f64,
) -> ArrayD<f64> {
    let mut shape = d.shape().to_vec();
    let extra = usize::from(include.is_some());
    shape[axis] += extra;
    let mut out = ArrayD::zeros(IxDyn(&shape));
    for (lane, mut into) in d
        .lanes(Axis(axis))
        .into_iter()
        .zip(out.lanes_mut(Axis(axis)))
    {
        let mut acc = None;
        if let Some(init) = include {
            into[0] = init;
        }
        for (i, &v) in lane.iter().enumerate() {
            let next = acc.map_or(v, |a| op(a, v));
            acc = Some(next);
            into[i + extra] = next;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn vecdot_equals_a_loop((shape, chunks, seed) in case(1, 3), axis in -3i64..3, drop in 0usize..3, cut in 1usize..4) {
        // Small integers: every order of summation gives the same sum.
        let a = small_ints(&shape, seed);
        let drop = drop.min(shape.len() - 1);
        let bshape = shape[drop..].to_vec();
        let b = small_ints(&bshape, seed ^ 3);
        let bchunks: Vec<Vec<usize>> = bshape.iter().map(|&d| split(d, &[cut])).collect();
        // An axis both arrays have (a missing one counts as length 1 and must match).
        let ax = shape.len() - 1 - (axis.unsigned_abs() as usize % bshape.len());
        let prod = &a * &b.broadcast(IxDyn(&shape)).unwrap();
        let want = prod.sum_axis(Axis(ax));
        let y = array(&a, &chunks).vecdot(&array(&b, &bchunks), ax as i64 - shape.len() as i64);
        check(&y, &want, same_values)?;
    }

    #[test]
    fn cumulative_sum_and_prod_equal_a_loop((shape, chunks, seed) in case(1, 3), axis in -3i64..3, include in any::<bool>()) {
        let d = specials(&shape, seed);
        let ax = axis.rem_euclid(shape.len() as i64);
        let x = array(&d, &chunks);
        let sum = scan(&d, ax as usize, include.then_some(0.0), |a, b| a + b);
        check(&x.cumulative_sum(Some(ax - shape.len() as i64), include), &sum, same_values)?;
        let prod = scan(&d, ax as usize, include.then_some(1.0), |a, b| a * b);
        check(&x.cumulative_prod(Some(ax), include), &prod, same_values)?;
    }

    #[test]
    fn take_along_axis_equals_a_loop((shape, chunks, seed) in case(1, 3), axis in -3i64..3, len in 0usize..5, cut in 1usize..4, bcast in any::<bool>()) {
        let d = specials(&shape, seed);
        let ax = axis.rem_euclid(shape.len() as i64) as usize;
        let n = shape[ax] as i64;
        let mut ishape = shape.clone();
        ishape[ax] = if n == 0 { 0 } else { len };
        if bcast && shape.len() > 1 {
            ishape[(ax + 1) % shape.len()] = 1;
        }
        let mut state = seed | 5;
        let idx = ArrayD::from_shape_fn(IxDyn(&ishape), |_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as i64).rem_euclid((2 * n).max(1)) - n
        });
        let ichunks: Vec<Vec<usize>> = ishape.iter().map(|&d| split(d, &[cut])).collect();
        let y = array(&d, &chunks).take_along_axis(&array(&idx, &ichunks), ax as i64);
        let mut oshape = shape.clone();
        oshape[ax] = ishape[ax];
        let want = ArrayD::from_shape_fn(IxDyn(&oshape), |ix| {
            let mut at: Vec<usize> = ix.slice().to_vec();
            let mut iat = at.clone();
            for k in 0..at.len() {
                if ishape[k] == 1 && k != ax { iat[k] = 0; }
            }
            let i = idx[IxDyn(&iat)];
            at[ax] = (if i < 0 { i + n } else { i }) as usize;
            d[IxDyn(&at)]
        });
        check(&y, &want, same_values)?;
    }
}

#[test]
fn cumulative_sum_keeps_numpys_dtypes_and_casts_when_asked() {
    let x = tessera::from_array(ndarray::arr1(&[1i8, 100, 100]).into_dyn(), 2);
    let y: Array<i64> = x.cumulative_sum(None, false);
    assert_eq!(
        y.compute().unwrap().into_raw_vec_and_offset().0,
        vec![1, 101, 201]
    );
    let z: Array<f32> = x.cumulative_as::<f32>(tessera::CumOp::Prod, Some(0), true);
    assert_eq!(
        z.compute().unwrap().into_raw_vec_and_offset().0,
        vec![1.0, 1.0, 100.0, 10000.0]
    );
    assert_eq!(z.chunks().axes(), &[vec![1, 2, 1]]);
}

#[test]
fn cumulative_sum_of_an_empty_axis_with_initial_is_one_zero() {
    let x = tessera::ones::<f64>([3, 0], 2);
    let y = x.cumulative_sum(Some(1), true);
    assert_eq!(y.shape(), vec![3, 1]);
    assert_eq!(y.compute().unwrap().sum(), 0.0);
}

#[test]
fn take_along_axis_index_out_of_range_fails_at_compute() {
    let x = tessera::arange::<f64>(0.0, 4.0, 1.0, 2);
    let i = tessera::from_array(ndarray::arr1(&[0i64, 4]).into_dyn(), 1);
    let err = x.take_along_axis(&i, 0).compute().unwrap_err().to_string();
    assert!(
        err.contains("index 4 is out of bounds for axis 0 of length 4"),
        "{err}"
    );
}

#[test]
fn dtype_functions_agree_with_numpy() {
    use tessera::{can_cast, finfo, iinfo, isdtype, isdtype_any, result_type};
    // np.can_cast(from, to) for a few pairs, and every dtype to itself.
    for (from, to, want) in [
        (DType::Bool, DType::I8, true),
        (DType::U8, DType::I16, true),
        (DType::U8, DType::I8, false),
        (DType::I64, DType::F64, true),
        (DType::I32, DType::F32, false),
        (DType::F32, DType::Complex64, true),
        (DType::F64, DType::Complex64, false),
        (DType::F64, DType::F32, false),
        (DType::U64, DType::I64, false),
    ] {
        assert_eq!(can_cast(from, to), want, "{from} -> {to}");
    }
    assert!(DType::ALL.iter().all(|&d| can_cast(d, d)));
    assert_eq!(result_type(&[DType::U64, DType::I8]).unwrap(), DType::F64);
    assert_eq!(result_type(&[DType::Bool]).unwrap(), DType::Bool);
    assert_eq!(
        result_type(&[DType::F32, DType::Complex64, DType::I8]).unwrap(),
        DType::Complex64
    );
    let f = finfo(DType::F64).unwrap();
    assert_eq!(
        (f.bits, f.eps, f.max, f.min, f.smallest_normal),
        (
            64,
            2.220446049250313e-16,
            f64::MAX,
            -f64::MAX,
            2.2250738585072014e-308
        )
    );
    assert_eq!(finfo(DType::Complex64).unwrap().dtype, DType::F32);
    assert_eq!(tessera::finfo_of::<f32>().unwrap().max, f32::MAX as f64);
    let i = iinfo(DType::I16).unwrap();
    assert_eq!((i.bits, i.min, i.max), (16, -32768, 32767));
    assert_eq!(iinfo(DType::U64).unwrap().max, u64::MAX as i128);
    for (d, kind, want) in [
        (DType::Bool, "bool", true),
        (DType::I8, "signed integer", true),
        (DType::U8, "signed integer", false),
        (DType::U32, "unsigned integer", true),
        (DType::I64, "integral", true),
        (DType::F32, "integral", false),
        (DType::F64, "real floating", true),
        (DType::Complex128, "real floating", false),
        (DType::Complex64, "complex floating", true),
        (DType::Complex64, "numeric", true),
        (DType::Bool, "numeric", false),
        (DType::I32, "int32", true),
        (DType::I32, "int64", false),
    ] {
        assert_eq!(isdtype(d, kind).unwrap(), want, "{d} {kind}");
    }
    assert!(isdtype_any(DType::F32, &["integral", "real floating"]).unwrap());
    assert!(!isdtype_any(DType::Bool, &["integral", "numeric"]).unwrap());
}

//! `float16` against direct loops, on random shapes and chunkings, on every
//! scheduler: casts to `float16` from every dtype (round to nearest even,
//! overflow to ±inf, NaN stays NaN) checked against a bit-level rounding
//! written here, casts from `float16` to every dtype, unary math and
//! arithmetic computed in `f32` and rounded once (as NumPy's `float16`
//! loops), comparisons and `where`, sums, means and maxima (accumulated in
//! `f32`, rounded once), and Zarr round trips — with NaN, ±inf, -0.0,
//! subnormals, values past 65504 and empty arrays among the inputs.

use std::sync::Arc;

use ndarray::{ArrayD, Axis};
use proptest::prelude::*;
use tessera::chunk_core::num_complex::Complex;
use tessera::{f16, Array, Chunks, Compute, DType, DynArray, Element};

mod common;

tessera::worker_test!();
use common::{chunking, schedulers, seeded, split};

/// The value of float16 bits (exact in f64), decoded by hand.
fn decode(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let mant = f64::from(bits & 0x3ff);
    sign * match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1024.0 + mant) * 2f64.powi(e - 25),
    }
}

/// The float16 nearest to `x` (ties to the even significand), ±inf past
/// 65504 by half an ulp or more, NaN for NaN: IEEE rounding by hand, in one
/// step (scaling by powers of two is exact in f64).
fn encode(x: f64) -> u16 {
    let sign: u16 = if x.is_sign_negative() { 0x8000 } else { 0 };
    let a = x.abs();
    if a.is_nan() {
        return 0x7e00 | sign;
    }
    if a >= 65520.0 {
        return 0x7c00 | sign;
    }
    if a < 2f64.powi(-14) {
        // Subnormal (or zero): a multiple of 2^-24; 1024 is the smallest normal.
        return sign | (a * 2f64.powi(24)).round_ties_even() as u16;
    }
    let mut e = a.log2().floor() as i32;
    // log2 may be off by one next to a power of two: settle 2^e <= a < 2^(e+1).
    if 2f64.powi(e) > a {
        e -= 1;
    } else if 2f64.powi(e + 1) <= a {
        e += 1;
    }
    let mut m = (a * 2f64.powi(10 - e)).round_ties_even() as u16;
    if m == 2048 {
        m = 1024;
        e += 1;
    }
    if e > 15 {
        return 0x7c00 | sign;
    }
    sign | (((e + 15) as u16) << 10) | (m - 1024)
}

fn h(x: f64) -> f16 {
    f16::from_bits(encode(x))
}

/// Equal, with the same sign (so -0.0 is not 0.0), or both NaN.
#[allow(clippy::eq_op)]
fn same<T: Element>(a: T, b: T) -> bool {
    (a != a && b != b) || (a == b && a.to_f64().is_sign_negative() == b.to_f64().is_sign_negative())
}

/// `d` as a tessera array in `chunks`.
fn array<T: Element>(d: &ArrayD<T>, chunks: &[Vec<usize>]) -> Array<T> {
    tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap())
}

/// Equal values (-0.0 equal to 0.0), or both NaN: for reductions, whose
/// zero signs depend on the order of the elements.
#[allow(clippy::eq_op)]
fn same_value<T: Element>(a: T, b: T) -> bool {
    (a != a && b != b) || a == b
}

/// `y` has `want`'s shape and every scheduler computes `want`, element by
/// element [`same`].
fn check<T: Element>(y: &Array<T>, want: &ArrayD<T>, what: &str) -> Result<(), TestCaseError> {
    check_by(y, want, what, same)
}

/// [`check`] with the element comparison `eq`.
fn check_by<T: Element>(
    y: &Array<T>,
    want: &ArrayD<T>,
    what: &str,
    eq: fn(T, T) -> bool,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        y.shape(),
        want.shape().to_vec(),
        "{}: {:?}",
        what,
        y.error()
    );
    prop_assert_eq!(y.dtype(), T::DTYPE);
    for s in schedulers() {
        let got = y
            .compute_with(&Compute::new().scheduler(s.as_ref()))
            .map_err(|e| TestCaseError::fail(format!("{what} on {}: {e}", s.name())))?;
        let ok = got.shape() == want.shape() && got.iter().zip(want).all(|(&a, &b)| eq(a, b));
        prop_assert!(ok, "{} on {}: {:?} != {:?}", what, s.name(), got, want);
    }
    Ok(())
}

/// float16 values: NaN, ±inf, ±0.0, subnormals, the largest finite values,
/// and random finite bit patterns of either sign.
fn halves(shape: &[usize], seed: u64) -> ArrayD<f16> {
    seeded(shape, seed, |r| {
        let sign = if (r >> 5) & 1 == 1 { 0x8000 } else { 0 };
        let rest = (r >> 6) as u16;
        let bits = match r % 16 {
            0 => 0x7e00 | sign,
            1 => 0x7c00 | sign,
            2 => 0x8000,
            3 => 0,
            4 | 5 => sign | (rest % 1023 + 1),
            6 => sign | (0x7bff - rest % 2),
            _ => sign | (rest % 0x7c00),
        };
        f16::from_bits(bits)
    })
}

/// f64 values to round: NaN, ±inf, -0.0, exact and near ties between
/// neighbouring float16s (normal and subnormal), values at and past 65504, values below
/// the smallest subnormal, integers, and random doubles of every float16 scale.
fn wide(shape: &[usize], seed: u64) -> ArrayD<f64> {
    seeded(shape, seed, |r| {
        let sign = if (r >> 5) & 1 == 1 { -1.0 } else { 1.0 };
        let rest = r >> 6;
        match r % 12 {
            0 => f64::NAN,
            1 => sign * f64::INFINITY,
            2 => -0.0,
            3 => {
                // Halfway between two neighbours (rounds to the even one), or
                // a hair off halfway, which rounding through f32 would make a tie.
                let b = (rest % 0x7bff) as u16;
                let tie = (decode(b) + decode(b + 1)) / 2.0;
                let hair = tie * 2f64.powi(-35);
                sign * [tie, tie + hair, tie - hair][(rest >> 15) as usize % 3]
            }
            4 => {
                let big = [
                    65504.0, 65519.0, 65519.99, 65520.0, 65536.0, 70000.0, 1e10, 3.4e38, 1e300,
                ];
                sign * big[rest as usize % big.len()]
            }
            5 => {
                let tiny = [
                    2f64.powi(-25),
                    2f64.powi(-25) * 1.000001,
                    2f64.powi(-24),
                    3e-8,
                    1e-9,
                    5e-324,
                    2f64.powi(-14) - 2f64.powi(-25),
                ];
                sign * tiny[rest as usize % tiny.len()]
            }
            6 => sign * (rest % 70000) as f64,
            _ => {
                // Exponents -26 to 17: below the subnormals to past the largest.
                let mant = 1.0 + ((rest / 44) % (1 << 18)) as f64 / (1u64 << 18) as f64;
                sign * mant * 2f64.powi((rest % 44) as i32 - 26)
            }
        }
    })
}

/// Integers, mostly within float16's range, some past it and some extreme.
fn ints(shape: &[usize], seed: u64) -> ArrayD<f64> {
    seeded(shape, seed, |r| {
        let sign = if (r >> 5) & 1 == 1 { -1.0 } else { 1.0 };
        match r % 8 {
            0 => sign * 9.2e18,
            // Ties between float16 neighbours: 2049 rounds to 2048, 2051 to 2052.
            1 => sign * (2049.0 + ((r >> 6) % 4) as f64),
            _ => sign * ((r >> 6) % 70000) as f64,
        }
    })
}

/// A chunking of `shape` cut from `seed` (another than [`case`]'s).
fn chunking_of(shape: &[usize], seed: u64) -> Vec<Vec<usize>> {
    shape
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            split(
                d,
                &[
                    (seed >> (4 * k)) as usize % 3 + 1,
                    (seed >> (4 * k + 2)) as usize % 4 + 1,
                ],
            )
        })
        .collect()
}

fn case(lo: usize, hi: usize) -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>, u64)> {
    prop::collection::vec(0usize..6, lo..=hi)
        .prop_flat_map(|shape| (Just(shape.clone()), chunking(shape), any::<u64>()))
}

/// `src.astype(float16)` is `encode` of each value (the real part of complex ones).
fn check_to_f16<T: Element>(src: &ArrayD<T>, chunks: &[Vec<usize>]) -> Result<(), TestCaseError> {
    let want = src.mapv(|v| h(v.to_f64()));
    check(
        &array(src, chunks).astype::<f16>(),
        &want,
        &format!("{} -> float16", T::DTYPE),
    )
}

/// `x.astype(U)` is `cast` of each float16 value (decoded by hand).
fn check_from_f16<U: Element>(
    x: &ArrayD<f16>,
    chunks: &[Vec<usize>],
    cast: impl Fn(f64) -> U,
) -> Result<(), TestCaseError> {
    let want = x.mapv(|v| cast(decode(v.to_bits())));
    check(
        &array(x, chunks).astype::<U>(),
        &want,
        &format!("float16 -> {}", U::DTYPE),
    )
}

/// Rounded once from `f(x)` in f32, as NumPy's float16 loops.
fn via_f32(x: f16, f: impl Fn(f32) -> f32) -> f16 {
    h(f64::from(f(decode(x.to_bits()) as f32)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn casts_to_float16_round_to_nearest_even((shape, chunks, seed) in case(0, 3)) {
        let w = wide(&shape, seed);
        check_to_f16(&w, &chunks)?;
        // float32 sources round twice (to f32 on the way in, then to f16 here).
        check_to_f16(&w.mapv(|v| v as f32), &chunks)?;
        let zs = ndarray::Zip::from(&w).and(&wide(&shape, seed ^ 9)).map_collect(|&re, &im| Complex::new(re, im));
        check_to_f16(&zs, &chunks)?;
        check_to_f16(&zs.mapv(|z| Complex::new(z.re as f32, z.im as f32)), &chunks)?;
        let n = ints(&shape, seed);
        check_to_f16(&n.mapv(|v| v as i8), &chunks)?;
        check_to_f16(&n.mapv(|v| v as i16), &chunks)?;
        check_to_f16(&n.mapv(|v| v as i32), &chunks)?;
        check_to_f16(&n.mapv(|v| v as i64), &chunks)?;
        check_to_f16(&n.mapv(|v| v as u8), &chunks)?;
        check_to_f16(&n.mapv(|v| v as u16), &chunks)?;
        check_to_f16(&n.mapv(|v| v as u32), &chunks)?;
        check_to_f16(&n.mapv(|v| v as u64), &chunks)?;
        check_to_f16(&n.mapv(|v| v > 0.0), &chunks)?;
    }

    #[test]
    fn casts_from_float16_are_exact_or_saturate((shape, chunks, seed) in case(0, 3)) {
        let x = halves(&shape, seed);
        check_from_f16(&x, &chunks, |v| v)?;
        check_from_f16(&x, &chunks, |v| v as f32)?;
        check_from_f16(&x, &chunks, |v| Complex::new(v, 0.0))?;
        check_from_f16(&x, &chunks, |v| Complex::new(v as f32, 0.0))?;
        // NaN to true, as NumPy's bool(nan).
        check_from_f16(&x, &chunks, |v| v != 0.0)?;
        // Integers as the other float-to-integer casts: toward zero,
        // saturating, NaN to 0.
        check_from_f16(&x, &chunks, |v| v as i8)?;
        check_from_f16(&x, &chunks, |v| v as i16)?;
        check_from_f16(&x, &chunks, |v| v as i32)?;
        check_from_f16(&x, &chunks, |v| v as i64)?;
        check_from_f16(&x, &chunks, |v| v as u8)?;
        check_from_f16(&x, &chunks, |v| v as u16)?;
        check_from_f16(&x, &chunks, |v| v as u32)?;
        check_from_f16(&x, &chunks, |v| v as u64)?;
        check_from_f16(&x, &chunks, |v| f16::from_bits(encode(v)))?;
    }

    #[test]
    fn unary_math_runs_in_f32_and_rounds_once((shape, chunks, seed) in case(0, 3)) {
        let d = halves(&shape, seed);
        let x = array(&d, &chunks);
        check(&x.sin(), &d.mapv(|v| via_f32(v, f32::sin)), "sin")?;
        check(&x.exp(), &d.mapv(|v| via_f32(v, f32::exp)), "exp")?;
        check(&x.sqrt(), &d.mapv(|v| via_f32(v, f32::sqrt)), "sqrt")?;
        check(&x.log(), &d.mapv(|v| via_f32(v, f32::ln)), "log")?;
        check(&x.tanh(), &d.mapv(|v| via_f32(v, f32::tanh)), "tanh")?;
        check(&x.floor(), &d.mapv(|v| via_f32(v, f32::floor)), "floor")?;
        check(&x.abs(), &d.mapv(|v| via_f32(v, f32::abs)), "abs")?;
        check(&-&x, &d.mapv(|v| via_f32(v, |f| -f)), "negative")?;
        check(&x.isnan(), &d.mapv(|v| decode(v.to_bits()).is_nan()), "isnan")?;
    }

    #[test]
    fn arithmetic_runs_in_f32_and_rounds_once((shape, chunks, seed) in case(0, 3), other in any::<u64>()) {
        let (da, db) = (halves(&shape, seed), halves(&shape, seed ^ 0x5eed));
        let (a, b) = (array(&da, &chunks), array(&db, &chunking_of(&shape, other)));
        let both = |f: fn(f32, f32) -> f32| {
            ndarray::Zip::from(&da).and(&db).map_collect(|&x, &y| {
                h(f64::from(f(decode(x.to_bits()) as f32, decode(y.to_bits()) as f32)))
            })
        };
        check(&(&a + &b), &both(|x, y| x + y), "+")?;
        check(&(&a - &b), &both(|x, y| x - y), "-")?;
        check(&(&a * &b), &both(|x, y| x * y), "*")?;
        check(&(&a / &b), &both(|x, y| x / y), "/")?;
        let cmp = |f: fn(f32, f32) -> bool| {
            ndarray::Zip::from(&da).and(&db).map_collect(|&x, &y| f(decode(x.to_bits()) as f32, decode(y.to_bits()) as f32))
        };
        check(&a.lt(&b), &cmp(|x, y| x < y), "<")?;
        check(&a.eq(&b), &cmp(|x, y| x == y), "==")?;
        let picked = ndarray::Zip::from(&da).and(&db).map_collect(|&x, &y| {
            if decode(x.to_bits()) > decode(y.to_bits()) { x } else { y }
        });
        check(&tessera::where_(&a.gt(&b), &a, &b), &picked, "where")?;
        // f64 scalars round to float16 first (a Python float is weak in NumPy 2):
        // 1e5 is inf there.
        for s in [1.0, -2.5, 0.1, 1e5] {
            let s16 = decode(encode(s)) as f32;
            let one = |f: &dyn Fn(f32) -> f32| da.mapv(|x| h(f64::from(f(decode(x.to_bits()) as f32))));
            check(&(&a + s), &one(&|x| x + s16), "x + s")?;
            check(&(s - &a), &one(&|x| s16 - x), "s - x")?;
            check(&(&a * s), &one(&|x| x * s16), "x * s")?;
            check(&(s / &a), &one(&|x| s16 / x), "s / x")?;
            check(&(&a + h(s)), &one(&|x| x + s16), "x + f16 s")?;
        }
    }

    #[test]
    fn reductions_accumulate_in_f32_and_round_once((shape, chunks, seed) in case(1, 3), axis in 0usize..3, subnormal in any::<bool>()) {
        // Quarter integers up to ±2048, or subnormals, with NaN, ±inf and
        // ±0.0: every order of summation is exact in f32 (and f64), so the
        // loop's one rounding is the only one.
        let d = seeded(&shape, seed, |r| {
            let sign = if (r >> 5) & 1 == 1 { 0x8000 } else { 0 };
            let bits = match r % 24 {
                0 => 0x7e00,
                1 => 0x7c00 | sign,
                2 => 0x8000,
                _ if subnormal => sign | ((r >> 6) % 1024) as u16,
                _ => encode(((r >> 6) % 16384) as f64 / 4.0 - 2048.0),
            };
            f16::from_bits(bits)
        });
        let ax = axis % shape.len();
        let x = array(&d, &chunks);
        let vals = d.mapv(|v| decode(v.to_bits()));
        let sum = vals.sum_axis(Axis(ax));
        check_by(&x.sum_with(ax as i64), &sum.mapv(h), "sum", same_value)?;
        check_by(&x.sum(), &ndarray::arr0(h(vals.sum())).into_dyn(), "sum of all", same_value)?;
        let n = shape[ax] as f64;
        check_by(&x.mean_with(ax as i64), &sum.mapv(|s| h(s / n)), "mean", same_value)?;
        if shape[ax] == 0 {
            prop_assert!(x.max_with(ax as i64).check().is_err());
        } else {
            let max = vals.fold_axis(Axis(ax), f64::NEG_INFINITY, |&m, &v| {
                if m.is_nan() || v.is_nan() { f64::NAN } else { m.max(v) }
            });
            check_by(&x.max_with(ax as i64), &max.mapv(h), "max", same_value)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Zarr v3 and v2 stores written on each scheduler read back bit for bit.
    #[test]
    fn zarr_round_trips_bit_for_bit((shape, chunks, seed) in case(0, 3)) {
        use tessera::storage::{WriteOptions, ZarrFormat, ZarrStore};
        let d = halves(&shape, seed);
        let x = array(&d, &chunks);
        let dir = tempfile::tempdir().unwrap();
        for s in schedulers() {
            for format in [ZarrFormat::V3, ZarrFormat::V2] {
                let path = dir.path().join(format!("{}-{format:?}.zarr", s.name()));
                let store = ZarrStore::create_with(&path, WriteOptions::default().with_format(format)).unwrap();
                let opts = Compute::new().scheduler(s.as_ref());
                x.to_store_with(Arc::new(store), "h", &opts).unwrap();
                let back: Array<f16> = tessera::from_zarr(&path, "h").unwrap();
                prop_assert_eq!(back.dtype(), DType::F16);
                let got = back.compute_with(&opts).unwrap();
                let bits = |a: &ArrayD<f16>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                prop_assert_eq!(got.shape(), d.shape());
                prop_assert_eq!(bits(&got), bits(&d), "{} {:?}", s.name(), format);
            }
        }
    }
}

#[test]
fn the_rounding_written_here_agrees_with_known_values() {
    assert_eq!(encode(65504.0), 0x7bff);
    assert_eq!(encode(65519.99), 0x7bff);
    assert_eq!(encode(65520.0), 0x7c00);
    assert_eq!(encode(-1e300), 0xfc00);
    assert_eq!(encode(1.0 + 2f64.powi(-11)), 0x3c00); // a tie: to the even 1.0
    assert_eq!(encode(1.0 + 3.0 * 2f64.powi(-11)), 0x3c02); // a tie: to the even 1 + 2^-9
    assert_eq!(encode(2f64.powi(-24)), 0x0001);
    assert_eq!(encode(2f64.powi(-25)), 0x0000); // a tie: to the even zero
    assert_eq!(encode(-3e-8), 0x8001);
    assert_eq!(encode(2f64.powi(-14) - 2f64.powi(-25)), 0x0400); // rounds up to the smallest normal
    assert_eq!(encode(-0.0), 0x8000);
    assert!(decode(encode(f64::NAN)).is_nan());
    for bits in (0..0x7c00u16).step_by(7) {
        assert_eq!(encode(decode(bits)), bits);
        assert_eq!(encode(-decode(bits)), bits | 0x8000);
    }
    assert_eq!(decode(0x7bff), 65504.0);
    assert_eq!(decode(0x0400), 6.103515625e-05);
}

#[test]
fn sums_accumulate_in_f32_across_chunks_and_cumsum_rounds_each_step() {
    let d = ndarray::arr1(&[65504.0, 65504.0, -65504.0])
        .mapv(h)
        .into_dyn();
    let x = tessera::from_array(d, 1);
    // In f32 the running total 131008 fits; rounded only at the end.
    assert_eq!(
        x.sum().compute().unwrap().into_raw_vec_and_offset().0,
        vec![h(65504.0)]
    );
    // NumPy's float16 cumsum stores (so rounds) every running total.
    let running = x.cumsum().compute().unwrap().into_raw_vec_and_offset().0;
    assert_eq!(running, vec![h(65504.0), f16::INFINITY, f16::INFINITY]);
    assert_eq!(x.sum().dtype(), DType::F16);
    assert_eq!(x.mean().dtype(), DType::F16);
    assert_eq!(x.var().dtype(), DType::F16);
    let overflow = tessera::full(2, h(60000.0), 1).sum();
    assert_eq!(overflow.compute().unwrap()[[]], f16::INFINITY);
}

#[test]
fn empty_float16_arrays() {
    let e = tessera::zeros::<f16>([0, 3], 2);
    assert_eq!(e.astype::<f64>().compute().unwrap().shape(), &[0, 3]);
    assert_eq!(
        tessera::zeros::<i32>([0, 3], 2)
            .astype::<f16>()
            .compute()
            .unwrap()
            .shape(),
        &[0, 3]
    );
    assert_eq!(e.sin().compute().unwrap().shape(), &[0, 3]);
    assert_eq!((&e + &e).compute().unwrap().shape(), &[0, 3]);
    let sums = e.sum_with(0).compute().unwrap();
    assert_eq!(sums.into_raw_vec_and_offset().0, vec![f16::ZERO; 3]);
    assert_eq!(e.sum().compute().unwrap()[[]], f16::ZERO);
    assert!(e.mean_with(0).compute().unwrap().iter().all(|v| v.is_nan()));
    assert!(e.max().check().is_err());
}

#[test]
fn float16_promotes_as_numpy_2() {
    use tessera::{can_cast, finfo, isdtype, result_type};
    for (other, want) in [
        (DType::Bool, DType::F16),
        (DType::I8, DType::F16),
        (DType::U8, DType::F16),
        (DType::I16, DType::F32),
        (DType::U16, DType::F32),
        (DType::I32, DType::F64),
        (DType::U64, DType::F64),
        (DType::F32, DType::F32),
        (DType::F64, DType::F64),
        (DType::Complex64, DType::Complex64),
        (DType::Complex128, DType::Complex128),
    ] {
        assert_eq!(result_type(&[DType::F16, other]).unwrap(), want, "{other}");
        // And on arrays of those dtypes, values included.
        let a = DynArray::ones(2, 1, DType::F16);
        let b = DynArray::ones(2, 1, other);
        let sum = a.binary(tessera::BinaryOp::Add, &b);
        assert_eq!(sum.dtype(), want, "float16 + {other}");
        let back = sum.astype(DType::F64).compute().unwrap();
        let back = back.as_array::<f64>().unwrap();
        assert!(
            back.iter().all(|&v| v == 2.0),
            "float16 + {other}: {back:?}"
        );
    }
    assert!(can_cast(DType::F16, DType::F32) && can_cast(DType::U8, DType::F16));
    assert!(!can_cast(DType::F32, DType::F16) && !can_cast(DType::I16, DType::F16));
    let f = finfo(DType::F16).unwrap();
    assert_eq!(
        (f.bits, f.eps, f.max, f.min, f.smallest_normal, f.dtype),
        (
            16,
            0.0009765625,
            65504.0,
            -65504.0,
            6.103515625e-05,
            DType::F16
        )
    );
    assert!(isdtype(DType::F16, "real floating").unwrap());
    assert!(isdtype(DType::F16, "numeric").unwrap());
    assert!(isdtype(DType::F16, "float16").unwrap());
    assert!(!isdtype(DType::F16, "float32").unwrap());
    for name in ["float16", "f2", "<f2"] {
        assert_eq!(name.parse::<DType>().unwrap(), DType::F16);
    }
}

#[test]
fn float16_products_run_in_f32() {
    // 65504 + 65504 - 65504 is 65504 in f32; float16 steps would give inf.
    let a = tessera::from_array(
        ndarray::arr2(&[[65504.0, 65504.0, -65504.0]])
            .mapv(h)
            .into_dyn(),
        1,
    );
    let b = tessera::from_array(ndarray::arr2(&[[1.0], [1.0], [1.0]]).mapv(h).into_dyn(), 1);
    let p = a.matmul(&b);
    assert_eq!(p.dtype(), DType::F16);
    assert_eq!(
        p.compute().unwrap().into_raw_vec_and_offset().0,
        vec![h(65504.0)]
    );
    let e = tessera::einsum::<f16>("ij,jk->ik", &[&a, &b]);
    assert_eq!(e.dtype(), DType::F16);
    assert_eq!(
        e.compute().unwrap().into_raw_vec_and_offset().0,
        vec![h(65504.0)]
    );
}

/// The float16 bits of a computed float block (NaN as one pattern), or the
/// block itself for other dtypes.
fn bits_of(b: tessera::Block) -> Vec<i128> {
    use tessera::chunk_core::with_block;
    let wide = |v: f64| {
        if v.is_nan() {
            i128::MAX
        } else {
            i128::from(encode(v))
        }
    };
    match b.dtype() {
        DType::F16 | DType::F32 | DType::F64 => {
            with_block!(&b, a => a.iter().map(|v| wide(v.to_f64())).collect())
        }
        _ => with_block!(&b, a => a.iter().map(|v| v.to_f64() as i128).collect()),
    }
}

/// An operation by name, for tables of them.
type Family = (&'static str, Box<dyn Fn(&DynArray) -> DynArray>);

/// Every family of operations on float16 equals the same operation on the
/// same values in float32 (elementwise math, sums and products: float16
/// computes there and rounds once) or float64 (means and moments), rounded
/// to float16; the result dtype is float16 where the reference's is a float.
#[test]
fn every_family_equals_float32_or_float64_rounded() {
    use tessera::{BinaryOp, ReduceOp, UnaryOp};
    let da = halves(&[4, 6], 3).mapv(|v| {
        if v.to_f64().abs() > 300.0 {
            h(v.to_f64() / 512.0)
        } else {
            v
        }
    });
    let db = halves(&[4, 6], 4);
    let a16 = DynArray::from(array(&da, &[vec![2, 2], vec![3, 3]]));
    let b16 = DynArray::from(array(&db, &[vec![1, 3], vec![6]]));
    let wide = |x: &DynArray, d: DType| x.astype(d);
    // Whether values were compared (false: both refused the operation).
    let same_as = |what: &str, got: DynArray, want: DynArray| -> bool {
        let float_want = matches!(want.dtype(), DType::F32 | DType::F64);
        match (got.compute(), want.compute()) {
            (Ok(g), Ok(w)) => {
                let want_dtype = if float_want { DType::F16 } else { w.dtype() };
                assert_eq!(g.dtype(), want_dtype, "{what}");
                assert!(!g.is_empty(), "{what}");
                assert_eq!(bits_of(g), bits_of(w), "{what}");
                true
            }
            (Err(_), Err(_)) => false,
            (g, w) => panic!("{what}: {:?} vs {:?}", g.err(), w.err()),
        }
    };
    let refused_by_floats = |op: BinaryOp| {
        matches!(
            op,
            BinaryOp::BitwiseAnd
                | BinaryOp::BitwiseOr
                | BinaryOp::BitwiseXor
                | BinaryOp::LeftShift
                | BinaryOp::RightShift
        )
    };
    for &op in UnaryOp::ALL {
        let f = |x: &DynArray| x.unary(op);
        let compared = same_as(&format!("{op:?}"), f(&a16), f(&wide(&a16, DType::F32)));
        assert_eq!(compared, op != UnaryOp::Invert, "{op:?}");
    }
    for &op in BinaryOp::ALL {
        if op == BinaryOp::Nextafter {
            continue; // on float16's own bits (below)
        }
        let f = |x: &DynArray, y: &DynArray| x.binary(op, y);
        let want = f(&wide(&a16, DType::F32), &wide(&b16, DType::F32));
        let compared = same_as(&format!("{op:?}"), f(&a16, &b16), want);
        assert_eq!(compared, !refused_by_floats(op), "{op:?}");
        if !op.gives_bool() && !refused_by_floats(op) {
            let s = tessera::Scalar::Float(-1.25);
            let f = |x: &DynArray| x.binary_scalar(op, s, true);
            assert!(same_as(
                &format!("{op:?} scalar"),
                f(&a16),
                f(&wide(&a16, DType::F32))
            ));
        }
    }
    let next = a16.binary(BinaryOp::Nextafter, &b16).compute().unwrap();
    let next = next.as_array::<f16>().unwrap();
    for ((&n, &x), &y) in next.iter().zip(&da).zip(&db) {
        let (xf, yf) = (x.to_f64(), y.to_f64());
        let want = if xf.is_nan() || yf.is_nan() {
            f16::NAN
        } else if xf == yf {
            y
        } else if xf == 0.0 {
            f16::from_bits(if yf > 0.0 { 1 } else { 0x8001 })
        } else if (yf > xf) == (xf > 0.0) {
            f16::from_bits(x.to_bits() + 1)
        } else {
            f16::from_bits(x.to_bits() - 1)
        };
        assert!(same(n, want), "nextafter({x}, {y}) = {n}, not {want}");
    }
    let in_f32 = [
        ReduceOp::Sum,
        ReduceOp::Prod,
        ReduceOp::NanSum,
        ReduceOp::NanProd,
        ReduceOp::Min,
        ReduceOp::Max,
        ReduceOp::NanMin,
        ReduceOp::NanMax,
        ReduceOp::Any,
        ReduceOp::All,
    ];
    let in_f64 = [
        ReduceOp::Mean,
        ReduceOp::Var { ddof: 1 },
        ReduceOp::Std { ddof: 0 },
        ReduceOp::NanMean,
        ReduceOp::NanVar { ddof: 0 },
        ReduceOp::NanStd { ddof: 1 },
    ];
    for (ops, d) in [(&in_f32[..], DType::F32), (&in_f64[..], DType::F64)] {
        for &op in ops {
            for axis in [0i64, 1] {
                let f = |x: &DynArray| x.reduction(op, axis);
                assert!(same_as(
                    &format!("{op:?} axis {axis}"),
                    f(&a16),
                    f(&wide(&a16, d))
                ));
            }
        }
    }
    let a32 = wide(&a16, DType::F32);
    let families: Vec<Family> = vec![
        ("sort", Box::new(|x| x.sort(1, false))),
        ("sort descending", Box::new(|x| x.sort(0, true))),
        ("argsort", Box::new(|x| x.argsort(1, false))),
        ("argmax", Box::new(|x| x.argmax_with(1))),
        ("argmin", Box::new(|x| x.argmin_with(0))),
        ("topk", Box::new(|x| x.topk(2))),
        ("flip", Box::new(|x| x.flip(0))),
        ("roll", Box::new(|x| x.roll(2, ..))),
        ("take", Box::new(|x| x.take(&[3, 0, 5], 1))),
        ("transpose", Box::new(|x| x.t())),
        ("reshape", Box::new(|x| x.reshape(&[3, -1]))),
        ("rechunk", Box::new(|x| x.rechunk(vec![3, 4]))),
        ("diff", Box::new(|x| x.diff(1, 1))),
        ("count_nonzero", Box::new(|x| x.count_nonzero_with(1))),
        ("tril", Box::new(|x| x.tril(0))),
        ("repeat", Box::new(|x| x.repeat(2, Some(0)))),
    ];
    for (what, f) in &families {
        assert!(same_as(what, f(&a16), f(&a32)), "{what}");
    }
    let u16 = a16.unique_values().unwrap().sort(0, false);
    let u32 = a32.unique_values().unwrap().sort(0, false);
    assert!(same_as("unique_values", u16, u32));
    let sorted16 = a16.reshape(&[-1]).sort(0, false);
    let sorted32 = a32.reshape(&[-1]).sort(0, false);
    let probe16 = b16.reshape(&[-1]);
    let probe32 = probe16.astype(DType::F32);
    assert!(same_as(
        "searchsorted",
        sorted16.searchsorted(&probe16, tessera::Side::Left),
        sorted32.searchsorted(&probe32, tessera::Side::Left),
    ));
    assert!(same_as(
        "concatenate",
        DynArray::concatenate(&[&a16, &b16], Some(0)),
        DynArray::concatenate(&[&a32, &wide(&b16, DType::F32)], Some(0)),
    ));
    let mask = a16.binary(BinaryOp::Gt, &b16);
    assert!(same_as(
        "where",
        DynArray::where_(&mask, &a16, &b16),
        DynArray::where_(&mask, &a32, &wide(&b16, DType::F32)),
    ));
}

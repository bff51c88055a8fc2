//! The elementwise math family on the values the Array API and NumPy single
//! out (signed zeros, infinities, NaN, integer MIN and MAX, zero divisors,
//! shifts past the width), written as NumPy 2 prints them; the result
//! dtypes; the errors of bad dtypes and negative integer exponents; and the
//! fusion of a chain of the new functions into one task per block.

use ndarray::{arr1, ArrayD};
use tessera::{Array, DType};

mod common;
mod math_kit;

tessera::worker_test!();
use math_kit::Sample;

fn arr<T: tessera::Element>(v: &[T]) -> Array<T> {
    tessera::from_array(arr1(v).into_dyn(), 2)
}

/// `x` computed equals `want` bit for bit (NaN equal to NaN).
#[track_caller]
fn is<T: Sample>(x: &Array<T>, want: &[T]) {
    let got: ArrayD<T> = x.compute().unwrap();
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(T::same(*g, *w), "got {got:?}, want {want:?}");
    }
}

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

#[test]
fn rounding_is_numpys() {
    let x = arr(&[0.5, 1.5, 2.5, -0.5, -2.5, -0.7, NAN, -INF]);
    is(&x.round(), &[0.0, 2.0, 2.0, -0.0, -2.0, -1.0, NAN, -INF]);
    is(&x.floor(), &[0.0, 1.0, 2.0, -1.0, -3.0, -1.0, NAN, -INF]);
    is(&x.ceil(), &[1.0, 2.0, 3.0, -0.0, -2.0, -0.0, NAN, -INF]);
    is(&x.trunc(), &[0.0, 1.0, 2.0, -0.0, -2.0, -0.0, NAN, -INF]);
    is(
        &arr(&[-0.0, 0.0, NAN, -3.0, INF]).sign(),
        &[0.0, 0.0, NAN, -1.0, 1.0],
    );
    // Integers keep their dtype and values.
    let i = arr(&[i64::MIN, -3, 7]);
    is(&i.floor(), &[i64::MIN, -3, 7]);
    is(&i.round(), &[i64::MIN, -3, 7]);
    is(&i.sign(), &[-1, -1, 1]);
    is(&arr(&[0u8, 9]).sign(), &[0, 1]);
}

#[test]
fn float_math_special_values() {
    is(&arr(&[-INF, 0.0, -0.0]).expm1(), &[-1.0, 0.0, -0.0]);
    is(&arr(&[-1.0, -2.0, -0.0]).log1p(), &[-INF, NAN, -0.0]);
    is(&arr(&[8.0, 0.0, -1.0]).log2(), &[3.0, -INF, NAN]);
    is(&arr(&[1000.0, INF]).log10(), &[3.0, INF]);
    is(&arr(&[INF, -INF, -0.0]).tanh(), &[1.0, -1.0, -0.0]);
    is(&arr(&[-0.0, INF, -INF]).asinh(), &[-0.0, INF, -INF]);
    is(&arr(&[1.0, 0.5, INF]).acosh(), &[0.0, NAN, INF]);
    is(
        &arr(&[1.0, -1.0, -0.0, 2.0]).atanh(),
        &[INF, -INF, -0.0, NAN],
    );
    is(&arr(&[-0.0, INF]).cosh(), &[1.0, INF]);
    is(&arr(&[2.0, -0.0]).asin(), &[NAN, -0.0]);
    is(&arr(&[1.0]).acos(), &[0.0]);
    is(
        &arr(&[INF, -0.0]).atan(),
        &[std::f64::consts::FRAC_PI_2, -0.0],
    );
    is(&arr(&[INF, -0.0]).tan(), &[NAN, -0.0]);
    is(&arr(&[-0.0, -INF]).sinh(), &[-0.0, -INF]);
    is(&arr(&[-3i8, 16]).square(), &[9, 0]);
    is(&arr(&[i8::MIN, -5]).abs(), &[i8::MIN, 5]);
    is(&arr(&[1u8, 0]).negative(), &[255, 0]);
    is(&arr(&[1.0f32, -0.0]).positive(), &[1.0, -0.0]);
    // float32 math stays float32; integers go to float64.
    assert_eq!(arr(&[1.0f32]).tan().dtype(), DType::F32);
    assert_eq!(arr(&[1i16]).log1p().dtype(), DType::F64);
    assert_eq!(arr(&[1u32]).trunc().dtype(), DType::U32);
}

#[test]
fn predicates_see_signed_zeros_and_nan() {
    let x = arr(&[-0.0, 0.0, NAN, -NAN, INF, -1.0]);
    is(&x.signbit(), &[true, false, false, true, false, true]);
    is(&x.isnan(), &[false, false, true, true, false, false]);
    is(&x.isinf(), &[false, false, false, false, true, false]);
    is(&x.isfinite(), &[true, true, false, false, false, true]);
    is(&arr(&[-1i32, 0]).signbit(), &[true, false]);
    is(&arr(&[true]).isnan(), &[false]);
}

#[test]
fn binary_float_functions_special_values() {
    let pi = std::f64::consts::PI;
    let y = arr(&[0.0, -0.0, -0.0, 1.0]);
    let x = arr(&[-0.0, -0.0, 0.0, 0.0]);
    is(&tessera::atan2(&y, &x), &[pi, -pi, -0.0, pi / 2.0]);
    is(
        &tessera::hypot(&arr(&[INF, -INF, 3.0]), &arr(&[NAN, 1.0, 4.0])),
        &[INF, INF, 5.0],
    );
    is(
        &tessera::copysign(&arr(&[1.0, NAN, 2.0]), &arr(&[-0.0, -1.0, 0.0])),
        &[-1.0, -NAN, 2.0],
    );
    is(
        &tessera::logaddexp(&arr(&[-INF, INF, 0.0, NAN]), &arr(&[-INF, INF, -INF, 1.0])),
        &[-INF, INF, 0.0, NAN],
    );
    is(
        &tessera::nextafter(&arr(&[0.0, 1.0, 0.0, INF]), &arr(&[1.0, 1.0, -0.0, 0.0])),
        &[5e-324, 1.0, -0.0, f64::MAX],
    );
    is(
        &tessera::maximum(&arr(&[NAN, 1.0, 2.0]), &arr(&[1.0, NAN, 3.0])),
        &[NAN, NAN, 3.0],
    );
    is(&tessera::minimum(&arr(&[1i8, 5]), 3), &[1, 3]);
    // Integers go to float64, float32 stays.
    assert_eq!(
        tessera::atan2(&arr(&[1i8]), &arr(&[1i8])).dtype(),
        DType::F64
    );
    assert_eq!(tessera::hypot(&arr(&[1f32]), 2.0).dtype(), DType::F32);
}

#[test]
fn floor_divide_and_remainder_special_values() {
    let a = arr(&[-1.0, 1.0, 1.0, -7.0, 0.0, NAN, INF]);
    let b = arr(&[INF, INF, 0.0, 2.0, -3.0, 1.0, 2.0]);
    is(
        &tessera::floor_divide(&a, &b),
        // The Array API's special cases: -1 // inf is -0 (Python: -1), inf // 2 is inf (NaN).
        &[-0.0, 0.0, INF, -4.0, -0.0, NAN, INF],
    );
    is(
        &tessera::remainder(&a, &b),
        &[INF, 1.0, NAN, 1.0, -0.0, NAN, NAN],
    );
    let i = arr(&[i8::MIN, -7, 7, 5, i8::MIN]);
    let j = arr(&[-1i8, 2, -2, 0, 0]);
    is(&tessera::floor_divide(&i, &j), &[i8::MIN, -4, -4, 0, 0]);
    is(&(&i % &j), &[0, 1, -1, 0, 0]);
    is(&(7u16 % &arr(&[0u16, 3])), &[0, 1]);
    is(&(&arr(&[-7i64]) % 3), &[2]);
}

#[test]
fn shifts_and_bitwise_special_values() {
    is(&(&arr(&[1u8, 1, 3]) << &arr(&[7u8, 8, 200])), &[128, 0, 0]);
    is(
        &tessera::bitwise_right_shift(&arr(&[-8i16, 8, -8]), &arr(&[100i16, 100, -1])),
        &[-1, 0, -1],
    );
    is(&tessera::bitwise_left_shift(&arr(&[5i32]), -1), &[0]);
    is(&(1i64 << &arr(&[62i64, 63, 64])), &[1 << 62, i64::MIN, 0]);
    is(&(&arr(&[0b1100u8]) & 0b1010), &[0b1000]);
    is(&(0b1100u32 | &arr(&[0b1010u32])), &[0b1110]);
    is(&(&arr(&[0b1100i16]) ^ &arr(&[0b1010i16])), &[0b0110]);
    is(&!&arr(&[0i8, -1, 5]), &[-1, 0, -6]);
    is(&!arr(&[true, false]), &[false, true]);
    is(&(&arr(&[true, false]) ^ true), &[false, true]);
}

#[test]
fn logical_functions_take_truth_values() {
    let x = arr(&[NAN, -0.0, 2.0, 0.0]);
    is(&tessera::logical_not(&x), &[false, true, false, true]);
    is(&tessera::logical_and(&x, 1.0), &[true, false, true, false]);
    is(
        &tessera::logical_or(&arr(&[0u8, 0, 3]), &arr(&[0u8, 1, 0])),
        &[false, true, true],
    );
    is(
        &tessera::logical_xor(&arr(&[true, true]), &arr(&[true, false])),
        &[false, true],
    );
}

#[test]
fn integer_pow_keeps_the_dtype_and_wraps() {
    is(&arr(&[3i64, 2, -2]).pow(4), &[81, 16, 16]);
    is(&arr(&[2i64]).pow(63), &[i64::MIN]);
    is(&arr(&[2u8, 3]).pow(8), &[0, 161]);
    is(
        &tessera::pow(&arr(&[2i32, 0]), &arr(&[10i32, 0])),
        &[1024, 1],
    );
    assert_eq!(arr(&[2i16]).pow(2).dtype(), DType::I16);
    is(&arr(&[2.0f64, -8.0]).pow(-1.0), &[0.5, -0.125]);
}

#[test]
fn negative_integer_exponents_are_errors() {
    // A scalar exponent: found while building, named with the fix.
    let e = arr(&[2i64]).pow(-1).check().unwrap_err().to_string();
    assert!(
        e.contains("negative integer powers") && e.contains("float"),
        "{e}"
    );
    // An array exponent: found by the kernel.
    let e = tessera::pow(&arr(&[2i32, 3]), &arr(&[1i32, -2]))
        .compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("negative integer powers"), "{e}");
    // An empty result has no exponent to refuse.
    let empty = tessera::from_array(ArrayD::<i32>::zeros(ndarray::IxDyn(&[0])), 1);
    assert_eq!(tessera::pow(&empty, &empty).compute().unwrap().len(), 0);
}

#[test]
fn dtypes_without_the_operation_are_build_errors() {
    let f = arr(&[1.5f64]);
    let b = arr(&[true]);
    let cases = [
        ("and_", tessera::bitwise_and(&f, &f).check()),
        ("invert", tessera::bitwise_invert(&f).check()),
        ("lshift", tessera::bitwise_left_shift(&b, &b).check()),
        ("floor", b.floor().check()),
        ("sign", b.sign().check()),
        ("mod", tessera::remainder(&b, &b).check()),
        ("pow", tessera::pow(&b, &b).check()),
        ("tan", b.tan().check()),
    ];
    for (op, result) in cases {
        let e = result.unwrap_err().to_string();
        assert!(e.contains(op), "{op}: {e}");
    }
}

#[test]
fn empty_arrays_stay_empty() {
    let x = tessera::from_array(ArrayD::<f64>::zeros(ndarray::IxDyn(&[0, 3])), 2);
    assert_eq!(x.tan().compute().unwrap().shape(), &[0, 3]);
    assert_eq!(tessera::atan2(&x, 1.0).compute().unwrap().shape(), &[0, 3]);
    assert_eq!(x.isnan().compute().unwrap().shape(), &[0, 3]);
}

#[test]
fn a_chain_of_new_functions_is_one_task_per_block() {
    let x = tessera::random::random([40, 30], [10, 15], 3);
    let n = (&tessera::random::random([40, 30], [10, 15], 4) * 100.0).astype::<i64>() - 50;
    let y = tessera::hypot(&tessera::atan2(&x.tan().floor(), 2.0).expm1(), &x)
        .maximum(0.25)
        .clip(0.0, &x.log1p())
        .isnan();
    let z = tessera::logical_xor(&y, &tessera::remainder(&(&n << 2), -3).signbit());
    let blocks = 4 * 2;
    assert_eq!(z.chunks().axes(), &[vec![10; 4], vec![15; 2]]);
    assert_eq!(
        z.task_graph().unwrap().len(),
        blocks,
        "one task per output block"
    );
    // And the fused chain computes the same values as the element loop.
    let (xd, nd) = (x.compute().unwrap(), n.compute().unwrap());
    let want = ndarray::Zip::from(&xd).and(&nd).map_collect(|&v, &k| {
        let a = (v.tan().floor().atan2(2.0).exp_m1()).hypot(v);
        let lo = if a >= 0.25 || a.is_nan() { a } else { 0.25 };
        let c = if lo >= 0.0 || lo.is_nan() { lo } else { 0.0 };
        let c = if c <= v.ln_1p() || c.is_nan() {
            c
        } else {
            v.ln_1p()
        };
        // Python's (k << 2) % -3 is negative unless 0.
        c.is_nan() != ((k << 2).rem_euclid(3) != 0)
    });
    assert_eq!(z.compute().unwrap(), want);
}

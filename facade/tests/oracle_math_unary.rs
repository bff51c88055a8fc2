//! Oracle tests of the unary elementwise math (the Array API's `tan`…
//! `log10`, rounding, `sign`, `square`, `positive`, `negative`, `abs`, the
//! predicates, `bitwise_invert`, `logical_not`): random shapes and chunkings,
//! every dtype, data full of NaN, ±inf, -0.0, MIN and MAX, compared bit for
//! bit with a direct element loop, on every scheduler.

use proptest::prelude::*;
use tessera::Array;

mod common;
mod math_kit;

tessera::worker_test!();
use common::shape_and_chunks;
use math_kit::{truthy, unary_case, FloatOracle, IntOracle};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 6,
        ..ProptestConfig::default()
    }
}

/// Float math: f64 and f32 in their own type, every integer type through float64.
macro_rules! float_math {
    ($($name:ident: $method:ident => $oracle:ident;)*) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name((shape, chunks) in shape_and_chunks(), seed in any::<u64>()) {
                    let c = (&shape[..], &chunks[..], seed);
                    unary_case(c, |x: &Array<f64>| x.$method(), |v: f64| v.$oracle());
                    unary_case(c, |x: &Array<f32>| x.$method(), |v: f32| v.$oracle());
                    unary_case(c, |x: &Array<i8>| x.$method(), |v: i8| f64::from(v).$oracle());
                    unary_case(c, |x: &Array<i16>| x.$method(), |v: i16| f64::from(v).$oracle());
                    unary_case(c, |x: &Array<i32>| x.$method(), |v: i32| f64::from(v).$oracle());
                    unary_case(c, |x: &Array<i64>| x.$method(), |v: i64| (v as f64).$oracle());
                    unary_case(c, |x: &Array<u8>| x.$method(), |v: u8| f64::from(v).$oracle());
                    unary_case(c, |x: &Array<u16>| x.$method(), |v: u16| f64::from(v).$oracle());
                    unary_case(c, |x: &Array<u32>| x.$method(), |v: u32| f64::from(v).$oracle());
                    unary_case(c, |x: &Array<u64>| x.$method(), |v: u64| (v as f64).$oracle());
                }
            )*
        }
    };
}

float_math! {
    sqrt_matches_the_element_loop: sqrt => sqrt;
    exp_matches_the_element_loop: exp => exp;
    log_matches_the_element_loop: log => ln;
    sin_matches_the_element_loop: sin => sin;
    cos_matches_the_element_loop: cos => cos;
    tan_matches_the_element_loop: tan => tan;
    asin_matches_the_element_loop: asin => asin;
    acos_matches_the_element_loop: acos => acos;
    atan_matches_the_element_loop: atan => atan;
    sinh_matches_the_element_loop: sinh => sinh;
    cosh_matches_the_element_loop: cosh => cosh;
    tanh_matches_the_element_loop: tanh => tanh;
    asinh_matches_the_element_loop: asinh => asinh;
    acosh_matches_the_element_loop: acosh => acosh;
    atanh_matches_the_element_loop: atanh => atanh;
    log1p_matches_the_element_loop: log1p => ln_1p;
    expm1_matches_the_element_loop: expm1 => exp_m1;
    log2_matches_the_element_loop: log2 => log2;
    log10_matches_the_element_loop: log10 => log10;
}

/// Same-dtype numeric operations: floats by `$f`, integers by `$i` (through i128).
macro_rules! same_dtype {
    ($($name:ident: $method:ident => $f:expr, $i:ident;)*) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name((shape, chunks) in shape_and_chunks(), seed in any::<u64>()) {
                    let c = (&shape[..], &chunks[..], seed);
                    unary_case(c, |x: &Array<f64>| x.$method(), |v: f64| $f(v));
                    unary_case(c, |x: &Array<f32>| x.$method(), |v: f32| $f(v));
                    unary_case(c, |x: &Array<i8>| x.$method(), |v: i8| v.$i());
                    unary_case(c, |x: &Array<i16>| x.$method(), |v: i16| v.$i());
                    unary_case(c, |x: &Array<i32>| x.$method(), |v: i32| v.$i());
                    unary_case(c, |x: &Array<i64>| x.$method(), |v: i64| v.$i());
                    unary_case(c, |x: &Array<u8>| x.$method(), |v: u8| v.$i());
                    unary_case(c, |x: &Array<u16>| x.$method(), |v: u16| v.$i());
                    unary_case(c, |x: &Array<u32>| x.$method(), |v: u32| v.$i());
                    unary_case(c, |x: &Array<u64>| x.$method(), |v: u64| v.$i());
                }
            )*
        }
    };
}

/// Integers are whole already: rounding keeps them.
trait Whole: Copy {
    fn whole(self) -> Self {
        self
    }
}
impl<T: math_kit::IntSample> Whole for T {}

same_dtype! {
    floor_matches_the_element_loop: floor => num_floor, whole;
    ceil_matches_the_element_loop: ceil => num_ceil, whole;
    trunc_matches_the_element_loop: trunc => num_trunc, whole;
    round_is_half_to_even: round => num_round, whole;
    sign_matches_numpy: sign => FloatOracle::np_sign, np_sign;
    square_matches_the_element_loop: square => num_square, np_square;
    positive_keeps_values: positive => num_same, whole;
    negative_matches_the_element_loop: negative => num_neg, np_neg;
    abs_matches_the_element_loop: abs => num_abs, np_abs;
}

/// The float rounding and abs functions of f32 and f64 under one name each.
trait Rounding: Copy {
    fn fl(self) -> Self;
    fn ce(self) -> Self;
    fn tr(self) -> Self;
    fn ro(self) -> Self;
    fn ab(self) -> Self;
}
macro_rules! rounding {
    ($t:ty) => {
        impl Rounding for $t {
            fn fl(self) -> Self {
                self.floor()
            }
            fn ce(self) -> Self {
                self.ceil()
            }
            fn tr(self) -> Self {
                self.trunc()
            }
            fn ro(self) -> Self {
                self.round_ties_even()
            }
            fn ab(self) -> Self {
                self.abs()
            }
        }
    };
}
rounding!(f64);
rounding!(f32);
fn num_floor<T: Rounding>(v: T) -> T {
    v.fl()
}
fn num_ceil<T: Rounding>(v: T) -> T {
    v.ce()
}
fn num_trunc<T: Rounding>(v: T) -> T {
    v.tr()
}
fn num_round<T: Rounding>(v: T) -> T {
    v.ro()
}
fn num_abs<T: Rounding>(v: T) -> T {
    v.ab()
}
fn num_square<T: std::ops::Mul<Output = T> + Copy>(v: T) -> T {
    v * v
}
fn num_neg<T: std::ops::Neg<Output = T>>(v: T) -> T {
    -v
}
fn num_same<T>(v: T) -> T {
    v
}

/// Predicates: floats by `$f`, integers and bool always `$int`.
macro_rules! predicates {
    ($($name:ident: $method:ident => $f:ident, $int:expr;)*) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name((shape, chunks) in shape_and_chunks(), seed in any::<u64>()) {
                    let c = (&shape[..], &chunks[..], seed);
                    unary_case(c, |x: &Array<f64>| x.$method(), |v: f64| v.$f());
                    unary_case(c, |x: &Array<f32>| x.$method(), |v: f32| v.$f());
                    let int = $int;
                    unary_case(c, |x: &Array<bool>| x.$method(), |_| int(0));
                    unary_case(c, |x: &Array<i8>| x.$method(), |v: i8| int(i64::from(v)));
                    unary_case(c, |x: &Array<i16>| x.$method(), |v: i16| int(i64::from(v)));
                    unary_case(c, |x: &Array<i32>| x.$method(), |v: i32| int(i64::from(v)));
                    unary_case(c, |x: &Array<i64>| x.$method(), |v: i64| int(v));
                    unary_case(c, |x: &Array<u8>| x.$method(), |v: u8| int(i64::from(v)));
                    unary_case(c, |x: &Array<u16>| x.$method(), |v: u16| int(i64::from(v)));
                    unary_case(c, |x: &Array<u32>| x.$method(), |v: u32| int(i64::from(v)));
                    // Unsigned values are never negative.
                    unary_case(c, |x: &Array<u64>| x.$method(), |v: u64| int((v >> 1) as i64));
                }
            )*
        }
    };
}

predicates! {
    isnan_matches_the_element_loop: isnan => is_nan, |_: i64| false;
    isinf_matches_the_element_loop: isinf => is_infinite, |_: i64| false;
    isfinite_matches_the_element_loop: isfinite => is_finite, |_: i64| true;
    signbit_matches_the_element_loop: signbit => is_sign_negative, |v: i64| v < 0;
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn bitwise_invert_flips_every_bit((shape, chunks) in shape_and_chunks(), seed in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        unary_case(c, |x: &Array<bool>| !x, |v: bool| !v);
        unary_case(c, tessera::bitwise_invert::<i8>, |v: i8| !v);
        unary_case(c, tessera::bitwise_invert::<i16>, |v: i16| !v);
        unary_case(c, tessera::bitwise_invert::<i32>, |v: i32| !v);
        unary_case(c, tessera::bitwise_invert::<i64>, |v: i64| !v);
        unary_case(c, |x: &Array<u8>| !x, |v: u8| !v);
        unary_case(c, |x: &Array<u16>| !x, |v: u16| !v);
        unary_case(c, |x: &Array<u32>| !x, |v: u32| !v);
        unary_case(c, |x: &Array<u64>| !x, |v: u64| !v);
    }

    #[test]
    fn logical_not_takes_truth_values((shape, chunks) in shape_and_chunks(), seed in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        unary_case(c, tessera::logical_not::<bool>, |v: bool| !v);
        unary_case(c, tessera::logical_not::<f64>, |v: f64| !truthy(v));
        unary_case(c, tessera::logical_not::<f32>, |v: f32| !truthy(v));
        unary_case(c, tessera::logical_not::<i8>, |v: i8| !truthy(v));
        unary_case(c, tessera::logical_not::<u64>, |v: u64| !truthy(v));
    }
}

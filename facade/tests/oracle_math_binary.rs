//! Oracle tests of the binary elementwise functions (`atan2`, `hypot`,
//! `copysign`, `logaddexp`, `nextafter`, `maximum`, `minimum`, `pow`,
//! `floor_divide`, `remainder`, the `bitwise_*` and `logical_*` families):
//! random shapes and chunkings, a second operand that broadcasts (its own
//! chunks) or a scalar, every dtype, data full of NaN, ±inf, -0.0, MIN and
//! MAX, compared bit for bit with NumPy's formula applied element by element,
//! on every scheduler.

use std::ops::{BitAnd, BitOr, BitXor};

use proptest::prelude::*;
use tessera::{Array, Rhs};

mod common;
mod math_kit;

tessera::worker_test!();
use common::shape_and_chunks;
use math_kit::{binary_case, truthy, FloatOracle, IntOracle, IntSample};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 6,
        ..ProptestConfig::default()
    }
}

/// `binary_case` for each integer type with `tessera::$f` against `$oracle`.
macro_rules! ints {
    ($c:ident, $pick:ident, $f:path, $prep:expr, |$x:ident, $y:ident| $oracle:expr) => {
        ints!(@each $c, $pick, $f, $prep, |$x, $y| $oracle; i8, i16, i32, i64, u8, u16, u32, u64)
    };
    (@each $c:ident, $pick:ident, $f:path, $prep:expr, |$x:ident, $y:ident| $oracle:expr; $($t:ty),*) => {$(
        binary_case($c, $pick, |a: &Array<$t>, b: Rhs<'_, $t>| $f(a, b), $prep, |$x: $t, $y: $t| $oracle);
    )*};
}

fn keep<T>(v: T) -> T {
    v
}

/// Small non-negative exponents (a negative one is an error, tested apart).
fn exponent<T: IntSample>(v: T) -> T {
    T::wrap(v.wide().rem_euclid(9))
}

/// Float math: floats in their own type, integers through float64.
macro_rules! float_math {
    ($($name:ident: $f:path => $oracle:ident;)*) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
                    let c = (&shape[..], &chunks[..], seed);
                    binary_case(c, pick, |a: &Array<f64>, b: Rhs<'_, f64>| $f(a, b), keep, |x: f64, y| x.$oracle(y));
                    binary_case(c, pick, |a: &Array<f32>, b: Rhs<'_, f32>| $f(a, b), keep, |x: f32, y| x.$oracle(y));
                    ints!(c, pick, $f, keep, |x, y| (x as f64).$oracle(y as f64));
                }
            )*
        }
    };
}

float_math! {
    atan2_matches_the_element_loop: tessera::atan2 => atan2;
    hypot_matches_the_element_loop: tessera::hypot => hypot;
    copysign_matches_the_element_loop: tessera::copysign => copysign;
    logaddexp_matches_numpy: tessera::logaddexp => np_logaddexp;
    nextafter_matches_next_up_and_down: tessera::nextafter => np_nextafter;
}

/// NumPy's `maximum`/`minimum` loop: the first operand when it is NaN or wins.
fn np_maximum<T: PartialOrd + Copy>(x: T, y: T) -> T {
    #[allow(clippy::eq_op)]
    let x_nan = x != x;
    if x >= y || x_nan {
        x
    } else {
        y
    }
}

fn np_minimum<T: PartialOrd + Copy>(x: T, y: T) -> T {
    #[allow(clippy::eq_op)]
    let x_nan = x != x;
    if x <= y || x_nan {
        x
    } else {
        y
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn maximum_and_minimum_propagate_nan((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        binary_case(c, pick, |a: &Array<f64>, b: Rhs<'_, f64>| tessera::maximum(a, b), keep, np_maximum);
        binary_case(c, pick, |a: &Array<f64>, b: Rhs<'_, f64>| tessera::minimum(a, b), keep, np_minimum);
        binary_case(c, pick, |a: &Array<f32>, b: Rhs<'_, f32>| a.maximum(b), keep, np_maximum);
        binary_case(c, pick, |a: &Array<f32>, b: Rhs<'_, f32>| a.minimum(b), keep, np_minimum);
        binary_case(c, pick, |a: &Array<bool>, b: Rhs<'_, bool>| tessera::maximum(a, b), keep, |x, y| x | y);
        binary_case(c, pick, |a: &Array<bool>, b: Rhs<'_, bool>| tessera::minimum(a, b), keep, |x, y| x & y);
        ints!(c, pick, tessera::maximum, keep, |x, y| x.max(y));
        ints!(c, pick, tessera::minimum, keep, |x, y| x.min(y));
    }

    #[test]
    fn floor_divide_matches_python_divmod((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        binary_case(c, pick, |a: &Array<f64>, b: Rhs<'_, f64>| tessera::floor_divide(a, b), keep, |x: f64, y| x.np_floordiv(y));
        binary_case(c, pick, |a: &Array<f32>, b: Rhs<'_, f32>| tessera::floor_divide(a, b), keep, |x: f32, y| x.np_floordiv(y));
        ints!(c, pick, tessera::floor_divide, keep, |x, y| x.np_floordiv(y));
    }

    #[test]
    fn remainder_takes_the_divisors_sign((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        binary_case(c, pick, |a: &Array<f64>, b: Rhs<'_, f64>| tessera::remainder(a, b), keep, |x: f64, y| x.np_rem(y));
        binary_case(c, pick, |a: &Array<f32>, b: Rhs<'_, f32>| tessera::remainder(a, b), keep, |x: f32, y| x.np_rem(y));
        ints!(c, pick, tessera::remainder, keep, |x, y| x.np_rem(y));
        // The `%` operator is the same operation.
        binary_case(c, pick, |a: &Array<i16>, b: Rhs<'_, i16>| match b {
            Rhs::Scalar(s) => a % s,
            Rhs::Array(b) => a % b,
        }, keep, |x: i16, y| x.np_rem(y));
    }

    #[test]
    fn pow_keeps_integers_and_wraps((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        binary_case(c, pick, |a: &Array<f64>, b: Rhs<'_, f64>| tessera::pow(a, b), keep, |x: f64, y| x.powf(y));
        binary_case(c, pick, |a: &Array<f32>, b: Rhs<'_, f32>| tessera::pow(a, b), keep, |x: f32, y| x.powf(y));
        ints!(c, pick, tessera::pow, exponent, |x, y| x.np_pow(y));
    }

    #[test]
    fn bitwise_and_or_xor_match_the_element_loop((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        binary_case(c, pick, |a: &Array<bool>, b: Rhs<'_, bool>| tessera::bitwise_and(a, b), keep, |x, y| x & y);
        binary_case(c, pick, |a: &Array<bool>, b: Rhs<'_, bool>| tessera::bitwise_or(a, b), keep, |x, y| x | y);
        binary_case(c, pick, |a: &Array<bool>, b: Rhs<'_, bool>| tessera::bitwise_xor(a, b), keep, |x, y| x ^ y);
        ints!(c, pick, tessera::bitwise_and, keep, |x, y| x.bitand(y));
        ints!(c, pick, tessera::bitwise_or, keep, |x, y| x.bitor(y));
        ints!(c, pick, tessera::bitwise_xor, keep, |x, y| x.bitxor(y));
    }

    #[test]
    fn shifts_fill_past_the_bit_width((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        ints!(c, pick, tessera::bitwise_left_shift, keep, |x, y| x.np_shl(y));
        ints!(c, pick, tessera::bitwise_right_shift, keep, |x, y| x.np_shr(y));
        // The operators are the same operations.
        binary_case(c, pick, |a: &Array<i32>, b: Rhs<'_, i32>| match b {
            Rhs::Scalar(s) => a << s,
            Rhs::Array(b) => a >> b,
        }, keep, |x: i32, y| if pick.is_multiple_of(2) { x.np_shl(y) } else { x.np_shr(y) });
    }

    #[test]
    fn logical_ops_take_truth_values((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        binary_case(c, pick, |a: &Array<bool>, b: Rhs<'_, bool>| tessera::logical_and(a, b), keep, |x, y| x && y);
        binary_case(c, pick, |a: &Array<bool>, b: Rhs<'_, bool>| tessera::logical_or(a, b), keep, |x, y| x || y);
        binary_case(c, pick, |a: &Array<bool>, b: Rhs<'_, bool>| tessera::logical_xor(a, b), keep, |x, y| x != y);
        binary_case(c, pick, |a: &Array<f64>, b: Rhs<'_, f64>| tessera::logical_and(a, b), keep, |x, y| truthy(x) && truthy(y));
        binary_case(c, pick, |a: &Array<f32>, b: Rhs<'_, f32>| tessera::logical_or(a, b), keep, |x, y| truthy(x) || truthy(y));
        binary_case(c, pick, |a: &Array<i64>, b: Rhs<'_, i64>| tessera::logical_xor(a, b), keep, |x, y| truthy(x) != truthy(y));
        binary_case(c, pick, |a: &Array<u8>, b: Rhs<'_, u8>| tessera::logical_and(a, b), keep, |x, y| truthy(x) && truthy(y));
    }

    #[test]
    fn clip_with_array_bounds_broadcasts((shape, chunks) in shape_and_chunks(), seed in any::<u64>(), pick in any::<u64>()) {
        let c = (&shape[..], &chunks[..], seed);
        // clip(x, lo, hi) = minimum(maximum(x, lo), hi), lo and hi the same operand here.
        binary_case(c, pick, |a: &Array<f64>, b: Rhs<'_, f64>| match b {
            Rhs::Scalar(s) => a.clip(s, &a.maximum(s)),
            Rhs::Array(b) => a.clip(b, 1.5),
        }, keep, |x, y| if pick.is_multiple_of(2) { np_minimum(np_maximum(x, y), np_maximum(x, y)) } else { np_minimum(np_maximum(x, y), 1.5) });
        binary_case(c, pick, |a: &Array<i32>, b: Rhs<'_, i32>| match b {
            Rhs::Scalar(s) => a.clip(-3, s),
            Rhs::Array(b) => a.clip(b, b),
        }, keep, |x, y| if pick.is_multiple_of(2) { x.max(-3).min(y) } else { x.max(y).min(y) });
    }
}

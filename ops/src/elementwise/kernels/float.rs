//! `FloatMath`: the float element types' math, written once for `f32` and
//! `f64`, with NumPy's formulas where NumPy defines its own (`sign`,
//! `maximum`, `logaddexp`, `floor_divide`/`remainder` as Python's `divmod`,
//! `nextafter`). `float16` math runs in `f32` and rounds once to `f16`, as
//! NumPy's `float16` loops do.

use std::ops::{Neg, Rem};

use crate::numeric::Numeric;

/// Forward each named method to the type's inherent method of the same name.
macro_rules! forward {
    ($t:ty; unary: $($u:ident)*; predicate: $($p:ident)*; binary: $($b:ident)*) => {
        $(fn $u(self) -> Self { <$t>::$u(self) })*
        $(fn $p(self) -> bool { <$t>::$p(self) })*
        $(fn $b(self, y: Self) -> Self { <$t>::$b(self, y) })*
    };
}

/// Declare the forwarded methods once for the trait.
macro_rules! declare {
    (unary: $($u:ident)*; predicate: $($p:ident)*; binary: $($b:ident)*) => {
        $(#[doc = concat!("`", stringify!($u), "` of the value.")] fn $u(self) -> Self;)*
        $(#[doc = concat!("`", stringify!($p), "` of the value.")] fn $p(self) -> bool;)*
        $(#[doc = concat!("`", stringify!($b), "` of the two values.")] fn $b(self, y: Self) -> Self;)*
    };
}

/// The methods every float type forwards, listed once for the trait and its impls.
macro_rules! float_methods {
    ($m:ident $(, $t:ty)?) => {
        $m!($($t;)? unary: sqrt exp ln sin cos tan asin acos atan sinh cosh tanh asinh acosh
            atanh ln_1p exp_m1 log2 log10 floor ceil trunc round_ties_even abs;
            predicate: is_nan is_infinite is_finite is_sign_negative;
            binary: powf atan2 hypot copysign);
    };
}

/// Float element types (`f16`, `f32`, `f64`) and their math.
pub trait FloatMath: Numeric + Neg<Output = Self> + Rem<Output = Self> {
    /// `ln(2)`.
    const LN_2: Self;
    /// One half.
    const HALF: Self;

    float_methods!(declare);

    /// The next representable value after `self` toward `y` (C's `nextafter`).
    fn next_toward(self, y: Self) -> Self;

    /// NumPy's `sign`: -1, 0 or 1; NaN stays NaN; ±0 gives +0.
    fn sign(self) -> Self {
        if self > Self::ZERO {
            Self::ONE
        } else if self < Self::ZERO {
            -Self::ONE
        } else if self == Self::ZERO {
            Self::ZERO
        } else {
            self
        }
    }

    /// NumPy's `maximum`: NaN in either operand gives NaN.
    fn maximum_np(self, y: Self) -> Self {
        if self >= y || self.is_nan() {
            self
        } else {
            y
        }
    }

    /// NumPy's `minimum`: NaN in either operand gives NaN.
    fn minimum_np(self, y: Self) -> Self {
        if self <= y || self.is_nan() {
            self
        } else {
            y
        }
    }

    /// NumPy's `npy_logaddexp`: equal values (infinities too) give `x + ln 2`.
    fn logaddexp(self, y: Self) -> Self {
        if self == y {
            return self + Self::LN_2;
        }
        let d = self - y;
        if d > Self::ZERO {
            self + (-d).exp().ln_1p()
        } else if d <= Self::ZERO {
            y + d.exp().ln_1p()
        } else {
            d
        }
    }

    /// NumPy's `npy_divmod`: Python's floor quotient and remainder (the
    /// remainder takes the divisor's sign; a zero divisor gives `a / b` and
    /// `fmod(a, b)`, i.e. ±inf or NaN, and NaN).
    fn divmod(self, b: Self) -> (Self, Self) {
        let zero = Self::ZERO;
        let mut m = self % b;
        if b == zero {
            return (self / b, m);
        }
        let mut div = (self - m) / b;
        if m != zero {
            if (b < zero) != (m < zero) {
                m = m + b;
                div = div - Self::ONE;
            }
        } else {
            m = zero.copysign(b);
        }
        let floordiv = if div != zero {
            let f = div.floor();
            // `a - mod` is very nearly a multiple of b: snap to the nearest integer.
            if div - f > Self::HALF {
                f + Self::ONE
            } else {
                f
            }
        } else {
            zero.copysign(self / b)
        };
        (floordiv, m)
    }

    /// NumPy's `floor_divide` of floats.
    fn floor_div(self, b: Self) -> Self {
        // The Array API's special cases where NumPy's divmod gives NaN or -1:
        // an infinite dividend over a finite non-zero divisor is that
        // infinity (signed by both), a finite dividend over an infinite
        // divisor is a zero signed by both.
        let finite_nonzero = |v: Self| v.is_finite() && v != Self::ZERO;
        if self.is_infinite() && finite_nonzero(b) {
            return self / b;
        }
        if self.is_finite() && b.is_infinite() {
            return if self == Self::ZERO {
                self / b
            } else if (self < Self::ZERO) != (b < Self::ZERO) {
                -Self::ZERO
            } else {
                Self::ZERO
            };
        }
        self.divmod(b).0
    }

    /// NumPy's `remainder` of floats.
    fn py_rem(self, b: Self) -> Self {
        self.divmod(b).1
    }
}

macro_rules! float_math {
    ($t:ty, $bits:ty) => {
        impl FloatMath for $t {
            const LN_2: Self = std::f64::consts::LN_2 as $t;
            const HALF: Self = 0.5;

            float_methods!(forward, $t);

            fn next_toward(self, y: Self) -> Self {
                if self.is_nan() || y.is_nan() {
                    return self + y;
                }
                if self == y {
                    return y;
                }
                if self == 0.0 {
                    return <$t>::from_bits(1).copysign(y);
                }
                let bits: $bits = self.to_bits();
                // Away from zero adds one to the magnitude's bits.
                let away = (y > self) == (self > 0.0);
                <$t>::from_bits(if away { bits + 1 } else { bits - 1 })
            }
        }
    };
}

float_math!(f32, u32);
float_math!(f64, u64);

/// Forward each named method to `f32`'s, rounding the result to `f16` once.
macro_rules! through_f32 {
    (unary: $($u:ident)*; predicate: $($p:ident)*; binary: $($b:ident)*) => {
        $(fn $u(self) -> Self { f16::from_f32(f32::$u(self.to_f32())) })*
        $(fn $p(self) -> bool { f32::$p(self.to_f32()) })*
        $(fn $b(self, y: Self) -> Self { f16::from_f32(f32::$b(self.to_f32(), y.to_f32())) })*
    };
}

use half::f16;

/// NumPy's `float16` math: each function in `f32` (every `f16` is exact
/// there), rounded to nearest even once.
impl FloatMath for f16 {
    const LN_2: Self = f16::LN_2;
    const HALF: Self = f16::from_f32_const(0.5);

    float_methods!(through_f32);

    /// On the bits, as NumPy's `npy_half_nextafter` (subnormals and
    /// infinities included).
    fn next_toward(self, y: Self) -> Self {
        if self.is_nan() || y.is_nan() {
            return f16::NAN;
        }
        if self == y {
            return y;
        }
        if self == f16::ZERO {
            return f16::from_bits(1).copysign(y);
        }
        let bits = self.to_bits();
        let away = (y > self) == (self > f16::ZERO);
        f16::from_bits(if away { bits + 1 } else { bits - 1 })
    }

    fn logaddexp(self, y: Self) -> Self {
        f16::from_f32(self.to_f32().logaddexp(y.to_f32()))
    }

    fn divmod(self, b: Self) -> (Self, Self) {
        let (q, r) = self.to_f32().divmod(b.to_f32());
        (f16::from_f32(q), f16::from_f32(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divmod_follows_python() {
        assert_eq!(FloatMath::divmod(7.0f64, -2.0), (-4.0, -1.0));
        assert_eq!(
            FloatMath::divmod(-1.0f64, f64::INFINITY),
            (-1.0, f64::INFINITY)
        );
        assert_eq!(FloatMath::divmod(1.0f64, f64::INFINITY), (0.0, 1.0));
        let (q, r) = FloatMath::divmod(0.0f64, -3.0);
        assert!(q == 0.0 && q.is_sign_negative() && r.is_sign_negative());
        let (q, r) = FloatMath::divmod(1.0f64, 0.0);
        assert!(q == f64::INFINITY && r.is_nan());
        assert_eq!(FloatMath::divmod(5.5f32, 2.0), (2.0, 1.5));
    }

    #[test]
    fn nextafter_steps_one_ulp() {
        assert_eq!(0.0f64.next_toward(1.0), 5e-324);
        assert_eq!(0.0f64.next_toward(-1.0), -5e-324);
        assert_eq!(1.0f64.next_toward(2.0), 1.0 + f64::EPSILON);
        assert_eq!(f64::INFINITY.next_toward(0.0), f64::MAX);
        assert_eq!((-1.0f32).next_toward(0.0), -(1.0 - f32::EPSILON / 2.0));
        let z = 0.0f64.next_toward(-0.0);
        assert!(z == 0.0 && z.is_sign_negative());
    }

    #[test]
    fn float16_math_runs_in_f32_and_rounds_once() {
        let h = f16::from_f32;
        // sin(1) = 0.84147…: the nearest f16 is 0.8413 (bits 0x3abb).
        assert_eq!(h(1.0).sin().to_bits(), h(1.0f32.sin()).to_bits());
        assert_eq!(h(1.0).sin().to_bits(), 0x3abb);
        assert_eq!(h(2.0).sqrt(), h(std::f32::consts::SQRT_2));
        // exp(12) = 162754.8 is past f16's 65504: infinity.
        assert_eq!(h(12.0).exp(), f16::INFINITY);
        assert!(h(-1.0).ln().is_nan());
        assert_eq!(FloatMath::divmod(h(7.0), h(-2.0)), (h(-4.0), h(-1.0)));
        assert_eq!(h(2.5).round_ties_even(), h(2.0));
        assert_eq!(f16::MAX.next_toward(f16::INFINITY), f16::INFINITY);
        assert_eq!(f16::INFINITY.next_toward(f16::ZERO), f16::MAX);
        assert_eq!(f16::ZERO.next_toward(h(-1.0)), -f16::from_bits(1));
        assert_eq!(h(1.0).next_toward(h(2.0)), h(1.0) + f16::EPSILON);
        assert!(f16::NAN.next_toward(h(1.0)).is_nan());
        assert!(
            (h(0.0).logaddexp(h(0.0)) - h(std::f32::consts::LN_2))
                .to_f32()
                .abs()
                < 1e-3
        );
    }

    #[test]
    fn logaddexp_and_sign_special_values() {
        assert_eq!(f64::INFINITY.logaddexp(f64::INFINITY), f64::INFINITY);
        assert_eq!(
            f64::NEG_INFINITY.logaddexp(f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
        assert_eq!(f64::NEG_INFINITY.logaddexp(0.0), 0.0);
        assert!(f64::NAN.logaddexp(1.0).is_nan());
        assert!((0.0f64.logaddexp(0.0) - 2f64.ln()).abs() < 1e-15);
        assert!(f64::NAN.sign().is_nan());
        assert!(!(-0.0f64).sign().is_sign_negative());
        assert_eq!((-3.0f32).sign(), -1.0);
        assert!(f64::NAN.maximum_np(1.0).is_nan() && 1.0f64.minimum_np(f64::NAN).is_nan());
    }
}

//! `Numeric`: element types with arithmetic, and how their sums accumulate.

use std::ops::{Add, Div, Mul, Sub};

use tessera_chunk_core::Element;

/// An element type with arithmetic (every element type but `bool`).
pub trait Numeric:
    Element
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
{
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// The smallest value (negative infinity for floats).
    const MIN: Self;
    /// The largest value (infinity for floats).
    const MAX: Self;
    /// The type NumPy sums this type into (`int8` → `int64`, `float32` stays).
    type Acc: Numeric;
    /// Widen into the accumulator type.
    fn acc(self) -> Self::Acc;
    /// NaN-propagating minimum (NumPy's `np.minimum`).
    fn min_of(self, other: Self) -> Self;
    /// NaN-propagating maximum (NumPy's `np.maximum`).
    fn max_of(self, other: Self) -> Self;
}

macro_rules! int_numeric {
    ($t:ty, $acc:ty) => {
        impl Numeric for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            type Acc = $acc;
            #[allow(clippy::cast_lossless)]
            fn acc(self) -> $acc {
                self as $acc
            }
            fn min_of(self, other: Self) -> Self {
                Ord::min(self, other)
            }
            fn max_of(self, other: Self) -> Self {
                Ord::max(self, other)
            }
        }
    };
}

int_numeric!(i8, i64);
int_numeric!(i16, i64);
int_numeric!(i32, i64);
int_numeric!(i64, i64);
int_numeric!(u8, u64);
int_numeric!(u16, u64);
int_numeric!(u32, u64);
int_numeric!(u64, u64);

macro_rules! float_numeric {
    ($t:ty) => {
        impl Numeric for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const MIN: Self = <$t>::NEG_INFINITY;
            const MAX: Self = <$t>::INFINITY;
            type Acc = $t;
            fn acc(self) -> $t {
                self
            }
            fn min_of(self, other: Self) -> Self {
                if self.is_nan() || other.is_nan() {
                    <$t>::NAN
                } else {
                    self.min(other)
                }
            }
            fn max_of(self, other: Self) -> Self {
                if self.is_nan() || other.is_nan() {
                    <$t>::NAN
                } else {
                    self.max(other)
                }
            }
        }
    };
}

float_numeric!(f32);
float_numeric!(f64);

/// `float16` accumulates in `float32`, as NumPy's pairwise sum of `float16`
/// does: sums and products round to `float16` once, at the end.
impl Numeric for half::f16 {
    const ZERO: Self = half::f16::ZERO;
    const ONE: Self = half::f16::ONE;
    const MIN: Self = half::f16::NEG_INFINITY;
    const MAX: Self = half::f16::INFINITY;
    type Acc = f32;
    fn acc(self) -> f32 {
        self.to_f32()
    }
    fn min_of(self, other: Self) -> Self {
        if self.is_nan() || other.is_nan() {
            half::f16::NAN
        } else if other < self {
            other
        } else {
            self
        }
    }
    fn max_of(self, other: Self) -> Self {
        if self.is_nan() || other.is_nan() {
            half::f16::NAN
        } else if other > self {
            other
        } else {
            self
        }
    }
}

/// Run `$body` with `$a` bound to the typed array of a numeric (real,
/// non-bool) block; `bool` and complex blocks go to `$fallback`.
#[macro_export]
macro_rules! with_numeric_block {
    ($block:expr, $a:ident => $body:expr, bool => $fallback:expr) => {
        match $block {
            tessera_chunk_core::Block::F16($a) => $body,
            tessera_chunk_core::Block::F32($a) => $body,
            tessera_chunk_core::Block::F64($a) => $body,
            // The integer arms are listed once, in `with_int_block!`; bool and complex fall through.
            other => $crate::with_int_block!(other, $a => $body, other => $fallback),
        }
    };
}

/// Pairwise (cascade) summation of a slice, as NumPy does: error grows with
/// log(n) rather than n, which is what keeps `mean` of 10^9 values exact to
/// the last digits.
pub fn pairwise_sum<T: Numeric>(values: &[T]) -> T {
    pairwise_sum_by(values, |v| v)
}

/// Pairwise summation of `f(v)` over a slice, without materialising the `f(v)`.
pub fn pairwise_sum_by<T: Copy, A: Numeric>(values: &[T], f: impl Fn(T) -> A + Copy) -> A {
    const BLOCK: usize = 128;
    if values.len() <= BLOCK {
        // Eight lanes let the compiler vectorise; the lanes are added pairwise.
        let mut lanes = [A::ZERO; 8];
        let mut chunks = values.chunks_exact(8);
        for c in &mut chunks {
            for (l, &v) in lanes.iter_mut().zip(c) {
                *l = *l + f(v);
            }
        }
        let mut rest = A::ZERO;
        for &v in chunks.remainder() {
            rest = rest + f(v);
        }
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
            + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
            + rest
    } else {
        let mid = (values.len() / 2) / 8 * 8;
        pairwise_sum_by(&values[..mid], f) + pairwise_sum_by(&values[mid..], f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_is_accurate() {
        let v = vec![0.1f64; 10_000_000];
        let s = pairwise_sum(&v);
        assert!((s - 1_000_000.0).abs() < 1e-6, "{s}");
        assert_eq!(pairwise_sum::<i64>(&[]), 0);
        assert_eq!(pairwise_sum(&(1..=1000i64).collect::<Vec<_>>()), 500_500);
    }

    #[test]
    fn nan_propagates_in_min_max() {
        assert!(f64::NAN.min_of(1.0).is_nan());
        assert!(1.0f64.max_of(f64::NAN).is_nan());
        assert_eq!(3i8.min_of(-2), -2);
    }
}

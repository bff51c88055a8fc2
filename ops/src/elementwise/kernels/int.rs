//! `Integer`: the integer element types' arithmetic as NumPy does it —
//! wrapping on overflow, floor division and Python's remainder with a zero
//! divisor giving 0, shifts past the bit width giving 0 or the sign — and
//! `Bitwise`, the element types the bitwise operators take (integers and bool).

use std::ops::{BitAnd, BitOr, BitXor, Not};

use tessera_chunk_core::Element;

use crate::numeric::Numeric;

/// Element types of the bitwise operators `& | ^ !` (integers and bool).
pub trait Bitwise: Element {}

impl Bitwise for bool {}

/// Integer element types and NumPy's integer arithmetic.
pub trait Integer:
    Numeric
    + Bitwise
    + Ord
    + BitAnd<Output = Self>
    + BitOr<Output = Self>
    + BitXor<Output = Self>
    + Not<Output = Self>
{
    /// `a + b`, wrapping.
    fn wrapping_add(self, y: Self) -> Self;
    /// `a - b`, wrapping.
    fn wrapping_sub(self, y: Self) -> Self;
    /// `a * b`, wrapping.
    fn wrapping_mul(self, y: Self) -> Self;
    /// `-a`, wrapping (`-(-128i8)` is -128; unsigned values wrap around).
    fn wrapping_neg(self) -> Self;
    /// `|a|`, wrapping (`abs(-128i8)` is -128).
    fn wrapping_abs(self) -> Self;
    /// -1, 0 or 1.
    fn sign(self) -> Self;
    /// NumPy's `a // b`: toward -inf; 0 for `b == 0`; `MIN // -1` wraps to `MIN`.
    fn floor_div(self, y: Self) -> Self;
    /// NumPy's `a % b`: the sign of `b`; 0 for `b == 0`.
    fn py_rem(self, y: Self) -> Self;
    /// NumPy's `a << b`: 0 when `b` is negative or at least the bit width.
    fn shl_np(self, y: Self) -> Self;
    /// NumPy's `a >> b`: the sign fill (0 or -1) when `b` is negative or at least the bit width.
    fn shr_np(self, y: Self) -> Self;
    /// Whether `a ** b` would need a negative exponent (an error in NumPy).
    fn is_negative(self) -> bool {
        self < Self::ZERO
    }
    /// NumPy's `a ** b` for `b >= 0`, wrapping (by squaring, as `npy_ipow`).
    fn pow_np(self, y: Self) -> Self {
        let mut exp = self.exponent(y);
        let (mut base, mut out) = (self, Self::ONE);
        while exp > 0 {
            if exp & 1 == 1 {
                out = out.wrapping_mul(base);
            }
            base = base.wrapping_mul(base);
            exp >>= 1;
        }
        out
    }
    /// `y` as an exponent (`y >= 0` is checked before).
    fn exponent(self, y: Self) -> u64;
}

/// The methods whose body is the same for signed and unsigned types.
macro_rules! common {
    ($t:ty) => {
        fn wrapping_add(self, y: Self) -> Self {
            <$t>::wrapping_add(self, y)
        }
        fn wrapping_sub(self, y: Self) -> Self {
            <$t>::wrapping_sub(self, y)
        }
        fn wrapping_mul(self, y: Self) -> Self {
            <$t>::wrapping_mul(self, y)
        }
        fn wrapping_neg(self) -> Self {
            <$t>::wrapping_neg(self)
        }
        fn shl_np(self, y: Self) -> Self {
            // Casting as C's `(size_t)b` does: a negative count becomes huge.
            #[allow(clippy::cast_sign_loss)]
            let n = y as u64;
            if n < u64::from(<$t>::BITS) {
                self << n
            } else {
                0
            }
        }
        #[allow(clippy::cast_sign_loss)]
        fn exponent(self, y: Self) -> u64 {
            y as u64
        }
    };
}

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl Bitwise for $t {}
        impl Integer for $t {
            common!($t);
            fn wrapping_abs(self) -> Self {
                <$t>::wrapping_abs(self)
            }
            fn sign(self) -> Self {
                self.signum()
            }
            fn floor_div(self, y: Self) -> Self {
                if y == 0 {
                    return 0;
                }
                let q = self.wrapping_div(y);
                if self.wrapping_rem(y) != 0 && ((self < 0) != (y < 0)) {
                    q - 1
                } else {
                    q
                }
            }
            fn py_rem(self, y: Self) -> Self {
                if y == 0 {
                    return 0;
                }
                let r = self.wrapping_rem(y);
                if r != 0 && ((r < 0) != (y < 0)) {
                    r + y
                } else {
                    r
                }
            }
            fn shr_np(self, y: Self) -> Self {
                #[allow(clippy::cast_sign_loss)]
                let n = y as u64;
                if n < u64::from(<$t>::BITS) {
                    self >> n
                } else if self < 0 {
                    -1
                } else {
                    0
                }
            }
        }
    )*};
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Bitwise for $t {}
        impl Integer for $t {
            common!($t);
            fn wrapping_abs(self) -> Self {
                self
            }
            fn sign(self) -> Self {
                <$t>::from(self > 0)
            }
            fn floor_div(self, y: Self) -> Self {
                self.checked_div(y).unwrap_or(0)
            }
            fn py_rem(self, y: Self) -> Self {
                self.checked_rem(y).unwrap_or(0)
            }
            fn shr_np(self, y: Self) -> Self {
                if u64::from(y) < u64::from(<$t>::BITS) {
                    self >> y
                } else {
                    0
                }
            }
        }
    )*};
}

signed!(i8, i16, i32, i64);
unsigned!(u8, u16, u32, u64);

/// Run `$body` with `$a` bound to the typed array of an integer block; other
/// blocks go to `$fallback`.
#[macro_export]
macro_rules! with_int_block {
    ($block:expr, $a:ident => $body:expr, other => $fallback:expr) => {
        match $block {
            tessera_chunk_core::Block::I8($a) => $body,
            tessera_chunk_core::Block::I16($a) => $body,
            tessera_chunk_core::Block::I32($a) => $body,
            tessera_chunk_core::Block::I64($a) => $body,
            tessera_chunk_core::Block::U8($a) => $body,
            tessera_chunk_core::Block::U16($a) => $body,
            tessera_chunk_core::Block::U32($a) => $body,
            tessera_chunk_core::Block::U64($a) => $body,
            _ => $fallback,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_and_remainder_follow_numpy() {
        assert_eq!(Integer::floor_div(-7i32, 2), -4);
        assert_eq!(Integer::py_rem(-7i32, 2), 1);
        assert_eq!(Integer::py_rem(7i8, -2), -1);
        assert_eq!(Integer::floor_div(5i64, 0), 0);
        assert_eq!(Integer::py_rem(5u8, 0), 0);
        assert_eq!(Integer::floor_div(i8::MIN, -1), i8::MIN);
        assert_eq!(Integer::py_rem(i64::MIN, -1), 0);
    }

    #[test]
    fn shifts_past_the_width_fill() {
        assert_eq!(1u8.shl_np(8), 0);
        assert_eq!(1u8.shl_np(7), 128);
        assert_eq!((-8i16).shr_np(100), -1);
        assert_eq!(8i16.shr_np(100), 0);
        assert_eq!(8i32.shl_np(-1), 0);
        assert_eq!((-8i32).shr_np(-1), -1);
        assert_eq!((-1i8).shl_np(7), i8::MIN);
    }

    #[test]
    fn powers_wrap() {
        assert_eq!(3i64.pow_np(4), 81);
        assert_eq!(2i8.pow_np(7), i8::MIN);
        assert_eq!(2u64.pow_np(64), 0);
        assert_eq!((-1i32).pow_np(i32::MAX), -1);
        assert_eq!(0u8.pow_np(0), 1);
        assert_eq!(Integer::wrapping_abs(i8::MIN), i8::MIN);
        assert_eq!(Integer::sign(-5i16), -1);
        assert_eq!(Integer::sign(5u16), 1);
    }
}

//! The operators: `+ - * / %` on numeric arrays, `& | ^ !` on integer and
//! bool arrays, `<< >>` on integer arrays, `-` (negation), each with arrays
//! (owned or borrowed) or a scalar on either side.

use std::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Not, Rem, Shl, Shr, Sub};

use tessera_chunk_core::Element;
use tessera_ops::{BinaryOp, Bitwise, Integer, Numeric, UnaryOp};

use crate::array::Array;

/// `a op b` for every pairing of owned and borrowed arrays and scalars on
/// the right, for element types bound by `$bound`; the result has dtype `$out`.
macro_rules! array_ops {
    ($bound:ident: $trait:ident, $method:ident, $op:expr, $out:ty) => {
        impl<T: $bound> $trait<&Array<T>> for &Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: &Array<T>) -> Array<$out> {
                self.binary($op, rhs)
            }
        }
        impl<T: $bound> $trait<Array<T>> for &Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: Array<T>) -> Array<$out> {
                self.binary($op, &rhs)
            }
        }
        impl<T: $bound> $trait<&Array<T>> for Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: &Array<T>) -> Array<$out> {
                self.binary($op, rhs)
            }
        }
        impl<T: $bound> $trait<Array<T>> for Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: Array<T>) -> Array<$out> {
                self.binary($op, &rhs)
            }
        }
        impl<T: $bound> $trait<T> for &Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: T) -> Array<$out> {
                self.with_scalar($op, rhs, false)
            }
        }
        impl<T: $bound> $trait<T> for Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: T) -> Array<$out> {
                self.with_scalar($op, rhs, false)
            }
        }
    };
}

array_ops!(Numeric: Add, add, BinaryOp::Add, T);
array_ops!(Numeric: Sub, sub, BinaryOp::Sub, T);
array_ops!(Numeric: Mul, mul, BinaryOp::Mul, T);
array_ops!(Numeric: Div, div, BinaryOp::Div, T::Float);
array_ops!(Numeric: Rem, rem, BinaryOp::Remainder, T);
// On bool arrays `& | ^` are NumPy's logical and, or, xor.
array_ops!(Bitwise: BitAnd, bitand, BinaryOp::BitwiseAnd, T);
array_ops!(Bitwise: BitOr, bitor, BinaryOp::BitwiseOr, T);
array_ops!(Bitwise: BitXor, bitxor, BinaryOp::BitwiseXor, T);
array_ops!(Integer: Shl, shl, BinaryOp::LeftShift, T);
array_ops!(Integer: Shr, shr, BinaryOp::RightShift, T);

/// `s op a` with the scalar on the left (`2.0 - &x`, `1.0 / &x`, `1 << &n`),
/// for each element type (Rust lets a foreign scalar type take our operators
/// only one concrete type at a time).
macro_rules! scalar_left_ops {
    (numeric: $($t:ty),*) => {$(
        scalar_left_ops!(@one $t, Add, add, BinaryOp::Add, $t);
        scalar_left_ops!(@one $t, Sub, sub, BinaryOp::Sub, $t);
        scalar_left_ops!(@one $t, Mul, mul, BinaryOp::Mul, $t);
        scalar_left_ops!(@one $t, Div, div, BinaryOp::Div, <$t as Element>::Float);
        scalar_left_ops!(@one $t, Rem, rem, BinaryOp::Remainder, $t);
    )*};
    (integer: $($t:ty),*) => {$(
        scalar_left_ops!(@one $t, BitAnd, bitand, BinaryOp::BitwiseAnd, $t);
        scalar_left_ops!(@one $t, BitOr, bitor, BinaryOp::BitwiseOr, $t);
        scalar_left_ops!(@one $t, BitXor, bitxor, BinaryOp::BitwiseXor, $t);
        scalar_left_ops!(@one $t, Shl, shl, BinaryOp::LeftShift, $t);
        scalar_left_ops!(@one $t, Shr, shr, BinaryOp::RightShift, $t);
    )*};
    (@one $t:ty, $trait:ident, $method:ident, $op:expr, $out:ty) => {
        impl $trait<&Array<$t>> for $t {
            type Output = Array<$out>;
            fn $method(self, rhs: &Array<$t>) -> Array<$out> {
                rhs.with_scalar($op, self, true)
            }
        }
        impl $trait<Array<$t>> for $t {
            type Output = Array<$out>;
            fn $method(self, rhs: Array<$t>) -> Array<$out> {
                rhs.with_scalar($op, self, true)
            }
        }
    };
}

scalar_left_ops!(numeric: half::f16, f32, f64, i8, i16, i32, i64, u8, u16, u32, u64);

/// `float16` arrays with `f64` scalars (`&h + 1.0`, `2.0 * &h`): a float
/// literal cannot be an `f16`, so these take it as NumPy takes a Python
/// float: rounded to `float16` (the array's dtype wins), then the operation
/// in `float32`, rounded once.
macro_rules! f16_with_f64 {
    ($($trait:ident, $method:ident, $op:ident;)*) => {$(
        impl $trait<f64> for &Array<half::f16> {
            type Output = Array<half::f16>;
            fn $method(self, rhs: f64) -> Array<half::f16> {
                self.with_f64(BinaryOp::$op, rhs, false)
            }
        }
        impl $trait<f64> for Array<half::f16> {
            type Output = Array<half::f16>;
            fn $method(self, rhs: f64) -> Array<half::f16> {
                self.with_f64(BinaryOp::$op, rhs, false)
            }
        }
        impl $trait<&Array<half::f16>> for f64 {
            type Output = Array<half::f16>;
            fn $method(self, rhs: &Array<half::f16>) -> Array<half::f16> {
                rhs.with_f64(BinaryOp::$op, self, true)
            }
        }
        impl $trait<Array<half::f16>> for f64 {
            type Output = Array<half::f16>;
            fn $method(self, rhs: Array<half::f16>) -> Array<half::f16> {
                rhs.with_f64(BinaryOp::$op, self, true)
            }
        }
    )*};
}

f16_with_f64! {
    Add, add, Add;
    Sub, sub, Sub;
    Mul, mul, Mul;
    Div, div, Div;
    Rem, rem, Remainder;
}

impl Array<half::f16> {
    /// `self op s` (or `s op self`) with an `f64` scalar, which NumPy 2
    /// rounds to the array's `float16` first (a Python float is weak).
    fn with_f64(&self, op: BinaryOp, s: f64, scalar_left: bool) -> Array<half::f16> {
        self.with_scalar(op, Element::from_f64(s), scalar_left)
    }
}
scalar_left_ops!(integer: i8, i16, i32, i64, u8, u16, u32, u64);

impl<T: Numeric> Neg for &Array<T> {
    type Output = Array<T>;
    fn neg(self) -> Array<T> {
        self.unary(UnaryOp::Neg)
    }
}

impl<T: Numeric> Neg for Array<T> {
    type Output = Array<T>;
    fn neg(self) -> Array<T> {
        (&self).neg()
    }
}

impl<T: Bitwise> Not for &Array<T> {
    type Output = Array<T>;
    /// `~a`: bitwise not of integers, logical not of bools.
    fn not(self) -> Array<T> {
        self.unary(UnaryOp::Invert)
    }
}

impl<T: Bitwise> Not for Array<T> {
    type Output = Array<T>;
    fn not(self) -> Array<T> {
        !&self
    }
}

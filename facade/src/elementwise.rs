//! Elementwise operations with NumPy broadcasting: unary math, binary
//! operations, comparisons, logical operators on boolean arrays, `clip`,
//! `astype`, `where_`, and the operators (`&a + &b`, `2.0 - &x`, `-&a`,
//! `&m & &n`, `!&m`). Every one gives an array, never a `Result`: shapes
//! that do not broadcast are an error the array carries (see [`Array::check`]).
//!
//! Result dtypes are NumPy 2's: arithmetic keeps the dtype, true division
//! and float math of integers give `float64` (`T::Float`), comparisons
//! give `bool`.

use std::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Not, Sub};

use tessera_chunk_core::Element;
use tessera_ops::{elementwise, BinaryOp, Numeric, Scalar, UnaryOp};

use crate::array::Array;

/// The other side of a comparison: a scalar or an array of the same type.
pub enum Rhs<'a, T: Element> {
    /// A scalar, broadcast to every element.
    Scalar(T),
    /// An array, broadcast against the left one.
    Array(&'a Array<T>),
}

impl<T: Element> From<T> for Rhs<'_, T> {
    fn from(s: T) -> Self {
        Rhs::Scalar(s)
    }
}

impl<'a, T: Element> From<&'a Array<T>> for Rhs<'a, T> {
    fn from(a: &'a Array<T>) -> Self {
        Rhs::Array(a)
    }
}

impl<T: Element> Array<T> {
    /// Cast to another element type (`x.astype(dtype)`), with NumPy's casting.
    pub fn astype<U: Element>(&self) -> Array<U> {
        self.then("astype", |x| Ok(elementwise::astype(x, U::DTYPE)?))
    }

    /// `self op other` with broadcasting, giving dtype `U` (the typed
    /// operators and methods cover the usual cases; this is the general form).
    pub fn binary<U: Element>(&self, op: BinaryOp, other: &Array<T>) -> Array<U> {
        self.then2(other, op.label(), |a, b| Ok(elementwise::binary(op, a, b)?))
    }

    /// `self op s` (or `s op self` when `scalar_left`), giving dtype `U`.
    fn with_scalar<U: Element>(&self, op: BinaryOp, s: T, scalar_left: bool) -> Array<U> {
        self.then(op.label(), |x| {
            Ok(elementwise::binary_scalar(
                op,
                x,
                Scalar::of(s),
                scalar_left,
            )?)
        })
    }

    /// `self op rhs` for a scalar or an array on the right.
    fn with_operand<U: Element>(&self, op: BinaryOp, rhs: Rhs<'_, T>) -> Array<U> {
        match rhs {
            Rhs::Scalar(s) => self.with_scalar(op, s, false),
            Rhs::Array(a) => self.binary(op, a),
        }
    }

    fn unary<U: Element>(&self, op: UnaryOp) -> Array<U> {
        self.then(op.label(), |x| Ok(elementwise::unary(op, x)?))
    }

    /// Elementwise absolute value (`abs`).
    pub fn abs(&self) -> Array<T> {
        self.unary(UnaryOp::Abs)
    }

    /// Elementwise square root (`sqrt`; integers give float64).
    pub fn sqrt(&self) -> Array<T::Float> {
        self.unary(UnaryOp::Sqrt)
    }

    /// Elementwise exponential (`exp`).
    pub fn exp(&self) -> Array<T::Float> {
        self.unary(UnaryOp::Exp)
    }

    /// Elementwise natural logarithm (`log`).
    pub fn log(&self) -> Array<T::Float> {
        self.unary(UnaryOp::Log)
    }

    /// Elementwise sine (`sin`).
    pub fn sin(&self) -> Array<T::Float> {
        self.unary(UnaryOp::Sin)
    }

    /// Elementwise cosine (`cos`).
    pub fn cos(&self) -> Array<T::Float> {
        self.unary(UnaryOp::Cos)
    }

    /// Elementwise power with a scalar exponent (`x ** p`).
    pub fn pow(&self, exponent: T) -> Array<T::Float> {
        self.with_scalar(BinaryOp::Pow, exponent, false)
    }

    /// Clip values into `[lo, hi]` (`clip`).
    pub fn clip(&self, lo: T, hi: T) -> Array<T> {
        let lower: Array<T> = self.with_scalar(BinaryOp::Maximum, lo, false);
        lower.with_scalar(BinaryOp::Minimum, hi, false)
    }

    /// Elementwise `self > rhs` (a scalar or an array).
    pub fn gt<'a>(&self, rhs: impl Into<Rhs<'a, T>>) -> Array<bool> {
        self.with_operand(BinaryOp::Gt, rhs.into())
    }

    /// Elementwise `self >= rhs`.
    pub fn ge<'a>(&self, rhs: impl Into<Rhs<'a, T>>) -> Array<bool> {
        self.with_operand(BinaryOp::Ge, rhs.into())
    }

    /// Elementwise `self < rhs`.
    pub fn lt<'a>(&self, rhs: impl Into<Rhs<'a, T>>) -> Array<bool> {
        self.with_operand(BinaryOp::Lt, rhs.into())
    }

    /// Elementwise `self <= rhs`.
    pub fn le<'a>(&self, rhs: impl Into<Rhs<'a, T>>) -> Array<bool> {
        self.with_operand(BinaryOp::Le, rhs.into())
    }

    /// Elementwise `self == rhs` (NumPy's `==` on arrays).
    pub fn eq<'a>(&self, rhs: impl Into<Rhs<'a, T>>) -> Array<bool> {
        self.with_operand(BinaryOp::Eq, rhs.into())
    }

    /// Elementwise `self != rhs`.
    pub fn ne<'a>(&self, rhs: impl Into<Rhs<'a, T>>) -> Array<bool> {
        self.with_operand(BinaryOp::Ne, rhs.into())
    }
}

/// Elements of `a` where `cond` is true, else of `b` (`da.where`), broadcasting.
pub fn where_<T: Element>(cond: &Array<bool>, a: &Array<T>, b: &Array<T>) -> Array<T> {
    match (cond.expr(), a.expr(), b.expr()) {
        (Ok(c), Ok(x), Ok(y)) => Array::built(
            "where",
            &[c, x, y],
            elementwise::where_(c, x, y).map_err(Into::into),
        ),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Array::failed(e),
    }
}

/// `a op b` for every pairing of owned and borrowed arrays and scalars on
/// the right; the result has dtype `$out`.
macro_rules! array_ops {
    ($trait:ident, $method:ident, $op:expr, $out:ty) => {
        impl<T: Numeric> $trait<&Array<T>> for &Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: &Array<T>) -> Array<$out> {
                self.binary($op, rhs)
            }
        }
        impl<T: Numeric> $trait<Array<T>> for &Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: Array<T>) -> Array<$out> {
                self.binary($op, &rhs)
            }
        }
        impl<T: Numeric> $trait<&Array<T>> for Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: &Array<T>) -> Array<$out> {
                self.binary($op, rhs)
            }
        }
        impl<T: Numeric> $trait<Array<T>> for Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: Array<T>) -> Array<$out> {
                self.binary($op, &rhs)
            }
        }
        impl<T: Numeric> $trait<T> for &Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: T) -> Array<$out> {
                self.with_scalar($op, rhs, false)
            }
        }
        impl<T: Numeric> $trait<T> for Array<T> {
            type Output = Array<$out>;
            fn $method(self, rhs: T) -> Array<$out> {
                self.with_scalar($op, rhs, false)
            }
        }
    };
}

array_ops!(Add, add, BinaryOp::Add, T);
array_ops!(Sub, sub, BinaryOp::Sub, T);
array_ops!(Mul, mul, BinaryOp::Mul, T);
array_ops!(Div, div, BinaryOp::Div, T::Float);

/// `s op a` with the scalar on the left (`2.0 - &x`, `1.0 / &x`), for each
/// element type (Rust lets a foreign scalar type take our operators only
/// one concrete type at a time).
macro_rules! scalar_left_ops {
    ($($t:ty),*) => {$(
        scalar_left_ops!(@one $t, Add, add, BinaryOp::Add, $t);
        scalar_left_ops!(@one $t, Sub, sub, BinaryOp::Sub, $t);
        scalar_left_ops!(@one $t, Mul, mul, BinaryOp::Mul, $t);
        scalar_left_ops!(@one $t, Div, div, BinaryOp::Div, <$t as Element>::Float);
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

scalar_left_ops!(f32, f64, i8, i16, i32, i64, u8, u16, u32, u64);

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

/// Logical operators on boolean arrays (`&m & &n`, `m | n`, `&m ^ &n`),
/// as NumPy's on bool arrays: and is the minimum, or the maximum, xor `!=`.
macro_rules! logical_ops {
    ($trait:ident, $method:ident, $op:expr) => {
        impl $trait<&Array<bool>> for &Array<bool> {
            type Output = Array<bool>;
            fn $method(self, rhs: &Array<bool>) -> Array<bool> {
                self.binary($op, rhs)
            }
        }
        impl $trait<Array<bool>> for Array<bool> {
            type Output = Array<bool>;
            fn $method(self, rhs: Array<bool>) -> Array<bool> {
                self.binary($op, &rhs)
            }
        }
        impl $trait<&Array<bool>> for Array<bool> {
            type Output = Array<bool>;
            fn $method(self, rhs: &Array<bool>) -> Array<bool> {
                self.binary($op, rhs)
            }
        }
        impl $trait<bool> for &Array<bool> {
            type Output = Array<bool>;
            fn $method(self, rhs: bool) -> Array<bool> {
                self.with_scalar($op, rhs, false)
            }
        }
    };
}

logical_ops!(BitAnd, bitand, BinaryOp::Minimum);
logical_ops!(BitOr, bitor, BinaryOp::Maximum);
logical_ops!(BitXor, bitxor, BinaryOp::Ne);

impl Not for &Array<bool> {
    type Output = Array<bool>;
    /// Logical not: `m == false`.
    fn not(self) -> Array<bool> {
        self.with_scalar(BinaryOp::Eq, false, false)
    }
}

impl Not for Array<bool> {
    type Output = Array<bool>;
    fn not(self) -> Array<bool> {
        !&self
    }
}

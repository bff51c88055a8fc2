//! Elementwise operations with NumPy broadcasting: unary math, binary
//! operations, comparisons, `clip`, `astype`, `where_`, and the operators
//! `&a + &b`, `&a * 2.0`, `-&a`, each giving `Result<Array<T>>` (shapes may
//! not broadcast; that is an error, never a panic).

use std::ops::{Add, Div, Mul, Neg, Sub};

use tessera_chunk_core::Element;
use tessera_ops::{elementwise, BinaryOp, Numeric, Scalar, UnaryOp};

use crate::array::Array;
use crate::error::Result;

impl<T: Element> Array<T> {
    /// Cast to another element type (`astype`).
    pub fn astype<U: Element>(&self) -> Result<Array<U>> {
        Array::from_expr(elementwise::astype(self.expr(), U::DTYPE)?)
    }

    /// Apply a binary operation with another array (broadcasting), result dtype `U`.
    pub fn binary<U: Element>(&self, op: BinaryOp, other: &Array<T>) -> Result<Array<U>> {
        Array::from_expr(elementwise::binary(op, self.expr(), other.expr())?)
    }

    /// Apply a binary operation with a scalar on the right.
    pub fn binary_scalar<U: Element>(&self, op: BinaryOp, s: T) -> Result<Array<U>> {
        Array::from_expr(elementwise::binary_scalar(
            op,
            self.expr(),
            Scalar::of(s),
            false,
        )?)
    }

    fn unary(&self, op: UnaryOp) -> Result<Array<T>> {
        Array::from_expr(elementwise::unary(op, self.expr())?)
    }

    /// Elementwise absolute value.
    pub fn abs(&self) -> Result<Array<T>> {
        self.unary(UnaryOp::Abs)
    }

    /// Elementwise square root (float arrays).
    pub fn sqrt(&self) -> Result<Array<T>> {
        self.unary(UnaryOp::Sqrt)
    }

    /// Elementwise exponential (float arrays).
    pub fn exp(&self) -> Result<Array<T>> {
        self.unary(UnaryOp::Exp)
    }

    /// Elementwise natural logarithm (float arrays).
    pub fn ln(&self) -> Result<Array<T>> {
        self.unary(UnaryOp::Log)
    }

    /// Elementwise sine (float arrays).
    pub fn sin(&self) -> Result<Array<T>> {
        self.unary(UnaryOp::Sin)
    }

    /// Elementwise cosine (float arrays).
    pub fn cos(&self) -> Result<Array<T>> {
        self.unary(UnaryOp::Cos)
    }

    /// Elementwise power with a scalar exponent (float arrays).
    pub fn powf(&self, exponent: T) -> Result<Array<T>> {
        self.binary_scalar(BinaryOp::Pow, exponent)
    }

    /// Clip values into `[lo, hi]`.
    pub fn clip(&self, lo: T, hi: T) -> Result<Array<T>> {
        let lower: Array<T> = self.binary_scalar(BinaryOp::Maximum, lo)?;
        lower.binary_scalar(BinaryOp::Minimum, hi)
    }

    /// Elementwise `self > s`.
    pub fn gt(&self, s: T) -> Result<Array<bool>> {
        self.binary_scalar(BinaryOp::Gt, s)
    }

    /// Elementwise `self < s`.
    pub fn lt(&self, s: T) -> Result<Array<bool>> {
        self.binary_scalar(BinaryOp::Lt, s)
    }

    /// Elementwise `self == other`.
    pub fn eq_elem(&self, other: &Array<T>) -> Result<Array<bool>> {
        self.binary(BinaryOp::Eq, other)
    }
}

/// Elements of `a` where `cond` is true, else of `b` (`da.where`), broadcasting.
pub fn where_<T: Element>(cond: &Array<bool>, a: &Array<T>, b: &Array<T>) -> Result<Array<T>> {
    Array::from_expr(elementwise::where_(cond.expr(), a.expr(), b.expr())?)
}

macro_rules! binary_ops {
    ($trait:ident, $method:ident, $op:expr) => {
        impl<T: Numeric> $trait<&Array<T>> for &Array<T> {
            type Output = Result<Array<T>>;
            fn $method(self, rhs: &Array<T>) -> Result<Array<T>> {
                Array::from_expr(elementwise::binary($op, self.expr(), rhs.expr())?)
            }
        }
        impl<T: Numeric> $trait<T> for &Array<T> {
            type Output = Result<Array<T>>;
            fn $method(self, rhs: T) -> Result<Array<T>> {
                Array::from_expr(elementwise::binary_scalar(
                    $op,
                    self.expr(),
                    Scalar::of(rhs),
                    false,
                )?)
            }
        }
        impl<T: Numeric> $trait<T> for Array<T> {
            type Output = Result<Array<T>>;
            fn $method(self, rhs: T) -> Result<Array<T>> {
                (&self).$method(rhs)
            }
        }
        impl<T: Numeric> $trait<&Array<T>> for Array<T> {
            type Output = Result<Array<T>>;
            fn $method(self, rhs: &Array<T>) -> Result<Array<T>> {
                (&self).$method(rhs)
            }
        }
    };
}

binary_ops!(Add, add, BinaryOp::Add);
binary_ops!(Sub, sub, BinaryOp::Sub);
binary_ops!(Mul, mul, BinaryOp::Mul);

/// Division keeps the dtype for floats; integer arrays divide through
/// [`Array::binary`] into `Array<f64>`, as NumPy's true division.
macro_rules! float_div {
    ($t:ty) => {
        impl Div<&Array<$t>> for &Array<$t> {
            type Output = Result<Array<$t>>;
            fn div(self, rhs: &Array<$t>) -> Result<Array<$t>> {
                Array::from_expr(elementwise::binary(BinaryOp::Div, self.expr(), rhs.expr())?)
            }
        }
        impl Div<$t> for &Array<$t> {
            type Output = Result<Array<$t>>;
            fn div(self, rhs: $t) -> Result<Array<$t>> {
                Array::from_expr(elementwise::binary_scalar(
                    BinaryOp::Div,
                    self.expr(),
                    Scalar::of(rhs),
                    false,
                )?)
            }
        }
        impl Div<$t> for Array<$t> {
            type Output = Result<Array<$t>>;
            fn div(self, rhs: $t) -> Result<Array<$t>> {
                (&self).div(rhs)
            }
        }
    };
}

float_div!(f32);
float_div!(f64);

impl<T: Numeric> Neg for &Array<T> {
    type Output = Result<Array<T>>;
    fn neg(self) -> Result<Array<T>> {
        Array::from_expr(elementwise::unary(UnaryOp::Neg, self.expr())?)
    }
}

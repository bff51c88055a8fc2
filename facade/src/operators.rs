//! Operator overloading: `&a + &b`, `&a * 2.0`, `-&a`, each giving `Result<Array<T>>`
//! (shapes may not broadcast; that is an error, never a panic).

use std::ops::{Add, Div, Mul, Neg, Sub};

use tessera_ops::{elementwise, BinaryOp, Numeric, Scalar, UnaryOp};

use crate::array::Array;
use crate::error::Result;

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

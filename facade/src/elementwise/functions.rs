//! The Array API's binary elementwise functions as free functions
//! (`tessera::atan2(&y, &x)`, `tessera::maximum(&a, 0.0)`), each taking an
//! array and a scalar or an array of the same element type, broadcasting;
//! and `bitwise_invert` / `logical_not`.
//!
//! ```
//! let a = tessera::from_array(ndarray::arr1(&[-7i32, 7, 5, -1]).into_dyn(), 2);
//! let b = tessera::from_array(ndarray::arr1(&[2i32, -2, 0, 8]).into_dyn(), 2);
//! // Python's floor division and remainder; NumPy gives 0 for a zero divisor.
//! assert_eq!(tessera::floor_divide(&a, &b).compute()?, ndarray::arr1(&[-4, -4, 0, -1]).into_dyn());
//! assert_eq!(tessera::remainder(&a, &b).compute()?, ndarray::arr1(&[1, -1, 0, 7]).into_dyn());
//! assert_eq!(tessera::bitwise_left_shift(&a, 40).compute()?, ndarray::arr1(&[0, 0, 0, 0]).into_dyn());
//! # Ok::<(), tessera::Error>(())
//! ```

use tessera_chunk_core::Element;
use tessera_ops::{BinaryOp, UnaryOp};

use super::Rhs;
use crate::array::Array;

/// One free function per `name => op`, each giving `Array<$out>`.
macro_rules! binary_functions {
    ($out:ty; $($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name<'a, T: Element>(a: &Array<T>, b: impl Into<Rhs<'a, T>>) -> Array<$out> {
                a.with_operand(BinaryOp::$op, b.into())
            }
        )*
    };
}

binary_functions! { T::Float;
    /// `atan2(a, b)`: the angle of the point `(b, a)`, with the signs of zeros (`np.arctan2`).
    atan2 => Atan2;
    /// `sqrt(a² + b²)` without overflow (`np.hypot`; inf wins over NaN).
    hypot => Hypot;
    /// The magnitude of `a` with the sign bit of `b` (`np.copysign`).
    copysign => Copysign;
    /// `log(exp(a) + exp(b))` without overflow (`np.logaddexp`).
    logaddexp => Logaddexp;
    /// The next float after `a` toward `b` (`np.nextafter`).
    nextafter => Nextafter;
}

binary_functions! { T;
    /// Elementwise maximum (`np.maximum`; NaN propagates).
    maximum => Maximum;
    /// Elementwise minimum (`np.minimum`; NaN propagates).
    minimum => Minimum;
    /// `a ** b` (`pow`): integers stay integers and wrap; a negative integer
    /// exponent is an error (at build time for a scalar, at compute time in an array).
    pow => Pow;
    /// `a // b`, toward -inf (`floor_divide`): integer division by zero gives
    /// 0 and `MIN // -1` wraps to `MIN`, as NumPy; floats as Python's `divmod`.
    floor_divide => FloorDivide;
    /// `a % b` with the sign of `b` (`remainder`, the `%` operator): integer
    /// `x % 0` is 0; floats as Python's `divmod` (`-1 % inf` is inf).
    remainder => Remainder;
    /// `a & b` of integers or bools (`bitwise_and`, the `&` operator).
    bitwise_and => BitwiseAnd;
    /// `a | b` (`bitwise_or`).
    bitwise_or => BitwiseOr;
    /// `a ^ b` (`bitwise_xor`).
    bitwise_xor => BitwiseXor;
    /// `a << b` of integers (`bitwise_left_shift`): 0 when `b` is at least
    /// the bit width, and when `b` is negative (NumPy's behaviour).
    bitwise_left_shift => LeftShift;
    /// `a >> b` of integers (`bitwise_right_shift`, arithmetic for signed
    /// types): when `b` is at least the bit width or negative, 0 for
    /// non-negative `a` and -1 for negative `a` (NumPy's behaviour).
    bitwise_right_shift => RightShift;
}

binary_functions! { bool;
    /// `a and b` with each element taken as a truth value (`logical_and`).
    logical_and => LogicalAnd;
    /// `a or b` as truth values (`logical_or`).
    logical_or => LogicalOr;
    /// `a xor b` as truth values (`logical_xor`).
    logical_xor => LogicalXor;
}

/// `~a`: bitwise not of integers, logical not of bools (`bitwise_invert`, the `!` operator).
pub fn bitwise_invert<T: Element>(a: &Array<T>) -> Array<T> {
    a.unary(UnaryOp::Invert)
}

/// `not a` with each element taken as a truth value (`logical_not`; NaN is true, so gives false).
pub fn logical_not<T: Element>(a: &Array<T>) -> Array<bool> {
    a.unary(UnaryOp::LogicalNot)
}

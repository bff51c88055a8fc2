//! Elementwise operations with NumPy broadcasting: unary math (`math.rs`),
//! binary functions (`functions.rs`: `tessera::atan2(&a, &b)`…), the
//! operators (`operators.rs`: `&a + &b`, `2.0 - &x`, `-&a`, `&a % 3`,
//! `&m & &n`, `!&m`, `&i << 2`), and here comparisons, `clip`, `pow`,
//! `astype` and `where_`. Every one gives an array, never a `Result`: shapes
//! that do not broadcast are an error the array carries (see [`Array::check`](crate::Lazy::check)).
//!
//! Result dtypes are NumPy 2's and the Array API's: arithmetic keeps the
//! dtype (integers wrap), true division and float math of integers give
//! `float64` (`T::Float`), rounding, `//`, `%`, `**` and bitwise operations
//! keep integers, comparisons, predicates and logical operations give `bool`.

mod functions;
mod math;
mod operators;

pub use functions::*;

use tessera_chunk_core::Element;
use tessera_ops::elementwise::kernels::Part;
use tessera_ops::{elementwise, BinaryOp, Scalar, UnaryOp};

use crate::array::Array;

/// The other operand of a binary operation: a scalar or an array of the same type.
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
    /// operators, methods and functions cover the usual cases; this is the general form).
    pub fn binary<U: Element>(&self, op: BinaryOp, other: &Array<T>) -> Array<U> {
        self.then2(other, op.label(), |a, b| Ok(elementwise::binary(op, a, b)?))
    }

    /// The real part of each element (the Array API's `real`): a float
    /// array of the same width for complex arrays, the array itself otherwise.
    pub fn real(&self) -> Array<T::Real> {
        self.part(Part::Real)
    }

    /// The imaginary part of each element (`imag`): zeros for real arrays.
    pub fn imag(&self) -> Array<T::Real> {
        self.part(Part::Imag)
    }

    /// The complex conjugate of each element (`conj`): real arrays are their own.
    pub fn conj(&self) -> Array<T> {
        self.part(Part::Conj)
    }

    fn part<U: Element>(&self, part: Part) -> Array<U> {
        self.then(part.label(), |x| Ok(elementwise::complex_part(part, x)?))
    }

    /// Elementwise `1 / x` (the Array API's `reciprocal`): float64 for
    /// integers and bool, float32 stays float32, as `1.0 / x` in NumPy.
    pub fn reciprocal(&self) -> Array<T::Float> {
        self.then("reciprocal", |x| {
            Ok(elementwise::binary_scalar(
                BinaryOp::Div,
                x,
                Scalar::Float(1.0),
                true,
            )?)
        })
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

    /// `op self`, giving dtype `U`.
    fn unary<U: Element>(&self, op: UnaryOp) -> Array<U> {
        self.then(op.label(), |x| Ok(elementwise::unary(op, x)?))
    }

    /// Elementwise power with a scalar exponent (`x ** p`): integers stay
    /// integers (wrapping on overflow, as NumPy); a negative integer exponent
    /// is an error, as in NumPy (cast to a float type first).
    ///
    /// ```
    /// let x = tessera::arange::<i64>(0.0, 4.0, 1.0, 2);
    /// assert_eq!(x.pow(3).compute()?, ndarray::arr1(&[0, 1, 8, 27]).into_dyn());
    /// assert!(x.pow(-1).check().is_err());
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn pow(&self, exponent: T) -> Array<T> {
        self.with_scalar(BinaryOp::Pow, exponent, false)
    }

    /// Clip values into `[lo, hi]` (`clip`): each bound a scalar or an array
    /// broadcast against this one; `minimum(maximum(x, lo), hi)` as NumPy, so
    /// NaN propagates and `hi` wins where `lo > hi`.
    ///
    /// ```
    /// let x = tessera::arange::<f64>(0.0, 6.0, 1.0, 4);
    /// let hi = tessera::full(6, 3.5, 2);
    /// assert_eq!(x.clip(1.0, &hi).compute()?, ndarray::arr1(&[1.0, 1.0, 2.0, 3.0, 3.5, 3.5]).into_dyn());
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn clip<'a, 'b>(&self, lo: impl Into<Rhs<'a, T>>, hi: impl Into<Rhs<'b, T>>) -> Array<T> {
        let lower: Array<T> = self.with_operand(BinaryOp::Maximum, lo.into());
        lower.with_operand(BinaryOp::Minimum, hi.into())
    }

    /// Elementwise maximum with a scalar or an array (`np.maximum`; NaN propagates).
    pub fn maximum<'a>(&self, rhs: impl Into<Rhs<'a, T>>) -> Array<T> {
        self.with_operand(BinaryOp::Maximum, rhs.into())
    }

    /// Elementwise minimum with a scalar or an array (`np.minimum`; NaN propagates).
    pub fn minimum<'a>(&self, rhs: impl Into<Rhs<'a, T>>) -> Array<T> {
        self.with_operand(BinaryOp::Minimum, rhs.into())
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

//! Unary math as methods (`x.sin()`, `x.floor()`, `x.isnan()`), named as the
//! Array API names them. Float math of integers gives float64 (`T::Float`),
//! float32 stays float32; rounding, `sign`, `square` keep the dtype; the
//! predicates give bool.

use tessera_chunk_core::Element;
use tessera_ops::UnaryOp;

use crate::array::Array;

/// One method per `name => op`, each giving `Array<$out>`.
macro_rules! unary_methods {
    ($out:ty; $($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        impl<T: Element> Array<T> {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Array<$out> {
                    self.unary(UnaryOp::$op)
                }
            )*
        }
    };
}

unary_methods! { T::Float;
    /// Elementwise square root (`sqrt`; integers give float64).
    sqrt => Sqrt;
    /// Elementwise exponential (`exp`).
    exp => Exp;
    /// Elementwise natural logarithm (`log`).
    log => Log;
    /// Elementwise sine (`sin`).
    sin => Sin;
    /// Elementwise cosine (`cos`).
    cos => Cos;
    /// Elementwise tangent (`tan`).
    tan => Tan;
    /// Elementwise inverse sine (`asin`, NumPy's `arcsin`).
    asin => Asin;
    /// Elementwise inverse cosine (`acos`).
    acos => Acos;
    /// Elementwise inverse tangent (`atan`).
    atan => Atan;
    /// Elementwise hyperbolic sine (`sinh`).
    sinh => Sinh;
    /// Elementwise hyperbolic cosine (`cosh`).
    cosh => Cosh;
    /// Elementwise hyperbolic tangent (`tanh`).
    tanh => Tanh;
    /// Elementwise inverse hyperbolic sine (`asinh`).
    asinh => Asinh;
    /// Elementwise inverse hyperbolic cosine (`acosh`).
    acosh => Acosh;
    /// Elementwise inverse hyperbolic tangent (`atanh`).
    atanh => Atanh;
    /// Elementwise `log(1 + x)`, exact for small `x` (`log1p`).
    log1p => Log1p;
    /// Elementwise `exp(x) - 1`, exact for small `x` (`expm1`).
    expm1 => Expm1;
    /// Elementwise base-2 logarithm (`log2`).
    log2 => Log2;
    /// Elementwise base-10 logarithm (`log10`).
    log10 => Log10;
}

unary_methods! { T::Real;
    /// Elementwise absolute value (`abs`; `abs(int8(-128))` is -128, as
    /// NumPy; of complex numbers the modulus, in the real dtype of their parts).
    abs => Abs;
}

unary_methods! { T;
    /// Elementwise `-x` (`negative`; the `-` operator does the same).
    negative => Neg;
    /// Elementwise `+x`: the values unchanged (`positive`).
    positive => Positive;
    /// Round toward -inf (`floor`; integers are unchanged and keep their dtype).
    floor => Floor;
    /// Round toward +inf (`ceil`).
    ceil => Ceil;
    /// Round toward zero (`trunc`).
    trunc => Trunc;
    /// Round half to even, as `np.round` (`round(2.5)` is 2, `round(-0.5)` is -0).
    round => Round;
    /// -1, 0 or 1 by sign (`sign`; NaN stays NaN, ±0 gives 0).
    sign => Sign;
    /// Elementwise `x * x` (`square`; integers wrap).
    square => Square;
}

unary_methods! { bool;
    /// Whether each element is NaN (`isnan`; never for integers).
    isnan => IsNan;
    /// Whether each element is ±inf (`isinf`).
    isinf => IsInf;
    /// Whether each element is neither NaN nor ±inf (`isfinite`).
    isfinite => IsFinite;
    /// Whether each element's sign bit is set (`signbit`: true for -0.0).
    signbit => Signbit;
}

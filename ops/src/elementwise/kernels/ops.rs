//! The elementwise operations as data (`BinaryOp`, `UnaryOp`): their Dask
//! layer labels and the class of dtypes each accepts, which `layers.rs` turns
//! into NumPy's result dtypes.

use serde::{Deserialize, Serialize};

/// Declare an operation enum and `ALL`, its variants in order (for tests
/// and tables), from one list.
macro_rules! op_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* $v,)*
        }

        impl $name {
            /// Every operation, in declaration order (for tests and tables).
            pub const ALL: &'static [$name] = &[$($name::$v),*];
        }
    };
}

/// What a binary operation accepts and gives, for the dtype rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryClass {
    /// Numeric operands of their common dtype, result of that dtype
    /// (`+ - * maximum minimum floor_divide remainder pow`).
    Arithmetic,
    /// Float operands (integers go to float64), float result
    /// (`/ atan2 hypot copysign logaddexp nextafter`).
    FloatMath,
    /// A bool result (`== != < <= > >=`).
    Comparison,
    /// Integer or bool operands, result of their common dtype (`& | ^`).
    Bitwise,
    /// Integer operands only (`<< >>`).
    Shift,
    /// Operands taken as truth values, bool result (`logical_and`…).
    Logical,
}

op_enum! {
    /// A binary elementwise operation.
    BinaryOp {
        /// `a + b` (integers wrap, as NumPy's).
        Add,
        /// `a - b`.
        Sub,
        /// `a * b`.
        Mul,
        /// `a / b` (operands are floats: integer operands are cast to float64 first).
        Div,
        /// `a ** b`: integers stay integers (wrapping; a negative exponent is an error).
        Pow,
        /// `np.maximum` (NaN propagates).
        Maximum,
        /// `np.minimum` (NaN propagates).
        Minimum,
        /// `a == b` (bool result).
        Eq,
        /// `a != b`.
        Ne,
        /// `a < b`.
        Lt,
        /// `a <= b`.
        Le,
        /// `a > b`.
        Gt,
        /// `a >= b`.
        Ge,
        /// `a // b` (NumPy: integer division by zero gives 0; floats as Python's `divmod`).
        FloorDivide,
        /// `a % b` with the sign of `b` (Python's; integer `x % 0` gives 0).
        Remainder,
        /// `np.arctan2(a, b)`.
        Atan2,
        /// `np.hypot`.
        Hypot,
        /// `np.copysign`: the magnitude of `a` with the sign bit of `b`.
        Copysign,
        /// `np.logaddexp`: `log(exp(a) + exp(b))` without overflow.
        Logaddexp,
        /// `np.nextafter`: the next float after `a` toward `b`.
        Nextafter,
        /// `a & b` (integers and bool).
        BitwiseAnd,
        /// `a | b`.
        BitwiseOr,
        /// `a ^ b`.
        BitwiseXor,
        /// `a << b`: 0 when `b` is at least the bit width or negative (NumPy).
        LeftShift,
        /// `a >> b`: 0, or -1 for negative `a`, when `b` is at least the bit width or negative.
        RightShift,
        /// `np.logical_and` (operands as truth values).
        LogicalAnd,
        /// `np.logical_or`.
        LogicalOr,
        /// `np.logical_xor`.
        LogicalXor,
    }
}

impl BinaryOp {
    /// What the operation accepts and gives.
    pub fn class(self) -> BinaryClass {
        use BinaryOp::*;
        match self {
            Add | Sub | Mul | Pow | Maximum | Minimum | FloorDivide | Remainder => {
                BinaryClass::Arithmetic
            }
            Div | Atan2 | Hypot | Copysign | Logaddexp | Nextafter => BinaryClass::FloatMath,
            Eq | Ne | Lt | Le | Gt | Ge => BinaryClass::Comparison,
            BitwiseAnd | BitwiseOr | BitwiseXor => BinaryClass::Bitwise,
            LeftShift | RightShift => BinaryClass::Shift,
            LogicalAnd | LogicalOr | LogicalXor => BinaryClass::Logical,
        }
    }

    /// Whether the result is bool (a comparison).
    pub fn is_comparison(self) -> bool {
        self.class() == BinaryClass::Comparison
    }

    /// Whether the result is bool (a comparison or a logical operation).
    pub fn gives_bool(self) -> bool {
        matches!(self.class(), BinaryClass::Comparison | BinaryClass::Logical)
    }

    /// The Dask layer label (`"add"`, `"truediv"`…: NumPy's ufunc name, or
    /// the `operator` function's for operators).
    pub fn label(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "add",
            Sub => "sub",
            Mul => "mul",
            Div => "truediv",
            Pow => "pow",
            Maximum => "maximum",
            Minimum => "minimum",
            Eq => "eq",
            Ne => "ne",
            Lt => "lt",
            Le => "le",
            Gt => "gt",
            Ge => "ge",
            FloorDivide => "floordiv",
            Remainder => "mod",
            Atan2 => "arctan2",
            Hypot => "hypot",
            Copysign => "copysign",
            Logaddexp => "logaddexp",
            Nextafter => "nextafter",
            BitwiseAnd => "and_",
            BitwiseOr => "or_",
            BitwiseXor => "xor",
            LeftShift => "lshift",
            RightShift => "rshift",
            LogicalAnd => "logical_and",
            LogicalOr => "logical_or",
            LogicalXor => "logical_xor",
        }
    }
}

/// What a unary operation accepts and gives, for the dtype rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryClass {
    /// Float math: integers go to float64, float32 stays.
    FloatMath,
    /// Numeric input, result of the same dtype (`-x`, `abs`, `floor`, `sign`…).
    Numeric,
    /// Any real input, bool result (`isnan`, `isinf`, `isfinite`, `signbit`).
    Predicate,
    /// Integer or bool input, same dtype (`~x`).
    Bitwise,
    /// The input as truth values, bool result (`logical_not`).
    Logical,
}

op_enum! {
    /// A unary elementwise operation.
    UnaryOp {
        /// `-a` (integers wrap).
        Neg,
        /// `abs(a)` (`abs(int8 -128)` is -128, as NumPy).
        Abs,
        /// `sqrt(a)` (floats).
        Sqrt,
        /// `exp(a)` (floats).
        Exp,
        /// `log(a)` (floats).
        Log,
        /// `sin(a)` (floats).
        Sin,
        /// `cos(a)` (floats).
        Cos,
        /// `tan(a)`.
        Tan,
        /// `arcsin(a)`.
        Asin,
        /// `arccos(a)`.
        Acos,
        /// `arctan(a)`.
        Atan,
        /// `sinh(a)`.
        Sinh,
        /// `cosh(a)`.
        Cosh,
        /// `tanh(a)`.
        Tanh,
        /// `arcsinh(a)`.
        Asinh,
        /// `arccosh(a)`.
        Acosh,
        /// `arctanh(a)`.
        Atanh,
        /// `log(1 + a)`, exact near 0.
        Log1p,
        /// `exp(a) - 1`, exact near 0.
        Expm1,
        /// Base-2 logarithm.
        Log2,
        /// Base-10 logarithm.
        Log10,
        /// Round toward -inf (integers unchanged).
        Floor,
        /// Round toward +inf (integers unchanged).
        Ceil,
        /// Round half to even, as `np.round` (integers unchanged).
        Round,
        /// Round toward zero (integers unchanged).
        Trunc,
        /// -1, 0 or 1 (NaN stays NaN, ±0 gives +0).
        Sign,
        /// `a * a` (integers wrap).
        Square,
        /// `+a`: the values unchanged.
        Positive,
        /// Whether an element is NaN (never for integers and bool).
        IsNan,
        /// Whether an element is ±inf.
        IsInf,
        /// Whether an element is neither NaN nor ±inf.
        IsFinite,
        /// Whether the sign bit is set (`-0.0` and `-nan` included; `x < 0` for integers).
        Signbit,
        /// `~a`: bitwise not of integers, logical not of bool.
        Invert,
        /// `np.logical_not` (the input as truth values).
        LogicalNot,
    }
}

impl UnaryOp {
    /// What the operation accepts and gives.
    pub fn class(self) -> UnaryClass {
        use UnaryOp::*;
        match self {
            Neg | Abs | Floor | Ceil | Round | Trunc | Sign | Square | Positive => {
                UnaryClass::Numeric
            }
            IsNan | IsInf | IsFinite | Signbit => UnaryClass::Predicate,
            Invert => UnaryClass::Bitwise,
            LogicalNot => UnaryClass::Logical,
            _ => UnaryClass::FloatMath,
        }
    }

    /// Whether the operation needs float input (NumPy casts integers to float64).
    pub fn needs_float(self) -> bool {
        self.class() == UnaryClass::FloatMath
    }

    /// The Dask layer label (NumPy's ufunc name).
    pub fn label(self) -> &'static str {
        use UnaryOp::*;
        match self {
            Neg => "neg",
            Abs => "absolute",
            Sqrt => "sqrt",
            Exp => "exp",
            Log => "log",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Asin => "arcsin",
            Acos => "arccos",
            Atan => "arctan",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Asinh => "arcsinh",
            Acosh => "arccosh",
            Atanh => "arctanh",
            Log1p => "log1p",
            Expm1 => "expm1",
            Log2 => "log2",
            Log10 => "log10",
            Floor => "floor",
            Ceil => "ceil",
            Round => "round",
            Trunc => "trunc",
            Sign => "sign",
            Square => "square",
            Positive => "positive",
            IsNan => "isnan",
            IsInf => "isinf",
            IsFinite => "isfinite",
            Signbit => "signbit",
            Invert => "invert",
            LogicalNot => "logical_not",
        }
    }
}

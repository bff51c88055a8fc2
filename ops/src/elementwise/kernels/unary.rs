//! The unary kernel: one `mapv` per operation and dtype (a flat loop over
//! contiguous blocks), float math in the block's own float type.

use ndarray::{ArcArray, IxDyn};
use tessera_chunk_core::num_complex::Complex;
use tessera_chunk_core::{Block, DType, Element};
use tessera_graph::{Kernel, KernelError};

use super::float::FloatMath;
use super::int::Integer;
use super::ops::UnaryOp;

fn undefined(op: UnaryOp, dtype: DType) -> KernelError {
    let hint = if op.needs_float() {
        "; cast to a float dtype first"
    } else {
        ""
    };
    KernelError::new(format!(
        "{} is not defined for {dtype} blocks{hint}",
        op.label()
    ))
}

/// `a.mapv(f)` as a block.
fn map<T: Element, U: Element>(a: &ArcArray<T, IxDyn>, f: impl Fn(T) -> U) -> Block {
    Block::from_array(a.mapv(f))
}

fn float_unary<F: FloatMath>(op: UnaryOp, a: &ArcArray<F, IxDyn>) -> Result<Block, KernelError> {
    use UnaryOp::*;
    Ok(match op {
        Neg => map(a, |x: F| -x),
        Abs => map(a, F::abs),
        Sqrt => map(a, F::sqrt),
        Exp => map(a, F::exp),
        Log => map(a, F::ln),
        Sin => map(a, F::sin),
        Cos => map(a, F::cos),
        Tan => map(a, F::tan),
        Asin => map(a, F::asin),
        Acos => map(a, F::acos),
        Atan => map(a, F::atan),
        Sinh => map(a, F::sinh),
        Cosh => map(a, F::cosh),
        Tanh => map(a, F::tanh),
        Asinh => map(a, F::asinh),
        Acosh => map(a, F::acosh),
        Atanh => map(a, F::atanh),
        Log1p => map(a, F::ln_1p),
        Expm1 => map(a, F::exp_m1),
        Log2 => map(a, F::log2),
        Log10 => map(a, F::log10),
        Floor => map(a, F::floor),
        Ceil => map(a, F::ceil),
        Round => map(a, F::round_ties_even),
        Trunc => map(a, F::trunc),
        Sign => map(a, F::sign),
        Square => map(a, |x: F| x * x),
        Positive => F::into_block(a.clone()),
        IsNan => map(a, F::is_nan),
        IsInf => map(a, F::is_infinite),
        IsFinite => map(a, F::is_finite),
        Signbit => map(a, F::is_sign_negative),
        Invert | LogicalNot => return Err(undefined(op, F::DTYPE)),
    })
}

fn int_unary<I: Integer>(op: UnaryOp, a: &ArcArray<I, IxDyn>) -> Result<Block, KernelError> {
    use UnaryOp::*;
    Ok(match op {
        Neg => map(a, I::wrapping_neg),
        Abs => map(a, I::wrapping_abs),
        Sign => map(a, I::sign),
        Square => map(a, |x: I| x.wrapping_mul(x)),
        // Integers are already whole (the Array API keeps their dtype).
        Floor | Ceil | Round | Trunc | Positive => I::into_block(a.clone()),
        IsNan | IsInf => map(a, |_| false),
        IsFinite => map(a, |_| true),
        Signbit => map(a, I::is_negative),
        Invert => map(a, |x: I| !x),
        _ => return Err(undefined(op, I::DTYPE)),
    })
}

fn bool_unary(op: UnaryOp, a: &ArcArray<bool, IxDyn>) -> Result<Block, KernelError> {
    use UnaryOp::*;
    Ok(match op {
        IsNan | IsInf | Signbit => map(a, |_| false),
        IsFinite => map(a, |_| true),
        Invert | LogicalNot => map(a, |x: bool| !x),
        _ => return Err(undefined(op, DType::Bool)),
    })
}

/// Apply a unary operation to a block.
pub fn apply_unary(op: UnaryOp, a: &Block) -> Result<Block, KernelError> {
    match a {
        Block::F64(x) => float_unary(op, x),
        Block::F32(x) => float_unary(op, x),
        Block::F16(x) => float_unary(op, x),
        Block::Complex64(z) => complex64_unary(op, z),
        Block::Complex128(z) => complex128_unary(op, z),
        Block::Bool(x) => bool_unary(op, x),
        other => crate::with_int_block!(other, x => int_unary(op, x),
            other => Err(undefined(op, other.dtype()))),
    }
}

/// Unary math of complex numbers, as NumPy's (principal branches):
/// `abs` gives the real modulus, the predicates look at both parts.
macro_rules! complex_unary {
    ($name:ident, $t:ty, $ln2:expr, $ln10:expr, $special:ident) => {
        fn $name(
            op: UnaryOp,
            z: &ndarray::ArcArray<Complex<$t>, ndarray::IxDyn>,
        ) -> Result<Block, KernelError> {
            use UnaryOp::*;
            let math = |f: fn(Complex<$t>) -> Complex<$t>| Ok(Block::from_array(z.mapv(f)));
            let test = |f: fn(Complex<$t>) -> bool| Ok(Block::from_array(z.mapv(f)));
            match op {
                Neg => math(|v| -v),
                Positive => math(|v| v),
                Square => math(|v| v * v),
                Sqrt => math(super::complex_special::$special::sqrt),
                Exp => math(|v| v.exp()),
                Log => math(|v| v.ln()),
                Log2 => math(|v| v.ln() / $ln2),
                Log10 => math(|v| v.ln() / $ln10),
                // NumPy's form: |1 + z| by hypot, so that it keeps its precision near zero.
                Log1p => math(|v| {
                    let w = Complex::new(v.re + 1.0, v.im);
                    Complex::new(w.re.hypot(w.im).ln(), w.im.atan2(w.re))
                }),
                Expm1 => math(super::complex_special::$special::expm1),
                // The Array API's sign: z / |z|, 0 at 0, NaN when a part is NaN.
                Sign => math(|v| {
                    if v.re.is_nan() || v.im.is_nan() {
                        Complex::new(<$t>::NAN, <$t>::NAN)
                    } else if v.re == 0.0 && v.im == 0.0 {
                        Complex::new(0.0, 0.0)
                    } else if v.re.is_infinite() || v.im.is_infinite() {
                        // |z| is inf: the direction of the infinite parts.
                        let r = if v.re.is_infinite() {
                            v.re.signum()
                        } else {
                            0.0
                        };
                        let i = if v.im.is_infinite() {
                            v.im.signum()
                        } else {
                            0.0
                        };
                        let n = r.hypot(i);
                        Complex::new(r / n, i / n)
                    } else if v.re.abs().max(v.im.abs()) > (2.0 as $t).powi(60) {
                        // Scaled by a power of two (exact) so that |z| cannot overflow.
                        let w = v * (2.0 as $t).powi(-64);
                        w / w.norm()
                    } else {
                        v / v.norm()
                    }
                }),
                Sin => math(|v| v.sin()),
                Cos => math(|v| v.cos()),
                Tan => math(|v| v.tan()),
                Sinh => math(super::complex_special::$special::sinh),
                Cosh => math(super::complex_special::$special::cosh),
                Tanh => math(super::complex_special::$special::tanh),
                Asin => math(|v| v.asin()),
                Acos => math(super::complex_special::$special::acos),
                Atan => math(|v| v.atan()),
                Asinh => math(super::complex_special::$special::asinh),
                Acosh => math(super::complex_special::$special::acosh),
                Atanh => math(super::complex_special::$special::atanh),
                Abs => Ok(Block::from_array(z.mapv(|v| v.norm()))),
                IsNan => test(|v| v.re.is_nan() || v.im.is_nan()),
                IsInf => test(|v| v.re.is_infinite() || v.im.is_infinite()),
                IsFinite => test(|v| v.re.is_finite() && v.im.is_finite()),
                other => Err(undefined(
                    other,
                    <Complex<$t> as tessera_chunk_core::Element>::DTYPE,
                )),
            }
        }
    };
}

complex_unary!(
    complex64_unary,
    f32,
    std::f32::consts::LN_2,
    std::f32::consts::LN_10,
    f32s
);
complex_unary!(
    complex128_unary,
    f64,
    std::f64::consts::LN_2,
    std::f64::consts::LN_10,
    f64s
);

super::op_kernel!(
    /// A unary elementwise operation.
    Unary,
    UnaryOp,
    "tessera.unary"
);

impl Kernel for Unary {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        apply_unary(self.op, a)
    }
}

//! Binary kernels: two blocks with NumPy broadcasting (`Binary`), or a block
//! and a scalar (`BinaryScalar`), one flat loop per operation and dtype.

use ndarray::{ArcArray, ArrayD, IxDyn, Zip};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::broadcast_shapes;
use tessera_chunk_core::num_complex::Complex;
use tessera_chunk_core::{with_dtype, Block, Element};
use tessera_graph::{Kernel, KernelError};

use super::float::FloatMath;
use super::int::Integer;
use super::ops::BinaryOp;
use crate::scalar::Scalar;

/// `f` over two blocks broadcast against each other: a flat loop over the
/// slices when the shapes agree or one side is a single value.
pub(crate) fn broadcast_zip<T: Element, U: Element>(
    a: &ArcArray<T, IxDyn>,
    b: &ArcArray<T, IxDyn>,
    f: impl Fn(T, T) -> U,
) -> Result<ArrayD<U>, KernelError> {
    if a.shape() == b.shape() {
        if let (Some(x), Some(y)) = (a.as_slice(), b.as_slice()) {
            // Same shape, both C-contiguous: a flat loop the compiler vectorises.
            let v: Vec<U> = x.iter().zip(y).map(|(&p, &q)| f(p, q)).collect();
            return ArrayD::from_shape_vec(IxDyn(a.shape()), v)
                .map_err(|e| KernelError::new(e.to_string()));
        }
    }
    // One side a single value that does not add axes (a scalar operand): one map.
    let single = |s: &ArcArray<T, IxDyn>, o: &ArcArray<T, IxDyn>| {
        s.ndim() <= o.ndim() && s.shape().iter().all(|&d| d == 1)
    };
    if single(b, a) {
        if let Some(&y) = b.iter().next() {
            return Ok(a.mapv(|x| f(x, y)));
        }
    }
    if single(a, b) {
        if let Some(&x) = a.iter().next() {
            return Ok(b.mapv(|y| f(x, y)));
        }
    }
    let shape = broadcast_shapes(&[a.shape(), b.shape()])?;
    let bad = || {
        KernelError::new(format!(
            "blocks {:?} and {:?} do not broadcast",
            a.shape(),
            b.shape()
        ))
    };
    let av = a.broadcast(IxDyn(&shape)).ok_or_else(bad)?;
    let bv = b.broadcast(IxDyn(&shape)).ok_or_else(bad)?;
    Ok(Zip::from(&av).and(&bv).map_collect(|&x, &y| f(x, y)))
}

fn compare<T: Element + PartialOrd>(
    op: BinaryOp,
    a: &ArcArray<T, IxDyn>,
    b: &ArcArray<T, IxDyn>,
) -> Result<Block, KernelError> {
    let out = match op {
        BinaryOp::Eq => broadcast_zip(a, b, |x, y| x == y),
        BinaryOp::Ne => broadcast_zip(a, b, |x, y| x != y),
        BinaryOp::Lt => broadcast_zip(a, b, |x, y| x < y),
        BinaryOp::Le => broadcast_zip(a, b, |x, y| x <= y),
        BinaryOp::Gt => broadcast_zip(a, b, |x, y| x > y),
        _ => broadcast_zip(a, b, |x, y| x >= y),
    }?;
    Ok(Block::from_array(out))
}

/// Run `$body` with `$f` bound to the float arithmetic of `$op` on `$t`, a
/// closure each arm compiles (and vectorises) on its own; `$other` for the
/// operations that are not float arithmetic.
macro_rules! with_float_op {
    ($op:expr, $t:ty, $f:ident => $body:expr, other => $other:expr) => {
        match $op {
            BinaryOp::Add => {
                let $f = |x: $t, y: $t| x + y;
                $body
            }
            BinaryOp::Sub => {
                let $f = |x: $t, y: $t| x - y;
                $body
            }
            BinaryOp::Mul => {
                let $f = |x: $t, y: $t| x * y;
                $body
            }
            BinaryOp::Div => {
                let $f = |x: $t, y: $t| x / y;
                $body
            }
            BinaryOp::Pow => {
                let $f = <$t as FloatMath>::powf;
                $body
            }
            BinaryOp::Maximum => {
                let $f = <$t as FloatMath>::maximum_np;
                $body
            }
            BinaryOp::Minimum => {
                let $f = <$t as FloatMath>::minimum_np;
                $body
            }
            BinaryOp::FloorDivide => {
                let $f = <$t as FloatMath>::floor_div;
                $body
            }
            BinaryOp::Remainder => {
                let $f = <$t as FloatMath>::py_rem;
                $body
            }
            BinaryOp::Atan2 => {
                let $f = <$t as FloatMath>::atan2;
                $body
            }
            BinaryOp::Hypot => {
                let $f = <$t as FloatMath>::hypot;
                $body
            }
            BinaryOp::Copysign => {
                let $f = <$t as FloatMath>::copysign;
                $body
            }
            BinaryOp::Logaddexp => {
                let $f = <$t as FloatMath>::logaddexp;
                $body
            }
            BinaryOp::Nextafter => {
                let $f = <$t as FloatMath>::next_toward;
                $body
            }
            _ => $other,
        }
    };
}

impl BinaryOp {
    /// Whether the operation is float arithmetic with a float result (the
    /// in-place float64 paths take exactly these).
    fn float_to_float(self) -> bool {
        with_float_op!(self, f64, _f => true, other => false)
    }
}

fn undefined(op: BinaryOp, dtype: tessera_chunk_core::DType) -> KernelError {
    KernelError::new(format!("{} is not defined for {dtype} blocks", op.label()))
}

fn float_binary<F: FloatMath>(
    op: BinaryOp,
    a: &ArcArray<F, IxDyn>,
    b: &ArcArray<F, IxDyn>,
) -> Result<Block, KernelError> {
    with_float_op!(op, F, f => Ok(Block::from_array(broadcast_zip(a, b, f)?)),
        other => Err(undefined(op, F::DTYPE)))
}

fn int_binary<I: Integer>(
    op: BinaryOp,
    a: &ArcArray<I, IxDyn>,
    b: &ArcArray<I, IxDyn>,
) -> Result<Block, KernelError> {
    let out = match op {
        BinaryOp::Add => broadcast_zip(a, b, I::wrapping_add),
        BinaryOp::Sub => broadcast_zip(a, b, I::wrapping_sub),
        BinaryOp::Mul => broadcast_zip(a, b, I::wrapping_mul),
        BinaryOp::Maximum => broadcast_zip(a, b, Ord::max),
        BinaryOp::Minimum => broadcast_zip(a, b, Ord::min),
        BinaryOp::FloorDivide => broadcast_zip(a, b, I::floor_div),
        BinaryOp::Remainder => broadcast_zip(a, b, I::py_rem),
        BinaryOp::BitwiseAnd => broadcast_zip(a, b, |x, y| x & y),
        BinaryOp::BitwiseOr => broadcast_zip(a, b, |x, y| x | y),
        BinaryOp::BitwiseXor => broadcast_zip(a, b, |x, y| x ^ y),
        BinaryOp::LeftShift => broadcast_zip(a, b, I::shl_np),
        BinaryOp::RightShift => broadcast_zip(a, b, I::shr_np),
        BinaryOp::Pow => {
            // Every exponent is used unless the result is empty (NumPy checks as it goes).
            let empty = a.is_empty() || b.is_empty();
            if !empty && b.iter().any(|y| y.is_negative()) {
                return Err(KernelError::new(
                    "Integers to negative integer powers are not allowed: cast to a float dtype first",
                ));
            }
            broadcast_zip(a, b, I::pow_np)
        }
        _ => return Err(undefined(op, I::DTYPE)),
    }?;
    Ok(Block::from_array(out))
}

fn bool_binary(
    op: BinaryOp,
    a: &ArcArray<bool, IxDyn>,
    b: &ArcArray<bool, IxDyn>,
) -> Result<Block, KernelError> {
    use BinaryOp::*;
    // NumPy: bool + bool is logical or, bool * bool logical and.
    let out = match op {
        Add | Maximum | BitwiseOr | LogicalOr => broadcast_zip(a, b, |x, y| x || y),
        Mul | Minimum | BitwiseAnd | LogicalAnd => broadcast_zip(a, b, |x, y| x && y),
        BitwiseXor | LogicalXor => broadcast_zip(a, b, |x, y| x != y),
        _ => {
            return Err(KernelError::new(format!(
                "{} is not defined for bool blocks; cast with astype first",
                op.label()
            )))
        }
    }?;
    Ok(Block::from_array(out))
}

/// Apply a binary operation to two blocks of the same dtype, broadcasting.
pub fn apply_binary(op: BinaryOp, a: &Block, b: &Block) -> Result<Block, KernelError> {
    if a.dtype() != b.dtype() {
        return Err(KernelError::new(format!(
            "{} needs operands of one dtype, got {} and {}",
            op.label(),
            a.dtype(),
            b.dtype()
        )));
    }
    if op.is_comparison() {
        return tessera_chunk_core::with_real_block!(a, x => compare(op, x, b.as_array()?), complex => complex_equality(op, a, b));
    }
    match a {
        Block::F64(x) => float_binary(op, x, b.as_array()?),
        Block::F32(x) => float_binary(op, x, b.as_array()?),
        Block::F16(x) => float_binary(op, x, b.as_array()?),
        Block::Bool(x) => bool_binary(op, x, b.as_array()?),
        Block::Complex64(x) => complex64_binary(op, x, b.as_array()?),
        Block::Complex128(x) => complex128_binary(op, x, b.as_array()?),
        other => crate::with_int_block!(other, x => int_binary(op, x, b.as_array()?),
            other => Err(undefined(op, other.dtype()))),
    }
}

/// Complex arithmetic, as NumPy's (`**` is the principal value, `z.powc(w)`),
/// for `Complex<f32>` and `Complex<f64>`.
macro_rules! complex_binary {
    ($name:ident, $t:ty) => {
        fn $name(
            op: BinaryOp,
            a: &ArcArray<Complex<$t>, IxDyn>,
            b: &ArcArray<Complex<$t>, IxDyn>,
        ) -> Result<Block, KernelError> {
            let out = match op {
                BinaryOp::Add => broadcast_zip(a, b, |x, y| x + y),
                BinaryOp::Sub => broadcast_zip(a, b, |x, y| x - y),
                BinaryOp::Mul => broadcast_zip(a, b, |x, y| x * y),
                BinaryOp::Div => broadcast_zip(a, b, |x, y| x / y),
                BinaryOp::Pow => broadcast_zip(a, b, |x, y| x.powc(y)),
                _ => {
                    return Err(KernelError::new(format!(
                        "{} on complex arrays is not supported yet",
                        op.label()
                    )))
                }
            }?;
            Ok(Block::from_array(out))
        }
    };
}

complex_binary!(complex64_binary, f32);
complex_binary!(complex128_binary, f64);

fn complex_equality(op: BinaryOp, a: &Block, b: &Block) -> Result<Block, KernelError> {
    fn eq<T: Element>(
        op: BinaryOp,
        a: &ArcArray<T, IxDyn>,
        b: &Block,
    ) -> Result<Block, KernelError> {
        let b = b.as_array::<T>()?;
        let out = broadcast_zip(a, b, |x, y| (x == y) == (op == BinaryOp::Eq))?;
        Ok(Block::from_array(out))
    }
    match (op, a) {
        (BinaryOp::Eq | BinaryOp::Ne, Block::Complex64(x)) => eq(op, x, b),
        (BinaryOp::Eq | BinaryOp::Ne, Block::Complex128(x)) => eq(op, x, b),
        _ => Err(KernelError::new(format!(
            "{} is not defined for complex numbers (they are not ordered)",
            op.label()
        ))),
    }
}

super::op_kernel!(
    /// A binary operation between two blocks (`Binary`) — the kernel of `a + b`.
    Binary,
    BinaryOp,
    "tessera.binary"
);

impl Kernel for Binary {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a, b] = crate::kernel::exactly(self.id(), inputs)?;
        apply_binary(self.op, a, b)
    }
    fn run_owned(&self, inputs: Vec<Block>) -> Result<Block, KernelError> {
        // float64 blocks of one shape: write into the left block's buffer
        // (in place when this task holds the only reference).
        let same_f64 =
            matches!(inputs.as_slice(), [Block::F64(a), Block::F64(b)] if a.shape() == b.shape());
        if !same_f64 || !self.op.float_to_float() {
            return self.run(&inputs);
        }
        let mut it = inputs.into_iter();
        let (Some(Block::F64(mut a)), Some(Block::F64(b))) = (it.next(), it.next()) else {
            return Err(KernelError::new("binary: inputs changed while being taken"));
        };
        with_float_op!(self.op, f64, f => Zip::from(&mut a).and(&b).for_each(|x, &y| *x = f(*x, y)), other => ());
        Ok(Block::F64(a))
    }
}

/// A binary operation between a block and a scalar — the kernel of `a + 1.0` or `1.0 - a`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BinaryScalar {
    /// The operation.
    pub op: BinaryOp,
    /// The scalar operand.
    pub scalar: Scalar,
    /// Whether the scalar is the left operand.
    pub scalar_left: bool,
}

impl BinaryScalar {
    /// `x op s` (or `s op x`) over a float64 array, in place.
    fn apply_f64(&self, x: &mut ArcArray<f64, IxDyn>) {
        let v: f64 = self.scalar.cast();
        if self.scalar_left {
            with_float_op!(self.op, f64, f => x.mapv_inplace(|x| f(v, x)), other => ());
        } else {
            with_float_op!(self.op, f64, f => x.mapv_inplace(|x| f(x, v)), other => ());
        }
    }

    /// `x op s` (or `s op x`) over a float64 array, into a new array (one pass);
    /// `None` for operations that are not float arithmetic.
    fn map_f64(&self, x: &ArcArray<f64, IxDyn>) -> Option<ArrayD<f64>> {
        let v: f64 = self.scalar.cast();
        if self.scalar_left {
            with_float_op!(self.op, f64, f => Some(x.mapv(|x| f(v, x))), other => None)
        } else {
            with_float_op!(self.op, f64, f => Some(x.mapv(|x| f(x, v))), other => None)
        }
    }
}

crate::kernel::kernel_id!(BinaryScalar, "tessera.binary_scalar");

impl Kernel for BinaryScalar {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        if let Block::F64(x) = a {
            // The hot case (float arrays and float scalars): one pass, no broadcasting machinery.
            if let Some(out) = self.map_f64(x) {
                return Ok(Block::from_array(out));
            }
        }
        let s = with_dtype!(a.dtype(), T => Block::from_array(ArrayD::from_elem(IxDyn(&[]), self.scalar.cast::<T>())),
            other => return Err(KernelError::new(format!("no scalar of dtype {other}"))));
        if self.scalar_left {
            apply_binary(self.op, &s, a)
        } else {
            apply_binary(self.op, a, &s)
        }
    }
    fn run_owned(&self, inputs: Vec<Block>) -> Result<Block, KernelError> {
        if !matches!(inputs.as_slice(), [Block::F64(_)]) || !self.op.float_to_float() {
            return self.run(&inputs);
        }
        let Some(Block::F64(mut x)) = inputs.into_iter().next() else {
            return Err(KernelError::new(
                "binary_scalar: input vanished while being taken",
            ));
        };
        // In place when this task holds the only reference.
        self.apply_f64(&mut x);
        Ok(Block::F64(x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place_paths_cover_exactly_the_float_arithmetic() {
        for &op in BinaryOp::ALL {
            let float = matches!(
                op.class(),
                super::super::ops::BinaryClass::Arithmetic
                    | super::super::ops::BinaryClass::FloatMath
            );
            assert_eq!(op.float_to_float(), float, "{op:?}");
        }
    }
}

//! Elementwise kernels: binary operations with NumPy broadcasting of blocks,
//! unary math, casts.

use ndarray::{ArcArray, ArrayD, IxDyn, Zip};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::broadcast_shapes;
use tessera_chunk_core::{with_block, with_dtype, Block, DType, Element};
use tessera_graph::{Kernel, KernelError};

use crate::kernel::arity;
use crate::numeric::Numeric;
use crate::scalar::Scalar;

/// A binary elementwise operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BinaryOp {
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b` (operands are floats: integer operands are cast to float64 first).
    Div,
    /// `a ** b` (floats).
    Pow,
    /// `np.maximum`.
    Maximum,
    /// `np.minimum`.
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
}

impl BinaryOp {
    /// Whether the result is bool (a comparison).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }

    /// The Dask layer label (`"add"`, `"truediv"`…).
    pub fn label(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Sub => "sub",
            BinaryOp::Mul => "mul",
            BinaryOp::Div => "truediv",
            BinaryOp::Pow => "pow",
            BinaryOp::Maximum => "maximum",
            BinaryOp::Minimum => "minimum",
            BinaryOp::Eq => "eq",
            BinaryOp::Ne => "ne",
            BinaryOp::Lt => "lt",
            BinaryOp::Le => "le",
            BinaryOp::Gt => "gt",
            BinaryOp::Ge => "ge",
        }
    }
}

/// A unary elementwise operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnaryOp {
    /// `-a`.
    Neg,
    /// `abs(a)`.
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
}

impl UnaryOp {
    /// Whether the operation needs float input (NumPy casts integers to float64).
    pub fn needs_float(self) -> bool {
        !matches!(self, UnaryOp::Neg | UnaryOp::Abs)
    }

    /// The Dask layer label.
    pub fn label(self) -> &'static str {
        match self {
            UnaryOp::Neg => "neg",
            UnaryOp::Abs => "absolute",
            UnaryOp::Sqrt => "sqrt",
            UnaryOp::Exp => "exp",
            UnaryOp::Log => "log",
            UnaryOp::Sin => "sin",
            UnaryOp::Cos => "cos",
        }
    }
}

fn broadcast_zip<T: Element, U: Element>(
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

fn arith<T: Numeric>(
    op: BinaryOp,
    a: &ArcArray<T, IxDyn>,
    b: &ArcArray<T, IxDyn>,
) -> Result<Block, KernelError> {
    let out = match op {
        BinaryOp::Add => broadcast_zip(a, b, |x, y| x + y),
        BinaryOp::Sub => broadcast_zip(a, b, |x, y| x - y),
        BinaryOp::Mul => broadcast_zip(a, b, |x, y| x * y),
        BinaryOp::Maximum => broadcast_zip(a, b, T::max_of),
        BinaryOp::Minimum => broadcast_zip(a, b, T::min_of),
        BinaryOp::Div | BinaryOp::Pow if T::DTYPE.kind() == 'f' => {
            let f64s = broadcast_zip(a, b, |x, y| {
                let (x, y) = (x.to_f64(), y.to_f64());
                if op == BinaryOp::Div {
                    x / y
                } else {
                    x.powf(y)
                }
            })?;
            Ok(f64s.mapv(T::from_f64))
        }
        _ => Err(KernelError::new(format!(
            "{} on {} blocks: cast integer operands to float first",
            op.label(),
            T::DTYPE
        ))),
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
    if a.dtype().kind() == 'c' {
        return Err(KernelError::new(format!(
            "{} on complex arrays is not supported yet",
            op.label()
        )));
    }
    crate::with_numeric_block!(a, x => arith(op, x, b.as_array()?), bool => match op {
        // NumPy: bool + bool is logical or, bool * bool logical and.
        BinaryOp::Add | BinaryOp::Maximum => Ok(Block::from_array(broadcast_zip(a.as_array::<bool>()?, b.as_array()?, |x, y| x || y)?)),
        BinaryOp::Mul | BinaryOp::Minimum => Ok(Block::from_array(broadcast_zip(a.as_array::<bool>()?, b.as_array()?, |x, y| x && y)?)),
        _ => Err(KernelError::new(format!("{} is not defined for bool blocks; cast with astype first", op.label()))),
    })
}

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

/// Run `$body` with `$f` bound to the float64 arithmetic of `$op`, a closure
/// each arm compiles (and vectorises) on its own; `$other` for comparisons.
macro_rules! with_f64_op {
    ($op:expr, $f:ident => $body:expr, comparison => $other:expr) => {
        match $op {
            BinaryOp::Add => {
                let $f = |x: f64, y: f64| x + y;
                $body
            }
            BinaryOp::Sub => {
                let $f = |x: f64, y: f64| x - y;
                $body
            }
            BinaryOp::Mul => {
                let $f = |x: f64, y: f64| x * y;
                $body
            }
            BinaryOp::Div => {
                let $f = |x: f64, y: f64| x / y;
                $body
            }
            BinaryOp::Pow => {
                let $f = f64::powf;
                $body
            }
            BinaryOp::Maximum => {
                let $f = f64::max_of;
                $body
            }
            BinaryOp::Minimum => {
                let $f = f64::min_of;
                $body
            }
            _ => $other,
        }
    };
}

/// A binary operation between two blocks (`Binary`) — the kernel of `a + b`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binary {
    /// The operation.
    pub op: BinaryOp,
}

crate::kernel::kernel_id!(Binary, "tessera.binary");

impl Kernel for Binary {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        match inputs {
            [a, b] => apply_binary(self.op, a, b),
            _ => Err(arity(self.id(), 2, inputs.len())),
        }
    }
    fn run_owned(&self, inputs: Vec<Block>) -> Result<Block, KernelError> {
        // float64 blocks of one shape: write into the left block's buffer
        // (in place when this task holds the only reference).
        let same_f64 =
            matches!(inputs.as_slice(), [Block::F64(a), Block::F64(b)] if a.shape() == b.shape());
        if !same_f64 || self.op.is_comparison() {
            return self.run(&inputs);
        }
        let mut it = inputs.into_iter();
        let (Some(Block::F64(mut a)), Some(Block::F64(b))) = (it.next(), it.next()) else {
            return Err(KernelError::new("binary: inputs changed while being taken"));
        };
        with_f64_op!(self.op, f => Zip::from(&mut a).and(&b).for_each(|x, &y| *x = f(*x, y)), comparison => ());
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
            with_f64_op!(self.op, f => x.mapv_inplace(|x| f(v, x)), comparison => ());
        } else {
            with_f64_op!(self.op, f => x.mapv_inplace(|x| f(x, v)), comparison => ());
        }
    }

    /// `x op s` (or `s op x`) over a float64 array, into a new array (one pass);
    /// `None` for comparisons.
    fn map_f64(&self, x: &ArcArray<f64, IxDyn>) -> Option<ArrayD<f64>> {
        let v: f64 = self.scalar.cast();
        if self.scalar_left {
            with_f64_op!(self.op, f => Some(x.mapv(|x| f(v, x))), comparison => None)
        } else {
            with_f64_op!(self.op, f => Some(x.mapv(|x| f(x, v))), comparison => None)
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
        if !matches!(inputs.as_slice(), [Block::F64(_)]) || self.op.is_comparison() {
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

fn float_unary<T: Element>(op: UnaryOp, a: &ArcArray<T, IxDyn>) -> ArrayD<T> {
    a.mapv(|x| {
        let v = x.to_f64();
        T::from_f64(match op {
            UnaryOp::Sqrt => v.sqrt(),
            UnaryOp::Exp => v.exp(),
            UnaryOp::Log => v.ln(),
            UnaryOp::Sin => v.sin(),
            UnaryOp::Cos => v.cos(),
            UnaryOp::Neg => -v,
            UnaryOp::Abs => v.abs(),
        })
    })
}

fn f32_unary(op: UnaryOp, a: &ArcArray<f32, IxDyn>) -> ArrayD<f32> {
    a.mapv(|v| match op {
        UnaryOp::Sqrt => v.sqrt(),
        UnaryOp::Exp => v.exp(),
        UnaryOp::Log => v.ln(),
        UnaryOp::Sin => v.sin(),
        UnaryOp::Cos => v.cos(),
        UnaryOp::Neg => -v,
        UnaryOp::Abs => v.abs(),
    })
}

fn int_unary<T: Numeric>(op: UnaryOp, a: &ArcArray<T, IxDyn>) -> Result<ArrayD<T>, KernelError> {
    match op {
        // Wrapping like NumPy: -(-128i8) is -128, abs(-128i8) is -128.
        UnaryOp::Neg => Ok(a.mapv(|x| T::ZERO - x)),
        UnaryOp::Abs => Ok(a.mapv(|x| if x < T::ZERO { T::ZERO - x } else { x })),
        _ => Err(KernelError::new(format!(
            "{} needs float blocks, got {}",
            op.label(),
            T::DTYPE
        ))),
    }
}

/// A unary elementwise operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unary {
    /// The operation.
    pub op: UnaryOp,
}

crate::kernel::kernel_id!(Unary, "tessera.unary");

impl Kernel for Unary {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        Ok(match a {
            Block::F64(x) => Block::from_array(float_unary(self.op, x)),
            Block::F32(x) => Block::from_array(f32_unary(self.op, x)),
            Block::Bool(_) => {
                return Err(KernelError::new(format!(
                    "{} is not defined for bool blocks",
                    self.op.label()
                )))
            }
            other => {
                crate::with_numeric_block!(other, x => Block::from_array(int_unary(self.op, x)?), bool => unreachable_bool()?)
            }
        })
    }
}

fn unreachable_bool() -> Result<Block, KernelError> {
    Err(KernelError::new(
        "bool blocks are handled before this point",
    ))
}

/// A cast to another dtype, with NumPy's `astype` semantics.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cast {
    /// The target dtype.
    pub to: DType,
}

/// Cast a block to another dtype.
pub fn cast_block(block: &Block, to: DType) -> Result<Block, KernelError> {
    if block.dtype() == to {
        return Ok(block.clone());
    }
    with_block!(block, a => with_dtype!(to, U => Ok(Block::from_array(cast_array::<_, U>(a))),
        other => Err(KernelError::new(format!("cannot cast to {other}")))))
}

fn cast_array<T: Element, U: Element>(a: &ArcArray<T, IxDyn>) -> ArrayD<U> {
    // Integers to integers go through i128 so 64-bit values stay exact; the rest through f64.
    match (T::DTYPE.kind(), U::DTYPE.kind()) {
        ('i' | 'u', 'i' | 'u') => a.mapv(|x| {
            let mut b = Vec::with_capacity(8);
            T::write_le(&[x], &mut b);
            let wide = widen(&b, T::DTYPE.kind() == 'i');
            let bytes = wide.to_le_bytes();
            U::read_le(&bytes[..U::DTYPE.itemsize()])
                .first()
                .copied()
                .unwrap_or_default()
        }),
        ('c', _) | (_, 'c') => a.mapv(|x| U::from_complex(x.to_complex())),
        _ => a.mapv(|x| U::from_f64(x.to_f64())),
    }
}

fn widen(le: &[u8], signed: bool) -> i128 {
    let negative = signed && le.last().is_some_and(|b| b & 0x80 != 0);
    let mut wide = if negative { [0xffu8; 16] } else { [0u8; 16] };
    wide[..le.len()].copy_from_slice(le);
    i128::from_le_bytes(wide)
}

crate::kernel::kernel_id!(Cast, "tessera.cast");

impl Kernel for Cast {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        match inputs {
            [a] => cast_block(a, self.to),
            _ => Err(arity(self.id(), 1, inputs.len())),
        }
    }
}

/// `where(cond, a, b)`: elements of `a` where `cond` is true, else of `b` (broadcasting).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Where;

fn select<T: Element>(
    c: &ArcArray<bool, IxDyn>,
    a: &ArcArray<T, IxDyn>,
    b: &Block,
) -> Result<Block, KernelError> {
    let b = b.as_array::<T>()?;
    let shape = broadcast_shapes(&[c.shape(), a.shape(), b.shape()])?;
    let bad = || KernelError::new("where: blocks do not broadcast");
    let (cv, av, bv) = (
        c.broadcast(IxDyn(&shape)).ok_or_else(bad)?,
        a.broadcast(IxDyn(&shape)).ok_or_else(bad)?,
        b.broadcast(IxDyn(&shape)).ok_or_else(bad)?,
    );
    Ok(Block::from_array(
        Zip::from(&cv)
            .and(&av)
            .and(&bv)
            .map_collect(|&c, &x, &y| if c { x } else { y }),
    ))
}

crate::kernel::kernel_id!(Where, "tessera.where");

impl Kernel for Where {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [c, a, b] = crate::kernel::exactly(self.id(), inputs)?;
        let c = c.as_array::<bool>()?;
        with_block!(a, x => select(c, x, b))
    }
}

//! Operations whose operands may differ in dtype (NumPy's promotion),
//! scalars of a Python-like kind, casts to a run-time dtype, joins, and
//! creation in a run-time dtype: what the typed surface fixes at compile
//! time, chosen here at run time.

use tessera_chunk_core::{with_dtype, ChunkSpec, DType};
use tessera_ops::{elementwise, join, reduction, BinaryOp, ReduceOp, Scalar, UnaryOp};

use super::typed::no_elements;
use super::DynArray;
use crate::reduce_args::Reduce;
use crate::shape::IntoShape;

impl DynArray {
    /// `self op other` with NumPy's promotion and broadcasting.
    pub fn binary(&self, op: BinaryOp, other: &DynArray) -> DynArray {
        DynArray::then_all(&[self, other], op.label(), |x| {
            Ok(elementwise::binary(op, x[0], x[1])?)
        })
    }

    /// `self op s`, or `s op self` when `scalar_left`: the array's dtype
    /// wins (NumPy 2's rule for Python scalars; a float scalar makes an
    /// integer array float64).
    pub fn binary_scalar(&self, op: BinaryOp, s: Scalar, scalar_left: bool) -> DynArray {
        self.then(op.label(), |x| {
            Ok(elementwise::binary_scalar(op, x, s, scalar_left)?)
        })
    }

    /// A unary elementwise operation (`-x`, `abs`, float math).
    pub fn unary(&self, op: UnaryOp) -> DynArray {
        self.then(op.label(), |x| Ok(elementwise::unary(op, x)?))
    }

    /// Logical not of a bool array (`~m`); other dtypes are an error naming the fix.
    pub fn logical_not(&self) -> DynArray {
        self.then("invert", |x| {
            bool_only("invert", x.dtype())?;
            Ok(elementwise::binary_scalar(
                BinaryOp::Eq,
                x,
                Scalar::Bool(false),
                false,
            )?)
        })
    }

    /// `&`, `|`, `^` of bool arrays (the minimum, the maximum, `!=`, as NumPy's on bools).
    pub fn logical(&self, op: BinaryOp, other: &DynArray) -> DynArray {
        DynArray::then_all(&[self, other], op.label(), |x| {
            bool_only(op.label(), x[0].dtype())?;
            bool_only(op.label(), x[1].dtype())?;
            Ok(elementwise::binary(op, x[0], x[1])?)
        })
    }

    /// Cast to `dtype` with NumPy's casting (`x.astype(dtype)`).
    pub fn astype(&self, dtype: DType) -> DynArray {
        self.then("astype", |x| Ok(elementwise::astype(x, dtype)?))
    }

    /// Any reduction op over the axes and with the options of `r`, in
    /// NumPy's result dtype.
    pub fn reduction(&self, op: ReduceOp, r: impl Into<Reduce>) -> DynArray {
        let opts = r.into().options();
        self.then(crate::reduce::op_label(op), |x| {
            Ok(reduction::reduce(x, op, &opts)?)
        })
    }

    /// Rechunk with a byte limit for "auto" axes (default: the configured
    /// chunk size) and Dask's `balance` option.
    pub fn rechunk_with(
        &self,
        spec: impl Into<ChunkSpec>,
        block_size_limit: Option<u64>,
        balance: bool,
    ) -> DynArray {
        let spec = spec.into();
        self.then("rechunk", |x| {
            let new = crate::chunking::rechunk_target(
                x.chunks(),
                spec,
                x.dtype(),
                block_size_limit,
                balance,
            )?;
            let limit = crate::config::get()?.memory_limit;
            Ok(tessera_ops::rechunk::rechunk_within(x, new, limit)?)
        })
    }

    /// `da.concatenate(arrays, axis)` (`None` flattens first), with dtype promotion.
    pub fn concatenate(arrays: &[&DynArray], axis: Option<i64>) -> DynArray {
        DynArray::then_all(arrays, "concatenate", |x| {
            let exprs: Vec<_> = x.iter().map(|e| (*e).clone()).collect();
            Ok(join::concatenate(&exprs, axis)?)
        })
    }

    /// `da.stack(arrays, axis)`, with dtype promotion.
    pub fn stack(arrays: &[&DynArray], axis: i64) -> DynArray {
        DynArray::then_all(arrays, "stack", |x| {
            let exprs: Vec<_> = x.iter().map(|e| (*e).clone()).collect();
            Ok(join::stack(&exprs, axis)?)
        })
    }

    /// Elements of `a` where `cond` is true, else of `b` (`da.where`), with
    /// broadcasting and promotion of `a` and `b`.
    pub fn where_(cond: &DynArray, a: &DynArray, b: &DynArray) -> DynArray {
        DynArray::then_all(&[cond, a, b], "where", |x| {
            let dtype = tessera_chunk_core::result_type(x[1].dtype(), x[2].dtype());
            let (a, b) = (
                elementwise::astype(x[1], dtype)?,
                elementwise::astype(x[2], dtype)?,
            );
            Ok(elementwise::where_(x[0], &a, &b)?)
        })
    }

    /// Ones of a run-time dtype (`da.ones(shape, dtype=…)`).
    pub fn ones(shape: impl IntoShape, chunks: impl Into<ChunkSpec>, dtype: DType) -> DynArray {
        with_dtype!(dtype, T => DynArray::from(crate::ones::<T>(shape, chunks)),
            other => DynArray::failed(no_elements(other)))
    }

    /// Zeros of a run-time dtype.
    pub fn zeros(shape: impl IntoShape, chunks: impl Into<ChunkSpec>, dtype: DType) -> DynArray {
        with_dtype!(dtype, T => DynArray::from(crate::zeros::<T>(shape, chunks)),
            other => DynArray::failed(no_elements(other)))
    }

    /// `value` (cast with NumPy's rules) everywhere, in a run-time dtype.
    pub fn full(
        shape: impl IntoShape,
        value: Scalar,
        chunks: impl Into<ChunkSpec>,
        dtype: DType,
    ) -> DynArray {
        with_dtype!(dtype, T => DynArray::from(crate::full::<T>(shape, value.cast::<T>(), chunks)),
            other => DynArray::failed(no_elements(other)))
    }

    /// `da.arange(start, stop, step)` in a run-time dtype.
    pub fn arange(
        start: f64,
        stop: f64,
        step: f64,
        chunks: impl Into<ChunkSpec>,
        dtype: DType,
    ) -> DynArray {
        with_dtype!(dtype, T => DynArray::from(crate::arange::<T>(start, stop, step, chunks)),
            other => DynArray::failed(no_elements(other)))
    }

    /// `da.linspace(start, stop, num)` in a run-time dtype.
    pub fn linspace(
        start: f64,
        stop: f64,
        num: usize,
        chunks: impl Into<ChunkSpec>,
        dtype: DType,
    ) -> DynArray {
        with_dtype!(dtype, T => DynArray::from(crate::linspace::<T>(start, stop, num, chunks)),
            other => DynArray::failed(no_elements(other)))
    }
}

/// Logical operators are defined on bool arrays only (as `&` means
/// bitwise-and on NumPy integers, which tessera does not have).
fn bool_only(op: &str, dtype: DType) -> crate::Result<()> {
    if dtype == DType::Bool {
        return Ok(());
    }
    Err(tessera_ops::Error::UnsupportedDType {
        op: op.into(),
        dtype,
        reason: "logical operators take bool arrays; compare first (x > 0) or astype(bool)".into(),
    }
    .into())
}

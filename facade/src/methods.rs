//! Array methods that build new arrays: reductions, elementwise math, axes, rechunk.

use tessera_chunk_core::{ChunkSpec, DType, Element};
use tessera_ops::{
    elementwise, rechunk, reshape, BinaryOp, Expr, ReduceOp, ReduceOptions, Scalar, UnaryOp,
};

use crate::array::Array;
use crate::error::Result;

impl<T: Element> Array<T> {
    fn wrap<U: Element>(expr: Expr) -> Result<Array<U>> {
        Array::from_expr(expr)
    }

    fn reduce_to<U: Element>(&self, op: ReduceOp, axes: Option<Vec<i64>>) -> Result<Array<U>> {
        let opts = ReduceOptions {
            axes,
            keepdims: false,
            split_every: None,
        };
        self.reduction(op, &opts)
    }

    /// Mean of all elements (float64; float32 stays float32 — use `mean_f32` for that).
    pub fn mean(&self) -> Result<Array<f64>> {
        self.reduce_to(ReduceOp::Mean, None)
    }

    /// Mean along one axis (negative counts from the end).
    pub fn mean_axis(&self, axis: i64) -> Result<Array<f64>> {
        self.reduce_to(ReduceOp::Mean, Some(vec![axis]))
    }

    /// Variance of all elements with `ddof` delta degrees of freedom.
    pub fn var(&self, ddof: u32) -> Result<Array<f64>> {
        self.reduce_to(ReduceOp::Var { ddof }, None)
    }

    /// Standard deviation of all elements with `ddof` delta degrees of freedom.
    pub fn std(&self, ddof: u32) -> Result<Array<f64>> {
        self.reduce_to(ReduceOp::Std { ddof }, None)
    }

    /// Sum along one axis, in NumPy's sum dtype.
    pub fn sum_axis<U: Element>(&self, axis: i64) -> Result<Array<U>> {
        self.reduce_to(ReduceOp::Sum, Some(vec![axis]))
    }

    /// Minimum of all elements.
    pub fn min(&self) -> Result<Array<T>> {
        self.reduce_to(ReduceOp::Min, None)
    }

    /// Maximum of all elements.
    pub fn max(&self) -> Result<Array<T>> {
        self.reduce_to(ReduceOp::Max, None)
    }

    /// Whether any element is non-zero.
    pub fn any(&self) -> Result<Array<bool>> {
        self.reduce_to(ReduceOp::Any, None)
    }

    /// Whether every element is non-zero.
    pub fn all(&self) -> Result<Array<bool>> {
        self.reduce_to(ReduceOp::All, None)
    }

    /// Rechunk (`x.rechunk(spec)`), with Dask's rules for `"auto"`, `-1` and
    /// axis maps, in stages whose tasks fit the configured memory limit.
    pub fn rechunk(&self, spec: impl Into<ChunkSpec>) -> Result<Array<T>> {
        self.rechunk_within(spec, crate::config::get()?.memory_limit)
    }

    /// Rechunk in stages planned for `memory_limit` (the budget a later
    /// [`Array::compute_within`] keeps) instead of the configured one: when
    /// Dask's plan needs more than a quarter of it, each old chunk is cut
    /// once and the pieces merged (`None`: Dask's plan).
    pub fn rechunk_within(
        &self,
        spec: impl Into<ChunkSpec>,
        memory_limit: Option<u64>,
    ) -> Result<Array<T>> {
        let new =
            crate::chunking::rechunk_target(self.chunks(), spec.into(), T::DTYPE, None, false)?;
        Self::wrap(rechunk::rechunk_within(self.expr(), new, memory_limit)?)
    }

    /// Reverse the axes (`x.T`).
    pub fn t(&self) -> Result<Array<T>> {
        Self::wrap(reshape::transpose(self.expr(), None)?)
    }

    /// Permute the axes (`x.transpose(axes)`).
    pub fn transpose(&self, axes: &[i64]) -> Result<Array<T>> {
        Self::wrap(reshape::transpose(self.expr(), Some(axes))?)
    }

    /// Exchange two axes.
    pub fn swapaxes(&self, a: i64, b: i64) -> Result<Array<T>> {
        Self::wrap(reshape::swapaxes(self.expr(), a, b)?)
    }

    /// Cast to another element type (`astype`).
    pub fn astype<U: Element>(&self) -> Result<Array<U>> {
        Self::wrap(elementwise::astype(self.expr(), U::DTYPE)?)
    }

    /// Apply a binary operation with another array (broadcasting), result dtype `U`.
    pub fn binary<U: Element>(&self, op: BinaryOp, other: &Array<T>) -> Result<Array<U>> {
        Self::wrap(elementwise::binary(op, self.expr(), other.expr())?)
    }

    /// Apply a binary operation with a scalar on the right.
    pub fn binary_scalar<U: Element>(&self, op: BinaryOp, s: T) -> Result<Array<U>> {
        Self::wrap(elementwise::binary_scalar(
            op,
            self.expr(),
            Scalar::of(s),
            false,
        )?)
    }

    fn unary(&self, op: UnaryOp) -> Result<Array<T>> {
        Self::wrap(elementwise::unary(op, self.expr())?)
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

    /// The dtype as NumPy names it.
    pub fn dtype_name(&self) -> &'static str {
        DType::name(T::DTYPE)
    }
}

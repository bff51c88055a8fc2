//! The reductions (`ReduceOp`: sums, products, extrema, means, variances,
//! their NaN-skipping forms) and the axis and moment helpers every reduction
//! kernel shares: reducing a block over axes keeping them at length 1, float
//! sums, and stacking partial moments.

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, DType};
use tessera_graph::KernelError;

use crate::numeric::{pairwise_sum, pairwise_sum_by, Numeric};

/// The pattern of the reductions whose intermediates stack moments (means,
/// variances, standard deviations, with or without NaN skipping).
macro_rules! moments {
    () => {
        ReduceOp::Mean
            | ReduceOp::Var { .. }
            | ReduceOp::Std { .. }
            | ReduceOp::NanMean
            | ReduceOp::NanVar { .. }
            | ReduceOp::NanStd { .. }
    };
}

pub(crate) use moments;

/// A reduction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ReduceOp {
    /// Sum (integers accumulate in 64 bits, as NumPy).
    Sum,
    /// Product.
    Prod,
    /// Minimum (NaN propagates).
    Min,
    /// Maximum (NaN propagates).
    Max,
    /// Whether any element is true (non-zero).
    Any,
    /// Whether all elements are true (non-zero).
    All,
    /// Arithmetic mean.
    Mean,
    /// Variance with `ddof` delta degrees of freedom.
    Var {
        /// Delta degrees of freedom.
        ddof: u32,
    },
    /// Standard deviation with `ddof`.
    Std {
        /// Delta degrees of freedom.
        ddof: u32,
    },
    /// Sum treating NaN as zero.
    NanSum,
    /// Product treating NaN as one.
    NanProd,
    /// Minimum ignoring NaN (NaN where a slice is all NaN).
    NanMin,
    /// Maximum ignoring NaN (NaN where a slice is all NaN).
    NanMax,
    /// Mean of the non-NaN elements (NaN where there are none).
    NanMean,
    /// Variance of the non-NaN elements (NaN where fewer than `ddof`, as Dask's `nanvar`).
    NanVar {
        /// Delta degrees of freedom.
        ddof: u32,
    },
    /// Standard deviation of the non-NaN elements.
    NanStd {
        /// Delta degrees of freedom.
        ddof: u32,
    },
}

impl ReduceOp {
    /// Dask's names for the chunk, partial and aggregate layers.
    pub fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ReduceOp::Sum => ("sum", "sum-partial", "sum-aggregate"),
            ReduceOp::Prod => ("prod", "prod-partial", "prod-aggregate"),
            ReduceOp::Min => ("min", "min-partial", "min-aggregate"),
            ReduceOp::Max => ("max", "max-partial", "max-aggregate"),
            ReduceOp::Any => ("any", "any-partial", "any-aggregate"),
            ReduceOp::All => ("all", "all-partial", "all-aggregate"),
            ReduceOp::Mean => ("mean_chunk", "mean_combine-partial", "mean_agg-aggregate"),
            ReduceOp::Var { .. }
            | ReduceOp::Std { .. }
            | ReduceOp::NanVar { .. }
            | ReduceOp::NanStd { .. } => (
                "moment_chunk",
                "moment_combine-partial",
                "moment_agg-aggregate",
            ),
            // Dask's nan reductions: a nan-aware chunk step, then the plain combine.
            ReduceOp::NanSum => ("nansum", "sum-partial", "sum-aggregate"),
            ReduceOp::NanProd => ("nanprod", "prod-partial", "prod-aggregate"),
            ReduceOp::NanMin => (
                "nanmin_skip",
                "_nanmin_skip-partial",
                "_nanmin_skip-aggregate",
            ),
            ReduceOp::NanMax => (
                "nanmax_skip",
                "_nanmax_skip-partial",
                "_nanmax_skip-aggregate",
            ),
            ReduceOp::NanMean => ("mean_chunk", "mean_combine-partial", "mean_agg-aggregate"),
        }
    }

    /// The result dtype for input `d`, as NumPy gives it.
    pub fn result_dtype(self, d: DType) -> DType {
        match self {
            ReduceOp::Sum | ReduceOp::Prod | ReduceOp::NanSum | ReduceOp::NanProd => {
                tessera_chunk_core::sum_dtype(d)
            }
            ReduceOp::Min | ReduceOp::Max | ReduceOp::NanMin | ReduceOp::NanMax => d,
            ReduceOp::Any | ReduceOp::All => DType::Bool,
            crate::reduce::reduce_op::moments!() => {
                if matches!(d, DType::F16 | DType::F32) {
                    d
                } else {
                    DType::F64
                }
            }
        }
    }

    /// The dtype of the intermediate blocks for input `d`: moments stack
    /// float64; sums and products of `float16` accumulate in `float32` and
    /// round once, in the aggregate; the rest carry the result dtype.
    pub fn intermediate_dtype(self, d: DType) -> DType {
        match self {
            _ if self.moments() > 0 => DType::F64,
            ReduceOp::Sum | ReduceOp::Prod | ReduceOp::NanSum | ReduceOp::NanProd
                if d == DType::F16 =>
            {
                DType::F32
            }
            _ => self.result_dtype(d),
        }
    }

    /// Whether the reduction has no identity and so refuses empty input (NumPy's min/max).
    pub fn needs_elements(self) -> bool {
        matches!(
            self,
            ReduceOp::Min | ReduceOp::Max | ReduceOp::NanMin | ReduceOp::NanMax
        )
    }

    /// Whether the chunk step skips NaN.
    pub(crate) fn skips_nan(self) -> bool {
        matches!(
            self,
            ReduceOp::NanSum
                | ReduceOp::NanProd
                | ReduceOp::NanMin
                | ReduceOp::NanMax
                | ReduceOp::NanMean
                | ReduceOp::NanVar { .. }
                | ReduceOp::NanStd { .. }
        )
    }

    /// Number of moments stacked in an intermediate (0: intermediates are plain values).
    pub(crate) fn moments(self) -> usize {
        match self {
            ReduceOp::Mean | ReduceOp::NanMean => 2,
            ReduceOp::Var { .. }
            | ReduceOp::Std { .. }
            | ReduceOp::NanVar { .. }
            | ReduceOp::NanStd { .. } => 3,
            _ => 0,
        }
    }
}

/// Reduce `a` over `axes` (kept at length 1) with an associative `op`.
/// `lift` turns an element into an accumulator; `row` reduces a contiguous
/// run of elements (the fast path, e.g. pairwise summation).
pub(crate) fn reduce_axes<T: Copy, A: Copy>(
    a: ArrayViewD<'_, T>,
    axes: &[usize],
    init: A,
    lift: impl Fn(T) -> A + Copy,
    op: impl Fn(A, A) -> A + Copy,
    row: impl Fn(&[T]) -> A,
) -> ArrayD<A> {
    let ndim = a.ndim();
    let mut axes = axes.to_vec();
    axes.sort_unstable();
    axes.dedup();
    let mut keep_shape = a.shape().to_vec();
    for &ax in &axes {
        keep_shape[ax] = 1;
    }
    let trailing = axes
        .iter()
        .enumerate()
        .all(|(k, &ax)| ax == ndim - axes.len() + k);
    if let (true, Some(flat)) = (trailing, a.as_slice()) {
        // Reduced axes are the innermost ones of a C-contiguous block: each
        // output element reduces one contiguous run.
        let inner: usize = axes.iter().map(|&ax| a.shape()[ax]).product();
        let values: Vec<A> = if inner == 0 {
            vec![init; keep_shape.iter().product()]
        } else {
            flat.chunks(inner).map(&row).collect()
        };
        if let Ok(out) = ArrayD::from_shape_vec(IxDyn(&keep_shape), values) {
            return out;
        }
    }
    let Some((&first, rest)) = axes.split_last() else {
        return a.mapv(lift);
    };
    // Folding along an outer axis adds whole rows at a time, which vectorises.
    let mut out = a
        .fold_axis(Axis(first), init, |&acc, &x| op(acc, lift(x)))
        .insert_axis(Axis(first));
    for &ax in rest.iter().rev() {
        out = out
            .fold_axis(Axis(ax), init, |&acc, &x| op(acc, x))
            .insert_axis(Axis(ax));
    }
    out
}

pub(crate) fn sum_keep<T: Numeric>(a: ArrayViewD<'_, T>, axes: &[usize]) -> ArrayD<T::Acc> {
    reduce_axes(
        a,
        axes,
        <T::Acc as Numeric>::ZERO,
        T::acc,
        |x, y| x + y,
        |r| pairwise_sum_by(r, T::acc),
    )
}

pub(crate) fn f64_sum_keep(a: ArrayViewD<'_, f64>, axes: &[usize]) -> ArrayD<f64> {
    reduce_axes(a, axes, 0.0, |x| x, |x, y| x + y, pairwise_sum)
}

/// Count of elements folded into each output element.
pub(crate) fn reduced_count(shape: &[usize], axes: &[usize]) -> f64 {
    axes.iter().map(|&ax| shape[ax]).product::<usize>() as f64
}

/// Stack moment arrays along a new leading axis.
pub(crate) fn stack_moments(parts: &[ArrayD<f64>]) -> Result<Block, KernelError> {
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    let stacked = ndarray::stack(Axis(0), &views).map_err(|e| KernelError::new(e.to_string()))?;
    Ok(Block::from_array(stacked))
}

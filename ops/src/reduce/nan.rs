//! The NaN-skipping side of the reductions (`nansum` … `nanstd`): the tests
//! and identities that let one generic chunk kernel skip NaN in floats and
//! cost nothing for integers, and the merges of their intermediates.

use ndarray::{ArcArray, ArrayViewD, IxDyn};
use tessera_chunk_core::Block;
use tessera_graph::KernelError;

use crate::numeric::{pairwise_sum_by, Numeric};
use crate::reduce::reduce_op::{f64_sum_keep, reduce_axes, stack_moments, ReduceOp};

/// NaN test that works for every numeric type (integers are never NaN).
#[allow(clippy::eq_op)]
pub(super) fn is_nan<T: Numeric>(x: T) -> bool {
    x != x
}

/// `x` in the accumulator type, or `fill` where `x` is NaN (NaN-skipping sums and products).
pub(super) fn nan_as<T: Numeric>(x: T, fill: T::Acc) -> T::Acc {
    if is_nan(x) {
        fill
    } else {
        x.acc()
    }
}

/// NaN for float types, `fallback` for integers: the identity of nanmin/nanmax,
/// so that an all-NaN slice stays NaN.
#[allow(clippy::eq_op)] // 0 / 0 is the one NaN every float type can spell
pub(super) fn nan_or<T: Numeric>(fallback: T) -> T {
    if T::DTYPE.kind() == 'f' {
        T::ZERO / T::ZERO
    } else {
        fallback
    }
}

/// Minimum that skips NaN (NumPy's `fmin`).
pub(super) fn nan_min<T: Numeric>(a: T, b: T) -> T {
    if is_nan(a) || b < a {
        b
    } else {
        a
    }
}

/// Maximum that skips NaN (NumPy's `fmax`).
pub(super) fn nan_max<T: Numeric>(a: T, b: T) -> T {
    if is_nan(a) || b > a {
        b
    } else {
        a
    }
}

/// Moments of the non-NaN elements: counts differ per output element.
pub(super) fn nan_moments_chunk(
    op: ReduceOp,
    a: ArrayViewD<'_, f64>,
    axes: &[usize],
) -> Result<Block, KernelError> {
    let ones = |x: f64| if x.is_nan() { 0.0 } else { 1.0 };
    let zeroed = |x: f64| if x.is_nan() { 0.0 } else { x };
    let count = reduce_axes(
        a.view(),
        axes,
        0.0,
        ones,
        |x, y| x + y,
        |r| pairwise_sum_by(r, ones),
    );
    let sum = reduce_axes(
        a.view(),
        axes,
        0.0,
        zeroed,
        |x, y| x + y,
        |r| pairwise_sum_by(r, zeroed),
    );
    if op.moments() == 2 {
        return stack_moments(&[count, sum]);
    }
    let mean = ndarray::Zip::from(&sum)
        .and(&count)
        .map_collect(|&s, &n| if n > 0.0 { s / n } else { 0.0 });
    let mut dev = &a - &mean;
    dev.mapv_inplace(|d| if d.is_nan() { 0.0 } else { d * d });
    let m2 = f64_sum_keep(dev.view(), axes);
    stack_moments(&[count, mean, m2])
}

/// Elementwise NaN-skipping min/max of two intermediates of one dtype and shape.
pub(super) fn merge_nan_extrema(op: ReduceOp, a: &Block, b: &Block) -> Result<Block, KernelError> {
    fn merge<T: Numeric>(
        op: ReduceOp,
        a: &ArcArray<T, IxDyn>,
        b: &Block,
    ) -> Result<Block, KernelError> {
        let b = b.as_array::<T>()?;
        if a.shape() != b.shape() {
            return Err(KernelError::new(format!(
                "reduction intermediates of shapes {:?} and {:?} do not match",
                a.shape(),
                b.shape()
            )));
        }
        let pick = if op == ReduceOp::NanMin {
            nan_min::<T>
        } else {
            nan_max::<T>
        };
        Ok(Block::from_array(
            ndarray::Zip::from(a)
                .and(b)
                .map_collect(|&x, &y| pick(x, y)),
        ))
    }
    crate::with_numeric_block!(a, x => merge(op, x, b), bool => Err(KernelError::new("nanmin/nanmax of bool blocks merge as min/max")))
}

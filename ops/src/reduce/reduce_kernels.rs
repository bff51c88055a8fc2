//! Tree-reduction kernels. A reduction runs in three kinds of task: `chunk`
//! (one block → an intermediate with the reduced axes kept at length 1),
//! `combine` (several intermediates → one) and `aggregate` (the last combine,
//! then the final value). Intermediates are ordinary blocks: sums and extrema
//! in their own dtype; means and variances as float64 with a leading axis
//! stacking the moments (count, sum) or (count, mean, M2), merged with Chan's
//! parallel formula so the variance never loses digits to the mean.

use ndarray::{ArcArray, ArrayD, ArrayViewD, Axis, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::num_complex::Complex;
use tessera_chunk_core::{with_block, Block, DType, Element};
use tessera_graph::{Kernel, KernelError, RowTiling};

use crate::elementwise::kernels::cast_block;
use crate::numeric::{pairwise_sum_by, Numeric};
use crate::reduce::nan::{merge_nan_extrema, nan_as, nan_max, nan_min, nan_moments_chunk, nan_or};

pub use crate::reduce::reduce_op::ReduceOp;
use crate::reduce::reduce_op::{f64_sum_keep, reduce_axes, reduced_count, stack_moments, sum_keep};

/// The minimum or maximum over `axes`: `pick` keeps one of two values,
/// starting from `init` (the other extreme of the type).
fn extremum<T: Numeric>(
    v: ArrayViewD<'_, T>,
    axes: &[usize],
    init: T,
    pick: fn(T, T) -> T,
) -> Block {
    Block::from_array(reduce_axes(
        v,
        axes,
        init,
        |x| x,
        pick,
        |r| r.iter().fold(init, |m, &x| pick(m, x)),
    ))
}

fn chunk_numeric<T: Numeric>(
    op: ReduceOp,
    a: &ArcArray<T, IxDyn>,
    axes: &[usize],
) -> Result<Block, KernelError> {
    let v = a.view();
    Ok(match op {
        ReduceOp::Sum => Block::from_array(sum_keep(v, axes)),
        ReduceOp::Prod => Block::from_array(reduce_axes(
            v,
            axes,
            <T::Acc as Numeric>::ONE,
            T::acc,
            |x, y| x * y,
            |r| {
                r.iter()
                    .fold(<T::Acc as Numeric>::ONE, |acc, &x| acc * x.acc())
            },
        )),
        ReduceOp::Min => extremum(v, axes, T::MAX, T::min_of),
        ReduceOp::Max => extremum(v, axes, T::MIN, T::max_of),
        ReduceOp::Any => Block::from_array(reduce_axes(
            v,
            axes,
            false,
            |x| x != T::ZERO,
            |x, y| x || y,
            |r| r.iter().any(|&x| x != T::ZERO),
        )),
        ReduceOp::All => Block::from_array(reduce_axes(
            v,
            axes,
            true,
            |x| x != T::ZERO,
            |x, y| x && y,
            |r| r.iter().all(|&x| x != T::ZERO),
        )),
        ReduceOp::NanSum => {
            let zeroed = |x: T| nan_as(x, <T::Acc as Numeric>::ZERO);
            Block::from_array(reduce_axes(
                v,
                axes,
                <T::Acc as Numeric>::ZERO,
                zeroed,
                |x, y| x + y,
                |r| pairwise_sum_by(r, zeroed),
            ))
        }
        ReduceOp::NanProd => {
            let one = <T::Acc as Numeric>::ONE;
            Block::from_array(reduce_axes(
                v,
                axes,
                one,
                |x: T| nan_as(x, one),
                |x, y| x * y,
                |r| r.iter().fold(one, |acc, &x| acc * nan_as(x, one)),
            ))
        }
        ReduceOp::NanMin => {
            let init = nan_or(T::MAX);
            Block::from_array(reduce_axes(
                v,
                axes,
                init,
                |x| x,
                nan_min,
                |r| r.iter().fold(init, |m, &x| nan_min(m, x)),
            ))
        }
        ReduceOp::NanMax => {
            let init = nan_or(T::MIN);
            Block::from_array(reduce_axes(
                v,
                axes,
                init,
                |x| x,
                nan_max,
                |r| r.iter().fold(init, |m, &x| nan_max(m, x)),
            ))
        }
        crate::reduce::reduce_op::moments!() => {
            // float64 blocks are read in place; others are widened once.
            let moments = if op.skips_nan() && T::DTYPE.kind() == 'f' {
                nan_moments_chunk
            } else {
                moments_chunk
            };
            match Block::from_array(a.clone()).as_array::<f64>() {
                Ok(f) => moments(op, f.view(), axes)?,
                Err(_) => moments(op, a.mapv(|x| x.to_f64()).view(), axes)?,
            }
        }
    })
}

fn moments_chunk(
    op: ReduceOp,
    a: ArrayViewD<'_, f64>,
    axes: &[usize],
) -> Result<Block, KernelError> {
    let n = reduced_count(a.shape(), axes);
    let sum = f64_sum_keep(a.view(), axes);
    let count = ArrayD::from_elem(sum.raw_dim(), n);
    if op.moments() == 2 {
        return stack_moments(&[count, sum]);
    }
    // Two passes inside the block: the mean, then squared deviations from it.
    let mean = sum.mapv(|s| if n > 0.0 { s / n } else { 0.0 });
    let m2 = match (a.as_slice(), mean.len()) {
        // Everything reduced on contiguous data: one pass, no temporaries.
        (Some(flat), 1) => {
            let m = mean.iter().next().copied().unwrap_or(0.0);
            ArrayD::from_elem(mean.raw_dim(), pairwise_sum_by(flat, |x| (x - m) * (x - m)))
        }
        _ => {
            let mut dev = &a - &mean;
            dev.mapv_inplace(|d| d * d);
            f64_sum_keep(dev.view(), axes)
        }
    };
    stack_moments(&[count, mean, m2])
}

fn chunk_bool(
    op: ReduceOp,
    a: &ArcArray<bool, IxDyn>,
    axes: &[usize],
) -> Result<Block, KernelError> {
    let v = a.view();
    Ok(match op {
        // On booleans the maximum is "any" and the minimum "all", as in NumPy.
        ReduceOp::Any | ReduceOp::Max | ReduceOp::NanMax => Block::from_array(reduce_axes(
            v,
            axes,
            false,
            |x| x,
            |x, y| x || y,
            |r| r.iter().any(|&x| x),
        )),
        ReduceOp::All | ReduceOp::Min | ReduceOp::NanMin => Block::from_array(reduce_axes(
            v,
            axes,
            true,
            |x| x,
            |x, y| x && y,
            |r| r.iter().all(|&x| x),
        )),
        _ => {
            // NumPy sums and averages booleans as integers.
            let ints = a.mapv(i64::from);
            return chunk_numeric(op, &ints.into_shared(), axes);
        }
    })
}

/// Sums and products of complex blocks (the reductions defined for them
/// that keep the dtype; the combine step adds or multiplies as for reals).
macro_rules! complex_chunk {
    ($name:ident, $t:ty) => {
        fn $name(
            op: ReduceOp,
            a: &ArcArray<Complex<$t>, IxDyn>,
            axes: &[usize],
        ) -> Result<Block, KernelError> {
            let (zero, one) = (Complex::new(0.0, 0.0), Complex::new(1.0, 0.0));
            let v = a.view();
            Ok(Block::from_array(match op {
                ReduceOp::Sum => reduce_axes(
                    v,
                    axes,
                    zero,
                    |x| x,
                    |x, y| x + y,
                    |r| r.iter().fold(zero, |acc, &x| acc + x),
                ),
                ReduceOp::Prod => reduce_axes(
                    v,
                    axes,
                    one,
                    |x| x,
                    |x, y| x * y,
                    |r| r.iter().fold(one, |acc, &x| acc * x),
                ),
                other => {
                    return Err(KernelError::new(format!(
                        "{} of complex arrays is not supported yet",
                        other.labels().2
                    )))
                }
            }))
        }
    };
}

complex_chunk!(complex64_chunk, f32);
complex_chunk!(complex128_chunk, f64);

/// Merge intermediates of the same shape elementwise.
fn combine(op: ReduceOp, parts: &[Block]) -> Result<Block, KernelError> {
    let Some(first) = parts.first() else {
        return Err(KernelError::new("a reduction combine step got no inputs"));
    };
    if op.moments() > 0 {
        return combine_moments(op, parts);
    }
    let mut acc = first.clone();
    for p in &parts[1..] {
        acc = merge_pair(op, &acc, p)?;
    }
    Ok(acc)
}

fn merge_pair(op: ReduceOp, a: &Block, b: &Block) -> Result<Block, KernelError> {
    use crate::elementwise::kernels::{apply_binary, BinaryOp};
    if matches!(op, ReduceOp::NanMin | ReduceOp::NanMax) && a.dtype() != DType::Bool {
        return merge_nan_extrema(op, a, b);
    }
    let bin = match op {
        ReduceOp::Sum | ReduceOp::NanSum => BinaryOp::Add,
        ReduceOp::Prod | ReduceOp::NanProd => BinaryOp::Mul,
        ReduceOp::Min | ReduceOp::NanMin | ReduceOp::All => BinaryOp::Minimum,
        _ => BinaryOp::Maximum,
    };
    apply_binary(bin, a, b)
}

fn combine_moments(op: ReduceOp, parts: &[Block]) -> Result<Block, KernelError> {
    let arrays = parts
        .iter()
        .map(|p| p.as_array::<f64>().map(|a| a.view()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut n = arrays[0].index_axis(Axis(0), 0).to_owned();
    if op.moments() == 2 {
        let mut s = arrays[0].index_axis(Axis(0), 1).to_owned();
        for a in &arrays[1..] {
            n = n + a.index_axis(Axis(0), 0);
            s = s + a.index_axis(Axis(0), 1);
        }
        return stack_moments(&[n, s]);
    }
    let mut mean = arrays[0].index_axis(Axis(0), 1).to_owned();
    let mut m2 = arrays[0].index_axis(Axis(0), 2).to_owned();
    for a in &arrays[1..] {
        let (nb, mb, m2b) = (
            a.index_axis(Axis(0), 0),
            a.index_axis(Axis(0), 1),
            a.index_axis(Axis(0), 2),
        );
        // Chan et al.: merge (n, mean, M2) pairs without cancellation.
        ndarray::Zip::from(&mut n)
            .and(&mut mean)
            .and(&mut m2)
            .and(&nb)
            .and(&mb)
            .and(&m2b)
            .for_each(|na, ma, m2a, &nb, &mb, &m2b| {
                let total = *na + nb;
                if total > 0.0 {
                    let delta = mb - *ma;
                    *ma += delta * nb / total;
                    *m2a += m2b + delta * delta * *na * nb / total;
                }
                *na = total;
            });
    }
    stack_moments(&[n, mean, m2])
}

fn finalize(op: ReduceOp, merged: Block, input_dtype: DType) -> Result<Block, KernelError> {
    let out_dtype = op.result_dtype(input_dtype);
    let value = match op {
        ReduceOp::Mean | ReduceOp::NanMean => {
            let m = merged.as_array::<f64>()?;
            let (n, s) = (m.index_axis(Axis(0), 0), m.index_axis(Axis(0), 1));
            Block::from_array(&s / &n)
        }
        ReduceOp::Var { ddof } | ReduceOp::Std { ddof } => {
            let m = merged.as_array::<f64>()?;
            let (n, m2) = (m.index_axis(Axis(0), 0), m.index_axis(Axis(0), 2));
            let mut var = ndarray::Zip::from(&n)
                .and(&m2)
                .map_collect(|&n, &m2| m2 / (n - f64::from(ddof)).max(0.0));
            if matches!(op, ReduceOp::Std { .. }) {
                var.mapv_inplace(f64::sqrt);
            }
            Block::from_array(var)
        }
        ReduceOp::NanVar { ddof } | ReduceOp::NanStd { ddof } => {
            let m = merged.as_array::<f64>()?;
            let (n, m2) = (m.index_axis(Axis(0), 0), m.index_axis(Axis(0), 2));
            // Dask's moment_agg: NaN where ddof exceeds the count (all-NaN
            // slices included); a zero denominator divides (inf, or NaN for 0/0).
            let mut var = ndarray::Zip::from(&n).and(&m2).map_collect(|&n, &m2| {
                let dof = n - f64::from(ddof);
                if dof < 0.0 {
                    f64::NAN
                } else {
                    m2 / dof
                }
            });
            if matches!(op, ReduceOp::NanStd { .. }) {
                var.mapv_inplace(f64::sqrt);
            }
            Block::from_array(var)
        }
        _ => merged,
    };
    cast_block(&value, out_dtype)
}

/// Reduce one block to an intermediate (`chunk` step).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReduceChunk {
    /// The reduction.
    pub op: ReduceOp,
    /// Axes reduced (kept at length 1).
    pub axes: Vec<usize>,
}

crate::kernel::kernel_id!(ReduceChunk, "tessera.reduce_chunk");

impl Kernel for ReduceChunk {
    crate::kernel::json_kernel!();
    fn output_scale(&self) -> u64 {
        self.op.moments().max(1) as u64
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        match a {
            Block::Complex64(z) => return complex64_chunk(self.op, z, &self.axes),
            Block::Complex128(z) => return complex128_chunk(self.op, z, &self.axes),
            _ => {}
        }
        // Summing axes of length 1 in the sum dtype changes nothing: the
        // partial products of a contraction come this way, whole blocks of them.
        let unit_axes = self.axes.iter().all(|&ax| a.shape().get(ax) == Some(&1));
        if self.op == ReduceOp::Sum
            && unit_axes
            && self.op.intermediate_dtype(a.dtype()) == a.dtype()
        {
            return Ok(a.clone());
        }
        crate::with_numeric_block!(a, x => chunk_numeric(self.op, x, &self.axes), bool => chunk_bool(self.op, a.as_array()?, &self.axes))
    }
    fn row_tiling(&self) -> RowTiling {
        RowTiling::Reduce
    }
    fn merge_rows(&self, parts: Vec<Block>) -> Result<Block, KernelError> {
        if self.axes.contains(&0) {
            // Each tile's result covers all rows of its tile: merge as a tree level does.
            return combine(self.op, &parts);
        }
        // Row results stay apart: stack them back (after the moments axis, if any).
        let axis = usize::from(self.op.moments() > 0);
        let first = parts
            .first()
            .ok_or_else(|| KernelError::new("no row tiles to merge"))?;
        with_block!(first, a => concat_like(a, &parts, axis))
    }
}

/// Concatenate blocks of the dtype of `_like` along `axis`.
fn concat_like<T: Element>(
    _like: &ArcArray<T, IxDyn>,
    parts: &[Block],
    axis: usize,
) -> Result<Block, KernelError> {
    let views = parts
        .iter()
        .map(|p| p.as_array::<T>().map(|a| a.view()))
        .collect::<Result<Vec<_>, _>>()?;
    let joined =
        ndarray::concatenate(Axis(axis), &views).map_err(|e| KernelError::new(e.to_string()))?;
    Ok(Block::from_array(joined))
}

/// Merge intermediates (`combine` step of a tree level).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReduceCombine {
    /// The reduction.
    pub op: ReduceOp,
}

crate::kernel::kernel_id!(ReduceCombine, "tessera.reduce_combine");

impl Kernel for ReduceCombine {
    crate::kernel::json_kernel!();
    fn output_scale(&self) -> u64 {
        self.op.moments().max(1) as u64
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        combine(self.op, inputs)
    }
}

/// Merge the last intermediates and produce the final values (`aggregate` step).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReduceAggregate {
    /// The reduction.
    pub op: ReduceOp,
    /// The reduced axes (dropped unless `keepdims`).
    pub axes: Vec<usize>,
    /// Whether reduced axes stay at length 1.
    pub keepdims: bool,
    /// The dtype of the reduced array's input.
    pub input_dtype: DType,
}

crate::kernel::kernel_id!(ReduceAggregate, "tessera.reduce_aggregate");

impl Kernel for ReduceAggregate {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let merged = combine(self.op, inputs)?;
        let out = finalize(self.op, merged, self.input_dtype)?;
        if self.keepdims {
            return Ok(out);
        }
        let mut axes = self.axes.clone();
        axes.sort_unstable();
        Ok(tessera_chunk_core::with_block!(out, a => {
            let mut a = a;
            for &ax in axes.iter().rev() {
                a = a.index_axis_move(Axis(ax), 0);
            }
            Block::from_array(a)
        }))
    }
}

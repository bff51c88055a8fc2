//! Arg reductions (`argmin`, `argmax`). An intermediate is an `int64` block
//! with a leading axis of two planes: the winning value's bits (read back with
//! the input dtype, so no value loses precision) and its global flat index
//! (-1 where a block had no elements). Ties keep the lower index and the first
//! NaN wins, as NumPy does.

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, DType};
use tessera_graph::{Kernel, KernelError};

/// Which extreme an arg reduction looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArgOp {
    /// Index of the minimum.
    Min,
    /// Index of the maximum.
    Max,
}

impl ArgOp {
    /// NumPy's name of the operation.
    pub fn name(self) -> &'static str {
        match self {
            ArgOp::Min => "argmin",
            ArgOp::Max => "argmax",
        }
    }
}

/// An element type whose values round-trip through `i64` bits.
trait ArgValue: Copy + PartialOrd {
    fn to_bits(self) -> i64;
    fn from_bits(bits: i64) -> Self;
    #[allow(clippy::eq_op)]
    fn is_nan(self) -> bool {
        self != self
    }
}

macro_rules! int_arg_value {
    ($($t:ty),*) => {$(
        impl ArgValue for $t {
            #[allow(clippy::cast_lossless, clippy::cast_possible_wrap)]
            fn to_bits(self) -> i64 {
                self as i64
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            fn from_bits(bits: i64) -> Self {
                bits as $t
            }
        }
    )*};
}
int_arg_value!(i8, i16, i32, i64, u8, u16, u32, u64);

impl ArgValue for f32 {
    fn to_bits(self) -> i64 {
        i64::from(f32::to_bits(self))
    }
    fn from_bits(bits: i64) -> Self {
        f32::from_bits(bits as u32)
    }
}

impl ArgValue for half::f16 {
    fn to_bits(self) -> i64 {
        i64::from(half::f16::to_bits(self))
    }
    fn from_bits(bits: i64) -> Self {
        half::f16::from_bits(bits as u16)
    }
}

impl ArgValue for f64 {
    fn to_bits(self) -> i64 {
        f64::to_bits(self) as i64
    }
    fn from_bits(bits: i64) -> Self {
        f64::from_bits(bits as u64)
    }
}

impl ArgValue for bool {
    fn to_bits(self) -> i64 {
        i64::from(self)
    }
    fn from_bits(bits: i64) -> Self {
        bits != 0
    }
}

/// Whether `(v, i)` beats the current `(w, j)`: NaN first, then the extreme, then the lower index.
fn beats<T: ArgValue>(op: ArgOp, v: T, i: i64, w: T, j: i64) -> bool {
    if j < 0 {
        return i >= 0;
    }
    if i < 0 {
        return false;
    }
    match (v.is_nan(), w.is_nan()) {
        (true, true) => i < j,
        (true, false) => true,
        (false, true) => false,
        _ if v == w => i < j,
        _ => match op {
            ArgOp::Min => v < w,
            ArgOp::Max => v > w,
        },
    }
}

/// Run `$body` with `$t` the Rust type of a real dtype `$d`.
macro_rules! with_arg_type {
    ($d:expr, $t:ident => $body:expr) => {
        match $d {
            DType::Bool => {
                type $t = bool;
                $body
            }
            DType::I8 => {
                type $t = i8;
                $body
            }
            DType::I16 => {
                type $t = i16;
                $body
            }
            DType::I32 => {
                type $t = i32;
                $body
            }
            DType::I64 => {
                type $t = i64;
                $body
            }
            DType::U8 => {
                type $t = u8;
                $body
            }
            DType::U16 => {
                type $t = u16;
                $body
            }
            DType::U32 => {
                type $t = u32;
                $body
            }
            DType::U64 => {
                type $t = u64;
                $body
            }
            DType::F16 => {
                type $t = half::f16;
                $body
            }
            DType::F32 => {
                type $t = f32;
                $body
            }
            DType::F64 => {
                type $t = f64;
                $body
            }
            other => Err(KernelError::new(format!(
                "arg reductions of {other} are not supported; cast to a real dtype"
            ))),
        }
    };
}

/// The (value bits, index) planes as one `[2, ...]` block.
fn planes(shape: &[usize], bits: Vec<i64>, index: Vec<i64>) -> Result<Block, KernelError> {
    let mut full = vec![2];
    full.extend_from_slice(shape);
    let mut both = bits;
    both.extend(index);
    ArrayD::from_shape_vec(IxDyn(&full), both)
        .map(Block::from_array)
        .map_err(|e| KernelError::new(e.to_string()))
}

/// The winner of one block over `axes` (sorted), with global flat indices.
fn chunk_winners<T: ArgValue + tessera_chunk_core::Element>(
    op: ArgOp,
    a: ArrayViewD<'_, T>,
    k: &ArgChunk,
) -> Result<Block, KernelError> {
    let ndim = a.ndim();
    let kept: Vec<usize> = (0..ndim).filter(|ax| !k.axes.contains(ax)).collect();
    let perm: Vec<usize> = kept.iter().chain(&k.axes).copied().collect();
    let extents: Vec<usize> = k.axes.iter().map(|&ax| a.shape()[ax]).collect();
    let inner: usize = extents.iter().product();
    let outer: usize = kept.iter().map(|&ax| a.shape()[ax]).product();
    // The global flat index of each position over the reduced axes, in C order.
    let mut global = Vec::with_capacity(inner);
    let mut local = vec![0usize; extents.len()];
    for _ in 0..inner {
        let g: usize = local
            .iter()
            .zip(&k.offsets)
            .zip(&k.strides)
            .map(|((l, o), s)| (l + o) * s)
            .sum();
        global.push(g as i64);
        for d in (0..local.len()).rev() {
            local[d] += 1;
            if local[d] < extents[d] {
                break;
            }
            local[d] = 0;
        }
    }
    let mut keep_shape = a.shape().to_vec();
    for &ax in &k.axes {
        keep_shape[ax] = 1;
    }
    let moved = a.permuted_axes(perm);
    let moved = moved.as_standard_layout();
    let flat = moved
        .as_slice()
        .ok_or_else(|| KernelError::new("arg reduction: block is not contiguous"))?;
    let mut bits = Vec::with_capacity(outer);
    let mut index = Vec::with_capacity(outer);
    for r in 0..outer {
        let row = &flat[r * inner..(r + 1) * inner];
        let mut best: Option<(T, i64)> = None;
        for (&v, &g) in row.iter().zip(&global) {
            match best {
                Some((w, j)) if !beats(op, v, g, w, j) => {}
                _ => best = Some((v, g)),
            }
        }
        match best {
            Some((v, g)) => {
                bits.push(v.to_bits());
                index.push(g);
            }
            None => {
                bits.push(0);
                index.push(-1);
            }
        }
    }
    planes(&keep_shape, bits, index)
}

/// One block's winners (`arg-reduce` step); built per block, since the
/// global index needs the block's offset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArgChunk {
    /// Minimum or maximum.
    pub op: ArgOp,
    /// Reduced axes, sorted.
    pub axes: Vec<usize>,
    /// The block's offset along each reduced axis.
    pub offsets: Vec<usize>,
    /// The global flat-index stride of each reduced axis.
    pub strides: Vec<usize>,
}

crate::kernel::kernel_id!(ArgChunk, "tessera.arg_chunk");

impl Kernel for ArgChunk {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        if self.axes.iter().any(|&ax| ax >= a.shape().len()) {
            return Err(KernelError::new(format!(
                "{} axes {:?} do not fit a block of shape {:?}",
                self.op.name(),
                self.axes,
                a.shape()
            )));
        }
        with_arg_type!(a.dtype(), T => chunk_winners::<T>(self.op, a.as_array::<T>()?.view(), self))
    }
}

/// Merge intermediates of one shape position by position.
fn merge<T: ArgValue>(op: ArgOp, parts: &[Block]) -> Result<Block, KernelError> {
    let arrays = parts
        .iter()
        .map(|p| p.as_array::<i64>().map(|a| a.view()))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = arrays.first() else {
        return Err(KernelError::new(
            "an arg reduction combine step got no inputs",
        ));
    };
    let mut bits = first.index_axis(Axis(0), 0).to_owned();
    let mut index = first.index_axis(Axis(0), 1).to_owned();
    for a in &arrays[1..] {
        if a.shape() != first.shape() {
            return Err(KernelError::new(format!(
                "arg reduction intermediates of shapes {:?} and {:?} do not match",
                first.shape(),
                a.shape()
            )));
        }
        ndarray::Zip::from(&mut bits)
            .and(&mut index)
            .and(a.index_axis(Axis(0), 0))
            .and(a.index_axis(Axis(0), 1))
            .for_each(|b, i, &nb, &ni| {
                if beats(op, T::from_bits(nb), ni, T::from_bits(*b), *i) {
                    *b = nb;
                    *i = ni;
                }
            });
    }
    let shape = bits.shape().to_vec();
    planes(
        &shape,
        bits.into_iter().collect(),
        index.into_iter().collect(),
    )
}

/// Merge intermediates (`arg_combine` step).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArgCombine {
    /// Minimum or maximum.
    pub op: ArgOp,
    /// The dtype of the reduced array (how to read the value planes).
    pub dtype: DType,
}

crate::kernel::kernel_id!(ArgCombine, "tessera.arg_combine");

impl Kernel for ArgCombine {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        with_arg_type!(self.dtype, T => merge::<T>(self.op, inputs))
    }
}

/// Merge the last intermediates and keep the indices (`arg_agg` step).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArgAggregate {
    /// Minimum or maximum.
    pub op: ArgOp,
    /// The dtype of the reduced array.
    pub dtype: DType,
    /// Reduced axes (dropped unless `keepdims`).
    pub axes: Vec<usize>,
    /// Whether reduced axes stay at length 1.
    pub keepdims: bool,
}

crate::kernel::kernel_id!(ArgAggregate, "tessera.arg_aggregate");

impl Kernel for ArgAggregate {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let merged = with_arg_type!(self.dtype, T => merge::<T>(self.op, inputs))?;
        let mut index = merged.as_array::<i64>()?.index_axis(Axis(0), 1).to_owned();
        if index.iter().any(|&i| i < 0) {
            return Err(KernelError::new(format!(
                "attempt to get {} of an empty sequence",
                self.op.name()
            )));
        }
        if !self.keepdims {
            for &ax in self.axes.iter().rev() {
                index = index.index_axis_move(Axis(ax), 0);
            }
        }
        Ok(Block::from_array(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_wins_then_the_extreme_then_the_lower_index() {
        assert!(beats(ArgOp::Min, f64::NAN, 5, 1.0, 0));
        assert!(!beats(ArgOp::Max, 9.0, 0, f64::NAN, 5));
        assert!(beats(ArgOp::Max, f64::NAN, 2, f64::NAN, 5));
        assert!(beats(ArgOp::Min, 1.0, 7, 1.0, 8));
        assert!(!beats(ArgOp::Min, 1.0, 9, 1.0, 8));
        assert!(beats(ArgOp::Max, 3u64, 9, 2, 0));
        // An empty block's slot (index -1) loses to anything.
        assert!(beats(ArgOp::Min, 100i8, 3, 0, -1));
        assert!(!beats(ArgOp::Min, 0i8, -1, 100, 3));
    }

    #[test]
    fn values_survive_the_bit_planes() {
        for v in [u64::MAX, 1 << 63, 12345] {
            assert_eq!(u64::from_bits(ArgValue::to_bits(v)), v);
        }
        for v in [i64::MIN, -1, i64::MAX] {
            assert_eq!(<i64 as ArgValue>::from_bits(ArgValue::to_bits(v)), v);
        }
        let x = -0.1f32;
        assert_eq!(<f32 as ArgValue>::from_bits(ArgValue::to_bits(x)), x);
        assert!(<f64 as ArgValue>::from_bits(ArgValue::to_bits(f64::NAN)).is_nan());
    }
}

//! Cumulative sums and products: the per-block scan, and the carry that adds
//! (or multiplies) the running total of the blocks before into a block.

use ndarray::{ArcArray, Axis, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, DType};
use tessera_graph::{Kernel, KernelError};

use crate::elementwise::kernels::{apply_binary, BinaryOp};
use crate::kernel::arity;
use crate::numeric::Numeric;

/// A cumulative operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CumOp {
    /// Running sum (`np.cumsum`).
    Sum,
    /// Running product (`np.cumprod`).
    Prod,
}

impl CumOp {
    /// Dask's layer label.
    pub fn label(self) -> &'static str {
        match self {
            CumOp::Sum => "cumsum",
            CumOp::Prod => "cumprod",
        }
    }

    /// The result dtype: NumPy scans integers and bools in 64 bits, like `sum`.
    pub fn result_dtype(self, d: DType) -> DType {
        tessera_chunk_core::sum_dtype(d)
    }

    fn binary(self) -> BinaryOp {
        match self {
            CumOp::Sum => BinaryOp::Add,
            CumOp::Prod => BinaryOp::Mul,
        }
    }
}

fn scan<T: Numeric>(op: CumOp, a: &ArcArray<T, IxDyn>, axis: usize) -> Block {
    let mut out = a.mapv(|x| x.acc());
    // Sequential, as NumPy's cumsum: each element adds to the one before it.
    match op {
        CumOp::Sum => out.accumulate_axis_inplace(Axis(axis), |&prev, cur| *cur = *cur + prev),
        CumOp::Prod => out.accumulate_axis_inplace(Axis(axis), |&prev, cur| *cur = *cur * prev),
    }
    Block::from_array(out)
}

/// The scan of a `float16` block in its own dtype: each step in `float32`,
/// rounded to `float16` before the next, as NumPy's `add.accumulate` of
/// `float16` (the running total is stored, then read back).
fn scan_rounding(op: CumOp, a: &ArcArray<half::f16, IxDyn>, axis: usize) -> Block {
    let mut out = a.to_owned();
    match op {
        CumOp::Sum => out.accumulate_axis_inplace(Axis(axis), |&prev, cur| *cur += prev),
        CumOp::Prod => out.accumulate_axis_inplace(Axis(axis), |&prev, cur| *cur *= prev),
    }
    Block::from_array(out)
}

/// The scan of one block along `axis` (Dask's `map_blocks(np.cumsum, axis=...)`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CumulativeBlock {
    /// Sum or product.
    pub op: CumOp,
    /// The scanned axis.
    pub axis: usize,
}

crate::kernel::kernel_id!(CumulativeBlock, "tessera.cumulative_block");

impl Kernel for CumulativeBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        if self.axis >= a.shape().len() {
            return Err(KernelError::new(format!(
                "{} axis {} is out of bounds for a block of shape {:?}",
                self.op.label(),
                self.axis,
                a.shape()
            )));
        }
        if let Block::F16(x) = a {
            return Ok(scan_rounding(self.op, x, self.axis));
        }
        crate::with_numeric_block!(a, x => Ok(scan(self.op, x, self.axis)), bool => match a {
            Block::Bool(b) => Ok(scan(self.op, &b.mapv(i64::from).into_shared(), self.axis)),
            _ => Err(KernelError::new(format!("{} of {} blocks is not supported; cast to a real dtype", self.op.label(), a.dtype()))),
        })
    }
}

/// Block `i` of the scan: its own scan, combined with the last slice of the
/// finished block before it (the running total up to there) when given.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CumulativeCarry {
    /// Sum or product.
    pub op: CumOp,
    /// The scanned axis.
    pub axis: usize,
}

crate::kernel::kernel_id!(CumulativeCarry, "tessera.cumulative_carry");

impl Kernel for CumulativeCarry {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        match inputs {
            [own] => Ok(own.clone()),
            [own, before] => {
                let len = before.shape().get(self.axis).copied().unwrap_or(0);
                if len == 0 {
                    return Err(KernelError::new(format!(
                        "{} carry: the block before has no elements along axis {}",
                        self.op.label(),
                        self.axis
                    )));
                }
                let last = tessera_chunk_core::with_block!(before, b => Block::from_array(
                    b.slice_axis(Axis(self.axis), ndarray::Slice::from(len - 1..len)).to_owned()
                ));
                apply_binary(self.op.binary(), own, &last)
            }
            _ => Err(arity(self.id(), 2, inputs.len())),
        }
    }
}

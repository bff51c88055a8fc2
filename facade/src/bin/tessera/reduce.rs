//! `tessera reduce`: a reduction over all axes (a scalar) or one axis (an array).

use std::fmt::Display;

use clap::ValueEnum;
use ndarray::ArrayD;
use tessera::chunk_core::py_tuple;
use tessera::{with_dtype, Element, ReduceOp};

use crate::args::ReduceArgs;
use crate::error::{CliError, Result};
use crate::runner::Runner;
use crate::source;

/// `--op`: the reductions the CLI offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Op {
    /// Sum (integers in 64 bits, as NumPy).
    Sum,
    /// Arithmetic mean (float64).
    Mean,
    /// Standard deviation (with --ddof).
    Std,
    /// Variance (with --ddof).
    Var,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
}

impl Op {
    /// tessera's reduction for this op.
    fn reduce_op(self, ddof: u32) -> ReduceOp {
        match self {
            Op::Sum => ReduceOp::Sum,
            Op::Mean => ReduceOp::Mean,
            Op::Std => ReduceOp::Std { ddof },
            Op::Var => ReduceOp::Var { ddof },
            Op::Min => ReduceOp::Min,
            Op::Max => ReduceOp::Max,
        }
    }
}

/// Run `tessera reduce`.
pub fn run(args: &ReduceArgs) -> Result<String> {
    let runner = Runner::new(&args.run)?;
    let x = source::open(&args.path, args.array.as_deref())?.array()?;
    let axes = args.axis.map_or_else(tessera::all_axes, tessera::axis);
    let result = x.reduction(args.op.reduce_op(args.ddof), axes);
    result.check()?;
    with_dtype!(result.dtype(),
        T => render(runner.compute(&result.typed::<T>()?, "reduce")?),
        other => Err(CliError::Input(format!("the result has dtype {other}, which cannot be computed")))
    )
}

/// A scalar as its value alone; an array as a shape line and ndarray's (abridged) print.
fn render<T: Element + Display>(value: ArrayD<T>) -> Result<String> {
    if value.ndim() == 0 {
        if let Some(v) = value.iter().next() {
            return Ok(format!("{v}\n"));
        }
    }
    Ok(format!(
        "shape {}, dtype {}\n{value}\n",
        py_tuple(value.shape()),
        T::DTYPE
    ))
}

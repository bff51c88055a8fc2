//! Contractions as Dask builds them (`tensordot`, `dot`, `matmul`): the
//! contracted axes of both operands are unified (rechunked to their common
//! refinement, Dask's `unify_chunks`), a blockwise layer multiplies aligned
//! blocks keeping each contracted axis at one length-1 block per block pair,
//! and a tree sum over those axes (`split_every`, default 4) adds the partial
//! products, so no task ever gathers all of them.
//!
//! Dtypes follow Dask's `tensordot` (`intermediate.sum(...)`): the result is
//! NumPy's sum dtype of the promoted operand dtype — float32 and float64 stay,
//! other integers and bool become int64 (unsigned: uint64). Operands are cast
//! to that dtype before the block products, so integer products are exact
//! (wrapping on 64-bit overflow) rather than wrapping at the operand width.

use std::sync::Arc;

use tessera_chunk_core::{normalize_axis, result_type, sum_dtype, unify_chunks, Chunks, DType};
use tessera_graph::{BlockMap, Blockwise};

use crate::elementwise::layers::astype;
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::linalg::tensordot_kernel::TensordotBlock;
use crate::rechunk::layers::rechunk_to;
use crate::reduce::reduce_kernels::ReduceOp;
use crate::reduce::reduction::{reduce, ReduceOptions};

/// Which axes a `tensordot` contracts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TensorAxes {
    /// The last `n` axes of the left operand with the first `n` of the right (NumPy's `axes=n`).
    Count(usize),
    /// Axis pairs: `left[k]` of the left operand with `right[k]` of the right (negative counts from the end).
    Pairs(Vec<i64>, Vec<i64>),
}

impl From<usize> for TensorAxes {
    fn from(n: usize) -> Self {
        TensorAxes::Count(n)
    }
}

impl From<(i64, i64)> for TensorAxes {
    fn from((l, r): (i64, i64)) -> Self {
        TensorAxes::Pairs(vec![l], vec![r])
    }
}

impl From<(Vec<i64>, Vec<i64>)> for TensorAxes {
    fn from((l, r): (Vec<i64>, Vec<i64>)) -> Self {
        TensorAxes::Pairs(l, r)
    }
}

impl<const N: usize> From<([i64; N], [i64; N])> for TensorAxes {
    fn from((l, r): ([i64; N], [i64; N])) -> Self {
        TensorAxes::Pairs(l.to_vec(), r.to_vec())
    }
}

fn invalid(op: &str, reason: String) -> Error {
    Error::InvalidArgument {
        op: op.into(),
        reason,
    }
}

/// The contracted axes of each operand, checked and normalised.
fn resolve_axes(
    op: &str,
    a: &Expr,
    b: &Expr,
    axes: &TensorAxes,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let (left, right): (Vec<usize>, Vec<usize>) = match axes {
        TensorAxes::Count(n) => {
            if *n > a.ndim() || *n > b.ndim() {
                return Err(invalid(
                    op,
                    format!(
                        "cannot contract {n} axes of arrays with {} and {} dimensions (shapes {:?} and {:?})",
                        a.ndim(),
                        b.ndim(),
                        a.shape(),
                        b.shape()
                    ),
                ));
            }
            ((a.ndim() - n..a.ndim()).collect(), (0..*n).collect())
        }
        TensorAxes::Pairs(l, r) => {
            if l.len() != r.len() {
                return Err(invalid(
                    op,
                    format!(
                        "{} axes of the left operand cannot pair with {} of the right ({l:?} and {r:?})",
                        l.len(),
                        r.len()
                    ),
                ));
            }
            let norm = |axes: &[i64], x: &Expr| -> Result<Vec<usize>> {
                Ok(axes
                    .iter()
                    .map(|&ax| normalize_axis(ax, x.ndim()))
                    .collect::<std::result::Result<_, _>>()?)
            };
            (norm(l, a)?, norm(r, b)?)
        }
    };
    for (side, axes) in [("left", &left), ("right", &right)] {
        if let Some(dup) = axes
            .iter()
            .enumerate()
            .find(|(i, ax)| axes[..*i].contains(ax))
        {
            return Err(invalid(
                op,
                format!("axis {} of the {side} operand is contracted twice", dup.1),
            ));
        }
    }
    let (sa, sb) = (a.shape(), b.shape());
    if let Some((&l, &r)) = left.iter().zip(&right).find(|(&l, &r)| sa[l] != sb[r]) {
        return Err(invalid(
            op,
            format!(
                "shape mismatch: {sa:?} and {sb:?} cannot be contracted: axis {l} of the left (length {}) must equal axis {r} of the right (length {})",
                sa[l], sb[r]
            ),
        ));
    }
    Ok((left, right))
}

/// The dtype of the products and of the result (Dask's tensordot: the sum dtype of the promoted dtype).
fn product_dtype(a: DType, b: DType) -> DType {
    sum_dtype(result_type(a, b))
}

/// `x` with `axes` rechunked to `wanted` (other axes kept).
fn with_axis_chunks(x: &Expr, axes: &[usize], wanted: &[Vec<usize>]) -> Result<Expr> {
    let mut chunks = x.chunks().axes().to_vec();
    for (&ax, w) in axes.iter().zip(wanted) {
        chunks[ax] = w.clone();
    }
    if chunks == x.chunks().axes() {
        return Ok(x.clone());
    }
    rechunk_to(x, Chunks::new(chunks)?)
}

/// Contract `a` and `b` over `axes` with Dask's graph: unify, block products, tree sum.
pub fn tensordot(
    a: &Expr,
    b: &Expr,
    axes: &TensorAxes,
    split_every: Option<usize>,
) -> Result<Expr> {
    contraction("tensordot", a, b, axes, split_every)
}

fn contraction(
    label: &str,
    a: &Expr,
    b: &Expr,
    axes: &TensorAxes,
    split_every: Option<usize>,
) -> Result<Expr> {
    let (left, right) = resolve_axes(label, a, b, axes)?;
    let dtype = product_dtype(a.dtype(), b.dtype());
    let (a, b) = (astype(a, dtype)?, astype(b, dtype)?);
    // Dask's unify_chunks on the shared (contracted) indices: the common refinement of both chunkings.
    let unified = left
        .iter()
        .zip(&right)
        .map(|(&l, &r)| {
            let ca = Chunks::new(vec![a.chunks().axis(l).to_vec()])?;
            let cb = Chunks::new(vec![b.chunks().axis(r).to_vec()])?;
            Ok(unify_chunks(&[&ca, &cb])?.axis(0).to_vec())
        })
        .collect::<Result<Vec<_>>>()?;
    let a = with_axis_chunks(&a, &left, &unified)?;
    let b = with_axis_chunks(&b, &right, &unified)?;
    // Products: a's axes (contracted ones at one length-1 block per block),
    // then b's free axes.
    let mut out_axes: Vec<Vec<usize>> = a
        .chunks()
        .axes()
        .iter()
        .enumerate()
        .map(|(ax, c)| {
            if left.contains(&ax) {
                vec![1; c.len()]
            } else {
                c.clone()
            }
        })
        .collect();
    let mut b_map = vec![None; b.ndim()];
    for (k, &r) in right.iter().enumerate() {
        b_map[r] = Some(left[k]);
    }
    for ax in (0..b.ndim()).filter(|ax| !right.contains(ax)) {
        b_map[ax] = Some(out_axes.len());
        out_axes.push(b.chunks().axis(ax).to_vec());
    }
    let products = Expr::new(Blockwise::new(
        label,
        Chunks::new(out_axes)?,
        dtype,
        vec![a.layer().clone(), b.layer().clone()],
        vec![BlockMap::identity(a.ndim()), BlockMap { axes: b_map }],
        Arc::new(TensordotBlock {
            left: left.clone(),
            right,
        }),
    ));
    let opts = ReduceOptions {
        axes: Some(left.iter().map(|&ax| ax as i64).collect()),
        keepdims: false,
        split_every,
    };
    reduce(&products, ReduceOp::Sum, &opts)
}

/// NumPy's `dot`: the last axis of `a` with the second-to-last of `b` (its only axis when 1-d).
pub fn dot(a: &Expr, b: &Expr) -> Result<Expr> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(invalid(
            "dot",
            format!(
                "dot of a 0-d array (shapes {:?} and {:?}) is a multiplication; use multiply",
                a.shape(),
                b.shape()
            ),
        ));
    }
    let r = if b.ndim() == 1 { 0 } else { b.ndim() - 2 };
    let axes = TensorAxes::Pairs(vec![a.ndim() as i64 - 1], vec![r as i64]);
    contraction("dot", a, b, &axes, None)
}

/// NumPy's `matmul` (`a @ b`) for 1-d and 2-d operands: a 1-d left operand is a
/// row, a 1-d right operand a column, and their axis is dropped from the result.
pub fn matmul(a: &Expr, b: &Expr) -> Result<Expr> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(invalid(
            "matmul",
            format!(
                "matmul does not take 0-d arrays (shapes {:?} and {:?}); use multiply",
                a.shape(),
                b.shape()
            ),
        ));
    }
    if a.ndim() > 2 || b.ndim() > 2 {
        return Err(invalid(
            "matmul",
            format!(
                "stacked (more than 2-d) operands are not supported yet (shapes {:?} and {:?}); use tensordot",
                a.shape(),
                b.shape()
            ),
        ));
    }
    let axes = TensorAxes::Pairs(vec![a.ndim() as i64 - 1], vec![0]);
    contraction("matmul", a, b, &axes, None)
}

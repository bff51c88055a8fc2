//! Elementwise operations: NumPy broadcasting, Dask's chunk unification, and
//! the dtype rules of NumPy (integer division and float math go to float64).

use std::sync::Arc;

use tessera_chunk_core::DType;
use tessera_graph::{BlockMap, Blockwise, KernelRef};

use crate::elementwise::kernels::{Binary, BinaryOp, BinaryScalar, Cast, Unary, UnaryOp};
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::rechunk::layers::rechunk_to;
use crate::scalar::Scalar;
use tessera_chunk_core::{result_type, unify_chunks};

/// The block map from an output of `out_ndim` axes to an operand: axes it
/// lacks or has at length 1 where the output is longer are broadcast.
fn broadcast_map(operand: &Expr, out_shape: &[usize]) -> BlockMap {
    let offset = out_shape.len() - operand.ndim();
    let shape = operand.shape();
    BlockMap {
        axes: (0..operand.ndim())
            .map(|k| (shape[k] == out_shape[k + offset]).then_some(k + offset))
            .collect(),
    }
}

/// One blockwise layer applying `kernel` to operands already cast to one dtype.
fn blockwise(label: &str, operands: &[Expr], kernel: KernelRef, out_dtype: DType) -> Result<Expr> {
    let chunk_refs: Vec<_> = operands.iter().map(|o| o.chunks()).collect();
    let out_chunks = unify_chunks(&chunk_refs)?;
    let out_shape = out_chunks.shape();
    // Operands whose chunks differ from the unified ones are rechunked first
    // (on their own axes; broadcast axes keep their single block).
    let mut inputs = Vec::with_capacity(operands.len());
    let mut maps = Vec::with_capacity(operands.len());
    for op in operands {
        let map = broadcast_map(op, &out_shape);
        let wanted: Vec<Vec<usize>> = map
            .axes
            .iter()
            .zip(op.chunks().axes())
            .map(|(m, own)| m.map_or_else(|| own.clone(), |ax| out_chunks.axis(ax).to_vec()))
            .collect();
        let op = if wanted == op.chunks().axes() {
            op.clone()
        } else {
            rechunk_to(op, tessera_chunk_core::Chunks::new(wanted)?)?
        };
        inputs.push(op.layer().clone());
        maps.push(map);
    }
    Ok(Expr::new(
        Blockwise::new(label, out_chunks, out_dtype, inputs, maps, kernel).elementwise(),
    ))
}

/// Cast to `dtype` (NumPy `astype`); a no-op when already of that dtype.
pub fn astype(x: &Expr, dtype: DType) -> Result<Expr> {
    if x.dtype() == dtype {
        return Ok(x.clone());
    }
    if !dtype.is_array_type() {
        return Err(Error::UnsupportedDType {
            op: "astype".into(),
            dtype,
            reason: format!("cannot cast to {dtype}; use bool, an integer or a float type"),
        });
    }
    blockwise(
        "astype",
        std::slice::from_ref(x),
        Arc::new(Cast { to: dtype }),
        dtype,
    )
}

/// The dtype both operands of `op` are cast to before the kernel runs.
fn operand_dtype(op: BinaryOp, a: DType, b: DType) -> DType {
    let common = result_type(a, b);
    match op {
        BinaryOp::Div | BinaryOp::Pow if common.kind() != 'f' => DType::F64,
        _ => common,
    }
}

/// Complex arrays can be created, cast, sliced and regrouped, and compared
/// for equality; arithmetic on them is not implemented yet.
fn check_real(op: &str, dtype: DType, allowed: bool) -> Result<()> {
    if dtype.kind() == 'c' && !allowed {
        return Err(Error::UnsupportedDType {
            op: op.into(),
            dtype,
            reason: format!(
                "not supported for {dtype} arrays yet; cast to a real dtype with astype"
            ),
        });
    }
    Ok(())
}

/// `a op b` for two arrays, with broadcasting and chunk unification.
pub fn binary(op: BinaryOp, a: &Expr, b: &Expr) -> Result<Expr> {
    let dtype = operand_dtype(op, a.dtype(), b.dtype());
    check_real(op.label(), dtype, matches!(op, BinaryOp::Eq | BinaryOp::Ne))?;
    let (a, b) = (astype(a, dtype)?, astype(b, dtype)?);
    let out = if op.is_comparison() {
        DType::Bool
    } else {
        dtype
    };
    blockwise(op.label(), &[a, b], Arc::new(Binary { op }), out)
}

/// `a op s` (or `s op a` when `scalar_left`) for an array and a scalar; the
/// array's dtype wins, as in NumPy 2 for Python scalars (floats promote integers to float64).
pub fn binary_scalar(op: BinaryOp, a: &Expr, s: Scalar, scalar_left: bool) -> Result<Expr> {
    let mut dtype = a.dtype();
    if matches!(s, Scalar::Float(_)) && dtype.kind() != 'f' {
        dtype = DType::F64;
    }
    if matches!(op, BinaryOp::Div | BinaryOp::Pow) && dtype.kind() != 'f' {
        dtype = DType::F64;
    }
    let a = astype(a, dtype)?;
    let out = if op.is_comparison() {
        DType::Bool
    } else {
        dtype
    };
    let kernel = BinaryScalar {
        op,
        scalar: s,
        scalar_left,
    };
    blockwise(op.label(), &[a], Arc::new(kernel), out)
}

/// A unary operation; float math on integers goes through float64, as NumPy.
pub fn unary(op: UnaryOp, a: &Expr) -> Result<Expr> {
    check_real(op.label(), a.dtype(), false)?;
    if a.dtype() == DType::Bool {
        return Err(Error::UnsupportedDType {
            op: op.label().into(),
            dtype: DType::Bool,
            reason: "not defined for bool arrays; cast with astype first".into(),
        });
    }
    let a = if op.needs_float() && a.dtype().kind() != 'f' {
        astype(a, DType::F64)?
    } else {
        a.clone()
    };
    let dtype = a.dtype();
    blockwise(op.label(), &[a], Arc::new(Unary { op }), dtype)
}

/// `where(cond, a, b)` with broadcasting; `a` and `b` are promoted to one dtype.
pub fn where_(cond: &Expr, a: &Expr, b: &Expr) -> Result<Expr> {
    if cond.dtype() != DType::Bool {
        return Err(Error::UnsupportedDType {
            op: "where".into(),
            dtype: cond.dtype(),
            reason: format!("the condition must be a bool array, got {}", cond.dtype()),
        });
    }
    let dtype = result_type(a.dtype(), b.dtype());
    let (a, b) = (astype(a, dtype)?, astype(b, dtype)?);
    blockwise(
        "where",
        &[cond.clone(), a, b],
        Arc::new(crate::elementwise::kernels::Where),
        dtype,
    )
}

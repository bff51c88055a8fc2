//! Elementwise operations: NumPy broadcasting, Dask's chunk unification, and
//! the dtype rules of NumPy 2 and the Array API (true division and float
//! math of integers go to float64; `//`, `%`, `**`, rounding and bitwise
//! operations keep integers; comparisons, predicates and logical operations give bool).

use std::sync::Arc;

use tessera_chunk_core::DType;
use tessera_graph::{BlockMap, Blockwise, KernelRef};

use crate::elementwise::kernels::{
    Binary, BinaryClass, BinaryOp, BinaryScalar, Cast, Unary, UnaryClass, UnaryOp,
};
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

/// An operation that does not take operands of `dtype`.
fn unsupported(op: &str, dtype: DType, reason: &str) -> Error {
    Error::UnsupportedDType {
        op: op.into(),
        dtype,
        reason: reason.into(),
    }
}

/// The dtype both operands of `op` are cast to before the kernel runs
/// (NumPy 2's promotion, then the class of the operation), or why there is none.
fn operand_dtype(op: BinaryOp, a: DType, b: DType) -> Result<DType> {
    let common = result_type(a, b);
    check_real(
        op.label(),
        common,
        matches!(
            op,
            BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Add
                | BinaryOp::Sub
                | BinaryOp::Mul
                | BinaryOp::Div
                | BinaryOp::Pow
        ),
    )?;
    let label = op.label();
    let kind = common.kind();
    match op.class() {
        // True division of complex numbers stays complex.
        BinaryClass::FloatMath if !matches!(kind, 'f' | 'c') => Ok(DType::F64),
        BinaryClass::Arithmetic
            if kind == 'b'
                && matches!(op, BinaryOp::Sub | BinaryOp::Pow | BinaryOp::FloorDivide | BinaryOp::Remainder) =>
        {
            Err(unsupported(label, common, "not defined for bool arrays; cast to an integer or float dtype with astype first"))
        }
        BinaryClass::Bitwise if !matches!(kind, 'b' | 'i' | 'u') => Err(unsupported(
            label,
            common,
            &format!("needs integer or bool operands, got {a} and {b} (promoted to {common}); NumPy has no bitwise operations on floats"),
        )),
        BinaryClass::Shift if !matches!(kind, 'i' | 'u') => Err(unsupported(
            label,
            common,
            &format!("needs integer operands, got {a} and {b} (promoted to {common})"),
        )),
        BinaryClass::Logical => Ok(DType::Bool),
        _ => Ok(common),
    }
}

/// Complex arrays can be created, cast, sliced and regrouped, compared for
/// equality and take part in arithmetic (`+ - * / **`); the rest of complex
/// math is not implemented yet.
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

/// The dtype of `op`'s result on operands of `dtype`.
fn result_dtype(op: BinaryOp, dtype: DType) -> DType {
    if op.gives_bool() {
        DType::Bool
    } else {
        dtype
    }
}

/// `a op b` for two arrays, with broadcasting and chunk unification.
pub fn binary(op: BinaryOp, a: &Expr, b: &Expr) -> Result<Expr> {
    let dtype = operand_dtype(op, a.dtype(), b.dtype())?;
    let (a, b) = (astype(a, dtype)?, astype(b, dtype)?);
    blockwise(
        op.label(),
        &[a, b],
        Arc::new(Binary { op }),
        result_dtype(op, dtype),
    )
}

/// `a op s` (or `s op a` when `scalar_left`) for an array and a scalar; the
/// array's dtype wins, as in NumPy 2 for Python scalars (floats promote integers to float64).
pub fn binary_scalar(op: BinaryOp, a: &Expr, s: Scalar, scalar_left: bool) -> Result<Expr> {
    let mut dtype = a.dtype();
    if matches!(s, Scalar::Float(_)) && !matches!(dtype.kind(), 'f' | 'c') {
        dtype = DType::F64;
    }
    let dtype = operand_dtype(op, dtype, dtype)?;
    let negative_exponent = match s {
        Scalar::Int(v) if v < 0 => Some(v),
        _ => None,
    };
    if let Some(v) = negative_exponent
        .filter(|_| op == BinaryOp::Pow && !scalar_left && matches!(dtype.kind(), 'i' | 'u'))
    {
        return Err(Error::InvalidArgument {
            op: op.label().into(),
            reason: format!(
                "integers to negative integer powers are not allowed ({dtype} ** {v}); \
                 cast the array to a float dtype first"
            ),
        });
    }
    let a = astype(a, dtype)?;
    let kernel = BinaryScalar {
        op,
        scalar: s,
        scalar_left,
    };
    blockwise(op.label(), &[a], Arc::new(kernel), result_dtype(op, dtype))
}

/// A unary operation with NumPy's dtypes: float math on integers goes
/// through float64, rounding keeps integers, predicates give bool.
pub fn unary(op: UnaryOp, a: &Expr) -> Result<Expr> {
    let label = op.label();
    let dtype = a.dtype();
    if dtype.kind() == 'c' {
        return complex_unary(op, a);
    }
    check_real(label, dtype, false)?;
    let kind = dtype.kind();
    let (operand, out) = match op.class() {
        UnaryClass::FloatMath | UnaryClass::Numeric if kind == 'b' => {
            return Err(unsupported(
                label,
                dtype,
                "not defined for bool arrays; cast with astype first",
            ))
        }
        UnaryClass::FloatMath if kind != 'f' => (DType::F64, DType::F64),
        UnaryClass::Bitwise if kind == 'f' => {
            return Err(unsupported(
                label,
                dtype,
                "needs an integer or bool array; NumPy has no bitwise operations on floats",
            ))
        }
        UnaryClass::Predicate => (dtype, DType::Bool),
        UnaryClass::Logical => (DType::Bool, DType::Bool),
        _ => (dtype, dtype),
    };
    let a = astype(a, operand)?;
    blockwise(label, &[a], Arc::new(Unary { op }), out)
}

/// The unary operations complex arrays have (NumPy's): math in the same
/// dtype, `abs` in the real dtype of the same width, the IEEE predicates in
/// bool, `sign` as `z / |z|` (the Array API's); ordering-based ones
/// (`floor`, `signbit`…) are refused.
fn complex_unary(op: UnaryOp, a: &Expr) -> Result<Expr> {
    use UnaryOp::*;
    let dtype = a.dtype();
    let out = match op {
        Abs if dtype == DType::Complex64 => DType::F32,
        Abs => DType::F64,
        IsNan | IsInf | IsFinite => DType::Bool,
        Neg | Positive | Square | Sqrt | Exp | Log | Log1p | Expm1 | Log2 | Log10 | Sign | Sin
        | Cos | Tan | Sinh | Cosh | Tanh | Asin | Acos | Atan | Asinh | Acosh | Atanh => dtype,
        other => return Err(unsupported(
            other.label(),
            dtype,
            "not defined for complex arrays (they are not ordered) or not supported for them yet",
        )),
    };
    blockwise(
        op.label(),
        std::slice::from_ref(a),
        Arc::new(Unary { op }),
        out,
    )
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

/// `real(x)`, `imag(x)` or `conj(x)` (the Array API): of a complex array its
/// part, in the real dtype of the same width (`conj` keeps the dtype); of a
/// real array `x` itself, zeros of its dtype, and `x` again.
pub fn complex_part(part: crate::elementwise::kernels::Part, x: &Expr) -> Result<Expr> {
    use crate::elementwise::kernels::{ComplexPart, Part};
    let dtype = x.dtype();
    if dtype.kind() != 'c' {
        return match part {
            Part::Real | Part::Conj => Ok(x.clone()),
            Part::Imag => crate::creation::full(
                x.chunks().clone(),
                dtype,
                crate::scalar::Scalar::Int(0),
                "imag",
            ),
        };
    }
    let out = match (part, dtype) {
        (Part::Conj, d) => d,
        (_, DType::Complex64) => DType::F32,
        _ => DType::F64,
    };
    blockwise(
        part.label(),
        std::slice::from_ref(x),
        Arc::new(ComplexPart { part }),
        out,
    )
}

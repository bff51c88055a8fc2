//! Axis permutations: `transpose`, `swapaxes`.

use std::sync::Arc;

use tessera_graph::{BlockMap, Blockwise};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::reshape::transpose_kernel::Transpose;

/// Permute axes (`None` reverses them), as `x.transpose(axes)`.
pub fn transpose(x: &Expr, axes: Option<&[i64]>) -> Result<Expr> {
    let perm = tessera_chunk_core::transpose_axes(axes, x.ndim())?;
    let chunks = x
        .chunks()
        .permuted(&perm)
        .ok_or_else(|| Error::InvalidArgument {
            op: "transpose".into(),
            reason: format!("axes {perm:?} are not a permutation of {} axes", x.ndim()),
        })?;
    // Input axis k follows the output axis j with perm[j] == k.
    let mut follows = vec![None; perm.len()];
    for (j, &k) in perm.iter().enumerate() {
        follows[k] = Some(j);
    }
    Ok(Expr::new(
        Blockwise::new(
            "transpose",
            chunks,
            x.dtype(),
            vec![x.layer().clone()],
            vec![BlockMap { axes: follows }],
            Arc::new(Transpose { axes: perm.clone() }),
        )
        .permutes(perm),
    ))
}

/// Exchange two axes, as `x.swapaxes(a, b)`.
pub fn swapaxes(x: &Expr, a: i64, b: i64) -> Result<Expr> {
    let ndim = x.ndim() as i64;
    let norm = |v: i64| {
        let n = if v < 0 { v + ndim } else { v };
        if n < 0 || n >= ndim {
            Err(tessera_chunk_core::Error::AxisOutOfBounds {
                axis: v,
                ndim: x.ndim(),
            })
        } else {
            Ok(n)
        }
    };
    let (a, b) = (norm(a)?, norm(b)?);
    let mut perm: Vec<i64> = (0..ndim).collect();
    perm.swap(a as usize, b as usize);
    transpose(x, Some(&perm))
}

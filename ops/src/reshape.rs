//! Axis permutations: `transpose`, `swapaxes`.

use std::sync::Arc;

use tessera_chunk_core::Chunks;
use tessera_graph::{BlockMap, Blockwise};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::kernels::transpose::Transpose;

/// Normalise a permutation given with possibly negative axes.
fn permutation(axes: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    let Some(axes) = axes else {
        return Ok((0..ndim).rev().collect());
    };
    let bad = |reason: String| Error::InvalidArgument {
        op: "transpose".into(),
        reason,
    };
    if axes.len() != ndim {
        return Err(bad(format!(
            "axes {axes:?} do not match an array of {ndim} dimensions; give each axis once"
        )));
    }
    let mut seen = vec![false; ndim];
    let mut out = Vec::with_capacity(ndim);
    for &a in axes {
        let n = if a < 0 { a + ndim as i64 } else { a };
        if n < 0 || n >= ndim as i64 {
            return Err(tessera_chunk_core::Error::AxisOutOfBounds { axis: a, ndim }.into());
        }
        let n = n as usize;
        if seen[n] {
            return Err(tessera_chunk_core::Error::RepeatedAxis { axis: n }.into());
        }
        seen[n] = true;
        out.push(n);
    }
    Ok(out)
}

/// Permute axes (`None` reverses them), as `x.transpose(axes)`.
pub fn transpose(x: &Expr, axes: Option<&[i64]>) -> Result<Expr> {
    let perm = permutation(axes, x.ndim())?;
    let chunks = Chunks::new(perm.iter().map(|&k| x.chunks().axis(k).to_vec()).collect())?;
    // Input axis k follows the output axis j with perm[j] == k.
    let mut follows = vec![None; perm.len()];
    for (j, &k) in perm.iter().enumerate() {
        follows[k] = Some(j);
    }
    Ok(Expr::new(Blockwise::new(
        "transpose",
        chunks,
        x.dtype(),
        vec![x.layer().clone()],
        vec![BlockMap { axes: follows }],
        Arc::new(Transpose { axes: perm }),
    )))
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

//! `diff`, `roll`, `flip`, `squeeze`, `expand_dims`, `moveaxis`: each is
//! Dask's composition of slicing, transpose, concatenate and subtraction, so
//! the chunks are Dask's and slice pushdown keeps them cheap.

use tessera_chunk_core::{normalize_axis, DType, Error as ChunkError, IndexItem};

use crate::elementwise::kernels::BinaryOp;
use crate::elementwise::layers::binary;
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::indexing::slicing::getitem;
use crate::reshape::axes::transpose;
use crate::reshape::join::{concatenate, ravel, reshape};

fn invalid(op: &str, reason: String) -> Error {
    Error::InvalidArgument {
        op: op.into(),
        reason,
    }
}

/// The index taking `item` on `axis` and everything elsewhere.
fn on_axis(ndim: usize, axis: usize, item: IndexItem) -> Vec<IndexItem> {
    let mut index = vec![IndexItem::full(); ndim];
    index[axis] = item;
    index
}

/// Normalised axes, each once.
fn distinct_axes(axes: &[i64], ndim: usize) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = normalize_axis(a, ndim)?;
        if out.contains(&a) {
            return Err(ChunkError::RepeatedAxis { axis: a }.into());
        }
        out.push(a);
    }
    Ok(out)
}

/// The `n`-th discrete difference along `axis` (`da.diff`): `n` times
/// `x[1:] - x[:-1]`. Booleans are refused, as NumPy's subtraction does.
pub fn diff(x: &Expr, n: usize, axis: i64) -> Result<Expr> {
    let axis = normalize_axis(axis, x.ndim())?;
    if n > 0 && x.dtype() == DType::Bool {
        return Err(invalid(
            "diff",
            "booleans cannot be subtracted; cast to an integer type first".into(),
        ));
    }
    let mut r = x.clone();
    for _ in 0..n {
        let hi = getitem(
            &r,
            &on_axis(r.ndim(), axis, IndexItem::slice(Some(1), None, None)),
        )?;
        let lo = getitem(
            &r,
            &on_axis(r.ndim(), axis, IndexItem::slice(None, Some(-1), None)),
        )?;
        r = binary(BinaryOp::Sub, &hi, &lo)?;
    }
    Ok(r)
}

/// Roll elements along `axes` by `shifts` (`da.roll`); with `axes = None`
/// the array is flattened, rolled by the one shift, and reshaped back.
pub fn roll(x: &Expr, shifts: &[i64], axes: Option<&[i64]>) -> Result<Expr> {
    let (mut r, axes) = match axes {
        None => {
            if shifts.len() != 1 {
                return Err(invalid(
                    "roll",
                    format!(
                        "{} shifts given without axes; give one shift to roll the flattened array",
                        shifts.len()
                    ),
                ));
            }
            (ravel(x)?, vec![0i64])
        }
        Some(a) => (x.clone(), a.to_vec()),
    };
    if shifts.len() != axes.len() {
        return Err(invalid(
            "roll",
            format!(
                "{} shifts for {} axes; give one shift per axis",
                shifts.len(),
                axes.len()
            ),
        ));
    }
    for (&a, &s) in axes.iter().zip(shifts) {
        let a = normalize_axis(a, r.ndim())?;
        let len = r.shape()[a] as i128;
        let s = if len == 0 {
            0
        } else {
            (-i128::from(s)).rem_euclid(len) as i64
        };
        if s == 0 && len > 0 {
            // x[0:] joined with the empty x[:0] is x itself: Dask's concatenate
            // drops the empty part (or, for an empty array, keeps a zero-length
            // block on a non-empty axis, which tessera's chunks leave out).
            continue;
        }
        let tail = getitem(
            &r,
            &on_axis(r.ndim(), a, IndexItem::slice(Some(s), None, None)),
        )?;
        let head = getitem(
            &r,
            &on_axis(r.ndim(), a, IndexItem::slice(None, Some(s), None)),
        )?;
        r = concatenate(&[tail, head], Some(a as i64))?;
    }
    let shape: Vec<i64> = x.shape().iter().map(|&d| d as i64).collect();
    reshape(&r, &shape)
}

/// Reverse the order of elements along `axes` (all axes for `None`), as `da.flip`.
pub fn flip(x: &Expr, axes: Option<&[i64]>) -> Result<Expr> {
    let axes: Vec<usize> = match axes {
        None => (0..x.ndim()).collect(),
        // Dask accepts an axis twice (it is flipped once); so does this.
        Some(a) => a
            .iter()
            .map(|&a| normalize_axis(a, x.ndim()))
            .collect::<Result<_, _>>()?,
    };
    let mut index = vec![IndexItem::full(); x.ndim()];
    for a in axes {
        index[a] = IndexItem::slice(None, None, Some(-1));
    }
    getitem(x, &index)
}

/// Drop axes of length 1 (`da.squeeze`): the given ones, or all with `None`;
/// naming an axis whose length is not 1 is an error.
pub fn squeeze(x: &Expr, axes: Option<&[i64]>) -> Result<Expr> {
    let shape = x.shape();
    let axes: Vec<usize> = match axes {
        None => (0..x.ndim()).filter(|&a| shape[a] == 1).collect(),
        Some(a) => distinct_axes(a, x.ndim())?,
    };
    if let Some(&bad) = axes.iter().find(|&&a| shape[a] != 1) {
        return Err(invalid(
            "squeeze",
            format!(
                "axis {bad} has length {}; only axes of length 1 can be squeezed",
                shape[bad]
            ),
        ));
    }
    let index: Vec<IndexItem> = (0..x.ndim())
        .map(|a| {
            if axes.contains(&a) {
                IndexItem::Int(0)
            } else {
                IndexItem::full()
            }
        })
        .collect();
    getitem(x, &index)
}

/// Insert axes of length 1 at `axes` of the result (`da.expand_dims`).
pub fn expand_dims(x: &Expr, axes: &[i64]) -> Result<Expr> {
    let out_ndim = x.ndim() + axes.len();
    let axes = distinct_axes(axes, out_ndim)?;
    let index: Vec<IndexItem> = (0..out_ndim)
        .map(|a| {
            if axes.contains(&a) {
                IndexItem::NewAxis
            } else {
                IndexItem::full()
            }
        })
        .collect();
    getitem(x, &index)
}

/// Move axes `source` to positions `destination`, the others keeping their
/// order (`da.moveaxis`): a transpose.
pub fn moveaxis(x: &Expr, source: &[i64], destination: &[i64]) -> Result<Expr> {
    let src = distinct_axes(source, x.ndim())?;
    let dst = distinct_axes(destination, x.ndim())?;
    if src.len() != dst.len() {
        return Err(invalid(
            "moveaxis",
            format!(
                "{} source axes but {} destinations; give one destination per source",
                src.len(),
                dst.len()
            ),
        ));
    }
    let mut order: Vec<usize> = (0..x.ndim()).filter(|a| !src.contains(a)).collect();
    let mut pairs: Vec<(usize, usize)> = dst.into_iter().zip(src).collect();
    pairs.sort_unstable();
    for (d, s) in pairs {
        order.insert(d, s);
    }
    let order: Vec<i64> = order.into_iter().map(|a| a as i64).collect();
    transpose(x, Some(&order))
}

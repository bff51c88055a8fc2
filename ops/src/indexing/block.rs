//! `block`: assemble an array from nested lists of arrays (`np.block`,
//! `da.block`), as concatenations from the innermost list outwards.

use tessera_chunk_core::IndexItem;

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::indexing::slicing::getitem;
use crate::reshape::join::concatenate;

/// A nested list of arrays: `[[a, b], [c, d]]` is
/// `List(vec![List(vec![Array(a), Array(b)]), List(vec![Array(c), Array(d)])])`.
#[derive(Debug, Clone)]
pub enum Nested {
    /// A leaf array.
    Array(Expr),
    /// A list of nested items, all of the same depth.
    List(Vec<Nested>),
}

fn invalid(reason: String) -> Error {
    Error::InvalidArgument {
        op: "block".into(),
        reason,
    }
}

fn path_text(path: &[usize]) -> String {
    path.iter().map(|i| format!("[{i}]")).collect()
}

/// The common list depth and the largest leaf ndim; errors on mismatched depths and empty lists.
fn survey(
    node: &Nested,
    path: &mut Vec<usize>,
    depth: &mut Option<usize>,
    ndim: &mut usize,
) -> Result<()> {
    match node {
        Nested::Array(x) => {
            *ndim = (*ndim).max(x.ndim());
            match *depth {
                Some(d) if d != path.len() => Err(invalid(format!(
                    "list depths are mismatched: the first array is at depth {d}, but arrays{} is at depth {}; nest every array equally deep",
                    path_text(path),
                    path.len()
                ))),
                _ => {
                    *depth = Some(path.len());
                    Ok(())
                }
            }
        }
        Nested::List(items) if items.is_empty() => Err(invalid(format!(
            "arrays{} is an empty list; every list needs at least one item",
            path_text(path)
        ))),
        Nested::List(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i);
                survey(item, path, depth, ndim)?;
                path.pop();
            }
            Ok(())
        }
    }
}

/// Concatenate lists along `axis` at this depth, `axis + 1` one level in.
fn assemble(node: &Nested, ndim: usize, axis: usize) -> Result<Expr> {
    match node {
        Nested::Array(x) if x.ndim() < ndim => {
            // Leading axes of length 1 make every leaf `ndim`-dimensional (no broadcasting).
            let mut index = vec![IndexItem::NewAxis; ndim - x.ndim()];
            index.push(IndexItem::Ellipsis);
            getitem(x, &index)
        }
        Nested::Array(x) => Ok(x.clone()),
        Nested::List(items) => {
            let parts = items
                .iter()
                .map(|item| assemble(item, ndim, axis + 1))
                .collect::<Result<Vec<_>>>()?;
            match parts.as_slice() {
                // Dask's concatenate returns a lone array itself.
                [one] => Ok(one.clone()),
                _ => concatenate(&parts, Some(axis as i64)),
            }
        }
    }
}

/// `da.block(arrays)`: the innermost lists are joined along the last axis,
/// the next ones out along the axis before, and so on; leaves with fewer
/// dimensions get leading axes of length 1. A bare array is returned as is.
pub fn block(arrays: &Nested) -> Result<Expr> {
    let (mut depth, mut ndim) = (None, 0);
    survey(arrays, &mut Vec::new(), &mut depth, &mut ndim)?;
    let depth = depth.unwrap_or(0);
    let ndim = ndim.max(depth);
    assemble(arrays, ndim, ndim - depth)
}

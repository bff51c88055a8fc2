//! How arrays print: Dask's one-line repr and its summary table.

use std::fmt;

use tessera_chunk_core::{format_bytes, py_tuple};
use tessera_ops::Expr;

/// The one-line repr: `tessera.Array<ones_like, shape=(10,), dtype=float64, chunksize=(5,), chunktype=ndarray>`.
pub fn repr(expr: &Expr) -> String {
    format!(
        "tessera.Array<{}, shape={}, dtype={}, chunksize={}, chunktype=ndarray>",
        expr.label(),
        py_tuple(&expr.shape()),
        expr.dtype(),
        py_tuple(&expr.chunks().chunksize()),
    )
}

/// The figures of Dask's HTML summary table, for one array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Bytes of the whole array (`"7.45 GiB"`).
    pub nbytes: String,
    /// Bytes of the largest chunk (`"126.51 MiB"`).
    pub chunk_nbytes: String,
    /// The shape as a Python tuple.
    pub shape: String,
    /// The largest chunk's shape as a Python tuple.
    pub chunksize: String,
    /// `"N chunks in M graph layers"` (Dask writes "chunks" even for one, and singularises "layer").
    pub count_text: String,
    /// The dtype name.
    pub dtype: String,
}

impl Summary {
    /// The summary of an array.
    pub fn of(expr: &Expr) -> Self {
        let itemsize = expr.dtype().itemsize() as u64;
        let chunk_elems: u64 = expr
            .chunks()
            .chunksize()
            .iter()
            .map(|&c| c as u64)
            .product();
        let layers = expr.layer_count();
        Summary {
            nbytes: format_bytes(expr.nbytes()),
            chunk_nbytes: format_bytes(chunk_elems * itemsize),
            shape: py_tuple(&expr.shape()),
            chunksize: py_tuple(&expr.chunks().chunksize()),
            count_text: format!(
                "{} chunks in {} graph layer{}",
                expr.chunks().num_blocks(),
                layers,
                if layers == 1 { "" } else { "s" }
            ),
            dtype: expr.dtype().to_string(),
        }
    }

    /// The summary of an array that failed to build: the error in place of the graph.
    pub fn failed(error: &crate::Error) -> Self {
        let unknown = || "?".to_string();
        Summary {
            nbytes: unknown(),
            chunk_nbytes: unknown(),
            shape: unknown(),
            chunksize: unknown(),
            count_text: format!("error: {error}"),
            dtype: unknown(),
        }
    }
}

impl fmt::Display for Summary {
    /// The table as aligned text, rows as in Dask's HTML repr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = [
            ("", "Array".to_string(), "Chunk".to_string()),
            ("Bytes", self.nbytes.clone(), self.chunk_nbytes.clone()),
            ("Shape", self.shape.clone(), self.chunksize.clone()),
            ("Graph", self.count_text.clone(), String::new()),
            (
                "Data type",
                format!("{} ndarray", self.dtype),
                format!("{} ndarray", self.dtype),
            ),
        ];
        let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).max(12);
        for (name, a, c) in rows {
            writeln!(f, "{name:<10} {a:<w1$}  {c}")?;
        }
        Ok(())
    }
}

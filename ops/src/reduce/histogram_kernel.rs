//! `HistogramBlock`: one block's counts in fixed bins, as a `[1, bins]` row.

use ndarray::{ArrayD, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{with_block, Block, Element};
use tessera_graph::{Kernel, KernelError};

/// The bin of `v` for ascending `edges` as NumPy counts them: `[e_i, e_{i+1})`,
/// the last bin closed; `None` outside the edges or for NaN.
pub fn bin_of(edges: &[f64], v: f64) -> Option<usize> {
    let bins = edges.len().checked_sub(1)?;
    let (first, last) = (*edges.first()?, *edges.last()?);
    if bins == 0 || v.is_nan() || v < first || v > last {
        return None;
    }
    // The number of left edges at or below v, as np.searchsorted(side="right").
    let left = edges[..bins].partition_point(|&e| e <= v);
    Some(left.saturating_sub(1).min(bins - 1))
}

fn counts<T: Element>(a: &ndarray::ArcArray<T, IxDyn>, edges: &[f64]) -> Vec<i64> {
    let mut out = vec![0i64; edges.len().saturating_sub(1)];
    for &x in a.iter() {
        if let Some(b) = bin_of(edges, x.to_f64()) {
            out[b] += 1;
        }
    }
    out
}

/// Count one block's elements into the bins between `edges` (Dask's `_block_hist`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistogramBlock {
    /// Bin edges, ascending; `edges.len() - 1` bins.
    pub edges: Vec<f64>,
}

crate::kernel::kernel_id!(HistogramBlock, "tessera.histogram_block");

impl Kernel for HistogramBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        if a.dtype().kind() == 'c' {
            return Err(KernelError::new(format!(
                "histogram of {} blocks is not supported",
                a.dtype()
            )));
        }
        let row = with_block!(a, x => counts(x, &self.edges));
        let bins = row.len();
        ArrayD::from_shape_vec(IxDyn(&[1, bins]), row)
            .map(Block::from_array)
            .map_err(|e| KernelError::new(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_half_open_but_the_last() {
        let edges = [0.0, 1.0, 2.0, 3.0];
        assert_eq!(bin_of(&edges, 0.0), Some(0));
        assert_eq!(bin_of(&edges, 0.999), Some(0));
        assert_eq!(bin_of(&edges, 1.0), Some(1));
        assert_eq!(bin_of(&edges, 3.0), Some(2));
        assert_eq!(bin_of(&edges, 3.0001), None);
        assert_eq!(bin_of(&edges, -0.1), None);
        assert_eq!(bin_of(&edges, f64::NAN), None);
        // Equal edges (an empty range): everything at the edge is in the last bin.
        assert_eq!(bin_of(&[2.0, 2.0, 2.0], 2.0), Some(1));
        assert_eq!(bin_of(&[1.0], 1.0), None);
    }

    #[test]
    fn a_block_becomes_one_row_of_counts() {
        let k = HistogramBlock {
            edges: vec![0.0, 0.5, 1.0],
        };
        let b = Block::from_array(ndarray::arr2(&[[0u8, 1], [1, 7]]).into_dyn());
        let out = k.run(&[b]).unwrap();
        assert_eq!(out.shape(), &[1, 2]);
        assert_eq!(
            out.as_array::<i64>()
                .unwrap()
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![1, 2]
        );
    }
}

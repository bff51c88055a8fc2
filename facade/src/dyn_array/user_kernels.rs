//! User kernels and overlaps on arrays of a run-time dtype: `map_blocks`,
//! `blockwise`, `overlap`, `trim_internal` and `map_overlap` with the output
//! dtype given as a value (what the Python package builds on; the typed
//! forms are in `blockwise.rs` and `overlap.rs`).

use tessera_chunk_core::DType;
use tessera_graph::KernelRef;
use tessera_ops::blockwise_index::{self, BlockwiseOptions};
use tessera_ops::map_blocks::{map_blocks_with, MapBlocksOptions};
use tessera_ops::overlap;

use super::DynArray;
use crate::overlap::{Boundaries, Depth};

impl DynArray {
    /// `kernel` applied to every block, giving `dtype` blocks, with Dask's
    /// `drop_axis`, `new_axis` and `chunks` options (`x.map_blocks(f)`).
    pub fn map_blocks_kernel(
        &self,
        kernel: KernelRef,
        opts: &MapBlocksOptions,
        dtype: DType,
    ) -> DynArray {
        self.then("map_blocks", |x| {
            Ok(map_blocks_with(x, kernel, opts, dtype, "map_blocks")?)
        })
    }

    /// Dask's `blockwise` in index notation over arrays of any dtypes, the
    /// output of `dtype` (see [`crate::blockwise`]).
    pub fn blockwise_kernel(
        kernel: KernelRef,
        out: &str,
        inputs: &[(&DynArray, &str)],
        opts: &BlockwiseOptions,
        dtype: DType,
    ) -> DynArray {
        let arrays: Vec<&DynArray> = inputs.iter().map(|(x, _)| *x).collect();
        DynArray::then_all(&arrays, "blockwise", |exprs| {
            let indexed: Vec<_> = exprs
                .iter()
                .zip(inputs)
                .map(|(x, (_, i))| (*x, *i))
                .collect();
            Ok(blockwise_index::blockwise(
                kernel,
                out,
                &indexed,
                dtype,
                opts,
                "blockwise",
            )?)
        })
    }

    /// Every block grown by `depth` elements of its neighbours, `boundary`
    /// values at the edges (Dask's `overlap`).
    pub fn overlap(&self, depth: impl Into<Depth>, boundary: impl Into<Boundaries>) -> DynArray {
        let (depth, boundary) = (depth.into(), boundary.into());
        self.then("overlap", |x| Ok(overlap::overlap(x, &depth, &boundary)?))
    }

    /// The margins `overlap` added taken off again (Dask's `trim_internal`).
    pub fn trim_internal(
        &self,
        depth: impl Into<Depth>,
        boundary: impl Into<Boundaries>,
    ) -> DynArray {
        let (depth, boundary) = (depth.into(), boundary.into());
        self.then("trim_internal", |x| {
            Ok(overlap::trim_internal(x, &depth, &boundary)?)
        })
    }

    /// `kernel` over every block grown by `depth`, then trimmed (Dask's
    /// `map_overlap`); the kernel must keep each block's shape.
    pub fn map_overlap_kernel(
        &self,
        depth: impl Into<Depth>,
        boundary: impl Into<Boundaries>,
        kernel: KernelRef,
        dtype: DType,
    ) -> DynArray {
        let (depth, boundary) = (depth.into(), boundary.into());
        self.then("map_overlap", |x| {
            Ok(overlap::map_overlap(
                x,
                kernel,
                &depth,
                &boundary,
                dtype,
                "map_overlap",
            )?)
        })
    }
}

//! Typed dataset I/O: create a dataset, read and write hyperslabs.

use std::ops::Range;

use ::hdf5::{Dataset, Extent, Extents, Group, Hyperslab, Selection, SimpleExtents, SliceOrIndex};
use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{with_block, with_dtype, Block, DType};

use super::options::Hdf5Options;
use crate::error::{Error, Result};

/// An HDF5 failure at `path` as a storage error.
pub(super) fn backend(path: &str, e: ::hdf5::Error) -> Error {
    Error::Backend {
        path: path.to_string(),
        reason: e.to_string(),
    }
}

fn no_element_type(path: &str, dtype: DType) -> Error {
    Error::UnsupportedDType {
        path: path.to_string(),
        dtype: dtype.to_string(),
    }
}

fn selection(ranges: &[Range<usize>]) -> Selection {
    let slices: Vec<SliceOrIndex> = ranges.iter().cloned().map(SliceOrIndex::from).collect();
    Selection::from(Hyperslab::from(slices))
}

/// Create dataset `name` in `group`: chunked with `chunk` (gzip as the options
/// say), or a scalar dataset when `shape` is empty.
pub(super) fn create(
    group: &Group,
    name: &str,
    dtype: DType,
    shape: &[usize],
    chunk: Option<Vec<usize>>,
    options: &Hdf5Options,
) -> Result<()> {
    // An empty axis gets an unlimited maximum: HDF5 wants chunks no longer
    // than a fixed axis, and a chunk is at least 1 long.
    let extents: Extents = if shape.is_empty() {
        Extents::Scalar
    } else {
        SimpleExtents::from_vec(
            shape
                .iter()
                .map(|&d| {
                    if d == 0 {
                        Extent::resizable(0)
                    } else {
                        Extent::fixed(d)
                    }
                })
                .collect(),
        )
        .into()
    };
    let created = with_dtype!(dtype, T => {
        let mut builder = group.new_dataset::<T>();
        if let Some(chunk) = chunk {
            builder = builder.chunk(chunk);
            if let Some(level) = options.gzip {
                builder = builder.deflate(level);
            }
        }
        builder.shape(extents).create(name)
    }, other => return Err(no_element_type(name, other)));
    created.map(drop).map_err(|e| backend(name, e))
}

/// Read the hyperslab `ranges` (one per axis; none for a 0-d dataset).
pub(super) fn read(
    ds: &Dataset,
    path: &str,
    dtype: DType,
    ranges: &[Range<usize>],
) -> Result<Block> {
    let shape: Vec<usize> = ranges.iter().map(|r| r.len()).collect();
    with_dtype!(dtype, T => {
        let array: ArrayD<T> = if ranges.is_empty() {
            ds.read_dyn::<T>().map_err(|e| backend(path, e))?
        } else if shape.contains(&0) {
            ArrayD::default(IxDyn(&shape))
        } else {
            ds.read_slice::<T, _, IxDyn>(selection(ranges))
                .map_err(|e| backend(path, e))?
        };
        Ok(Block::from_array(array))
    }, other => Err(no_element_type(path, other)))
}

/// Write `block` to the hyperslab `ranges`; shape and dtype are checked by the caller.
pub(super) fn write(
    ds: &Dataset,
    path: &str,
    ranges: &[Range<usize>],
    block: &Block,
) -> Result<()> {
    if !ranges.is_empty() && block.is_empty() {
        return Ok(());
    }
    with_block!(block, a => {
        // hdf5-metno writes from C-ordered memory only.
        let data = a.as_standard_layout();
        let written = if ranges.is_empty() {
            ds.write(data.view())
        } else {
            ds.write_slice(data.view(), selection(ranges))
        };
        written.map_err(|e| backend(path, e))
    })
}

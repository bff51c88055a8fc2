//! Typed chunk reads and writes. Zarr chunks are full-size even at the array's
//! edge while tessera blocks are trimmed: reads take only the in-bounds region,
//! writes pad the block with the array's fill value.

use std::borrow::Cow;
use std::ops::Range;

use ndarray::{ArcArray, ArrayD, IxDyn, Slice};
use tessera_chunk_core::{with_dtype, Block, DType, Element};
use zarrs::array::{Array, ArrayBytes, ArraySubset, CodecOptions, ElementOwned};
use zarrs::storage::ReadableWritableListableStorageTraits;

use super::errors;
use crate::error::{Error, Result};

/// Codec options for one task's read or write: no parallelism inside zarrs.
/// tessera's schedulers already run one task per core; zarrs spreading each
/// chunk's work over rayon as well halves throughput (measured on W2).
fn one_thread() -> CodecOptions {
    CodecOptions::default().with_concurrent_target(1)
}

/// A zarrs array on any read-write store.
pub(crate) type ZArray = Array<dyn ReadableWritableListableStorageTraits>;

/// Read `region` (element ranges per axis) of `array` as a block of `dtype`.
/// `index` names the chunk in error messages.
pub(crate) fn read(
    array: &ZArray,
    dtype: DType,
    region: &[Range<usize>],
    path: &str,
    index: &[usize],
) -> Result<Block> {
    with_dtype!(dtype, T => read_typed::<T>(array, region, path, index),
        other => Err(unsupported(path, other)))
}

fn read_typed<T: Element + ElementOwned>(
    array: &ZArray,
    region: &[Range<usize>],
    path: &str,
    index: &[usize],
) -> Result<Block> {
    let shape: Vec<usize> = region.iter().map(ExactSizeIterator::len).collect();
    if shape.contains(&0) {
        return Ok(Block::from_array(ArrayD::<T>::default(IxDyn(&shape))));
    }
    let ranges: Vec<Range<u64>> = region
        .iter()
        .map(|r| r.start as u64..r.end as u64)
        .collect();
    let subset = ArraySubset::new_with_ranges(&ranges);
    let data: Vec<T> = array
        .retrieve_array_subset_opt(&subset, &one_thread())
        .map_err(|e| errors::array("read", path, index, e))?;
    let a = ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| Error::Backend {
        path: path.to_string(),
        reason: format!("decoded region has the wrong number of elements: {e}"),
    })?;
    Ok(Block::from_array(a))
}

/// Write `block` as chunk `index` of `array`, padded to the chunk's full shape.
pub(crate) fn write(
    array: &ZArray,
    index: &[usize],
    block: &Block,
    full_shape: &[usize],
    path: &str,
) -> Result<()> {
    with_dtype!(block.dtype(), T => {
        let a = block.as_array::<T>()?;
        write_typed::<T>(array, index, a, full_shape, path)
    }, other => Err(unsupported(path, other)))
}

fn write_typed<T: Element + ElementOwned>(
    array: &ZArray,
    index: &[usize],
    a: &ArcArray<T, IxDyn>,
    full_shape: &[usize],
    path: &str,
) -> Result<()> {
    let data: Vec<T> = if a.shape() == full_shape {
        a.iter().copied().collect()
    } else {
        let mut full = ArrayD::from_elem(IxDyn(full_shape), fill_value::<T>(array, path)?);
        full.slice_each_axis_mut(|ax| Slice::from(0..a.shape()[ax.axis.index()]))
            .assign(a);
        full.into_iter().collect()
    };
    let chunk: Vec<u64> = index.iter().map(|&i| i as u64).collect();
    array
        .store_chunk_opt(&chunk, data, &one_thread())
        .map_err(|e| errors::array("write", path, index, e))
}

/// The array's fill value as a `T`, decoded by zarrs from its native-endian bytes.
fn fill_value<T: ElementOwned>(array: &ZArray, path: &str) -> Result<T> {
    let bytes = ArrayBytes::new_flen(Cow::Borrowed(array.fill_value().as_ne_bytes()));
    T::from_array_bytes(array.data_type(), bytes)
        .ok()
        .and_then(|v| v.into_iter().next())
        .ok_or_else(|| Error::Backend {
            path: path.to_string(),
            reason: format!(
                "the fill value {} does not fit the data type {}",
                array.fill_value(),
                array.data_type()
            ),
        })
}

fn unsupported(path: &str, dtype: DType) -> Error {
    Error::UnsupportedDType {
        path: path.to_string(),
        dtype: dtype.name().to_string(),
    }
}

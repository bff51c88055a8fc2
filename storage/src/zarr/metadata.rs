//! Array metadata both ways: the Zarr document of a new array (v2 or v3, as
//! zarr-python writes it), and tessera's `ArrayMetadata` of an existing one.

use serde_json::{json, Value};
use tessera_chunk_core::{Chunks, DType};

use super::dtype::{v2_name, v3_name, zero_fill};
use super::options::{Compression, WriteOptions, ZarrFormat};
use crate::error::{Error, Result};

/// The Zarr chunk shape of tessera chunks, which must be regular: every chunk
/// of an axis as long as the first except a shorter last one. An empty axis
/// gets chunk length 1 (Zarr needs lengths of at least 1).
pub(crate) fn regular_chunk_shape(path: &str, chunks: &Chunks) -> Result<Vec<usize>> {
    chunks
        .axes()
        .iter()
        .enumerate()
        .map(|(axis, c)| {
            let first = c.first().copied().unwrap_or(0);
            let last = c.last().copied().unwrap_or(0);
            let middle_equal = c.len() < 2 || c[..c.len() - 1].iter().all(|&x| x == first);
            if first == 0 {
                Ok(1)
            } else if middle_equal && last <= first {
                Ok(first)
            } else {
                Err(Error::Unsupported {
                    path: path.to_string(),
                    reason: format!(
                        "Zarr needs regular chunks, but axis {axis} has chunks {c:?}; \
                         rechunk so that every chunk but the last has the same length"
                    ),
                })
            }
        })
        .collect()
}

/// The metadata document of a new array filled with zeros.
pub(crate) fn new_array_doc(
    path: &str,
    dtype: DType,
    shape: &[usize],
    chunk: &[usize],
    options: WriteOptions,
) -> Result<Value> {
    let unsupported = || Error::UnsupportedDType {
        path: path.to_string(),
        dtype: dtype.name().to_string(),
    };
    Ok(match options.format {
        ZarrFormat::V3 => {
            let mut codecs = vec![json!({"name": "bytes", "configuration": {"endian": "little"}})];
            match options.compression {
                Compression::None => {}
                Compression::Zstd { level } => codecs.push(
                    json!({"name": "zstd", "configuration": {"level": level, "checksum": false}}),
                ),
                Compression::Gzip { level } => {
                    codecs.push(json!({"name": "gzip", "configuration": {"level": level}}));
                }
            }
            json!({
                "zarr_format": 3,
                "node_type": "array",
                "shape": shape,
                "data_type": v3_name(dtype).ok_or_else(unsupported)?,
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": chunk}},
                "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
                "fill_value": zero_fill(dtype),
                "codecs": codecs,
                "attributes": {},
            })
        }
        ZarrFormat::V2 => {
            let compressor = match options.compression {
                Compression::None => Value::Null,
                Compression::Zstd { level } => {
                    json!({"id": "zstd", "level": level, "checksum": false})
                }
                Compression::Gzip { level } => json!({"id": "gzip", "level": level}),
            };
            json!({
                "zarr_format": 2,
                "shape": shape,
                "chunks": chunk,
                "dtype": v2_name(dtype).ok_or_else(unsupported)?,
                "compressor": compressor,
                "fill_value": zero_fill(dtype),
                "order": "C",
                "filters": null,
                "dimension_separator": ".",
            })
        }
    })
}

/// The format version of an array's metadata document.
pub(crate) fn format_of(doc: &Value) -> ZarrFormat {
    if doc.get("zarr_format").and_then(Value::as_u64) == Some(2) {
        ZarrFormat::V2
    } else {
        ZarrFormat::V3
    }
}

/// tessera chunks of an existing array of `shape` (regular grids only; a
/// sharded array's chunks are its shards).
pub(crate) fn chunks_of(path: &str, doc: &Value, shape: &[usize]) -> Result<Chunks> {
    let chunk = match format_of(doc) {
        ZarrFormat::V2 => doc.get("chunks"),
        ZarrFormat::V3 => {
            let grid = doc.get("chunk_grid");
            let name = grid.and_then(|g| g.get("name")).and_then(Value::as_str);
            if name != Some("regular") {
                return Err(Error::Unsupported {
                    path: path.to_string(),
                    reason: format!(
                        "chunk grid {} is not supported; tessera reads Zarr's regular chunk grid",
                        grid.map_or_else(|| "(missing)".to_string(), Value::to_string)
                    ),
                });
            }
            grid.and_then(|g| g.get("configuration"))
                .and_then(|c| c.get("chunk_shape"))
        }
    };
    let chunk: Option<Vec<usize>> = chunk.and_then(Value::as_array).and_then(|a| {
        a.iter()
            .map(|v| v.as_u64().and_then(|n| usize::try_from(n).ok()))
            .collect()
    });
    let chunk = chunk.ok_or_else(|| Error::Backend {
        path: path.to_string(),
        reason: "the array metadata has no valid chunk shape".to_string(),
    })?;
    Ok(Chunks::regular(shape, &chunk)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_chunks_pass_and_irregular_ones_are_refused() {
        let c = Chunks::regular(&[10, 0, 3], &[4, 2, 3]).unwrap();
        assert_eq!(regular_chunk_shape("a", &c).unwrap(), vec![4, 1, 3]);
        let irregular = Chunks::new(vec![vec![2, 3, 2]]).unwrap();
        let err = regular_chunk_shape("a", &irregular).unwrap_err();
        assert!(err.to_string().contains("[2, 3, 2]"), "{err}");
        let last_longer = Chunks::new(vec![vec![2, 3]]).unwrap();
        assert!(regular_chunk_shape("a", &last_longer).is_err());
    }

    #[test]
    fn chunks_from_both_formats() {
        let v2 = json!({"zarr_format": 2, "chunks": [4, 3]});
        assert_eq!(
            chunks_of("a", &v2, &[10, 7]).unwrap(),
            Chunks::regular(&[10, 7], &[4, 3]).unwrap()
        );
        let v3 = json!({"zarr_format": 3, "chunk_grid":
            {"name": "regular", "configuration": {"chunk_shape": [5]}}});
        assert_eq!(
            chunks_of("a", &v3, &[5]).unwrap(),
            Chunks::regular(&[5], &[5]).unwrap()
        );
        let odd = json!({"zarr_format": 3, "chunk_grid": {"name": "rectilinear"}});
        assert!(matches!(
            chunks_of("a", &odd, &[5]),
            Err(Error::Unsupported { .. })
        ));
    }
}

//! Whole-chunk reads and writes that stream a chunk file straight into (or
//! out of) the block's own buffer, for the layout zarr-python and tessera
//! write by default: Zarr v3, little-endian `bytes`, then `zstd` or nothing.
//!
//! Why not zarrs for these: zarrs reads the whole encoded file into memory,
//! decodes it into a second buffer and copies that into the returned vector
//! (a third), and a write copies the block and then compresses into another
//! buffer. For a 128 MiB chunk that is up to 384 MiB besides the block —
//! memory a budgeted run cannot see, and copies that cost time. Streaming
//! through zstd holds only its window. Every other layout (Zarr v2, other
//! codecs, sharding, big-endian, chunks cut by the array's edge, bool and
//! complex elements) still goes through zarrs.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use ndarray::{ArrayD, IxDyn};
use serde_json::Value;
use tessera_chunk_core::{with_block, with_dtype, Block, DType, Element};

use crate::error::{Error, Result};

/// The codec chain of an array whose chunk files tessera streams itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Native {
    /// `bytes` (little-endian) alone: the file is the elements.
    Raw,
    /// `bytes` (little-endian) then `zstd` at this level.
    Zstd { level: i32, checksum: bool },
}

/// The native chain of the array described by `doc` (its `zarr.json`), if it has one.
pub(crate) fn detect(doc: &Value, dtype: DType) -> Option<Native> {
    if !cfg!(target_endian = "little") || !numeric(dtype) {
        return None;
    }
    if doc.get("zarr_format").and_then(Value::as_u64) != Some(3) {
        return None;
    }
    let grid = doc.get("chunk_grid").and_then(|g| g.get("name"));
    if grid.and_then(Value::as_str) != Some("regular") {
        return None;
    }
    let transformers = doc.get("storage_transformers");
    if transformers.is_some_and(|t| t.as_array().is_none_or(|a| !a.is_empty())) {
        return None;
    }
    let codecs = doc.get("codecs")?.as_array()?;
    let (first, rest) = codecs.split_first()?;
    let endian = first
        .get("configuration")
        .and_then(|c| c.get("endian"))
        .and_then(Value::as_str);
    let little = match endian {
        Some(e) => e == "little",
        // Single-byte elements need no endianness.
        None => dtype.itemsize() == 1,
    };
    if first.get("name").and_then(Value::as_str) != Some("bytes") || !little {
        return None;
    }
    match rest {
        [] => Some(Native::Raw),
        [zstd] if zstd.get("name").and_then(Value::as_str) == Some("zstd") => {
            let config = zstd.get("configuration");
            let level = config
                .and_then(|c| c.get("level"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let checksum = config
                .and_then(|c| c.get("checksum"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            Some(Native::Zstd {
                level: i32::try_from(level).ok()?,
                checksum,
            })
        }
        _ => None,
    }
}

/// Element types whose every bit pattern is a value (so raw bytes may fill them).
fn numeric(dtype: DType) -> bool {
    matches!(
        dtype,
        DType::I8
            | DType::I16
            | DType::I32
            | DType::I64
            | DType::U8
            | DType::U16
            | DType::U32
            | DType::U64
            | DType::F16
            | DType::F32
            | DType::F64
    )
}

fn corrupt(path: &str, index: &[usize], reason: String) -> Error {
    Error::CorruptChunk {
        path: path.to_string(),
        index: index.to_vec(),
        reason,
    }
}

fn io_error(op: &str, file: &Path, e: &std::io::Error) -> Error {
    super::errors::io(op, file, e)
}

/// Read the chunk file `file` of shape `shape` into a new block, or `None`
/// when the file does not exist (the caller gives the fill value).
pub(crate) fn read(
    native: Native,
    dtype: DType,
    file: &Path,
    shape: &[usize],
    path: &str,
    index: &[usize],
) -> Result<Option<Block>> {
    let handle = match File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("open chunk", file, &e)),
    };
    with_dtype!(dtype, T => read_typed::<T>(native, handle, file, shape, path, index).map(Some),
        other => Err(unstreamed(path, other)))
}

fn unstreamed(path: &str, dtype: DType) -> Error {
    Error::Unsupported {
        path: path.to_string(),
        reason: format!("no streamed reads of {dtype}"),
    }
}

fn read_typed<T: Element>(
    native: Native,
    handle: File,
    file: &Path,
    shape: &[usize],
    path: &str,
    index: &[usize],
) -> Result<Block> {
    let len: usize = shape.iter().product();
    // Zeroed memory is mapped lazily: pages become resident as they are filled.
    let mut data = vec![T::default(); len];
    // The element types whose memory is their little-endian bytes (what
    // `detect` admits): the file's bytes become the values as they are.
    let bytes = T::le_bytes_mut(&mut data).ok_or_else(|| unstreamed(path, T::DTYPE))?;
    let expected = bytes.len();
    let short = |e: std::io::Error| {
        corrupt(
            path,
            index,
            format!(
                "{}: {e} (a chunk of shape {shape:?} holds {expected} bytes)",
                file.display()
            ),
        )
    };
    match native {
        Native::Raw => {
            let found = handle
                .metadata()
                .map_err(|e| io_error("read chunk", file, &e))?
                .len();
            if found != expected as u64 {
                return Err(corrupt(
                    path,
                    index,
                    format!(
                        "{} holds {found} bytes, but a chunk of shape {shape:?} holds {expected}",
                        file.display()
                    ),
                ));
            }
            let mut handle = handle;
            handle.read_exact(bytes).map_err(short)?;
        }
        Native::Zstd { .. } => {
            let mut decoder = zstd::stream::read::Decoder::new(handle).map_err(short)?;
            decoder.read_exact(bytes).map_err(short)?;
            // More data than the chunk holds is as corrupt as less.
            let mut extra = [0u8; 1];
            if decoder.read(&mut extra).map_err(short)? != 0 {
                return Err(corrupt(
                    path,
                    index,
                    format!(
                        "{} decodes to more than the {expected} bytes of a chunk of shape {shape:?}",
                        file.display()
                    ),
                ));
            }
        }
    }
    let array = ArrayD::from_shape_vec(IxDyn(shape), data)
        .map_err(|e| corrupt(path, index, e.to_string()))?;
    Ok(Block::from_array(array))
}

/// Write `block` (a whole chunk) to `file`: into a temporary file beside it,
/// renamed over it when complete, so a failed write leaves the old chunk (or none).
/// `Ok(false)` when the block is not stored contiguously (the caller uses zarrs).
pub(crate) fn write(native: Native, block: &Block, file: &Path) -> Result<bool> {
    let bytes = with_block!(block, a => a.as_slice().and_then(Element::le_bytes));
    let Some(bytes) = bytes else {
        return Ok(false);
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_error("create directory", dir, &e))?;
    let tmp = temporary(file);
    let written = write_file(native, bytes, &tmp);
    let renamed = written
        .and_then(|()| std::fs::rename(&tmp, file).map_err(|e| io_error("write chunk", file, &e)));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed.map(|()| true)
}

/// A name beside `file` no other writer uses.
fn temporary(file: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = file
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!(".{name}.{}.{n}.partial", std::process::id()))
}

fn write_file(native: Native, bytes: &[u8], tmp: &Path) -> Result<()> {
    let fail = |e: std::io::Error| io_error("write chunk", tmp, &e);
    let handle = File::create(tmp).map_err(fail)?;
    match native {
        Native::Raw => {
            let mut handle = handle;
            handle.write_all(bytes).map_err(fail)
        }
        Native::Zstd { level, checksum } => {
            let mut encoder = zstd::stream::write::Encoder::new(handle, level).map_err(fail)?;
            encoder.include_checksum(checksum).map_err(fail)?;
            // The frame records its size, as one-shot compressors (numcodecs) write it.
            encoder
                .set_pledged_src_size(Some(bytes.len() as u64))
                .map_err(fail)?;
            encoder.write_all(bytes).map_err(fail)?;
            encoder.finish().map_err(fail).map(drop)
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{ArrayD, IxDyn};
    use tessera_chunk_core::{Block, Chunks, DType};
    use zarrs::array::Array;

    use super::Native;
    use crate::zarr::{Compression, WriteOptions, ZarrStore};
    use crate::{ArrayMetadata, ChunkRead, ChunkWrite, Error};

    fn block(shape: &[usize], seed: f64) -> Block {
        let n: usize = shape.iter().product();
        let values: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37 + seed).sin()).collect();
        Block::from_array(ArrayD::from_shape_vec(IxDyn(shape), values).unwrap())
    }

    /// An array of 5 x 11 in chunks of 2 x 4 (so the last row and column of chunks are cut).
    fn store(dir: &std::path::Path, compression: Compression) -> ZarrStore {
        let store =
            ZarrStore::create_with(dir, WriteOptions::default().with_compression(compression))
                .unwrap();
        let meta = ArrayMetadata {
            chunks: Chunks::regular(&[5, 11], &[2, 4]).unwrap(),
            dtype: DType::F64,
        };
        store.create_array("g/x", &meta).unwrap();
        store
    }

    /// Both native chains, each in a fresh store.
    fn each_chain(test: impl Fn(Compression, &std::path::Path, ZarrStore)) {
        for compression in [Compression::None, Compression::Zstd { level: 0 }] {
            let dir = tempfile::tempdir().unwrap();
            let s = store(dir.path(), compression);
            test(compression, dir.path(), s);
        }
    }

    #[test]
    fn streamed_chunks_read_back_through_zarrs_and_back() {
        each_chain(|compression, dir, s| {
            let native = s.array("g/x").unwrap().native;
            assert!(
                matches!(
                    (compression, native),
                    (Compression::None, Some(Native::Raw))
                        | (Compression::Zstd { .. }, Some(Native::Zstd { .. }))
                ),
                "{compression:?}: {native:?}"
            );
            let mut written = Vec::new();
            for (i, j) in [(0, 0), (0, 2), (1, 0), (2, 1)] {
                let shape = s
                    .metadata("g/x")
                    .unwrap()
                    .chunks
                    .block_shape(&[i, j])
                    .unwrap();
                let b = block(&shape, (i * 10 + j) as f64);
                s.write_chunk("g/x", &[i, j], &b).unwrap();
                written.push(((i, j), b));
            }
            // zarrs decodes what was streamed, and tessera reads it (streamed or not) the same.
            let z = Array::open(s.storage.clone(), "/g/x").unwrap();
            for ((i, j), b) in &written {
                let theirs: Vec<f64> = z.retrieve_chunk(&[*i as u64, *j as u64]).unwrap();
                let ours = s.read_chunk("g/x", &[*i, *j]).unwrap();
                assert_eq!(&ours, b);
                let whole = ours.as_array::<f64>().unwrap();
                if whole.shape() == [2, 4] {
                    assert_eq!(whole.iter().copied().collect::<Vec<_>>(), theirs);
                }
            }
            // A chunk zarrs wrote reads back streamed; a missing one is the fill value.
            let mine = block(&[2, 4], 99.0);
            let values: Vec<f64> = mine.as_array::<f64>().unwrap().iter().copied().collect();
            z.store_chunk(&[1, 1], values).unwrap();
            assert_eq!(s.read_chunk("g/x", &[1, 1]).unwrap(), mine);
            let empty = s.read_chunk("g/x", &[0, 1]).unwrap();
            assert_eq!(
                empty,
                Block::from_array(ArrayD::<f64>::zeros(IxDyn(&[2, 4])))
            );
            assert!(dir.join("g/x/c/1/0").is_file());
            // No temporary files remain.
            let partial = walk(dir)
                .into_iter()
                .filter(|p| p.to_string_lossy().ends_with(".partial"))
                .count();
            assert_eq!(partial, 0);
        });
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn damaged_chunk_files_are_corrupt_chunks() {
        each_chain(|compression, dir, s| {
            s.write_chunk("g/x", &[0, 0], &block(&[2, 4], 1.0)).unwrap();
            let file = dir.join("g/x/c/0/0");
            let good = std::fs::read(&file).unwrap();
            let mut longer = good.clone();
            longer.extend_from_slice(&good);
            for bad in [good[..good.len() / 2].to_vec(), longer, b"garbage".to_vec()] {
                std::fs::write(&file, &bad).unwrap();
                let err = s.read_chunk("g/x", &[0, 0]).unwrap_err();
                assert!(
                    matches!(&err, Error::CorruptChunk { index, .. } if index == &vec![0, 0]),
                    "{compression:?}, {} bytes: {err:?}",
                    bad.len()
                );
            }
        });
    }

    #[test]
    fn a_failed_write_leaves_the_old_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), Compression::Zstd { level: 0 });
        let old = block(&[2, 4], 1.0);
        s.write_chunk("g/x", &[0, 0], &old).unwrap();
        // The chunk's directory made unwritable: the new chunk cannot be staged beside it.
        let chunk_dir = dir.path().join("g/x/c/0");
        let mut perms = std::fs::metadata(&chunk_dir).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
        std::fs::set_permissions(&chunk_dir, perms.clone()).unwrap();
        let result = s.write_chunk("g/x", &[0, 0], &block(&[2, 4], 2.0));
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&chunk_dir, perms).unwrap();
        // Root may write anyway; then the new chunk must be whole.
        match result {
            Err(e) => {
                assert!(matches!(e, Error::Io { .. }), "{e:?}");
                assert_eq!(s.read_chunk("g/x", &[0, 0]).unwrap(), old);
            }
            Ok(()) => assert_eq!(s.read_chunk("g/x", &[0, 0]).unwrap(), block(&[2, 4], 2.0)),
        }
        assert_eq!(std::fs::read_dir(&chunk_dir).unwrap().count(), 1);
    }
}

//! `normalize_chunks`: any [`ChunkSpec`] to explicit [`Chunks`], equal to
//! Dask's `normalize_chunks` case for case; and the target chunks of a
//! rechunk, equal to what Dask's `rechunk` computes.

use crate::auto::auto_chunks;
use crate::bytes::{parse_bytes, DEFAULT_CHUNK_LIMIT};
use crate::chunks::Chunks;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::size::{checked_nbytes, checked_size, checked_sum, filled_vec};
use crate::spec::{AxisSpec, ChunkSpec};

/// A chunk item while normalising — the Python values Dask juggles.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// An integer length (`-1` before it is resolved).
    Int(i64),
    /// A float length (Dask's `round_to` can produce these).
    Float(f64),
    /// Python's `None`: the whole axis.
    None,
    /// `"auto"`.
    Auto,
    /// A byte-size string, before it becomes a limit.
    Bytes(String),
    /// Explicit lengths.
    Tuple(Vec<i64>),
}

fn invalid(spec: &ChunkSpec, reason: impl Into<String>) -> Error {
    Error::InvalidChunkSpec {
        spec: spec.to_string(),
        reason: reason.into(),
    }
}

fn item(a: &AxisSpec) -> Item {
    match a {
        AxisSpec::Size(n) => Item::Int(*n),
        AxisSpec::Full => Item::None,
        AxisSpec::Auto => Item::Auto,
        AxisSpec::Bytes(s) => Item::Bytes(s.clone()),
        AxisSpec::Explicit(v) => Item::Tuple(v.clone()),
    }
}

/// Dask's `blockdims_from_blockshape` for one axis of length `d` and chunk `bd`.
pub(crate) fn blockdims_from_blockshape(d: i64, bd: f64) -> Result<Vec<i64>> {
    let bad = |reason: &str| Error::AutoChunking {
        reason: reason.into(),
    };
    if bd.fract() != 0.0 || !bd.is_finite() {
        return Err(bad("chunk lengths must be whole numbers"));
    }
    let bd = bd as i64;
    if d == 0 {
        return Ok(vec![0]);
    }
    if bd == 0 {
        return Err(Error::ZeroChunk {
            axis: 0,
            dim: d as usize,
        });
    }
    if bd < 0 {
        return Err(Error::NegativeChunk { axis: 0, value: bd });
    }
    let mut v = filled_vec(bd, (d / bd) as usize, &[d as usize])?;
    if d % bd != 0 {
        v.push(d % bd);
    }
    Ok(v)
}

/// Turn `spec` into explicit chunks for `shape`, exactly as Dask's
/// `normalize_chunks(chunks, shape, limit, dtype, previous_chunks)`.
///
/// `limit` is the byte limit of one chunk for `"auto"` axes (default 128 MiB),
/// `previous_chunks` the current chunks when rechunking (auto axes then grow
/// or shrink the median previous chunk). `shape: None` is Dask's omitted
/// shape (only explicit chunks work then).
///
/// ```
/// use tessera_chunk_core::{chunks, normalize_chunks, Chunks, DType};
/// let cube = [1000, 1000, 1000];
/// let auto = normalize_chunks(&"auto".into(), Some(&cube), None, Some(DType::F64), None).unwrap();
/// assert_eq!(auto.axis(0), &[255, 255, 255, 235]);
/// let spec = chunks! {0 => -1, 1 => 100, 2 => auto};
/// let re = normalize_chunks(&spec, Some(&cube), None, Some(DType::F64), Some(&auto)).unwrap();
/// assert_eq!(re.chunksize(), vec![1000, 100, 167]);
/// ```
pub fn normalize_chunks(
    spec: &ChunkSpec,
    shape: Option<&[usize]>,
    limit: Option<u64>,
    dtype: Option<DType>,
    previous_chunks: Option<&Chunks>,
) -> Result<Chunks> {
    normalize_chunks_with_default(
        spec,
        shape,
        limit,
        dtype,
        previous_chunks,
        DEFAULT_CHUNK_LIMIT,
    )
}

/// [`normalize_chunks`] with another default for the limit (Dask's
/// `array.chunk-size` config): used only when neither `limit` nor a byte
/// string in `spec` gives one.
pub fn normalize_chunks_with_default(
    spec: &ChunkSpec,
    shape: Option<&[usize]>,
    limit: Option<u64>,
    dtype: Option<DType>,
    previous_chunks: Option<&Chunks>,
    default_limit: u64,
) -> Result<Chunks> {
    let need_shape = || {
        invalid(
            spec,
            "the shape is needed to apply this specification to every axis",
        )
    };
    if let Some(shape) = shape {
        // Before any chunk arithmetic: every later product and sum then fits.
        match dtype {
            Some(dtype) => checked_nbytes(shape, dtype).map(|_| ())?,
            None => checked_size(shape).map(|_| ())?,
        }
    }
    let mut items: Vec<Item> = match spec {
        ChunkSpec::Missing => {
            return Err(invalid(
                spec,
                "chunks cannot be None; use \"auto\", an int, a tuple or a map",
            ))
        }
        ChunkSpec::Uniform(a) => vec![item(a); shape.ok_or_else(need_shape)?.len()],
        ChunkSpec::Map(entries) => {
            let n = shape.ok_or_else(need_shape)?.len();
            // Dask reads axes 0..ndim from the dict; other keys are ignored, the last duplicate wins.
            (0..n as i64)
                .map(|i| {
                    entries
                        .iter()
                        .rev()
                        .find(|(k, _)| *k == i)
                        .map_or(Item::None, |(_, a)| item(a))
                })
                .collect()
        }
        ChunkSpec::PerAxis(v) => v.iter().map(item).collect(),
    };
    let shape_truthy = shape.is_some_and(|s| !s.is_empty());
    if items.is_empty() && shape_truthy && shape.is_some_and(|s| s.iter().all(|&d| d == 0)) {
        items = vec![Item::Tuple(vec![0]); shape.map_or(0, <[usize]>::len)];
    }
    // A 1-d shape with a flat list of numbers means explicit chunks of that axis.
    if shape.is_some_and(|s| s.len() == 1)
        && items.len() > 1
        && items.iter().all(|i| {
            matches!(
                i,
                Item::Int(_) | Item::Float(_) | Item::Auto | Item::Bytes(_)
            )
        })
    {
        let lengths = items
            .iter()
            .map(|i| match i {
                Item::Int(n) if *n >= 0 => Ok(*n),
                _ => Err(invalid(
                    spec,
                    "explicit chunk lengths must be non-negative integers",
                )),
            })
            .collect::<Result<Vec<i64>>>()?;
        items = vec![Item::Tuple(lengths)];
    }
    if let Some(s) = shape.filter(|s| !s.is_empty()) {
        if items.len() != s.len() {
            return Err(Error::RankMismatch {
                what: format!("chunks {spec}"),
                expected: s.len(),
                got: items.len(),
            });
        }
    }
    if items
        .iter()
        .any(|i| matches!(i, Item::None | Item::Int(-1)))
    {
        let s = shape.ok_or_else(need_shape)?;
        // zip() truncates, as in Dask.
        items = items
            .into_iter()
            .zip(s)
            .map(|(i, &d)| {
                if matches!(i, Item::None | Item::Int(-1)) {
                    Item::Int(d as i64)
                } else {
                    i
                }
            })
            .collect();
    }
    let mut limit = limit;
    for i in &mut items {
        if let Item::Bytes(text) = i {
            let parsed = parse_bytes(text)?;
            match limit {
                None => limit = Some(parsed),
                Some(l) if l != parsed => {
                    return Err(invalid(
                        spec,
                        format!("only one byte limit may be given; got {parsed} and {l} bytes"),
                    ))
                }
                Some(_) => {}
            }
            *i = Item::Auto;
        }
    }
    if items.contains(&Item::Auto) {
        let previous = previous_chunks.map(|p| p.axes().to_vec());
        items = auto_chunks(
            items,
            shape,
            Some(limit.unwrap_or(default_limit)),
            dtype,
            previous.as_deref(),
        )?;
    }
    let Some(shape) = shape else {
        // Without a shape only explicit tuples are meaningful.
        let axes = items
            .into_iter()
            .map(|i| match i {
                Item::Tuple(t) => to_lengths(spec, t),
                _ => Err(need_shape()),
            })
            .collect::<Result<Vec<_>>>()?;
        return Chunks::new(axes);
    };
    let all_ints = items.iter().all(|i| matches!(i, Item::Int(_)));
    let mut axes = Vec::with_capacity(shape.len());
    for (axis, (i, &d)) in items.into_iter().zip(shape).enumerate() {
        let lengths = match i {
            Item::Tuple(t) => t,
            Item::Int(n) => {
                blockdims_from_blockshape(d as i64, n as f64).map_err(|e| at_axis(e, axis))?
            }
            Item::Float(f) => {
                blockdims_from_blockshape(d as i64, f).map_err(|e| at_axis(e, axis))?
            }
            other => {
                return Err(invalid(
                    spec,
                    format!("cannot use {other:?} as chunks of axis {axis}"),
                ))
            }
        };
        if lengths.is_empty() {
            return Err(invalid(
                spec,
                "empty chunk tuples are not allowed; write a zero-length axis as (0,)",
            ));
        }
        let lengths = to_lengths(spec, lengths)?;
        let sum = checked_sum(&lengths).ok_or_else(|| Error::SizeOverflow {
            shape: shape.to_vec(),
            what: format!("sum of the chunks {lengths:?} given for axis {axis}"),
        })?;
        if !all_ints && sum != d {
            return Err(Error::ChunksDoNotSumToShape {
                axis,
                chunks: lengths,
                sum,
                dim: d,
            });
        }
        axes.push(lengths);
    }
    Chunks::new(axes)
}

fn at_axis(e: Error, axis: usize) -> Error {
    match e {
        Error::ZeroChunk { dim, .. } => Error::ZeroChunk { axis, dim },
        Error::NegativeChunk { value, .. } => Error::NegativeChunk { axis, value },
        other => other,
    }
}

fn to_lengths(spec: &ChunkSpec, t: Vec<i64>) -> Result<Vec<usize>> {
    t.into_iter()
        .map(|v| {
            usize::try_from(v).map_err(|_| invalid(spec, format!("chunk length {v} is negative")))
        })
        .collect()
}

/// The chunks `x.rechunk(spec, block_size_limit=…, balance=…)` gives in Dask
/// for an array with chunks `old`: map and list specs keep `old`'s chunks on
/// axes they leave out or set to `None`, "auto" axes grow or shrink `old`'s.
///
/// ```
/// use tessera_chunk_core::{chunks, rechunk_chunks, Chunks, DType};
/// let old = Chunks::regular(&[1000, 1000, 1000], &[255, 255, 255]).unwrap();
/// let new = rechunk_chunks(&old, &chunks! {0 => -1, 1 => 100, 2 => auto}, DType::F64, None, false).unwrap();
/// assert_eq!(new.axis(2), &[167, 167, 167, 167, 167, 165]);
/// ```
pub fn rechunk_chunks(
    old: &Chunks,
    spec: &ChunkSpec,
    dtype: DType,
    block_size_limit: Option<u64>,
    balance: bool,
) -> Result<Chunks> {
    rechunk_chunks_with_default(
        old,
        spec,
        dtype,
        block_size_limit,
        balance,
        DEFAULT_CHUNK_LIMIT,
    )
}

/// [`rechunk_chunks`] with another default byte limit for "auto" axes.
pub fn rechunk_chunks_with_default(
    old: &Chunks,
    spec: &ChunkSpec,
    dtype: DType,
    block_size_limit: Option<u64>,
    balance: bool,
    default_limit: u64,
) -> Result<Chunks> {
    let shape = old.shape();
    let ndim = shape.len();
    // Dask returns an all-empty array unchanged, whatever the spec.
    if ndim > 0 && shape.iter().all(|&d| d == 0) {
        return Ok(old.clone());
    }
    let keep = |i: usize| AxisSpec::Explicit(old.axis(i).iter().map(|&v| v as i64).collect());
    let spec = match spec {
        ChunkSpec::Map(entries) => {
            let mut per_axis: Vec<Option<AxisSpec>> = vec![None; ndim];
            for (k, a) in entries {
                let axis = crate::reduce::normalize_axis(*k, ndim)?;
                per_axis[axis] = Some(a.clone());
            }
            ChunkSpec::PerAxis(
                per_axis
                    .into_iter()
                    .enumerate()
                    .map(|(i, a)| match a {
                        None | Some(AxisSpec::Full) => keep(i),
                        Some(a) => a,
                    })
                    .collect(),
            )
        }
        ChunkSpec::PerAxis(items) => ChunkSpec::PerAxis(
            items
                .iter()
                .zip(0..ndim)
                .map(|(a, i)| {
                    if *a == AxisSpec::Full {
                        keep(i)
                    } else {
                        a.clone()
                    }
                })
                .collect(),
        ),
        other => other.clone(),
    };
    let new = normalize_chunks_with_default(
        &spec,
        Some(&shape),
        block_size_limit,
        Some(dtype),
        Some(old),
        default_limit,
    )?;
    if new.ndim() != ndim {
        return Err(Error::RankMismatch {
            what: "rechunk chunks".into(),
            expected: ndim,
            got: new.ndim(),
        });
    }
    if !balance {
        return Ok(new);
    }
    let axes = new
        .axes()
        .iter()
        .map(|a| balance_chunksizes(a))
        .collect::<Result<Vec<_>>>()?;
    Chunks::new(axes)
}

/// Dask's `_balance_chunksizes`: among chunk lengths near the median, the one
/// giving the same number of chunks (one fewer if the last is small) with the
/// most even sizes; the chunks unchanged if there is none.
fn balance_chunksizes(chunks: &[usize]) -> Result<Vec<usize>> {
    let mut sorted = chunks.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let median = match n {
        0 => return Ok(chunks.to_vec()),
        n if n % 2 == 1 => sorted[n / 2] as f64,
        n => (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0,
    };
    let median_len = median as usize;
    let mut n_chunks = n;
    let eps = median_len / 2;
    let (min, max) = (sorted[0], sorted[n - 1]);
    if (min as f64) <= 0.5 * max as f64 {
        n_chunks -= 1;
    }
    let total: usize = chunks.iter().sum();
    let mut best: Option<(usize, Vec<usize>)> = None;
    for chunk_len in median_len - eps..=median_len + eps {
        if chunk_len == 0 {
            return Err(Error::ZeroChunk {
                axis: 0,
                dim: total,
            });
        }
        let mut c = vec![chunk_len; total / chunk_len];
        if !total.is_multiple_of(chunk_len) {
            c.push(total % chunk_len);
        }
        if c.len() != n_chunks {
            continue;
        }
        let spread = c.iter().max().unwrap_or(&0) - c.iter().min().unwrap_or(&0);
        if best.as_ref().is_none_or(|(s, _)| spread < *s) {
            best = Some((spread, c));
        }
    }
    Ok(best.map_or_else(|| chunks.to_vec(), |(_, c)| c))
}

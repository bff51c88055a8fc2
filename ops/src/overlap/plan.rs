//! The geometry of overlapping, per axis: Dask's minimum chunk size, the
//! grown and trimmed chunks, and for each overlapped block the runs of
//! positions it copies from which input blocks (or the boundary constant).

use crate::error::Result;
use crate::overlap::boundary::{invalid, Boundary};
use crate::overlap::overlap_kernel::{Segment, Source};

/// Dask's `ensure_minimum_chunksize`: merge chunks smaller than `size` into
/// their neighbours so every chunk holds at least `size` elements.
///
/// ```
/// use tessera_ops::overlap::ensure_minimum_chunksize;
/// assert_eq!(ensure_minimum_chunksize(10, &[20, 20, 1]).unwrap(), vec![20, 11, 10]);
/// assert_eq!(ensure_minimum_chunksize(3, &[1, 1, 3]).unwrap(), vec![5]);
/// ```
pub fn ensure_minimum_chunksize(size: usize, chunks: &[usize]) -> Result<Vec<usize>> {
    if chunks.iter().all(|&c| size <= c) {
        return Ok(chunks.to_vec());
    }
    let mut output: Vec<usize> = Vec::new();
    let mut new = 0;
    for &c in chunks {
        if c < size {
            if new > size + (size - c) {
                output.push(new - (size - c));
                new = size;
            } else {
                new += c;
            }
        }
        if new >= size {
            output.push(new);
            new = 0;
        }
        if c >= size {
            new += c;
        }
    }
    if new >= size {
        output.push(new);
    } else if let Some(last) = output.last_mut() {
        *last += new;
    } else {
        let total: usize = chunks.iter().sum();
        return Err(invalid(
            "overlap",
            format!(
                "the overlapping depth {size} is larger than the array's axis of length {total}"
            ),
        ));
    }
    Ok(output)
}

/// The overlapped chunks of one axis.
pub(super) fn grown(chunks: &[usize], depth: usize, boundary: Boundary) -> Vec<usize> {
    let n = chunks.len();
    chunks
        .iter()
        .enumerate()
        .map(|(j, &c)| match boundary {
            Boundary::None if n == 1 => c,
            Boundary::None => c + depth * (usize::from(j > 0) + usize::from(j + 1 < n)),
            _ => c + 2 * depth,
        })
        .collect()
}

/// Elements trimmed from the front and back of block `j` of `n` along one axis.
pub(super) fn trim_of(j: usize, n: usize, depth: usize, boundary: Boundary) -> (usize, usize) {
    match boundary {
        Boundary::None => (
            if j == 0 { 0 } else { depth },
            if j + 1 == n { 0 } else { depth },
        ),
        _ => (depth, depth),
    }
}

/// Where a run of output positions comes from: source positions `lo..lo + len`
/// of the whole axis (walked backwards when `reversed`; position `lo`
/// repeated when `repeat`), or the boundary constant (`None`).
#[derive(Clone, Copy)]
struct RunSource {
    lo: usize,
    reversed: bool,
    repeat: bool,
}

/// The source of the `len` positions beyond the start (`before`) or the end of an axis of length `n`.
fn pad_source(boundary: Boundary, n: usize, len: usize, before: bool) -> Option<RunSource> {
    let run = |lo, reversed, repeat| {
        Some(RunSource {
            lo,
            reversed,
            repeat,
        })
    };
    if len == 0 || len > n {
        // Nothing to read (an empty run, skipped by the caller; the depth never exceeds the axis).
        return None;
    }
    match (boundary, before) {
        (Boundary::Reflect, true) => run(0, true, false),
        (Boundary::Reflect, false) => run(n - len, true, false),
        (Boundary::Periodic, true) => run(n - len, false, false),
        (Boundary::Periodic, false) => run(0, false, false),
        (Boundary::Nearest, true) => run(0, false, true),
        (Boundary::Nearest, false) => run(n - 1, false, true),
        (Boundary::None | Boundary::Constant(_), _) => None,
    }
}

/// The segments of block `j` along one axis and the input blocks they read.
pub(super) fn axis_plan(
    chunks: &[usize],
    j: usize,
    depth: usize,
    boundary: Boundary,
) -> (Vec<Segment>, Vec<usize>) {
    let offsets: Vec<usize> = chunks
        .iter()
        .scan(0, |acc, &c| {
            let o = *acc;
            *acc += c;
            Some(o)
        })
        .collect();
    let n: usize = chunks.iter().sum();
    let last = chunks.len().saturating_sub(1);
    let (start, end) = (offsets[j], offsets[j] + chunks[j]);
    // Output positions before the axis start, inside it, and past its end.
    let (before, after) = match boundary {
        Boundary::None if last == 0 => (0, 0),
        Boundary::None => (
            if j == 0 { 0 } else { depth },
            if j == last { 0 } else { depth },
        ),
        _ => (depth, depth),
    };
    let (lo, hi) = (start as i64 - before as i64, (end + after) as i64);
    let pad_lo = usize::try_from(-lo).unwrap_or(0);
    let pad_hi = usize::try_from(hi - n as i64).unwrap_or(0);
    let (mid_lo, mid_hi) = (lo.max(0) as usize, (hi as usize).min(n));
    let inside = RunSource {
        lo: mid_lo,
        reversed: false,
        repeat: false,
    };
    let runs = [
        (0, pad_lo, pad_source(boundary, n, pad_lo, true)),
        (pad_lo, mid_hi - mid_lo, Some(inside)),
        (
            pad_lo + mid_hi - mid_lo,
            pad_hi,
            pad_source(boundary, n, pad_hi, false),
        ),
    ];
    let mut pieces: Vec<Piece> = Vec::new();
    for (out, len, source) in runs {
        if len == 0 {
            continue;
        }
        let Some(r) = source else {
            pieces.push(Piece {
                out,
                len,
                from: None,
            });
            continue;
        };
        let src_len = if r.repeat { 1 } else { len };
        // The run cut at source block boundaries, in output order.
        let mut parts: Vec<BlockRun> = offsets
            .iter()
            .zip(chunks)
            .enumerate()
            .filter_map(|(block, (&o, &c))| {
                let (s, e) = (r.lo.max(o), (r.lo + src_len).min(o + c));
                (s < e).then(|| BlockRun {
                    block,
                    start: s - o,
                    len: e - s,
                    reversed: r.reversed,
                })
            })
            .collect();
        if r.reversed {
            parts.reverse();
        }
        let mut at = out;
        for part in parts {
            let take = if r.repeat { len } else { part.len };
            pieces.push(Piece {
                out: at,
                len: take,
                from: Some(part),
            });
            at += take;
        }
    }
    let mut blocks: Vec<usize> = pieces
        .iter()
        .filter_map(|p| p.from.map(|f| f.block))
        .collect();
    blocks.sort_unstable();
    blocks.dedup();
    let segments = pieces
        .into_iter()
        .map(|p| Segment {
            out: p.out,
            len: p.len,
            source: match p.from {
                Some(f) => Source::Block {
                    dep: blocks.iter().position(|&x| x == f.block).unwrap_or(0),
                    start: f.start,
                    len: f.len,
                    reversed: f.reversed,
                },
                None => Source::Constant,
            },
        })
        .collect();
    (segments, blocks)
}

/// Positions `start..start + len` of source block `block` along one axis.
#[derive(Clone, Copy)]
struct BlockRun {
    block: usize,
    start: usize,
    len: usize,
    reversed: bool,
}

/// Output positions `out..out + len` of one axis, from a source block run or the constant (`None`).
struct Piece {
    out: usize,
    len: usize,
    from: Option<BlockRun>,
}

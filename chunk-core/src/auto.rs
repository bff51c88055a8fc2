//! Dask's `auto_chunks`, ported step for step (including its floating-point
//! arithmetic and its quirks) so that "auto" chunks equal Dask's exactly.

use std::collections::{BTreeMap, BTreeSet};

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::normalize::{blockdims_from_blockshape, Item};

/// Dask's `array.chunk-size-tolerance`.
const CHUNKSIZE_TOLERANCE: f64 = 1.25;

/// A value in Dask's `median_chunks` / `result` dicts.
#[derive(Debug, Clone, PartialEq)]
enum MVal {
    Num(f64),
    Tuple(Vec<i64>),
}

impl MVal {
    fn truthy(&self) -> bool {
        match self {
            MVal::Num(v) => *v != 0.0,
            MVal::Tuple(t) => !t.is_empty(),
        }
    }

    fn size(&self) -> f64 {
        match self {
            MVal::Num(v) => *v,
            MVal::Tuple(t) => t.iter().copied().max().unwrap_or(0) as f64,
        }
    }
}

fn auto_error(reason: impl Into<String>) -> Error {
    Error::AutoChunking {
        reason: reason.into(),
    }
}

/// Python's float floor division `c // s` for positive operands.
fn floordiv(c: f64, s: f64) -> f64 {
    let m = c % s;
    let div = (c - m) / s;
    let floor = div.floor();
    if div - floor > 0.5 {
        floor + 1.0
    } else {
        floor
    }
}

/// Dask's `round_to`: `max(1, int(c))` when `c <= s`, else the largest multiple of `s` below `c`.
fn round_to(c: f64, s: i64) -> Item {
    if c <= s as f64 {
        Item::Int((c.trunc() as i64).max(1))
    } else {
        Item::Float(floordiv(c, s as f64) * s as f64)
    }
}

/// `np.median` of integers.
fn median(v: &[i64]) -> f64 {
    let mut s: Vec<i64> = v.to_vec();
    s.sort_unstable();
    match s.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => s[n / 2] as f64,
        n => (s[n / 2 - 1] as f64 + s[n / 2] as f64) / 2.0,
    }
}

fn compute_multiplier(
    limit: f64,
    itemsize: f64,
    largest_block: f64,
    medians: &BTreeMap<usize, MVal>,
) -> Result<f64> {
    let denom: f64 = medians
        .values()
        .filter(|v| v.truthy())
        .map(MVal::size)
        .product();
    if largest_block == 0.0 || denom == 0.0 {
        return Err(auto_error(
            "a fixed chunk length of 0 leaves no room to size the automatic axes",
        ));
    }
    Ok(limit / itemsize / largest_block / denom)
}

/// Dask's `auto_chunks`: replace the `Auto` items of `chunks`.
pub(crate) fn auto_chunks(
    mut chunks: Vec<Item>,
    shape: Option<&[usize]>,
    limit: Option<u64>,
    dtype: Option<DType>,
    previous: Option<&[Vec<usize>]>,
) -> Result<Vec<Item>> {
    let shape = shape
        .ok_or_else(|| auto_error("the shape must be known to choose chunks automatically"))?;
    let shape: Vec<i64> = shape.iter().map(|&s| s as i64).collect();
    // Single previous chunks are re-expanded over the axis, as Dask does.
    let previous: Option<Vec<Vec<i64>>> = match previous {
        Some(p) => Some(
            p.iter()
                .zip(&shape)
                .map(|(c, &s)| match c.as_slice() {
                    [one] => blockdims_from_blockshape(s, *one as f64),
                    many => Ok(many.iter().map(|&v| v as i64).collect()),
                })
                .collect::<Result<_>>()?,
        ),
        None => None,
    };
    let mut autos: BTreeSet<usize> = chunks
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == Item::Auto)
        .map(|(i, _)| i)
        .collect();
    if autos.is_empty() {
        return Ok(chunks);
    }
    let dtype = dtype
        .ok_or_else(|| auto_error("the dtype must be known to choose chunks automatically"))?;
    if dtype == DType::Object {
        return Err(Error::UnsupportedDType {
            dtype,
            reason:
                "automatic chunking cannot estimate the size of object data; give chunks explicitly"
                    .into(),
        });
    }
    let limit = limit.unwrap_or(crate::bytes::DEFAULT_CHUNK_LIMIT).max(1) as f64;
    let itemsize = dtype.itemsize() as f64;
    let mut largest_block: f64 = 1.0;
    for c in chunks.iter().filter(|c| **c != Item::Auto) {
        largest_block *= match c {
            Item::Int(v) => *v as f64,
            Item::Float(v) => *v,
            Item::Tuple(t) => {
                t.iter()
                    .copied()
                    .max()
                    .ok_or_else(|| auto_error("an empty chunk tuple"))? as f64
            }
            other => return Err(auto_error(format!("cannot size around {other:?}"))),
        };
    }
    let axis_len = |a: usize| {
        shape
            .get(a)
            .copied()
            .ok_or_else(|| auto_error(format!("axis {a} is beyond the shape")))
    };

    let Some(previous) = previous.filter(|p| !p.is_empty()) else {
        let size = (limit / itemsize / largest_block).powf(1.0 / autos.len() as f64);
        if !size.is_finite() {
            return Err(auto_error(
                "a fixed chunk length of 0 leaves no room to size the automatic axes",
            ));
        }
        let mut small = Vec::new();
        for &i in &autos {
            if (axis_len(i)? as f64) < size {
                small.push(i);
            }
        }
        if !small.is_empty() {
            for i in small {
                chunks[i] = Item::Tuple(vec![axis_len(i)?]);
            }
            return auto_chunks(
                chunks,
                Some(&shape.iter().map(|&s| s as usize).collect::<Vec<_>>()),
                Some(limit as u64),
                Some(dtype),
                None,
            );
        }
        for &i in &autos {
            chunks[i] = round_to(size, axis_len(i)?);
        }
        return Ok(chunks);
    };
    let prev = |a: usize| {
        previous
            .get(a)
            .ok_or_else(|| auto_error(format!("previous chunks have no axis {a}")))
    };

    let mut medians: BTreeMap<usize, MVal> = BTreeMap::new();
    for &a in &autos {
        medians.insert(a, MVal::Num(median(prev(a)?)));
    }
    let mut multiplier = compute_multiplier(limit, itemsize, largest_block, &medians)?;
    // Dask binds `result = median_chunks` (the same dict) when shrinking.
    let aliased = multiplier < 1.0;
    let mut result: BTreeMap<usize, MVal> = BTreeMap::new();
    let mut ideal_shape = Vec::with_capacity(shape.len());
    for (i, &s) in shape.iter().enumerate() {
        let p = prev(i)?;
        // The most frequent previous chunk, the first seen on ties.
        let mut counts: Vec<(i64, usize)> = Vec::new();
        for &c in p {
            match counts.iter_mut().find(|(v, _)| *v == c) {
                Some(e) => e.1 += 1,
                None => counts.push((c, 1)),
            }
        }
        let (mode, count) = counts.iter().fold(
            (0, 0),
            |best, &(v, n)| if n > best.1 { (v, n) } else { best },
        );
        ideal_shape.push(if mode > 1 && count as f64 >= p.len() as f64 / 2.0 {
            mode
        } else {
            s
        });
    }

    let reduce_case = multiplier < 1.0;
    let mut remaining = true;
    let mut rounds = 0;
    while remaining {
        rounds += 1;
        if rounds > 10_000 {
            return Err(auto_error("the automatic chunk search did not settle"));
        }
        let n_autos = autos.len() as f64;
        remaining = false;
        for a in autos.clone() {
            let this_multiplier = multiplier.powf(1.0 / n_autos);
            let med = medians.get(&a).map_or(f64::NAN, MVal::size);
            let proposed = med * this_multiplier;
            let max_chunk_size = proposed * CHUNKSIZE_TOLERANCE.powf(1.0 / n_autos);
            let s = axis_len(a)?;
            let set = |result: &mut BTreeMap<usize, MVal>,
                       medians: &mut BTreeMap<usize, MVal>,
                       v: MVal| {
                if aliased {
                    medians.insert(a, v.clone());
                }
                result.insert(a, v);
            };
            if proposed > s as f64 {
                chunks[a] = Item::Int(s);
                autos.remove(&a);
                medians.remove(&a);
                if aliased {
                    result.remove(&a);
                }
                remaining = true;
                largest_block *= s as f64;
                set(&mut result, &mut medians, MVal::Tuple(vec![s]));
                continue;
            }
            let prev_max = prev(a)?.iter().copied().max().unwrap_or(0) as f64;
            if reduce_case || prev_max > max_chunk_size {
                let v = match round_to(proposed, ideal_shape[a]) {
                    Item::Int(i) => MVal::Num(i as f64),
                    Item::Float(f) => MVal::Num(f),
                    _ => MVal::Num(proposed),
                };
                set(&mut result, &mut medians, v);
                if proposed < 1.0 {
                    remaining = true;
                    autos.remove(&a);
                }
                continue;
            }
            let mut dimension_result = Vec::new();
            let mut new_chunk: i64 = 0;
            for &c in prev(a)? {
                if (c + new_chunk) as f64 <= proposed {
                    new_chunk += c;
                } else {
                    if new_chunk > 0 {
                        dimension_result.push(new_chunk);
                    }
                    new_chunk = c;
                }
            }
            if new_chunk > 0 {
                dimension_result.push(new_chunk);
            }
            set(&mut result, &mut medians, MVal::Tuple(dimension_result));
        }
        if remaining || reduce_case {
            let last = multiplier;
            multiplier = compute_multiplier(limit, itemsize, largest_block, &medians)?;
            if multiplier != last {
                remaining = true;
            }
        }
    }
    for (k, v) in result {
        chunks[k] = match v {
            MVal::Num(f) if f == f.trunc() && f.abs() < 9e15 => Item::Int(f as i64),
            MVal::Num(f) => Item::Float(f),
            MVal::Tuple(t) if t.is_empty() => Item::Int(0),
            MVal::Tuple(t) => Item::Tuple(t),
        };
    }
    Ok(chunks)
}

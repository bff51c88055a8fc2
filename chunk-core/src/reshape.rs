//! Geometry of `x.reshape(shape)` exactly as Dask plans it
//! (`dask/array/reshape.py`: `reshape` and `reshape_rechunk`): the array is
//! first rechunked so that input block `k` (C order) holds exactly the
//! elements of output block `k`, then every block is reshaped on its own.
//!
//! The port keeps Dask's Python details where they change answers: float
//! division in `expand_tuple` and the ceilings, and Python's negative
//! indexing when one side's axes run out before the other's (size-1 axes).

use crate::chunks::{Chunks, Shape};
use crate::error::{Error, Result};

/// How to reshape: rechunk the array to `input`, then input block `k` (C
/// order) reshaped to output block `k`'s shape is output block `k`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReshapePlan {
    /// Chunks to rechunk the array to before reshaping blocks.
    pub input: Chunks,
    /// Chunks of the result.
    pub output: Chunks,
}

impl ReshapePlan {
    /// For output block `out_block`: the input block (of `input`) that becomes it.
    pub fn source_block(&self, out_block: &[usize]) -> Result<Vec<usize>> {
        self.output.check_block(out_block)?;
        let mut k = self.output.linear_index(out_block);
        let grid = self.input.numblocks();
        let mut block = vec![0; grid.len()];
        for (b, &n) in block.iter_mut().zip(&grid).rev() {
            *b = k % n.max(1);
            k /= n.max(1);
        }
        Ok(block)
    }
}

/// The shape `target` stands for, for an array of shape `shape`: one `-1`
/// takes the remaining length (as NumPy and Dask); the element count must match.
pub fn reshape_shape(shape: &[usize], target: &[i64]) -> Result<Shape> {
    let bad = |reason: String| Error::InvalidShape {
        from: shape.to_vec(),
        to: target.to_vec(),
        reason,
    };
    if target.iter().filter(|&&d| d == -1).count() > 1 {
        return Err(bad(
            "only one length may be -1; give the others explicitly".into()
        ));
    }
    if let Some(d) = target.iter().find(|&&d| d < -1) {
        return Err(bad(format!(
            "length {d} is negative; lengths must be >= 0, or one -1 for the rest"
        )));
    }
    let overflow = || bad("the lengths multiply past what memory can address".into());
    let size = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or_else(overflow)?;
    let known = target
        .iter()
        .filter(|&&d| d >= 0)
        .try_fold(1usize, |a, &d| a.checked_mul(d as usize))
        .ok_or_else(overflow)?;
    let missing = if target.contains(&-1) {
        if known == 0 || !size.is_multiple_of(known) {
            return Err(bad(format!(
                "the other lengths multiply to {known}, which does not divide the {size} elements, so -1 has no length"
            )));
        }
        size / known
    } else {
        if known != size {
            return Err(bad(format!(
                "the lengths multiply to {known}, but the array has {size} elements; the new shape must keep the element count"
            )));
        }
        0
    };
    Ok(target
        .iter()
        .map(|&d| if d == -1 { missing } else { d as usize })
        .collect())
}

/// Plan `x.reshape(target)` as Dask does: `-1` inference, the same shape
/// (nothing to do), one block (reshaped whole), else [`reshape_rechunk`].
///
/// Dask leaves zero-length blocks on non-empty axes in some plans; tessera's
/// chunks cannot hold them, so they are dropped from input and output alike
/// (the block pairing is unchanged: a zero block pairs with a zero block).
///
/// ```
/// use tessera_chunk_core::{reshape_plan, Chunks};
/// let c = Chunks::regular(&[24], &[5]).unwrap();
/// let p = reshape_plan(&c, &[4, -1]).unwrap();
/// assert_eq!(p.input.axes(), &[vec![3; 8]]);
/// assert_eq!(p.output.axes(), &[vec![1, 1, 1, 1], vec![3, 3]]);
/// ```
pub fn reshape_plan(chunks: &Chunks, target: &[i64]) -> Result<ReshapePlan> {
    let same = || ReshapePlan {
        input: chunks.clone(),
        output: chunks.clone(),
    };
    // Dask returns a 1-d array unchanged for reshape(-1) before any check.
    if target == [-1] && chunks.ndim() == 1 {
        return Ok(same());
    }
    let shape = chunks.shape();
    let new_shape = reshape_shape(&shape, target)?;
    if new_shape == shape {
        return Ok(same());
    }
    if chunks.num_blocks() == 1 {
        return Ok(ReshapePlan {
            input: chunks.clone(),
            output: Chunks::single(&new_shape),
        });
    }
    let (rin, rout) = reshape_rechunk(&shape, &new_shape, chunks.axes())?;
    let plan = ReshapePlan {
        input: Chunks::new(drop_empty(rin)).map_err(|_| inconsistent())?,
        output: Chunks::new(drop_empty(rout)).map_err(|_| inconsistent())?,
    };
    check_pairing(&plan, &shape, &new_shape)?;
    Ok(plan)
}

fn unsupported(reason: &str) -> Error {
    Error::Unsupported {
        op: "reshape".into(),
        reason: reason.into(),
    }
}

const UNEVEN: &str = "Dask's reshape only merges or splits neighbouring axes evenly, \
    e.g. (6, 5, 4) -> (30, 4) or (3, 2, 5, 4), not (6, 5, 4) -> (4, 5, 6); \
    reshape in two passes (ravel first) instead";

fn inconsistent() -> Error {
    unsupported(
        "Dask's reshape_rechunk gives no consistent block plan for these shapes; \
         reshape in two passes (ravel first) instead",
    )
}

fn drop_empty(axes: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    axes.into_iter()
        .map(|mut c| {
            if c.iter().sum::<usize>() > 0 {
                c.retain(|&x| x > 0);
            }
            c
        })
        .collect()
}

/// A plan is only usable when its chunks cover both shapes and paired blocks
/// hold the same number of elements; Dask's odd corners are refused otherwise.
fn check_pairing(plan: &ReshapePlan, shape: &[usize], new_shape: &[usize]) -> Result<()> {
    let (input, output) = (&plan.input, &plan.output);
    if input.shape() != shape || output.shape() != new_shape {
        return Err(inconsistent());
    }
    // Dask pairs blocks with `zip`, so for an empty array its plan may have
    // fewer output than input blocks; every block is empty, any pairing holds.
    if prod(shape) == 0 {
        if output.num_blocks() > input.num_blocks() {
            return Err(inconsistent());
        }
        return Ok(());
    }
    let elements = |c: &Chunks, b: &[usize]| c.block_shape(b).map(|s| prod(&s));
    if input.num_blocks() != output.num_blocks() {
        return Err(inconsistent());
    }
    for (bi, bo) in input.blocks().zip(output.blocks()) {
        if elements(input, &bi)? != elements(output, &bo)? {
            return Err(inconsistent());
        }
    }
    Ok(())
}

/// Python's `seq[i]`, negative `i` counting from the end.
fn wrap(len: usize, i: isize) -> Result<usize> {
    let j = if i < 0 { i + len as isize } else { i };
    if j < 0 || j >= len as isize {
        return Err(inconsistent());
    }
    Ok(j as usize)
}

/// Python's `seq[start:stop]`.
fn py_slice<T>(v: &[T], start: isize, stop: isize) -> &[T] {
    let n = v.len() as isize;
    let norm = |i: isize| if i < 0 { (i + n).max(0) } else { i.min(n) };
    let (a, b) = (norm(start), norm(stop));
    if a >= b {
        &[]
    } else {
        &v[a as usize..b as usize]
    }
}

fn prod(v: &[usize]) -> usize {
    v.iter().fold(1usize, |a, &b| a.saturating_mul(b))
}

/// `math.ceil(a / b)` with Python's float division.
fn py_ceil_div(a: usize, b: usize) -> usize {
    (a as f64 / b as f64).ceil() as usize
}

type Axes = Vec<Option<Vec<usize>>>;

/// Per-axis chunk lengths, Dask's tuple of tuples (zero lengths allowed).
type ChunkLists = Vec<Vec<usize>>;

fn get(axes: &Axes, k: usize) -> Result<&Vec<usize>> {
    axes.get(k)
        .and_then(Option::as_ref)
        .ok_or_else(inconsistent)
}

/// Python's `max(chunks)`, which raises on an empty tuple.
fn max_of(c: &[usize]) -> Result<usize> {
    c.iter().copied().max().ok_or_else(inconsistent)
}

/// Dask's `_cal_max_chunk_size`: product of the largest chunk of each axis.
fn max_chunk(axes: &Axes, start: usize, stop: usize) -> Result<usize> {
    (start..=stop).try_fold(1usize, |a, k| Ok(a.saturating_mul(max_of(get(axes, k)?)?)))
}

/// Dask's `_calc_lower_dimension_chunks`: products over the cross product, C order.
fn cross(axes: &Axes, start: usize, stop: usize) -> Result<Vec<usize>> {
    let mut out = vec![1usize];
    for k in start..=stop {
        let axis = get(axes, k)?;
        out = out
            .iter()
            .flat_map(|&o| axis.iter().map(move |&c| o * c))
            .collect();
    }
    Ok(out)
}

/// Dask's `reshape_rechunk` (`merge_chunks=True`): the input chunks to
/// rechunk to and the output chunks, before empty blocks are dropped.
///
/// Reshapes that do not merge or split neighbouring axes evenly are
/// [`Error::Unsupported`], as in Dask (NotImplementedError).
pub fn reshape_rechunk(
    inshape: &[usize],
    outshape: &[usize],
    inchunks: &[Vec<usize>],
) -> Result<(ChunkLists, ChunkLists)> {
    let (nin, nout) = (inshape.len(), outshape.len());
    if inchunks.len() != nin {
        return Err(Error::RankMismatch {
            what: "chunks".into(),
            expected: nin,
            got: inchunks.len(),
        });
    }
    let mut rin: Axes = vec![None; nin];
    let mut rout: Axes = vec![None; nout];
    let (mut ii, mut oi) = (nin as isize - 1, nout as isize - 1);
    while ii >= 0 || oi >= 0 {
        // Once one side is used up, Python's negative indices read it from the end.
        let (i, o) = (wrap(nin, ii)?, wrap(nout, oi)?);
        let (din, dout) = (inshape[i], outshape[o]);
        if din == dout {
            rin[i] = Some(inchunks[i].clone());
            rout[o] = Some(inchunks[i].clone());
            ii -= 1;
            oi -= 1;
        } else if din == 1 {
            rin[i] = Some(vec![1]);
            ii -= 1;
        } else if dout == 1 {
            rout[o] = Some(vec![1]);
            oi -= 1;
        } else if ii < 0 || oi < 0 {
            return Err(inconsistent());
        } else if din < dout {
            ii = merge(inshape, inchunks, ii, dout, &mut rin, &mut rout[o])?;
            oi -= 1;
        } else {
            oi = split(outshape, inchunks, i, oi, &mut rin, &mut rout)?;
            ii -= 1;
        }
    }
    let done = |axes: Axes| axes.into_iter().collect::<Option<Vec<_>>>();
    match (done(rin), done(rout)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(inconsistent()),
    }
}

/// Several input axes ending at `ii` become the one output axis of length
/// `dout`; returns the next input axis to look at.
fn merge(
    inshape: &[usize],
    inchunks: &[Vec<usize>],
    ii: isize,
    dout: usize,
    rin: &mut Axes,
    out: &mut Option<Vec<usize>>,
) -> Result<isize> {
    let i = ii as usize;
    let mut ileft = ii - 1;
    while ileft >= 0 && prod(py_slice(inshape, ileft, ii + 1)) < dout {
        ileft -= 1;
    }
    if ileft < 0 || prod(py_slice(inshape, ileft, ii + 1)) != dout {
        return Err(unsupported(UNEVEN));
    }
    let l = ileft as usize;
    // Lower axes already cut into single rows: blocks move as they are.
    if (0..i).all(|k| inchunks[k].len() == inshape[k]) {
        for k in 0..=i {
            rin[k] = Some(inchunks[k].clone());
        }
        let repeat: usize = inchunks[l..i].iter().map(Vec::len).product();
        *out = Some(inchunks[i].repeat(repeat));
        return Ok(ileft - 1);
    }
    for k in l + 1..=i {
        rin[k] = Some(vec![inshape[k]]);
    }
    let reduction: usize = inchunks[l + 1..=i].iter().map(Vec::len).product();
    rin[l] = Some(expand_tuple(&inchunks[l], reduction));
    let max_in = inchunks[l..=i]
        .iter()
        .try_fold(1usize, |a, c| Ok::<_, Error>(a.saturating_mul(max_of(c)?)))?;
    smooth_chunks(l, i, max_in, rin)?;
    *out = Some(cross(rin, l, i)?);
    Ok(ileft - 1)
}

/// The input axis `i` becomes several output axes ending at `oi`; returns the
/// next output axis to look at.
fn split(
    outshape: &[usize],
    inchunks: &[Vec<usize>],
    i: usize,
    oi: isize,
    rin: &mut Axes,
    rout: &mut Axes,
) -> Result<isize> {
    let o = oi as usize;
    let din: usize = inchunks[i].iter().sum();
    let mut oleft = oi - 1;
    while oleft >= 0 && prod(py_slice(outshape, oleft, oi + 1)) < din {
        oleft -= 1;
    }
    if oleft < 0 || prod(py_slice(outshape, oleft, oi + 1)) != din {
        return Err(unsupported(UNEVEN));
    }
    let l = oleft as usize;
    let cs = prod(&outshape[l + 1..=o]);
    if cs == 0 || !din.is_multiple_of(cs) {
        return Err(inconsistent());
    }
    let contracted = contract_tuple(&inchunks[i], cs);
    for k in l + 1..=o {
        rout[k] = Some(vec![outshape[k]]);
    }
    rout[l] = Some(contracted.iter().map(|c| c / cs).collect());
    let max_in = max_of(&inchunks[i])?;
    smooth_chunks(l, o, max_in, rout)?;
    rin[i] = Some(cross(rout, l, o)?);
    Ok(oleft - 1)
}

/// Dask's `expand_tuple`, float arithmetic included so that pieces match.
fn expand_tuple(chunks: &[usize], factor: usize) -> Vec<usize> {
    if factor == 1 {
        return chunks.to_vec();
    }
    let mut out = Vec::new();
    for &c in chunks {
        let mut x = c;
        let part = (c as f64 / factor as f64).max(1.0);
        let step = part as usize;
        while x as f64 >= 2.0 * part {
            out.push(step);
            x -= step;
        }
        if x > 0 {
            out.push(x);
        }
    }
    out
}

/// Dask's `contract_tuple`: chunks that `factor` divides, carrying remainders on.
fn contract_tuple(chunks: &[usize], factor: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut residual = 0;
    for &c in chunks {
        let c = c + residual;
        residual = c % factor;
        let good = c - residual;
        if good > 0 {
            out.push(good);
        }
    }
    out
}

/// Dask's `_smooth_chunks`: split the first axis that is not all ones so
/// that merged chunks stay near the largest input chunk.
fn smooth_chunks(ileft_orig: usize, ii: usize, max_in: usize, r: &mut Axes) -> Result<()> {
    let max_result = max_chunk(r, ileft_orig, ii)?;
    if max_in == max_result {
        return Ok(());
    }
    let mut ileft = ileft_orig;
    while get(r, ileft)?.iter().all(|&x| x == 1) {
        ileft += 1;
    }
    if ileft > ii {
        return Ok(());
    }
    if max_in == 0 {
        return Err(inconsistent());
    }
    let factor = py_ceil_div(max_result, max_in);
    let current = get(r, ileft)?.clone();
    if let [elem] = current[..] {
        let factor = factor.min(elem);
        if factor == 0 {
            return Err(inconsistent());
        }
        let pieces = even_pieces(elem, factor);
        let all_ones = pieces.iter().all(|&x| x == 1);
        r[ileft] = Some(pieces);
        if all_ones && ileft < ii {
            return smooth_chunks(ileft_orig, ii, max_in, r);
        }
    } else {
        let widest = max_of(&current)?;
        if widest == 0 {
            return Err(inconsistent());
        }
        let other_max = max_result / widest;
        let mut result = Vec::new();
        for &elem in &current {
            if elem * other_max <= max_in {
                result.push(elem);
            } else {
                result.extend(even_pieces(elem, py_ceil_div(elem * other_max, max_in)));
            }
        }
        r[ileft] = Some(result);
    }
    Ok(())
}

/// `factor` pieces of `ceil(elem / factor)`, the first ones one shorter so
/// they sum to `elem` (zero-length when `factor > elem`, as in Dask).
fn even_pieces(elem: usize, factor: usize) -> Vec<usize> {
    let ceil_elem = py_ceil_div(elem, factor);
    let mut pieces = vec![ceil_elem; factor];
    for p in pieces.iter_mut().take(ceil_elem * factor - elem) {
        *p = p.saturating_sub(1);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(chunks: &[&[usize]], target: &[i64]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let c = Chunks::new(chunks.iter().map(|a| a.to_vec()).collect()).unwrap();
        let p = reshape_plan(&c, target).unwrap();
        (p.input.into_inner(), p.output.into_inner())
    }

    #[test]
    fn dask_helpers_match_their_doctests() {
        assert_eq!(expand_tuple(&[2, 4], 2), vec![1, 1, 2, 2]);
        assert_eq!(expand_tuple(&[2, 4], 3), vec![1, 1, 1, 1, 2]);
        assert_eq!(expand_tuple(&[3, 4], 2), vec![1, 2, 2, 2]);
        assert_eq!(expand_tuple(&[7, 4], 3), vec![2, 2, 3, 1, 1, 2]);
        assert_eq!(contract_tuple(&[2, 2, 8, 4], 4), vec![4, 8, 4]);
    }

    #[test]
    fn merges_and_splits_like_dask() {
        // (64,) -> (4, 4, 4) with chunks of 16: whole rows of 16.
        let (i, o) = plan(&[&[16, 16, 16, 16]], &[4, 4, 4]);
        assert_eq!(i, vec![vec![16; 4]]);
        assert_eq!(o, vec![vec![1; 4], vec![4], vec![4]]);
        // (4, 4, 4) -> (64,) chunked (2, 2, 2).
        let (i, o) = plan(&[&[2, 2], &[2, 2], &[2, 2]], &[-1]);
        assert_eq!(i, vec![vec![1, 1, 1, 1], vec![2, 2], vec![4]]);
        assert_eq!(o, vec![vec![8; 8]]);
        // Size-1 axes on both sides pass through.
        let (_, o) = plan(&[&[1], &[3, 3]], &[6, 1]);
        assert_eq!(o, vec![vec![3, 3], vec![1]]);
    }

    #[test]
    fn fast_paths() {
        let (i, o) = plan(&[&[3, 3]], &[-1]);
        assert_eq!((i.clone(), o), (i.clone(), i));
        let (_, o) = plan(&[&[6]], &[2, 3]);
        assert_eq!(o, vec![vec![2], vec![3]]);
    }

    #[test]
    fn bad_shapes_are_typed_errors() {
        let c = Chunks::regular(&[6], &[2]).unwrap();
        for t in [&[-1, -1][..], &[-2, 3], &[4, -1], &[7], &[0, -1]] {
            let e = reshape_plan(&c, t).unwrap_err();
            assert!(matches!(e, Error::InvalidShape { .. }), "{t:?}: {e}");
        }
        let c = Chunks::regular(&[6, 5, 4], &[3, 2, 2]).unwrap();
        let e = reshape_plan(&c, &[4, 5, 6]).unwrap_err();
        assert!(matches!(e, Error::Unsupported { .. }), "{e}");
        assert!(e.to_string().contains("two passes"));
    }
}

//! `einsum` as Dask builds it (`dask/array/einsumfuncs.py`): operands are
//! rechunked so output blocks stay near the largest input block (Dask's
//! chunk-size tolerance rule), a blockwise over every index — contracted ones
//! kept as one length-1 block per block combination — runs NumPy's einsum on
//! each block tuple, and a tree sum over the contracted axes finishes it.
//!
//! Dtypes: operands are promoted (NumPy's `result_type`) and the products run
//! in its sum dtype (integers in 64 bits, floats as they are). With indices
//! contracted the result has that sum dtype, as Dask's final `sum` gives;
//! without, it is cast back to the promoted dtype, as Dask's. (Dask multiplies
//! narrow integers at their own width before that sum; tessera at 64 bits, so
//! results differ only where Dask's products overflow.)

use std::sync::Arc;

use tessera_chunk_core::{result_type, sum_dtype, Chunks, DType};

use crate::blockwise::index::{build, show_letter, AdjustChunks, Ind, Spec};
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::linalg::einsum_kernel::EinsumBlock;
use crate::rechunk::layers::rechunk_to;
use crate::reduce::reduce_kernels::ReduceOp;
use crate::reduce::reduction::{reduce, ReduceOptions};

/// Dask's `array.chunk-size-tolerance`.
const CHUNK_SIZE_TOLERANCE: f64 = 1.25;

fn invalid(reason: String) -> Error {
    Error::InvalidArgument {
        op: "einsum".into(),
        reason,
    }
}

/// Parsed subscripts: one letter list per operand and the output letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscripts {
    /// The letters of each operand's axes.
    pub inputs: Vec<Vec<char>>,
    /// The output letters (implicit: the letters used once, sorted).
    pub output: Vec<char>,
}

/// Parse `"ij,jk->ik"` (or implicit `"ij,jk"`) for `ndims.len()` operands of these ranks.
pub fn parse(subscripts: &str, ndims: &[usize]) -> Result<Subscripts> {
    let s: String = subscripts.chars().filter(|c| *c != ' ').collect();
    if let Some(c) = s
        .chars()
        .find(|c| !c.is_ascii_alphabetic() && !",->".contains(*c))
    {
        let hint = if c == '.' {
            "ellipses ('...') are not supported yet; name every axis"
        } else {
            "subscripts are letters a-z and A-Z, ',' between operands and one '->'"
        };
        return Err(invalid(format!(
            "character {c:?} in {subscripts:?} is not a valid subscript; {hint}"
        )));
    }
    let arrows = s.matches("->").count();
    if (s.contains('-') || s.contains('>'))
        && (arrows != 1 || s.matches('-').count() != 1 || s.matches('>').count() != 1)
    {
        return Err(invalid(format!(
            "{subscripts:?} must contain at most one '->', between the inputs and the output"
        )));
    }
    let (ins, out) = match s.split_once("->") {
        Some((i, o)) => (i.to_string(), Some(o.to_string())),
        None => (s.clone(), None),
    };
    if out.as_deref().is_some_and(|o| o.contains(',')) {
        return Err(invalid(format!(
            "the output of {subscripts:?} is one array: no ',' after '->'"
        )));
    }
    let inputs: Vec<Vec<char>> = ins.split(',').map(|t| t.chars().collect()).collect();
    if inputs.len() != ndims.len() {
        return Err(invalid(format!(
            "{subscripts:?} has {} operand terms but {} operands were given; give one term per operand",
            inputs.len(),
            ndims.len()
        )));
    }
    for (k, (term, &nd)) in inputs.iter().zip(ndims).enumerate() {
        if term.len() != nd {
            return Err(invalid(format!(
                "operand {k} has {nd} dimensions but its subscripts {:?} name {}; give one letter per axis",
                term.iter().collect::<String>(),
                term.len()
            )));
        }
    }
    let all: Vec<char> = inputs.iter().flatten().copied().collect();
    let output: Vec<char> = match out {
        Some(o) => o.chars().collect(),
        None => {
            let mut once: Vec<char> = all
                .iter()
                .copied()
                .filter(|c| all.iter().filter(|d| *d == c).count() == 1)
                .collect();
            once.sort_unstable();
            once
        }
    };
    for (k, c) in output.iter().enumerate() {
        if output[..k].contains(c) {
            return Err(invalid(format!(
                "output subscript {c:?} appears more than once in {subscripts:?}"
            )));
        }
        if !all.contains(c) {
            return Err(invalid(format!(
                "output subscript {c:?} in {subscripts:?} does not appear in any operand's subscripts"
            )));
        }
    }
    Ok(Subscripts { inputs, output })
}

/// Dask's `_calculate_new_chunksizes`: split chunks of the `changeable` axes
/// until the largest block is near `maximum` elements.
fn shrink_chunks(input: &[Vec<usize>], changeable: &[usize], maximum: f64) -> Vec<Vec<usize>> {
    let maximum = maximum.max(1.0);
    let mut new: Vec<Vec<usize>> = input.to_vec();
    let mut changeable: Vec<usize> = changeable.to_vec();
    let max_of = |c: &[usize]| c.iter().copied().max().unwrap_or(0);
    // Each round tightens the limit; Dask has no cap, this one only guards against a loop.
    for _ in 0..256 {
        if changeable.is_empty() {
            break;
        }
        let n = changeable.len() as f64;
        let inc = new.iter().map(|c| max_of(c) as f64).product::<f64>() / maximum;
        if inc <= 1.0 {
            break;
        }
        for i in changeable.clone() {
            let limit = max_of(&new[i]) as f64 / inc.powf(1.0 / n);
            let mut sizes = Vec::new();
            for &c in &input[i] {
                if c as f64 > CHUNK_SIZE_TOLERANCE * limit {
                    let factor = ((c as f64 / limit).ceil() as usize).min(c).max(1);
                    let (size, rem) = (c / factor, c % factor);
                    sizes.extend((0..factor).map(|k| size + usize::from(k < rem)));
                } else {
                    sizes.push(c);
                }
            }
            if sizes == new[i] || max_of(&sizes) == 1 {
                changeable.retain(|&j| j != i);
            }
            new[i] = sizes;
        }
    }
    new
}

/// Dask's rechunk of the operands before a multi-operand einsum with an
/// output: keeps output blocks within the tolerance of the largest input block.
fn tolerance_chunks(ops: &[Expr], subs: &Subscripts) -> Result<Vec<Expr>> {
    let contracted = |c: &char| !subs.output.contains(c);
    let max_of = |c: &[usize]| c.iter().copied().max().unwrap_or(0);
    let block_elems = |x: &Expr| {
        x.chunks()
            .axes()
            .iter()
            .map(|c| max_of(c) as f64)
            .product::<f64>()
    };
    let mut largest_input = 1f64;
    let mut per_index: Vec<(char, usize)> = Vec::new();
    for (x, term) in ops.iter().zip(&subs.inputs) {
        largest_input = largest_input.max(block_elems(x));
        let update: Vec<(char, usize)> = term
            .iter()
            .enumerate()
            .filter(|(_, c)| !contracted(c))
            .map(|(ax, c)| {
                let old = per_index
                    .iter()
                    .find(|(d, _)| d == c)
                    .map_or(1, |(_, n)| *n);
                (*c, max_of(x.chunks().axis(ax)).max(old))
            })
            .collect();
        for (c, n) in update {
            match per_index.iter_mut().find(|(d, _)| *d == c) {
                Some(e) => e.1 = n,
                None => per_index.push((c, n)),
            }
        }
    }
    let largest_output: f64 = per_index.iter().map(|(_, n)| *n as f64).product();
    let factor = largest_output / (largest_input * CHUNK_SIZE_TOLERANCE);
    ops.iter()
        .zip(&subs.inputs)
        .map(|(x, term)| {
            let changeable: Vec<usize> = (0..term.len())
                .filter(|&ax| subs.output.contains(&term[ax]))
                .collect();
            let f = factor
                .powf(changeable.len() as f64 / subs.output.len() as f64)
                .max(1.0);
            let axes = shrink_chunks(x.chunks().axes(), &changeable, block_elems(x) / f);
            let target = Chunks::new(axes)?;
            if &target == x.chunks() {
                Ok(x.clone())
            } else {
                rechunk_to(x, target)
            }
        })
        .collect()
}

/// Check every index has one length across all its axes (NumPy's einsum
/// broadcasts length 1 between operands; a repeated index within one operand
/// is a diagonal and needs equal lengths).
fn check_lengths(ops: &[Expr], subs: &Subscripts) -> Result<()> {
    // (letter, length, operand, axis) of every axis.
    let mut seen: Vec<(char, usize, usize, usize)> = Vec::new();
    for (k, (x, term)) in ops.iter().zip(&subs.inputs).enumerate() {
        let shape = x.shape();
        for (ax, &c) in term.iter().enumerate() {
            let len = shape[ax];
            let clash = seen
                .iter()
                .find(|&&(d, l, k0, _)| d == c && l != len && (k0 == k || (l != 1 && len != 1)));
            if let Some(&(_, l, k0, ax0)) = clash {
                let why = if k0 == k {
                    "a repeated index takes a diagonal and needs equal lengths"
                } else {
                    "an index must have one length (or length 1, which broadcasts)"
                };
                return Err(invalid(format!(
                    "index {c:?} has length {l} in operand {k0} (axis {ax0}) but {len} in operand {k} (axis {ax}); {why}"
                )));
            }
            seen.push((c, len, k, ax));
        }
    }
    Ok(())
}

/// `einsum(subscripts, *operands)` with Dask's graph and chunks; `split_every`
/// bounds the fan-in of the sum over contracted blocks (default 4).
pub fn einsum(subscripts: &str, operands: &[Expr], split_every: Option<usize>) -> Result<Expr> {
    if operands.is_empty() {
        return Err(invalid(
            "no operands given; einsum needs at least one".into(),
        ));
    }
    let ndims: Vec<usize> = operands.iter().map(Expr::ndim).collect();
    let subs = parse(subscripts, &ndims)?;
    check_lengths(operands, &subs)?;
    let promoted = operands
        .iter()
        .skip(1)
        .fold(operands[0].dtype(), |d, x| result_type(d, x.dtype()));
    if !matches!(promoted.kind(), 'b' | 'i' | 'u' | 'f') {
        return Err(invalid(format!(
            "{promoted} operands are not supported; cast to a real or integer dtype"
        )));
    }
    // float16 products run in float32 and each block rounds once, as NumPy's float16 loops.
    let work = match sum_dtype(promoted) {
        DType::F16 => DType::F32,
        d => d,
    };
    // Blocks are cast inside the kernel, so the graph has Dask's layers.
    let mut ops = operands.to_vec();
    if ops.len() > 1 && !subs.output.is_empty() {
        ops = tolerance_chunks(&ops, &subs)?;
    }
    let mut contracted: Vec<char> = Vec::new();
    for &c in subs.inputs.iter().flatten() {
        if !subs.output.contains(&c) && !contracted.contains(&c) {
            contracted.push(c);
        }
    }
    let out: Vec<Ind> = subs
        .output
        .iter()
        .chain(&contracted)
        .map(|&c| c as Ind)
        .collect();
    let spec = Spec {
        op: "einsum",
        out,
        inputs: ops
            .iter()
            .zip(&subs.inputs)
            .map(|(x, t)| (x.clone(), t.iter().map(|&c| c as Ind).collect()))
            .collect(),
        new_axes: Vec::new(),
        adjust: contracted
            .iter()
            .map(|&c| (c as Ind, AdjustChunks::Each(1)))
            .collect(),
        concatenate: true,
        show: show_letter,
    };
    let kernel = EinsumBlock {
        inputs: subs.inputs.iter().map(|t| t.iter().collect()).collect(),
        output: subs.output.iter().collect(),
        extra: contracted.len(),
        work,
        out: if contracted.is_empty() {
            promoted
        } else {
            sum_dtype(promoted)
        },
    };
    let products = build(&spec, Arc::new(kernel.clone()), kernel.out, "einsum")?;
    if contracted.is_empty() {
        return Ok(products);
    }
    let n = subs.output.len();
    let opts = ReduceOptions {
        axes: Some((n..n + contracted.len()).map(|ax| ax as i64).collect()),
        keepdims: false,
        split_every,
    };
    reduce(&products, ReduceOp::Sum, &opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_output_is_the_sorted_letters_used_once() {
        let s = parse("ij,jk", &[2, 2]).unwrap();
        assert_eq!(s.output, vec!['i', 'k']);
        assert_eq!(parse("ba", &[2]).unwrap().output, vec!['a', 'b']);
        assert_eq!(parse("i,i", &[1, 1]).unwrap().output, Vec::<char>::new());
        assert_eq!(parse(" i j -> j i ", &[2]).unwrap().output, vec!['j', 'i']);
    }

    #[test]
    fn bad_subscripts_say_what_is_wrong() {
        let e = |s: &str, nd: &[usize]| parse(s, nd).unwrap_err().to_string();
        assert!(e("ij,jk->ik", &[2]).contains("2 operand terms but 1"));
        assert!(e("ijk->i", &[2]).contains("operand 0 has 2 dimensions"));
        assert!(e("ij->ii", &[2]).contains("more than once"));
        assert!(e("ij->k", &[2]).contains("'k'"));
        assert!(e("ij->j->i", &[2]).contains("one '->'"));
        assert!(e("i-j", &[2]).contains("one '->'"));
        assert!(e("i1", &[2]).contains("'1'"));
        assert!(e("...i", &[2]).contains("ellipses"));
    }

    #[test]
    fn shrinking_follows_dask() {
        // Values from Dask's _calculate_new_chunksizes.
        let got = shrink_chunks(&[vec![10, 10], vec![10, 10]], &[0, 1], 25.0);
        assert_eq!(got, vec![vec![5, 5, 5, 5], vec![5, 5, 5, 5]]);
        let same = shrink_chunks(&[vec![4], vec![4]], &[0, 1], 100.0);
        assert_eq!(same, vec![vec![4], vec![4]]);
    }
}

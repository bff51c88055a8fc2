//! `map_blocks` with `drop_axis` / `new_axis` / `chunks`, index-notation
//! `blockwise` and `einsum` against plain ndarray on random shapes and
//! chunkings, on every scheduler; bad input. Dask's own chunks for random
//! cases (`fixtures/blockwise.json`, made by `fixtures/gen_blockwise.py`) run
//! in `cargo xtask fixtures fixtures`.

use std::sync::Arc;

use ndarray::{concatenate, ArrayD, Axis, Ix2, IxDyn, Slice};
use proptest::prelude::*;
use tessera::{
    AdjustChunks, Array, Block, BlockwiseOptions, Chunks, KernelError, MapBlocksOptions, Scheduler,
};

mod common;

tessera::worker_test!();
use common::{
    chunked as array, chunking, in_process_schedulers, schedulers, small_ints as data, split,
};

/// `got` equals `want` on every scheduler; a graph with closure kernels may
/// instead be refused by the processes scheduler, with an error saying so.
fn check(got: &Array<f64>, want: &ArrayD<f64>) -> Result<(), TestCaseError> {
    compare(got, want, true)
}

/// `got` equals `want` on every scheduler, the processes one included.
fn check_travelling(got: &Array<f64>, want: &ArrayD<f64>) -> Result<(), TestCaseError> {
    compare(got, want, false)
}

fn compare(got: &Array<f64>, want: &ArrayD<f64>, closures: bool) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.shape(), want.shape().to_vec());
    for s in schedulers() {
        match got.compute_with(s.as_ref()) {
            Err(e) if closures && s.name() == "processes" => {
                let e = e.to_string();
                prop_assert!(e.contains("cannot travel"), "{}", e);
            }
            result => prop_assert_eq!(&result.unwrap(), want, "{}", s.name()),
        }
    }
    Ok(())
}

fn f64_block(b: &Block) -> Result<ArrayD<f64>, KernelError> {
    Ok(b.as_array::<f64>()?.to_owned())
}

fn matrix(a: ArrayD<f64>) -> ndarray::Array2<f64> {
    a.into_dimensionality::<Ix2>().unwrap()
}

/// Each block of `a` along `axis` followed by a copy of itself.
fn doubled(a: &ArrayD<f64>, axis: usize, chunks: &[usize]) -> ArrayD<f64> {
    let mut parts = Vec::new();
    let mut start = 0;
    for &c in chunks {
        let s = a.slice_axis(Axis(axis), Slice::from(start..start + c));
        parts.push(s.to_owned());
        parts.push(s.to_owned());
        start += c;
    }
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    concatenate(Axis(axis), &views).unwrap()
}

/// NumPy's einsum by brute force: every combination of index values.
fn naive_einsum(sub: &str, ops: &[&ArrayD<f64>]) -> ArrayD<f64> {
    let (ins, out) = match sub.split_once("->") {
        Some((i, o)) => (i, Some(o)),
        None => (sub, None),
    };
    let terms: Vec<Vec<char>> = ins.split(',').map(|t| t.chars().collect()).collect();
    let all: Vec<char> = terms.iter().flatten().copied().collect();
    let out: Vec<char> = match out {
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
    // Each letter's length: the longest of its axes (length 1 broadcasts, as in NumPy).
    let mut letters: Vec<char> = Vec::new();
    let mut lens: Vec<usize> = Vec::new();
    for (t, op) in terms.iter().zip(ops) {
        for (ax, &c) in t.iter().enumerate() {
            let n = op.shape()[ax];
            match letters.iter().position(|l| *l == c) {
                Some(p) if lens[p] == 1 => lens[p] = n,
                Some(_) => {}
                None => {
                    letters.push(c);
                    lens.push(n);
                }
            }
        }
    }
    let pos = |c: &char| letters.iter().position(|l| l == c).unwrap();
    let out_shape: Vec<usize> = out.iter().map(|c| lens[pos(c)]).collect();
    let mut result = ArrayD::<f64>::zeros(IxDyn(&out_shape));
    let total: usize = lens.iter().product();
    for flat in 0..total {
        let mut rest = flat;
        let mut at = vec![0; lens.len()];
        for k in (0..lens.len()).rev() {
            at[k] = rest % lens[k];
            rest /= lens[k];
        }
        let mut prod = 1.0;
        for (t, op) in terms.iter().zip(ops) {
            let idx: Vec<usize> = t
                .iter()
                .enumerate()
                .map(|(ax, c)| if op.shape()[ax] == 1 { 0 } else { at[pos(c)] })
                .collect();
            prod *= op[IxDyn(&idx)];
        }
        let oi: Vec<usize> = out.iter().map(|c| at[pos(c)]).collect();
        result[IxDyn(&oi)] += prod;
    }
    result
}

/// Subscripts for random einsum cases, with the number of operands.
const EINSUM: &[&str] = &[
    "ij,jk->ik",
    "bij,bjk->bik",
    "i,j->ij",
    "i,i->",
    "ij->ji",
    "ij->i",
    "ij,jk",
    "ii->i",
    "ii",
    "ij,ij->ij",
    "ijk,kl->li",
    "i,ij,jk->k",
    "ij,kl->ijkl",
];

/// Shapes of an einsum's operands from one length per letter; where bit
/// `k * 5 + letter` of `ones` is set, operand `k` has length 1 there (it
/// broadcasts), unless the letter repeats within the operand.
fn einsum_shapes(sub: &str, lens: &[usize], ones: u64) -> Vec<Vec<usize>> {
    let ins = sub.split("->").next().unwrap();
    ins.split(',')
        .enumerate()
        .map(|(k, t)| {
            t.chars()
                .map(|c| {
                    let l = "bijkl".find(c).unwrap();
                    let repeated = t.matches(c).count() > 1;
                    if !repeated && ones >> (k * 5 + l) & 1 == 1 {
                        1
                    } else {
                        lens[l]
                    }
                })
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn map_blocks_drop_axis_sums_whole_axes(
        (shape, chunks, pick, negative, seed) in prop::collection::vec(0usize..6, 1..4)
            .prop_flat_map(|s| (Just(s.clone()), chunking(s), any::<u64>(), any::<bool>(), any::<u64>())),
    ) {
        let nd = shape.len();
        // A non-empty subset of the axes, from the bits of `pick`.
        let mut dropped: Vec<usize> = (0..nd).filter(|k| pick >> k & 1 == 1).collect();
        if dropped.is_empty() {
            dropped.push(pick as usize % nd);
        }
        let d = data(&shape, seed);
        let x = array(&d, &chunks);
        let opts = MapBlocksOptions {
            drop_axis: dropped.iter().map(|&a| if negative { a as i64 - nd as i64 } else { a as i64 }).collect(),
            ..Default::default()
        };
        let drop = dropped.clone();
        let y = x.map_blocks_with(move |b| {
            let mut b = b.to_owned();
            for &a in drop.iter().rev() {
                b = b.sum_axis(Axis(a));
            }
            b
        }, &opts).unwrap();
        let mut want = d.clone();
        for &a in dropped.iter().rev() {
            want = want.sum_axis(Axis(a));
        }
        let want_chunks: Vec<Vec<usize>> = (0..nd).filter(|a| !dropped.contains(a)).map(|a| chunks[a].clone()).collect();
        prop_assert_eq!(y.chunks().axes(), want_chunks.as_slice());
        check(&y, &want)?;
    }

    #[test]
    fn map_blocks_new_axis_gets_one_chunk(
        (shape, chunks, at, len, seed) in prop::collection::vec(0usize..6, 1..3)
            .prop_flat_map(|s| { let n = s.len(); (Just(s.clone()), chunking(s), 0..=n, prop::option::of(1usize..4), any::<u64>()) }),
    ) {
        let d = data(&shape, seed);
        let x = array(&d, &chunks);
        let mut out_chunks: Vec<AdjustChunks> = chunks.iter().map(|c| AdjustChunks::Blocks(c.clone())).collect();
        out_chunks.insert(at, AdjustChunks::Each(len.unwrap_or(1)));
        let opts = MapBlocksOptions {
            new_axis: Some(vec![at]),
            chunks: len.map(|_| out_chunks),
            ..Default::default()
        };
        let l = len.unwrap_or(1);
        let grow = move |b: ArrayD<f64>| {
            let b = b.insert_axis(Axis(at));
            let mut shape = b.shape().to_vec();
            shape[at] = l;
            b.broadcast(IxDyn(&shape)).unwrap().to_owned()
        };
        let y = x.map_blocks_with(move |b| grow(b.to_owned()), &opts).unwrap();
        let mut want_chunks = chunks.clone();
        want_chunks.insert(at, vec![l]);
        prop_assert_eq!(y.chunks().axes(), want_chunks.as_slice());
        check(&y, &grow(d))?;
    }

    #[test]
    fn map_blocks_output_chunks_follow_the_kernel(
        (shape, chunks, axis, seed) in prop::collection::vec(1usize..6, 1..3)
            .prop_flat_map(|s| { let n = s.len(); (Just(s.clone()), chunking(s), 0..n, any::<u64>()) }),
    ) {
        let d = data(&shape, seed);
        let x = array(&d, &chunks);
        let mut spec: Vec<AdjustChunks> = chunks.iter().map(|c| AdjustChunks::Blocks(c.clone())).collect();
        spec[axis] = AdjustChunks::Map(Arc::new(|c| 2 * c));
        let opts = MapBlocksOptions { chunks: Some(spec), ..Default::default() };
        let y = x.map_blocks_with(move |b| {
            concatenate(Axis(axis), &[b.view(), b.view()]).unwrap()
        }, &opts).unwrap();
        let want_axis: Vec<usize> = chunks[axis].iter().map(|c| 2 * c).collect();
        prop_assert_eq!(y.chunks().axis(axis), want_axis.as_slice());
        check(&y, &doubled(&d, axis, &chunks[axis]))?;
    }

    #[test]
    fn blockwise_contracts_with_and_without_concatenation(
        ((m, k, n), ca, cb, seed) in (0usize..6, 0usize..6, 0usize..6).prop_flat_map(|(m, k, n)| {
            (Just((m, k, n)), chunking(vec![m, k]), chunking(vec![k, n]), any::<u64>())
        }),
    ) {
        let (da, db) = (data(&[m, k], seed), data(&[k, n], seed ^ 0x77));
        let (a, b) = (array(&da, &ca), array(&db, &cb));
        let want = matrix(da.clone()).dot(&matrix(db.clone())).into_dyn();
        let concat = tessera::blockwise_fn::<f64>(|bl: &[Block]| {
            let [x, y] = bl else { return Err(KernelError::new("two blocks")) };
            Ok(Block::from_array(matrix(f64_block(x)?).dot(&matrix(f64_block(y)?)).into_dyn()))
        }, "ik", &[(&a, "ij"), (&b, "jk")], &BlockwiseOptions::default()).unwrap();
        // Dask's chunks: i from a, k from b.
        prop_assert_eq!(concat.chunks().axes(), &[ca[0].clone(), cb[1].clone()][..]);
        check(&concat, &want)?;
        let opts = BlockwiseOptions { concatenate: false, ..Default::default() };
        let pieces = tessera::blockwise_fn::<f64>(|bl: &[Block]| {
            // The j blocks of a, then the j blocks of b, in order.
            let h = bl.len() / 2;
            let mut acc: Option<ndarray::Array2<f64>> = None;
            for (x, y) in bl[..h].iter().zip(&bl[h..]) {
                let p = matrix(f64_block(x)?).dot(&matrix(f64_block(y)?));
                acc = Some(match acc { Some(s) => s + p, None => p });
            }
            acc.map(|a| Block::from_array(a.into_dyn())).ok_or_else(|| KernelError::new("no blocks"))
        }, "ik", &[(&a, "ij"), (&b, "jk")], &opts).unwrap();
        prop_assert_eq!(pieces.chunks().axes(), &[ca[0].clone(), cb[1].clone()][..]);
        check(&pieces, &want)?;
    }

    #[test]
    fn blockwise_unifies_broadcasts_and_transposes(
        ((m, j, vlen), ca, cv, seed) in (0usize..6, 0usize..6, any::<bool>()).prop_flat_map(|(m, j, one)| {
            let v = if one { 1 } else { j };
            (Just((m, j, v)), chunking(vec![m, j]), chunking(vec![v]), any::<u64>())
        }),
    ) {
        let (da, dv) = (data(&[m, j], seed), data(&[vlen], seed ^ 5));
        let (a, v) = (array(&da, &ca), array(&dv, &cv));
        let add_t = |x: &ArrayD<f64>, y: &ArrayD<f64>| -> ArrayD<f64> {
            let col = y.clone().insert_axis(Axis(1));
            (&x.t() + &col).into_dyn()
        };
        let y = tessera::blockwise_fn::<f64>(move |bl: &[Block]| {
            Ok(Block::from_array(add_t(&f64_block(&bl[0])?, &f64_block(&bl[1])?)))
        }, "ji", &[(&a, "ij"), (&v, "j")], &BlockwiseOptions::default()).unwrap();
        let j_chunks = if vlen == 1 && j != 1 {
            ca[1].clone()
        } else {
            tessera::chunk_core::unify_chunks(&[
                &Chunks::new(vec![ca[1].clone()]).unwrap(),
                &Chunks::new(vec![cv[0].clone()]).unwrap(),
            ]).unwrap().axis(0).to_vec()
        };
        prop_assert_eq!(y.chunks().axes(), &[j_chunks, ca[0].clone()][..]);
        check(&y, &add_t(&da, &dv))?;
    }

    #[test]
    fn blockwise_new_axes_and_adjusted_chunks(
        ((m, n), ca, seed) in (1usize..6, 0usize..6).prop_flat_map(|(m, n)| {
            (Just((m, n)), chunking(vec![m, n]), any::<u64>())
        }),
    ) {
        let d = data(&[m, n], seed);
        let a = array(&d, &ca);
        let opts = BlockwiseOptions {
            new_axes: vec![('z', vec![3])],
            adjust_chunks: vec![('i', AdjustChunks::Each(1))],
            ..Default::default()
        };
        // Each block's first row, repeated along a new middle axis of length 3.
        let first_rows = |x: &ArrayD<f64>| -> ArrayD<f64> {
            let row = x.slice_axis(Axis(0), Slice::from(0..1)).to_owned();
            let s = [1, 3, x.shape()[1]];
            row.insert_axis(Axis(1)).broadcast(IxDyn(&s)).unwrap().to_owned()
        };
        let y = tessera::blockwise_fn::<f64>(move |bl: &[Block]| {
            Ok(Block::from_array(first_rows(&f64_block(&bl[0])?)))
        }, "izj", &[(&a, "ij")], &opts).unwrap();
        prop_assert_eq!(y.chunks().axes(), &[vec![1; ca[0].len()], vec![3], ca[1].clone()][..]);
        let mut parts = Vec::new();
        let mut start = 0;
        for &c in &ca[0] {
            parts.push(first_rows(&d.slice_axis(Axis(0), Slice::from(start..start + c)).to_owned()));
            start += c;
        }
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        check(&y, &concatenate(Axis(0), &views).unwrap())?;
    }

    #[test]
    fn einsum_matches_brute_force(
        (sub, lens, chunk_seed, seed, ones) in (0..EINSUM.len(), prop::collection::vec(0usize..5, 5), any::<u64>(), any::<u64>(), any::<u64>()),
    ) {
        let sub = EINSUM[sub];
        // About one axis in eight has length 1 and broadcasts.
        let ones = ones & (ones >> 1) & (ones >> 2);
        let shapes = einsum_shapes(sub, &lens, ones);
        let datas: Vec<ArrayD<f64>> = shapes.iter().enumerate().map(|(k, s)| data(s, seed ^ k as u64)).collect();
        let mut cs = chunk_seed | 1;
        let arrays: Vec<Array<f64>> = shapes.iter().zip(&datas).map(|(s, d)| {
            let chunks: Vec<Vec<usize>> = s.iter().map(|&len| {
                cs = cs.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                split(len, &[1 + (cs >> 33) as usize % 3, 1 + (cs >> 40) as usize % 4])
            }).collect();
            array(d, &chunks)
        }).collect();
        let ops: Vec<&dyn tessera::Operand> = arrays.iter().map(|a| a as &dyn tessera::Operand).collect();
        let got = tessera::einsum::<f64>(sub, &ops).unwrap();
        let refs: Vec<&ArrayD<f64>> = datas.iter().collect();
        check_travelling(&got, &naive_einsum(sub, &refs))?;
    }
}

fn msg<T>(r: tessera::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

fn first_block(b: &[Block]) -> Result<Block, KernelError> {
    b.first()
        .cloned()
        .ok_or_else(|| KernelError::new("no block"))
}

#[test]
fn bad_blockwise_indices_say_what_is_wrong() {
    let a = tessera::ones::<f64>([4, 6], 2).unwrap();
    let b = tessera::ones::<f64>([5, 3], 2).unwrap();
    let o = BlockwiseOptions::default();
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "ik",
        &[(&a, "ij")],
        &o,
    ));
    assert!(
        e.contains("unknown index 'k'") && e.contains("new axis"),
        "{e}"
    );
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "ii",
        &[(&a, "ij")],
        &o,
    ));
    assert!(e.contains("'i' appears twice in the output"), "{e}");
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "ij",
        &[(&a, "ijk")],
        &o,
    ));
    assert!(
        e.contains("input 0 has 2 dimensions") && e.contains("names 3"),
        "{e}"
    );
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "ik",
        &[(&a, "ij"), (&b, "jk")],
        &o,
    ));
    assert!(
        e.contains("index 'j' has length 6 in input 0 (axis 1) but 5 in input 1 (axis 0)"),
        "{e}"
    );
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "",
        &[(&a, "jj")],
        &o,
    ));
    assert!(e.contains("repeated in input 0 and contracted"), "{e}");
    let adjust = BlockwiseOptions {
        adjust_chunks: vec![('i', AdjustChunks::Blocks(vec![1, 1, 1]))],
        ..Default::default()
    };
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "ij",
        &[(&a, "ij")],
        &adjust,
    ));
    assert!(
        e.contains("has 2 blocks, adjust_chunks specified with 3"),
        "{e}"
    );
    let adjust = BlockwiseOptions {
        adjust_chunks: vec![('q', AdjustChunks::Each(1))],
        ..Default::default()
    };
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "ij",
        &[(&a, "ij")],
        &adjust,
    ));
    assert!(e.contains("adjust_chunks names index 'q'"), "{e}");
    for new_axes in [
        vec![('j', vec![2])],
        vec![('z', vec![])],
        vec![('y', vec![2])],
    ] {
        let opts = BlockwiseOptions {
            new_axes,
            ..Default::default()
        };
        let e = msg(tessera::blockwise_fn::<f64>(
            first_block,
            "ijz",
            &[(&a, "ij")],
            &opts,
        ));
        assert!(e.contains("new axis"), "{e}");
    }
    // The kernel's dtype is the declared one: a mismatch is a compute error, not a panic.
    let y = tessera::blockwise_fn::<i32>(first_block, "ij", &[(&a, "ij")], &o).unwrap();
    assert!(y.compute().is_err());
}

#[test]
fn bad_map_blocks_axes_say_what_is_wrong() {
    let x = tessera::ones::<f64>([4, 6], 2).unwrap();
    let id = |b: ndarray::ArrayViewD<'_, f64>| b.to_owned();
    let opts = |drop: Vec<i64>, new: Option<Vec<usize>>, chunks: Option<Vec<AdjustChunks>>| {
        MapBlocksOptions {
            drop_axis: drop,
            new_axis: new,
            chunks,
        }
    };
    let e = msg(x.map_blocks_with(id, &opts(vec![2], None, None)));
    assert!(
        e.contains("drop_axis 2 is out of range") && e.contains("-2 to 1"),
        "{e}"
    );
    let e = msg(x.map_blocks_with(id, &opts(vec![-3], None, None)));
    assert!(e.contains("drop_axis -3"), "{e}");
    let e = msg(x.map_blocks_with(id, &opts(vec![], Some(vec![3]), None)));
    assert!(
        e.contains("new_axis 3 is out of range") && e.contains("0 to 2"),
        "{e}"
    );
    let e = msg(x.map_blocks_with(id, &opts(vec![], Some(vec![1, 1]), None)));
    assert!(e.contains("given twice"), "{e}");
    let e = msg(x.map_blocks_with(id, &opts(vec![], None, Some(vec![AdjustChunks::Each(1)]))));
    assert!(e.contains("chunks have 1 dimensions; expected 2"), "{e}");
    let map = AdjustChunks::Map(Arc::new(|c| c));
    let e = msg(x.map_blocks_with(
        id,
        &opts(
            vec![],
            Some(vec![0]),
            Some(vec![map, AdjustChunks::Each(2), AdjustChunks::Each(2)]),
        ),
    ));
    assert!(e.contains("new axis 0 must be lengths"), "{e}");
    let empty = AdjustChunks::Blocks(vec![]);
    let e = msg(x.map_blocks_with(
        id,
        &opts(
            vec![],
            Some(vec![2]),
            Some(vec![AdjustChunks::Each(2), AdjustChunks::Each(2), empty]),
        ),
    ));
    assert!(e.contains("new axis 2 has no chunks"), "{e}");
    let e = msg(x.map_blocks_with(
        id,
        &opts(
            vec![],
            None,
            Some(vec![AdjustChunks::Blocks(vec![1]), AdjustChunks::Each(2)]),
        ),
    ));
    assert!(
        e.contains("has 2 blocks, adjust_chunks specified with 1"),
        "{e}"
    );
    // A closure that returns the wrong rank fails the computation with a message.
    let y = x
        .map_blocks_with(|b| b.to_owned(), &opts(vec![1], None, None))
        .unwrap();
    let e = msg(y.compute());
    assert!(
        e.contains("returned a 2-d block") && e.contains("1-d output"),
        "{e}"
    );
    // Dask's implicit leading new axes: more chunks than output axes.
    let z = x
        .map_blocks_with(
            |b| b.to_owned().insert_axis(Axis(0)),
            &opts(
                vec![],
                None,
                Some(vec![
                    AdjustChunks::Each(1),
                    AdjustChunks::Each(2),
                    AdjustChunks::Each(2),
                ]),
            ),
        )
        .unwrap();
    assert_eq!(z.chunks().axes(), &[vec![1], vec![2, 2], vec![2, 2, 2]]);
    assert_eq!(z.compute().unwrap().sum(), 24.0);
}

#[test]
fn bad_einsum_input_says_what_is_wrong() {
    let a = tessera::ones::<f64>([4, 6], 2).unwrap();
    let b = tessera::ones::<f64>([5, 3], 2).unwrap();
    let e = msg(tessera::einsum::<f64>("ij,jk->ik", &[&a]));
    assert!(e.contains("2 operand terms but 1 operands"), "{e}");
    let e = msg(tessera::einsum::<f64>("ij,jk->ik", &[&a, &b]));
    assert!(
        e.contains("index 'j' has length 6 in operand 0 (axis 1) but 5 in operand 1 (axis 0)"),
        "{e}"
    );
    let e = msg(tessera::einsum::<f64>("ijk->i", &[&a]));
    assert!(e.contains("operand 0 has 2 dimensions"), "{e}");
    let e = msg(tessera::einsum::<f64>("ij->q", &[&a]));
    assert!(e.contains("'q'") && e.contains("does not appear"), "{e}");
    let e = msg(tessera::einsum::<f64>("ij->jj", &[&a]));
    assert!(e.contains("more than once"), "{e}");
    let e = msg(tessera::einsum::<f64>("i$->i", &[&a]));
    assert!(e.contains("'$'"), "{e}");
    let e = msg(tessera::einsum::<f64>("...->", &[&a]));
    assert!(e.contains("ellipses"), "{e}");
    let e = msg(tessera::einsum::<f64>("", &[]));
    assert!(e.contains("no operands"), "{e}");
    let e = msg(tessera::einsum::<f32>("ij->i", &[&a]));
    assert!(e.contains("float64") && e.contains("float32"), "{e}");
    let e = msg(tessera::einsum::<f64>("ij->i->j", &[&a]));
    assert!(e.contains("one '->'"), "{e}");
}

#[test]
fn einsum_dtypes_follow_dask() {
    let d = data(&[3, 4], 9);
    let c = Chunks::regular(&[3, 4], &[2, 3]).unwrap();
    let xi = tessera::from_array(d.mapv(|v| v as i32), c.clone()).unwrap();
    let xf = tessera::from_array(d.mapv(|v| v as f32), c).unwrap();
    // Nothing contracted: the operand dtype; contracted: NumPy's sum dtype.
    let t = tessera::einsum::<i32>("ij->ji", &[&xi]).unwrap();
    assert_eq!(t.compute().unwrap(), d.t().mapv(|v| v as i32));
    let s = tessera::einsum::<i64>("ij,ij->", &[&xi, &xi]).unwrap();
    assert_eq!(s.compute_scalar().unwrap(), d.mapv(|v| v * v).sum() as i64);
    let f = tessera::einsum::<f32>("ij,kj->ik", &[&xf, &xf]).unwrap();
    let want = matrix(d.clone())
        .dot(&matrix(d.clone()).t())
        .mapv(|v| v as f32)
        .into_dyn();
    assert_eq!(f.compute().unwrap(), want);
    // Mixed operands promote (int32 with float32 is float64, as NumPy).
    let m = tessera::einsum::<f64>("ij,ij->ij", &[&xi, &xf]).unwrap();
    assert_eq!(m.compute().unwrap(), d.mapv(|v| v * v));
}

#[test]
fn einsum_sums_contracted_blocks_as_a_tree() {
    let a = tessera::ones::<f64>([4, 80], [2, 2]).unwrap();
    let b = tessera::ones::<f64>([80, 3], [2, 3]).unwrap();
    let c = tessera::einsum::<f64>("ij,jk", &[&a, &b]).unwrap();
    assert_eq!(c.chunks().axes(), &[vec![2, 2], vec![3]]);
    let g = c.task_graph().unwrap();
    assert!(g.deps.iter().all(|d| d.len() <= 4));
    for s in schedulers() {
        assert_eq!(
            c.compute_with(s.as_ref()).unwrap(),
            ArrayD::from_elem(IxDyn(&[4, 3]), 80.0)
        );
    }
    // Dask's layers: the products, then sum-partial levels and the aggregate (40 -> 10 -> 3 -> 1).
    let labels: std::collections::BTreeSet<String> = c
        .raw_task_graph()
        .unwrap()
        .tasks
        .iter()
        .map(|t| t.key.layer.split('-').next().unwrap().to_string())
        .collect();
    assert!(
        labels.contains("einsum") && labels.contains("sum"),
        "{labels:?}"
    );
}

#[test]
fn blockwise_without_contraction_fuses() {
    let a = tessera::ones::<f64>([6, 4], [2, 2]).unwrap();
    let y = tessera::blockwise_fn::<f64>(
        |b: &[Block]| Ok(Block::from_array(f64_block(&b[0])?.t().to_owned())),
        "ji",
        &[(&a, "ij")],
        &BlockwiseOptions::default(),
    )
    .unwrap();
    let z = (&y + 1.0).unwrap();
    assert_eq!(z.chunks().axes(), &[vec![2, 2], vec![2, 2, 2]]);
    // One task per block after fusion: the transpose kernel and the addition run together.
    assert_eq!(z.task_graph().unwrap().tasks.len(), 6);
    assert_eq!(z.compute().unwrap(), ArrayD::from_elem(IxDyn(&[4, 6]), 2.0));
}

/// A user kernel that travels: row sums of a block (`map_blocks(..., drop_axis=1)`).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct RowSums {
    scale: f64,
}

impl tessera::Kernel for RowSums {
    fn id(&self) -> &str {
        "test.row_sums"
    }
    fn params(&self) -> tessera::Params {
        tessera::Params::Json(serde_json::to_string(self).unwrap())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let b = f64_block(&inputs[0])?;
        Ok(Block::from_array(
            b.sum_axis(Axis(1)).mapv(|v| v * self.scale),
        ))
    }
}

#[test]
fn registered_kernels_travel() {
    tessera_ops::registry::register_kernel::<RowSums>("test.row_sums");
    // A generated source: from_array's literal blocks stay in-process by design.
    let x = tessera::random::random([7, 9], [3, 4], 3).unwrap();
    let d = x.compute().unwrap();
    let opts = MapBlocksOptions {
        drop_axis: vec![1],
        ..Default::default()
    };
    let y: Array<f64> = x
        .map_blocks_kernel_with(Arc::new(RowSums { scale: 2.0 }), &opts)
        .unwrap();
    let e = tessera::einsum::<f64>("i,i->", &[&y, &y]).unwrap();
    let rows = d.sum_axis(Axis(1)).mapv(|v| v * 2.0);
    let want = rows.mapv(|v| v * v).sum();
    assert!((e.compute_scalar().unwrap() - want).abs() < 1e-12 * want);
    // Every task's kernel survives (id, params) and back.
    for z in [&y, &e] {
        let g = z.task_graph().unwrap();
        let mut travelled = g.clone();
        for t in &mut travelled.tasks {
            t.kernel = tessera_ops::registry::round_trip(&t.kernel).unwrap();
        }
        assert_eq!(
            tessera::SyncScheduler
                .run(&g, &tessera::RunOptions::default())
                .unwrap(),
            tessera::SyncScheduler
                .run(&travelled, &tessera::RunOptions::default())
                .unwrap()
        );
    }
}

/// Without concatenation a task reads, per input, every block along the
/// input's contracted indices in C order of those indices; inputs in order.
#[test]
fn unconcatenated_blocks_come_in_c_order() {
    let d = data(&[2, 4, 6], 11);
    let a = array(&d, &[vec![1, 1], vec![2, 2], vec![3, 3]]);
    let w = tessera::from_array(
        ndarray::arr1(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).into_dyn(),
        Chunks::new(vec![vec![3, 3]]).unwrap(),
    )
    .unwrap();
    let opts = BlockwiseOptions {
        concatenate: false,
        ..Default::default()
    };
    // sum over j, k of a[i, j, k] * w[k], from the blocks as they come.
    let y = tessera::blockwise_fn::<f64>(
        |bl: &[Block]| {
            let (blocks, weights) = bl.split_at(4);
            let mut acc = ArrayD::<f64>::zeros(IxDyn(&[1]));
            for (n, b) in blocks.iter().enumerate() {
                // Block n is (j, k) = (n / 2, n % 2): it pairs with weight block k.
                let wk = f64_block(&weights[n % 2])?;
                let b = f64_block(b)?;
                acc[0] += (&b * &wk).sum();
            }
            Ok(Block::from_array(acc))
        },
        "i",
        &[(&a, "ijk"), (&w, "k")],
        &opts,
    )
    .unwrap();
    let g = y.raw_task_graph().unwrap();
    let task = g
        .tasks
        .iter()
        .find(|t| t.key.layer.starts_with("blockwise") && t.key.index == [1])
        .unwrap();
    let deps: Vec<Vec<usize>> = task.deps.iter().map(|k| k.index.clone()).collect();
    let want_deps: Vec<Vec<usize>> = vec![
        vec![1, 0, 0],
        vec![1, 0, 1],
        vec![1, 1, 0],
        vec![1, 1, 1],
        vec![0],
        vec![1],
    ];
    assert_eq!(deps, want_deps);
    let weights = ndarray::arr1(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let want = ArrayD::from_shape_fn(IxDyn(&[2]), |i| {
        let mut s = 0.0;
        for j in 0..4 {
            for k in 0..6 {
                s += d[[i[0], j, k]] * weights[k];
            }
        }
        s
    });
    // The kernel is a closure: the in-process schedulers run it.
    for s in in_process_schedulers() {
        assert_eq!(y.compute_with(s.as_ref()).unwrap(), want);
    }
}

/// Contracted blocks are joined inside the task, as Dask's `concatenate=True`:
/// one layer, one task per output block (Dask: 3 layers, 4 tasks here).
#[test]
fn contraction_is_one_layer_like_dask() {
    let a = tessera::ones::<f64>([4, 6], 2).unwrap();
    let b = tessera::ones::<f64>([6, 5], [2, 5]).unwrap();
    let c = tessera::blockwise_fn::<f64>(
        |bl: &[Block]| {
            let [x, y] = bl else {
                return Err(KernelError::new("two blocks"));
            };
            Ok(Block::from_array(
                matrix(f64_block(x)?).dot(&matrix(f64_block(y)?)).into_dyn(),
            ))
        },
        "ik",
        &[(&a, "ij"), (&b, "jk")],
        &BlockwiseOptions::default(),
    )
    .unwrap();
    assert_eq!(c.num_layers(), 3);
    assert_eq!(c.summary().count_text, "2 chunks in 3 graph layers");
    let g = c.raw_task_graph().unwrap();
    let own: Vec<_> = g
        .tasks
        .iter()
        .filter(|t| t.key.layer.starts_with("blockwise"))
        .collect();
    assert_eq!(own.len(), 2);
    assert!(own.iter().all(|t| t.deps.len() == 6));
    assert_eq!(c.compute().unwrap(), ArrayD::from_elem(IxDyn(&[4, 5]), 6.0));
    let rows = a
        .map_blocks_with(
            |b| b.sum_axis(Axis(1)),
            &MapBlocksOptions {
                drop_axis: vec![1],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(rows.summary().count_text, "2 chunks in 2 graph layers");
    assert_eq!(rows.compute().unwrap(), ArrayD::from_elem(IxDyn(&[4]), 6.0));
}

/// A small deterministic generator for random index patterns.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any index pattern: with NumPy's einsum of the (concatenated) blocks as
    /// the kernel, blockwise must equal einsum of the whole arrays, because
    /// each task sees whole contracted axes and matching output blocks.
    #[test]
    fn blockwise_with_an_einsum_kernel_matches_brute_force(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let pool = ['i', 'j', 'k', 'l'];
        let lens: Vec<usize> = (0..4).map(|_| rng.below(5)).collect();
        let n_in = 1 + rng.below(3);
        let mut terms: Vec<String> = Vec::new();
        let mut datas = Vec::new();
        let mut arrays = Vec::new();
        for k in 0..n_in {
            let mut letters: Vec<char> = pool.to_vec();
            for a in (1..letters.len()).rev() {
                letters.swap(a, rng.below(a + 1));
            }
            letters.truncate(1 + rng.below(3));
            let shape: Vec<usize> = letters
                .iter()
                .map(|c| if rng.below(8) == 0 { 1 } else { lens[pool.iter().position(|p| p == c).unwrap()] })
                .collect();
            let chunks: Vec<Vec<usize>> = shape.iter().map(|&d| split(d, &[1 + rng.below(3), 1 + rng.below(2)])).collect();
            let d = data(&shape, seed ^ k as u64);
            arrays.push(array(&d, &chunks));
            datas.push(d);
            terms.push(letters.into_iter().collect());
        }
        let mut used: Vec<char> = Vec::new();
        for t in &terms {
            for c in t.chars() {
                if !used.contains(&c) {
                    used.push(c);
                }
            }
        }
        let mut out: Vec<char> = used.iter().copied().filter(|_| rng.below(3) > 0).collect();
        for a in (1..out.len()).rev() {
            out.swap(a, rng.below(a + 1));
        }
        let out: String = out.into_iter().collect();
        let kernel = tessera_ops::kernels::einsum::EinsumBlock {
            inputs: terms.clone(),
            output: out.clone(),
            extra: 0,
            work: tessera::DType::F64,
            out: tessera::DType::F64,
        };
        let inputs: Vec<(&dyn tessera::Operand, &str)> = arrays
            .iter()
            .zip(&terms)
            .map(|(a, t)| (a as &dyn tessera::Operand, t.as_str()))
            .collect();
        let y = tessera::blockwise::<f64>(Arc::new(kernel), &out, &inputs, &BlockwiseOptions::default()).unwrap();
        let sub = format!("{}->{out}", terms.join(","));
        let refs: Vec<&ArrayD<f64>> = datas.iter().collect();
        check_travelling(&y, &naive_einsum(&sub, &refs))?;
    }
}

//! `map_blocks` with `drop_axis` / `new_axis` / `chunks`, index-notation
//! `blockwise` and `einsum` against plain ndarray on random shapes and
//! chunkings, on every scheduler; Dask's own chunks for random cases
//! (`fixtures/blockwise.json`, made by `fixtures/gen_blockwise.py`); bad input.

use std::sync::Arc;

use ndarray::{concatenate, ArrayD, Axis, Ix2, IxDyn, Slice};
use proptest::prelude::*;
use serde_json::Value;
use tessera::{AdjustChunks, Array, Block, BlockwiseOptions, Chunks, KernelError, MapBlocksOptions};

mod common;
use common::{schedulers, split};

/// A random chunking of every axis of `shape`.
fn chunking(shape: Vec<usize>) -> impl Strategy<Value = Vec<Vec<usize>>> {
    shape
        .into_iter()
        .map(|d| prop::collection::vec(1usize..4, d.max(1)).prop_map(move |cuts| split(d, &cuts)))
        .collect::<Vec<_>>()
}

/// Small integers as floats, so every sum is exact whatever the order.
fn data(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let mut state = seed | 1;
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 19) as f64 - 9.0
    })
}

fn array(d: &ArrayD<f64>, chunks: &[Vec<usize>]) -> Array<f64> {
    tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap()).unwrap()
}

fn check(got: &Array<f64>, want: &ArrayD<f64>) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.shape(), want.shape().to_vec());
    for s in schedulers() {
        prop_assert_eq!(&got.compute_with(s.as_ref()).unwrap(), want, "{}", s.name());
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
    let mut letters: Vec<char> = Vec::new();
    let mut lens: Vec<usize> = Vec::new();
    for (t, op) in terms.iter().zip(ops) {
        for (ax, &c) in t.iter().enumerate() {
            if !letters.contains(&c) {
                letters.push(c);
                lens.push(op.shape()[ax]);
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
            let idx: Vec<usize> = t.iter().map(|c| at[pos(c)]).collect();
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

/// Shapes of an einsum's operands from one length per letter.
fn einsum_shapes(sub: &str, lens: &[usize]) -> Vec<Vec<usize>> {
    let ins = sub.split("->").next().unwrap();
    ins.split(',')
        .map(|t| {
            t.chars()
                .map(|c| lens["bijkl".find(c).unwrap()])
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
        let g = grow.clone();
        let y = x.map_blocks_with(move |b| g(b.to_owned()), &opts).unwrap();
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
        (sub, lens, chunk_seed, seed) in (0..EINSUM.len(), prop::collection::vec(0usize..5, 5), any::<u64>(), any::<u64>()),
    ) {
        let sub = EINSUM[sub];
        let shapes = einsum_shapes(sub, &lens);
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
        check(&got, &naive_einsum(sub, &refs))?;
    }
}

/// Dask's chunks (and, for einsum, dtypes and values) on the recorded random cases.
#[test]
fn dask_fixtures() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/blockwise.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    let mut failed = Vec::new();
    for case in cases {
        let (input, want) = (&case["input"], &case["output"]);
        let got = match input["op"].as_str().unwrap() {
            "map_blocks" => fixture_map_blocks(input),
            "blockwise" => fixture_blockwise(input),
            "einsum" => fixture_einsum(input),
            other => panic!("unknown op {other}"),
        };
        let ok = match (&got, want.get("error")) {
            (Err(_), Some(_)) => true,
            (Ok(v), None) => {
                v["chunks"] == want["chunks"]
                    && want.get("dtype").is_none_or(|d| *d == v["dtype"])
                    && want.get("result").is_none_or(|r| *r == v["result"])
            }
            _ => false,
        };
        if !ok {
            failed.push(format!("{}: got {got:?}, Dask {want}", case["id"]));
        }
    }
    assert!(cases.len() >= 200);
    assert!(failed.is_empty(), "{} of {} failed:\n{}", failed.len(), cases.len(), failed.join("\n"));
}

fn chunks_of(v: &Value) -> Chunks {
    serde_json::from_value(v.clone()).unwrap()
}

/// The generator's data for operand `k`: `(arange * (k + 1)) % 7 - 3`.
fn fixture_operand(chunks: Chunks, k: usize) -> ArrayD<f64> {
    let shape = chunks.shape();
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(&shape), (0..n).map(|i| ((i * (k + 1)) % 7) as f64 - 3.0).collect())
        .unwrap()
}

fn adjust_of(v: &Value) -> AdjustChunks {
    match v {
        Value::Array(a) => AdjustChunks::Blocks(a.iter().map(|x| x.as_u64().unwrap() as usize).collect()),
        // Left unfilled by the generator in cases Dask refuses for another reason.
        Value::Null => AdjustChunks::Each(1),
        x => AdjustChunks::Each(x.as_u64().unwrap() as usize),
    }
}

fn fixture_map_blocks(input: &Value) -> Result<Value, tessera::Error> {
    let chunks = chunks_of(&input["chunks"]);
    let x = tessera::from_array(fixture_operand(chunks.clone(), 0), chunks)?;
    let opts = MapBlocksOptions {
        drop_axis: serde_json::from_value(input["drop_axis"].clone()).unwrap(),
        new_axis: serde_json::from_value(input["new_axis"].clone()).unwrap(),
        chunks: input["out_chunks"].as_array().map(|a| a.iter().map(adjust_of).collect()),
    };
    let y = x.map_blocks_with(|b| b.to_owned(), &opts)?;
    Ok(serde_json::json!({"chunks": y.chunks()}))
}

fn fixture_blockwise(input: &Value) -> Result<Value, tessera::Error> {
    let mut arrays = Vec::new();
    for (k, arg) in input["args"].as_array().unwrap().iter().enumerate() {
        let chunks = chunks_of(&arg[0]);
        arrays.push((tessera::from_array(fixture_operand(chunks.clone(), k), chunks)?, arg[1].as_str().unwrap().to_string()));
    }
    let letter = |k: &String| k.chars().next().unwrap();
    let opts = BlockwiseOptions {
        new_axes: input["new_axes"].as_object().unwrap().iter().map(|(k, v)| {
            (letter(k), match v {
                Value::Array(a) => a.iter().map(|x| x.as_u64().unwrap() as usize).collect(),
                x => vec![x.as_u64().unwrap() as usize],
            })
        }).collect(),
        adjust_chunks: input["adjust_chunks"].as_object().unwrap().iter().map(|(k, v)| (letter(k), adjust_of(v))).collect(),
        concatenate: true,
    };
    let inputs: Vec<(&dyn tessera::Operand, &str)> = arrays.iter().map(|(a, i)| (a as &dyn tessera::Operand, i.as_str())).collect();
    let y = tessera::blockwise_fn::<f64>(|b: &[Block]| Ok(b[0].clone()), input["out"].as_str().unwrap(), &inputs, &opts)?;
    Ok(serde_json::json!({"chunks": y.chunks()}))
}

fn fixture_einsum(input: &Value) -> Result<Value, tessera::Error> {
    let mut arrays: Vec<tessera::DynArray> = Vec::new();
    for (k, arg) in input["args"].as_array().unwrap().iter().enumerate() {
        let chunks = chunks_of(&arg[0]);
        let d = fixture_operand(chunks.clone(), k);
        let x = tessera::from_array(d, chunks)?;
        arrays.push(match arg[1].as_str().unwrap() {
            "float64" => tessera::DynArray::from_expr(x.expr().clone()),
            "int32" => tessera::DynArray::from_expr(x.astype::<i32>()?.expr().clone()),
            "int64" => tessera::DynArray::from_expr(x.astype::<i64>()?.expr().clone()),
            other => panic!("dtype {other}"),
        });
    }
    let ops: Vec<&dyn tessera::Operand> = arrays.iter().map(|a| a as &dyn tessera::Operand).collect();
    let sub = input["subscripts"].as_str().unwrap();
    let y = tessera_ops::einsum::einsum(sub, &ops.iter().map(|o| o.operand().clone()).collect::<Vec<_>>(), None)?;
    let y = tessera::DynArray::from_expr(y);
    let values: Value = match y.dtype() {
        tessera::DType::F64 => serde_json::json!(y.typed::<f64>()?.compute()?.iter().collect::<Vec<_>>()),
        tessera::DType::I64 => serde_json::json!(y.typed::<i64>()?.compute()?.iter().collect::<Vec<_>>()),
        tessera::DType::I32 => serde_json::json!(y.typed::<i32>()?.compute()?.iter().collect::<Vec<_>>()),
        other => panic!("result dtype {other}"),
    };
    Ok(serde_json::json!({"chunks": y.chunks(), "dtype": y.dtype().to_string(), "result": values}))
}

//! `einsum` against NumPy's einsum by brute force on random subscripts,
//! shapes (with broadcasting length-1 axes) and chunkings, on every
//! scheduler; its dtypes and its tree of partial sums, as Dask's.

use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Chunks, Compute};

mod blockwise_kit;
mod common;

tessera::worker_test!();
use blockwise_kit::{check_travelling, matrix, naive_einsum};
use common::{chunked as array, schedulers, small_ints as data, split};

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
        let got = tessera::einsum::<f64>(sub, &ops);
        let refs: Vec<&ArrayD<f64>> = datas.iter().collect();
        check_travelling(&got, &naive_einsum(sub, &refs))?;
    }
}

#[test]
fn einsum_dtypes_follow_dask() {
    let d = data(&[3, 4], 9);
    let c = Chunks::regular(&[3, 4], &[2, 3]).unwrap();
    let xi = tessera::from_array(d.mapv(|v| v as i32), c.clone());
    let xf = tessera::from_array(d.mapv(|v| v as f32), c);
    // Nothing contracted: the operand dtype; contracted: NumPy's sum dtype.
    let t = tessera::einsum::<i32>("ij->ji", &[&xi]);
    assert_eq!(t.compute().unwrap(), d.t().mapv(|v| v as i32));
    let s = tessera::einsum::<i64>("ij,ij->", &[&xi, &xi]);
    assert_eq!(s.compute_scalar().unwrap(), d.mapv(|v| v * v).sum() as i64);
    let f = tessera::einsum::<f32>("ij,kj->ik", &[&xf, &xf]);
    let want = matrix(d.clone())
        .dot(&matrix(d.clone()).t())
        .mapv(|v| v as f32)
        .into_dyn();
    assert_eq!(f.compute().unwrap(), want);
    // Mixed operands promote (int32 with float32 is float64, as NumPy).
    let m = tessera::einsum::<f64>("ij,ij->ij", &[&xi, &xf]);
    assert_eq!(m.compute().unwrap(), d.mapv(|v| v * v));
}

#[test]
fn einsum_sums_contracted_blocks_as_a_tree() {
    let a = tessera::ones::<f64>([4, 80], [2, 2]);
    let b = tessera::ones::<f64>([80, 3], [2, 3]);
    let c = tessera::einsum::<f64>("ij,jk", &[&a, &b]);
    assert_eq!(c.chunks().axes(), &[vec![2, 2], vec![3]]);
    let g = c.task_graph().unwrap();
    assert!(g.deps.iter().all(|d| d.len() <= 4));
    for s in schedulers() {
        assert_eq!(
            c.compute_with(&Compute::new().scheduler(s.as_ref()))
                .unwrap(),
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

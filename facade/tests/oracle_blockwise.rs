//! Index-notation `blockwise` against plain ndarray on random shapes and
//! chunkings, on every scheduler: contraction with and without
//! concatenation, broadcasting, transposes, new axes, adjusted chunks, the
//! order of unconcatenated blocks, fusion and Dask's layer count. Dask's own
//! chunks for random cases (`fixtures/blockwise.json`, made by
//! `fixtures/gen_blockwise.py`) run in `cargo xtask fixtures fixtures`.

use std::sync::Arc;

use ndarray::{concatenate, ArrayD, Axis, IxDyn, Slice};
use proptest::prelude::*;
use tessera::{
    AdjustChunks, Block, BlockwiseOptions, Chunks, Compute, KernelError, MapBlocksOptions,
};

mod blockwise_kit;
mod common;

tessera::worker_test!();
use blockwise_kit::{check, check_travelling, f64_block, matrix, naive_einsum};
use common::{chunked as array, chunking, in_process_schedulers, small_ints as data, split};

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

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
        }, "ik", &[(&a, "ij"), (&b, "jk")], &BlockwiseOptions::default());
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
        }, "ik", &[(&a, "ij"), (&b, "jk")], &opts);
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
        }, "ji", &[(&a, "ij"), (&v, "j")], &BlockwiseOptions::default());
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
        }, "izj", &[(&a, "ij")], &opts);
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

}

#[test]
fn blockwise_without_contraction_fuses() {
    let a = tessera::ones::<f64>([6, 4], [2, 2]);
    let y = tessera::blockwise_fn::<f64>(
        |b: &[Block]| Ok(Block::from_array(f64_block(&b[0])?.t().to_owned())),
        "ji",
        &[(&a, "ij")],
        &BlockwiseOptions::default(),
    );
    let z = &y + 1.0;
    assert_eq!(z.chunks().axes(), &[vec![2, 2], vec![2, 2, 2]]);
    // One task per block after fusion: the transpose kernel and the addition run together.
    assert_eq!(z.task_graph().unwrap().tasks.len(), 6);
    assert_eq!(z.compute().unwrap(), ArrayD::from_elem(IxDyn(&[4, 6]), 2.0));
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
    );
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
    );
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
        assert_eq!(
            y.compute_with(&Compute::new().scheduler(s.as_ref()))
                .unwrap(),
            want
        );
    }
}

/// Contracted blocks are joined inside the task, as Dask's `concatenate=True`:
/// one layer, one task per output block (Dask: 3 layers, 4 tasks here).
#[test]
fn contraction_is_one_layer_like_dask() {
    let a = tessera::ones::<f64>([4, 6], 2);
    let b = tessera::ones::<f64>([6, 5], [2, 5]);
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
    );
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
    let rows = a.map_blocks_with(
        |b| b.sum_axis(Axis(1)),
        &MapBlocksOptions {
            drop_axis: vec![1],
            ..Default::default()
        },
    );
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
        let y = tessera::blockwise::<f64>(Arc::new(kernel), &out, &inputs, &BlockwiseOptions::default());
        let sub = format!("{}->{out}", terms.join(","));
        let refs: Vec<&ArrayD<f64>> = datas.iter().collect();
        check_travelling(&y, &naive_einsum(&sub, &refs))?;
    }
}

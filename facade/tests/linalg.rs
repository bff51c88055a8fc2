//! Contractions (`matmul`, `dot`, `tensordot`) against plain ndarray on random
//! shapes and chunkings, on every scheduler; the shape of the graph (a tree
//! sum, unified chunks); bad input. Dask's own chunks and values on random
//! cases are the fixtures `fixtures/linalg.json` (`cargo xtask fixtures fixtures`).

use ndarray::{ArrayD, Ix2, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Chunks, Compute, TensorAxes};

mod common;

tessera::worker_test!();
use common::{chunked as array, chunking, schedulers, small_ints as data};

/// `tensordot` in plain ndarray: permute, reshape to matrices, `dot`, reshape back.
fn oracle(a: &ArrayD<f64>, b: &ArrayD<f64>, left: &[usize], right: &[usize]) -> ArrayD<f64> {
    let free_a: Vec<usize> = (0..a.ndim()).filter(|x| !left.contains(x)).collect();
    let free_b: Vec<usize> = (0..b.ndim()).filter(|x| !right.contains(x)).collect();
    let size = |x: &ArrayD<f64>, axes: &[usize]| axes.iter().map(|&i| x.shape()[i]).product();
    let (m, k, n): (usize, usize, usize) = (size(a, &free_a), size(a, left), size(b, &free_b));
    let pa: Vec<usize> = free_a.iter().chain(left).copied().collect();
    let pb: Vec<usize> = right.iter().chain(&free_b).copied().collect();
    let a2 = a.view().permuted_axes(pa).as_standard_layout().into_owned();
    let b2 = b.view().permuted_axes(pb).as_standard_layout().into_owned();
    let a2 = a2.into_shape_with_order((m, k)).unwrap();
    let b2 = b2.into_shape_with_order((k, n)).unwrap();
    let shape: Vec<usize> = free_a
        .iter()
        .map(|&i| a.shape()[i])
        .chain(free_b.iter().map(|&i| b.shape()[i]))
        .collect();
    a2.dot(&b2).into_shape_with_order(IxDyn(&shape)).unwrap()
}

fn check(got: &Array<f64>, want: &ArrayD<f64>) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.shape(), want.shape().to_vec());
    for s in schedulers() {
        prop_assert_eq!(
            &got.compute_with(&Compute::new().scheduler(s.as_ref()))
                .unwrap(),
            want,
            "{}",
            s.name()
        );
    }
    Ok(())
}

/// A matmul operand pair: shapes (m, k) or (k,), and (k, n) or (k,), lengths 0-6.
fn matmul_case() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    (
        0usize..7,
        0usize..7,
        0usize..7,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(m, k, n, a1, b1)| {
            let a = if a1 { vec![k] } else { vec![m, k] };
            let b = if b1 { vec![k] } else { vec![k, n] };
            (a, b)
        })
}

/// A tensordot case: shapes, and the contracted axis pairs (0 to all of `a`'s axes).
fn tensordot_case() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, Vec<usize>, Vec<usize>)> {
    (
        prop::collection::vec(1usize..5, 1..4),
        prop::collection::vec(1usize..5, 0..3),
        any::<u64>(),
    )
        .prop_map(|(sa, extra_b, pick)| {
            let nc = (pick % (sa.len() as u64 + 1)) as usize;
            // Contract the axes of a in a scrambled order with b's leading-or-trailing axes.
            let mut left: Vec<usize> = (0..sa.len()).collect();
            left.rotate_left((pick >> 8) as usize % sa.len());
            left.truncate(nc);
            let nb = nc + extra_b.len();
            let mut right: Vec<usize> = (0..nb).collect();
            right.rotate_left((pick >> 16) as usize % nb.max(1));
            right.truncate(nc);
            let mut sb = vec![0; nb];
            let mut free = extra_b.iter();
            for (ax, len) in sb.iter_mut().enumerate() {
                *len = match right.iter().position(|&r| r == ax) {
                    Some(k) => sa[left[k]],
                    None => *free.next().unwrap(),
                };
            }
            (sa, sb, left, right)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn matmul_and_dot_match_ndarray(
        ((sa, sb), ca, cb, seed) in matmul_case().prop_flat_map(|(sa, sb)| {
            (Just((sa.clone(), sb.clone())), chunking(sa), chunking(sb), any::<u64>())
        }),
    ) {
        let (da, db) = (data(&sa, seed), data(&sb, seed ^ 0x5555));
        let (x, y) = (array(&da, &ca), array(&db, &cb));
        let left = [sa.len() - 1];
        let want = oracle(&da, &db, &left, &[0]);
        check(&x.matmul(&y), &want)?;
        check(&x.dot(&y), &want)?;
        // Result chunks: a's free axis chunks, then b's (Dask's).
        let got = x.matmul(&y);
        let mut want_chunks: Vec<Vec<usize>> = Vec::new();
        if sa.len() == 2 { want_chunks.push(ca[0].clone()); }
        if sb.len() == 2 { want_chunks.push(cb[1].clone()); }
        prop_assert_eq!(got.chunks().axes(), want_chunks.as_slice());
    }

    #[test]
    fn tensordot_matches_ndarray(
        ((sa, sb, left, right), ca, cb, seed) in tensordot_case().prop_flat_map(|c| {
            (Just(c.clone()), chunking(c.0), chunking(c.1), any::<u64>())
        }),
    ) {
        let (da, db) = (data(&sa, seed), data(&sb, seed ^ 0xaaaa));
        let (x, y) = (array(&da, &ca), array(&db, &cb));
        let axes = TensorAxes::Pairs(
            left.iter().map(|&v| v as i64).collect(),
            right.iter().map(|&v| v as i64 - sb.len() as i64).collect(),
        );
        let z = tessera::tensordot(&x, &y, axes);
        check(&z, &oracle(&da, &db, &left, &right))?;
    }

    #[test]
    fn integer_and_f32_products_are_exact(
        (m, k, n) in (1usize..6, 1usize..9, 1usize..6),
        ck in 1usize..4,
        seed in any::<u64>(),
    ) {
        let da = data(&[m, k], seed);
        let db = data(&[k, n], seed ^ 7);
        let want = oracle(&da, &db, &[1], &[0]);
        let xi = tessera::from_array(da.mapv(|v| v as i32), Chunks::regular(&[m, k], &[2, ck]).unwrap());
        let yi = tessera::from_array(db.mapv(|v| v as i32), Chunks::regular(&[k, n], &[ck + 1, 2]).unwrap());
        let zi: Array<i64> = xi.matmul(&yi);
        prop_assert_eq!(zi.compute().unwrap(), want.mapv(|v| v as i64));
        let xf = tessera::from_array(da.mapv(|v| v as f32), Chunks::regular(&[m, k], &[3, ck]).unwrap());
        let yf = tessera::from_array(db.mapv(|v| v as f32), Chunks::regular(&[k, n], &[ck, 3]).unwrap());
        let zf: Array<f32> = xf.matmul(&yf);
        prop_assert_eq!(zf.compute().unwrap(), want.mapv(|v| v as f32));
    }
}

/// The contracted axis is cut at the union of both operands' boundaries
/// (Dask's `unify_chunks`), and each product block reads exactly one block of each.
#[test]
fn the_contracted_axis_is_unified() {
    let a = tessera::ones::<f64>([4, 10], [2, 5]);
    let b = tessera::ones::<f64>([10, 6], [3, 6]);
    let z = a.matmul(&b);
    let g = z.raw_task_graph().unwrap();
    let products: Vec<_> = g
        .tasks
        .iter()
        .filter(|t| t.key.layer.starts_with("matmul-"))
        .collect();
    // Boundaries 5, 10 and 3, 6, 9, 10 give (3, 2, 1, 3, 1): 5 blocks, 2 row blocks, 1 column block.
    assert_eq!(products.len(), 2 * 5);
    assert!(products.iter().all(|t| t.deps.len() == 2));
    assert_eq!(
        z.compute().unwrap(),
        ArrayD::from_elem(IxDyn(&[4, 6]), 10.0)
    );
}

/// No task of the sum levels reads more than `split_every` (4) partial products.
#[test]
fn partial_products_are_summed_as_a_tree() {
    let a = tessera::ones::<f64>([6, 90], [3, 2]);
    let b = tessera::ones::<f64>([90, 4], [2, 2]);
    let z = a.matmul(&b);
    let g = z.raw_task_graph().unwrap();
    let sum_tasks: Vec<_> = g
        .tasks
        .iter()
        .filter(|t| {
            t.key.layer.starts_with("sum-partial") || t.key.layer.starts_with("sum-aggregate")
        })
        .collect();
    let levels: std::collections::HashSet<_> =
        sum_tasks.iter().map(|t| t.key.layer.clone()).collect();
    // 45 contracted blocks: 45 -> 12 -> 3 -> 1, i.e. two partial levels and the aggregate.
    assert_eq!(levels.len(), 3, "{levels:?}");
    assert!(sum_tasks.iter().all(|t| t.deps.len() <= 4));
    assert!(sum_tasks.iter().any(|t| t.deps.len() == 4));
    // The optimised graph keeps the tree.
    let opt = z.task_graph().unwrap();
    assert!(opt.deps.iter().all(|d| d.len() <= 4));
    let want = ArrayD::from_elem(IxDyn(&[6, 4]), 90.0);
    for s in schedulers() {
        assert_eq!(
            z.compute_with(&Compute::new().scheduler(s.as_ref()))
                .unwrap(),
            want
        );
    }
}

#[test]
fn x_at_x_t_sums_as_the_benchmark_expects() {
    // W6 in miniature: (x @ x.T).sum() for uniform x.
    let x = tessera::random::random([40, 40], [10, 10], 42);
    let s = x.matmul(&x.t()).sum();
    let d = x.compute().unwrap().into_dimensionality::<Ix2>().unwrap();
    let want = d.dot(&d.t()).sum();
    let got = s.compute_scalar().unwrap();
    assert!((got - want).abs() < 1e-9 * want, "{got} vs {want}");
}

#[test]
fn mismatched_shapes_name_both_shapes() {
    let a = tessera::ones::<f64>([3, 4], 2);
    let b = tessera::ones::<f64>([5, 6], 2);
    let msg = a.matmul(&b).check().unwrap_err().root().to_string();
    assert!(msg.contains("[3, 4]") && msg.contains("[5, 6]"), "{msg}");
    assert!(
        msg.contains("axis 1") && msg.contains("length 4") && msg.contains("length 5"),
        "{msg}"
    );
    let msg = a.dot(&b).check().unwrap_err().root().to_string();
    assert!(msg.contains("[3, 4]") && msg.contains("[5, 6]"), "{msg}");
    let msg = tessera::tensordot(&a, &b, ([0], [1]))
        .check()
        .unwrap_err()
        .root()
        .to_string();
    assert!(msg.contains("[3, 4]") && msg.contains("[5, 6]"), "{msg}");
}

#[test]
fn wrong_ranks_and_axes_are_errors() {
    let m = tessera::ones::<f64>([3, 3], 2);
    let cube = tessera::ones::<f64>([3, 3, 3], 2);
    let scalar = m.sum();
    let msg = cube.matmul(&m).check().unwrap_err().root().to_string();
    assert!(
        msg.contains("tensordot") && msg.contains("[3, 3, 3]"),
        "{msg}"
    );
    assert!(m
        .matmul(&scalar)
        .check()
        .unwrap_err()
        .root()
        .to_string()
        .contains("0-d"));
    assert!(scalar
        .dot(&m)
        .check()
        .unwrap_err()
        .root()
        .to_string()
        .contains("0-d"));
    let count = tessera::tensordot(&m, &m, 3)
        .check()
        .unwrap_err()
        .root()
        .to_string();
    assert!(count.contains("3 axes"), "{count}");
    let pairs = tessera::tensordot(&m, &m, (vec![0, 1], vec![0]))
        .check()
        .unwrap_err()
        .root()
        .to_string();
    assert!(pairs.contains("cannot pair"), "{pairs}");
    let twice = tessera::tensordot(&m, &m, ([0, 0], [0, 1]))
        .check()
        .unwrap_err()
        .root()
        .to_string();
    assert!(twice.contains("twice"), "{twice}");
    assert!(tessera::tensordot(&m, &m, ([2], [0])).check().is_err());
    assert!(tessera::tensordot(&m, &m, ([-3], [0])).check().is_err());
}

//! The Array API shape functions (`eye`, `tril`, `triu`, `broadcast_to`,
//! `broadcast_arrays`, `meshgrid`, `repeat`, `tile`, `unstack`,
//! `matrix_transpose`) against direct ndarray computations on random shapes
//! and chunkings with NaN, ±inf and -0.0 among the values, on every
//! scheduler; and Dask's own chunks and values (`fixtures/shape.json`, made
//! by `fixtures/gen_shape.py`) for the ones Dask has.

use ndarray::{ArrayD, Axis, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Chunks, Indexing};

mod common;
mod specials;

tessera::worker_test!();
use common::{chunking, split};
use specials::{array, check, same_bits, specials};

fn norm(axis: i64, ndim: usize) -> usize {
    if axis < 0 {
        (axis + ndim as i64) as usize
    } else {
        axis as usize
    }
}

/// A shape of `lo..=hi` axes (lengths 0–5) with chunks, and a seed.
fn case(lo: usize, hi: usize) -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>, u64)> {
    prop::collection::vec(0usize..6, lo..=hi)
        .prop_flat_map(|shape| (Just(shape.clone()), chunking(shape), any::<u64>()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn eye_equals_a_loop(n in 0usize..9, m in prop::option::of(0usize..9), k in -9i64..9, c in 1usize..5) {
        let y = tessera::eye::<f64>(n, m, k, c);
        let cols = m.unwrap_or(n);
        let want = ArrayD::from_shape_fn(IxDyn(&[n, cols]), |ix| {
            if ix[1] as i64 - ix[0] as i64 == k { 1.0 } else { 0.0 }
        });
        check(&y, &want, same_bits)?;
        // Square chunks of one length, as da.eye.
        if n > 0 {
            let first = c.min(n);
            prop_assert_eq!(y.chunks().axis(0).to_vec(), split(n, &[first]));
            prop_assert_eq!(y.chunks().axis(1).to_vec(), split(cols, &[first]));
        }
    }

    #[test]
    fn tril_triu_equal_a_loop((shape, chunks, seed) in case(2, 4), k in -5i64..5) {
        let d = specials(&shape, seed);
        let x = array(&d, &chunks);
        let nd = shape.len();
        for lower in [true, false] {
            let mut want = d.clone();
            for (ix, v) in want.indexed_iter_mut() {
                let diff = ix[nd - 1] as i64 - ix[nd - 2] as i64;
                if (lower && diff > k) || (!lower && diff < k) {
                    *v = 0.0;
                }
            }
            let y = if lower { x.tril(k) } else { x.triu(k) };
            check(&y, &want, same_bits)?;
        }
    }

    #[test]
    fn broadcast_to_equals_ndarray((shape, chunks, seed) in case(0, 3), lead in prop::collection::vec(0usize..4, 0..3), grow in prop::collection::vec(1usize..4, 3)) {
        let d = specials(&shape, seed);
        let mut target = lead.clone();
        target.extend(shape.iter().zip(&grow).map(|(&s, &g)| if s == 1 { g } else { s }));
        let y = array(&d, &chunks).broadcast_to(target.clone());
        let want = d.broadcast(IxDyn(&target)).unwrap().to_owned();
        check(&y, &want, same_bits)?;
        // Dask's chunks: new axes and stretched ones whole, the rest kept.
        for (j, &t) in target.iter().enumerate() {
            let own = j.checked_sub(lead.len()).map(|k| shape[k]);
            match own {
                Some(s) if s == t && s != 1 => prop_assert_eq!(y.chunks().axis(j), chunks[j - lead.len()].as_slice()),
                _ => prop_assert_eq!(y.chunks().axis(j), &[t][..]),
            }
        }
    }

    #[test]
    fn broadcast_arrays_equal_ndarray((shape, chunks, seed) in case(1, 3), drop in 0usize..3, ones in prop::collection::vec(any::<bool>(), 3), cuts in prop::collection::vec(1usize..4, 3)) {
        let a = specials(&shape, seed);
        let drop = drop.min(shape.len());
        let bshape: Vec<usize> = shape[drop..].iter().zip(&ones).map(|(&s, &o)| if o { 1 } else { s }).collect();
        let bchunks: Vec<Vec<usize>> = bshape.iter().zip(&cuts).map(|(&s, &c)| split(s, &[c])).collect();
        let b = specials(&bshape, seed ^ 7);
        let out = tessera::broadcast_arrays(&[&array(&a, &chunks), &array(&b, &bchunks)]);
        prop_assert_eq!(out.len(), 2);
        prop_assert_eq!(out[0].chunks(), out[1].chunks());
        check(&out[0], &a, same_bits)?;
        check(&out[1], &b.broadcast(IxDyn(&shape)).unwrap().to_owned(), same_bits)?;
    }

    #[test]
    fn meshgrid_equals_a_loop(lens in prop::collection::vec(0usize..5, 1..4), cut in 1usize..3, ij in any::<bool>(), seed in any::<u64>()) {
        let data: Vec<ArrayD<f64>> = lens.iter().enumerate().map(|(i, &l)| specials(&[l], seed + i as u64)).collect();
        let arrays: Vec<Array<f64>> = data.iter().map(|d| array(d, &[split(d.len(), &[cut])])).collect();
        let refs: Vec<&Array<f64>> = arrays.iter().collect();
        let grid = tessera::meshgrid(&refs, if ij { Indexing::Ij } else { Indexing::Xy });
        let mut shape = lens.clone();
        if !ij && shape.len() > 1 {
            shape.swap(0, 1);
        }
        for (i, g) in grid.iter().enumerate() {
            let want = ArrayD::from_shape_fn(IxDyn(&shape), |ix| {
                // Axis of input i in the output: i, except that xy exchanges 0 and 1.
                let at = if !ij && lens.len() > 1 && i < 2 { 1 - i } else { i };
                data[i][[ix[at]]]
            });
            check(g, &want, same_bits)?;
        }
    }

    #[test]
    fn repeat_equals_ndarray((shape, chunks, seed) in case(1, 3), repeats in 0usize..5, axis in -3i64..3, flat in any::<bool>()) {
        let d = specials(&shape, seed);
        let x = array(&d, &chunks);
        let (y, want) = if flat {
            let v: Vec<f64> = d.iter().flat_map(|&e| std::iter::repeat_n(e, repeats)).collect();
            (x.repeat(repeats, None), ArrayD::from_shape_vec(IxDyn(&[v.len()]), v).unwrap())
        } else {
            let axis = axis.rem_euclid(shape.len() as i64) - if axis < 0 { shape.len() as i64 } else { 0 };
            let a = norm(axis, shape.len());
            let picks: Vec<usize> = (0..shape[a]).flat_map(|i| std::iter::repeat_n(i, repeats)).collect();
            (x.repeat(repeats, Some(axis)), d.select(Axis(a), &picks))
        };
        check(&y, &want, same_bits)?;
    }

    #[test]
    fn repeat_counts_equals_ndarray((shape, chunks, seed) in case(1, 3), axis in 0usize..3, counts in prop::collection::vec(0usize..4, 6)) {
        let d = specials(&shape, seed);
        let a = axis % shape.len();
        let counts = &counts[..shape[a]];
        let picks: Vec<usize> = (0..shape[a]).flat_map(|i| std::iter::repeat_n(i, counts[i])).collect();
        let y = array(&d, &chunks).repeat_counts(counts, Some(a as i64));
        check(&y, &d.select(Axis(a), &picks), same_bits)?;
    }

    #[test]
    fn tile_equals_a_loop((shape, chunks, seed) in case(0, 3), reps in prop::collection::vec(0usize..3, 0..4)) {
        let d = specials(&shape, seed);
        let y = array(&d, &chunks).tile(&reps);
        let nd = shape.len().max(reps.len());
        let mut src = vec![1; nd - shape.len()];
        src.extend(&shape);
        let mut r = vec![1; nd - reps.len()];
        r.extend(&reps);
        let out: Vec<usize> = src.iter().zip(&r).map(|(s, r)| s * r).collect();
        let lifted = d.to_shape(IxDyn(&src)).unwrap().to_owned();
        let want = ArrayD::from_shape_fn(IxDyn(&out), |ix| {
            let at: Vec<usize> = (0..nd).map(|k| ix[k] % src[k]).collect();
            lifted[IxDyn(&at)]
        });
        check(&y, &want, same_bits)?;
    }

    #[test]
    fn unstack_and_matrix_transpose_equal_ndarray((shape, chunks, seed) in case(1, 4), axis in -4i64..4) {
        let d = specials(&shape, seed);
        let x = array(&d, &chunks);
        let axis = axis.rem_euclid(shape.len() as i64);
        let parts = x.unstack(axis);
        prop_assert_eq!(parts.len(), shape[axis as usize]);
        for (i, p) in parts.iter().enumerate() {
            check(p, &d.index_axis(Axis(axis as usize), i).to_owned(), same_bits)?;
        }
        if shape.len() >= 2 {
            let mut want = d.clone();
            want.swap_axes(shape.len() - 2, shape.len() - 1);
            check(&x.matrix_transpose(), &want.as_standard_layout().to_owned(), same_bits)?;
        }
    }
}

#[test]
fn tril_of_ints_and_bools_zeroes_with_the_dtypes_zero() {
    let x = tessera::ones::<bool>([3, 4], 2);
    let got = x.triu(1).compute().unwrap();
    assert_eq!(got.iter().filter(|&&b| b).count(), 6);
    let y = tessera::ones::<i32>([2, 3, 3], [1, 2, 2]).tril(-1);
    assert_eq!(y.sum().compute_scalar().unwrap(), 6);
}

/// Dask's chunks and values for every fixture case (`cargo xtask fixtures
/// fixtures` checks the same file; this keeps it in `cargo test`).
#[test]
fn shape_functions_match_dask_fixtures() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/shape.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let usizes = |v: &serde_json::Value| -> Vec<usize> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_u64().unwrap() as usize)
            .collect()
    };
    let chunks_of = |v: &serde_json::Value| -> Vec<Vec<usize>> {
        v.as_array().unwrap().iter().map(usizes).collect()
    };
    let make = |v: &serde_json::Value| -> Array<f64> {
        let shape = usizes(&v["shape"]);
        let n: usize = shape.iter().product();
        let d = ArrayD::from_shape_vec(IxDyn(&shape), (0..n).map(|i| i as f64).collect()).unwrap();
        tessera::from_array(d, Chunks::new(chunks_of(&v["chunks"])).unwrap())
    };
    let mut checked = 0;
    for case in doc["cases"].as_array().unwrap() {
        let input = &case["input"];
        let id = case["id"].as_str().unwrap();
        let out: Vec<Array<f64>> = match input["fn"].as_str().unwrap() {
            "eye" => vec![tessera::eye::<f64>(
                input["n"].as_u64().unwrap() as usize,
                input["m"].as_u64().map(|m| m as usize),
                input["k"].as_i64().unwrap(),
                input["chunks"].as_u64().unwrap() as usize,
            )],
            "tril" => vec![make(input).tril(input["k"].as_i64().unwrap())],
            "triu" => vec![make(input).triu(input["k"].as_i64().unwrap())],
            "broadcast_to" => vec![make(input).broadcast_to(usizes(&input["target"]))],
            "repeat" => vec![make(input).repeat(
                input["repeats"].as_u64().unwrap() as usize,
                input["axis"].as_i64(),
            )],
            "tile" => vec![make(input).tile(&usizes(&input["reps"]))],
            "broadcast_arrays" | "meshgrid" => {
                let arrays: Vec<Array<f64>> = input["arrays"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(make)
                    .collect();
                let refs: Vec<&Array<f64>> = arrays.iter().collect();
                if input["fn"] == "meshgrid" {
                    let ij = input["indexing"] == "ij";
                    tessera::meshgrid(&refs, if ij { Indexing::Ij } else { Indexing::Xy })
                } else {
                    tessera::broadcast_arrays(&refs)
                }
            }
            other => panic!("unknown fixture function {other}"),
        };
        if case.get("error").is_some() {
            // Dask refused (shapes that do not broadcast): so does tessera.
            assert!(out.iter().all(|a| a.check().is_err()), "{id}");
            continue;
        }
        let outputs: Vec<&serde_json::Value> = match &case["output"] {
            serde_json::Value::Array(list) => list.iter().collect(),
            one => vec![one],
        };
        assert_eq!(outputs.len(), out.len(), "{id}");
        for (want, got) in outputs.iter().zip(&out) {
            assert_eq!(
                got.chunks().axes(),
                chunks_of(&want["chunks"]).as_slice(),
                "{id} chunks"
            );
            let values: Vec<f64> = want["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            let computed: Vec<f64> = got.compute().unwrap().iter().copied().collect();
            assert_eq!(computed, values, "{id} values");
            checked += 1;
        }
    }
    assert!(checked > 340, "only {checked} fixture outputs checked");
}

/// A named shape function, for float64 and for `T`.
type SameOp<T> = (
    &'static str,
    fn(&Array<f64>) -> Array<f64>,
    fn(&Array<T>) -> Array<T>,
);

/// Each shape function on an array of dtype `T` equals the same function on
/// float64 values, cast to `T` (the kernels are generic over the element type).
fn same_as_float<T: tessera::Element>() {
    let d = specials(&[3, 5], 42).mapv(|v| if v.is_finite() { v } else { 2.0 });
    let xf = array(&d, &[vec![2, 1], vec![2, 3]]);
    let xt: Array<T> = xf.astype::<T>();
    let ops: Vec<SameOp<T>> = vec![
        ("tril", |x| x.tril(1), |x| x.tril(1)),
        ("triu", |x| x.triu(-1), |x| x.triu(-1)),
        (
            "broadcast_to",
            |x| x.broadcast_to([2, 3, 5]),
            |x| x.broadcast_to([2, 3, 5]),
        ),
        ("repeat", |x| x.repeat(3, Some(1)), |x| x.repeat(3, Some(1))),
        ("tile", |x| x.tile(&[2, 1, 2]), |x| x.tile(&[2, 1, 2])),
        (
            "unstack",
            |x| x.unstack(1)[3].clone(),
            |x| x.unstack(1)[3].clone(),
        ),
        (
            "matrix_transpose",
            |x| x.matrix_transpose(),
            |x| x.matrix_transpose(),
        ),
    ];
    for (name, f, g) in ops {
        let want = f(&xf).astype::<T>().compute().unwrap();
        assert_eq!(g(&xt).compute().unwrap(), want, "{name} of {}", T::DTYPE);
    }
    let e = tessera::eye::<T>(4, Some(6), -1, 3).compute().unwrap();
    assert_eq!(
        e,
        tessera::eye::<f64>(4, Some(6), -1, 3)
            .astype::<T>()
            .compute()
            .unwrap()
    );
}

#[test]
fn shape_functions_of_every_real_dtype() {
    same_as_float::<bool>();
    same_as_float::<i8>();
    same_as_float::<i16>();
    same_as_float::<i32>();
    same_as_float::<i64>();
    same_as_float::<u8>();
    same_as_float::<u16>();
    same_as_float::<u32>();
    same_as_float::<u64>();
    same_as_float::<f32>();
}

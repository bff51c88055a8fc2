//! `take`, boolean masks (concrete and lazy), `diff`, `roll`, `flip`,
//! `squeeze`, `expand_dims`, `moveaxis` and `block` against plain ndarray on
//! random shapes and chunkings, on every scheduler; bad input. Dask's own
//! chunks and values (`fixtures/indexing.json`, made by
//! `fixtures/gen_indexing.py`) run in `cargo xtask fixtures fixtures`.

use ndarray::{ArrayD, Axis, IxDyn, Slice};
use proptest::prelude::*;
use tessera::{Array, Chunks, Compute, Nested};

mod common;

tessera::worker_test!();
use common::{chunked as array, schedulers, split};

fn arange(shape: &[usize], start: f64) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|v| start + v as f64).collect()).unwrap()
}

/// Every scheduler gives `want`.
fn check(y: &Array<f64>, want: &ArrayD<f64>) -> Result<(), TestCaseError> {
    prop_assert_eq!(y.shape(), want.shape().to_vec());
    for s in schedulers() {
        prop_assert_eq!(
            &y.compute_with(&Compute::new().scheduler(s.as_ref()))
                .unwrap(),
            want,
            "{}",
            s.name()
        );
    }
    Ok(())
}

fn norm(axis: i64, ndim: usize) -> usize {
    if axis < 0 {
        (axis + ndim as i64) as usize
    } else {
        axis as usize
    }
}

/// `np.take` by hand.
fn oracle_take(d: &ArrayD<f64>, idx: &[i64], axis: usize) -> ArrayD<f64> {
    let n = d.shape()[axis] as i64;
    let pos: Vec<usize> = idx
        .iter()
        .map(|&i| (if i < 0 { i + n } else { i }) as usize)
        .collect();
    d.select(Axis(axis), &pos)
}

/// `np.roll` by hand: output position `p` reads `p - shift` (mod the length).
fn oracle_roll(d: &ArrayD<f64>, shift: i64, axis: usize) -> ArrayD<f64> {
    let n = d.shape()[axis] as i64;
    let pos: Vec<usize> = (0..n)
        .map(|p| (p - shift).rem_euclid(n.max(1)) as usize)
        .collect();
    d.select(Axis(axis), &pos)
}

/// `np.diff` by hand, `n` times.
fn oracle_diff(d: &ArrayD<f64>, n: usize, axis: usize) -> ArrayD<f64> {
    let mut r = d.clone();
    for _ in 0..n {
        let len = r.shape()[axis] as isize;
        let hi = r.slice_axis(Axis(axis), Slice::from(1.min(len)..));
        let lo = r.slice_axis(Axis(axis), Slice::from(..(len - 1).max(0)));
        r = &hi - &lo;
    }
    r
}

/// Shape (0-7 per axis, 1-3 axes), a chunking and an axis.
fn case() -> impl Strategy<Value = (Vec<usize>, Vec<Vec<usize>>, usize)> {
    prop::collection::vec(0usize..8, 1..4).prop_flat_map(|shape| {
        let chunking: Vec<_> = shape
            .iter()
            .map(|&d| prop::collection::vec(1usize..4, d.max(1)).prop_map(move |c| split(d, &c)))
            .collect();
        let ndim = shape.len();
        (Just(shape), chunking, 0..ndim)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn take_and_masks_match_ndarray(
        (shape, chunks, axis) in case(),
        picks in prop::collection::vec(any::<i64>(), 0..20),
        bits in prop::collection::vec(any::<bool>(), 8),
        mask_cuts in prop::collection::vec(1usize..4, 8),
    ) {
        let d = arange(&shape, 0.0);
        let x = array(&d, &chunks);
        let n = shape[axis] as i64;
        // Indices in -n..n (negative ones count from the end); none when the axis is empty.
        let idx: Vec<i64> = if n == 0 { vec![] } else { picks.iter().map(|p| p.rem_euclid(2 * n) - n).collect() };
        let y = x.take(&idx, axis as i64);
        prop_assert_eq!(y.chunks().axes().len(), shape.len());
        check(&y, &oracle_take(&d, &idx, axis))?;

        let mask: Vec<bool> = bits.iter().copied().cycle().take(shape[axis]).collect();
        let kept: Vec<i64> = (0..n).filter(|&i| mask[i as usize]).collect();
        let want = oracle_take(&d, &kept, axis);
        let y = x.compress(&mask, axis as i64);
        check(&y, &want)?;

        let mchunks = split(shape[axis], &mask_cuts);
        let m = tessera::from_array(
            ndarray::Array1::from(mask.clone()).into_dyn(),
            Chunks::new(vec![mchunks.clone()]).unwrap(),
        );
        let y = x.compress_lazy(&m, axis as i64).unwrap();
        // One block per block of the aligned cuts, each as long as its count of true.
        let mut bounds = Vec::new();
        for c in [&chunks[axis], &mchunks] {
            let mut acc = 0;
            for &l in c.iter() { acc += l; bounds.push(acc); }
        }
        bounds.sort_unstable();
        bounds.dedup();
        bounds.retain(|&b| b > 0);
        let mut lens = Vec::new();
        let mut prev = 0;
        for &b in &bounds { lens.push(mask[prev..b].iter().filter(|&&t| t).count()); prev = b; }
        // Blocks without a true value are left out (tessera has no zero-length blocks on a non-empty axis).
        if lens.iter().any(|&l| l > 0) { lens.retain(|&l| l > 0); }
        if lens.is_empty() { lens.push(0); }
        prop_assert_eq!(&y.chunks().axes()[axis], &lens);
        check(&y, &want)?;
    }

    #[test]
    fn axis_routines_match_ndarray(
        (shape, chunks, axis) in case(),
        shift in -20i64..20,
        n in 0usize..4,
        other in any::<u8>(),
    ) {
        let d = arange(&shape, 0.0);
        let x = array(&d, &chunks);
        let ndim = shape.len();
        let a = axis as i64 - if other % 2 == 0 { ndim as i64 } else { 0 };

        check(&x.diff(n, a), &oracle_diff(&d, n, axis))?;
        check(&x.roll(shift, a), &oracle_roll(&d, shift, axis))?;
        let flat = d.iter().copied().collect::<Vec<_>>();
        let rolled = oracle_roll(&ArrayD::from_shape_vec(IxDyn(&[flat.len()]), flat).unwrap(), shift, 0);
        check(&x.roll(shift, ..), &rolled.into_shape_with_order(IxDyn(&shape)).unwrap())?;
        let b = (other as usize) % ndim;
        let two = x.roll_each(&[shift, -shift - 1], [a, b as i64]);
        check(&two, &oracle_roll(&oracle_roll(&d, shift, axis), -shift - 1, b))?;

        let mut flipped = d.clone();
        flipped.invert_axis(Axis(axis));
        check(&x.flip(a), &flipped)?;
        let mut all = d.clone();
        for k in 0..ndim { all.invert_axis(Axis(k)); }
        check(&x.flip(..), &all)?;

        let e = x.expand_dims(a);
        check(&e, &d.clone().insert_axis(Axis(norm(a, ndim + 1))))?;
        // Squeezing the new axis gives the array back, chunks and all.
        let back = e.squeeze_with(norm(a, ndim + 1) as i64);
        prop_assert_eq!(back.chunks(), x.chunks());
        check(&back, &d)?;
        let ones: Vec<usize> = shape.iter().copied().filter(|&s| s != 1).collect();
        check(&x.squeeze(), &d.clone().into_shape_with_order(IxDyn(&ones)).unwrap())?;

        let mut perm: Vec<usize> = (0..ndim).filter(|&k| k != axis).collect();
        perm.insert(b, axis);
        let moved = x.moveaxis(a, b as i64);
        prop_assert_eq!(moved.chunks().axes()[b].clone(), chunks[axis].clone());
        check(&moved, &d.clone().permuted_axes(perm).as_standard_layout().into_owned())?;
    }

    #[test]
    fn block_matches_ndarray_concatenation(
        heights in prop::collection::vec(1usize..4, 1..4),
        widths in prop::collection::vec(0usize..4, 1..4),
        cut in 1usize..3,
    ) {
        // A block matrix of rows x columns pieces, with a 1-d piece (a row of height 1) when widths allow.
        let pieces: Vec<Vec<ArrayD<f64>>> = heights.iter().enumerate().map(|(r, &h)| {
            widths.iter().enumerate().map(|(c, &w)| arange(&[h, w], (100 * (r * 4 + c)) as f64)).collect()
        }).collect();
        let arrays: Vec<Vec<Array<f64>>> = pieces.iter().map(|row| row.iter().map(|p| {
            let ch: Vec<Vec<usize>> = p.shape().iter().map(|&dd| split(dd, &[cut])).collect();
            array(p, &ch)
        }).collect()).collect();
        let nested = Nested::List(arrays.iter().map(|row| Nested::List(row.iter().map(Nested::from).collect())).collect());
        let rows: Vec<ArrayD<f64>> = pieces.iter().map(|row| {
            let views: Vec<_> = row.iter().map(|p| p.view()).collect();
            ndarray::concatenate(Axis(1), &views).unwrap()
        }).collect();
        let views: Vec<_> = rows.iter().map(|r| r.view()).collect();
        let want = ndarray::concatenate(Axis(0), &views).unwrap();
        check(&tessera::block(&nested), &want)?;

        // A 1-d leaf gets a leading axis of length 1: block([[v], [m]]) stacks a row on a matrix.
        let w: usize = widths.iter().sum();
        let v = arange(&[w], -50.0);
        let vx = array(&v, &[split(w, &[cut])]);
        let m = tessera::block_2d(&arrays.iter().map(|r| r.iter().collect()).collect::<Vec<_>>());
        let stacked = tessera::block(&Nested::List(vec![Nested::List(vec![(&vx).into()]), Nested::List(vec![(&m).into()])]));
        let v2 = v.clone().insert_axis(Axis(0));
        let want2 = ndarray::concatenate(Axis(0), &[v2.view(), want.view()]).unwrap();
        check(&stacked, &want2)?;
    }
}

/// The message of the typed error under the building error `y` carries.
fn message<T: tessera::Element>(y: Array<T>) -> String {
    message_of(Ok(y))
}

/// The same for a call that returns a `Result` (an error either way).
fn message_of<T: tessera::Element>(r: tessera::Result<Array<T>>) -> String {
    match r.and_then(|y| y.check().map(|()| y)) {
        Ok(y) => panic!("expected an error, got an array of shape {:?}", y.shape()),
        Err(e) => e.root().to_string(),
    }
}

#[test]
fn bad_input_is_a_typed_error_that_says_what_was_wrong() {
    let x = tessera::ones::<f64>([4, 3], 2);
    let m = message(x.take(&[0, 4], 0));
    assert!(
        m.contains("index 4") && m.contains("axis 0") && m.contains("length 4"),
        "{m}"
    );
    let m = message(x.take(&[-4], 1));
    assert!(m.contains("index -4") && m.contains("length 3"), "{m}");
    assert!(message(x.take(&[0], 2)).contains("axis 2"));

    let m = message(x.compress(&[true, false], 0));
    assert!(m.contains("2 elements") && m.contains("length 4"), "{m}");
    let lazy = tessera::from_array(ndarray::Array1::from(vec![true; 5]).into_dyn(), 2);
    let m = message_of(x.compress_lazy(&lazy, 0));
    assert!(m.contains("5 elements") && m.contains("length 4"), "{m}");
    let flat = tessera::ones::<bool>([4, 3], 2);
    assert!(message_of(x.compress_lazy(&flat, 0)).contains("1-dimensional"));

    let b = tessera::ones::<bool>([4], 2);
    assert!(message(b.diff(1, 0)).contains("booleans"));
    assert!(message(x.diff(1, 2)).contains("axis 2"));
    let m = message(x.squeeze_with(0));
    assert!(m.contains("axis 0 has length 4"), "{m}");
    assert!(message(x.expand_dims([0, -4])).contains("repeated"));
    assert!(message(x.expand_dims(3)).contains("axis 3"));
    assert!(message(x.moveaxis([0, 1], [1])).contains("2 source axes but 1"));
    assert!(message(x.moveaxis([0, 0], [0, 1])).contains("repeated"));
    assert!(message(x.roll_each(&[1, 2], [0])).contains("2 shifts for 1 axes"));
    assert!(message(x.roll(1, -3)).contains("axis -3"));
    assert!(message(x.flip(5)).contains("axis 5"));

    let y = tessera::ones::<f64>([2, 2], 1);
    let m = message(tessera::block(&Nested::List(vec![
        Nested::List(vec![(&x).into()]),
        (&y).into(),
    ])));
    assert!(
        m.contains("depths are mismatched") && m.contains("arrays[1]"),
        "{m}"
    );
    let m = message(tessera::block::<f64>(&Nested::List(vec![
        Nested::List(vec![]),
        Nested::List(vec![]),
    ])));
    assert!(m.contains("arrays[0] is an empty list"), "{m}");
    // Rows of different widths cannot be stacked.
    assert!(tessera::block_2d(&[vec![&x], vec![&y]]).check().is_err());
}

#[test]
fn take_keeps_the_dtype_and_reads_each_block_once_per_output_block() {
    let data: Vec<i64> = (0..100).collect();
    let x = tessera::from_array(ndarray::Array1::from(data).into_dyn(), 10);
    let idx: Vec<i64> = (0..100).step_by(3).collect();
    let y = x.take(&idx, 0);
    // Dask's docstring case: runs of the average block length, merged under the tolerance.
    assert_eq!(y.chunks().axes(), &[vec![10, 10, 10, 4]]);
    assert_eq!(y.num_layers(), 2);
    assert_eq!(
        y.compute().unwrap().iter().copied().collect::<Vec<_>>(),
        idx
    );
    // The whole axis in order is the array itself; an empty list an empty axis.
    let all: Vec<i64> = (0..100).collect();
    assert_eq!(x.take(&all, 0).num_layers(), 1);
    assert_eq!(x.take(&[], 0).chunks().axes(), &[vec![0]]);

    let b = tessera::from_array(ndarray::arr1(&[true, false, true]).into_dyn(), 1);
    let got = b.take(&[2, 1, -1], 0).compute().unwrap();
    assert_eq!(
        got.iter().copied().collect::<Vec<_>>(),
        vec![true, false, true]
    );
    let d = b.astype::<i32>().diff(1, 0).compute().unwrap();
    assert_eq!(d.iter().copied().collect::<Vec<_>>(), vec![-1, 1]);
}

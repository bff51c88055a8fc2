//! Oracle tests of the reduction family (cumulative, arg, nan, count,
//! histogram, unique, topk): random shapes and chunkings, compared with plain
//! ndarray computations, on every scheduler.

use ndarray::{ArrayD, Axis, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Chunks, Element, Scheduler};

mod common;

tessera::worker_test!();
use common::{over_axes, schedulers, shape_and_chunks};

/// Pseudo-random values `f(r)` of a generator seeded by `seed`, `r` in `0..1000`.
fn data<T>(shape: &[usize], seed: u64, f: impl Fn(u64) -> T) -> ArrayD<T> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        f((state >> 33) % 1000)
    })
}

/// Values in [-10, 10) with two decimals, a NaN in about one of `nan_one_in`.
fn floats(shape: &[usize], seed: u64, nan_one_in: u64) -> ArrayD<f64> {
    data(shape, seed, |r| {
        if nan_one_in > 0 && r % nan_one_in == 0 {
            f64::NAN
        } else {
            (r % 200) as f64 / 10.0 - 10.0
        }
    })
}

fn lazy<T: Element>(d: &ArrayD<T>, chunks: &[Vec<usize>]) -> Array<T> {
    tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap()).unwrap()
}

fn close(a: &ArrayD<f64>, b: &ArrayD<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter().zip(b.iter()).all(|(x, y)| {
            (x.is_nan() && y.is_nan())
                || x == y
                || (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs()))
        })
}

/// NumPy's scan along `axis`, sequential as NumPy adds.
fn oracle_scan<T: Copy>(d: &ArrayD<T>, axis: usize, f: impl Fn(T, T) -> T) -> ArrayD<T> {
    let mut out = d.clone();
    out.accumulate_axis_inplace(Axis(axis), |&prev, cur| *cur = f(prev, *cur));
    out
}

/// The array flattened in C order, as a 1-d array.
fn flat<T: Clone>(d: &ArrayD<T>) -> ArrayD<T> {
    let v: Vec<T> = d.iter().cloned().collect();
    ArrayD::from_shape_vec(IxDyn(&[v.len()]), v).unwrap()
}

/// Dask's chunks of `cumsum(axis=None)` for an array of `size` elements in `npartitions` blocks.
fn flat_scan_chunks(size: usize, npartitions: usize) -> Vec<usize> {
    let mut out = vec![npartitions; size / npartitions];
    if !size.is_multiple_of(npartitions) || out.is_empty() {
        out.push(size % npartitions);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn cumsum_and_cumprod_match_ndarray(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        axis_pick in any::<usize>(),
        flatten in any::<bool>(),
    ) {
        let d = floats(&shape, seed, 0);
        let x = lazy(&d, &chunks);
        if shape.is_empty() {
            // Dask scans axis 0 of the (unflattened) 0-d array, which has none.
            let msg = x.cumsum::<f64>(None).unwrap_err().to_string();
            prop_assert!(msg.contains("0-d"), "{msg}");
            prop_assert!(x.cumprod::<f64>(Some(0)).is_err());
            return Ok(());
        }
        let small = data(&shape, seed, |r| 0.5 + (r % 100) as f64 / 100.0);
        let xs = lazy(&small, &chunks);
        let ints = data(&shape, seed, |r| (r % 3) as i32 - 1);
        let xi = lazy(&ints, &chunks);
        let (axis, want_sum, want_prod, want_isum, want_iprod, want_chunks) = if flatten {
            let f = flat(&d);
            let fi = flat(&ints.mapv(i64::from));
            (None, oracle_scan(&f, 0, |a, b| a + b), oracle_scan(&flat(&small), 0, |a, b| a * b),
             oracle_scan(&fi, 0, |a, b| a + b), oracle_scan(&fi, 0, |a, b| a * b),
             if shape.len() == 1 { chunks.clone() } else { vec![flat_scan_chunks(d.len(), x.npartitions())] })
        } else {
            let ax = axis_pick % shape.len();
            let wi = ints.mapv(i64::from);
            (Some(ax as i64 - shape.len() as i64 * (axis_pick % 2) as i64), oracle_scan(&d, ax, |a, b| a + b), oracle_scan(&small, ax, |a, b| a * b),
             oracle_scan(&wi, ax, |a, b| a + b), oracle_scan(&wi, ax, |a, b| a * b), chunks.clone())
        };
        let s = x.cumsum::<f64>(axis).unwrap();
        let p = xs.cumprod::<f64>(axis).unwrap();
        let si = xi.cumsum::<i64>(axis).unwrap();
        let pi = xi.cumprod::<i64>(axis).unwrap();
        for a in [s.chunks(), p.chunks(), si.chunks(), pi.chunks()] {
            prop_assert_eq!(a.axes(), want_chunks.as_slice());
        }
        for sch in schedulers() {
            let sch = sch.as_ref();
            prop_assert!(close(&s.compute_with(sch).unwrap(), &want_sum), "cumsum {axis:?} of {shape:?} in {chunks:?}");
            prop_assert!(close(&p.compute_with(sch).unwrap(), &want_prod), "cumprod {axis:?} of {shape:?} in {chunks:?}");
            prop_assert_eq!(&si.compute_with(sch).unwrap(), &want_isum);
            prop_assert_eq!(&pi.compute_with(sch).unwrap(), &want_iprod);
        }
    }
}

/// NumPy's argmin/argmax of a sequence: the first NaN, else the first extreme.
fn np_arg(values: &[f64], max: bool) -> i64 {
    if let Some(i) = values.iter().position(|v| v.is_nan()) {
        return i as i64;
    }
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if (max && v > values[best]) || (!max && v < values[best]) {
            best = i;
        }
    }
    best as i64
}

/// `f` over each lane along `axis` (`None`: over the flattened array, giving 0-d).
fn per_lane<T: Clone>(d: &ArrayD<f64>, axis: Option<usize>, f: impl Fn(&[f64]) -> T) -> ArrayD<T> {
    match axis {
        None => ArrayD::from_elem(IxDyn(&[]), f(&d.iter().copied().collect::<Vec<_>>())),
        Some(ax) => d.map_axis(Axis(ax), |lane| f(&lane.to_vec())),
    }
}

/// Input chunks with `axis` removed (`None`: all removed): Dask's reduction output chunks.
fn reduced(chunks: &[Vec<usize>], axis: Option<usize>) -> Vec<Vec<usize>> {
    match axis {
        None => vec![],
        Some(ax) => chunks
            .iter()
            .enumerate()
            .filter(|(a, _)| *a != ax)
            .map(|(_, c)| c.clone())
            .collect(),
    }
}

fn non_nan(v: &[f64]) -> Vec<f64> {
    v.iter().copied().filter(|x| !x.is_nan()).collect()
}

/// Dask's nanvar: NaN where `ddof` exceeds the count, else M2 / (n - ddof).
fn dask_nanvar(v: &[f64], ddof: u32) -> f64 {
    let v = non_nan(v);
    let dof = v.len() as f64 - f64::from(ddof);
    if dof < 0.0 {
        return f64::NAN;
    }
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / dof
}

/// The axis a test reduces: `None` when `pick` says so or the array is 0-d.
fn pick_axis(shape: &[usize], pick: usize, flatten: bool) -> (Option<usize>, Option<i64>) {
    if flatten || shape.is_empty() {
        return (None, None);
    }
    let ax = pick % shape.len();
    // Half the time the same axis counted from the end.
    let given = if pick.is_multiple_of(2) {
        ax as i64
    } else {
        ax as i64 - shape.len() as i64
    };
    (Some(ax), Some(given))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn argmin_and_argmax_match_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        flatten in any::<bool>(),
        keepdims in any::<bool>(),
    ) {
        let d = floats(&shape, seed, 9);
        // Few distinct values: ties everywhere, so the first index must win.
        let ints = data(&shape, seed ^ 7, |r| (r % 4) as i32);
        let (axis, given) = pick_axis(&shape, pick, flatten);
        let (x, xi) = (lazy(&d, &chunks), lazy(&ints, &chunks));
        let empty = match axis { None => d.is_empty(), Some(ax) => shape[ax] == 0 };
        for (op, max) in [(tessera::ArgOp::Min, false), (tessera::ArgOp::Max, true)] {
            let got = x.arg_reduction(op, given, keepdims);
            let got_i = xi.arg_reduction(op, given, false);
            if empty {
                let msg = got.unwrap_err().to_string();
                prop_assert!(msg.contains("empty sequence"), "{msg}");
                prop_assert!(got_i.is_err());
                continue;
            }
            let (got, got_i) = (got.unwrap(), got_i.unwrap());
            let mut want = per_lane(&d, axis, |v| np_arg(v, max));
            let want_i = per_lane(&ints.mapv(f64::from), axis, |v| np_arg(v, max));
            let mut want_chunks = reduced(&chunks, axis);
            if keepdims {
                let ax_list: Vec<usize> = axis.map_or((0..shape.len()).collect(), |a| vec![a]);
                for &a in &ax_list {
                    want = want.insert_axis(Axis(a));
                }
                want_chunks = (0..shape.len()).map(|a| if ax_list.contains(&a) { vec![1] } else { chunks[a].clone() }).collect();
            }
            prop_assert_eq!(got.chunks().axes(), want_chunks.as_slice());
            let red = reduced(&chunks, axis);
            prop_assert_eq!(got_i.chunks().axes(), red.as_slice());
            for s in schedulers() {
                prop_assert_eq!(&got.compute_with(s.as_ref()).unwrap(), &want, "{:?} {:?} of {:?} in {:?}", op, given, shape, chunks);
                prop_assert_eq!(&got_i.compute_with(s.as_ref()).unwrap(), &want_i);
            }
        }
    }

    #[test]
    fn nan_reductions_match_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        flatten in any::<bool>(),
        nan_one_in in prop::sample::select(vec![2u64, 3, 7]),
    ) {
        let d = floats(&shape, seed, nan_one_in);
        let x = lazy(&d, &chunks);
        let (axis, given) = pick_axis(&shape, pick, flatten);
        let want_chunks = reduced(&chunks, axis);
        let empty = match axis { None => d.is_empty(), Some(ax) => shape[ax] == 0 };
        let cases: Vec<(&str, tessera::Result<Array<f64>>, Oracle)> = vec![
            ("nansum", x.nansum(given), Box::new(|v| non_nan(v).iter().sum())),
            ("nanprod", x.nanprod(given), Box::new(|v| non_nan(v).iter().product())),
            ("nanmin", x.nanmin(given), Box::new(|v| non_nan(v).iter().copied().reduce(f64::min).unwrap_or(f64::NAN))),
            ("nanmax", x.nanmax(given), Box::new(|v| non_nan(v).iter().copied().reduce(f64::max).unwrap_or(f64::NAN))),
            ("nanmean", x.nanmean(given), Box::new(|v| { let n = non_nan(v); n.iter().sum::<f64>() / n.len() as f64 })),
            ("nanvar", x.nanvar(given, 0), Box::new(|v| dask_nanvar(v, 0))),
            ("nanstd", x.nanstd(given, 1), Box::new(|v| dask_nanvar(v, 1).sqrt())),
        ];
        for (name, got, oracle) in cases {
            if empty && (name == "nanmin" || name == "nanmax") {
                prop_assert!(got.is_err(), "{name} of an empty axis must be an error");
                continue;
            }
            let got = got.unwrap();
            prop_assert_eq!(got.chunks().axes(), want_chunks.as_slice());
            let want = per_lane(&d, axis, |v| oracle(v));
            for s in schedulers() {
                let g = got.compute_with(s.as_ref()).unwrap();
                prop_assert!(close(&g, &want), "{name} {given:?} of {shape:?} in {chunks:?} ({}): got {g} want {want}", s.name());
            }
        }
    }

    #[test]
    fn count_nonzero_matches_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        flatten in any::<bool>(),
    ) {
        // Zeros, and NaNs (which NumPy counts as non-zero).
        let d = data(&shape, seed, |r| match r % 4 { 0 | 1 => 0.0, 2 => f64::NAN, _ => r as f64 });
        let ints = d.mapv(|v| if v.is_nan() { -3i16 } else { v as i16 });
        let (axis, given) = pick_axis(&shape, pick, flatten);
        let got = lazy(&d, &chunks).count_nonzero(given).unwrap();
        let got_i = lazy(&ints, &chunks).count_nonzero(given).unwrap();
        let want = per_lane(&d, axis, |v| v.iter().filter(|&&x| x != 0.0).count() as i64);
        let red = reduced(&chunks, axis);
        prop_assert_eq!(got.chunks().axes(), red.as_slice());
        for s in schedulers() {
            prop_assert_eq!(&got.compute_with(s.as_ref()).unwrap(), &want);
            prop_assert_eq!(&got_i.compute_with(s.as_ref()).unwrap(), &want);
        }
    }
}

/// NumPy's sort order: ascending, NaN last.
fn np_order(a: &f64, b: &f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (false, false) => a.partial_cmp(b).unwrap(),
        (x, y) => x.cmp(&y),
    }
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn histogram_matches_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        bins in 1usize..9,
        lo in -120i32..50,
        width in 0i32..150,
    ) {
        let d = floats(&shape, seed, 11);
        let (lo, hi) = (f64::from(lo) / 10.0, f64::from(lo + width) / 10.0);
        let (counts, edges) = lazy(&d, &chunks).histogram(bins, (lo, hi)).unwrap();
        prop_assert_eq!(edges.len(), bins + 1);
        for (i, e) in edges.iter().enumerate() {
            let want = if i == bins { hi } else { lo + i as f64 * ((hi - lo) / bins as f64) };
            prop_assert_eq!(*e, want);
        }
        // An empty range counts over [lo - 0.5, hi + 0.5] (NumPy's rule, which Dask's blocks follow).
        let counting: Vec<f64> = if lo == hi {
            (0..=bins).map(|i| if i == bins { hi + 0.5 } else { (lo - 0.5) + i as f64 * (1.0 / bins as f64) }).collect()
        } else {
            edges.to_vec()
        };
        let edges = counting;
        let mut want = vec![0i64; bins];
        for &v in d.iter() {
            // Half-open bins by direct comparison, the last one closed.
            if let Some(j) = (0..bins).find(|&j| edges[j] <= v && v < edges[j + 1]) {
                want[j] += 1;
            } else if v == edges[bins] {
                want[bins - 1] += 1;
            }
        }
        let want = ArrayD::from_shape_vec(IxDyn(&[bins]), want).unwrap();
        prop_assert_eq!(counts.chunks().axes(), &[vec![bins]]);
        for s in schedulers() {
            prop_assert_eq!(&counts.compute_with(s.as_ref()).unwrap(), &want);
        }
    }

    #[test]
    fn topk_matches_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        k_pick in any::<u8>(),
        largest in any::<bool>(),
    ) {
        prop_assume!(!shape.is_empty());
        let d = floats(&shape, seed, 13);
        let x = lazy(&d, &chunks);
        let (axis, given) = pick_axis(&shape, pick, false);
        let (ax, given) = (axis.unwrap(), given.unwrap());
        let len = shape[ax];
        let size = (k_pick as usize % (len + 2)) as i64;
        let k = if largest { size } else { -size };
        let got = x.topk(k, given);
        if size == 0 || size as usize > len {
            let msg = got.unwrap_err().to_string();
            prop_assert!(msg.contains("topk"), "{msg}");
            return Ok(());
        }
        let got = got.unwrap();
        let mut want_chunks = chunks.clone();
        want_chunks[ax] = vec![size as usize];
        prop_assert_eq!(got.chunks().axes(), want_chunks.as_slice());
        let mut want = d.clone();
        want.slice_axis_inplace(Axis(ax), ndarray::Slice::from(0..size as usize));
        for (mut out, lane) in want.lanes_mut(Axis(ax)).into_iter().zip(d.lanes(Axis(ax))) {
            let mut v = lane.to_vec();
            v.sort_by(np_order);
            if k > 0 {
                v.reverse();
            }
            for (o, x) in out.iter_mut().zip(v) {
                *o = x;
            }
        }
        for s in schedulers() {
            let g = got.compute_with(s.as_ref()).unwrap();
            prop_assert!(close(&g, &want), "topk {k} axis {given} of {shape:?} in {chunks:?}: got {g} want {want}");
        }
    }

    #[test]
    fn unique_matches_numpy(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        modulus in 1u64..30,
    ) {
        let d = data(&shape, seed, |r| if r % 17 == 0 { f64::NAN } else { (r % modulus) as f64 - 5.0 });
        let ints = d.mapv(|v| if v.is_nan() { 99u8 } else { (v + 5.0) as u8 });
        let mut want: Vec<f64> = d.iter().copied().collect();
        want.sort_by(np_order);
        want.dedup_by(|a, b| a == b || (a.is_nan() && b.is_nan()));
        let mut want_i: Vec<u8> = ints.iter().copied().collect();
        want_i.sort_unstable();
        want_i.dedup();
        let (x, xi) = (lazy(&d, &chunks), lazy(&ints, &chunks));
        for s in schedulers() {
            let got = x.unique_with(s.as_ref()).unwrap();
            prop_assert!(same(got.as_slice().unwrap(), &want), "unique of {shape:?} in {chunks:?}: got {got} want {want:?}");
            prop_assert_eq!(xi.unique_with(s.as_ref()).unwrap().to_vec(), want_i.clone());
        }
    }
}

fn layer_labels(a: &tessera_ops::Expr) -> Vec<String> {
    let mut labels: Vec<String> = tessera_graph::layers(std::slice::from_ref(a.layer()))
        .iter()
        .map(|l| l.label().to_string())
        .collect();
    labels.sort();
    labels
}

#[test]
fn graphs_have_dasks_layers_and_chunks() {
    // The shapes of `dask.array` 2026.8 for the same calls.
    let y = tessera::ones::<f64>([10, 7, 9], [3, 2, 4]).unwrap();
    let a = y.argmin(None).unwrap();
    assert_eq!(a.num_layers(), 4);
    assert_eq!(
        layer_labels(a.expr()),
        [
            "arg-reduce",
            "arg_agg-aggregate",
            "arg_combine-partial",
            "ones_like"
        ]
    );
    let a1 = y.argmax(Some(1)).unwrap();
    assert_eq!(a1.chunks().axes(), &[vec![3, 3, 3, 1], vec![4, 4, 1]]);
    assert_eq!(a1.num_layers(), 3);
    let t = y.topk(2, 1).unwrap();
    assert_eq!(
        t.chunks().axes(),
        &[vec![3, 3, 3, 1], vec![2], vec![4, 4, 1]]
    );
    assert_eq!(
        layer_labels(t.expr()),
        ["ones_like", "topk", "topk_aggregate-aggregate"]
    );
    let t1 = tessera::ones::<f64>(20, 3).unwrap().topk(2, 0).unwrap();
    assert_eq!(t1.num_layers(), 4);
    let (h, edges) = y.histogram(5, (0.0, 2.0)).unwrap();
    assert_eq!(h.chunks().axes(), &[vec![5]]);
    assert_eq!(h.num_layers(), 6);
    assert_eq!(
        edges.to_vec(),
        vec![0.0, 0.4, 0.8, 1.2000000000000002, 1.6, 2.0]
    );
    let c = tessera::ones::<f64>([4, 6], [2, 3]).unwrap();
    assert_eq!(c.cumsum::<f64>(Some(1)).unwrap().num_layers(), 3);
    let flat = c.cumsum::<f64>(None).unwrap();
    assert_eq!(flat.chunks().axes(), &[vec![4; 6]]);
    assert_eq!(flat.num_layers(), 6);
    let n = y.nanmin(Some(1)).unwrap();
    assert_eq!(
        layer_labels(n.expr()),
        ["_nanmin_skip-aggregate", "nanmin_skip", "ones_like"]
    );
    assert_eq!(y.count_nonzero(None).unwrap().num_layers(), 6);
}

#[test]
fn elementwise_chains_fuse_into_the_chunk_steps() {
    let x = tessera::ones::<f64>([8, 6], [2, 3]).unwrap();
    let doubled = (&x * 2.0).unwrap();
    // Blocks: 4 x 2 = 8. Unfused: ones, mul, scan, carry.
    let c = doubled.cumsum::<f64>(Some(0)).unwrap();
    assert_eq!(c.raw_task_graph().unwrap().len(), 32);
    assert_eq!(
        c.task_graph().unwrap().len(),
        16,
        "ones and mul fuse into the scan"
    );
    let t = doubled.topk(-3, 0).unwrap();
    // topk over 4 blocks along axis 0: chunk (fused with ones and mul) and aggregate.
    assert_eq!(t.task_graph().unwrap().len(), 8 + 2);
    assert_eq!(t.compute().unwrap(), ArrayD::from_elem(IxDyn(&[3, 6]), 2.0));
    let s = doubled.nansum::<f64>(None).unwrap();
    assert!(s.task_graph().unwrap().len() < s.raw_task_graph().unwrap().len());
    assert_eq!(s.compute_scalar().unwrap(), 96.0);
}

/// Every task of the unoptimised graphs (one kernel each: fused chains of
/// inlined `from_array` literals are in-process only) survives (id, params) and back.
#[test]
fn every_kernel_travels() {
    let d = floats(&[7, 5], 3, 4);
    let x = lazy(&d, &[vec![3, 3, 1], vec![2, 3]]);
    let (h, _) = x.histogram(4, (-5.0, 5.0)).unwrap();
    let graphs = vec![
        x.cumsum::<f64>(None).unwrap().raw_task_graph().unwrap(),
        x.cumprod::<f64>(Some(1)).unwrap().raw_task_graph().unwrap(),
        x.argmax(None).unwrap().raw_task_graph().unwrap(),
        x.argmin(Some(0)).unwrap().raw_task_graph().unwrap(),
        x.nanvar(Some(1), 1).unwrap().raw_task_graph().unwrap(),
        x.nanmax(None).unwrap().raw_task_graph().unwrap(),
        x.count_nonzero(Some(0)).unwrap().raw_task_graph().unwrap(),
        x.topk(2, 0).unwrap().raw_task_graph().unwrap(),
        h.raw_task_graph().unwrap(),
        tessera_graph::TaskGraph::from_layer(
            tessera_ops::unique::unique(x.expr()).unwrap().layer(),
        )
        .unwrap(),
    ];
    for g in graphs {
        let mut travelled = g.clone();
        for t in &mut travelled.tasks {
            t.kernel = tessera_ops::registry::round_trip(&t.kernel)
                .unwrap_or_else(|e| panic!("{} does not travel: {e}", t.kernel.id()));
        }
        let (a, b) = (
            tessera::SyncScheduler
                .run(&g, &tessera::RunOptions::default())
                .unwrap(),
            tessera::SyncScheduler
                .run(&travelled, &tessera::RunOptions::default())
                .unwrap(),
        );
        assert_eq!(a.len(), b.len());
        for (p, q) in a.iter().zip(&b) {
            let (p, q) = (
                p.as_array::<f64>().map(|v| v.to_owned()),
                q.as_array::<f64>().map(|v| v.to_owned()),
            );
            match (p, q) {
                (Ok(p), Ok(q)) => assert!(close(&p, &q)),
                (Err(_), Err(_)) => {}
                _ => panic!("a travelled kernel changed the result dtype"),
            }
        }
    }
}

#[test]
fn bad_input_is_a_typed_error_that_says_what_was_wrong() {
    let x = lazy(&floats(&[4, 3], 1, 0), &[vec![2, 2], vec![3]]);
    let msg = |r: tessera::Result<String>| r.unwrap_err().to_string();
    let shown = |r: tessera::Result<Array<f64>>| r.map(|a| a.to_string());
    let shown_i = |r: tessera::Result<Array<i64>>| r.map(|a| a.to_string());
    assert!(msg(shown(x.cumsum(Some(2)))).contains("axis 2"));
    assert!(msg(shown(x.cumprod(Some(-3)))).contains("axis -3"));
    assert!(msg(shown_i(x.argmin(Some(5)))).contains("axis 5"));
    assert!(msg(shown(x.nanmean(Some(2)))).contains("axis"));
    assert!(msg(shown_i(x.count_nonzero(Some(-4)))).contains("axis"));
    assert!(msg(shown(x.topk(2, 3))).contains("axis 3"));
    let m = msg(shown(x.topk(0, 0)));
    assert!(m.contains("k must be non-zero"), "{m}");
    let m = msg(shown(x.topk(-5, 0)));
    assert!(m.contains("|k| = 5") && m.contains("length 4"), "{m}");
    let hist = |bins, range| x.histogram(bins, range).map(|(h, _)| h.to_string());
    assert!(msg(hist(0, (0.0, 1.0))).contains("bins must be at least 1"));
    assert!(msg(hist(3, (2.0, 1.0))).contains("max must be larger than min"));
    assert!(msg(hist(3, (f64::NAN, 1.0))).contains("finite"));
    assert!(msg(hist(3, (0.0, f64::INFINITY))).contains("finite"));
    let empty = lazy(
        &ArrayD::<f64>::zeros(IxDyn(&[3, 0])),
        &[vec![2, 1], vec![0]],
    );
    let m = msg(shown_i(empty.argmax(Some(1))));
    assert!(
        m.contains("attempt to get argmax of an empty sequence"),
        "{m}"
    );
    assert!(msg(shown_i(empty.argmin(None))).contains("empty sequence"));
    assert_eq!(
        empty.argmin(Some(0)).unwrap().compute().unwrap().shape(),
        &[0]
    );
    assert!(msg(shown(empty.nanmin(Some(1)))).contains("zero-size"));
    let z = tessera::from_array(ArrayD::from_elem(IxDyn(&[]), 1.0f64), Chunks::scalar()).unwrap();
    assert!(msg(shown(z.cumsum(None))).contains("0-d"));
    let c = tessera::from_array(
        ArrayD::from_elem(
            IxDyn(&[4]),
            tessera::chunk_core::num_complex::Complex::new(1.0f64, 2.0),
        ),
        2,
    )
    .unwrap();
    for m in [
        c.argmin(None)
            .map(|a| a.to_string())
            .unwrap_err()
            .to_string(),
        c.topk(1, 0).map(|a| a.to_string()).unwrap_err().to_string(),
        c.cumsum::<tessera::chunk_core::num_complex::Complex<f64>>(None)
            .map(|a| a.to_string())
            .unwrap_err()
            .to_string(),
        c.histogram(2, (0.0, 1.0))
            .map(|(h, _)| h.to_string())
            .unwrap_err()
            .to_string(),
        c.count_nonzero(None)
            .map(|a| a.to_string())
            .unwrap_err()
            .to_string(),
        c.unique().map(|a| a.to_string()).unwrap_err().to_string(),
    ] {
        assert!(m.contains("complex"), "{m}");
    }
    // A result read as the wrong element type is a dtype error, not a panic.
    let m = msg(x.cumsum::<i64>(None).map(|a| a.to_string()));
    assert!(m.contains("float64"), "{m}");
}

#[test]
fn small_cases_give_numpys_answers() {
    let v = |s: &[f64]| tessera::from_array(ndarray::arr1(s).into_dyn(), 2).unwrap();
    assert_eq!(
        v(&[1.0, f64::NAN, 0.0, f64::NAN])
            .argmin(None)
            .unwrap()
            .compute_scalar()
            .unwrap(),
        1
    );
    assert_eq!(
        v(&[1.0, f64::NAN, 5.0])
            .argmax(None)
            .unwrap()
            .compute_scalar()
            .unwrap(),
        1
    );
    assert_eq!(
        v(&[3.0, 1.0, 2.0, 1.0, 0.5])
            .argmin(None)
            .unwrap()
            .compute_scalar()
            .unwrap(),
        4
    );
    assert!(v(&[f64::NAN, f64::NAN, f64::NAN])
        .nanmax(None)
        .unwrap()
        .compute_scalar()
        .unwrap()
        .is_nan());
    assert!(v(&[f64::NAN, f64::NAN])
        .nanmean(None)
        .unwrap()
        .compute_scalar()
        .unwrap()
        .is_nan());
    assert_eq!(
        v(&[f64::NAN, 2.0, 4.0])
            .nanmean(None)
            .unwrap()
            .compute_scalar()
            .unwrap(),
        3.0
    );
    assert_eq!(
        v(&[f64::NAN, 2.0, 4.0])
            .nansum::<f64>(None)
            .unwrap()
            .compute_scalar()
            .unwrap(),
        6.0
    );
    let ints = tessera::from_array(ndarray::arr1(&[3i32, -1, 4, 1, -5]).into_dyn(), 2).unwrap();
    assert_eq!(
        ints.cumsum::<i64>(None)
            .unwrap()
            .compute()
            .unwrap()
            .into_raw_vec_and_offset()
            .0,
        vec![3, 2, 6, 7, 2]
    );
    assert_eq!(
        ints.topk(2, 0)
            .unwrap()
            .compute()
            .unwrap()
            .into_raw_vec_and_offset()
            .0,
        vec![4, 3]
    );
    assert_eq!(
        ints.topk(-2, 0)
            .unwrap()
            .compute()
            .unwrap()
            .into_raw_vec_and_offset()
            .0,
        vec![-5, -1]
    );
    assert_eq!(ints.unique().unwrap().to_vec(), vec![-5, -1, 1, 3, 4]);
    let (h, e) = v(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, f64::NAN, 7.0])
        .histogram(3, (0.0, 5.0))
        .unwrap();
    assert_eq!(
        h.compute().unwrap().into_raw_vec_and_offset().0,
        vec![2, 2, 2]
    );
    assert_eq!(e.to_vec(), vec![0.0, 5.0 / 3.0, 10.0 / 3.0, 5.0]);
    let flags = tessera::from_array(ndarray::arr1(&[true, false, true]).into_dyn(), 2).unwrap();
    assert_eq!(
        flags.count_nonzero(None).unwrap().compute_scalar().unwrap(),
        2
    );
    assert_eq!(
        flags
            .cumsum::<i64>(None)
            .unwrap()
            .compute()
            .unwrap()
            .into_raw_vec_and_offset()
            .0,
        vec![1, 1, 2]
    );
    assert_eq!(flags.argmax(None).unwrap().compute_scalar().unwrap(), 0);
}

/// A NumPy computation over the elements of one output position.
type Oracle = Box<dyn Fn(&[f64]) -> f64>;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn nan_reductions_over_any_axes_with_keepdims_and_split_every(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        axis_mask in any::<u8>(),
        keepdims in any::<bool>(),
        split in 2usize..6,
        op_pick in 0usize..7,
    ) {
        let d = floats(&shape, seed, 3);
        let x = lazy(&d, &chunks);
        let axes: Vec<usize> = (0..shape.len()).filter(|a| axis_mask & (1 << a) != 0).collect();
        let (op, oracle): (tessera::ReduceOp, Oracle) = match op_pick {
            0 => (tessera::ReduceOp::NanSum, Box::new(|v| non_nan(v).iter().sum())),
            1 => (tessera::ReduceOp::NanProd, Box::new(|v| non_nan(v).iter().product())),
            2 => (tessera::ReduceOp::NanMin, Box::new(|v| non_nan(v).iter().copied().reduce(f64::min).unwrap_or(f64::NAN))),
            3 => (tessera::ReduceOp::NanMax, Box::new(|v| non_nan(v).iter().copied().reduce(f64::max).unwrap_or(f64::NAN))),
            4 => (tessera::ReduceOp::NanMean, Box::new(|v| { let n = non_nan(v); n.iter().sum::<f64>() / n.len() as f64 })),
            5 => (tessera::ReduceOp::NanVar { ddof: 1 }, Box::new(|v| dask_nanvar(v, 1))),
            _ => (tessera::ReduceOp::NanStd { ddof: 0 }, Box::new(|v| dask_nanvar(v, 0).sqrt())),
        };
        let opts = tessera::ReduceOptions { axes: Some(axes.iter().map(|&a| a as i64).collect()), keepdims, split_every: Some(split) };
        let got: tessera::Result<Array<f64>> = x.reduction(op, &opts);
        if matches!(op, tessera::ReduceOp::NanMin | tessera::ReduceOp::NanMax) && axes.iter().any(|&a| shape[a] == 0) {
            prop_assert!(got.is_err());
            return Ok(());
        }
        let got = got.unwrap();
        let want = over_axes(&d, &axes, keepdims, oracle);
        for s in schedulers() {
            let g = got.compute_with(s.as_ref()).unwrap();
            prop_assert!(close(&g, &want), "{op:?} axes {axes:?} keepdims {keepdims} split {split} of {shape:?} in {chunks:?}: got {g} want {want}");
        }
    }

    #[test]
    fn deep_trees_keep_arg_and_topk_answers(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        flatten in any::<bool>(),
        split in 2usize..4,
    ) {
        prop_assume!(!shape.is_empty() && !shape.contains(&0));
        // Large unsigned values: the value planes must keep all 64 bits.
        let d = data(&shape, seed, |r| u64::MAX - (r % 5) * 3);
        let x = lazy(&d, &chunks);
        let (axis, given) = pick_axis(&shape, pick, flatten);
        let as_f = d.mapv(|v| (u64::MAX - v) as f64);
        for (op, max) in [(tessera::ArgOp::Min, false), (tessera::ArgOp::Max, true)] {
            let a: Array<i64> = Array::from_expr(
                tessera_ops::arg_reduction::arg_reduce(x.expr(), op, given, false, Some(split)).unwrap(),
            ).unwrap();
            // Reversed order on the offsets from u64::MAX: argmax of d is argmin of as_f.
            let want = per_lane(&as_f, axis, |v| np_arg(v, !max));
            for s in schedulers() {
                prop_assert_eq!(&a.compute_with(s.as_ref()).unwrap(), &want);
            }
        }
        let ax = axis.unwrap_or(0);
        let k = (pick % shape[ax]) as i64 + 1;
        let t: Array<u64> = Array::from_expr(
            tessera_ops::topk::topk(x.expr(), k, ax as i64, Some(split)).unwrap(),
        ).unwrap();
        let mut want = d.clone();
        want.slice_axis_inplace(Axis(ax), ndarray::Slice::from(0..k as usize));
        for (mut out, lane) in want.lanes_mut(Axis(ax)).into_iter().zip(d.lanes(Axis(ax))) {
            let mut v = lane.to_vec();
            v.sort_unstable_by(|a, b| b.cmp(a));
            for (o, x) in out.iter_mut().zip(v) {
                *o = x;
            }
        }
        for s in schedulers() {
            prop_assert_eq!(&t.compute_with(s.as_ref()).unwrap(), &want);
        }
    }
}

//! What the reduction-family test files (oracle_reductions, oracle_scans,
//! oracle_nan, oracle_counts, bad_input_reductions) share: seeded data, the
//! NumPy oracles per lane, and the expected chunks of a reduction. (Each test
//! binary uses a part.)
#![allow(dead_code)]

use ndarray::{ArrayD, Axis, IxDyn};
use tessera::{Array, Chunks, Compute, Element, Reduce, Scheduler};

/// Pseudo-random values `f(r)` of a generator seeded by `seed`, `r` in `0..1000`.
pub fn data<T>(shape: &[usize], seed: u64, f: impl Fn(u64) -> T) -> ArrayD<T> {
    crate::common::seeded(shape, seed, |r| f(r % 1000))
}

/// Values in [-10, 10) with two decimals, a NaN in about one of `nan_one_in`.
pub fn floats(shape: &[usize], seed: u64, nan_one_in: u64) -> ArrayD<f64> {
    data(shape, seed, |r| {
        if nan_one_in > 0 && r % nan_one_in == 0 {
            f64::NAN
        } else {
            (r % 200) as f64 / 10.0 - 10.0
        }
    })
}

/// `d` as a tessera array cut into `chunks`.
pub fn lazy<T: Element>(d: &ArrayD<T>, chunks: &[Vec<usize>]) -> Array<T> {
    tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap())
}

/// `x` computed on `s`.
pub fn on<T: Element>(x: &Array<T>, s: &dyn Scheduler) -> tessera::Result<ArrayD<T>> {
    x.compute_with(&Compute::new().scheduler(s))
}

/// Equal shapes and values equal up to rounding (NaN equals NaN).
pub fn close(a: &ArrayD<f64>, b: &ArrayD<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter().zip(b.iter()).all(|(x, y)| {
            (x.is_nan() && y.is_nan())
                || x == y
                || (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs()))
        })
}

/// The reduction over `given` (`None`: all axes, the flattened array for
/// scans and arg reductions), as the old `Option<i64>` axis argument meant.
pub fn over(given: Option<i64>) -> Reduce {
    Reduce {
        axes: given.map(|a| vec![a]),
        ..Reduce::default()
    }
}

/// NumPy's argmin/argmax of a sequence: the first NaN, else the first extreme.
pub fn np_arg(values: &[f64], max: bool) -> i64 {
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
pub fn per_lane<T: Clone>(
    d: &ArrayD<f64>,
    axis: Option<usize>,
    f: impl Fn(&[f64]) -> T,
) -> ArrayD<T> {
    match axis {
        None => ArrayD::from_elem(IxDyn(&[]), f(&d.iter().copied().collect::<Vec<_>>())),
        Some(ax) => d.map_axis(Axis(ax), |lane| f(&lane.to_vec())),
    }
}

/// Input chunks with `axis` removed (`None`: all removed): Dask's reduction output chunks.
pub fn reduced(chunks: &[Vec<usize>], axis: Option<usize>) -> Vec<Vec<usize>> {
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

/// The elements that are not NaN.
pub fn non_nan(v: &[f64]) -> Vec<f64> {
    v.iter().copied().filter(|x| !x.is_nan()).collect()
}

/// Dask's nanvar: NaN where `ddof` exceeds the count, else M2 / (n - ddof).
pub fn dask_nanvar(v: &[f64], ddof: u32) -> f64 {
    let v = non_nan(v);
    let dof = v.len() as f64 - f64::from(ddof);
    if dof < 0.0 {
        return f64::NAN;
    }
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / dof
}

/// The axis a test reduces: `None` when `pick` says so or the array is 0-d.
pub fn pick_axis(shape: &[usize], pick: usize, flatten: bool) -> (Option<usize>, Option<i64>) {
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

/// NumPy's sort order: ascending, NaN last.
pub fn np_order(a: &f64, b: &f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (false, false) => a.partial_cmp(b).unwrap(),
        (x, y) => x.cmp(&y),
    }
}

/// Equal sequences, NaN equal to NaN.
pub fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

/// A NumPy computation over the elements of one output position.
pub type Oracle = Box<dyn Fn(&[f64]) -> f64>;

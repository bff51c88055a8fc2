//! The order sorting uses, and the selection of a rank range from sorted
//! runs that the merge of sorted chunks is built on.
//!
//! Values compare as NumPy sorts them: NaN after every number (NaN is the
//! only value not equal to itself, so the rule works for every element
//! type), `-0.0` equal to `0.0`. Descending order is the reverse comparison,
//! so NaN comes first there, as the Array API's reference (`flip` of the
//! ascending sort, equal elements kept in their original order) has it.

use std::cmp::Ordering;

use ndarray::ArrayView1;
use tessera_chunk_core::num_complex;

/// A sorted run: one lane of a sorted block (a strided view, not copied).
pub type Run<'a, T> = ArrayView1<'a, T>;

/// An element type in sorting order: NumPy's, NaN last.
pub trait SortKey: Copy {
    /// Ascending comparison with NaN last.
    fn ascending(a: &Self, b: &Self) -> Ordering;
}

/// Real values: NaN after every number, `-0.0` equal to `0.0`.
fn real_ascending<T: PartialOrd>(a: &T, b: &T) -> Ordering {
    #[allow(clippy::eq_op)]
    let (a_nan, b_nan) = (a != a, b != b);
    match (a_nan, b_nan) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

macro_rules! real_sort_key {
    ($($t:ty),*) => {$(
        impl SortKey for $t {
            fn ascending(a: &Self, b: &Self) -> Ordering {
                real_ascending(a, b)
            }
        }
    )*};
}

real_sort_key!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    half::f16,
    f32,
    f64
);

/// Complex values in NumPy's lexicographic order: by real part, then by
/// imaginary part; those with a NaN part last, as
/// `[R + Rj, R + nanj, nan + Rj, nan + nanj]` (each group by its non-NaN part).
macro_rules! complex_sort_key {
    ($($t:ty),*) => {$(
        impl SortKey for num_complex::Complex<$t> {
            fn ascending(a: &Self, b: &Self) -> Ordering {
                let group = |z: &Self| match (z.re.is_nan(), z.im.is_nan()) {
                    (false, false) => 0,
                    (false, true) => 1,
                    (true, false) => 2,
                    (true, true) => 3,
                };
                group(a).cmp(&group(b)).then_with(|| match group(a) {
                    0 => real_ascending(&a.re, &b.re).then(real_ascending(&a.im, &b.im)),
                    1 => real_ascending(&a.re, &b.re),
                    2 => real_ascending(&a.im, &b.im),
                    _ => Ordering::Equal,
                })
            }
        }
    )*};
}

complex_sort_key!(f32, f64);

/// Ascending comparison with NaN last.
pub fn ascending<T: SortKey>(a: &T, b: &T) -> Ordering {
    T::ascending(a, b)
}

/// The comparison for `descending` or ascending order.
pub fn order<T: SortKey>(descending: bool) -> impl Fn(&T, &T) -> Ordering + Copy {
    move |a, b| {
        if descending {
            ascending(b, a)
        } else {
            ascending(a, b)
        }
    }
}

/// How many elements of the sorted `run` come before `v` when equal ones
/// count as before (`inclusive`) or after.
fn before<T>(run: &Run<T>, v: &T, inclusive: bool, cmp: impl Fn(&T, &T) -> Ordering) -> usize {
    let (mut lo, mut hi) = (0, run.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let goes_before = match cmp(&run[mid], v) {
            Ordering::Less => true,
            Ordering::Equal => inclusive,
            Ordering::Greater => false,
        };
        if goes_before {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// How many elements each sorted run gives to the `rank` smallest of their
/// stable merge (runs in order: on equal values an earlier run's elements,
/// then earlier positions, come first). The element of rank `rank` is found
/// by a binary search in the one run that holds it: its rank is its
/// position plus, in every other run, the elements before it.
pub fn split<T>(
    runs: &[Run<T>],
    rank: usize,
    cmp: impl Fn(&T, &T) -> Ordering + Copy,
) -> Vec<usize> {
    let total: usize = runs.iter().map(|r| r.len()).sum();
    if rank >= total {
        return runs.iter().map(|r| r.len()).collect();
    }
    let counts_at = |i: usize, p: usize| -> Vec<usize> {
        let v = &runs[i][p];
        runs.iter()
            .enumerate()
            .map(|(r, run)| match r.cmp(&i) {
                Ordering::Less => before(run, v, true, cmp),
                Ordering::Equal => p,
                Ordering::Greater => before(run, v, false, cmp),
            })
            .collect()
    };
    for (i, run) in runs.iter().enumerate() {
        // The rank of run i's element p grows with p: find the p whose rank is `rank`.
        let (mut lo, mut hi) = (0, run.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let c = counts_at(i, mid);
            match c.iter().sum::<usize>().cmp(&rank) {
                Ordering::Equal => return c,
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
            }
        }
    }
    // Unreachable for a well-formed input (some run holds rank `rank`); the
    // full merge below stays correct from any starting cut.
    vec![0; runs.len()]
}

/// Merge `from[r]..to[r]` of every sorted run in stable order, calling
/// `emit(run, position)` for each element in turn.
pub fn merge<T>(
    runs: &[Run<T>],
    from: &[usize],
    to: &[usize],
    cmp: impl Fn(&T, &T) -> Ordering,
    mut emit: impl FnMut(usize, usize),
) {
    let mut at = from.to_vec();
    loop {
        let mut best: Option<usize> = None;
        for r in 0..runs.len() {
            if at[r] >= to[r] {
                continue;
            }
            // Strictly smaller wins, so on ties the earlier run goes first.
            best = match best {
                Some(b) if cmp(&runs[r][at[r]], &runs[b][at[b]]) != Ordering::Less => Some(b),
                _ => Some(r),
            };
        }
        let Some(b) = best else { return };
        emit(b, at[b]);
        at[b] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_sorts_last_and_zeros_are_equal() {
        let mut v = [f64::NAN, 1.0, -0.0, f64::NEG_INFINITY, 0.0, f64::INFINITY];
        v.sort_by(ascending);
        assert_eq!(v[0], f64::NEG_INFINITY);
        assert!(v[1] == 0.0 && v[1].is_sign_negative() && v[2].is_sign_positive());
        assert_eq!(v[4], f64::INFINITY);
        assert!(v[5].is_nan());
    }

    #[test]
    fn split_and_merge_give_every_rank_range() {
        let runs: Vec<Vec<i32>> = vec![vec![1, 3, 3, 7], vec![], vec![0, 3, 9], vec![3]];
        let refs: Vec<Run<i32>> = runs
            .iter()
            .map(|r| ArrayView1::from(r.as_slice()))
            .collect();
        let cmp = order::<i32>(false);
        let mut all = Vec::new();
        merge(&refs, &[0; 4], &[4, 0, 3, 1], cmp, |r, p| all.push((r, p)));
        for s in 0..=all.len() {
            for e in s..=all.len() {
                let (a, b) = (split(&refs, s, cmp), split(&refs, e, cmp));
                let mut got = Vec::new();
                merge(&refs, &a, &b, cmp, |r, p| got.push((r, p)));
                assert_eq!(got, all[s..e].to_vec(), "{s}..{e}");
            }
        }
    }
}

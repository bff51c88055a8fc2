//! Rechunk planning: Dask's `plan_rechunk`, which goes through intermediate
//! chunkings when a direct rechunk would need too many tasks (the pieces of
//! each step are in `rechunk_pieces`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::chunks::Chunks;
use crate::error::{Error, Result};
use crate::rechunk_pieces::same_shape;

/// Dask's `array.rechunk.threshold`: the graph growth factor tolerated before
/// an intermediate step is planned.
pub const DEFAULT_RECHUNK_THRESHOLD: f64 = 4.0;

fn number_of_blocks(c: &[Vec<usize>]) -> f64 {
    c.iter().map(|a| a.len() as f64).product()
}

fn largest_block(c: &[Vec<usize>]) -> f64 {
    c.iter()
        .map(|a| a.iter().copied().max().unwrap_or(0) as f64)
        .product()
}

/// Dask's `estimate_graph_size`.
fn estimate_graph_size(old: &[Vec<usize>], new: &[Vec<usize>]) -> f64 {
    old.iter()
        .zip(new)
        .map(|(o, n)| {
            if o != n {
                (o.len() + n.len() - 1) as f64
            } else {
                o.len() as f64
            }
        })
        .product()
}

/// Dask's `divide_to_width`: split chunks so none is wider than `max_width`.
fn divide_to_width(desired: &[usize], max_width: usize) -> Vec<usize> {
    let max_width = max_width.max(1);
    let mut out = Vec::new();
    for &c in desired {
        let nb = c.div_ceil(max_width);
        let mut left = c;
        for i in 0..nb {
            let n = left / (nb - i);
            out.push(n);
            left -= n;
        }
    }
    out
}

/// Dask's `merge_to_number`: merge adjacent chunks down to `max_number`, keeping widths small.
fn merge_to_number(desired: &[usize], max_number: usize) -> Vec<usize> {
    if desired.len() <= max_number {
        return desired.to_vec();
    }
    let max_number = max_number.max(1);
    let first = desired[0];
    if desired.iter().all(|&c| c == first) {
        let (w, n) = (first, desired.len());
        let total = n * w;
        let desired_width = total / max_number;
        let width = desired_width.checked_div(w).map_or(0, |q| w * q);
        let adjust = (total - max_number * width).checked_div(w).unwrap_or(0);
        let mut out = vec![width + w; adjust];
        out.extend(std::iter::repeat_n(width, max_number - adjust));
        return out;
    }
    let mut nmerges = desired.len() - max_number;
    let mut heap: BinaryHeap<Reverse<(usize, usize, usize)>> = (0..desired.len() - 1)
        .map(|i| Reverse((desired[i] + desired[i + 1], i, i + 1)))
        .collect();
    let mut chunks = desired.to_vec();
    while nmerges > 0 {
        let Some(Reverse((width, i, mut j))) = heap.pop() else {
            break;
        };
        if chunks[j] == 0 {
            j += 1;
            while j < chunks.len() && chunks[j] == 0 {
                j += 1;
            }
            if j < chunks.len() {
                heap.push(Reverse((chunks[i] + chunks[j], i, j)));
            }
            continue;
        } else if chunks[i] + chunks[j] != width {
            heap.push(Reverse((chunks[i] + chunks[j], i, j)));
            continue;
        }
        chunks[i] = 0;
        chunks[j] = width;
        nmerges -= 1;
    }
    chunks.into_iter().filter(|&c| c != 0).collect()
}

/// Dask's `find_merge_rechunk`: merge towards `new` on the axes where that
/// shrinks the graph, within the block size limit (elements).
fn find_merge_rechunk(
    old: &[Vec<usize>],
    new: &[Vec<usize>],
    block_size_limit: f64,
) -> (Vec<Vec<usize>>, bool) {
    let ndim = old.len();
    let widest = |c: &[usize]| c.iter().copied().max().unwrap_or(0);
    let old_w: Vec<usize> = old.iter().map(|c| widest(c)).collect();
    let new_w: Vec<usize> = new.iter().map(|c| widest(c)).collect();
    let graph_effect: Vec<f64> = old
        .iter()
        .zip(new)
        .map(|(o, n)| n.len() as f64 / o.len() as f64)
        .collect();
    let block_effect: Vec<f64> = (0..ndim)
        .map(|d| new_w[d] as f64 / old_w[d].max(1) as f64)
        .collect();
    let key = |k: usize| {
        let gse = graph_effect[k];
        let mut bse = block_effect[k];
        if bse == 1.0 {
            bse = 1.0 + 1e-9;
        }
        if bse > 0.0 {
            gse.ln() / bse.ln()
        } else {
            0.0
        }
    };
    let mut candidates: Vec<usize> = (0..ndim).filter(|&d| graph_effect[d] <= 1.0).collect();
    // Python's sort is stable; so is sort_by.
    candidates.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
    let mut largest: u128 = old_w.iter().map(|&w| w as u128).product();
    let mut chunks = old.to_vec();
    let mut limit_hit = false;
    for d in candidates {
        let grown = largest * new_w[d] as u128 / old_w[d].max(1) as u128;
        if (grown as f64) <= block_size_limit {
            chunks[d] = new[d].clone();
            largest = grown;
        } else {
            let width = old_w[d];
            let chunk_limit = (block_size_limit * width as f64 / largest as f64) as usize;
            let c = divide_to_width(&new[d], chunk_limit);
            if c.len() <= old[d].len() {
                let cmax = c.iter().copied().max().unwrap_or(0);
                chunks[d] = c;
                largest = largest * cmax as u128 / width.max(1) as u128;
            }
            limit_hit = true;
        }
    }
    (chunks, limit_hit)
}

/// Dask's `find_split_rechunk`: split towards `new` while the graph stays under `graph_size_limit`.
fn find_split_rechunk(
    old: &[Vec<usize>],
    new: &[Vec<usize>],
    graph_size_limit: f64,
) -> Vec<Vec<usize>> {
    let mut chunks = old.to_vec();
    for d in 0..old.len() {
        let graph_size = estimate_graph_size(&chunks, new);
        if graph_size > graph_size_limit {
            break;
        }
        if old[d].len() > new[d].len() {
            continue;
        }
        let max_number = (old[d].len() as f64 * graph_size_limit / graph_size) as usize;
        let c = merge_to_number(&new[d], max_number);
        let cmax = c.iter().copied().max().unwrap_or(0);
        let omax = old[d].iter().copied().max().unwrap_or(0);
        if c.len() >= old[d].len() && cmax <= omax {
            chunks[d] = c;
        }
    }
    chunks
}

/// Plan a rechunk from `old` to `new` as Dask's `plan_rechunk` does: the
/// chunkings to go through, ending with `new` (just `[new]` when a direct
/// rechunk is small enough). `threshold` defaults to 4, `block_size_limit`
/// (bytes) to 128 MiB; intermediate blocks stay under the larger of the limit
/// and the largest old or new block.
///
/// ```
/// use tessera_chunk_core::{plan_rechunk, Chunks};
/// let old = Chunks::regular(&[10_000, 10_000], &[10_000, 10]).unwrap();
/// let new = Chunks::regular(&[10_000, 10_000], &[10, 10_000]).unwrap();
/// let plan = plan_rechunk(&old, &new, 8, None, None).unwrap();
/// assert!(plan.len() > 1, "rows to columns goes through an intermediate chunking");
/// assert_eq!(plan.last(), Some(&new));
/// ```
pub fn plan_rechunk(
    old: &Chunks,
    new: &Chunks,
    itemsize: usize,
    threshold: Option<f64>,
    block_size_limit: Option<u64>,
) -> Result<Vec<Chunks>> {
    same_shape(old, new)?;
    if itemsize == 0 {
        return Err(Error::AutoChunking {
            reason: "an item size of 0 bytes cannot be planned for".into(),
        });
    }
    let threshold = threshold
        .filter(|&t| t > 0.0)
        .unwrap_or(DEFAULT_RECHUNK_THRESHOLD);
    let limit_bytes = block_size_limit
        .filter(|&b| b > 0)
        .unwrap_or(crate::bytes::DEFAULT_CHUNK_LIMIT);
    let (o, n) = (old.axes().to_vec(), new.axes().to_vec());
    if n.len() <= 1 {
        return Ok(vec![new.clone()]);
    }
    let limit = (limit_bytes as f64 / itemsize as f64)
        .max(largest_block(&o))
        .max(largest_block(&n));
    let graph_size_threshold = threshold * (number_of_blocks(&o) + number_of_blocks(&n));
    let mut current = o;
    let mut first_pass = true;
    let mut steps: Vec<Vec<Vec<usize>>> = Vec::new();
    loop {
        let graph_size = estimate_graph_size(&current, &n);
        if graph_size < graph_size_threshold {
            break;
        }
        let start = if first_pass {
            current.clone()
        } else {
            find_split_rechunk(&current, &n, graph_size * threshold)
        };
        let (chunks, limit_hit) = find_merge_rechunk(&start, &n, limit);
        if (chunks == current && !first_pass) || chunks == n {
            break;
        }
        if chunks != current {
            steps.push(chunks.clone());
        }
        current = chunks;
        if !limit_hit {
            break;
        }
        first_pass = false;
    }
    let mut plan = steps
        .into_iter()
        .map(Chunks::new)
        .collect::<Result<Vec<_>>>()?;
    plan.push(new.clone());
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rechunk_pieces::old_to_new;

    #[test]
    fn mismatched_shapes_are_an_error() {
        let a = Chunks::regular(&[10], &[5]).unwrap();
        let b = Chunks::regular(&[11], &[5]).unwrap();
        assert!(old_to_new(&a, &b).is_err());
        assert!(plan_rechunk(&a, &b, 8, None, None).is_err());
        assert!(plan_rechunk(&a, &a, 0, None, None).is_err());
    }

    #[test]
    fn small_rechunks_are_direct() {
        let old = Chunks::regular(&[100, 100], &[10, 10]).unwrap();
        let new = Chunks::regular(&[100, 100], &[20, 20]).unwrap();
        assert_eq!(plan_rechunk(&old, &new, 8, None, None).unwrap(), vec![new]);
    }

    #[test]
    fn merge_and_divide_helpers_match_dask() {
        // Values from Dask's docstrings and hand runs.
        assert_eq!(divide_to_width(&[20, 5], 6), vec![5, 5, 5, 5, 5]);
        assert_eq!(merge_to_number(&[10; 10], 3), vec![40, 30, 30]);
        assert_eq!(
            merge_to_number(&[2, 3, 4, 5, 6], 2).iter().sum::<usize>(),
            20
        );
    }

    // Dask's own test_plan_rechunk* cases (dask/array/tests/test_rechunk.py), ported.
    type Axes = Vec<Vec<usize>>;

    fn ch(axes: Axes) -> Chunks {
        Chunks::new(axes).unwrap()
    }

    /// Dask's test helper `_plan`: itemsize 1, block_size_limit 1e7, threshold 4.
    fn plan(old: Axes, new: Axes) -> Vec<Axes> {
        plan_with(old, new, 1, 10_000_000, 4.0)
    }

    fn plan_with(old: Axes, new: Axes, itemsize: usize, limit: u64, threshold: f64) -> Vec<Axes> {
        plan_rechunk(&ch(old), &ch(new), itemsize, Some(threshold), Some(limit))
            .unwrap()
            .into_iter()
            .map(Chunks::into_inner)
            .collect()
    }

    fn cat(a: &[usize], b: &[usize]) -> Vec<usize> {
        [a, b].concat()
    }

    #[test]
    fn square_transpose_float64_plans_one_intermediate() {
        // (10000, 10000) float64, chunks (10000, 10) -> (10, 10000), Dask defaults.
        // Traced by hand: limit 2^27 / 8 = 16777216 elements; only axis 1 can
        // merge, fully it would give 10^8 elements, so it is divided to width
        // int(16777216 * 10 / 100000) = 1677, i.e. 10000 into 6 near-equal
        // parts; then the graph estimate 1000 * 6 = 6000 < 4 * 2000 stops.
        let old = ch(vec![vec![10000], vec![10; 1000]]);
        let new = ch(vec![vec![10; 1000], vec![10000]]);
        let steps = plan_rechunk(&old, &new, 8, None, None).unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(
            steps[0].axes(),
            &[vec![10000], vec![1666, 1666, 1667, 1667, 1667, 1667]]
        );
        assert_eq!(steps[1], new);
    }

    #[test]
    fn dask_test_plan_rechunk() {
        let c = vec![20; 2];
        let f = vec![2; 20];
        // Trivial cases.
        assert_eq!(plan(vec![], vec![]), vec![Vec::<Vec<usize>>::new()]);
        assert_eq!(
            plan(vec![c.clone(), vec![]], vec![f.clone(), vec![]]),
            vec![vec![f.clone(), vec![]]]
        );
        // No intermediate required.
        assert_eq!(
            plan(vec![c.clone()], vec![f.clone()]),
            vec![vec![f.clone()]]
        );
        assert_eq!(
            plan(vec![f.clone()], vec![c.clone()]),
            vec![vec![c.clone()]]
        );
        let (cc, ff) = (vec![c.clone(), c.clone()], vec![f.clone(), f.clone()]);
        assert_eq!(plan(cc.clone(), ff.clone()), vec![ff.clone()]);
        assert_eq!(plan(ff.clone(), cc.clone()), vec![cc.clone()]);
        assert_eq!(
            plan(vec![f.clone(), c.clone()], cc.clone()),
            vec![cc.clone()]
        );
        let cfcc = vec![c.clone(), f.clone(), c.clone(), c.clone()];
        assert_eq!(plan(vec![c.clone(); 4], cfcc.clone()), vec![cfcc]);
        // An intermediate is used to reduce graph size.
        let fc = vec![f.clone(), c.clone()];
        let cf = vec![c.clone(), f.clone()];
        assert_eq!(plan(fc.clone(), cf.clone()), vec![cc.clone(), cf.clone()]);
        let (c2, f2, cf2) = (cat(&c, &c), cat(&f, &f), cat(&c, &f));
        assert_eq!(
            plan(vec![c2.clone(), cf2.clone()], vec![f2.clone(), c2.clone()]),
            vec![vec![c2.clone(), c2.clone()], vec![f2.clone(), c2.clone()]]
        );
        // Regression test for dask#5908.
        assert_eq!(
            plan_with(cc.clone(), ff.clone(), 1, 10_000_000, 1.0),
            vec![ff]
        );
        // Just at the memory limit => an intermediate is used.
        assert_eq!(
            plan_with(fc.clone(), cf.clone(), 1, 400, 4.0),
            vec![cc, cf.clone()]
        );
        // Hitting the memory limit => partial merge.
        let m = vec![10; 4];
        let expected = vec![vec![m, c.clone()], cf.clone()];
        assert_eq!(plan_with(fc.clone(), cf.clone(), 1, 399, 4.0), expected);
        assert_eq!(plan_with(fc, cf, 10, 3999, 4.0), expected);
    }

    #[test]
    fn dask_test_plan_rechunk_larger_problem() {
        let c = vec![1000; 2];
        let f = vec![2; 1000];
        let steps = plan_with(
            vec![f.clone(), c.clone()],
            vec![c.clone(), f.clone()],
            1,
            99999,
            4.0,
        );
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[2], vec![c, f]);
        for w in steps.windows(2) {
            // Merging on the first axis, splitting on the second.
            assert!(w[1][0].len() as f64 <= w[0][0].len() as f64 / 2.0);
            assert!(w[1][1].len() as f64 >= w[0][1].len() as f64 * 2.0);
        }
    }

    #[test]
    fn dask_test_plan_rechunk_5d() {
        let c = vec![10];
        let f = vec![1; 10];
        let all_c = vec![c.clone(); 5];
        let all_f = vec![f.clone(); 5];
        assert_eq!(plan(all_c, all_f.clone()), vec![all_f]);
        let (a, b, m) = (
            vec![f.clone(), f.clone(), f.clone(), f.clone(), c.clone()],
            vec![c.clone(), c.clone(), c.clone(), f.clone(), f.clone()],
            vec![c.clone(), c.clone(), c.clone(), f.clone(), c.clone()],
        );
        assert_eq!(plan(a, b.clone()), vec![m.clone(), b.clone()]);
        // Only one axis can be merged at first.
        let a = vec![c.clone(), c.clone(), f.clone(), f.clone(), c.clone()];
        assert_eq!(plan_with(a, b.clone(), 1, 20_000, 4.0), vec![m, b]);
    }

    #[test]
    fn dask_test_plan_rechunk_heterogeneous() {
        let c = vec![10];
        let f = vec![1; 10];
        let (cf, cc, ff, fc) = (cat(&c, &f), cat(&c, &c), cat(&f, &f), cat(&f, &c));
        // No intermediate required.
        assert_eq!(
            plan(vec![cc.clone(), cf.clone()], vec![ff.clone(), ff.clone()]),
            vec![vec![ff.clone(), ff.clone()]]
        );
        assert_eq!(
            plan(vec![cf.clone(), fc.clone()], vec![ff.clone(), cf.clone()]),
            vec![vec![ff.clone(), cf.clone()]]
        );
        // An intermediate is used to reduce graph size.
        assert_eq!(
            plan(vec![cc.clone(), cf.clone()], vec![ff.clone(), cc.clone()]),
            vec![vec![cc.clone(), cc.clone()], vec![ff.clone(), cc.clone()]]
        );
        assert_eq!(
            plan(
                vec![cc.clone(), cf.clone(), cc.clone()],
                vec![ff.clone(), cc.clone(), cf.clone()]
            ),
            vec![
                vec![cc.clone(), cc.clone(), cc.clone()],
                vec![ff.clone(), cc.clone(), cf.clone()]
            ]
        );
        // A memory limit constrains the first intermediate.
        assert_eq!(
            plan_with(
                vec![cc.clone(), ff.clone(), cf.clone()],
                vec![ff.clone(), cf.clone(), cc.clone()],
                1,
                100,
                4.0
            ),
            vec![vec![cc.clone(), ff.clone(), cc.clone()], vec![ff, cf, cc]]
        );
    }

    #[test]
    fn dask_test_plan_rechunk_asymmetric() {
        let a = ch(vec![vec![1; 1000], vec![80_000_000]]);
        let b = ch(vec![vec![1000], vec![80_000; 1000]]);
        let steps = plan_rechunk(&a, &b, 8, None, None).unwrap();
        assert!(steps.len() > 1);
        assert_eq!(steps.last(), Some(&b));
    }
}

//! The geometry of integer-array indexing along one axis: which indices go
//! to which output block (Dask's `take` → `_shuffle` grouping), and which
//! input blocks each output block reads.

use tessera_chunk_core::Error as ChunkError;

use crate::error::Result;

/// Dask's `array.chunk-size-tolerance`: how far `_shuffle` lets a block grow.
const CHUNKSIZE_TOLERANCE: f64 = 1.25;

/// One output block along the taken axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Input blocks along the axis it reads, ascending (at least one, so an
    /// empty group still knows the other axes' block shape).
    pub sources: Vec<usize>,
    /// Per output position, its input's place in `sources`.
    pub source: Vec<usize>,
    /// Per output position, the position inside that input block.
    pub local: Vec<usize>,
}

impl Group {
    /// Number of elements along the axis.
    pub fn len(&self) -> usize {
        self.local.len()
    }

    /// Whether the group takes nothing.
    pub fn is_empty(&self) -> bool {
        self.local.is_empty()
    }
}

/// Indices with negatives counted from the end; an index outside the axis is an error naming it.
pub fn positive_indices(indices: &[i64], axis: usize, len: usize) -> Result<Vec<usize>> {
    indices
        .iter()
        .map(|&i| {
            let p = if i < 0 {
                i128::from(i) + len as i128
            } else {
                i128::from(i)
            };
            if p < 0 || p >= len as i128 {
                Err(ChunkError::IndexOutOfBounds {
                    index: i,
                    axis,
                    len,
                }
                .into())
            } else {
                Ok(p as usize)
            }
        })
        .collect()
}

/// Dask's split of `index` into output blocks along an axis cut as `chunks`
/// (`slicing.take` then `_shuffle.__shuffle`, float arithmetic included):
/// runs of the average block length, merged while a block stays under the
/// tolerance. `index` must be non-empty and in bounds.
pub fn dask_groups(chunks: &[usize], index: &[usize]) -> Vec<Vec<usize>> {
    let full: usize = chunks.iter().sum();
    let n = chunks.len().max(1) as f64;
    // Dask divides by zero here (a zero-length run) when blocks outnumber
    // elements; one element per run is the nearest thing that works.
    let average = ((full as f64 / n) as usize).max(1);
    let limit = (full as f64 / n * CHUNKSIZE_TOLERANCE) as usize;
    let mut out = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for run in index.chunks(average) {
        if current.len() + run.len() > limit && !current.is_empty() {
            out.push(std::mem::replace(&mut current, run.to_vec()));
        } else {
            current.extend_from_slice(run);
            if current.len() as f64 > limit as f64 / CHUNKSIZE_TOLERANCE {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The input blocks and block-local positions of each group of global
/// positions; `hint[g]` is the block an empty group `g` reads for its shape.
pub fn locate(chunks: &[usize], groups: &[Vec<usize>], hint: &[usize]) -> Vec<Group> {
    let mut offsets = Vec::with_capacity(chunks.len() + 1);
    offsets.push(0usize);
    for &c in chunks {
        offsets.push(offsets[offsets.len() - 1] + c);
    }
    // The non-empty block holding p (zero-length blocks share their start with the next).
    let block_of = |p: usize| offsets.partition_point(|&o| o <= p).saturating_sub(1);
    groups
        .iter()
        .enumerate()
        .map(|(g, idx)| {
            let blocks: Vec<usize> = idx.iter().map(|&p| block_of(p)).collect();
            let mut sources = blocks.clone();
            sources.sort_unstable();
            sources.dedup();
            if sources.is_empty() {
                sources.push(hint.get(g).copied().unwrap_or(0));
            }
            let source = blocks
                .iter()
                .map(|b| sources.partition_point(|s| s < b))
                .collect();
            let local = idx
                .iter()
                .zip(&blocks)
                .map(|(&p, &b)| p - offsets[b])
                .collect();
            Group {
                sources,
                source,
                local,
            }
        })
        .collect()
}

/// Dask's `common_blockdim` for two cuts of one axis: every boundary of either.
pub fn common_boundaries(a: &[usize], b: &[usize]) -> Vec<usize> {
    let ends = |c: &[usize]| {
        c.iter()
            .scan(0usize, |acc, &x| {
                *acc += x;
                Some(*acc)
            })
            .collect::<Vec<_>>()
    };
    let mut all = ends(a);
    all.extend(ends(b));
    all.sort_unstable();
    all.dedup();
    let mut prev = 0;
    let mut out: Vec<usize> = all
        .into_iter()
        .filter(|&e| e > 0)
        .map(|e| {
            let len = e - prev;
            prev = e;
            len
        })
        .collect();
    if out.is_empty() {
        out.push(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dask_doc_examples() {
        let c = [20, 20, 20, 20];
        assert_eq!(dask_groups(&c, &[5, 1, 47, 3]), vec![vec![5, 1, 47, 3]]);
        let c = [10; 10];
        let idx: Vec<usize> = (0..100).step_by(3).collect();
        let lens: Vec<usize> = dask_groups(&c, &idx).iter().map(Vec::len).collect();
        assert_eq!(lens, vec![10, 10, 10, 4]);
        // x[bool mask] on chunks (3, 3, 3, 1): the mask's positions, in runs of 2.
        let lens: Vec<usize> = dask_groups(&[3, 3, 3, 1], &[0, 2, 3, 6, 7, 8])
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(lens, vec![2, 2, 2]);
    }

    #[test]
    fn groups_find_their_blocks() {
        let g = locate(&[3, 0, 2], &[vec![4, 0, 3, 1], vec![]], &[0, 2]);
        assert_eq!(g[0].sources, vec![0, 2]);
        assert_eq!(g[0].source, vec![1, 0, 1, 0]);
        assert_eq!(g[0].local, vec![1, 0, 0, 1]);
        assert_eq!(g[1].sources, vec![2]);
        assert!(g[1].is_empty());
    }

    #[test]
    fn bounds_and_boundaries() {
        assert_eq!(positive_indices(&[-1, 0], 0, 3).unwrap(), vec![2, 0]);
        let err = positive_indices(&[3], 1, 3).unwrap_err().to_string();
        assert!(err.contains("index 3") && err.contains("axis 1"), "{err}");
        assert_eq!(
            common_boundaries(&[3, 3, 3, 1], &[4, 4, 2]),
            vec![3, 1, 2, 2, 1, 1]
        );
        assert_eq!(common_boundaries(&[0], &[0]), vec![0]);
    }
}

//! `Chunks`: the per-axis chunk lengths of an array (Dask's tuple of tuples),
//! and the block-index ↔ element-range arithmetic over them.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::size::{check_grid, checked_size, filled_vec};

/// The shape of an array: one length per axis.
pub type Shape = Vec<usize>;

/// Per-axis chunk lengths. Always consistent: every length is ≥ 1 unless the
/// axis is empty, in which case the axis has the single chunk `0` (as Dask).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Vec<usize>>", into = "Vec<Vec<usize>>")]
pub struct Chunks {
    axes: Vec<Vec<usize>>,
}

impl Chunks {
    /// Explicit chunks, checked: no zero-length chunk on a non-empty axis, and
    /// each axis' sum, the element count and the block count at most
    /// [`MAX_SIZE`](crate::MAX_SIZE) ([`Error::SizeOverflow`] otherwise).
    ///
    /// ```
    /// use tessera_chunk_core::Chunks;
    /// let c = Chunks::new(vec![vec![5, 5], vec![3, 3, 1]]).unwrap();
    /// assert_eq!(c.shape(), vec![10, 7]);
    /// assert_eq!(c.numblocks(), vec![2, 3]);
    /// ```
    pub fn new(axes: Vec<Vec<usize>>) -> Result<Self> {
        let shape = check_grid(&axes)?;
        for (axis, (c, &dim)) in axes.iter().zip(&shape).enumerate() {
            if dim > 0 && c.contains(&0) {
                return Err(Error::ZeroChunk { axis, dim });
            }
        }
        Ok(Chunks { axes })
    }

    /// Regular chunks of at most `chunk[i]` along axis `i`, the last one shorter.
    ///
    /// ```
    /// use tessera_chunk_core::Chunks;
    /// let c = Chunks::regular(&[10], &[3]).unwrap();
    /// assert_eq!(c.axis(0), &[3, 3, 3, 1]);
    /// ```
    pub fn regular(shape: &[usize], chunk: &[usize]) -> Result<Self> {
        if shape.len() != chunk.len() {
            return Err(Error::RankMismatch {
                what: "chunks".into(),
                expected: shape.len(),
                got: chunk.len(),
            });
        }
        // Before any chunk list is allocated: a shape too large is an error, not an abort.
        checked_size(shape)?;
        let axes = shape
            .iter()
            .zip(chunk)
            .enumerate()
            .map(|(axis, (&dim, &c))| regular_axis(axis, dim, c, shape))
            .collect::<Result<Vec<_>>>()?;
        check_grid(&axes)?;
        Ok(Chunks { axes })
    }

    /// One chunk covering the whole array. Not checked: where the shape comes
    /// from a user, check it with [`checked_size`](crate::checked_size) first.
    pub fn single(shape: &[usize]) -> Self {
        Chunks {
            axes: shape.iter().map(|&d| vec![d]).collect(),
        }
    }

    /// Chunks of a 0-d array.
    pub fn scalar() -> Self {
        Chunks { axes: Vec::new() }
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.axes.len()
    }

    /// The chunk lengths along one axis.
    ///
    /// # Panics
    /// If `axis >= self.ndim()`; normalise a user's axis first
    /// ([`normalize_axis`](crate::normalize_axis)) or use [`Chunks::axes`]`.get(axis)`.
    pub fn axis(&self, axis: usize) -> &[usize] {
        &self.axes[axis]
    }

    /// All axes' chunk lengths.
    pub fn axes(&self) -> &[Vec<usize>] {
        &self.axes
    }

    /// The chunks of the transpose: axis `j` is axis `axes[j]` (`None` if
    /// `axes` names an axis that does not exist).
    pub fn permuted(&self, axes: &[usize]) -> Option<Chunks> {
        let lists = axes.iter().map(|&a| self.axes.get(a).cloned());
        Some(Chunks {
            axes: lists.collect::<Option<Vec<_>>>()?,
        })
    }

    /// The array shape these chunks tile.
    pub fn shape(&self) -> Shape {
        self.axes.iter().map(|c| c.iter().sum()).collect()
    }

    /// Number of blocks along each axis.
    pub fn numblocks(&self) -> Vec<usize> {
        self.axes.iter().map(Vec::len).collect()
    }

    /// Total number of blocks (Dask's `npartitions`).
    pub fn num_blocks(&self) -> usize {
        self.axes.iter().map(Vec::len).product()
    }

    /// The largest chunk length along each axis (Dask's `chunksize`).
    pub fn chunksize(&self) -> Vec<usize> {
        self.axes
            .iter()
            .map(|c| c.iter().copied().max().unwrap_or(0))
            .collect()
    }

    /// Start offsets of every chunk along one axis, plus the axis length at the end.
    ///
    /// # Panics
    /// If `axis >= self.ndim()`, as [`Chunks::axis`].
    pub fn offsets(&self, axis: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.axes[axis].len() + 1);
        let mut acc = 0;
        out.push(0);
        for &c in &self.axes[axis] {
            acc += c;
            out.push(acc);
        }
        out
    }

    /// Check that `index` names a block of this grid.
    pub fn check_block(&self, index: &[usize]) -> Result<()> {
        let grid = self.numblocks();
        if index.len() != grid.len() || index.iter().zip(&grid).any(|(i, n)| i >= n) {
            return Err(Error::BlockIndexOutOfBounds {
                index: index.to_vec(),
                grid,
            });
        }
        Ok(())
    }

    /// The shape of one block.
    pub fn block_shape(&self, index: &[usize]) -> Result<Shape> {
        self.check_block(index)?;
        Ok(index.iter().zip(&self.axes).map(|(&i, c)| c[i]).collect())
    }

    /// The element ranges, per axis, that one block covers.
    ///
    /// ```
    /// use tessera_chunk_core::Chunks;
    /// let c = Chunks::regular(&[10, 4], &[3, 4]).unwrap();
    /// assert_eq!(c.block_range(&[3, 0]).unwrap(), vec![9..10, 0..4]);
    /// ```
    pub fn block_range(&self, index: &[usize]) -> Result<Vec<Range<usize>>> {
        self.check_block(index)?;
        Ok(index
            .iter()
            .zip(&self.axes)
            .map(|(&i, c)| {
                let start: usize = c[..i].iter().sum();
                start..start + c[i]
            })
            .collect())
    }

    /// The block that holds the element at `point` (each coordinate inside the shape).
    pub fn block_of(&self, point: &[usize]) -> Result<Vec<usize>> {
        let shape = self.shape();
        if point.len() != shape.len() {
            return Err(Error::RankMismatch {
                what: "point".into(),
                expected: shape.len(),
                got: point.len(),
            });
        }
        point
            .iter()
            .enumerate()
            .map(|(axis, &p)| {
                if p >= shape[axis] {
                    return Err(Error::IndexOutOfBounds {
                        index: p as i64,
                        axis,
                        len: shape[axis],
                    });
                }
                let offsets = self.offsets(axis);
                // The last offset <= p names the block (offsets are sorted).
                Ok(offsets.partition_point(|&o| o <= p) - 1)
            })
            .collect()
    }

    /// Linear (C-order) number of a block index.
    pub fn linear_index(&self, index: &[usize]) -> usize {
        index
            .iter()
            .zip(&self.axes)
            .fold(0, |acc, (&i, c)| acc * c.len() + i)
    }

    /// Every block index in C order (last axis fastest).
    ///
    /// ```
    /// use tessera_chunk_core::Chunks;
    /// let c = Chunks::regular(&[4, 4], &[2, 2]).unwrap();
    /// let all: Vec<_> = c.blocks().collect();
    /// assert_eq!(all, vec![vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]]);
    /// ```
    pub fn blocks(&self) -> BlockIndices {
        BlockIndices::new(self.numblocks())
    }

    /// Total number of elements, with overflow reported as an error.
    pub fn size(&self) -> Result<usize> {
        checked_size(&self.shape())
    }

    /// Consume into the raw per-axis lists.
    pub fn into_inner(self) -> Vec<Vec<usize>> {
        self.axes
    }
}

fn regular_axis(axis: usize, dim: usize, chunk: usize, shape: &[usize]) -> Result<Vec<usize>> {
    if dim == 0 {
        return Ok(vec![0]);
    }
    if chunk == 0 {
        return Err(Error::ZeroChunk { axis, dim });
    }
    let mut v = filled_vec(chunk, dim / chunk, shape)?;
    if !dim.is_multiple_of(chunk) {
        v.push(dim % chunk);
    }
    Ok(v)
}

impl TryFrom<Vec<Vec<usize>>> for Chunks {
    type Error = Error;

    fn try_from(axes: Vec<Vec<usize>>) -> Result<Self> {
        Chunks::new(axes)
    }
}

impl From<Chunks> for Vec<Vec<usize>> {
    fn from(c: Chunks) -> Self {
        c.axes
    }
}

impl fmt::Display for Chunks {
    /// Python's tuple-of-tuples notation: `((5, 5), (3, 3, 1))`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner: Vec<String> = self.axes.iter().map(|c| py_tuple(c)).collect();
        f.write_str(&py_tuple_str(&inner))
    }
}

/// Format integers as a Python tuple: `(10,)`, `(3, 4)`, `()`.
pub fn py_tuple<T: fmt::Display>(items: &[T]) -> String {
    let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
    py_tuple_str(&parts)
}

fn py_tuple_str(parts: &[String]) -> String {
    match parts.len() {
        1 => format!("({},)", parts[0]),
        _ => format!("({})", parts.join(", ")),
    }
}

/// Iterator over block indices of a grid in C order.
#[derive(Debug, Clone)]
pub struct BlockIndices {
    grid: Vec<usize>,
    next: Option<Vec<usize>>,
}

impl BlockIndices {
    /// Iterate over every index of a grid with `grid[i]` blocks along axis `i`.
    pub fn new(grid: Vec<usize>) -> Self {
        let next = if grid.contains(&0) {
            None
        } else {
            Some(vec![0; grid.len()])
        };
        BlockIndices { grid, next }
    }
}

impl Iterator for BlockIndices {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        let current = self.next.take()?;
        let mut succ = current.clone();
        for axis in (0..succ.len()).rev() {
            succ[axis] += 1;
            if succ[axis] < self.grid[axis] {
                self.next = Some(succ);
                return Some(current);
            }
            succ[axis] = 0;
        }
        Some(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seed_chunks() {
        let c = Chunks::regular(&[1000, 1000, 1000], &[255, 255, 255]).unwrap();
        assert_eq!(c.axis(0), &[255, 255, 255, 235]);
        assert_eq!(c.num_blocks(), 64);
        assert_eq!(c.chunksize(), vec![255, 255, 255]);
        assert_eq!(
            c.to_string(),
            "((255, 255, 255, 235), (255, 255, 255, 235), (255, 255, 255, 235))"
        );
    }

    #[test]
    fn empty_axes_have_one_zero_chunk() {
        let c = Chunks::regular(&[0, 5], &[3, 3]).unwrap();
        assert_eq!(c.axes(), &[vec![0], vec![3, 2]]);
        assert_eq!(c.num_blocks(), 2);
        assert!(Chunks::new(vec![vec![3, 0, 2]]).is_err());
        assert!(Chunks::regular(&[4], &[0]).is_err());
    }

    #[test]
    fn scalar_has_one_block() {
        let c = Chunks::scalar();
        assert_eq!(c.blocks().collect::<Vec<_>>(), vec![Vec::<usize>::new()]);
        assert_eq!(c.num_blocks(), 1);
        assert_eq!(c.to_string(), "()");
        assert_eq!(py_tuple(&[10]), "(10,)");
    }

    #[test]
    fn bad_block_index_is_an_error() {
        let c = Chunks::regular(&[10], &[5]).unwrap();
        assert!(matches!(
            c.block_range(&[2]),
            Err(Error::BlockIndexOutOfBounds { .. })
        ));
        assert!(c.block_of(&[10]).is_err());
    }

    #[test]
    fn sums_and_sizes_past_isize_max_are_errors() {
        let big = usize::MAX / 2 + 1;
        for axes in [
            vec![vec![big, big]],
            vec![vec![1 << 40], vec![1 << 40]],
            vec![vec![0], vec![1; 3], vec![usize::MAX]],
        ] {
            let e = Chunks::new(axes.clone()).unwrap_err();
            assert!(matches!(e, Error::SizeOverflow { .. }), "{axes:?}: {e}");
        }
        let e = Chunks::regular(&[1 << 40, 1 << 40], &[1, 1]).unwrap_err();
        assert!(
            e.to_string().contains("[1099511627776, 1099511627776]"),
            "{e}"
        );
        assert!(Chunks::single(&[1 << 40, 1 << 40]).size().is_err());
    }

    fn arb_chunks() -> impl Strategy<Value = Chunks> {
        prop::collection::vec(prop::collection::vec(1usize..7, 1..5), 0..4)
            .prop_map(|axes| Chunks::new(axes).unwrap())
    }

    proptest! {
        #[test]
        fn blocks_tile_the_array_exactly(c in arb_chunks()) {
            let shape = c.shape();
            let size: usize = shape.iter().product();
            let mut seen = vec![0u8; size];
            let blocks: Vec<_> = c.blocks().collect();
            prop_assert_eq!(blocks.len(), c.num_blocks());
            for (n, b) in blocks.iter().enumerate() {
                prop_assert_eq!(c.linear_index(b), n);
                let r = c.block_range(b).unwrap();
                // Walk every element of the block and mark it.
                let mut pts = vec![vec![]];
                for range in &r {
                    pts = pts.into_iter().flat_map(|p: Vec<usize>| range.clone().map(move |i| {
                        let mut q = p.clone(); q.push(i); q
                    })).collect();
                }
                for p in pts {
                    prop_assert_eq!(&c.block_of(&p).unwrap(), b);
                    let lin = p.iter().zip(&shape).fold(0, |a, (&i, &d)| a * d + i);
                    seen[lin] += 1;
                }
            }
            prop_assert!(seen.iter().all(|&s| s == 1));
        }
    }
}

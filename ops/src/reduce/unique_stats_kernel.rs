//! Kernels of the `unique_*` family beyond the values themselves: per-block
//! counts and first indices of the sorted distinct values, their merges,
//! NaN counts and the inverse indices.
//!
//! Every statistic block is aligned with the values block that
//! [`UniqueBlock`](crate::reduce::unique_kernel::UniqueBlock) gives for the
//! same inputs: both sort by [`total_cmp`] and group equal values the same way
//! ([`same`]), so entry `i` of one describes entry `i` of the other.

use std::cmp::Ordering;

use ndarray::{ArrayD, Dimension, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, Element};
use tessera_graph::{Kernel, KernelError};

use crate::reduce::topk_kernel::total_cmp;

/// Which statistic of each distinct value a block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UniqueStat {
    /// How many elements hold the value.
    Count,
    /// The flat (C order) index of its first occurrence in the whole array.
    First,
}

/// Whether two values fall in one group: equal, or both NaN when NaNs are
/// equal (`equal_nan`, NumPy's `np.unique`); the Array API's `unique_*`
/// keep every NaN apart.
#[allow(clippy::eq_op)]
pub(crate) fn same<T: PartialOrd>(a: &T, b: &T, equal_nan: bool) -> bool {
    a == b || (equal_nan && a != a && b != b)
}

/// Group sorted `(value, stat)` pairs and combine each group's stats.
fn grouped<T: Element + PartialOrd>(
    mut pairs: Vec<(T, i64)>,
    stat: UniqueStat,
    equal_nan: bool,
) -> Result<Block, KernelError> {
    // Stable, so among equal values the first stays first.
    pairs.sort_by(|a, b| total_cmp(&a.0, &b.0));
    let mut out: Vec<i64> = Vec::new();
    let mut last: Option<T> = None;
    for (v, s) in pairs {
        match (&last, out.last_mut()) {
            (Some(l), Some(acc)) if same(l, &v, equal_nan) => {
                *acc = match stat {
                    UniqueStat::Count => *acc + s,
                    UniqueStat::First => (*acc).min(s),
                }
            }
            _ => {
                out.push(s);
                last = Some(v);
            }
        }
    }
    let n = out.len();
    ArrayD::from_shape_vec(IxDyn(&[n]), out)
        .map(Block::from_array)
        .map_err(|e| KernelError::new(e.to_string()))
}

/// Counts or first indices of the distinct values of one block of an array
/// of `shape`, the block starting at `origin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UniqueBlockStat {
    /// The statistic.
    pub stat: UniqueStat,
    /// Whether NaNs form one group.
    pub equal_nan: bool,
    /// Where the block starts in the array.
    pub origin: Vec<usize>,
    /// The whole array's shape (for flat indices).
    pub shape: Vec<usize>,
}

crate::kernel::kernel_id!(UniqueBlockStat, "tessera.unique_block_stat");

impl UniqueBlockStat {
    fn pairs<T: Element>(&self, block: &Block) -> Result<Vec<(T, i64)>, KernelError> {
        let a = block.as_array::<T>()?;
        // C-order strides of the whole array, to turn block positions into flat indices.
        let mut strides = vec![1usize; self.shape.len()];
        for d in (0..self.shape.len().saturating_sub(1)).rev() {
            strides[d] = strides[d + 1] * self.shape[d + 1];
        }
        a.indexed_iter()
            .map(|(at, &v)| {
                let flat: usize = (0..at.ndim())
                    .map(|d| (self.origin.get(d).copied().unwrap_or(0) + at[d]) * strides[d])
                    .sum();
                let s = match self.stat {
                    UniqueStat::Count => 1,
                    UniqueStat::First => i64::try_from(flat)
                        .map_err(|_| KernelError::new("flat index beyond i64"))?,
                };
                Ok((v, s))
            })
            .collect()
    }

    fn of<T: Element + PartialOrd>(&self, block: &Block) -> Result<Block, KernelError> {
        grouped(self.pairs::<T>(block)?, self.stat, self.equal_nan)
    }
}

impl Kernel for UniqueBlockStat {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        crate::with_numeric_block!(a, x => self.of_like(x, a), bool => match a {
            Block::Bool(_) => self.of::<bool>(a),
            other => Err(unsupported(other)),
        })
    }
}

impl UniqueBlockStat {
    fn of_like<T: Element + PartialOrd>(
        &self,
        _like: &ndarray::ArcArray<T, IxDyn>,
        a: &Block,
    ) -> Result<Block, KernelError> {
        self.of::<T>(a)
    }
}

fn unsupported(b: &Block) -> KernelError {
    KernelError::new(format!(
        "unique of {} blocks is not supported yet",
        b.dtype()
    ))
}

/// Merge per-block statistics: inputs are `parts` values blocks, then the
/// `parts` statistic blocks aligned with them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UniqueStatMerge {
    /// The statistic.
    pub stat: UniqueStat,
    /// Whether NaNs form one group.
    pub equal_nan: bool,
    /// How many blocks of each kind.
    pub parts: usize,
}

crate::kernel::kernel_id!(UniqueStatMerge, "tessera.unique_stat_merge");

impl UniqueStatMerge {
    fn merge_like<T: Element + PartialOrd>(
        &self,
        _like: &ndarray::ArcArray<T, IxDyn>,
        inputs: &[Block],
    ) -> Result<Block, KernelError> {
        self.merge::<T>(inputs)
    }

    fn merge<T: Element + PartialOrd>(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let (values, stats) = inputs.split_at(self.parts);
        let mut pairs = Vec::new();
        for (v, s) in values.iter().zip(stats) {
            let (v, s) = (v.as_array::<T>()?, s.as_array::<i64>()?);
            if v.len() != s.len() {
                return Err(KernelError::new(format!(
                    "unique merge: {} values but {} statistics",
                    v.len(),
                    s.len()
                )));
            }
            pairs.extend(v.iter().copied().zip(s.iter().copied()));
        }
        grouped(pairs, self.stat, self.equal_nan)
    }
}

impl Kernel for UniqueStatMerge {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        if inputs.len() != 2 * self.parts || self.parts == 0 {
            return Err(crate::kernel::arity(
                self.id(),
                2 * self.parts,
                inputs.len(),
            ));
        }
        let first = &inputs[0];
        crate::with_numeric_block!(first, x => self.merge_like(x, inputs), bool => match first {
            Block::Bool(_) => self.merge::<bool>(inputs),
            other => Err(unsupported(other)),
        })
    }
}

/// How many NaNs a block holds, as a one-element int64 block.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NanCount {}

crate::kernel::kernel_id!(NanCount, "tessera.nan_count");

impl Kernel for NanCount {
    crate::kernel::json_kernel!();
    #[allow(clippy::eq_op)]
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        let n = match a {
            Block::F64(x) => x.iter().filter(|v| v.is_nan()).count(),
            Block::F32(x) => x.iter().filter(|v| v.is_nan()).count(),
            Block::F16(x) => x.iter().filter(|v| v.is_nan()).count(),
            _ => 0,
        };
        Ok(Block::from_array(ArrayD::from_elem(IxDyn(&[1]), n as i64)))
    }
}

/// The inverse indices of one block: for each element, its position in the
/// sorted distinct `values` (the second input). With NaNs apart, the k-th
/// NaN of this block takes position `nan_start + k`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UniqueInverse {
    /// Whether NaNs form one group.
    pub equal_nan: bool,
    /// Position of this block's first NaN among the values.
    pub nan_start: i64,
}

crate::kernel::kernel_id!(UniqueInverse, "tessera.unique_inverse");

impl UniqueInverse {
    fn of_like<T: Element + PartialOrd>(
        &self,
        _like: &ndarray::ArcArray<T, IxDyn>,
        a: &Block,
        values: &Block,
    ) -> Result<Block, KernelError> {
        self.of::<T>(a, values)
    }

    #[allow(clippy::eq_op)]
    fn of<T: Element + PartialOrd>(&self, a: &Block, values: &Block) -> Result<Block, KernelError> {
        let (a, values) = (a.as_array::<T>()?, values.as_array::<T>()?);
        let values: Vec<T> = values.iter().copied().collect();
        // NaNs sort last: the numbers are the prefix before the first NaN.
        let numbers = values.partition_point(|v| v == v);
        let mut next_nan = self.nan_start;
        let mut missing = None;
        let out = a.mapv(|v| {
            if v != v {
                if self.equal_nan {
                    return numbers as i64;
                }
                next_nan += 1;
                return next_nan - 1;
            }
            let at = values[..numbers].partition_point(|u| total_cmp(u, &v) == Ordering::Less);
            if at >= numbers || values[at] != v {
                missing = Some(v);
            }
            at as i64
        });
        if let Some(v) = missing {
            return Err(KernelError::new(format!(
                "unique inverse: the value {v:?} is not among the unique values"
            )));
        }
        Ok(Block::from_array(out))
    }
}

impl Kernel for UniqueInverse {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a, values] = crate::kernel::exactly(self.id(), inputs)?;
        crate::with_numeric_block!(a, x => self.of_like(x, a, values), bool => match a {
            Block::Bool(_) => self.of::<bool>(a, values),
            other => Err(unsupported(other)),
        })
    }
}

//! `IndexItem`, one item of a NumPy basic index, its conversions from
//! integers and ranges, and the `s!` macro that builds an index list.

/// One item of a basic index, as NumPy and Dask accept them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexItem {
    /// An integer (negative counts from the end); drops the axis.
    Int(i64),
    /// `start:stop:step`, each part optional as in Python.
    Slice {
        /// First position (Python semantics; `None` is the natural start).
        start: Option<i64>,
        /// Position to stop before (`None` runs to the end).
        stop: Option<i64>,
        /// Stride; `None` means 1, zero is an error, negative walks backwards.
        step: Option<i64>,
    },
    /// `None` / `np.newaxis`: a new axis of length 1.
    NewAxis,
    /// `...`: as many full slices as the other items leave unindexed.
    Ellipsis,
}

impl IndexItem {
    /// An integer index.
    pub const fn int(i: i64) -> Self {
        IndexItem::Int(i)
    }

    /// A slice with Python's optional parts.
    pub const fn slice(start: Option<i64>, stop: Option<i64>, step: Option<i64>) -> Self {
        IndexItem::Slice { start, stop, step }
    }

    /// The full slice `:`.
    pub const fn full() -> Self {
        IndexItem::slice(None, None, None)
    }

    /// The slice `start:stop`.
    pub const fn range(start: i64, stop: i64) -> Self {
        IndexItem::slice(Some(start), Some(stop), None)
    }
}

macro_rules! index_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for IndexItem {
            fn from(i: $t) -> Self {
                IndexItem::Int(i as i64)
            }
        }
        impl From<std::ops::Range<$t>> for IndexItem {
            fn from(r: std::ops::Range<$t>) -> Self {
                IndexItem::slice(Some(r.start as i64), Some(r.end as i64), None)
            }
        }
        impl From<std::ops::RangeFrom<$t>> for IndexItem {
            fn from(r: std::ops::RangeFrom<$t>) -> Self {
                IndexItem::slice(Some(r.start as i64), None, None)
            }
        }
        impl From<std::ops::RangeTo<$t>> for IndexItem {
            fn from(r: std::ops::RangeTo<$t>) -> Self {
                IndexItem::slice(None, Some(r.end as i64), None)
            }
        }
    )*};
}

index_from_int!(i32, i64, isize, usize);

impl From<std::ops::RangeFull> for IndexItem {
    fn from(_: std::ops::RangeFull) -> Self {
        IndexItem::full()
    }
}

impl IndexItem {
    /// A slice with a step: `IndexItem::step(.., -1)` is Python's `::-1`.
    pub fn step(range: impl Into<IndexItem>, step: i64) -> Self {
        match range.into() {
            IndexItem::Slice { start, stop, .. } => IndexItem::slice(start, stop, Some(step)),
            other => other,
        }
    }
}

/// Build an index list: `s![3, 1..8, IndexItem::NewAxis, IndexItem::step(.., -2)]`.
///
/// ```
/// use tessera_chunk_core::{s, slice_plan, Chunks, IndexItem};
/// let c = Chunks::regular(&[10, 10], &[3, 3]).unwrap();
/// let plan = slice_plan(&c, &s![2, IndexItem::step(.., -1)]).unwrap();
/// assert_eq!(plan.shape(), vec![10]);
/// ```
#[macro_export]
macro_rules! s {
    ($($e:expr),* $(,)?) => {
        [$($crate::IndexItem::from($e)),*]
    };
}

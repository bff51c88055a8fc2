//! The sort family: `sort`, `argsort` (a sort of each chunk, then a merge
//! of sorted chunks by rank ranges) and `searchsorted` (`layers.rs`), the
//! order they share and the rank selection (`order.rs`), and their kernels.

pub mod kernels;
pub(crate) mod layers;
pub mod order;

pub use layers::{argsort, searchsorted, sort};

use crate::kernel::{entry, KernelEntry};

/// The kernels of the sort family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        entry::<kernels::SortChunk>(),
        entry::<kernels::MergeSorted>(),
        entry::<kernels::SearchBlock>(),
    ]
}

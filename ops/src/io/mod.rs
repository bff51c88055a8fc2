//! The io family: arrays read from and written to chunk stores, block by
//! block inside tasks (`store.rs`). Its kernels reopen their store from a
//! locator, so each has its own rebuild.

pub(crate) mod store;

pub use store::*;

use crate::kernel::{KernelEntry, KernelId};

/// The kernels of the io family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        (store::ReadRegion::ID, store::read_region_from_json),
        (store::WriteChunk::ID, store::write_chunk_from_json),
        (store::Opened::ID, store::opened_from_json),
        (store::CountWritten::ID, store::count_written_from_json),
    ]
}

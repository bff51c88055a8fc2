//! The reshape family: `concatenate`, `stack`, `ravel`, `reshape` (`join.rs`)
//! and the axis permutations `transpose`, `swapaxes` (`axes.rs`), with their
//! kernels; `broadcast_to`/`broadcast_arrays` (`broadcast.rs`), `repeat`
//! and `tile` (`repeat.rs`), `tril`/`triu` (`tri.rs`).

pub(crate) mod axes;
pub mod broadcast;
pub mod join;
pub mod repeat;
pub mod reshape_kernel;
pub mod transpose_kernel;
pub mod tri;

pub use axes::*;
pub use broadcast::{broadcast_arrays, broadcast_to, broadcast_to_chunks, meshgrid};
pub use repeat::{repeat, repeat_counts, tile};
pub use tri::{tril, triu};

use crate::kernel::{entry, KernelEntry};

/// The kernels of the reshape family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        entry::<reshape_kernel::Reshape>(),
        entry::<transpose_kernel::Transpose>(),
        entry::<broadcast::BroadcastBlock>(),
        entry::<repeat::RepeatSlab>(),
        entry::<tri::TriBlock>(),
    ]
}

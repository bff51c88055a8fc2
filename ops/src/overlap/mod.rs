//! The overlap family: `overlap`, `trim_internal`, `map_overlap` (`layers.rs`),
//! their per-axis geometry (`plan.rs`) and the kernel assembling one
//! overlapped block (`overlap_kernel.rs`).

pub(crate) mod boundary;
pub(crate) mod layers;
pub mod overlap_kernel;
pub(crate) mod plan;

pub use boundary::Boundary;
pub use layers::*;
pub use plan::ensure_minimum_chunksize;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the overlap family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![entry::<overlap_kernel::OverlapBlock>()]
}

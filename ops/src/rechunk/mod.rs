//! The rechunk family: Dask's staged rechunk plan as layers (`layers.rs`) and
//! the kernel assembling a block from pieces of others (`assemble_kernel.rs`).

pub mod assemble_kernel;
pub(crate) mod layers;

pub use layers::*;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the rechunk family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![entry::<assemble_kernel::Assemble>()]
}

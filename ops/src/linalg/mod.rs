//! The linear-algebra family: `tensordot`, `dot`, `matmul` (`tensordot.rs`)
//! and `einsum` (`einsum.rs`), each with its block kernel.

pub mod einsum;
pub mod einsum_kernel;
pub(crate) mod tensordot;
pub mod tensordot_kernel;

pub use tensordot::*;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the linear-algebra family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        entry::<tensordot_kernel::TensordotBlock>(),
        entry::<einsum_kernel::EinsumBlock>(),
    ]
}

//! The reshape family: `concatenate`, `stack`, `ravel`, `reshape` (`join.rs`)
//! and the axis permutations `transpose`, `swapaxes` (`axes.rs`), with their
//! kernels.

pub(crate) mod axes;
pub mod join;
pub mod reshape_kernel;
pub mod transpose_kernel;

pub use axes::*;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the reshape family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        entry::<reshape_kernel::Reshape>(),
        entry::<transpose_kernel::Transpose>(),
    ]
}

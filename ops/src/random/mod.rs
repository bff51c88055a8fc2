//! The random family: random arrays (`layers.rs`), their block kernel
//! (`random_kernel.rs`) and the counter-based generator (`counter_rng.rs`).

pub mod counter_rng;
pub(crate) mod layers;
pub mod random_kernel;

pub use layers::*;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the random family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![entry::<random_kernel::RandomBlock>()]
}

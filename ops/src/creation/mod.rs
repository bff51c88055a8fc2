//! The creation family: arrays from a fill value or a range (`fill.rs`, with
//! `full_kernel.rs` and `range_kernel.rs`), the identity-like `eye` (`eye.rs`) and from an in-memory array
//! (`from_array.rs`).

pub mod eye;
pub(crate) mod fill;
pub mod from_array;
pub mod full_kernel;
pub mod range_kernel;

pub use eye::eye;
pub use fill::*;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the creation family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        entry::<full_kernel::Full>(),
        entry::<range_kernel::Range>(),
        entry::<eye::EyeBlock>(),
    ]
}

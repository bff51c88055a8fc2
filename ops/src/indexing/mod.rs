//! The indexing family: basic indexing (`slicing.rs`), integer-array and
//! mask indexing (`take.rs`, planned in `take_plan.rs`), `block` and the
//! axis routines built on slicing (`routines.rs`), `nonzero`, with their kernels.

pub mod block;
pub mod nonzero;
pub mod routines;
pub mod slice_kernel;
pub mod slicing;
pub(crate) mod take;
pub mod take_along;
pub mod take_kernel;
pub mod take_plan;

pub use block::{block, Nested};
pub use routines::{diff, expand_dims, flip, moveaxis, roll, squeeze};
pub use take::*;
pub use take_along::take_along_axis;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the indexing family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        entry::<slice_kernel::SliceBlock>(),
        entry::<take_kernel::TakeBlock>(),
        entry::<take_along::TakeAlongBlock>(),
        entry::<nonzero::NonzeroBlock>(),
    ]
}

//! The elementwise family: NumPy broadcasting, Dask's chunk unification and
//! NumPy's dtype rules (`layers.rs`), and the binary, unary, cast and `where`
//! kernels (`kernels.rs`).

pub mod kernels;
pub(crate) mod layers;

pub use layers::*;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the elementwise family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        entry::<kernels::Binary>(),
        entry::<kernels::BinaryScalar>(),
        entry::<kernels::Unary>(),
        entry::<kernels::Cast>(),
        entry::<kernels::Where>(),
        entry::<kernels::ComplexPart>(),
    ]
}

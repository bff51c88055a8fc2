//! The kernels ops put in tasks: each a small serialisable struct with a stable id.

pub mod assemble;
pub mod counter_rng;
pub mod einsum;
pub mod elementwise;
pub mod full;
pub mod linalg;
pub mod overlap;
pub mod random;
pub mod range;
pub mod reduce;
pub mod reshape;
pub mod slice;
pub mod take;
pub mod transpose;

// The reduction family beyond sums: scans, arg reductions, NaN skipping,
// histograms, topk, unique.
pub mod arg;
pub mod cumulative;
pub mod histogram;
mod nan;
pub mod topk;
pub mod unique;

use tessera_graph::{KernelError, Params};

/// Serialise a kernel's parameters to JSON for `Kernel::params`.
pub(crate) fn json_params<T: serde::Serialize>(p: &T) -> Params {
    match serde_json::to_string(p) {
        Ok(s) => Params::Json(s),
        // Every kernel parameter type is plain data; this is unreachable in practice.
        Err(_) => Params::InProcessOnly,
    }
}

/// The error for a kernel given the wrong number of inputs.
pub(crate) fn arity(id: &str, want: usize, got: usize) -> KernelError {
    KernelError::of(
        tessera_graph::KernelErrorKind::Inputs,
        format!("{id} takes {want} input blocks, got {got}"),
    )
}

/// The kernels of the reduction family (cumulative, arg, histogram, topk, unique), for the registry.
pub(crate) fn reduction_family() -> Vec<(&'static str, crate::registry::KernelConstructor)> {
    use crate::registry::from_json;
    vec![
        (
            "tessera.cumulative_block",
            from_json::<cumulative::CumulativeBlock>,
        ),
        (
            "tessera.cumulative_carry",
            from_json::<cumulative::CumulativeCarry>,
        ),
        ("tessera.arg_chunk", from_json::<arg::ArgChunk>),
        ("tessera.arg_combine", from_json::<arg::ArgCombine>),
        ("tessera.arg_aggregate", from_json::<arg::ArgAggregate>),
        (
            "tessera.histogram_block",
            from_json::<histogram::HistogramBlock>,
        ),
        ("tessera.topk", from_json::<topk::TopkBlock>),
        ("tessera.unique", from_json::<unique::UniqueBlock>),
    ]
}

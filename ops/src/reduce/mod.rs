//! The reduction family: tree reductions (`sum` … `var`, with NaN skipping),
//! arg reductions, cumulative scans, histograms, `topk` and `unique`. Each
//! operation's layer builder sits next to its kernels (`*_kernel(s).rs`).

pub mod arg;
pub mod arg_kernels;
pub mod cumulative;
pub mod cumulative_kernels;
pub mod histogram;
pub mod histogram_kernel;
pub(crate) mod nan;
pub mod reduce_kernels;
pub mod reduce_op;
pub mod reduction;
pub mod topk;
pub mod topk_kernel;
pub mod unique;
pub mod unique_kernel;
pub mod unique_stats_kernel;

use crate::kernel::{entry, KernelEntry};

/// The kernels of the reduction family, for the registry.
pub(crate) fn kernels() -> Vec<KernelEntry> {
    vec![
        entry::<reduce_kernels::ReduceChunk>(),
        entry::<reduce_kernels::ReduceCombine>(),
        entry::<reduce_kernels::ReduceAggregate>(),
        entry::<cumulative_kernels::CumulativeBlock>(),
        entry::<cumulative_kernels::CumulativeCarry>(),
        entry::<arg_kernels::ArgChunk>(),
        entry::<arg_kernels::ArgCombine>(),
        entry::<arg_kernels::ArgAggregate>(),
        entry::<histogram_kernel::HistogramBlock>(),
        entry::<topk_kernel::TopkBlock>(),
        entry::<unique_kernel::UniqueBlock>(),
        entry::<unique_stats_kernel::UniqueBlockStat>(),
        entry::<unique_stats_kernel::UniqueStatMerge>(),
        entry::<unique_stats_kernel::NanCount>(),
        entry::<unique_stats_kernel::UniqueInverse>(),
    ]
}

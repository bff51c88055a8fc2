//! `Task`: a kernel, the keys it reads, and the key it produces.

use crate::kernel::KernelRef;
use crate::key::Key;

/// One unit of work: run `kernel` on the blocks named by `deps` to produce `key`.
#[derive(Debug, Clone)]
pub struct Task {
    /// The output key.
    pub key: Key,
    /// The code to run.
    pub kernel: KernelRef,
    /// Input keys, in the order the kernel receives them.
    pub deps: Vec<Key>,
}

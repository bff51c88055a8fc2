//! Callbacks a scheduler calls as it runs: for progress bars and profilers.

use tessera_chunk_core::Block;
use tessera_graph::Key;

/// Hooks into a computation. Every method has an empty default; implement what you need.
/// Methods may be called from worker threads at the same time.
pub trait Callbacks: Send + Sync {
    /// When the run starts (after the memory-budget check, before the
    /// executor's own set-up), with the number of tasks.
    fn on_start(&self, _total_tasks: usize) {}
    /// A worker begins a task.
    fn on_task_start(&self, _key: &Key, _worker: usize) {}
    /// A worker finished a task successfully.
    fn on_task_finish(&self, _key: &Key, _worker: usize, _output: &Block) {}
    /// Before `on_end` of a successful run: what the run did with its memory.
    fn on_memory(&self, _usage: &crate::MemoryUsage) {}
    /// After the last task, or after the first error.
    fn on_end(&self, _ok: bool) {}
}

/// Call every callback with `f`, catching panics: a progress bar or profiler
/// that panics must not take the computation down (or leave workers hanging).
/// Returns the first panic message, if any, for the caller to report.
pub(crate) fn notify(callbacks: &[&dyn Callbacks], f: impl Fn(&dyn Callbacks)) -> Option<String> {
    let mut first = None;
    for &c in callbacks {
        if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(c))) {
            first.get_or_insert_with(|| crate::state::panic_message(payload.as_ref()));
        }
    }
    first
}

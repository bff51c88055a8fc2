//! # The tessera scheduler plugin ABI, version 1
//!
//! A scheduler plugin is a shared library exporting one symbol. The host
//! (tessera) gives it the task graph as integers and a callback that runs a
//! task; the plugin decides the order and how many threads call it.
//!
//! ```c
//! #include <stdint.h>
//! #define TESSERA_PLUGIN_ABI_VERSION 1
//!
//! /* The graph: tasks 0..n_tasks, in an order where dependencies come first.
//!    Edges are in compressed rows: task i reads
//!    deps[dep_start[i] .. dep_start[i + 1]] and is read by
//!    dependents[dependent_start[i] .. dependent_start[i + 1]]. */
//! typedef struct TesseraGraph {
//!     uint64_t n_tasks;
//!     const uint32_t *priority;          /* n_tasks; lower = more urgent (a hint) */
//!     const uint64_t *dep_start;         /* n_tasks + 1 */
//!     const uint64_t *deps;
//!     const uint64_t *dependent_start;   /* n_tasks + 1 */
//!     const uint64_t *dependents;
//! } TesseraGraph;
//!
//! typedef struct TesseraHost {
//!     void *ctx;
//!     /* Run task `task` now, on the calling thread, and report its
//!        completion: returns TESSERA_OK (0) once it completed. Call it only
//!        after every dependency of the task completed, once per task. It may
//!        be called from any number of threads at once. Any other return value
//!        (the task failed, the run was cancelled, or the call broke these
//!        rules) means: start no more tasks and return from `run`. */
//!     int32_t (*execute)(void *ctx, uint64_t task);
//! } TesseraHost;
//!
//! typedef struct TesseraPlugin {
//!     uint32_t abi_version;              /* TESSERA_PLUGIN_ABI_VERSION */
//!     const char *name;                  /* static, NUL-terminated */
//!     /* Run every task through host->execute; return when all completed
//!        (0) or after the first non-zero execute result (any value).
//!        `options` is the user's option string (static until run returns;
//!        may be empty). All pointers are valid until run returns. */
//!     int32_t (*run)(const TesseraGraph *graph, const TesseraHost *host,
//!                    const char *options);
//! } TesseraPlugin;
//!
//! /* The entry symbol: a table valid for as long as the library is loaded. */
//! const TesseraPlugin *tessera_scheduler_plugin(void);
//! ```
//!
//! The host checks `abi_version` before anything else and refuses other
//! versions. A plugin that stops calling `execute` without returning is
//! abandoned after the host's timeout (its thread cannot be stopped, so a
//! well-behaved plugin returns when `execute` says so).

use std::ffi::{c_char, c_void};

/// The ABI version this host speaks.
pub const ABI_VERSION: u32 = 1;

/// The name of the entry symbol.
pub const ENTRY_SYMBOL: &[u8] = b"tessera_scheduler_plugin";

/// `execute` completed the task.
pub const OK: i32 = 0;
/// `execute`: the task failed (the host keeps the error).
pub const FAILED: i32 = 1;
/// `execute`: the run was cancelled (an earlier failure, or a timeout).
pub const CANCELLED: i32 = 2;
/// `execute`: the call broke the rules (unknown task, run twice, dependencies not done).
pub const MISUSE: i32 = 3;

/// The task graph as the plugin sees it (see the module docs).
#[repr(C)]
#[derive(Debug)]
pub struct TesseraGraph {
    /// Number of tasks.
    pub n_tasks: u64,
    /// Per task, lower = more urgent.
    pub priority: *const u32,
    /// Row starts into `deps` (n_tasks + 1 entries).
    pub dep_start: *const u64,
    /// Dependencies, row by row.
    pub deps: *const u64,
    /// Row starts into `dependents` (n_tasks + 1 entries).
    pub dependent_start: *const u64,
    /// Dependents, row by row.
    pub dependents: *const u64,
}

/// The host's callbacks.
#[repr(C)]
#[derive(Debug)]
pub struct TesseraHost {
    /// Passed back to `execute`.
    pub ctx: *mut c_void,
    /// Run one task and report its completion.
    pub execute: extern "C" fn(ctx: *mut c_void, task: u64) -> i32,
}

/// The table a plugin's entry symbol returns.
#[repr(C)]
#[derive(Debug)]
pub struct TesseraPlugin {
    /// Must equal [`ABI_VERSION`].
    pub abi_version: u32,
    /// The plugin's name, NUL-terminated.
    pub name: *const c_char,
    /// Run the graph.
    pub run: extern "C" fn(
        graph: *const TesseraGraph,
        host: *const TesseraHost,
        options: *const c_char,
    ) -> i32,
}

/// The entry symbol's type.
pub type EntryFn = unsafe extern "C" fn() -> *const TesseraPlugin;

//! `Multiprocess`: the execution loop driving a pool of worker processes.
//!
//! Workers are this very binary started again (`std::env::current_exe()`)
//! with `TESSERA_WORKER` set: kernels are code compiled into the user's
//! binary, and only that binary can rebuild them from `(id, params)`. So a
//! program using this scheduler calls `tessera::worker::init()` first thing in
//! `main` (it serves tasks and exits when the process is a worker, and returns
//! at once otherwise); a test binary contains `tessera::worker_test!()`.
//!
//! Tasks travel as data (kernel id + serialised parameters); blocks travel as
//! [`Block::encode`] bytes, through shared-memory files above 64 KiB. Results
//! stay in the worker that made them; a task runs on the worker that holds
//! most of its input bytes, and only blocks needed elsewhere (by another
//! worker, or as outputs) are sent back to the parent — unlike Dask's
//! multiprocessing scheduler, which returns every result to the parent.
//! (So [`Callbacks::on_task_finish`] gets an empty 0-d placeholder block here.)
//!
//! Memory budgets ([`crate::RunOptions::with_budget`]) are kept with the shared
//! loop, for the whole pool: every result a worker holds counts at its true
//! size, wherever it is, and so do the copies of blocks sent from one worker
//! to another. To make room the loop drops cheap sources (their next reader
//! makes them again in its worker) or has the holding worker write a block
//! to the run's spill directory (readers read it back from there; the parent
//! removes the files and the directory, also after a failure). Workers serve
//! releases, spills and fetches while a task runs, so memory the loop counts
//! as free is freed at once; see `run.rs` for what is not counted.
//!
//! A worker that dies (killed, aborted) fails the run with
//! [`Error::WorkerDied`] naming the task it was running; any failure kills
//! the pool and the next run starts a new one. Workers exit by themselves
//! when the parent process dies.

mod placement;
mod pool;
mod protocol;
mod run;
pub mod worker;

use std::sync::Mutex;

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use crate::entry::Execution;
use crate::error::{Error, Result};
use crate::Scheduler;

pub use pool::{set_worker_command, WORKER_ARGS};
pub use worker::{
    is_worker, on_error_source, on_trim, serve_if_worker, EncodeSource, Rebuild, WORKER_ENV,
};

/// Runs tasks in `n` worker processes (see the module docs for the `init` call it needs).
pub struct Multiprocess {
    workers: usize,
    /// Started on the first run; `None` again after a failure killed it.
    pool: Mutex<Option<pool::Pool>>,
}

impl std::fmt::Debug for Multiprocess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Multiprocess({} workers)", self.workers)
    }
}

impl Multiprocess {
    /// A pool of `workers` processes (at least one), started on first use.
    pub fn new(workers: usize) -> Self {
        Multiprocess {
            workers: workers.max(1),
            pool: Mutex::new(None),
        }
    }

    /// The number of worker processes.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The process ids of the running workers (empty before the first run).
    pub fn worker_pids(&self) -> Vec<u32> {
        self.pool
            .lock()
            .map(|p| {
                p.as_ref()
                    .map(|p| p.workers.iter().map(|w| w.pid).collect())
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    }

    /// Start the workers now (they are otherwise started by the first run).
    pub fn start(&self) -> Result<()> {
        let mut guard = self.lock_pool()?;
        if guard.is_none() {
            *guard = Some(pool::Pool::start(self.workers).map_err(error)?);
        }
        Ok(())
    }

    /// Stop the workers; the next run starts new ones.
    pub fn shutdown(&self) {
        if let Ok(mut guard) = self.pool.lock() {
            *guard = None;
        }
    }

    fn lock_pool(&self) -> Result<std::sync::MutexGuard<'_, Option<pool::Pool>>> {
        // A run that panicked left the pool in an unknown state: start afresh.
        Ok(self.pool.lock().unwrap_or_else(|poisoned| {
            let mut g = poisoned.into_inner();
            *g = None;
            g
        }))
    }
}

fn error(reason: impl Into<String>) -> Error {
    Error::Scheduler {
        scheduler: "processes".into(),
        reason: reason.into(),
    }
}

/// An error naming the first task whose kernel cannot leave this process.
fn check_serialisable(graph: &TaskGraph) -> Result<()> {
    for t in &graph.tasks {
        let Err(op) = protocol::KernelSpec::of(t.kernel.as_ref()) else {
            continue;
        };
        return Err(error(format!(
            "task {} runs {op:?}, a kernel that cannot travel to a worker process (an \
             in-process closure or an in-memory store); register a named kernel with \
             register_kernel, use a store on disk (Zarr, HDF5), or use the threaded scheduler",
            t.key
        )));
    }
    Ok(())
}

impl Scheduler for Multiprocess {
    fn name(&self) -> &str {
        "processes"
    }

    fn execute(&self, graph: &TaskGraph, execution: &Execution<'_>) -> Result<Vec<Block>> {
        check_serialisable(graph)?;
        let mut guard = self.lock_pool()?;
        if guard.as_mut().is_some_and(|p| !p.healthy()) {
            *guard = None;
        }
        if guard.is_none() {
            *guard = Some(pool::Pool::start(self.workers).map_err(error)?);
        }
        let Some(pool) = guard.as_mut() else {
            return Err(error("the worker pool could not be started"));
        };
        let outcome = run::run(pool, graph, execution);
        if outcome.is_err() {
            // Workers may still be busy with the failed run, or hold its
            // results, or be dead: start afresh next time.
            *guard = None;
        }
        outcome
    }
}

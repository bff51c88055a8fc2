//! `Threaded`: the execution loop shared by a pool of worker threads.

use std::sync::{Condvar, Mutex};

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use crate::budget::MemoryBudget;
use crate::callbacks::{notify, Callbacks};
use crate::error::{Error, Result};
use crate::state::{run_task, ExecState};
use crate::Scheduler;

/// Runs tasks on `workers` threads, most urgent ready task first.
#[derive(Debug, Clone, Copy)]
pub struct Threaded {
    workers: usize,
}

impl Threaded {
    /// A pool of `workers` threads (at least one).
    pub fn new(workers: usize) -> Self {
        Threaded {
            workers: workers.max(1),
        }
    }

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        self.workers
    }
}

impl Default for Threaded {
    /// One worker per available core.
    fn default() -> Self {
        Threaded::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

impl Scheduler for Threaded {
    fn name(&self) -> &str {
        "threads"
    }

    fn run(&self, graph: &TaskGraph, callbacks: &[&dyn Callbacks]) -> Result<Vec<Block>> {
        self.run_within(graph, &MemoryBudget::unlimited(), callbacks)
    }

    fn run_within(
        &self,
        graph: &TaskGraph,
        budget: &MemoryBudget,
        callbacks: &[&dyn Callbacks],
    ) -> Result<Vec<Block>> {
        budget.check(graph)?;
        if let Some(m) = notify(callbacks, |c| c.on_start(graph.len())) {
            return Err(callback_error(m));
        }
        let shared = Mutex::new(ExecState::with_budget(graph, budget));
        let wake = Condvar::new();
        let workers = self.workers.min(graph.len().max(1));
        std::thread::scope(|scope| {
            for worker in 0..workers {
                let (shared, wake) = (&shared, &wake);
                scope.spawn(move || work(graph, shared, wake, worker, callbacks));
            }
        });
        let mut state = shared.into_inner().map_err(|_| Error::Scheduler {
            scheduler: "threads".into(),
            reason: "a worker thread died while holding the scheduler state".into(),
        })?;
        let outputs = match state.failed.take() {
            Some(e) => Err(e),
            None => state.outputs(),
        };
        if outputs.is_ok() {
            let _ = notify(callbacks, |c| c.on_memory(&state.usage));
        }
        let ended = notify(callbacks, |c| c.on_end(outputs.is_ok()));
        match (outputs, ended) {
            (Err(e), _) => Err(e),
            (Ok(_), Some(m)) => Err(callback_error(m)),
            (Ok(outputs), None) => Ok(outputs),
        }
    }
}

fn callback_error(message: String) -> Error {
    Error::Scheduler {
        scheduler: "threads".into(),
        reason: format!("a callback panicked: {message}"),
    }
}

fn work(
    graph: &TaskGraph,
    shared: &Mutex<ExecState<'_>>,
    wake: &Condvar,
    worker: usize,
    callbacks: &[&dyn Callbacks],
) {
    let Ok(mut state) = shared.lock() else { return };
    loop {
        if state.failed.is_some() || state.done() {
            wake.notify_all();
            return;
        }
        let job = match state.next_ready() {
            Ok(Some(job)) => job,
            Ok(None) => {
                // Nothing ready, or no memory for it: another worker is
                // running what we wait on.
                state = match wake.wait(state) {
                    Ok(s) => s,
                    Err(_) => return,
                };
                continue;
            }
            Err(e) => {
                state.failed.get_or_insert(e);
                continue;
            }
        };
        drop(state);
        let i = job.task;
        let key = &graph.tasks[i].key;
        let outcome = match notify(callbacks, |c| c.on_task_start(key, worker)) {
            Some(m) => Err(callback_error(m)),
            None => job
                .load(graph)
                .and_then(|(i, inputs)| run_task(graph, i, inputs)),
        };
        let outcome = outcome.and_then(|block| {
            match notify(callbacks, |c| c.on_task_finish(key, worker, &block)) {
                Some(m) => Err(callback_error(m)),
                None => Ok(block),
            }
        });
        state = match shared.lock() {
            Ok(s) => s,
            Err(_) => return,
        };
        match outcome {
            Ok(block) => {
                // This worker takes one of the new tasks itself; wake others
                // only for the rest (waking everyone per task costs more than
                // small tasks do).
                let newly_ready = state.complete(i, block);
                if state.done() || std::mem::take(&mut state.memory_waiters) {
                    // Finished, or memory freed that waiting tasks may need.
                    wake.notify_all();
                } else if newly_ready > 1 {
                    for _ in 1..newly_ready {
                        wake.notify_one();
                    }
                }
            }
            Err(e) => {
                // The first error wins and cancels everything not yet started.
                if state.failed.is_none() {
                    state.failed = Some(e);
                }
                wake.notify_all();
            }
        }
    }
}

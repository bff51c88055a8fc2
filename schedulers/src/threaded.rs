//! `Threaded`: the execution loop shared by a pool of worker threads.

use std::sync::{Condvar, Mutex};

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use crate::entry::Execution;
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

    fn execute(&self, graph: &TaskGraph, execution: &Execution<'_>) -> Result<Vec<Block>> {
        let shared = Mutex::new(ExecState::with_budget(graph, execution.budget()));
        let wake = Condvar::new();
        let workers = self.workers.min(graph.len().max(1));
        std::thread::scope(|scope| {
            for worker in 0..workers {
                let (shared, wake) = (&shared, &wake);
                scope.spawn(move || work(graph, shared, wake, worker, execution));
            }
        });
        let mut state = shared.into_inner().map_err(|_| Error::Scheduler {
            scheduler: "threads".into(),
            reason: "a worker thread died while holding the scheduler state".into(),
        })?;
        if let Some(e) = state.failed.take() {
            return Err(e);
        }
        let outputs = state.outputs()?;
        execution.memory_used(&state.usage);
        Ok(outputs)
    }
}

fn work(
    graph: &TaskGraph,
    shared: &Mutex<ExecState<'_>>,
    wake: &Condvar,
    worker: usize,
    execution: &Execution<'_>,
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
        let outcome = execution
            .task_started(key, worker)
            .and_then(|()| job.load(graph))
            .and_then(|(i, inputs)| run_task(graph, i, inputs))
            .and_then(|block| execution.task_finished(key, worker, &block).map(|()| block));
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

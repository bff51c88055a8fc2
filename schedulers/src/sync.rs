//! `Sync`: the execution loop on the calling thread — the reference executor.

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use crate::budget::MemoryBudget;
use crate::callbacks::{notify, Callbacks};
use crate::error::{Error, Result};
use crate::state::{run_task, ExecState};
use crate::Scheduler;

/// Runs every task on the calling thread, in priority order.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sync;

fn callback_error(message: String) -> Error {
    Error::Scheduler {
        scheduler: "sync".into(),
        reason: format!("a callback panicked: {message}"),
    }
}

impl Scheduler for Sync {
    fn name(&self) -> &str {
        "sync"
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
        let mut state = ExecState::with_budget(graph, budget);
        match drive(graph, &mut state, callbacks) {
            Ok(outputs) => {
                let _ = notify(callbacks, |c| c.on_memory(&state.usage));
                match notify(callbacks, |c| c.on_end(true)) {
                    Some(m) => Err(callback_error(m)),
                    None => Ok(outputs),
                }
            }
            Err(e) => {
                let _ = notify(callbacks, |c| c.on_end(false));
                Err(e)
            }
        }
    }
}

/// Run every task in order; the outputs, or the first error.
fn drive(
    graph: &TaskGraph,
    state: &mut ExecState<'_>,
    callbacks: &[&dyn Callbacks],
) -> Result<Vec<Block>> {
    while let Some(job) = state.next_ready()? {
        let key = &graph.tasks[job.task].key;
        if let Some(m) = notify(callbacks, |c| c.on_task_start(key, 0)) {
            return Err(callback_error(m));
        }
        let (i, inputs) = job.load(graph)?;
        let block = run_task(graph, i, inputs)?;
        if let Some(m) = notify(callbacks, |c| c.on_task_finish(key, 0, &block)) {
            return Err(callback_error(m));
        }
        let _ = state.complete(i, block);
    }
    state.outputs()
}

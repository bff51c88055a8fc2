//! `Synchronous`: the execution loop on the calling thread — the reference executor.

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use crate::entry::Execution;
use crate::error::Result;
use crate::state::{run_task, ExecState};
use crate::Scheduler;

/// Runs every task on the calling thread, in priority order (Dask's
/// "synchronous" scheduler; `TESSERA_SCHEDULER=sync`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Synchronous;

impl Scheduler for Synchronous {
    fn name(&self) -> &str {
        "sync"
    }

    fn execute(&self, graph: &TaskGraph, execution: &Execution<'_>) -> Result<Vec<Block>> {
        let mut state = ExecState::with_budget(graph, execution.budget());
        let outputs = drive(graph, &mut state, execution)?;
        execution.memory_used(&state.usage);
        Ok(outputs)
    }
}

/// Run every task in order; the outputs, or the first error.
fn drive(
    graph: &TaskGraph,
    state: &mut ExecState<'_>,
    execution: &Execution<'_>,
) -> Result<Vec<Block>> {
    while let Some(job) = state.next_ready()? {
        let key = &graph.tasks[job.task].key;
        execution.task_started(key, 0)?;
        let (i, inputs) = job.load(graph)?;
        let block = run_task(graph, i, inputs)?;
        execution.task_finished(key, 0, &block)?;
        let _ = state.complete(i, block);
    }
    state.outputs()
}

//! `Sync`: the execution loop on the calling thread — the reference executor.

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use crate::callbacks::{notify, Callbacks};
use crate::error::{Error, Result};
use crate::state::{run_task, ExecState};
use crate::Scheduler;

/// Runs every task on the calling thread, in priority order.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sync;

impl Scheduler for Sync {
    fn name(&self) -> &str {
        "sync"
    }

    fn run(&self, graph: &TaskGraph, callbacks: &[&dyn Callbacks]) -> Result<Vec<Block>> {
        let callback_error = |message: String| Error::Scheduler {
            scheduler: "sync".into(),
            reason: format!("a callback panicked: {message}"),
        };
        if let Some(m) = notify(callbacks, |c| c.on_start(graph.len())) {
            return Err(callback_error(m));
        }
        let mut state = ExecState::new(graph);
        while let Some((i, inputs)) = state.next_ready() {
            let key = &graph.tasks[i].key;
            let outcome = match notify(callbacks, |c| c.on_task_start(key, 0)) {
                Some(m) => Err(callback_error(m)),
                None => run_task(graph, i, inputs),
            };
            let outcome = outcome.and_then(|block| {
                match notify(callbacks, |c| c.on_task_finish(key, 0, &block)) {
                    Some(m) => Err(callback_error(m)),
                    None => Ok(block),
                }
            });
            match outcome {
                Ok(block) => {
                    let _ = state.complete(i, block);
                }
                Err(e) => {
                    let _ = notify(callbacks, |c| c.on_end(false));
                    return Err(e);
                }
            }
        }
        match notify(callbacks, |c| c.on_end(true)) {
            Some(m) => Err(callback_error(m)),
            None => Ok(state.outputs()),
        }
    }
}

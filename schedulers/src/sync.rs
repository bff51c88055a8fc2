//! `Sync`: the execution loop on the calling thread — the reference executor.

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use crate::callbacks::Callbacks;
use crate::error::Result;
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
        callbacks.iter().for_each(|c| c.on_start(graph.len()));
        let mut state = ExecState::new(graph);
        while let Some((i, inputs)) = state.next_ready() {
            let key = &graph.tasks[i].key;
            callbacks.iter().for_each(|c| c.on_task_start(key, 0));
            match run_task(graph, i, &inputs) {
                Ok(block) => {
                    callbacks
                        .iter()
                        .for_each(|c| c.on_task_finish(key, 0, &block));
                    drop(inputs);
                    let _ = state.complete(i, block);
                }
                Err(e) => {
                    callbacks.iter().for_each(|c| c.on_end(false));
                    return Err(e);
                }
            }
        }
        callbacks.iter().for_each(|c| c.on_end(true));
        Ok(state.outputs())
    }
}

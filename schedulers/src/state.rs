//! The one execution loop's state: which tasks are ready (by priority), which
//! results are alive, when to release them. Executors drive it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use tessera_chunk_core::Block;
use tessera_graph::{order, TaskGraph};

use crate::error::{Error, Result};

/// Bookkeeping for one run of a task graph.
pub(crate) struct ExecState<'g> {
    graph: &'g TaskGraph,
    priority: Vec<u32>,
    waiting_on: Vec<usize>,
    readers_left: Vec<usize>,
    is_output: Vec<bool>,
    results: Vec<Option<Block>>,
    ready: BinaryHeap<Reverse<(u32, usize)>>,
    finished: usize,
    pub(crate) failed: Option<Error>,
}

impl<'g> ExecState<'g> {
    /// Prepare to run `graph` in the static order.
    pub(crate) fn new(graph: &'g TaskGraph) -> Self {
        let priority = order(graph);
        let waiting_on: Vec<usize> = graph.deps.iter().map(Vec::len).collect();
        let mut is_output = vec![false; graph.len()];
        for &o in &graph.outputs {
            is_output[o] = true;
        }
        let ready = (0..graph.len())
            .filter(|&i| waiting_on[i] == 0)
            .map(|i| Reverse((priority[i], i)))
            .collect();
        ExecState {
            graph,
            priority,
            readers_left: graph.dependents.iter().map(Vec::len).collect(),
            waiting_on,
            is_output,
            results: vec![None; graph.len()],
            ready,
            finished: 0,
            failed: None,
        }
    }

    /// Whether every task has run.
    pub(crate) fn done(&self) -> bool {
        self.finished == self.graph.len()
    }

    /// Take the most urgent ready task with its inputs: a block this task
    /// reads last is handed over (not cloned), so the kernel may reuse it.
    pub(crate) fn next_ready(&mut self) -> Option<(usize, Vec<Block>)> {
        let Reverse((_, i)) = self.ready.pop()?;
        let deps = &self.graph.deps[i];
        let mut inputs = Vec::with_capacity(deps.len());
        for (pos, &d) in deps.iter().enumerate() {
            // Handed over only at its single remaining use (a block read twice
            // by this task stays shared).
            let last =
                self.readers_left[d] == 1 && !self.is_output[d] && !deps[pos + 1..].contains(&d);
            let block = if last {
                self.results[d].take()
            } else {
                self.results[d].clone()
            };
            if let Some(b) = block {
                inputs.push(b);
            }
        }
        Some((i, inputs))
    }

    /// Record a finished task: store its result, release inputs nobody else
    /// reads, and make dependents whose inputs are all present ready.
    pub(crate) fn complete(&mut self, i: usize, block: Block) -> usize {
        let mut newly_ready = 0;
        self.finished += 1;
        for &d in &self.graph.deps[i] {
            self.readers_left[d] -= 1;
            if self.readers_left[d] == 0 && !self.is_output[d] {
                self.results[d] = None;
            }
        }
        for &j in &self.graph.dependents[i] {
            self.waiting_on[j] -= 1;
            if self.waiting_on[j] == 0 {
                self.ready.push(Reverse((self.priority[j], j)));
                newly_ready += 1;
            }
        }
        if self.readers_left[i] > 0 || self.is_output[i] {
            self.results[i] = Some(block);
        }
        newly_ready
    }

    /// The outputs, in request order, once done.
    pub(crate) fn outputs(&mut self) -> Vec<Block> {
        self.graph
            .outputs
            .iter()
            .filter_map(|&o| self.results[o].clone())
            .collect()
    }
}

/// Run one task's kernel, turning errors and panics into an `Error` naming the key.
pub(crate) fn run_task(graph: &TaskGraph, i: usize, inputs: Vec<Block>) -> Result<Block> {
    let task = &graph.tasks[i];
    match catch_unwind(AssertUnwindSafe(|| task.kernel.run_owned(inputs))) {
        Ok(Ok(block)) => Ok(block),
        Ok(Err(e)) => Err(Error::TaskFailed {
            key: task.key.clone(),
            message: e.message,
        }),
        Err(payload) => Err(Error::TaskPanicked {
            key: task.key.clone(),
            message: panic_message(payload.as_ref()),
        }),
    }
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}

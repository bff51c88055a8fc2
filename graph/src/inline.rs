//! Source inlining, on the concrete task graph: a task that makes a block from
//! nothing, cheaply (random data, constants), runs inside each task that reads
//! it instead of as a task of its own. Its block is then never handed between
//! tasks, and a fused chain ending in a reduction makes it tile by tile
//! (see [`Fused`]), so the whole block never exists.

use std::sync::Arc;

use crate::error::Result;
use crate::fused::{Arg, Fused, Step};
use crate::kernel::{KernelRef, RowTiling};
use crate::key::Key;
use crate::task::Task;
use crate::task_graph::TaskGraph;

/// Whether task `i` is a source worth inlining: no inputs, cheap, not an
/// output, and either made from nothing (random, constants: made again by
/// every reader, unless a reader needs only part of it, as an overlap needs
/// its neighbours' margins) or read by one task only (a store read is done once).
fn inlinable(g: &TaskGraph, i: usize) -> bool {
    let readers = &g.dependents[i];
    let single_reader = readers.iter().all(|&r| r == readers[0]);
    let partly_read = readers.iter().any(|&r| g.tasks[r].kernel.reads_parts());
    let generated = matches!(g.tasks[i].kernel.row_tiling(), RowTiling::Source(_)) && !partly_read;
    g.deps[i].is_empty()
        && g.tasks[i].kernel.is_cheap()
        && !g.outputs.contains(&i)
        && !readers.is_empty()
        && (generated || single_reader)
}

/// The steps of `kernel` as a fused chain (a single step for other kernels).
fn steps_of(kernel: &KernelRef, inputs: usize, label: &str) -> Vec<Step> {
    match kernel.fused_steps() {
        Some(steps) => steps.to_vec(),
        None => vec![Step {
            kernel: kernel.clone(),
            args: (0..inputs).map(Arg::Input).collect(),
            label: label.to_string(),
        }],
    }
}

/// Inline every cheap source into the tasks that read it.
pub fn inline_sources(g: TaskGraph) -> Result<TaskGraph> {
    let n = g.len();
    let inline: Vec<bool> = (0..n).map(|i| inlinable(&g, i)).collect();
    if !inline.contains(&true) {
        return Ok(g);
    }
    let outputs: Vec<Key> = g.outputs.iter().map(|&o| g.tasks[o].key.clone()).collect();
    let mut tasks = Vec::with_capacity(n);
    let mut sizes = Vec::with_capacity(n);
    let mut extra = Vec::with_capacity(n);
    for (i, task) in g.tasks.iter().enumerate() {
        if inline[i] {
            continue;
        }
        // A task keeps its key and output; inlined sources live only inside it.
        sizes.push(g.out_bytes[i]);
        if !g.deps[i].iter().any(|&d| inline[d]) {
            tasks.push(task.clone());
            extra.push(g.extra_bytes[i]);
            continue;
        }
        // New steps: one per distinct source, then the task's own steps with
        // its inputs renumbered (sources become step results).
        let mut steps: Vec<Step> = Vec::new();
        let mut step_of_source: Vec<(usize, usize)> = Vec::new();
        let mut deps: Vec<Key> = Vec::new();
        let mut arg_of_input: Vec<Arg> = Vec::with_capacity(g.deps[i].len());
        for &d in &g.deps[i] {
            let source = &g.tasks[d];
            if inline[d] {
                let known = step_of_source
                    .iter()
                    .find(|(s, _)| *s == d)
                    .map(|&(_, j)| j);
                let j = known.unwrap_or_else(|| {
                    steps.push(Step {
                        kernel: source.kernel.clone(),
                        args: Vec::new(),
                        label: source.key.layer.to_string(),
                    });
                    step_of_source.push((d, steps.len() - 1));
                    steps.len() - 1
                });
                arg_of_input.push(Arg::Step(j));
            } else {
                let pos = deps.iter().position(|k| *k == source.key);
                let pos = pos.unwrap_or_else(|| {
                    deps.push(source.key.clone());
                    deps.len() - 1
                });
                arg_of_input.push(Arg::Input(pos));
            }
        }
        // The sources' blocks now exist inside this task (whole, unless a
        // tiled reduction makes them in pieces: projected as whole).
        let inlined: u64 = step_of_source.iter().map(|&(d, _)| g.out_bytes[d]).sum();
        extra.push(g.extra_bytes[i] + inlined);
        let offset = steps.len();
        for step in steps_of(&task.kernel, g.deps[i].len(), &task.key.layer) {
            let args = step
                .args
                .iter()
                .map(|a| match *a {
                    Arg::Input(k) => arg_of_input.get(k).copied().unwrap_or(Arg::Input(k)),
                    Arg::Step(j) => Arg::Step(j + offset),
                })
                .collect();
            steps.push(Step { args, ..step });
        }
        tasks.push(Task {
            key: task.key.clone(),
            kernel: Arc::new(Fused { steps }),
            deps,
        });
    }
    TaskGraph::from_sized_tasks(tasks, sizes, extra, &outputs)
}

//! The low-level graph: concrete tasks with integer edges, ready to schedule.
//! Materialisation walks back from the requested blocks only, so it culls by
//! construction: tasks no output needs are never built.

use std::collections::HashMap;
use std::sync::Arc;

use tessera_chunk_core::BlockIndices;

use crate::error::{Error, Result};
use crate::graph::layers;
use crate::key::Key;
use crate::layer::LayerRef;
use crate::task::Task;

/// Concrete tasks, their dependency edges as indices, and the outputs wanted.
#[derive(Debug, Clone)]
pub struct TaskGraph {
    /// The tasks, dependencies before dependents.
    pub tasks: Vec<Task>,
    /// For each task, the indices of the tasks it reads (in kernel argument order).
    pub deps: Vec<Vec<usize>>,
    /// For each task, the indices of the tasks that read it.
    pub dependents: Vec<Vec<usize>>,
    /// Indices of the requested outputs, in request order.
    pub outputs: Vec<usize>,
    /// Projected bytes of each task's output block, from its layer's chunk
    /// shape and dtype (0 when unknown, as for graphs built from bare tasks):
    /// what a memory budget reserves before a task runs.
    pub out_bytes: Vec<u64>,
    /// Projected bytes a task holds beyond its inputs and output while it
    /// runs: the blocks of sources inlined into it (0 for most tasks).
    pub extra_bytes: Vec<u64>,
}

/// The position of `key` among the tasks, or the error naming who needed it.
fn position(index: &HashMap<Key, usize>, needed_by: &Key, key: &Key) -> Result<usize> {
    index
        .get(key)
        .copied()
        .ok_or_else(|| Error::MissingDependency {
            task: needed_by.clone(),
            missing: key.clone(),
        })
}

/// Bytes of block `index` of `layer`'s output.
fn block_bytes(layer: &LayerRef, index: &[usize]) -> u64 {
    let elements: u64 = layer
        .chunks()
        .block_shape(index)
        .map_or(0, |shape| shape.iter().map(|&n| n as u64).product());
    elements * layer.dtype().itemsize() as u64
}

impl TaskGraph {
    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// For each task, whether it is an output (held to the end of a run).
    pub fn output_mask(&self) -> Vec<bool> {
        let mut is_output = vec![false; self.len()];
        for &o in &self.outputs {
            is_output[o] = true;
        }
        is_output
    }

    /// Whether task `i` is a cheap source (no inputs, a kernel cheap to run
    /// again: a store read, generated data): memory-bound runs drop its
    /// result and make it again rather than spill it.
    pub fn is_cheap_source(&self, i: usize) -> bool {
        self.deps[i].is_empty() && self.tasks[i].kernel.is_cheap()
    }

    /// Whether there are no tasks.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Build a task graph directly from tasks and output keys (for tests and plugins).
    pub fn from_tasks(tasks: Vec<Task>, outputs: &[Key]) -> Result<Self> {
        let sizes = vec![0; tasks.len()];
        Self::from_sized_tasks(tasks, sizes.clone(), sizes, outputs)
    }

    /// The same, with the projected output bytes and extra bytes of each task
    /// (`out_bytes[i]` for `tasks[i]`; see the fields).
    pub fn from_sized_tasks(
        tasks: Vec<Task>,
        out_bytes: Vec<u64>,
        extra_bytes: Vec<u64>,
        outputs: &[Key],
    ) -> Result<Self> {
        let (mut out_bytes, mut extra_bytes) = (out_bytes, extra_bytes);
        out_bytes.resize(tasks.len(), 0);
        extra_bytes.resize(tasks.len(), 0);
        let index: HashMap<Key, usize> = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key.clone(), i))
            .collect();
        let mut deps = Vec::with_capacity(tasks.len());
        for t in &tasks {
            let d = t
                .deps
                .iter()
                .map(|k| position(&index, &t.key, k))
                .collect::<Result<Vec<_>>>()?;
            deps.push(d);
        }
        let outputs = outputs
            .iter()
            .map(|k| position(&index, k, k))
            .collect::<Result<Vec<_>>>()?;
        let mut dependents = vec![Vec::new(); tasks.len()];
        for (i, d) in deps.iter().enumerate() {
            for &j in d {
                dependents[j].push(i);
            }
        }
        let g = TaskGraph {
            tasks,
            deps,
            dependents,
            outputs,
            out_bytes,
            extra_bytes,
        };
        g.topologically_sorted()
    }

    /// The same graph with tasks renumbered so dependencies come first; an
    /// error naming a task on a cycle if there is one.
    fn topologically_sorted(self) -> Result<Self> {
        let n = self.len();
        let mut remaining: Vec<usize> = self.deps.iter().map(Vec::len).collect();
        let mut order: Vec<usize> = (0..n).filter(|&i| remaining[i] == 0).collect();
        let mut head = 0;
        while head < order.len() {
            let i = order[head];
            head += 1;
            for &j in &self.dependents[i] {
                remaining[j] -= 1;
                if remaining[j] == 0 {
                    order.push(j);
                }
            }
        }
        if order.len() < n {
            let stuck = remaining.iter().position(|&r| r > 0).unwrap_or(0);
            return Err(Error::Cycle {
                key: self.tasks[stuck].key.clone(),
            });
        }
        let mut new_index = vec![0usize; n];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut slots: Vec<Option<Task>> = self.tasks.into_iter().map(Some).collect();
        let tasks = order.iter().filter_map(|&old| slots[old].take()).collect();
        let remap = |v: &Vec<usize>| v.iter().map(|&x| new_index[x]).collect::<Vec<_>>();
        Ok(TaskGraph {
            tasks,
            deps: order.iter().map(|&old| remap(&self.deps[old])).collect(),
            dependents: order
                .iter()
                .map(|&old| remap(&self.dependents[old]))
                .collect(),
            outputs: self.outputs.iter().map(|&o| new_index[o]).collect(),
            out_bytes: order.iter().map(|&old| self.out_bytes[old]).collect(),
            extra_bytes: order.iter().map(|&old| self.extra_bytes[old]).collect(),
        })
    }

    /// Materialise the tasks needed for every block of `root`.
    pub fn from_layer(root: &LayerRef) -> Result<Self> {
        let keys: Vec<Key> = BlockIndices::new(root.chunks().numblocks())
            .map(|i| Key::new(root.name().clone(), i))
            .collect();
        Self::from_layers(std::slice::from_ref(root), &keys)
    }

    /// Materialise the tasks needed for `outputs`, blocks of the layers under `roots`.
    pub fn from_layers(roots: &[LayerRef], outputs: &[Key]) -> Result<Self> {
        let by_name: HashMap<Arc<str>, LayerRef> = layers(roots)
            .into_iter()
            .map(|l| (l.name().clone(), l))
            .collect();
        let mut index: HashMap<Key, usize> = HashMap::new();
        let mut tasks: Vec<Task> = Vec::new();
        let mut sizes: Vec<u64> = Vec::new();
        let mut stack: Vec<Key> = outputs.to_vec();
        while let Some(key) = stack.pop() {
            if index.contains_key(&key) {
                continue;
            }
            let layer = by_name
                .get(&key.layer)
                .ok_or_else(|| Error::MissingDependency {
                    task: key.clone(),
                    missing: key.clone(),
                })?;
            let task = layer.task(&key.index)?;
            for d in &task.deps {
                if !index.contains_key(d) {
                    stack.push(d.clone());
                }
            }
            sizes.push(block_bytes(layer, &key.index) * task.kernel.output_scale());
            index.insert(key, tasks.len());
            tasks.push(task);
        }
        let extra = vec![0; sizes.len()];
        Self::from_sized_tasks(tasks, sizes, extra, outputs)
    }
}

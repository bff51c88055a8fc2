//! Static task priorities that keep memory low, in the spirit of `dask.order`:
//! depth-first from the outputs, so a reduction branch is finished (and its
//! inputs released) before new inputs are started.

use crate::task_graph::TaskGraph;

/// A priority per task: lower runs first when several are ready.
///
/// The order is the post-order of a depth-first walk from each output in
/// turn, visiting a task's dependencies in argument order. Executed in this
/// order, a tree reduction holds O(depth × fan-in) blocks, not O(inputs).
pub fn order(graph: &TaskGraph) -> Vec<u32> {
    let n = graph.len();
    let mut priority = vec![u32::MAX; n];
    let mut next = 0u32;
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let roots = graph
        .outputs
        .iter()
        .copied()
        .chain((0..n).filter(|&i| graph.dependents[i].is_empty()));
    for root in roots {
        if priority[root] != u32::MAX {
            continue;
        }
        stack.push((root, 0));
        while let Some(&mut (task, ref mut child)) = stack.last_mut() {
            let deps = &graph.deps[task];
            if let Some(&d) = deps.get(*child) {
                *child += 1;
                if priority[d] == u32::MAX {
                    // Mark as on the stack so shared dependencies are entered once.
                    priority[d] = u32::MAX - 1;
                    stack.push((d, 0));
                }
            } else {
                priority[task] = next;
                next += 1;
                stack.pop();
            }
        }
    }
    priority
}

/// The largest number of results held at once when running `graph` one task
/// at a time in priority order, releasing each result after its last reader
/// (outputs are held to the end). A measure of an order's memory footprint.
pub fn peak_live(graph: &TaskGraph, priority: &[u32]) -> usize {
    peak_held(graph, priority, |_| 1) as usize
}

/// [`peak_live`] weighed: the most of `size(i)` summed over the results held
/// at once (the running task's inputs and output among them).
pub fn peak_held(graph: &TaskGraph, priority: &[u32], size: impl Fn(usize) -> u64) -> u64 {
    let mut by_priority: Vec<usize> = (0..graph.len()).collect();
    by_priority.sort_by_key(|&i| priority[i]);
    let mut readers: Vec<usize> = graph.dependents.iter().map(Vec::len).collect();
    let is_output = graph.output_mask();
    let (mut held, mut peak) = (0u64, 0u64);
    for i in by_priority {
        // Inputs are already held; the output is new.
        held += size(i);
        peak = peak.max(held);
        for &d in &graph.deps[i] {
            readers[d] -= 1;
            if readers[d] == 0 && !is_output[d] {
                held -= size(d);
            }
        }
        // A result nobody reads (and no output) is gone at once.
        if readers[i] == 0 && !is_output[i] {
            held -= size(i);
        }
    }
    peak
}

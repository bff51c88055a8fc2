//! The kit's task graphs: a tree sum and the anomaly pattern.

use std::sync::Arc;

use tessera_graph::{Kernel, Key, Task, TaskGraph};

use super::kernels::{Add, Centre, Const, Fill, MeanAll, SumSquares};

pub(super) fn task(name: &str, i: usize, kernel: Arc<dyn Kernel>, deps: Vec<Key>) -> Task {
    Task {
        key: Key::new(name, vec![i]),
        kernel,
        deps,
    }
}

/// A binary tree sum over `n` leaves with value `i` each; the total is n(n-1)/2.
pub fn tree_sum_graph(n: usize) -> TaskGraph {
    let mut tasks = Vec::new();
    let mut level: Vec<Key> = (0..n)
        .map(|i| {
            let t = task("leaf", i, Arc::new(Const(i as f64)), vec![]);
            let k = t.key.clone();
            tasks.push(t);
            k
        })
        .collect();
    let mut depth = 0;
    while level.len() > 1 {
        depth += 1;
        let name = format!("level{depth}");
        level = level
            .chunks(2)
            .enumerate()
            .map(|(i, pair)| {
                let t = task(&name, i, Arc::new(Add), pair.to_vec());
                let k = t.key.clone();
                tasks.push(t);
                k
            })
            .collect();
    }
    TaskGraph::from_tasks(tasks, &level).unwrap_or_else(|e| panic!("test graph: {e}"))
}

/// The anomaly pattern on `n` blocks of `len` f64 (block `i` filled with `i`):
/// every source is read by a mean and, much later, by its centring, so an
/// unbounded run holds all of them. Returns the graph and its exact result,
/// sum over blocks of `len * (i - mean)^2`.
pub fn anomaly_graph(n: usize, len: usize, cheap: bool) -> (TaskGraph, f64) {
    let bytes = (len * 8) as u64;
    let mut tasks = Vec::new();
    let mut sizes = Vec::new();
    let sources: Vec<Key> = (0..n)
        .map(|i| {
            let kernel = Arc::new(Fill {
                len,
                value: i as f64,
                cheap,
            });
            let t = task("source", i, kernel, vec![]);
            let k = t.key.clone();
            tasks.push(t);
            sizes.push(bytes);
            k
        })
        .collect();
    // A chunk-wise mean (one small partial per block), then their mean.
    let partials: Vec<Key> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let t = task("partial", i, Arc::new(MeanAll), vec![s.clone()]);
            let k = t.key.clone();
            tasks.push(t);
            sizes.push(8);
            k
        })
        .collect();
    let mean = task("mean", 0, Arc::new(MeanAll), partials);
    let mean_key = mean.key.clone();
    tasks.push(mean);
    sizes.push(8);
    let squares: Vec<Key> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let c = task(
                "centre",
                i,
                Arc::new(Centre),
                vec![s.clone(), mean_key.clone()],
            );
            let ck = c.key.clone();
            tasks.push(c);
            sizes.push(bytes);
            let q = task("square", i, Arc::new(SumSquares), vec![ck]);
            let qk = q.key.clone();
            tasks.push(q);
            sizes.push(8);
            qk
        })
        .collect();
    let total = task("total", 0, Arc::new(Add), squares);
    let out = total.key.clone();
    tasks.push(total);
    sizes.push(8);
    let g = TaskGraph::from_sized_tasks(tasks, sizes, Vec::new(), &[out])
        .unwrap_or_else(|e| panic!("test graph: {e}"));
    let m = (n as f64 - 1.0) / 2.0;
    let expected = (0..n).map(|i| len as f64 * (i as f64 - m).powi(2)).sum();
    (g, expected)
}

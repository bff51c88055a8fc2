//! Memory projection before computing, in the manner of Cubed's plan: how
//! many tasks, how much one task holds, how much a run would hold in the
//! static order, against the memory budget.

use std::fmt;

use tessera_chunk_core::{format_bytes, Element};
use tessera_graph::{order, peak_held, TaskGraph};
use tessera_schedulers::task_footprint;

use crate::array::Array;
use crate::config;
use crate::error::Result;

/// What computing an array will take, projected from chunk shapes and dtypes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Tasks the scheduler runs (after optimisation).
    pub tasks: usize,
    /// Bytes of the array's largest output chunk.
    pub output_chunk: u64,
    /// Bytes of the largest chunk any task makes.
    pub largest_chunk: u64,
    /// Bytes the largest task holds while it runs (its inputs and output): one worker's peak.
    pub peak_per_worker: u64,
    /// Bytes held at the peak of a one-worker run in the static order, with no budget.
    pub peak_unbounded: u64,
    /// Bytes a run with `workers` workers is projected to hold at its peak,
    /// capped by the budget (the scheduler recomputes or spills past it).
    pub peak_total: u64,
    /// Workers of the configured scheduler.
    pub workers: usize,
    /// The memory budget, if any.
    pub memory_limit: Option<u64>,
    /// Tasks cheap to make again (store reads, generated data, no inputs):
    /// under the budget their results are dropped and remade, not spilled.
    pub cheap_tasks: usize,
}

impl Plan {
    /// Project `graph` run by `workers` workers within `memory_limit`.
    pub fn of(graph: &TaskGraph, workers: usize, memory_limit: Option<u64>) -> Plan {
        let peak_per_worker = (0..graph.len())
            .map(|i| task_footprint(graph, i))
            .max()
            .unwrap_or(0);
        let peak_unbounded = sequential_peak(graph);
        let parallel = peak_unbounded
            .saturating_add(peak_per_worker.saturating_mul(workers.saturating_sub(1) as u64));
        Plan {
            tasks: graph.len(),
            output_chunk: graph
                .outputs
                .iter()
                .map(|&o| graph.out_bytes[o])
                .max()
                .unwrap_or(0),
            largest_chunk: graph.out_bytes.iter().copied().max().unwrap_or(0),
            peak_per_worker,
            peak_unbounded,
            peak_total: memory_limit.map_or(parallel, |l| parallel.min(l)),
            workers: workers.max(1),
            memory_limit,
            cheap_tasks: (0..graph.len())
                .filter(|&i| graph.is_cheap_source(i))
                .count(),
        }
    }

    /// Whether every task fits in the budget on its own (else computing is an error).
    pub fn fits(&self) -> bool {
        self.memory_limit.is_none_or(|l| self.peak_per_worker <= l)
    }

    /// Whether the budget is below the unbounded peak, so the run will
    /// recompute cheap chunks or spill others.
    pub fn needs_eviction(&self) -> bool {
        self.memory_limit.is_some_and(|l| self.peak_unbounded > l)
    }
}

/// Bytes held at the peak when running `graph` one task at a time in the
/// static order: results kept for later readers plus the running task's inputs and output.
fn sequential_peak(graph: &TaskGraph) -> u64 {
    peak_held(graph, &order(graph), |i| graph.out_bytes[i])
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = self.memory_limit.map_or("none".to_string(), format_bytes);
        writeln!(f, "tasks             {}", self.tasks)?;
        writeln!(
            f,
            "chunks            {} largest, {} per output chunk",
            format_bytes(self.largest_chunk),
            format_bytes(self.output_chunk)
        )?;
        writeln!(
            f,
            "peak per worker   {} (the largest task's inputs and output)",
            format_bytes(self.peak_per_worker)
        )?;
        writeln!(
            f,
            "peak total        {} with {} worker{} ({} unbounded, one worker)",
            format_bytes(self.peak_total),
            self.workers,
            if self.workers == 1 { "" } else { "s" },
            format_bytes(self.peak_unbounded)
        )?;
        writeln!(
            f,
            "cheap to remake    {} of {} tasks (store reads, generated data: dropped, not spilled)",
            self.cheap_tasks, self.tasks
        )?;
        let verdict = if !self.fits() {
            "a task does not fit: computing is an error"
        } else if self.needs_eviction() {
            "fits by recomputing cheap chunks or spilling"
        } else {
            "fits"
        };
        write!(f, "memory limit      {limit}: {verdict}")
    }
}

impl<T: Element> Array<T> {
    /// The memory projection of computing this array with the configured
    /// scheduler and budget, before computing.
    ///
    /// ```
    /// let x = tessera::ones::<f64>([1000, 1000], [100, 1000]);
    /// let plan = x.plan().unwrap();
    /// assert_eq!((plan.tasks, plan.largest_chunk), (10, 800_000));
    /// assert!(plan.fits());
    /// println!("{}", x.explain().unwrap());
    /// ```
    pub fn plan(&self) -> Result<Plan> {
        let config = config::get()?;
        let workers = match config.scheduler {
            config::SchedulerKind::Sync => 1,
            // A plugin chooses its own concurrency: the configured count is the estimate.
            config::SchedulerKind::Threads
            | config::SchedulerKind::Processes
            | config::SchedulerKind::Plugin(_) => config.num_workers,
        };
        Ok(Plan::of(&self.task_graph()?, workers, config.memory_limit))
    }

    /// [`Array::plan`] as text, one line per figure.
    pub fn explain(&self) -> Result<String> {
        Ok(self.plan()?.to_string())
    }
}

//! A profiler driven by the scheduler callbacks: when each task ran, on which
//! worker, its kernel and output size, plus a resource sampler (Dask's
//! `Profiler` and `ResourceProfiler` in one).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tessera_chunk_core::Block;
use tessera_graph::{layer_label, Key, TaskGraph};
use tessera_schedulers::Callbacks;

use super::resources::{ResourceSample, Sampler};

/// One task as it ran.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord {
    /// The task's position in the task graph.
    pub index: usize,
    /// The task's output key.
    pub key: Key,
    /// The kernel id (`"tessera.fused"`, `"tessera.reduce_chunk"`).
    pub kernel: String,
    /// The layer label of the key (`"sum-aggregate"`).
    pub layer: String,
    /// The worker that ran it (0 on the sync scheduler).
    pub worker: usize,
    /// Start, from the start of the computation.
    pub start: Duration,
    /// End, from the start of the computation.
    pub end: Duration,
    /// Bytes of the output block.
    pub bytes_out: u64,
}

impl TaskRecord {
    /// How long the task ran.
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }
}

/// What a profiled computation did: every task, resource samples, the graph's edges.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The tasks that finished, in order of finishing.
    pub tasks: Vec<TaskRecord>,
    /// CPU and memory over time (empty without `/proc`).
    pub samples: Vec<ResourceSample>,
    /// From the start callback to the end callback.
    pub wall: Duration,
    /// For each task of the graph, the positions of the tasks it read.
    pub deps: Vec<Vec<usize>>,
}

/// Collects a [`Profile`]: pass it as a callback to a computation of the graph it was made for.
///
/// ```
/// use tessera::diagnostics::Profiler;
/// let x = tessera::ones::<f64>([40, 40], 10).sum();
/// let profiler = Profiler::new(&x.task_graph()?);
/// let threads = tessera::Threaded::new(2);
/// x.compute_with(&tessera::Compute::new().scheduler(&threads).callback(&profiler))?;
/// let profile = profiler.finish();
/// assert_eq!(profile.tasks.len(), x.task_graph()?.len());
/// println!("{}", profile.summary());
/// # Ok::<(), tessera::Error>(())
/// ```
pub struct Profiler {
    positions: HashMap<Key, usize>,
    kernels: Vec<String>,
    deps: Vec<Vec<usize>>,
    interval: Duration,
    run: Mutex<Run>,
}

/// The state of the computation being profiled.
struct Run {
    origin: Instant,
    started: Vec<Option<Duration>>,
    tasks: Vec<TaskRecord>,
    wall: Duration,
    sampler: Option<Sampler>,
    samples: Vec<ResourceSample>,
}

impl Profiler {
    /// A profiler for computations of `graph`, sampling resources every 50 ms.
    pub fn new(graph: &TaskGraph) -> Self {
        Self::with_interval(graph, Duration::from_millis(50))
    }

    /// A profiler sampling resources every `interval`.
    pub fn with_interval(graph: &TaskGraph, interval: Duration) -> Self {
        Profiler {
            positions: graph
                .tasks
                .iter()
                .enumerate()
                .map(|(i, t)| (t.key.clone(), i))
                .collect(),
            kernels: graph
                .tasks
                .iter()
                .map(|t| t.kernel.id().to_string())
                .collect(),
            deps: graph.deps.clone(),
            interval,
            run: Mutex::new(Run {
                origin: Instant::now(),
                started: vec![None; graph.len()],
                tasks: Vec::new(),
                wall: Duration::ZERO,
                sampler: None,
                samples: Vec::new(),
            }),
        }
    }

    /// The profile of the last computation (stopping the sampler if it still runs).
    pub fn finish(&self) -> Profile {
        let mut run = match self.run.lock() {
            Ok(r) => r,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(s) = run.sampler.take() {
            run.samples = s.stop();
        }
        Profile {
            tasks: run.tasks.clone(),
            samples: run.samples.clone(),
            wall: run.wall,
            deps: self.deps.clone(),
        }
    }

    fn with_run(&self, f: impl FnOnce(&mut Run)) {
        if let Ok(mut run) = self.run.lock() {
            f(&mut run);
        }
    }
}

impl Callbacks for Profiler {
    fn on_start(&self, _total_tasks: usize) {
        let interval = self.interval;
        let n = self.kernels.len();
        self.with_run(|run| {
            run.origin = Instant::now();
            run.started = vec![None; n];
            run.tasks.clear();
            run.samples.clear();
            if let Some(old) = run.sampler.take() {
                old.stop();
            }
            run.sampler = Some(Sampler::start(run.origin, interval));
        });
    }

    fn on_task_start(&self, key: &Key, _worker: usize) {
        if let Some(&i) = self.positions.get(key) {
            self.with_run(|run| run.started[i] = Some(run.origin.elapsed()));
        }
    }

    fn on_task_finish(&self, key: &Key, worker: usize, output: &Block) {
        let Some(&index) = self.positions.get(key) else {
            return;
        };
        self.with_run(|run| {
            let end = run.origin.elapsed();
            run.tasks.push(TaskRecord {
                index,
                key: key.clone(),
                kernel: self.kernels[index].clone(),
                layer: layer_label(&key.layer).to_string(),
                worker,
                start: run.started[index].unwrap_or(end),
                end,
                bytes_out: output.nbytes() as u64,
            });
        });
    }

    fn on_end(&self, _ok: bool) {
        self.with_run(|run| {
            run.wall = run.origin.elapsed();
            if let Some(s) = run.sampler.take() {
                run.samples = s.stop();
            }
        });
    }
}

/// Time spent in one kind of task.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeShare {
    /// The kernel id or layer label.
    pub name: String,
    /// How many tasks.
    pub tasks: usize,
    /// Their summed run time.
    pub total: Duration,
}

/// The headline figures of a [`Profile`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSummary {
    /// Wall time of the computation.
    pub wall: Duration,
    /// Tasks that ran.
    pub tasks: usize,
    /// Workers that ran at least one task.
    pub workers: usize,
    /// Time per kernel id, longest first.
    pub by_kernel: Vec<TimeShare>,
    /// Time per layer, longest first.
    pub by_layer: Vec<TimeShare>,
    /// The longest chain of dependent tasks, by summed run time: no schedule beats it.
    pub critical_path: Duration,
    /// The keys on that chain, inputs first.
    pub critical_path_keys: Vec<Key>,
    /// Worker time not spent in tasks: workers × wall − busy time.
    pub idle: Duration,
    /// The largest resident set size sampled, in bytes.
    pub peak_rss: Option<u64>,
}

impl Profile {
    /// Time per kernel, critical path, idle time.
    pub fn summary(&self) -> ProfileSummary {
        let group = |name: fn(&TaskRecord) -> &str| {
            let mut shares: Vec<TimeShare> = Vec::new();
            for t in &self.tasks {
                match shares.iter_mut().find(|s| s.name == name(t)) {
                    Some(s) => {
                        s.tasks += 1;
                        s.total += t.duration();
                    }
                    None => shares.push(TimeShare {
                        name: name(t).to_string(),
                        tasks: 1,
                        total: t.duration(),
                    }),
                }
            }
            shares.sort_by_key(|s| std::cmp::Reverse(s.total));
            shares
        };
        let busy: Duration = self.tasks.iter().map(TaskRecord::duration).sum();
        let workers = self.worker_count();
        let (critical_path, critical_path_keys) = self.critical_path();
        ProfileSummary {
            wall: self.wall,
            tasks: self.tasks.len(),
            workers,
            by_kernel: group(|t| &t.kernel),
            by_layer: group(|t| &t.layer),
            critical_path,
            critical_path_keys,
            idle: (self.wall * workers as u32).saturating_sub(busy),
            peak_rss: self.samples.iter().map(|s| s.rss_bytes).max(),
        }
    }

    /// Workers that ran at least one task.
    pub fn worker_count(&self) -> usize {
        let mut seen: Vec<usize> = self.tasks.iter().map(|t| t.worker).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }

    /// The longest path of dependent tasks by run time. The graph's tasks are
    /// numbered dependencies first, so one forward pass finds it.
    fn critical_path(&self) -> (Duration, Vec<Key>) {
        let n = self.deps.len();
        let mut record: Vec<Option<&TaskRecord>> = vec![None; n];
        for t in &self.tasks {
            if let Some(slot) = record.get_mut(t.index) {
                *slot = Some(t);
            }
        }
        let mut length = vec![Duration::ZERO; n];
        let mut via: Vec<Option<usize>> = vec![None; n];
        for i in 0..n {
            let before = self.deps[i]
                .iter()
                .filter(|&&d| d < i)
                .max_by_key(|&&d| length[d])
                .copied();
            let own = record[i].map_or(Duration::ZERO, TaskRecord::duration);
            length[i] = own + before.map_or(Duration::ZERO, |d| length[d]);
            via[i] = before;
        }
        let Some(mut last) = (0..n).max_by_key(|&i| length[i]) else {
            return (Duration::ZERO, Vec::new());
        };
        let total = length[last];
        let mut keys = Vec::new();
        loop {
            if let Some(t) = record[last] {
                keys.push(t.key.clone());
            }
            match via[last] {
                Some(d) => last = d,
                None => break,
            }
        }
        keys.reverse();
        (total, keys)
    }
}

impl std::fmt::Display for ProfileSummary {
    /// A short text report.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        writeln!(
            f,
            "{} tasks on {} workers in {:.2} ms; critical path {:.2} ms ({} tasks); idle {:.2} ms",
            self.tasks,
            self.workers,
            ms(self.wall),
            ms(self.critical_path),
            self.critical_path_keys.len(),
            ms(self.idle)
        )?;
        if let Some(rss) = self.peak_rss {
            writeln!(
                f,
                "peak memory (RSS) {}",
                tessera_chunk_core::format_bytes(rss)
            )?;
        }
        for share in &self.by_kernel {
            writeln!(
                f,
                "  {:<28} {:>6} tasks {:>10.2} ms",
                share.name,
                share.tasks,
                ms(share.total)
            )?;
        }
        Ok(())
    }
}

//! One run of a graph on a pool: the shared execution loop's ready set and
//! priorities pick the next task; this file places it (where its input bytes
//! are), moves the blocks it needs, and turns replies into progress.

use std::collections::{HashMap, HashSet, VecDeque};

use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use super::pool::{Event, Pool};
use super::protocol::{self, Input, KernelSpec, Payload, Reply, Request};
use crate::budget::MemoryBudget;
use crate::callbacks::{notify, Callbacks};
use crate::error::{Error, Result};
use crate::state::ExecState;

/// Tasks queued on a worker at once: one running, one waiting, so a worker
/// never idles for a round trip to the parent.
const DEPTH: usize = 2;

/// A worker may take this many more tasks when it holds their inputs.
const LOCAL_DEPTH: usize = 2 * DEPTH;

fn callback_error(message: String) -> Error {
    super::error(format!("a callback panicked: {message}"))
}

/// Run `graph` on `pool`, calling the callbacks around it.
pub(crate) fn run(
    pool: &mut Pool,
    graph: &TaskGraph,
    callbacks: &[&dyn Callbacks],
) -> Result<Vec<Block>> {
    if let Some(m) = notify(callbacks, |c| c.on_start(graph.len())) {
        return Err(callback_error(m));
    }
    let mut driver = Driver::new(pool, graph, callbacks);
    let outcome = driver.drive();
    driver.discard_cache();
    let ok = outcome.is_ok();
    let ended = notify(callbacks, |c| c.on_end(ok));
    match (outcome, ended) {
        (Err(e), _) => Err(e),
        (Ok(_), Some(m)) => Err(callback_error(m)),
        (Ok(v), None) => Ok(v),
    }
}

struct Driver<'g, 'p, 'c> {
    pool: &'p mut Pool,
    graph: &'g TaskGraph,
    callbacks: &'c [&'c dyn Callbacks],
    state: ExecState<'g>,
    /// The worker holding each finished task's result.
    owner: Vec<Option<usize>>,
    nbytes: Vec<u64>,
    /// Distinct reader tasks of each result that have not finished.
    readers_left: Vec<usize>,
    is_output: Vec<bool>,
    /// Results copied out of their worker, for readers elsewhere and outputs.
    cache: HashMap<usize, Payload>,
    fetching: HashSet<usize>,
    /// Tasks placed on a worker but waiting for inputs from other workers.
    waiting: Vec<(usize, usize)>,
    /// Tasks sent to each worker and not finished, in sending order.
    sent: Vec<VecDeque<usize>>,
    /// Tasks placed on each worker (sent or waiting).
    load: Vec<usize>,
    /// What callbacks get as a finished task's block: the block itself stays in its worker.
    placeholder: Block,
}

fn distinct(deps: &[usize]) -> impl Iterator<Item = usize> + '_ {
    deps.iter()
        .enumerate()
        .filter(|&(k, d)| !deps[..k].contains(d))
        .map(|(_, &d)| d)
}

impl<'g, 'p, 'c> Driver<'g, 'p, 'c> {
    fn new(pool: &'p mut Pool, graph: &'g TaskGraph, callbacks: &'c [&'c dyn Callbacks]) -> Self {
        let n = graph.len();
        let workers = pool.workers.len();
        let mut is_output = vec![false; n];
        for &o in &graph.outputs {
            is_output[o] = true;
        }
        let readers_left = graph
            .dependents
            .iter()
            .map(|d| distinct(d).count())
            .collect();
        Driver {
            pool,
            graph,
            callbacks,
            // Readiness and priorities only: blocks stay in the workers (placeholders here).
            state: ExecState::with_budget(graph, &MemoryBudget::unlimited()),
            owner: vec![None; n],
            nbytes: vec![0; n],
            readers_left,
            is_output,
            cache: HashMap::new(),
            fetching: HashSet::new(),
            waiting: Vec::new(),
            sent: vec![VecDeque::new(); workers],
            load: vec![0; workers],
            placeholder: Block::from_array(ArrayD::from_elem(IxDyn(&[]), 0u8)),
        }
    }

    fn drive(&mut self) -> Result<Vec<Block>> {
        loop {
            while self.load.iter().any(|&l| l < DEPTH) {
                let Some(job) = self.state.next_ready()? else {
                    break;
                };
                self.place(job.task)?;
            }
            if self.state.done() {
                break;
            }
            self.next_event()?;
        }
        self.collect_outputs()
    }

    /// Input bytes of task `i` held by worker `w`.
    fn bytes_on(&self, i: usize, w: usize) -> u64 {
        distinct(&self.graph.deps[i])
            .filter(|&d| self.owner[d] == Some(w))
            .map(|d| self.nbytes[d])
            .sum()
    }

    /// Put task `i` on the worker holding most of its input bytes (when that
    /// worker is not too busy), else on the least busy one.
    fn place(&mut self, i: usize) -> Result<()> {
        let workers = self.load.len();
        let bytes: Vec<u64> = (0..workers).map(|w| self.bytes_on(i, w)).collect();
        let best_local = (0..workers).max_by_key(|&w| (bytes[w], std::cmp::Reverse(self.load[w])));
        let w = match best_local {
            Some(w)
                if bytes[w] as usize > protocol::SHM_THRESHOLD && self.load[w] < LOCAL_DEPTH =>
            {
                w
            }
            _ => (0..workers)
                .filter(|&w| self.load[w] < DEPTH)
                .max_by_key(|&w| (bytes[w], std::cmp::Reverse(self.load[w])))
                .or(best_local)
                .ok_or_else(|| super::error("the pool has no workers"))?,
        };
        self.load[w] += 1;
        let mut missing = false;
        for d in distinct(&self.graph.deps[i]).collect::<Vec<_>>() {
            if self.owner[d] == Some(w) || self.cache.contains_key(&d) {
                continue;
            }
            missing = true;
            if self.fetching.insert(d) {
                let from = self.owner[d].ok_or_else(|| {
                    super::error(format!(
                        "task {} was scheduled before its input {} ran",
                        self.graph.tasks[i].key, self.graph.tasks[d].key
                    ))
                })?;
                self.send(from, &Request::Fetch { task: d as u64 })?;
            }
        }
        if missing {
            self.waiting.push((i, w));
            Ok(())
        } else {
            self.send_run(i, w)
        }
    }

    fn send_run(&mut self, i: usize, w: usize) -> Result<()> {
        let task = &self.graph.tasks[i];
        let mut inputs = Vec::with_capacity(task.deps.len());
        for &d in &self.graph.deps[i] {
            if self.owner[d] == Some(w) {
                inputs.push(Input::Local(d as u64));
            } else {
                let p = self.cache.get(&d).cloned().ok_or_else(|| {
                    super::error(format!(
                        "the input {} of {} went missing",
                        task.deps[0], task.key
                    ))
                })?;
                inputs.push(Input::Remote(p));
            }
        }
        if let Some(m) = notify(self.callbacks, |c| c.on_task_start(&task.key, w)) {
            return Err(callback_error(m));
        }
        let kernel = KernelSpec::of(task.kernel.as_ref()).map_err(|op| {
            super::error(format!(
                "task {} runs {op:?}, which cannot travel",
                task.key
            ))
        })?;
        let req = Request::Run {
            task: i as u64,
            kernel,
            inputs,
        };
        self.sent[w].push_back(i);
        self.send(w, &req)
    }

    fn send(&mut self, w: usize, req: &Request) -> Result<()> {
        match self.pool.send(w, req) {
            Ok(()) => Ok(()),
            // A closed pipe means the worker died: report it as such.
            Err(e) => Err(self.died(w, &format!("writing to it failed: {e}"))),
        }
    }

    fn next_event(&mut self) -> Result<()> {
        let event = self
            .pool
            .events
            .recv()
            .map_err(|_| super::error("every worker's reply pipe is closed"))?;
        match event {
            Event::Gone(w, why) => Err(self.died(w, &why)),
            Event::Reply(w, Reply::Done { task, nbytes }) => {
                self.finished(w, task as usize, nbytes)
            }
            Event::Reply(
                _,
                Reply::Failed {
                    task,
                    panicked,
                    message,
                },
            ) => {
                let key = self.key(task)?;
                Err(if panicked {
                    Error::TaskPanicked { key, message }
                } else {
                    Error::TaskFailed { key, message }
                })
            }
            Event::Reply(_, Reply::Data { task, payload }) => {
                let d = task as usize;
                self.fetching.remove(&d);
                self.cache.insert(d, payload);
                let (ready, still): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting)
                    .into_iter()
                    .partition(|&(i, w)| {
                        distinct(&self.graph.deps[i])
                            .all(|d| self.owner[d] == Some(w) || self.cache.contains_key(&d))
                    });
                self.waiting = still;
                for (i, w) in ready {
                    self.send_run(i, w)?;
                }
                Ok(())
            }
            Event::Reply(_, Reply::Missing { task, message }) => Err(super::error(format!(
                "the result of {} could not be fetched: {message}",
                self.key(task)?
            ))),
            Event::Reply(_, Reply::Hello { .. }) => Ok(()),
        }
    }

    fn key(&self, task: u64) -> Result<tessera_graph::Key> {
        self.graph
            .tasks
            .get(task as usize)
            .map(|t| t.key.clone())
            .ok_or_else(|| {
                super::error(format!(
                    "a worker named task {task}, which is not in the graph"
                ))
            })
    }

    fn finished(&mut self, w: usize, i: usize, nbytes: u64) -> Result<()> {
        if self.sent[w].front() == Some(&i) {
            self.sent[w].pop_front();
        } else {
            self.sent[w].retain(|&t| t != i);
        }
        self.load[w] = self.load[w].saturating_sub(1);
        self.owner[i] = Some(w);
        self.nbytes[i] = nbytes;
        let key = &self.graph.tasks[i].key;
        if let Some(m) = notify(self.callbacks, |c| {
            c.on_task_finish(key, w, &self.placeholder)
        }) {
            return Err(callback_error(m));
        }
        let _ = self.state.complete(i, self.placeholder.clone());
        for d in distinct(&self.graph.deps[i]).collect::<Vec<_>>() {
            self.readers_left[d] -= 1;
            if self.readers_left[d] == 0 && !self.is_output[d] {
                self.release(d)?;
            }
        }
        if self.readers_left[i] == 0 && !self.is_output[i] {
            self.release(i)?;
        }
        Ok(())
    }

    /// Nobody needs `d` any more: forget it in its worker and here.
    fn release(&mut self, d: usize) -> Result<()> {
        if let Some(p) = self.cache.remove(&d) {
            protocol::discard(&p);
        }
        match self.owner[d] {
            Some(w) => self.send(w, &Request::Release { task: d as u64 }),
            None => Ok(()),
        }
    }

    /// The error for worker `w` having died: it names the task it was running.
    fn died(&mut self, w: usize, why: &str) -> Error {
        let status = self.pool.exit_status(w);
        let pid = self.pool.workers.get(w).map_or(0, |p| p.pid);
        let reason = format!("{status} ({why})");
        match self.sent.get(w).and_then(|q| q.front()) {
            Some(&i) => Error::WorkerDied {
                key: self.graph.tasks[i].key.clone(),
                pid,
                reason,
            },
            None => super::error(format!("worker process {pid} died while idle: {reason}")),
        }
    }

    fn collect_outputs(&mut self) -> Result<Vec<Block>> {
        for &o in &self.graph.outputs {
            if self.cache.contains_key(&o) || !self.fetching.insert(o) {
                continue;
            }
            let w = self.owner[o].ok_or_else(|| super::error("an output was never computed"))?;
            self.send(w, &Request::Fetch { task: o as u64 })?;
        }
        while !self.fetching.is_empty() {
            self.next_event()?;
        }
        let mut out = Vec::with_capacity(self.graph.outputs.len());
        for &o in &self.graph.outputs {
            let p = self
                .cache
                .get(&o)
                .ok_or_else(|| super::error("an output went missing"))?;
            out.push(protocol::from_payload(p).map_err(|e| {
                super::error(format!(
                    "the result of {} could not be read: {e}",
                    self.graph.tasks[o].key
                ))
            })?);
        }
        for w in 0..self.pool.workers.len() {
            self.send(w, &Request::Clear)?;
        }
        Ok(out)
    }

    fn discard_cache(&mut self) {
        for (_, p) in self.cache.drain() {
            protocol::discard(&p);
        }
    }
}

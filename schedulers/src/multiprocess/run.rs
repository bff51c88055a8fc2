//! One run of a graph on a pool: the shared execution loop's ready set,
//! priorities and memory budget pick the next task and what leaves memory;
//! this file places it (where its input bytes are), moves the blocks it
//! needs, carries out the loop's releases and spills in the workers, and
//! turns replies into progress.
//!
//! Memory: the loop accounts every result a worker holds at its true size
//! (the worker reports it), and a task reserves a copy of each input it gets
//! from another worker — in transit (a `/dev/shm` file or pipe bytes in the
//! parent), then decoded in the reader, which removes the file once read. A
//! block going to its last reader is moved: its holder lets it go once sent,
//! so it costs nothing beyond what the loop already counts. Near the budget
//! (over half of it accounted) a task goes to the worker holding most of its
//! input bytes, so few copies are made, and workers that let blocks go give
//! the memory back to the system. Not counted: transient doubles (a block and its encoding while
//! a worker writes a payload or a spill file, a payload and its decoding),
//! and the outputs gathered in the parent at the end.

use std::collections::{HashMap, HashSet, VecDeque};

use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use super::placement::{Where, DEPTH};
use super::pool::{Event, Pool};
use super::protocol::{self, Input, KernelSpec, Payload, Reply, Request};
use crate::entry::Execution;
use crate::error::{Error, Result};
use crate::state::{self, ExecState, Job, Remote};

/// Run `graph` on `pool`, keeping the execution's budget and telling its callbacks.
pub(crate) fn run(
    pool: &mut Pool,
    graph: &TaskGraph,
    execution: &Execution<'_>,
) -> Result<Vec<Block>> {
    let mut driver = Driver::new(pool, graph, execution);
    let outcome = driver.drive();
    driver.discard_cache();
    match &outcome {
        Ok(_) => execution.memory_used(&driver.state.usage),
        // Workers may still be writing spill files: stop them before the
        // spill directory (dropped with the state) is removed.
        Err(_) => driver.pool.kill(),
    }
    outcome
}

/// A task placed on a worker, with the inputs the loop handed out.
struct Placed {
    task: usize,
    worker: usize,
    inputs: Vec<state::Input>,
    /// Blocks spilled to make room for it: it starts once they are written
    /// (as an in-process task writes them before it loads its inputs).
    after: Vec<usize>,
}

struct Driver<'g, 'p, 'c> {
    pool: &'p mut Pool,
    graph: &'g TaskGraph,
    execution: &'c Execution<'c>,
    state: ExecState<'g>,
    /// Whether the loop's accounting was near the budget when this round of
    /// placement began (the same for a task's projected copies and its placing).
    pressed: bool,
    /// The worker holding each result in memory (`None` once released or evicted).
    owner: Vec<Option<usize>>,
    nbytes: Vec<u64>,
    /// Results copied out of their worker, for readers elsewhere and outputs.
    cache: HashMap<usize, Payload>,
    /// Placed tasks not yet sent that read each result from the cache; the
    /// copy goes with the last of them (a later reader fetches again).
    users: Vec<usize>,
    fetching: HashSet<usize>,
    /// Results handed to their last reader on another worker: their holder
    /// lets them go once they are fetched.
    moving: HashSet<usize>,
    /// Results a worker is writing to a spill file (readers wait for it).
    spilling: HashSet<usize>,
    /// Spills asked for the task being placed.
    made_room: Vec<usize>,
    /// Tasks placed on a worker but waiting for inputs (fetches, spills).
    waiting: Vec<Placed>,
    /// Tasks sent to each worker and not finished, in sending order.
    sent: Vec<VecDeque<usize>>,
    /// Tasks placed on each worker (sent or waiting).
    load: Vec<usize>,
    /// What callbacks get as a finished task's block: the block itself stays in its worker.
    placeholder: Block,
}

impl<'g, 'p, 'c> Driver<'g, 'p, 'c> {
    fn new(pool: &'p mut Pool, graph: &'g TaskGraph, execution: &'c Execution<'c>) -> Self {
        let n = graph.len();
        let workers = pool.workers.len();
        Driver {
            pool,
            graph,
            execution,
            state: ExecState::remote(graph, execution.budget()),
            pressed: false,
            owner: vec![None; n],
            nbytes: vec![0; n],
            cache: HashMap::new(),
            users: vec![0; n],
            fetching: HashSet::new(),
            moving: HashSet::new(),
            spilling: HashSet::new(),
            made_room: Vec::new(),
            waiting: Vec::new(),
            sent: vec![VecDeque::new(); workers],
            load: vec![0; workers],
            placeholder: Block::from_array(ArrayD::from_elem(IxDyn(&[]), 0u8)),
        }
    }

    fn placement(&self) -> Where<'_> {
        Where {
            graph: self.graph,
            owner: &self.owner,
            nbytes: &self.nbytes,
            load: &self.load,
            pressed: self.pressed,
        }
    }

    fn drive(&mut self) -> Result<Vec<Block>> {
        loop {
            loop {
                self.pressed = self.state.under_pressure();
                // Near the budget nothing is queued behind a running task:
                // a queued task reserves memory now (and a source queued
                // early pushes out blocks whose readers come first).
                let depth = if self.pressed { 1 } else { DEPTH };
                if self.load.iter().all(|&l| l >= depth) {
                    break;
                }
                let place = Where {
                    graph: self.graph,
                    owner: &self.owner,
                    nbytes: &self.nbytes,
                    load: &self.load,
                    pressed: self.pressed,
                };
                if self
                    .state
                    .peek_ready()
                    .is_some_and(|j| place.holder_busy(j))
                {
                    break;
                }
                let job = self.state.next_ready_with(|j| place.remote(j))?;
                self.carry_out()?;
                let Some(job) = job else { break };
                self.place(job)?;
            }
            if self.state.done() {
                break;
            }
            self.next_event()?;
        }
        self.collect_outputs()
    }

    /// Do in the workers what the loop decided: forget released and dropped
    /// results, spill the ones it pushed out of memory.
    fn carry_out(&mut self) -> Result<()> {
        self.carry_out_freeing(None)
    }

    /// [`Self::carry_out`], when worker `freed` (if any) also let blocks go
    /// (a finished task's inputs). Near the budget, workers that let blocks
    /// go are asked to give the memory back to the system: an allocator's
    /// cache in one worker is memory the others cannot use.
    fn carry_out_freeing(&mut self, freed: Option<usize>) -> Result<()> {
        let mut trim = vec![false; self.load.len()];
        if let Some(w) = freed {
            trim[w] = true;
        }
        for action in self.state.take_remote() {
            match action {
                Remote::Release(d) => {
                    if let Some(w) = self.owner[d].take() {
                        self.send(w, &Request::Release { task: d as u64 })?;
                        trim[w] = true;
                    }
                    if self.users[d] == 0 {
                        if let Some(p) = self.cache.remove(&d) {
                            protocol::discard(&p);
                        }
                    }
                }
                Remote::Spill(d, path) => {
                    let w = self.owner[d].take().ok_or_else(|| {
                        super::error(format!(
                            "{} was to be spilled but no worker holds it",
                            self.graph.tasks[d].key
                        ))
                    })?;
                    self.spilling.insert(d);
                    self.made_room.push(d);
                    self.send(
                        w,
                        &Request::Spill {
                            task: d as u64,
                            path,
                        },
                    )?;
                    trim[w] = true;
                }
            }
        }
        if self.state.under_pressure() {
            for (w, _) in trim.iter().enumerate().filter(|(_, &t)| t) {
                self.send(w, &Request::Trim)?;
            }
        }
        Ok(())
    }

    /// Put the job's task on a worker; fetch inputs held by other workers.
    fn place(&mut self, job: Job) -> Result<()> {
        let i = job.task;
        let w = self
            .placement()
            .worker(i)
            .ok_or_else(|| super::error("the pool has no workers"))?;
        self.load[w] += 1;
        let mut missing = false;
        let graph = self.graph;
        let deps = &graph.deps[i];
        for (pos, (&d, input)) in deps.iter().zip(&job.inputs).enumerate() {
            match input {
                state::Input::Held(_) if self.owner[d] != Some(w) => {
                    if deps[..pos].contains(&d) {
                        continue;
                    }
                    self.users[d] += 1;
                    if !self.state.holds(d) {
                        self.moving.insert(d);
                    }
                    if self.cache.contains_key(&d) {
                        self.let_go_if_moved(d)?;
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
                state::Input::Spilled(_) => missing |= self.spilling.contains(&d),
                _ => {}
            }
        }
        let after = std::mem::take(&mut self.made_room);
        missing |= !after.is_empty();
        let placed = Placed {
            task: i,
            worker: w,
            inputs: job.inputs,
            after,
        };
        if missing {
            self.waiting.push(placed);
            Ok(())
        } else {
            self.send_run(placed)
        }
    }

    /// Whether every input of a placed task can be had on its worker now.
    fn can_run(&self, p: &Placed) -> bool {
        p.after.iter().all(|d| !self.spilling.contains(d))
            && self.graph.deps[p.task]
                .iter()
                .zip(&p.inputs)
                .all(|(&d, input)| match input {
                    state::Input::Held(_) => {
                        self.owner[d] == Some(p.worker) || self.cache.contains_key(&d)
                    }
                    state::Input::Spilled(_) => !self.spilling.contains(&d),
                    state::Input::Recompute(_) => true,
                })
    }

    /// Send the waiting tasks whose inputs arrived.
    fn send_waiting(&mut self) -> Result<()> {
        let (ready, still): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|p| self.can_run(p));
        self.waiting = still;
        for p in ready {
            self.send_run(p)?;
        }
        Ok(())
    }

    fn spec(&self, i: usize) -> Result<KernelSpec> {
        let task = &self.graph.tasks[i];
        KernelSpec::of(task.kernel.as_ref()).map_err(|op| {
            super::error(format!(
                "task {} runs {op:?}, which cannot travel",
                task.key
            ))
        })
    }

    /// A result moving to its last reader: once copied out, its holder lets it go.
    fn let_go_if_moved(&mut self, d: usize) -> Result<()> {
        if self.moving.remove(&d) {
            if let Some(w) = self.owner[d].take() {
                self.send(w, &Request::Release { task: d as u64 })?;
            }
        }
        Ok(())
    }

    fn send_run(&mut self, p: Placed) -> Result<()> {
        let (i, w) = (p.task, p.worker);
        let graph = self.graph;
        let task = &graph.tasks[i];
        let deps = &graph.deps[i];
        // The copies this task reads; the last reader sent takes a copy along.
        let mut copies = HashMap::new();
        for (pos, (&d, input)) in deps.iter().zip(&p.inputs).enumerate() {
            let held = matches!(input, state::Input::Held(_));
            if !held || self.owner[d] == Some(w) || deps[..pos].contains(&d) {
                continue;
            }
            let payload = self.cache.get(&d).cloned().ok_or_else(|| {
                super::error(format!(
                    "the input {} of {} went missing",
                    graph.tasks[d].key, task.key
                ))
            })?;
            self.users[d] = self.users[d].saturating_sub(1);
            let last = self.users[d] == 0;
            if last {
                self.cache.remove(&d);
            }
            copies.insert(d, (payload, last));
        }
        let mut inputs = Vec::with_capacity(p.inputs.len());
        for (pos, (&d, input)) in deps.iter().zip(p.inputs).enumerate() {
            inputs.push(match input {
                // Handed over by the loop: this task reads it last.
                state::Input::Held(_) if self.owner[d] == Some(w) && !self.state.holds(d) => {
                    Input::LocalLast(d as u64)
                }
                state::Input::Held(_) if self.owner[d] == Some(w) => Input::Local(d as u64),
                state::Input::Held(_) => {
                    let (payload, last) = copies.get(&d).cloned().ok_or_else(|| {
                        super::error(format!(
                            "the input {} of {} went missing",
                            graph.tasks[d].key, task.key
                        ))
                    })?;
                    if last && !deps[pos + 1..].contains(&d) {
                        Input::RemoteLast(payload)
                    } else {
                        Input::Remote(payload)
                    }
                }
                state::Input::Recompute(src) => Input::Recompute {
                    task: src as u64,
                    kernel: self.spec(src)?,
                },
                state::Input::Spilled(slot) => Input::Spilled(slot.path().to_path_buf()),
            });
        }
        self.execution.task_started(&task.key, w)?;
        let req = Request::Run {
            task: i as u64,
            kernel: self.spec(i)?,
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
            Event::Reply(_, Reply::Failed(f)) => {
                let key = self.key(f.task)?;
                Err(f.into_error(key))
            }
            Event::Reply(_, Reply::Data { task, payload }) => {
                let d = task as usize;
                self.fetching.remove(&d);
                self.cache.insert(d, payload);
                self.let_go_if_moved(d)?;
                self.send_waiting()
            }
            Event::Reply(_, Reply::Spilled { task }) => {
                self.spilling.remove(&(task as usize));
                self.send_waiting()
            }
            Event::Reply(_, Reply::Missing { task, message }) => Err(super::error(format!(
                "a worker could not hand over the result of {}: {message}",
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
        self.execution.task_finished(key, w, &self.placeholder)?;
        let _ = self
            .state
            .complete_sized(i, self.placeholder.clone(), nbytes);
        self.carry_out_freeing(Some(w))
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

    /// The outputs: fetched from the workers holding them, read back from
    /// spill files, or made again here (cheap sources the loop dropped).
    fn collect_outputs(&mut self) -> Result<Vec<Block>> {
        for &o in &self.graph.outputs {
            let Some(w) = self.owner[o] else { continue };
            if self.cache.contains_key(&o) || !self.fetching.insert(o) {
                continue;
            }
            self.send(w, &Request::Fetch { task: o as u64 })?;
        }
        while !self.fetching.is_empty() || !self.spilling.is_empty() {
            self.next_event()?;
        }
        let mut out = Vec::with_capacity(self.graph.outputs.len());
        for &o in &self.graph.outputs {
            let block = match (self.cache.get(&o), self.owner[o]) {
                (Some(p), _) => protocol::from_payload(p).map_err(|e| {
                    super::error(format!(
                        "the result of {} could not be read: {e}",
                        self.graph.tasks[o].key
                    ))
                })?,
                (None, None) => self
                    .state
                    .evicted_output(o)
                    .ok_or_else(|| super::error("an output was never computed"))??,
                (None, Some(_)) => return Err(super::error("an output went missing")),
            };
            out.push(block);
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

//! The one execution loop's state: which tasks are ready (by priority), which
//! results are alive, when to release them, and — under a memory budget —
//! which results leave memory so the next task fits. Executors drive it.
//!
//! Memory model: every held result counts its bytes; a running task reserves
//! its projected output plus any input it had to have made again or read back
//! (inputs handed over at their last reader move from held to reserved). A
//! task starts only if held + reserved + its need stays within the limit. If
//! not, results its run does not read leave memory, furthest next use first:
//! a cheap source (store read, generated data) is dropped and made again by
//! its next reader, since that costs at most what writing and reading it back
//! would; anything else is spilled to disk — written by the worker of the
//! task that needed the room, before that task loads its inputs, so the
//! lock is not held for the write. If that is not enough and other tasks
//! run, the task waits for them to release memory.
//!
//! Results held in worker processes ([`ExecState::remote`]): the executor
//! reports each result's true size, and what the loop decides for them
//! becomes a [`Remote`] action the executor carries out in the holder — a
//! release, or a spill to a file the loop names and the worker writes. A
//! task that reads inputs from another process reserves their copies too;
//! alone and short of room, it moves those inputs (spilled by their holder)
//! instead of copying them.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

use tessera_chunk_core::Block;
use tessera_graph::{order, TaskGraph};

use crate::budget::{MemoryBudget, MemoryUsage};
use crate::error::{Error, Result};
use crate::spill::{Spill, SpillSlot};

/// Where a result that left memory is.
#[derive(Debug, Clone)]
enum Evicted {
    /// Dropped; its (cheap, input-free) task is run again when needed.
    Recompute,
    /// On its way to disk, or there.
    Spilled(Arc<SpillSlot>),
}

/// One input of a job as handed out: present, or to be made present by the worker.
#[derive(Debug)]
pub(crate) enum Input {
    Held(Block),
    Recompute(usize),
    Spilled(Arc<SpillSlot>),
}

/// What a state whose results live in worker processes asks its executor
/// to do there (the parent holds only placeholders and cannot write them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Remote {
    /// Nobody needs the result in memory any more (released, or a cheap
    /// source dropped to be made again): the worker forgets its copy.
    Release(usize),
    /// The worker writes the result to this spill file and forgets it;
    /// readers must wait until it says the file is written.
    Spill(usize, PathBuf),
}

/// A task to run with its inputs, and the blocks it evicted to make room.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) task: usize,
    /// One per dependency, in the graph's order.
    pub(crate) inputs: Vec<Input>,
    spills: Vec<Arc<SpillSlot>>,
}

impl Job {
    /// Outside any lock: write the blocks this task pushed out of memory
    /// (first, so their room is free before the task fills it), then make
    /// every input present — run dropped cheap sources again, read spilled
    /// blocks back; the inputs in order.
    pub(crate) fn load(self, graph: &TaskGraph) -> Result<(usize, Vec<Block>)> {
        for slot in &self.spills {
            slot.flush()?;
        }
        let inputs = self
            .inputs
            .into_iter()
            .map(|input| match input {
                Input::Held(b) => Ok(b),
                Input::Recompute(d) => run_task(graph, d, Vec::new()),
                Input::Spilled(slot) => slot.load(),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((self.task, inputs))
    }
}

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
    limit: u64,
    live: u64,
    reserved: u64,
    held: BTreeSet<usize>,
    bytes: Vec<u64>,
    reservation: Vec<u64>,
    shared_inputs: Vec<Vec<usize>>,
    in_use: Vec<u32>,
    started: Vec<bool>,
    evicted: Vec<Option<Evicted>>,
    running: usize,
    spill: Spill,
    /// Blocks evicted for the task about to start, which writes them.
    unwritten: Vec<Arc<SpillSlot>>,
    /// Results live in worker processes: evictions and releases become
    /// [`Remote`] actions for the executor instead of happening here.
    remote: bool,
    actions: Vec<Remote>,
    /// Set when a task waits for memory: the next release should wake workers.
    pub(crate) memory_waiters: bool,
    pub(crate) usage: MemoryUsage,
}

impl<'g> ExecState<'g> {
    /// Prepare to run `graph` in the static order within `budget`.
    pub(crate) fn with_budget(graph: &'g TaskGraph, budget: &MemoryBudget) -> Self {
        let n = graph.len();
        let priority = order(graph);
        let waiting_on: Vec<usize> = graph.deps.iter().map(Vec::len).collect();
        let is_output = graph.output_mask();
        let ready = (0..n)
            .filter(|&i| waiting_on[i] == 0)
            .map(|i| Reverse((priority[i], i)))
            .collect();
        ExecState {
            graph,
            priority,
            readers_left: graph.dependents.iter().map(Vec::len).collect(),
            waiting_on,
            is_output,
            results: vec![None; n],
            ready,
            finished: 0,
            failed: None,
            limit: budget.limit().unwrap_or(u64::MAX),
            live: 0,
            reserved: 0,
            held: BTreeSet::new(),
            bytes: graph.out_bytes.clone(),
            reservation: vec![0; n],
            shared_inputs: vec![Vec::new(); n],
            in_use: vec![0; n],
            started: vec![false; n],
            evicted: vec![None; n],
            running: 0,
            spill: Spill::new(budget.spill_dir().map(PathBuf::from)),
            unwritten: Vec::new(),
            remote: false,
            actions: Vec::new(),
            memory_waiters: false,
            usage: MemoryUsage {
                limit: budget.limit(),
                ..MemoryUsage::default()
            },
        }
    }

    /// The same for an executor whose results stay in worker processes: it
    /// passes placeholders and the true sizes to [`Self::complete_sized`]
    /// and carries out [`Self::take_remote`]'s actions.
    pub(crate) fn remote(graph: &'g TaskGraph, budget: &MemoryBudget) -> Self {
        let mut s = Self::with_budget(graph, budget);
        s.remote = true;
        s
    }

    /// What the executor must do in its workers since it last asked (remote states).
    pub(crate) fn take_remote(&mut self) -> Vec<Remote> {
        std::mem::take(&mut self.actions)
    }

    /// Whether every task has run.
    pub(crate) fn done(&self) -> bool {
        self.finished == self.graph.len()
    }

    /// Bytes task `j` adds when it starts: its output and the inputs not in memory.
    fn need(&self, j: usize) -> u64 {
        let missing: u64 = self.graph.deps[j]
            .iter()
            .filter(|&&d| self.results[d].is_none())
            .map(|&d| self.bytes[d])
            .sum();
        self.graph.out_bytes[j] + self.graph.extra_bytes[j] + missing
    }

    /// The earliest priority among the readers of `i` not yet started.
    fn next_use(&self, i: usize) -> u32 {
        self.graph.dependents[i]
            .iter()
            .filter(|&&r| !self.started[r])
            .map(|&r| self.priority[r])
            .min()
            .unwrap_or(u32::MAX)
    }

    /// Whether result `i` is dropped (made again when needed) rather than spilled.
    fn cheap(&self, i: usize) -> bool {
        self.graph.is_cheap_source(i)
    }

    /// Results that may leave memory before `j` runs, in the order they
    /// should: furthest next use first (Belady's rule: what is needed soonest
    /// stays), a cheap source before a block to spill at the same distance,
    /// and blocks small enough to free little for a file's write and read
    /// last. While other tasks run, small blocks stay unless together they
    /// hold a sixteenth of the budget (the pieces of a rechunk): waiting for
    /// those tasks frees more than a few partial results would.
    ///
    /// Distance comes before cheapness: dropping a source whose readers are
    /// about to run means reading it again at once (a row block cut into
    /// pieces for a rechunk would be re-read for every piece), while a spilled
    /// block far from its reader costs one write and one read.
    fn evictable(&self, j: usize) -> Vec<usize> {
        let tiny = self.limit / 1024;
        let mut c: Vec<(bool, Reverse<u32>, bool, usize)> = self
            .held
            .iter()
            .filter(|&&i| self.in_use[i] == 0 && !self.graph.deps[j].contains(&i))
            .map(|&i| {
                let cheap = self.cheap(i);
                let small = !cheap && self.bytes[i] <= tiny;
                (small, Reverse(self.next_use(i)), !cheap, i)
            })
            .collect();
        let small_total: u64 = c
            .iter()
            .filter(|(small, ..)| *small)
            .map(|&(.., i)| self.bytes[i])
            .sum();
        if self.running > 0 && small_total < self.limit / 16 {
            c.retain(|(small, ..)| !small);
        }
        c.sort_unstable();
        c.into_iter().map(|(.., i)| i).collect()
    }

    /// Take result `i` out of memory: drop it if it is cheap to make again, else spill it.
    fn evict(&mut self, i: usize) -> Result<()> {
        let Some(block) = self.results[i].take() else {
            return Ok(());
        };
        self.held.remove(&i);
        self.live -= self.bytes[i];
        let task = &self.graph.tasks[i];
        let cheap = self.cheap(i);
        self.evicted[i] = Some(if cheap {
            if self.remote {
                self.actions.push(Remote::Release(i));
            }
            Evicted::Recompute
        } else {
            let path = self.spill.path()?;
            let slot = if self.remote {
                self.actions.push(Remote::Spill(i, path.clone()));
                Arc::new(SpillSlot::elsewhere(path))
            } else {
                let slot = Arc::new(SpillSlot::new(path, block));
                self.unwritten.push(slot.clone());
                slot
            };
            self.usage.spilled_blocks += 1;
            self.usage.spilled_bytes += self.bytes[i];
            Evicted::Spilled(slot)
        });
        tracing::debug!(key = %task.key, cheap, "result left memory");
        Ok(())
    }

    /// Make room for `j`, whose `remote` inputs are copied from other
    /// processes: Ok(false) when it must wait for running tasks.
    fn make_room(&mut self, j: usize, remote: &[usize]) -> Result<bool> {
        let fits = |s: &Self| s.live + s.reserved + s.need(j) + s.copies(j, remote) <= s.limit;
        if fits(self) {
            return Ok(true);
        }
        let need = self.need(j) + self.copies(j, remote);
        let candidates = self.evictable(j);
        let freeable: u64 = candidates.iter().map(|&i| self.bytes[i]).sum();
        if self.running > 0 && self.live + self.reserved + need > self.limit + freeable {
            self.memory_waiters = true;
            return Ok(false);
        }
        for i in candidates {
            if fits(self) {
                break;
            }
            self.evict(i)?;
        }
        // Alone, and copies from other processes do not fit: move those
        // inputs instead — spilled by their holder and read back here (or
        // made again) — which frees their room before this task takes it.
        for &d in remote {
            if fits(self) {
                break;
            }
            // Not while a queued task expects it in its holder's memory.
            if self.in_use[d] == 0 {
                self.evict(d)?;
            }
        }
        if !fits(self) {
            // Alone and still over: only if blocks came out larger than projected.
            tracing::warn!(
                key = %self.graph.tasks[j].key,
                "a task exceeds the memory budget on its own; running it anyway"
            );
        }
        Ok(true)
    }

    /// Take the most urgent ready task with its inputs, if it fits in the
    /// budget now (Ok(None): nothing ready, or waiting for memory). A block
    /// this task reads last is handed over (not cloned), so the kernel may reuse it.
    pub(crate) fn next_ready(&mut self) -> Result<Option<Job>> {
        self.next_ready_with(|_| Vec::new())
    }

    /// Bytes the copies of `remote` inputs of `j` add: a copy per use, but
    /// one fewer for a block this task reads last, which is moved (its
    /// holder lets it go), not copied, and is counted in the reservation.
    fn copies(&self, j: usize, remote: &[usize]) -> u64 {
        let deps = &self.graph.deps[j];
        remote
            .iter()
            .filter(|&&d| self.results[d].is_some())
            .map(|&d| {
                let uses = deps.iter().filter(|&&x| x == d).count() as u64;
                let moved = self.readers_left[d] == 1 && !self.is_output[d];
                (uses - u64::from(moved)) * self.bytes[d]
            })
            .sum()
    }

    /// Whether the accounted bytes are past half the budget: memory other
    /// processes hold but do not use then matters.
    pub(crate) fn under_pressure(&self) -> bool {
        self.limit != u64::MAX && self.live + self.reserved > self.limit / 2
    }

    /// The most urgent ready task, without taking it.
    pub(crate) fn peek_ready(&self) -> Option<usize> {
        self.ready.peek().map(|&Reverse((_, j))| j)
    }

    /// Whether result `d` is in memory and still counted as held (not handed to its last reader).
    pub(crate) fn holds(&self, d: usize) -> bool {
        self.results[d].is_some()
    }

    /// [`Self::next_ready`] for an executor that copies the inputs
    /// `remote(j)` of task `j` into the process running it (results held by
    /// another worker): the copies are projected and reserved with the task.
    pub(crate) fn next_ready_with(
        &mut self,
        remote: impl FnOnce(usize) -> Vec<usize>,
    ) -> Result<Option<Job>> {
        let Some(&Reverse((_, j))) = self.ready.peek() else {
            return Ok(None);
        };
        let remote = remote(j);
        if !self.make_room(j, &remote)? {
            return Ok(None);
        }
        let copies = self.copies(j, &remote);
        self.ready.pop();
        let graph = self.graph;
        let deps = &graph.deps[j];
        let mut inputs = Vec::with_capacity(deps.len());
        let mut reservation = graph.out_bytes[j] + graph.extra_bytes[j] + copies;
        for (pos, &d) in deps.iter().enumerate() {
            if self.results[d].is_some() {
                // Handed over only at its single remaining use (a block read
                // twice by this task stays shared).
                let last = self.readers_left[d] == 1
                    && !self.is_output[d]
                    && !deps[pos + 1..].contains(&d);
                let block = if last {
                    self.held.remove(&d);
                    self.live -= self.bytes[d];
                    reservation += self.bytes[d];
                    self.results[d].take()
                } else {
                    self.in_use[d] += 1;
                    self.shared_inputs[j].push(d);
                    self.results[d].clone()
                };
                if let Some(b) = block {
                    inputs.push(Input::Held(b));
                }
            } else {
                reservation += self.bytes[d];
                match &self.evicted[d] {
                    Some(Evicted::Spilled(slot)) => inputs.push(Input::Spilled(slot.clone())),
                    _ => {
                        self.usage.recomputed += 1;
                        inputs.push(Input::Recompute(d));
                    }
                }
            }
        }
        self.started[j] = true;
        self.running += 1;
        self.reservation[j] = reservation;
        self.reserved += reservation;
        self.usage.peak = self.usage.peak.max(self.live + self.reserved);
        Ok(Some(Job {
            task: j,
            inputs,
            spills: std::mem::take(&mut self.unwritten),
        }))
    }

    /// A result nobody reads any more leaves memory and disk.
    fn release(&mut self, d: usize) {
        if self.results[d].take().is_some() {
            self.held.remove(&d);
            self.live -= self.bytes[d];
        }
        if self.remote {
            // Also when handed over: the worker kept it for its last reader.
            self.actions.push(Remote::Release(d));
        }
        if let Some(Evicted::Spilled(slot)) = self.evicted[d].take() {
            slot.discard();
        }
    }

    /// Record a finished task: store its result, release inputs nobody else
    /// reads, and make dependents whose inputs are all present ready.
    pub(crate) fn complete(&mut self, i: usize, block: Block) -> usize {
        let nbytes = block.nbytes() as u64;
        self.complete_sized(i, block, nbytes)
    }

    /// [`Self::complete`] for a result of `nbytes` held elsewhere (`block` is a placeholder).
    pub(crate) fn complete_sized(&mut self, i: usize, block: Block, nbytes: u64) -> usize {
        let mut newly_ready = 0;
        self.finished += 1;
        self.running -= 1;
        self.reserved -= std::mem::take(&mut self.reservation[i]);
        for d in std::mem::take(&mut self.shared_inputs[i]) {
            self.in_use[d] -= 1;
        }
        let graph = self.graph;
        for &d in &graph.deps[i] {
            self.readers_left[d] -= 1;
            if self.readers_left[d] == 0 && !self.is_output[d] {
                self.release(d);
            }
        }
        for &j in &graph.dependents[i] {
            self.waiting_on[j] -= 1;
            if self.waiting_on[j] == 0 {
                // A reader of this block alone runs next, while the block is
                // in memory (pieces cut from a block are made together, not
                // each after re-reading it).
                let only_this = graph.deps[j].iter().all(|&d| d == i);
                let p = if only_this && self.limit != u64::MAX {
                    self.priority[j].min(self.priority[i])
                } else {
                    self.priority[j]
                };
                self.ready.push(Reverse((p, j)));
                newly_ready += 1;
            }
        }
        self.bytes[i] = nbytes;
        if self.readers_left[i] > 0 || self.is_output[i] {
            self.results[i] = Some(block);
            self.held.insert(i);
            self.live += self.bytes[i];
        } else if self.remote {
            self.actions.push(Remote::Release(i));
        }
        self.usage.peak = self.usage.peak.max(self.live + self.reserved);
        newly_ready
    }

    /// Output `o` if it left memory (read back or made again here); `None`
    /// while it is held (in a remote state: by a worker, to fetch from there).
    pub(crate) fn evicted_output(&self, o: usize) -> Option<Result<Block>> {
        self.results[o].is_none().then(|| self.brought_back(o))
    }

    /// Result `o`, which left memory: read back, or made again.
    fn brought_back(&self, o: usize) -> Result<Block> {
        match &self.evicted[o] {
            Some(Evicted::Spilled(slot)) => slot.load(),
            _ => run_task(self.graph, o, Vec::new()),
        }
    }

    /// The outputs, in request order, once done (results that left memory come back).
    pub(crate) fn outputs(&mut self) -> Result<Vec<Block>> {
        let graph = self.graph;
        graph
            .outputs
            .iter()
            .map(|&o| match &self.results[o] {
                Some(b) => Ok(b.clone()),
                None => self.brought_back(o),
            })
            .collect()
    }
}

/// Run one task's kernel, turning errors and panics into an `Error` naming the key.
pub(crate) fn run_task(graph: &TaskGraph, i: usize, inputs: Vec<Block>) -> Result<Block> {
    let task = &graph.tasks[i];
    match catch_unwind(AssertUnwindSafe(|| task.kernel.run_owned(inputs))) {
        Ok(Ok(block)) => Ok(block),
        Ok(Err(error)) => Err(Error::TaskFailed {
            key: task.key.clone(),
            error,
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

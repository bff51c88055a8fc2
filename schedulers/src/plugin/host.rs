//! The host side of one plugin run: the `execute` callback and the state it
//! shares across the plugin's threads. It owns everything it touches (a
//! clone of the graph), so a plugin abandoned after a timeout can still call
//! it safely: it then only answers "cancelled".

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Mutex;

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use super::abi;
use crate::error::Error;
use crate::state::run_task;

/// What `execute` tells the host's thread.
pub(crate) enum Event {
    /// A task started on plugin thread `worker`.
    Started(usize, usize),
    /// A task finished with this block.
    Finished(usize, usize, Block),
    /// The plugin's `run` returned this code.
    Returned(i32),
}

struct Slots {
    results: Vec<Option<Block>>,
    /// 0 = not started, 1 = running, 2 = done.
    phase: Vec<u8>,
    readers_left: Vec<usize>,
}

/// Shared by the host thread and every plugin thread.
pub(crate) struct Ctx {
    pub(crate) graph: TaskGraph,
    slots: Mutex<Slots>,
    is_output: Vec<bool>,
    pub(crate) cancelled: AtomicBool,
    pub(crate) failure: Mutex<Option<Error>>,
    events: Mutex<Sender<Event>>,
    threads: AtomicUsize,
}

thread_local! {
    static WORKER: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

impl Ctx {
    pub(crate) fn new(graph: TaskGraph, events: Sender<Event>) -> Self {
        let n = graph.len();
        let is_output = graph.output_mask();
        Ctx {
            slots: Mutex::new(Slots {
                results: vec![None; n],
                phase: vec![0; n],
                readers_left: graph.dependents.iter().map(Vec::len).collect(),
            }),
            graph,
            is_output,
            cancelled: AtomicBool::new(false),
            failure: Mutex::new(None),
            events: Mutex::new(events),
            threads: AtomicUsize::new(0),
        }
    }

    /// Record the first error and cancel the rest.
    pub(crate) fn fail(&self, e: Error) {
        if let Ok(mut f) = self.failure.lock() {
            f.get_or_insert(e);
        }
        self.cancelled.store(true, Ordering::SeqCst);
    }

    fn emit(&self, e: Event) {
        if let Ok(tx) = self.events.lock() {
            let _ = tx.send(e);
        }
    }

    /// Tasks that never completed (the first few), for the error of a plugin returning early.
    pub(crate) fn unfinished(&self) -> Vec<usize> {
        self.slots
            .lock()
            .map(|s| (0..s.phase.len()).filter(|&i| s.phase[i] != 2).collect())
            .unwrap_or_default()
    }

    /// The outputs, once every task ran.
    pub(crate) fn outputs(&self) -> Vec<Block> {
        self.slots
            .lock()
            .map(|s| {
                self.graph
                    .outputs
                    .iter()
                    .filter_map(|&o| s.results[o].clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn misuse(&self, why: String) -> i32 {
        self.fail(super::error(format!("the plugin broke the ABI: {why}")));
        abi::MISUSE
    }

    fn execute(&self, task: u64) -> i32 {
        if self.cancelled.load(Ordering::SeqCst) {
            return abi::CANCELLED;
        }
        let Some(i) = usize::try_from(task).ok().filter(|&i| i < self.graph.len()) else {
            return self.misuse(format!(
                "it asked to run task {task}, but there are {}",
                self.graph.len()
            ));
        };
        let inputs = {
            let Ok(mut s) = self.slots.lock() else {
                return abi::CANCELLED;
            };
            if s.phase[i] != 0 {
                let key = &self.graph.tasks[i].key;
                return self.misuse(format!("it ran task {key} twice"));
            }
            let deps = &self.graph.deps[i];
            if let Some(&d) = deps.iter().find(|&&d| s.phase[d] != 2) {
                let (key, dep) = (&self.graph.tasks[i].key, &self.graph.tasks[d].key);
                return self.misuse(format!(
                    "it ran task {key} before its dependency {dep} completed"
                ));
            }
            s.phase[i] = 1;
            let mut inputs = Vec::with_capacity(deps.len());
            for (pos, &d) in deps.iter().enumerate() {
                let last =
                    s.readers_left[d] == 1 && !self.is_output[d] && !deps[pos + 1..].contains(&d);
                let b = if last {
                    s.results[d].take()
                } else {
                    s.results[d].clone()
                };
                if let Some(b) = b {
                    inputs.push(b);
                }
            }
            inputs
        };
        let worker = WORKER.with(|w| {
            w.get().unwrap_or_else(|| {
                let id = self.threads.fetch_add(1, Ordering::Relaxed);
                w.set(Some(id));
                id
            })
        });
        self.emit(Event::Started(i, worker));
        match run_task(&self.graph, i, inputs) {
            Ok(block) => {
                let Ok(mut s) = self.slots.lock() else {
                    return abi::CANCELLED;
                };
                for &d in &self.graph.deps[i] {
                    s.readers_left[d] = s.readers_left[d].saturating_sub(1);
                    if s.readers_left[d] == 0 && !self.is_output[d] {
                        s.results[d] = None;
                    }
                }
                if s.readers_left[i] > 0 || self.is_output[i] {
                    s.results[i] = Some(block.clone());
                }
                s.phase[i] = 2;
                drop(s);
                self.emit(Event::Finished(i, worker, block));
                abi::OK
            }
            Err(e) => {
                self.fail(e);
                abi::FAILED
            }
        }
    }
}

/// The `execute` the plugin calls; `ctx` is the run's [`Ctx`].
pub(crate) extern "C" fn execute(ctx: *mut c_void, task: u64) -> i32 {
    if ctx.is_null() {
        return abi::MISUSE;
    }
    // SAFETY: the host passes a pointer to a `Ctx` kept alive (by an `Arc`
    // held by the plugin's thread) for as long as the plugin may call this.
    let ctx = unsafe { &*(ctx as *const Ctx) };
    // No unwinding across the C boundary: kernel panics are caught inside
    // run_task; this catches anything else.
    catch_unwind(AssertUnwindSafe(|| ctx.execute(task))).unwrap_or(abi::CANCELLED)
}

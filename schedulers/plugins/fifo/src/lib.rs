//! An example tessera scheduler plugin: ready tasks run in the order they
//! became ready (FIFO), on N threads. It speaks the C ABI documented in
//! `tessera_schedulers::plugin::abi` and depends on nothing, so it also
//! builds with `rustc --crate-type cdylib src/lib.rs`.
//!
//! Options (the string the host passes): `threads=N` (default 2); `stall`
//! makes it never run a task (to test the host's timeout).

use std::collections::VecDeque;
use std::ffi::{c_char, c_void, CStr};
use std::sync::{Condvar, Mutex};

/// The ABI version this plugin speaks.
const ABI_VERSION: u32 = 1;
const OK: i32 = 0;

/// The graph (mirrors the ABI's `TesseraGraph`).
#[repr(C)]
pub struct TesseraGraph {
    n_tasks: u64,
    priority: *const u32,
    dep_start: *const u64,
    deps: *const u64,
    dependent_start: *const u64,
    dependents: *const u64,
}

/// The host's callbacks (mirrors `TesseraHost`).
#[repr(C)]
pub struct TesseraHost {
    ctx: *mut c_void,
    execute: extern "C" fn(*mut c_void, u64) -> i32,
}

/// The entry table (mirrors `TesseraPlugin`).
#[repr(C)]
pub struct TesseraPlugin {
    abi_version: u32,
    name: *const c_char,
    run: extern "C" fn(*const TesseraGraph, *const TesseraHost, *const c_char) -> i32,
}

// SAFETY: the table is immutable and its pointers are to static data.
unsafe impl Sync for TesseraPlugin {}

static PLUGIN: TesseraPlugin = TesseraPlugin {
    abi_version: ABI_VERSION,
    name: c"fifo".as_ptr(),
    run,
};

/// The entry symbol.
#[no_mangle]
pub extern "C" fn tessera_scheduler_plugin() -> *const TesseraPlugin {
    &PLUGIN
}

struct Queue {
    ready: VecDeque<u64>,
    waiting_on: Vec<u64>,
    done: u64,
    stop: bool,
}

struct Host(*const TesseraHost);
// SAFETY: the ABI allows calling `execute` from any thread while `run` runs.
unsafe impl Sync for Host {}

impl Host {
    fn execute(&self, task: u64) -> i32 {
        // SAFETY: the host table is valid during run.
        let h = unsafe { &*self.0 };
        (h.execute)(h.ctx, task)
    }
}

extern "C" fn run(
    graph: *const TesseraGraph,
    host: *const TesseraHost,
    options: *const c_char,
) -> i32 {
    if graph.is_null() || host.is_null() {
        return 1;
    }
    let options = if options.is_null() {
        String::new()
    } else {
        // SAFETY: the host passes a NUL-terminated string valid during run.
        unsafe { CStr::from_ptr(options) }
            .to_string_lossy()
            .into_owned()
    };
    let mut threads = 2usize;
    for opt in options.split(',').map(str::trim) {
        if opt == "stall" {
            loop {
                std::thread::park();
            }
        }
        if let Some(n) = opt.strip_prefix("threads=").and_then(|n| n.parse().ok()) {
            threads = n;
        }
    }
    // SAFETY: the host keeps the graph valid during run.
    let g = unsafe { &*graph };
    let n = g.n_tasks as usize;
    // SAFETY: the arrays have the lengths the ABI documents.
    let (dep_start, dependent_start, dependents) = unsafe {
        (
            std::slice::from_raw_parts(g.dep_start, n + 1),
            std::slice::from_raw_parts(g.dependent_start, n + 1),
            std::slice::from_raw_parts(g.dependents, dependent_start_len(g, n)),
        )
    };
    let waiting_on: Vec<u64> = (0..n).map(|i| dep_start[i + 1] - dep_start[i]).collect();
    let ready = (0..n as u64)
        .filter(|&i| waiting_on[i as usize] == 0)
        .collect();
    let queue = Mutex::new(Queue {
        ready,
        waiting_on,
        done: 0,
        stop: false,
    });
    let wake = Condvar::new();
    let host = Host(host);
    let failed = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let Ok(mut q) = queue.lock() else { return };
                loop {
                    if q.stop || q.done == n as u64 {
                        wake.notify_all();
                        return;
                    }
                    let Some(task) = q.ready.pop_front() else {
                        q = match wake.wait(q) {
                            Ok(q) => q,
                            Err(_) => return,
                        };
                        continue;
                    };
                    drop(q);
                    let rc = host.execute(task);
                    q = match queue.lock() {
                        Ok(q) => q,
                        Err(_) => return,
                    };
                    if rc != OK {
                        failed.store(true, std::sync::atomic::Ordering::SeqCst);
                        q.stop = true;
                        continue;
                    }
                    q.done += 1;
                    let t = task as usize;
                    for &j in
                        &dependents[dependent_start[t] as usize..dependent_start[t + 1] as usize]
                    {
                        let w = &mut q.waiting_on[j as usize];
                        *w -= 1;
                        if *w == 0 {
                            q.ready.push_back(j);
                        }
                    }
                    wake.notify_all();
                }
            });
        }
    });
    i32::from(failed.load(std::sync::atomic::Ordering::SeqCst))
}

fn dependent_start_len(g: &TesseraGraph, n: usize) -> usize {
    // SAFETY: dependent_start has n + 1 entries; the last is the total.
    unsafe { *g.dependent_start.add(n) as usize }
}

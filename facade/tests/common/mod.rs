//! What the oracle-style test files share: the schedulers every op runs on and
//! the chunk cutter of their random chunkings. (Each test binary uses a part.)
#![allow(dead_code)]

use std::sync::Arc;

use tessera::{Scheduler, SyncScheduler, Threaded};

/// The schedulers every operation is checked on: the multiprocess one is one
/// shared pool of 2 workers per test binary (which must contain
/// `tessera::worker_test!()`).
pub fn schedulers() -> Vec<Arc<dyn Scheduler>> {
    let mut all = in_process_schedulers();
    all.push(tessera::config::process_pool(2));
    all
}

/// The schedulers that run in-process closures and in-memory stores.
pub fn in_process_schedulers() -> Vec<Arc<dyn Scheduler>> {
    vec![Arc::new(SyncScheduler), Arc::new(Threaded::new(3))]
}

/// Cut `d` into chunks using `cuts` as lengths, last one trimmed; empty axes get `[0]`.
pub fn split(d: usize, cuts: &[usize]) -> Vec<usize> {
    if d == 0 {
        return vec![0];
    }
    let mut out = Vec::new();
    let mut left = d;
    for &c in cuts.iter().cycle() {
        if left == 0 {
            break;
        }
        let c = c.min(left);
        out.push(c);
        left -= c;
    }
    out
}

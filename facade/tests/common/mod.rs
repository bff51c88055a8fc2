//! What the oracle-style test files share: the schedulers every op runs on and
//! the chunk cutter of their random chunkings. (Each test binary uses a part.)
#![allow(dead_code)]

use tessera::{Array, Scheduler, SyncScheduler, Threaded};

/// The schedulers every operation is checked on.
pub fn schedulers() -> Vec<Box<dyn Scheduler>> {
    vec![Box::new(SyncScheduler), Box::new(Threaded::new(3))]
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

/// An array whose block starting at row 30 fails (its kernel returns a wrong shape).
pub fn failing_after_some_blocks() -> Array<f64> {
    tessera::arange::<f64>(0.0, 60.0, 1.0, 10)
        .unwrap()
        .map_blocks(|b| {
            if b[[0]] >= 30.0 {
                ndarray::ArrayD::zeros(ndarray::IxDyn(&[1]))
            } else {
                b.to_owned()
            }
        })
        .unwrap()
}

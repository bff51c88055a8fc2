//! Where a task of a multiprocess run goes: the worker holding most of its
//! input bytes when that is worth it (or when memory is short), else the least
//! busy one; and which of its inputs must then be copied from other workers.

use tessera_graph::TaskGraph;

use super::protocol;

/// Tasks queued on a worker at once: one running, one waiting, so a worker
/// never idles for a round trip to the parent.
pub(super) const DEPTH: usize = 2;

/// A worker may take this many more tasks when it holds their inputs.
const LOCAL_DEPTH: usize = 2 * DEPTH;

/// Where results are: what placement looks at.
pub(super) struct Where<'a> {
    pub(super) graph: &'a TaskGraph,
    pub(super) owner: &'a [Option<usize>],
    pub(super) nbytes: &'a [u64],
    pub(super) load: &'a [usize],
    /// Near the budget: copies between workers cost memory that is short.
    pub(super) pressed: bool,
}

impl Where<'_> {
    /// Input bytes of task `i` held by worker `w`.
    fn bytes_on(&self, i: usize, w: usize) -> u64 {
        distinct(&self.graph.deps[i])
            .filter(|&d| self.owner[d] == Some(w))
            .map(|d| self.nbytes[d])
            .sum()
    }

    /// The worker for task `i`: near the budget the one holding most of its
    /// input bytes (copies cost memory); else that one when it is not too
    /// busy and the bytes are worth it, else the least busy one (a loose
    /// budget, the default, keeps every worker busy).
    pub(super) fn worker(&self, i: usize) -> Option<usize> {
        let workers = self.load.len();
        let bytes: Vec<u64> = (0..workers).map(|w| self.bytes_on(i, w)).collect();
        let best_local = (0..workers).max_by_key(|&w| (bytes[w], std::cmp::Reverse(self.load[w])));
        match best_local {
            Some(w) if self.pressed => Some(w),
            Some(w)
                if bytes[w] as usize > protocol::SHM_THRESHOLD && self.load[w] < LOCAL_DEPTH =>
            {
                Some(w)
            }
            _ => (0..workers)
                .filter(|&w| self.load[w] < DEPTH)
                .max_by_key(|&w| (bytes[w], std::cmp::Reverse(self.load[w])))
                .or(best_local),
        }
    }

    /// Near the budget, whether the worker holding most of task `i`'s input
    /// bytes is busy: the task then waits for it rather than queue behind
    /// (a queued task reserves memory now) or go elsewhere (a copy of its
    /// inputs, or a re-read when the copy cannot fit).
    pub(super) fn holder_busy(&self, i: usize) -> bool {
        let workers = self.load.len();
        self.pressed
            && (0..workers)
                .map(|w| (self.bytes_on(i, w), w))
                .max()
                .is_some_and(|(bytes, w)| bytes > 0 && self.load[w] > 0)
    }

    /// The inputs of task `i` to copy from other workers to the one it goes to.
    pub(super) fn remote(&self, i: usize) -> Vec<usize> {
        let Some(w) = self.worker(i) else {
            return Vec::new();
        };
        distinct(&self.graph.deps[i])
            .filter(|&d| self.owner[d].is_some_and(|o| o != w))
            .collect()
    }
}

/// Each of `deps` once, in order (a task may read a block twice).
fn distinct(deps: &[usize]) -> impl Iterator<Item = usize> + '_ {
    deps.iter()
        .enumerate()
        .filter(|&(k, d)| !deps[..k].contains(d))
        .map(|(_, &d)| d)
}

//! The scheduler test kit: every executor must pass these cases. A test file
//! states its executors with [`crate::scheduler_kit!`] (and, for executors
//! that keep memory budgets, [`crate::budget_kit!`]), which make one
//! `#[test]` per case per executor, so a failure names both.
//!
//! ```text
//! use tessera_schedulers::{budget_kit, scheduler_kit, Threaded};
//! scheduler_kit!(threaded_2, Threaded::new(2));
//! budget_kit!(threaded_2_budget, Threaded::new(2));
//! ```

mod budget;
mod graphs;
mod kernels;
mod os;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tessera_chunk_core::Block;
use tessera_graph::{Key, TaskGraph};

use crate::{Callbacks, Cancel, Error, RunOptions, Scheduler};
use graphs::task;
use kernels::{Add, Broken, Const};

pub use budget::{
    cleans_spills_after_a_panic, recomputes_cheap_sources_within_budgets,
    refuses_tasks_over_the_budget, spills_within_budgets,
};
pub use graphs::{anomaly_graph, tree_sum_graph};
pub use kernels::{abort_kernel, add_kernel, fill_kernel, rebuild, sleep_kernel};
pub use os::{compile_cdylib, process_alive};

/// One `#[test]` per case of the kit in a module `$module`: each makes a
/// scheduler with `$make`, runs its case on it, then hands it to `$after`
/// when given (checks on the scheduler once the case is over).
#[macro_export]
macro_rules! scheduler_kit {
    ($module:ident, $make:expr $(, after = $after:expr)? $(,)?) => {
        $crate::__kit_cases!($module, $make, [$($after)?], [
            computes_tree_sums,
            returns_outputs_in_order,
            reports_kernel_errors_with_the_key,
            reports_kernel_panics_with_the_key,
            calls_callbacks,
            survives_panicking_callbacks,
            stops_when_cancelled,
        ]);
    };
}

/// One `#[test]` per memory-budget case, as [`scheduler_kit!`] does, for
/// executors built on the shared loop (they keep budgets).
#[macro_export]
macro_rules! budget_kit {
    ($module:ident, $make:expr $(, after = $after:expr)? $(,)?) => {
        $crate::__kit_cases!($module, $make, [$($after)?], [
            recomputes_cheap_sources_within_budgets,
            spills_within_budgets,
            refuses_tasks_over_the_budget,
            cleans_spills_after_a_panic,
        ]);
    };
}

/// The body of the kit macros.
#[doc(hidden)]
#[macro_export]
macro_rules! __kit_cases {
    ($module:ident, $make:expr, [], [$($case:ident),* $(,)?]) => {
        $crate::__kit_cases!($module, $make, [|_| {}], [$($case),*]);
    };
    ($module:ident, $make:expr, [$after:expr], [$($case:ident),* $(,)?]) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $case() {
                    let scheduler = $make;
                    $crate::testing::$case(&scheduler);
                    ($after)(scheduler);
                }
            )*
        }
    };
}

/// Counts callback events, checking their order.
#[derive(Default)]
struct Counting {
    started: AtomicUsize,
    finished: AtomicUsize,
    total: AtomicUsize,
    ended: Mutex<Option<bool>>,
}

impl Callbacks for Counting {
    fn on_start(&self, total: usize) {
        self.total.store(total, Ordering::SeqCst);
    }
    fn on_task_start(&self, _: &Key, _: usize) {
        self.started.fetch_add(1, Ordering::SeqCst);
    }
    fn on_task_finish(&self, _: &Key, _: usize, _: &Block) {
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
    fn on_end(&self, ok: bool) {
        if let Ok(mut e) = self.ended.lock() {
            *e = Some(ok);
        }
    }
}

/// Results are right, for graphs of several sizes including a single task.
pub fn computes_tree_sums(s: &dyn Scheduler) {
    for n in [1usize, 2, 3, 10, 257] {
        let g = tree_sum_graph(n);
        let out = s
            .run(&g, &RunOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", s.name()));
        assert_eq!(out.len(), 1);
        let v = out[0]
            .as_array::<f64>()
            .map(|a| a.sum())
            .unwrap_or(f64::NAN);
        assert_eq!(v, (n * (n - 1) / 2) as f64, "{} with {n} leaves", s.name());
    }
}

/// Outputs come back in request order, also when one output feeds another.
pub fn returns_outputs_in_order(s: &dyn Scheduler) {
    let a = task("a", 0, Arc::new(Const(1.0)), vec![]);
    let b = task("b", 0, Arc::new(Add), vec![a.key.clone(), a.key.clone()]);
    let outputs = [b.key.clone(), a.key.clone()];
    let g = TaskGraph::from_tasks(vec![a, b], &outputs).unwrap_or_else(|e| panic!("{e}"));
    let out = s
        .run(&g, &RunOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let vals: Vec<f64> = out
        .iter()
        .map(|b| b.as_array::<f64>().map(|a| a.sum()).unwrap_or(f64::NAN))
        .collect();
    assert_eq!(vals, vec![2.0, 1.0]);
}

/// A kernel returning an error gives an error naming the task, not a hang;
/// the scheduler works afterwards.
pub fn reports_kernel_errors_with_the_key(s: &dyn Scheduler) {
    reports_failures_with_the_key(s, false);
}

/// A panicking kernel gives an error naming the task, not a crash; the
/// scheduler works afterwards.
pub fn reports_kernel_panics_with_the_key(s: &dyn Scheduler) {
    reports_failures_with_the_key(s, true);
}

fn reports_failures_with_the_key(s: &dyn Scheduler, panic: bool) {
    let mut g = tree_sum_graph(64);
    let victim = 17;
    g.tasks[victim].kernel = Arc::new(Broken { panic });
    let key = g.tasks[victim].key.clone();
    let counting = Counting::default();
    let err = match s.run(&g, &RunOptions::default().with_callbacks(&[&counting])) {
        Err(e) => e,
        Ok(_) => panic!("{}: a broken kernel must fail the run", s.name()),
    };
    match (&err, panic) {
        (Error::TaskFailed { key: k, error }, false) => {
            assert_eq!(k, &key);
            assert!(error.message.contains("refused on purpose"));
            // The kind survives the trip (also through worker processes).
            assert_eq!(
                error.kind,
                tessera_graph::KernelErrorKind::Storage,
                "{}",
                s.name()
            );
        }
        (Error::TaskPanicked { key: k, message }, true) => {
            assert_eq!(k, &key);
            assert!(message.contains("exploded on purpose"));
        }
        _ => panic!("{}: unexpected error {err:?}", s.name()),
    }
    assert!(err.to_string().contains(&key.to_string()));
    assert_eq!(
        counting.ended.lock().map(|e| *e).ok().flatten(),
        Some(false)
    );
    // The scheduler is usable again afterwards.
    computes_tree_sums(s);
}

/// Callbacks see every task start and finish once, the total first and the end last.
pub fn calls_callbacks(s: &dyn Scheduler) {
    let g = tree_sum_graph(100);
    let counting = Counting::default();
    s.run(&g, &RunOptions::default().with_callbacks(&[&counting]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counting.total.load(Ordering::SeqCst), g.len());
    assert_eq!(counting.started.load(Ordering::SeqCst), g.len());
    assert_eq!(counting.finished.load(Ordering::SeqCst), g.len());
    assert_eq!(counting.ended.lock().map(|e| *e).ok().flatten(), Some(true));
}

/// A callback that panics on the n-th task.
struct Panicky(usize, AtomicUsize);

impl Callbacks for Panicky {
    fn on_task_finish(&self, _: &Key, _: usize, _: &Block) {
        if self.1.fetch_add(1, Ordering::SeqCst) == self.0 {
            panic!("progress bar exploded");
        }
    }
}

/// A panicking callback gives an error, not a crash or a hang; the scheduler works afterwards.
pub fn survives_panicking_callbacks(s: &dyn Scheduler) {
    let g = tree_sum_graph(50);
    let cb = Panicky(20, AtomicUsize::new(0));
    match s.run(&g, &RunOptions::default().with_callbacks(&[&cb])) {
        Err(e) => assert!(e.to_string().contains("progress bar exploded"), "{e}"),
        Ok(_) => panic!("{}: a panicking callback must fail the run", s.name()),
    }
    computes_tree_sums(s);
}

/// Sets a cancel flag when the `n`th task finishes.
struct CancelAfter<'a>(usize, AtomicUsize, &'a Cancel);

impl Callbacks for CancelAfter<'_> {
    fn on_task_finish(&self, _: &Key, _: usize, _: &Block) {
        if self.1.fetch_add(1, Ordering::SeqCst) + 1 == self.0 {
            self.2.cancel();
        }
    }
}

/// A cancelled run stops starting tasks and returns `Cancelled`, not a
/// result; a flag set before the run starts nothing; the scheduler works afterwards.
pub fn stops_when_cancelled(s: &dyn Scheduler) {
    let g = tree_sum_graph(200);
    let cancel = Cancel::new();
    let cb = CancelAfter(5, AtomicUsize::new(0), &cancel);
    let counting = Counting::default();
    let callbacks: [&dyn Callbacks; 2] = [&cb, &counting];
    let options = RunOptions::default()
        .with_callbacks(&callbacks)
        .with_cancel(&cancel);
    match s.run(&g, &options) {
        Err(Error::Cancelled { scheduler }) => assert_eq!(scheduler, s.name()),
        Err(e) => panic!("{}: expected Cancelled, got {e}", s.name()),
        Ok(_) => panic!("{}: a cancelled run must not return a result", s.name()),
    }
    let started = counting.started.load(Ordering::SeqCst);
    assert!(
        started < g.len(),
        "{}: {started} of {} tasks started after the cancel",
        s.name(),
        g.len()
    );
    let early = Cancel::new();
    early.cancel();
    let counting = Counting::default();
    let callbacks: [&dyn Callbacks; 1] = [&counting];
    let options = RunOptions::default()
        .with_callbacks(&callbacks)
        .with_cancel(&early);
    assert!(matches!(s.run(&g, &options), Err(Error::Cancelled { .. })));
    assert_eq!(counting.started.load(Ordering::SeqCst), 0);
    computes_tree_sums(s);
}

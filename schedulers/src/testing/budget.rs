//! The memory-budget cases, for executors built on the shared loop.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use tessera_chunk_core::Block;

use super::graphs::anomaly_graph;
use super::kernels::Broken;
use super::Counting;
use crate::{Callbacks, Error, MemoryBudget, MemoryUsage, RunOptions, Scheduler};

/// Records the memory report of a run.
#[derive(Default)]
struct Usage(Mutex<Option<MemoryUsage>>);

impl Callbacks for Usage {
    fn on_memory(&self, usage: &MemoryUsage) {
        if let Ok(mut u) = self.0.lock() {
            *u = Some(*usage);
        }
    }
}

fn scalar(out: &[Block]) -> f64 {
    out.first()
        .and_then(|b| b.as_array::<f64>().ok().map(|a| a.sum()))
        .unwrap_or(f64::NAN)
}

/// The directory's entries (spill directories must be gone after a run).
fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// Within a budget of a few blocks the anomaly pattern on cheap sources gives
/// the unbounded result, never accounts more than the budget, and gets there by
/// making sources again (nothing spilled).
pub fn recomputes_cheap_sources_within_budgets(s: &dyn Scheduler) {
    keeps_memory_budgets(s, true);
}

/// The same on sources that are not cheap: it gets there by spilling, and the
/// spill directory is empty afterwards.
pub fn spills_within_budgets(s: &dyn Scheduler) {
    keeps_memory_budgets(s, false);
}

fn keeps_memory_budgets(s: &dyn Scheduler, cheap: bool) {
    let (n, len) = (24, 4096);
    let block = (len * 8) as u64;
    let (g, expected) = anomaly_graph(n, len, cheap);
    let free = Usage::default();
    let out = s
        .run(&g, &RunOptions::default().with_callbacks(&[&free]))
        .unwrap_or_else(|e| panic!("{}: {e}", s.name()));
    assert_eq!(scalar(&out), expected);
    let unbounded = free.0.lock().ok().and_then(|u| *u).map_or(0, |u| u.peak);
    assert!(
        unbounded >= n as u64 * block,
        "{}: unbounded peak {unbounded}",
        s.name()
    );
    for blocks in [3u64, 5, 8] {
        let limit = blocks * block + 64;
        let spill = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let budget = MemoryBudget::new(limit).with_spill_dir(spill.path());
        let usage = Usage::default();
        let out = s
            .run(
                &g,
                &RunOptions::default()
                    .with_budget(&budget)
                    .with_callbacks(&[&usage]),
            )
            .unwrap_or_else(|e| panic!("{} within {blocks} blocks: {e}", s.name()));
        assert_eq!(
            scalar(&out),
            expected,
            "{} within {blocks} blocks",
            s.name()
        );
        let u = usage
            .0
            .lock()
            .ok()
            .and_then(|u| *u)
            .unwrap_or_else(|| panic!("{}: no memory report", s.name()));
        assert!(
            u.peak <= limit,
            "{}: peak {} over {limit}",
            s.name(),
            u.peak
        );
        if cheap {
            assert!(
                u.recomputed > 0 && u.spilled_blocks == 0,
                "{}: {u:?}",
                s.name()
            );
        } else {
            assert!(
                u.spilled_blocks > 0 && u.recomputed == 0,
                "{}: {u:?}",
                s.name()
            );
        }
        assert!(
            entries(spill.path()).is_empty(),
            "{}: spill left behind",
            s.name()
        );
    }
}

/// A task bigger than the budget on its own is an error before anything runs, naming the sizes.
pub fn refuses_tasks_over_the_budget(s: &dyn Scheduler) {
    let (g, _) = anomaly_graph(4, 1024, false);
    let counting = Counting::default();
    let budget = MemoryBudget::new(10_000);
    let callbacks: [&dyn Callbacks; 1] = [&counting];
    let options = RunOptions::default()
        .with_budget(&budget)
        .with_callbacks(&callbacks);
    let err = match s.run(&g, &options) {
        Err(e) => e,
        Ok(_) => panic!("{}: an 8 KiB block cannot fit in 10 kB", s.name()),
    };
    assert!(matches!(err, Error::OverBudget { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("9.77 kiB") && text.contains("8.00 kiB"),
        "{}: {text}",
        s.name()
    );
    assert_eq!(counting.started.load(Ordering::SeqCst), 0);
    // Refused before the start: the callbacks heard nothing at all.
    assert_eq!(counting.total.load(Ordering::SeqCst), 0);
    assert_eq!(counting.ended.lock().map(|e| *e).ok().flatten(), None);
}

/// A kernel panicking mid-run, after blocks were spilled, leaves no spill files behind.
pub fn cleans_spills_after_a_panic(s: &dyn Scheduler) {
    let (mut g, _) = anomaly_graph(16, 4096, false);
    let victim = g
        .tasks
        .iter()
        .position(|t| t.key.layer.as_ref() == "square" && t.key.index == vec![9])
        .unwrap_or_else(|| panic!("no square-9 task"));
    g.tasks[victim].kernel = Arc::new(Broken { panic: true });
    let spill = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let budget = MemoryBudget::new(4 * 4096 * 8).with_spill_dir(spill.path());
    match s.run(&g, &RunOptions::default().with_budget(&budget)) {
        Err(Error::TaskPanicked { key, .. }) => assert_eq!(key, g.tasks[victim].key),
        other => panic!("{}: expected the panic, got {other:?}", s.name()),
    }
    assert!(
        entries(spill.path()).is_empty(),
        "{}: spill left behind",
        s.name()
    );
}

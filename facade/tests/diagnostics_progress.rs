//! The progress bar: its counts reach the total on every scheduler, stop
//! where a failed computation stopped, and a bar written to a log ends with
//! the full count in plain lines.

use tessera::diagnostics::{Draw, ProgressBar};
use tessera::Compute;

mod common;

tessera::worker_test!();
use common::schedulers;

#[test]
fn progress_counts_reach_the_total_on_every_scheduler() {
    let x = tessera::ones::<f64>([12, 8], [3, 2]);
    let sum = x.sum();
    let total = sum.task_graph().unwrap().len() as u64;
    let bar = ProgressBar::with_draw("test", Draw::Never);
    assert!(!bar.is_drawn());
    for scheduler in schedulers() {
        let value = sum
            .compute_with(&Compute::new().scheduler(scheduler.as_ref()).callback(&bar))
            .unwrap();
        assert_eq!(value.sum(), 96.0);
        assert_eq!(bar.length(), Some(total));
        assert_eq!(bar.position(), total);
    }
    // A failed computation stops counting where it failed.
    let bad = ProgressBar::with_draw("bad", Draw::Never);
    let failing = x.map_blocks(|b| {
        if b.shape()[0] == 3 {
            panic!("boom")
        } else {
            b.to_owned()
        }
    });
    assert!(failing
        .compute_with(
            &Compute::new()
                .scheduler(&tessera::Synchronous)
                .callback(&bad)
        )
        .is_err());
    assert!(bad.position() < bad.length().unwrap());
}

/// A buffer the test keeps a handle on while the bar writes into it.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn progress_written_to_a_log_ends_with_the_full_count() {
    let x = tessera::ones::<f64>([12, 8], [3, 2]);
    let sum = x.sum();
    let total = sum.task_graph().unwrap().len();
    let log = Shared::default();
    let bar = ProgressBar::to_writer("summing", log.clone());
    assert!(bar.is_drawn());
    // Nothing is drawn before a computation starts (no "0/0" bar).
    assert!(log.0.lock().unwrap().is_empty());
    let threads = tessera::Threaded::new(2);
    sum.compute_with(&Compute::new().scheduler(&threads).callback(&bar))
        .unwrap();
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let last = text.lines().rfind(|l| !l.trim().is_empty()).unwrap();
    assert!(last.starts_with("summing ["), "{text}");
    assert!(last.contains(&format!("{total}/{total} tasks")), "{text}");
    // Plain lines: no cursor movement or clearing escapes in a log.
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

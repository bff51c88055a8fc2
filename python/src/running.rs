//! Running a computation from Python: on a thread of its own with the GIL
//! released, while the calling thread keeps Python responsive — Ctrl-C
//! (and any other signal handler that raises) cancels the run, and a
//! progress callback, when one is set, hears how many tasks are done.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::Duration;

use pyo3::prelude::*;
use tessera::{Callbacks, Cancel, Compute};

use crate::errors::OrPy;

/// How often the waiting thread looks at signals and reports progress.
const TICK: Duration = Duration::from_millis(50);

/// Counts a run's tasks for the progress report.
#[derive(Default)]
struct Counts {
    total: AtomicUsize,
    done: AtomicUsize,
}

impl Callbacks for Counts {
    fn on_start(&self, total: usize) {
        // Several graphs may run under one call (a `persist` then a write):
        // the totals add up so the bar never runs backwards.
        self.total.fetch_add(total, Ordering::SeqCst);
    }
    fn on_task_finish(&self, _: &tessera::Key, _: usize, _: &tessera::Block) {
        self.done.fetch_add(1, Ordering::SeqCst);
    }
}

/// The progress callback of this thread's computations, set by
/// `tessera.diagnostics.ProgressBar` (a Python callable taking
/// `(done, total, finished)`), or None.
static PROGRESS: std::sync::Mutex<Option<Py<PyAny>>> = std::sync::Mutex::new(None);

/// Set (or clear, with None) the callable that hears progress.
#[pyfunction]
#[pyo3(signature = (callback=None))]
pub fn set_progress(callback: Option<Py<PyAny>>) {
    *PROGRESS.lock().unwrap_or_else(|e| e.into_inner()) = callback;
}

/// The progress callable, if one is set.
fn progress(py: Python<'_>) -> Option<Py<PyAny>> {
    PROGRESS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|p| p.clone_ref(py))
}

/// Run `work` with compute options that carry a cancel flag and a task
/// counter, the GIL released. Every `TICK` this thread checks Python's
/// signals: a `KeyboardInterrupt` sets the flag, waits for the run to stop
/// at its next task (the scheduler cleans up as after any failure) and is
/// raised; the progress callable, if set, is called with the counts.
pub fn interruptible<R: Send>(
    py: Python<'_>,
    work: impl FnOnce(&Compute<'_>) -> tessera::Result<R> + Send,
) -> PyResult<R> {
    let cancel = Cancel::new();
    let counts = Counts::default();
    let report = progress(py);
    // Tasks are counted only for a progress report: a callback on every
    // task is work per task (W3 from Python measured 2.3x the Rust figure
    // with the counter always on; see BENCHMARKS.md).
    let counting = report.is_some();
    let outcome = std::thread::scope(|scope| -> PyResult<R> {
        let (tx, rx) = channel();
        let (cancel, counts) = (&cancel, &counts);
        scope.spawn(move || {
            let options = Compute::new().cancel(cancel);
            let options = if counting {
                options.callback(counts)
            } else {
                options
            };
            let _ = tx.send(work(&options));
        });
        let mut interrupted = None;
        let mut rx = rx;
        loop {
            // The receiver travels into the GIL-free closure and back (it is
            // Send, not Sync, so it cannot be borrowed there).
            let (got, back) = py.detach(move || (rx.recv_timeout(TICK), rx));
            rx = back;
            let finished = !matches!(got, Err(RecvTimeoutError::Timeout));
            if let Some(report) = &report {
                let done = counts.done.load(Ordering::SeqCst);
                let total = counts.total.load(Ordering::SeqCst);
                if let Err(e) = report.call1(py, (done, total, finished)) {
                    if e.is_instance_of::<pyo3::exceptions::PyException>(py) {
                        // A failing progress bar must not lose the result: it is
                        // reported as Python reports errors it cannot raise.
                        e.write_unraisable(py, Some(report.bind(py)));
                    } else if interrupted.is_none() {
                        // KeyboardInterrupt (a signal handler ran inside the
                        // callback) or SystemExit: stop the run, as below.
                        cancel.cancel();
                        interrupted = Some(e);
                    }
                }
            }
            match got {
                Ok(result) => {
                    return match interrupted {
                        Some(e) => Err(e),
                        None => result.or_py(),
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(
                        "the computation thread ended without a result",
                    ))
                }
                Err(RecvTimeoutError::Timeout) => {
                    if interrupted.is_none() {
                        if let Err(e) = py.check_signals() {
                            cancel.cancel();
                            interrupted = Some(e);
                        }
                    }
                }
            }
        }
    });
    outcome
}

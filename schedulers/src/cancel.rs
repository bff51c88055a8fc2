//! Cancelling a run from outside it (Ctrl-C in Python, a UI's stop button).

use std::sync::atomic::{AtomicBool, Ordering};

/// A flag another thread sets to stop a run: no task starts after it is
/// set, the tasks already running finish, and the run returns
/// [`crate::Error::Cancelled`] having cleaned up as after any failure (a
/// kernel cannot be interrupted halfway, so a long task delays the stop).
///
/// ```
/// use tessera_schedulers::Cancel;
/// let cancel = Cancel::new();
/// assert!(!cancel.is_cancelled());
/// cancel.cancel();
/// assert!(cancel.is_cancelled());
/// ```
#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

impl Cancel {
    /// A flag not yet set.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Ask the run to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the run was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

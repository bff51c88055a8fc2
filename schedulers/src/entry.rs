//! The one way into a scheduler: [`crate::Scheduler::run`] with
//! [`RunOptions`]. The part every executor shares — the memory-budget check,
//! the start and end callbacks, a panicking callback turned into an error — is
//! written here once; an executor implements only
//! [`crate::Scheduler::execute`], seeing the run as an [`Execution`].

use tessera_chunk_core::Block;
use tessera_graph::{Key, TaskGraph};

use crate::budget::{MemoryBudget, MemoryUsage, UNLIMITED};
use crate::callbacks::{notify, Callbacks};
use crate::cancel::Cancel;
use crate::error::{Error, Result};
use crate::Scheduler;

/// What a run is asked to keep besides its graph: a memory budget (none:
/// no limit), the callbacks to call as it goes, and a flag that cancels it.
///
/// ```
/// use tessera_schedulers::{MemoryBudget, RunOptions};
/// let budget = MemoryBudget::new(512 << 20);
/// let options = RunOptions::default().with_budget(&budget);
/// assert_eq!(options.budget().limit(), Some(512 << 20));
/// assert!(options.callbacks().is_empty());
/// assert_eq!(RunOptions::default().budget().limit(), None);
/// ```
#[derive(Clone, Copy, Default)]
pub struct RunOptions<'a> {
    budget: Option<&'a MemoryBudget>,
    callbacks: &'a [&'a dyn Callbacks],
    cancel: Option<&'a Cancel>,
}

impl std::fmt::Debug for RunOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("budget", &self.budget)
            .field("callbacks", &self.callbacks.len())
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl<'a> RunOptions<'a> {
    /// Hold at most `budget`'s bytes of chunks at once.
    pub fn with_budget(mut self, budget: &'a MemoryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Call these callbacks as the run goes (progress bars, profilers).
    pub fn with_callbacks(mut self, callbacks: &'a [&'a dyn Callbacks]) -> Self {
        self.callbacks = callbacks;
        self
    }

    /// Stop starting tasks once `cancel` is set (see [`Cancel`]).
    pub fn with_cancel(mut self, cancel: &'a Cancel) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// The budget to keep ([`MemoryBudget::unlimited`] when none was given).
    pub fn budget(&self) -> &'a MemoryBudget {
        self.budget.unwrap_or(&UNLIMITED)
    }

    /// The callbacks to call.
    pub fn callbacks(&self) -> &'a [&'a dyn Callbacks] {
        self.callbacks
    }
}

/// A run as an executor sees it inside [`crate::Scheduler::execute`]: the
/// budget to keep and the per-task callbacks, whose panics come back as this
/// scheduler's error, as does a cancellation.
pub struct Execution<'a> {
    scheduler: &'a str,
    budget: &'a MemoryBudget,
    callbacks: &'a [&'a dyn Callbacks],
    cancel: Option<&'a Cancel>,
}

impl Execution<'_> {
    /// The budget to keep (already checked: every task fits on its own).
    pub fn budget(&self) -> &MemoryBudget {
        self.budget
    }

    /// Tell the callbacks that `worker` begins the task `key`; an error
    /// instead when the run was cancelled. (Every executor calls this before
    /// each task, so a cancellation stops the run at its next task: checked
    /// here once, not in each executor.)
    pub fn task_started(&self, key: &Key, worker: usize) -> Result<()> {
        self.check_cancel()?;
        self.notify(|c| c.on_task_start(key, worker))
    }

    /// [`Error::Cancelled`] once the run's cancel flag is set.
    fn check_cancel(&self) -> Result<()> {
        match self.cancel {
            Some(c) if c.is_cancelled() => Err(Error::Cancelled {
                scheduler: self.scheduler.into(),
            }),
            _ => Ok(()),
        }
    }

    /// Tell the callbacks that `worker` finished the task `key` with `output`.
    pub fn task_finished(&self, key: &Key, worker: usize, output: &Block) -> Result<()> {
        self.notify(|c| c.on_task_finish(key, worker, output))
    }

    /// Report what a successful run did with its memory (before its end is
    /// announced); a callback panicking here is ignored, as the work is done.
    pub fn memory_used(&self, usage: &MemoryUsage) {
        let _ = notify(self.callbacks, |c| c.on_memory(usage));
    }

    fn notify(&self, f: impl Fn(&dyn Callbacks)) -> Result<()> {
        match notify(self.callbacks, f) {
            Some(message) => Err(self.callback_error(message)),
            None => Ok(()),
        }
    }

    /// The error for a callback that panicked with `message`.
    fn callback_error(&self, message: String) -> Error {
        Error::Scheduler {
            scheduler: self.scheduler.into(),
            reason: format!("a callback panicked: {message}"),
        }
    }
}

/// [`crate::Scheduler::run`]: check the budget, announce the start, let the
/// executor run, announce the end with whether it succeeded.
pub(crate) fn run<S: Scheduler + ?Sized>(
    scheduler: &S,
    graph: &TaskGraph,
    options: &RunOptions<'_>,
) -> Result<Vec<Block>> {
    let budget = options.budget();
    budget.check(graph)?;
    let execution = Execution {
        scheduler: scheduler.name(),
        budget,
        callbacks: options.callbacks(),
        cancel: options.cancel,
    };
    execution.check_cancel()?;
    execution.notify(|c| c.on_start(graph.len()))?;
    let outcome = scheduler.execute(graph, &execution);
    let ended = execution.notify(|c| c.on_end(outcome.is_ok()));
    match (outcome, ended) {
        (Err(e), _) | (Ok(_), Err(e)) => Err(e),
        (Ok(outputs), Ok(())) => Ok(outputs),
    }
}

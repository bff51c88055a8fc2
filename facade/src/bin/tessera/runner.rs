//! How a command computes: the scheduler, and a progress bar on every run.

use std::sync::Arc;

use clap::ValueEnum;
use ndarray::ArrayD;
use tessera::diagnostics::{Draw, ProgressBar};
use tessera::storage::Store;
use tessera::{Array, Compute, Element, Scheduler, Synchronous, Threaded};

use crate::args::RunArgs;
use crate::error::Result;

/// `--scheduler`: where tasks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchedulerArg {
    /// Every task on the calling thread.
    Sync,
    /// A pool of worker threads ($TESSERA_NUM_WORKERS, else one per core).
    Threads,
    /// A pool of worker processes (this binary run again), as many as threads.
    Processes,
}

/// The scheduler and the progress setting of one command.
pub struct Runner {
    /// The scheduler every computation of the command runs on.
    scheduler: Arc<dyn Scheduler>,
    /// Whether a progress bar may be drawn.
    progress: bool,
}

impl Runner {
    /// The runner the flags ask for (tessera's configuration where they are silent).
    pub fn new(args: &RunArgs) -> Result<Self> {
        let config = tessera::config::get()?;
        let scheduler: Arc<dyn Scheduler> = match args.scheduler {
            Some(SchedulerArg::Sync) => Arc::new(Synchronous),
            Some(SchedulerArg::Threads) => Arc::new(Threaded::new(config.num_workers)),
            Some(SchedulerArg::Processes) => tessera::config::process_pool(config.num_workers),
            None => config.scheduler()?,
        };
        Ok(Runner {
            scheduler,
            progress: !args.no_progress,
        })
    }

    /// The library's progress bar: on stderr when it is a terminal, unless `--no-progress`.
    fn bar(&self, label: &str) -> ProgressBar {
        let draw = if self.progress {
            Draw::IfTerminal
        } else {
            Draw::Never
        };
        ProgressBar::with_draw(label, draw)
    }

    /// The compute options of this command: its scheduler, and `bar` told of every task.
    fn options<'a>(&'a self, bar: &'a ProgressBar) -> Compute<'a> {
        Compute::new()
            .scheduler(self.scheduler.as_ref())
            .callback(bar)
    }

    /// Compute `array`, with a progress bar labelled `label`.
    pub fn compute<T: Element>(&self, array: &Array<T>, label: &str) -> Result<ArrayD<T>> {
        let bar = self.bar(label);
        Ok(array.compute_with(&self.options(&bar))?)
    }

    /// Write `array` to `path` in `store`, with a progress bar; returns the chunks written.
    pub fn write<T: Element>(
        &self,
        array: &Array<T>,
        store: Arc<dyn Store>,
        path: &str,
        label: &str,
    ) -> Result<u64> {
        let bar = self.bar(label);
        Ok(array.to_store_with(store, path, &self.options(&bar))?)
    }
}

//! A progress bar driven by the scheduler's callbacks: tasks done of total, elapsed, rate.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use tessera::chunk_core::Block;
use tessera::Callbacks;
use tessera_graph::Key;

/// The bar's layout: what runs, elapsed time, bar, tasks done of total, rate, time left.
const TEMPLATE: &str =
    "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} tasks ({rate}, {eta} left)";

/// A progress bar on stderr, drawn only when stderr is a terminal and it is enabled.
pub struct Progress {
    /// The indicatif bar (hidden when not drawn).
    bar: ProgressBar,
    /// Whether anything is drawn (the steady tick is started only then).
    drawn: bool,
}

impl Progress {
    /// A bar labelled `label`; `enabled: false` (`--no-progress`) hides it.
    pub fn new(label: &str, enabled: bool) -> Self {
        // indicatif hides a terminal target by itself when stderr is not a terminal.
        let target = if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let drawn = !target.is_hidden();
        let bar = ProgressBar::with_draw_target(Some(0), target);
        let style = ProgressStyle::with_template(TEMPLATE)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            // indicatif's `per_sec` prints four decimals; whole tasks per second read better.
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} tasks/s", state.per_sec());
                },
            );
        bar.set_style(style);
        bar.set_message(label.to_string());
        Progress { bar, drawn }
    }

    /// Tasks finished so far.
    #[cfg(test)]
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    /// Tasks in the computation (0 before it starts).
    #[cfg(test)]
    pub fn length(&self) -> Option<u64> {
        self.bar.length()
    }
}

impl Callbacks for Progress {
    fn on_start(&self, total_tasks: usize) {
        self.bar.set_length(total_tasks as u64);
        self.bar.reset();
        if self.drawn {
            // Keeps the elapsed time moving while long tasks run.
            self.bar.enable_steady_tick(Duration::from_millis(250));
        }
    }

    fn on_task_finish(&self, _key: &Key, _worker: usize, _output: &Block) {
        self.bar.inc(1);
    }

    fn on_end(&self, ok: bool) {
        if ok {
            self.bar.finish();
        } else {
            self.bar.abandon();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_tasks_of_a_computation() {
        let bar = Progress::new("test", false);
        let x = tessera::ones::<f64>([6, 4], [2, 2]).unwrap();
        let sum = x.sum::<f64>().unwrap();
        let total = sum.task_graph().unwrap().len() as u64;
        let value = sum
            .compute_with_callbacks(&tessera::Threaded::new(2), &[&bar])
            .unwrap();
        assert_eq!(value.sum(), 24.0);
        assert_eq!(bar.length(), Some(total));
        assert_eq!(bar.position(), total);
    }
}

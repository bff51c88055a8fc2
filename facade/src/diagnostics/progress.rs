//! A progress bar driven by the scheduler callbacks (Dask's
//! `dask.diagnostics.ProgressBar`): tasks done of total, elapsed, rate.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};
use tessera_chunk_core::Block;
use tessera_graph::Key;
use tessera_schedulers::Callbacks;

/// The bar's layout: what runs, elapsed time, bar, tasks done of total, rate, time left.
const TEMPLATE: &str =
    "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} tasks ({rate}, {eta} left)";

/// When a bar is drawn on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    /// Only when stderr is a terminal (the default: logs and pipes stay clean).
    IfTerminal,
    /// Always: on a terminal as a bar, elsewhere as one line per second (for logs).
    Always,
    /// Never (the counts are still kept).
    Never,
}

/// A progress bar on stderr for one or more computations: pass it as a callback.
///
/// ```
/// use tessera::diagnostics::ProgressBar;
/// let x = tessera::ones::<f64>([100, 100], 10);
/// let bar = ProgressBar::new("sum");
/// let threads = tessera::Threaded::new(2);
/// let total = x.sum().compute_with(&tessera::Compute::new().scheduler(&threads).callback(&bar))?;
/// assert_eq!(total.sum(), 10_000.0);
/// assert_eq!(bar.position(), bar.length().unwrap_or(0));
/// # Ok::<(), tessera::Error>(())
/// ```
pub struct ProgressBar {
    /// The indicatif bar (hidden when not drawn).
    bar: indicatif::ProgressBar,
    /// Whether anything is drawn (the steady tick is started only then).
    drawn: bool,
    /// Where to draw, set up when a computation starts.
    sink: Sink,
}

/// Where a bar goes.
#[derive(Clone)]
enum Sink {
    /// stderr, as a [`Draw`] says.
    Stderr(Draw),
    /// Log lines into a writer.
    Writer(SharedWriter),
}

/// A writer shared by the bar's redraws.
type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

/// The draw target `sink` asks for, in this process's situation.
fn target(sink: &Sink) -> ProgressDrawTarget {
    match sink {
        // indicatif hides a terminal target by itself when stderr is not a terminal.
        Sink::Stderr(Draw::IfTerminal) => ProgressDrawTarget::stderr(),
        Sink::Stderr(Draw::Never) => ProgressDrawTarget::hidden(),
        Sink::Stderr(Draw::Always) if std::io::IsTerminal::is_terminal(&std::io::stderr()) => {
            ProgressDrawTarget::stderr()
        }
        Sink::Stderr(Draw::Always) => {
            let stderr: Box<dyn Write + Send> = Box::new(std::io::stderr());
            log_lines(Arc::new(Mutex::new(stderr)))
        }
        Sink::Writer(w) => log_lines(w.clone()),
    }
}

/// One plain line per redraw, once a second.
fn log_lines(writer: SharedWriter) -> ProgressDrawTarget {
    ProgressDrawTarget::term_like_with_hz(Box::new(LogLines(writer)), 1)
}

impl ProgressBar {
    /// A bar labelled `label`, drawn when stderr is a terminal.
    pub fn new(label: &str) -> Self {
        Self::with_draw(label, Draw::IfTerminal)
    }

    /// A bar labelled `label`, drawn as `draw` says.
    pub fn with_draw(label: &str, draw: Draw) -> Self {
        Self::with_sink(label, Sink::Stderr(draw))
    }

    /// A bar written as plain progress lines (about one a second, and the
    /// last state) into `writer`: a log file, a buffer.
    pub fn to_writer(label: &str, writer: impl Write + Send + 'static) -> Self {
        let writer: Box<dyn Write + Send> = Box::new(writer);
        Self::with_sink(label, Sink::Writer(Arc::new(Mutex::new(writer))))
    }

    fn with_sink(label: &str, sink: Sink) -> Self {
        // Hidden until a computation starts: a bar drawn before it knows its
        // total would show "0/0" as complete.
        let bar = indicatif::ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
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
        ProgressBar {
            bar,
            drawn: !target(&sink).is_hidden(),
            sink,
        }
    }

    /// Whether the bar is drawn anywhere.
    pub fn is_drawn(&self) -> bool {
        self.drawn
    }

    /// Tasks finished so far in the current computation.
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    /// Tasks in the current computation (`Some(0)` before one starts).
    pub fn length(&self) -> Option<u64> {
        self.bar.length()
    }

    /// Time since the current computation started.
    pub fn elapsed(&self) -> Duration {
        self.bar.elapsed()
    }
}

impl Callbacks for ProgressBar {
    fn on_start(&self, total_tasks: usize) {
        self.bar.set_length(total_tasks as u64);
        self.bar.reset();
        if self.drawn {
            self.bar.set_draw_target(target(&self.sink));
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

/// A writer that is not a terminal: every redraw becomes one plain line, no
/// cursor movement, so a log reads as a list of progress reports.
struct LogLines(SharedWriter);

impl std::fmt::Debug for LogLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogLines")
    }
}

impl LogLines {
    fn line(&self, s: &str) -> std::io::Result<()> {
        match self.0.lock() {
            Ok(mut w) => writeln!(w, "{s}"),
            Err(_) => Ok(()),
        }
    }
}

impl TermLike for LogLines {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _n: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _n: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _n: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _n: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        // indicatif ends a frame without a newline and pads it with spaces to
        // the width; a log wants one line per frame and no padding lines.
        if s.trim().is_empty() {
            return Ok(());
        }
        self.line(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        match self.0.lock() {
            Ok(mut w) => w.flush(),
            Err(_) => Ok(()),
        }
    }
}

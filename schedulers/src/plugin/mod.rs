//! `Plugin`: a scheduler loaded from a shared library through the small C
//! ABI of [`abi`]. The plugin chooses order and concurrency; the host runs
//! the tasks it asks for, keeps the blocks, and calls the callbacks.

pub mod abi;
mod host;

use std::ffi::{c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use tessera_chunk_core::Block;
use tessera_graph::TaskGraph;

use crate::entry::Execution;
use crate::error::{Error, Result};
use crate::Scheduler;
use host::{Ctx, Event};

fn error(reason: impl Into<String>) -> Error {
    Error::Scheduler {
        scheduler: "plugin".into(),
        reason: reason.into(),
    }
}

/// The entry table of a loaded library; the library stays loaded while this lives.
struct Loaded {
    table: *const abi::TesseraPlugin,
    _lib: libloading::Library,
}

// SAFETY: the table is immutable static data of the library, which the ABI
// requires to be usable from any thread; `_lib` keeps it mapped.
unsafe impl Send for Loaded {}
// SAFETY: as above: nothing in it is mutated after loading.
unsafe impl Sync for Loaded {}

impl Loaded {
    fn table(&self) -> &abi::TesseraPlugin {
        // SAFETY: checked non-null at load; valid while the library is loaded.
        unsafe { &*self.table }
    }
}

/// A scheduler from a shared library (see [`abi`] for what it must export).
///
/// Memory budgets: the plugin, not the host, chooses which tasks run when, so
/// a plugin run does not keep a budget's limit. A run given one still checks
/// that every task fits on its own (an [`Error::OverBudget`] before anything
/// runs otherwise), then runs without accounting and logs a warning saying so.
pub struct Plugin {
    path: PathBuf,
    name: String,
    options: CString,
    timeout: Duration,
    loaded: Arc<Loaded>,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Plugin({} from {})", self.name, self.path.display())
    }
}

impl Plugin {
    /// Load the plugin at `path`: a missing file, a missing entry symbol or a
    /// different ABI version is an error saying so.
    pub fn load(path: impl AsRef<Path>) -> Result<Plugin> {
        let path = path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(error(format!(
                "no plugin library at {}; give the path of a .so built from a crate \
                 like schedulers/plugins/fifo",
                path.display()
            )));
        }
        // SAFETY: loading a library runs its initialisers; that is what the
        // user asked for by naming it as a scheduler plugin.
        let lib = unsafe { libloading::Library::new(&path) }
            .map_err(|e| error(format!("cannot load {}: {e}", path.display())))?;
        // SAFETY: the symbol's type is fixed by the ABI.
        let entry: abi::EntryFn = unsafe {
            *lib.get::<abi::EntryFn>(abi::ENTRY_SYMBOL).map_err(|_| {
                error(format!(
                    "{} does not export the entry symbol `tessera_scheduler_plugin`; is it a \
                     tessera scheduler plugin?",
                    path.display()
                ))
            })?
        };
        // SAFETY: the entry function takes no arguments and returns a static table.
        let table = unsafe { entry() };
        if table.is_null() {
            return Err(error(format!(
                "{}: the entry symbol returned no table",
                path.display()
            )));
        }
        // SAFETY: non-null, and the ABI says it stays valid while loaded.
        let version = unsafe { (*table).abi_version };
        if version != abi::ABI_VERSION {
            return Err(error(format!(
                "{} speaks plugin ABI version {version}, but this tessera speaks version {}; \
                 rebuild the plugin against this tessera",
                path.display(),
                abi::ABI_VERSION
            )));
        }
        let loaded = Loaded { table, _lib: lib };
        let name_ptr = loaded.table().name;
        let name = if name_ptr.is_null() {
            "unnamed".to_string()
        } else {
            // SAFETY: the ABI requires a static NUL-terminated name.
            unsafe { CStr::from_ptr(name_ptr) }
                .to_string_lossy()
                .into_owned()
        };
        Ok(Plugin {
            path,
            name,
            options: CString::default(),
            timeout: Duration::from_secs(60),
            loaded: Arc::new(loaded),
        })
    }

    /// Pass an option string to the plugin's `run` (its meaning is the plugin's).
    pub fn with_options(mut self, options: &str) -> Result<Self> {
        self.options = CString::new(options)
            .map_err(|_| error("plugin options must not contain NUL bytes"))?;
        Ok(self)
    }

    /// Fail a run when no task completes for this long (default 60 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The name the plugin gives itself.
    pub fn plugin_name(&self) -> &str {
        &self.name
    }
}

/// The graph in the ABI's compressed rows, owned.
struct FfiGraph {
    priority: Vec<u32>,
    dep_start: Vec<u64>,
    deps: Vec<u64>,
    dependent_start: Vec<u64>,
    dependents: Vec<u64>,
}

fn rows(lists: &[Vec<usize>]) -> (Vec<u64>, Vec<u64>) {
    let mut start = Vec::with_capacity(lists.len() + 1);
    let mut flat = Vec::new();
    start.push(0);
    for l in lists {
        flat.extend(l.iter().map(|&x| x as u64));
        start.push(flat.len() as u64);
    }
    (start, flat)
}

impl Scheduler for Plugin {
    fn name(&self) -> &str {
        "plugin"
    }

    fn execute(&self, graph: &TaskGraph, execution: &Execution<'_>) -> Result<Vec<Block>> {
        if let Some(limit) = execution.budget().limit() {
            // Documented on `Plugin`: the plugin picks what runs when, so the
            // host cannot keep a limit; every task was checked to fit alone.
            tracing::warn!(
                plugin = %self.name,
                limit,
                "a scheduler plugin does not keep memory budgets; the run may hold more"
            );
        }
        let (dep_start, deps) = rows(&graph.deps);
        let (dependent_start, dependents) = rows(&graph.dependents);
        let ffi = FfiGraph {
            priority: tessera_graph::order(graph),
            dep_start,
            deps,
            dependent_start,
            dependents,
        };
        let (tx, rx) = channel();
        let ctx = Arc::new(Ctx::new(graph.clone(), tx.clone()));
        let (loaded, options, thread_ctx) =
            (self.loaded.clone(), self.options.clone(), ctx.clone());
        // The plugin runs on a thread of its own so that one that hangs can be
        // abandoned after the timeout; it owns everything it can reach.
        std::thread::Builder::new()
            .name(format!("tessera-plugin-{}", self.name))
            .spawn(move || {
                let g = abi::TesseraGraph {
                    n_tasks: ffi.priority.len() as u64,
                    priority: ffi.priority.as_ptr(),
                    dep_start: ffi.dep_start.as_ptr(),
                    deps: ffi.deps.as_ptr(),
                    dependent_start: ffi.dependent_start.as_ptr(),
                    dependents: ffi.dependents.as_ptr(),
                };
                let host = abi::TesseraHost {
                    ctx: Arc::as_ptr(&thread_ctx) as *mut c_void,
                    execute: host::execute,
                };
                let code = (loaded.table().run)(&g, &host, options.as_ptr());
                let _ = tx.send(Event::Returned(code));
                drop(thread_ctx);
            })
            .map_err(|e| error(format!("cannot start the plugin's thread: {e}")))?;
        let outcome = self.watch(&ctx, &rx, execution);
        if outcome.is_err() {
            ctx.cancelled
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        outcome.map(|()| ctx.outputs())
    }
}

impl Plugin {
    /// Relay the plugin's events to the callbacks until it returns, fails or stalls.
    fn watch(
        &self,
        ctx: &Ctx,
        rx: &std::sync::mpsc::Receiver<Event>,
        execution: &Execution<'_>,
    ) -> Result<()> {
        let key = |i: usize| &ctx.graph.tasks[i].key;
        loop {
            let event = match rx.recv_timeout(self.timeout) {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => {
                    let left = ctx.unfinished();
                    return Err(error(format!(
                        "plugin {} made no progress for {:?} ({} tasks not completed{}); \
                         it was abandoned",
                        self.name,
                        self.timeout,
                        left.len(),
                        left.first()
                            .map(|&i| format!(", e.g. {}", key(i)))
                            .unwrap_or_default()
                    )));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(error("the plugin's thread ended without returning"))
                }
            };
            match event {
                Event::Started(i, w) => {
                    if let Err(e) = execution.task_started(key(i), w) {
                        ctx.fail(e);
                    }
                }
                Event::Finished(i, w, b) => {
                    if let Err(e) = execution.task_finished(key(i), w, &b) {
                        ctx.fail(e);
                    }
                }
                Event::Returned(code) => {
                    if let Some(e) = ctx.failure.lock().ok().and_then(|mut f| f.take()) {
                        return Err(e);
                    }
                    let left = ctx.unfinished();
                    if let Some(&i) = left.first() {
                        return Err(error(format!(
                            "plugin {} returned {code} with {} tasks not run, e.g. {}",
                            self.name,
                            left.len(),
                            key(i)
                        )));
                    }
                    return Ok(());
                }
            }
        }
    }
}

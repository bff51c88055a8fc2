//! Settings: the chunk-size limit for "auto" chunks, the default scheduler and
//! its workers. Defaults can be overridden by environment variables read once:
//! `TESSERA_CHUNK_SIZE` (e.g. `"64MiB"`), `TESSERA_SCHEDULER` (`sync`,
//! `threads`, `processes` or `plugin:/path/to/lib.so`), `TESSERA_NUM_WORKERS`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tessera_schedulers::{Multiprocess, Plugin, Scheduler, Sync, Threaded};

use crate::error::{Error, Result};

/// Which scheduler runs `compute()` when none is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchedulerKind {
    /// Everything on the calling thread.
    Sync,
    /// A pool of worker threads (the default).
    Threads,
    /// A pool of worker processes (see [`crate::worker`] for the `init` call it needs).
    Processes,
    /// A plugin loaded from this shared library.
    Plugin(PathBuf),
}

/// tessera's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Byte limit of one chunk when chunks are `"auto"` (Dask's `array.chunk-size`, 128 MiB).
    pub chunk_size: u64,
    /// The default scheduler.
    pub scheduler: SchedulerKind,
    /// Worker threads (or processes) for the threaded (or multiprocess) scheduler.
    pub num_workers: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            chunk_size: 128 * 1024 * 1024,
            scheduler: SchedulerKind::Threads,
            num_workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

impl Config {
    /// The defaults with environment overrides applied; bad values are errors naming the variable.
    pub fn from_env() -> Result<Self> {
        let mut c = Config::default();
        if let Ok(v) = std::env::var("TESSERA_CHUNK_SIZE") {
            c.chunk_size = tessera_chunk_core::parse_bytes(&v)
                .map_err(|e| Error::Config(format!("TESSERA_CHUNK_SIZE={v:?}: {e}")))?;
        }
        if let Ok(v) = std::env::var("TESSERA_SCHEDULER") {
            c.scheduler = match v.as_str() {
                "sync" | "synchronous" | "single-threaded" => SchedulerKind::Sync,
                "threads" | "threading" | "threaded" => SchedulerKind::Threads,
                "processes" | "multiprocessing" => SchedulerKind::Processes,
                _ => match v.strip_prefix("plugin:") {
                    Some(path) if !path.is_empty() => SchedulerKind::Plugin(path.into()),
                    _ => {
                        return Err(Error::Config(format!(
                            "TESSERA_SCHEDULER={v:?} is not a scheduler; use \"sync\", \"threads\", \"processes\" or \"plugin:/path/to/lib.so\""
                        )))
                    }
                },
            };
        }
        if let Ok(v) = std::env::var("TESSERA_NUM_WORKERS") {
            c.num_workers = v.parse::<usize>().ok().filter(|&n| n > 0).ok_or_else(|| {
                Error::Config(format!(
                    "TESSERA_NUM_WORKERS={v:?} must be a positive integer"
                ))
            })?;
        }
        Ok(c)
    }

    /// The scheduler these settings ask for (a plugin that cannot be loaded is an error).
    /// Process pools are shared: one per worker count, started on first use.
    pub fn scheduler(&self) -> Result<Arc<dyn Scheduler>> {
        Ok(match &self.scheduler {
            SchedulerKind::Sync => Arc::new(Sync),
            SchedulerKind::Threads => Arc::new(Threaded::new(self.num_workers)),
            SchedulerKind::Processes => process_pool(self.num_workers),
            SchedulerKind::Plugin(path) => Arc::new(Plugin::load(path)?),
        })
    }
}

/// The shared pool of `workers` processes: starting processes for every
/// `compute()` would cost more than most computations.
pub fn process_pool(workers: usize) -> Arc<dyn Scheduler> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<Multiprocess>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut pools = pools.lock().unwrap_or_else(|p| p.into_inner());
    pools
        .entry(workers)
        .or_insert_with(|| Arc::new(Multiprocess::new(workers)))
        .clone()
}

fn global() -> &'static RwLock<Option<Config>> {
    static GLOBAL: OnceLock<RwLock<Option<Config>>> = OnceLock::new();
    GLOBAL.get_or_init(|| RwLock::new(None))
}

/// The current settings (environment overrides applied on first use).
pub fn get() -> Result<Config> {
    if let Ok(guard) = global().read() {
        if let Some(c) = guard.as_ref() {
            return Ok(c.clone());
        }
    }
    let c = Config::from_env()?;
    set(c.clone());
    Ok(c)
}

/// Replace the current settings.
pub fn set(config: Config) {
    if let Ok(mut guard) = global().write() {
        *guard = Some(config);
    }
}

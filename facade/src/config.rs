//! Settings: the chunk-size limit for "auto" chunks, the default scheduler and
//! its workers, the memory budget. Defaults can be overridden by environment
//! variables read once: `TESSERA_CHUNK_SIZE` (e.g. `"64MiB"`),
//! `TESSERA_SCHEDULER` (`sync`, `threads`, `processes` or
//! `plugin:/path/to/lib.so`), `TESSERA_NUM_WORKERS`, `TESSERA_MEMORY_LIMIT`
//! (e.g. `"512MiB"`, or `"none"`), `TESSERA_SPILL_DIR`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tessera_schedulers::{MemoryBudget, Multiprocess, Plugin, Scheduler, Synchronous, Threaded};

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
    /// Bytes of chunks a computation may hold at once (`None`: no limit).
    /// Default: half the memory available when the settings are first read.
    pub memory_limit: Option<u64>,
    /// Where spilled chunks go (default: the system's temporary directory).
    pub spill_dir: Option<PathBuf>,
}

/// Half of the memory the system reports available (Linux `MemAvailable`), if it says.
pub fn default_memory_limit() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024 / 2)
}

/// Parse a memory limit as `TESSERA_MEMORY_LIMIT` gives it: a byte size
/// (`"512MiB"`, `"2GB"`), or `"none"` / `"unlimited"` for no limit.
///
/// ```
/// use tessera::config::parse_memory_limit;
/// assert_eq!(parse_memory_limit("512MiB").unwrap(), Some(512 << 20));
/// assert_eq!(parse_memory_limit("none").unwrap(), None);
/// assert!(parse_memory_limit("0").is_err());
/// ```
pub fn parse_memory_limit(text: &str) -> Result<Option<u64>> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") || t.eq_ignore_ascii_case("unlimited") {
        return Ok(None);
    }
    match tessera_chunk_core::parse_bytes(t) {
        Ok(0) => Err(Error::Config(format!(
            "a memory limit of {text:?} leaves no room for any chunk; give a size such as \"512MiB\", or \"none\""
        ))),
        Ok(n) => Ok(Some(n)),
        Err(e) => Err(Error::Config(format!(
            "memory limit {text:?}: {e}; give a size such as \"512MiB\", or \"none\""
        ))),
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            chunk_size: 128 * 1024 * 1024,
            scheduler: SchedulerKind::Threads,
            num_workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_limit: default_memory_limit(),
            spill_dir: None,
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
        if let Ok(v) = std::env::var("TESSERA_MEMORY_LIMIT") {
            c.memory_limit = parse_memory_limit(&v)
                .map_err(|e| Error::Config(format!("TESSERA_MEMORY_LIMIT: {e}")))?;
        }
        if let Ok(v) = std::env::var("TESSERA_SPILL_DIR") {
            c.spill_dir = Some(PathBuf::from(v));
        }
        Ok(c)
    }

    /// The memory budget these settings ask for.
    pub fn budget(&self) -> MemoryBudget {
        let budget = self
            .memory_limit
            .map_or_else(MemoryBudget::unlimited, MemoryBudget::new);
        match &self.spill_dir {
            Some(dir) => budget.with_spill_dir(dir),
            None => budget,
        }
    }

    /// The scheduler these settings ask for (a plugin that cannot be loaded is an error).
    /// Process pools are shared: one per worker count, started on first use.
    pub fn scheduler(&self) -> Result<Arc<dyn Scheduler>> {
        Ok(match &self.scheduler {
            SchedulerKind::Sync => Arc::new(Synchronous),
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

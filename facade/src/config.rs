//! Settings: the chunk-size limit for "auto" chunks, the default scheduler and
//! its workers. Defaults can be overridden by environment variables read once:
//! `TESSERA_CHUNK_SIZE` (e.g. `"64MiB"`), `TESSERA_SCHEDULER` (`sync` or
//! `threads`), `TESSERA_NUM_WORKERS`.

use std::sync::{Arc, OnceLock, RwLock};

use tessera_schedulers::{Scheduler, Sync, Threaded};

use crate::error::{Error, Result};

/// Which scheduler runs `compute()` when none is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchedulerKind {
    /// Everything on the calling thread.
    Sync,
    /// A pool of worker threads (the default).
    Threads,
}

/// tessera's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Byte limit of one chunk when chunks are `"auto"` (Dask's `array.chunk-size`, 128 MiB).
    pub chunk_size: u64,
    /// The default scheduler.
    pub scheduler: SchedulerKind,
    /// Worker threads for the threaded scheduler.
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
                _ => {
                    return Err(Error::Config(format!(
                        "TESSERA_SCHEDULER={v:?} is not a scheduler; use \"sync\" or \"threads\""
                    )))
                }
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

    /// The scheduler these settings ask for.
    pub fn scheduler(&self) -> Arc<dyn Scheduler> {
        match self.scheduler {
            SchedulerKind::Sync => Arc::new(Sync),
            SchedulerKind::Threads => Arc::new(Threaded::new(self.num_workers)),
        }
    }
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

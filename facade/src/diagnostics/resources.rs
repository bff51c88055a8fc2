//! A resource sampler: CPU % and resident memory of this process over time,
//! read from `/proc` by a background thread (Dask's `ResourceProfiler`).
//! On systems without `/proc` it records nothing.

use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One measurement of the process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResourceSample {
    /// Time since the computation started.
    pub time: Duration,
    /// CPU use since the previous sample, in percent of one core (400 = four busy cores).
    pub cpu_percent: f64,
    /// Resident set size in bytes.
    pub rss_bytes: u64,
}

/// A running sampler; [`Sampler::stop`] ends it and returns the samples.
pub(crate) struct Sampler {
    stop: Sender<()>,
    thread: JoinHandle<Vec<ResourceSample>>,
}

impl Sampler {
    /// Sample every `interval` from now, times measured from `origin`.
    pub(crate) fn start(origin: Instant, interval: Duration) -> Self {
        let (stop, stopped) = channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut samples = Vec::new();
            let mut last = cpu_seconds().map(|c| (Instant::now(), c));
            loop {
                // The wait is the sleep: a stop message ends it at once.
                let finished = !matches!(
                    stopped.recv_timeout(interval),
                    Err(RecvTimeoutError::Timeout)
                );
                let now = Instant::now();
                let cpu = cpu_seconds();
                if let (Some((then, before)), Some(c), Some(rss)) = (last, cpu, rss_bytes()) {
                    let wall = now.duration_since(then).as_secs_f64();
                    samples.push(ResourceSample {
                        time: now.duration_since(origin),
                        cpu_percent: if wall > 0.0 {
                            100.0 * (c - before) / wall
                        } else {
                            0.0
                        },
                        rss_bytes: rss,
                    });
                }
                last = cpu.map(|c| (now, c));
                if finished {
                    return samples;
                }
            }
        });
        Sampler { stop, thread }
    }

    /// Stop sampling (taking one last sample) and return the samples.
    pub(crate) fn stop(self) -> Vec<ResourceSample> {
        let _ = self.stop.send(());
        self.thread.join().unwrap_or_default()
    }
}

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after it do not.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // /proc counts in USER_HZ, which Linux fixes at 100 for user space on every architecture.
    Some((utime + stime) / 100.0)
}

/// Resident set size of this process in bytes.
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

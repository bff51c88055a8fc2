//! The worker side: a process started by the pool serves requests read from
//! its stdin and answers on file descriptor 3, keeping the results it made.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::os::fd::FromRawFd;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tessera_chunk_core::Block;
use tessera_graph::{EncodedSource, Fused, KernelError, KernelErrorKind, KernelRef, Params, Step};

use super::protocol::{self, Input, KernelSpec, Reply, Request};

/// The environment variable marking a process as a worker (its value is the parent's pid).
pub const WORKER_ENV: &str = "TESSERA_WORKER";

/// The file descriptor a worker answers on (stdout stays the user's).
pub(crate) const REPLY_FD: i32 = 3;

/// Rebuilds a kernel from its id and parameters (the facade passes the ops registry).
pub type Rebuild = fn(&str, &Params) -> Result<KernelRef, KernelError>;

/// What a worker does when the parent asks it to give freed memory back to
/// the system (the pool is near its memory budget): the allocator's collect.
/// Nothing unless registered (see [`on_trim`]).
static TRIM: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Register how this process gives freed memory back to the system when it
/// serves as a worker. An allocator that keeps freed chunk buffers for reuse
/// (mimalloc) holds memory per process: within a pool that is memory no
/// other worker can use and no budget sees, so near the budget the parent
/// asks its workers to return it. The facade registers mimalloc's collect.
pub fn on_trim(trim: fn()) {
    let _ = TRIM.set(trim);
}

/// Turns the typed source of a kernel error into bytes that cross the
/// process boundary; `None` when it does not know the error's type.
pub type EncodeSource =
    fn(&(dyn std::error::Error + Send + Sync + 'static)) -> Option<EncodedSource>;

/// How a worker encodes kernel errors' typed sources. Nothing unless
/// registered (see [`on_error_source`]): the error then arrives with its kind
/// and message only.
static ENCODE: std::sync::OnceLock<EncodeSource> = std::sync::OnceLock::new();

/// Register how this process, serving as a worker, encodes the typed source
/// of a failed kernel's error (a storage or chunk-core error: this crate
/// cannot name the storage crate, so the facade registers the codec of
/// `tessera-ops`, just as it hands over the kernel registry). The parent
/// receives an [`EncodedSource`] as the error's source and the facade decodes it.
pub fn on_error_source(encode: EncodeSource) {
    let _ = ENCODE.set(encode);
}

/// The travelling form of a kernel error's typed source, if it has one that can travel.
fn encode_source(e: &KernelError) -> Option<EncodedSource> {
    let source = e.source.as_deref()?;
    // A source that came from elsewhere already encoded travels on as it is.
    if let Some(encoded) = source.downcast_ref::<EncodedSource>() {
        return Some(encoded.clone());
    }
    ENCODE.get().and_then(|encode| encode(source))
}

/// Whether this process was started as a worker by a [`super::Multiprocess`] pool.
pub fn is_worker() -> bool {
    std::env::var_os(WORKER_ENV).is_some()
}

/// If this process was started as a worker, serve tasks until the parent goes
/// away and exit; otherwise return at once. Kernels are rebuilt with `rebuild`.
pub fn serve_if_worker(rebuild: Rebuild) {
    let Some(parent) = std::env::var(WORKER_ENV)
        .ok()
        .and_then(|v| v.parse::<i32>().ok())
    else {
        return;
    };
    watch_parent(parent);
    // SAFETY: the pool opened descriptor 3 for this process as the write end
    // of its reply pipe, and nothing else in the process owns it.
    let replies = unsafe { File::from_raw_fd(REPLY_FD) };
    let code = match serve(rebuild, replies) {
        Ok(()) => 0,
        Err(e) => {
            tracing::error!("tessera worker {}: {e}", std::process::id());
            1
        }
    };
    std::process::exit(code);
}

/// Exit when the parent dies, even in the middle of a long kernel: the
/// kernel cannot be interrupted, so a watchdog thread checks the parent pid.
/// (`PR_SET_PDEATHSIG` is not used: it fires when the parent *thread* that
/// spawned the worker exits, and pools outlive the threads that start them.
/// The read loop also ends on EOF of stdin when the parent is gone.)
fn watch_parent(parent: i32) {
    let _ = std::thread::Builder::new()
        .name("tessera-worker-watchdog".into())
        .spawn(move || loop {
            // SAFETY: getppid has no preconditions.
            if unsafe { libc::getppid() } != parent {
                std::process::exit(2);
            }
            std::thread::sleep(Duration::from_millis(100));
        });
}

/// Serve requests until the parent closes the pipe. Tasks run one at a time
/// on a thread of their own, so releases, spills and fetches are served at
/// once, also while a long kernel runs: the parent counts a block gone as
/// soon as it asks, and a worker must not hold it for a whole task longer.
fn serve(rebuild: Rebuild, replies: File) -> std::io::Result<()> {
    let out = Mutex::new(BufWriter::new(replies));
    let reply = |r: &Reply| -> std::io::Result<()> {
        let frame = r.encode()?;
        let mut out = out.lock().unwrap_or_else(PoisonError::into_inner);
        protocol::send(&mut *out, &frame)
    };
    reply(&Reply::Hello {
        pid: std::process::id(),
    })?;
    let held: Mutex<HashMap<u64, Block>> = Mutex::new(HashMap::new());
    let (runs, queue) = mpsc::channel::<(u64, KernelSpec, Vec<Input>)>();
    std::thread::scope(|scope| {
        let runner = scope.spawn(|| -> std::io::Result<()> {
            for (task, kernel, inputs) in queue {
                let r = match run(rebuild, &kernel, inputs, &held) {
                    Ok(block) => {
                        let nbytes = block.nbytes() as u64;
                        lock(&held).insert(task, block);
                        Reply::Done { task, nbytes }
                    }
                    Err(f) => Reply::Failed(protocol::Failure {
                        task: f.task.unwrap_or(task),
                        panicked: f.panicked,
                        kind: f.kind,
                        message: f.message,
                        source: f.source,
                    }),
                };
                reply(&r)?;
            }
            Ok(())
        });
        let served = serve_requests(&held, &runs, &reply);
        drop(runs);
        let ran = runner
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the task thread panicked")));
        served.and(ran)
    })
}

fn lock(held: &Mutex<HashMap<u64, Block>>) -> MutexGuard<'_, HashMap<u64, Block>> {
    held.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Read requests: queue tasks, answer the rest here.
fn serve_requests(
    held: &Mutex<HashMap<u64, Block>>,
    runs: &mpsc::Sender<(u64, KernelSpec, Vec<Input>)>,
    reply: &dyn Fn(&Reply) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut input = BufReader::with_capacity(1 << 16, std::io::stdin().lock());
    let mut shm_seq = 0u64;
    while let Some(req) = protocol::read_request(&mut input)? {
        let r = match req {
            Request::Run {
                task,
                kernel,
                inputs,
            } => {
                if runs.send((task, kernel, inputs)).is_err() {
                    return Err(std::io::Error::other("the task thread is gone"));
                }
                continue;
            }
            Request::Fetch { task } => {
                let block = lock(held).get(&task).cloned();
                match block {
                    Some(block) => {
                        shm_seq += 1;
                        let name = format!("tessera-{}-{}-{shm_seq}", std::process::id(), task);
                        match protocol::to_payload(&block, &name) {
                            Ok(payload) => Reply::Data { task, payload },
                            Err(e) => Reply::Missing {
                                task,
                                message: format!("could not write shared memory: {e}"),
                            },
                        }
                    }
                    None => Reply::Missing {
                        task,
                        message: "the worker does not hold this result".into(),
                    },
                }
            }
            Request::Release { task } => {
                lock(held).remove(&task);
                continue;
            }
            Request::Clear => {
                lock(held).clear();
                continue;
            }
            Request::Trim => {
                if let Some(trim) = TRIM.get() {
                    trim();
                }
                continue;
            }
            Request::Spill { task, path } => {
                let block = lock(held).remove(&task);
                match block {
                    Some(block) => match std::fs::File::create(&path)
                        .and_then(|mut f| block.write_to(&mut f))
                    {
                        Ok(()) => Reply::Spilled { task },
                        Err(e) => Reply::Missing {
                            task,
                            message: format!(
                                "could not spill it to {}: {e}; give a writable directory with \
                                 space (TESSERA_SPILL_DIR) or raise the memory limit",
                                path.display()
                            ),
                        },
                    },
                    None => Reply::Missing {
                        task,
                        message: "the worker does not hold this result".into(),
                    },
                }
            }
        };
        reply(&r)?;
    }
    Ok(())
}

/// Rebuild a kernel from its travelling form.
fn build(rebuild: Rebuild, spec: &KernelSpec) -> Result<KernelRef, KernelError> {
    match spec {
        KernelSpec::Plain { id, params } => rebuild(id, params),
        KernelSpec::Fused(steps) => {
            let steps = steps
                .iter()
                .map(|(s, args, label)| {
                    Ok(Step {
                        kernel: build(rebuild, s)?,
                        args: args.clone(),
                        label: label.clone(),
                    })
                })
                .collect::<Result<Vec<_>, KernelError>>()?;
            Ok(std::sync::Arc::new(Fused { steps }))
        }
    }
}

/// Why a task failed: the task to name (a source made again for it, or
/// itself when `None`), whether a kernel panicked, and the kernel error's
/// kind, message and encoded typed source.
struct Failure {
    task: Option<u64>,
    panicked: bool,
    kind: KernelErrorKind,
    message: String,
    source: Option<EncodedSource>,
}

impl Failure {
    /// A failure of the worker's own (an input it cannot read).
    fn of(message: String) -> Self {
        Failure {
            task: None,
            panicked: false,
            kind: KernelErrorKind::Other,
            message,
            source: None,
        }
    }

    /// A kernel's error, with its kind and typed source.
    fn kernel(e: KernelError) -> Self {
        Failure {
            task: None,
            panicked: false,
            kind: e.kind,
            source: encode_source(&e),
            message: e.message,
        }
    }
}

/// Run a kernel on `inputs`, catching its panics.
fn run_kernel(kernel: &KernelRef, inputs: Vec<Block>) -> Result<Block, Failure> {
    match catch_unwind(AssertUnwindSafe(|| kernel.run_owned(inputs))) {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => Err(Failure::kernel(e)),
        Err(payload) => Err(Failure {
            task: None,
            panicked: true,
            kind: KernelErrorKind::Other,
            message: crate::state::panic_message(payload.as_ref()),
            source: None,
        }),
    }
}

/// Run one task.
fn run(
    rebuild: Rebuild,
    kernel: &KernelSpec,
    inputs: Vec<Input>,
    held: &Mutex<HashMap<u64, Block>>,
) -> Result<Block, Failure> {
    let kernel = build(rebuild, kernel).map_err(Failure::kernel)?;
    let mut blocks = Vec::with_capacity(inputs.len());
    for i in inputs {
        blocks.push(match i {
            Input::Local(t) => lock(held)
                .get(&t)
                .cloned()
                .ok_or_else(|| Failure::of(format!("input {t} is not held by this worker")))?,
            Input::LocalLast(t) => lock(held)
                .remove(&t)
                .ok_or_else(|| Failure::of(format!("input {t} is not held by this worker")))?,
            Input::Remote(p) => protocol::from_payload(&p)
                .map_err(|e| Failure::of(format!("could not read an input: {e}")))?,
            Input::RemoteLast(p) => {
                let block = protocol::from_payload(&p);
                protocol::discard(&p);
                block.map_err(|e| Failure::of(format!("could not read an input: {e}")))?
            }
            Input::Recompute { task, kernel } => build(rebuild, &kernel)
                .map_err(Failure::kernel)
                .and_then(|k| run_kernel(&k, Vec::new()))
                .map_err(|f| Failure {
                    task: Some(task),
                    ..f
                })?,
            Input::Spilled(path) => {
                crate::spill::read(&path).map_err(|e| Failure::of(e.to_string()))?
            }
        });
    }
    run_kernel(&kernel, blocks)
}

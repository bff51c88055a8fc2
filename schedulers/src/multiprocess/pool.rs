//! The parent side of a pool: worker processes re-executing the current
//! binary, a request pipe to each (its stdin) and one reader thread per
//! worker turning its reply pipe into events on one channel.

use std::fs::File;
use std::io::BufReader;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::protocol::{self, Reply, Request};
use super::worker::{REPLY_FD, WORKER_ENV};

/// What the reader threads report.
pub(crate) enum Event {
    /// A reply from worker `w`.
    Reply(usize, Reply),
    /// Worker `w`'s reply pipe closed: it exited or was killed.
    Gone(usize, String),
}

/// One worker process.
pub(crate) struct WorkerProc {
    child: Child,
    stdin: ChildStdin,
    /// Its process id.
    pub(crate) pid: u32,
}

/// The running workers and the channel their replies arrive on.
pub(crate) struct Pool {
    pub(crate) workers: Vec<WorkerProc>,
    pub(crate) events: Receiver<Event>,
}

/// How long a new worker may take to say hello.
const STARTUP: Duration = Duration::from_secs(20);

/// The arguments a worker is started with. A user binary's `main` calls
/// `tessera::worker::init()` before reading its arguments, so they do not
/// matter there; a libtest binary reads them as "run only the test named
/// `__tessera_worker`", the test `tessera::worker_test!()` defines.
pub const WORKER_ARGS: [&str; 4] = ["__tessera_worker", "--exact", "--nocapture", "--quiet"];

/// The program and arguments workers are started with, when not this
/// binary with [`WORKER_ARGS`] (see [`set_worker_command`]).
static WORKER_COMMAND: std::sync::OnceLock<(std::path::PathBuf, Vec<String>)> =
    std::sync::OnceLock::new();

/// Start workers as `program args…` instead of this binary again: for a host
/// whose executable does not serve as a worker — the Python interpreter,
/// which would re-run the user's script. The command must end up calling
/// the facade's `worker::init()` (it finds `TESSERA_WORKER` set). Set once,
/// before the first pool starts; a second call is refused with the command
/// already in use.
pub fn set_worker_command(
    program: impl Into<std::path::PathBuf>,
    args: Vec<String>,
) -> Result<(), String> {
    let command = (program.into(), args);
    WORKER_COMMAND.set(command).map_err(|_| {
        let (p, a) = WORKER_COMMAND.get().cloned().unwrap_or_default();
        format!("the worker command is already set to {} {a:?}", p.display())
    })
}

/// The program and arguments a worker starts with.
fn worker_command() -> Result<(std::path::PathBuf, Vec<String>), String> {
    match WORKER_COMMAND.get() {
        Some(command) => Ok(command.clone()),
        None => Ok((
            std::env::current_exe().map_err(|e| format!("cannot find the current binary: {e}"))?,
            WORKER_ARGS.iter().map(|a| a.to_string()).collect(),
        )),
    }
}

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0i32; 2];
    // SAFETY: fds has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both descriptors are open and ours alone.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn spawn(w: usize, events: &Sender<Event>) -> Result<WorkerProc, String> {
    let (exe, args) = worker_command()?;
    let (read_end, write_end) = pipe().map_err(|e| format!("cannot make a pipe: {e}"))?;
    let raw_write = {
        use std::os::fd::AsRawFd;
        write_end.as_raw_fd()
    };
    let mut cmd = Command::new(&exe);
    cmd.args(&args)
        .env(WORKER_ENV, std::process::id().to_string())
        .stdin(Stdio::piped())
        // The worker's stdout is the user's (kernels may print); it goes to
        // our stderr so it cannot mix with our own stdout output.
        .stdout(Stdio::from(std::io::stderr()))
        .stderr(Stdio::inherit());
    // SAFETY: between fork and exec only dup2 runs, which is async-signal-safe;
    // it puts the reply pipe on descriptor 3 (dup2 clears close-on-exec).
    unsafe {
        cmd.pre_exec(move || {
            if libc::dup2(raw_write, REPLY_FD) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    drop(write_end);
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| "the worker has no stdin pipe".to_string())?;
    let (hello_tx, hello_rx) = channel();
    let events = events.clone();
    let reader = File::from(read_end);
    std::thread::Builder::new()
        .name(format!("tessera-pool-reader-{w}"))
        .spawn(move || read_replies(w, reader, hello_tx, events))
        .map_err(|e| format!("cannot start a reader thread: {e}"))?;
    let pid = match hello_rx.recv_timeout(STARTUP) {
        Ok(Some(pid)) => pid,
        Ok(None) | Err(RecvTimeoutError::Disconnected) => {
            let status = child.wait().map(describe).unwrap_or_default();
            return Err(format!(
                "worker process exited at startup ({status}) without serving; does the \
                 binary call tessera::worker::init() first thing in main (or, for a test \
                 binary, contain tessera::worker_test!())?"
            ));
        }
        Err(RecvTimeoutError::Timeout) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "worker process did not start serving within {STARTUP:?}; does the binary \
                 call tessera::worker::init() first thing in main?"
            ));
        }
    };
    Ok(WorkerProc { child, stdin, pid })
}

fn read_replies(w: usize, pipe: File, hello: Sender<Option<u32>>, events: Sender<Event>) {
    let mut r = BufReader::with_capacity(1 << 16, pipe);
    let mut hello = Some(hello);
    loop {
        match protocol::read_reply(&mut r) {
            Ok(Some(Reply::Hello { pid })) => {
                if let Some(h) = hello.take() {
                    let _ = h.send(Some(pid));
                }
            }
            Ok(Some(reply)) => {
                if events.send(Event::Reply(w, reply)).is_err() {
                    return;
                }
            }
            Ok(None) => {
                if let Some(h) = hello.take() {
                    let _ = h.send(None);
                }
                let _ = events.send(Event::Gone(w, "its pipe closed".into()));
                return;
            }
            Err(e) => {
                if let Some(h) = hello.take() {
                    let _ = h.send(None);
                }
                let _ = events.send(Event::Gone(w, format!("unreadable reply: {e}")));
                return;
            }
        }
    }
}

/// "killed by signal 9" or "exit status 3".
pub(crate) fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.signal(), status.code()) {
        (Some(9), _) => "killed by signal 9 (SIGKILL)".into(),
        (Some(6), _) => "killed by signal 6 (SIGABRT: the process aborted)".into(),
        (Some(11), _) => "killed by signal 11 (SIGSEGV)".into(),
        (Some(s), _) => format!("killed by signal {s}"),
        (None, Some(c)) => format!("exit status {c}"),
        (None, None) => "ended".into(),
    }
}

/// Remove the shared-memory files a dead worker wrote and nobody will read.
fn remove_shm_files(pid: u32) {
    let prefix = format!("tessera-{pid}-");
    let Ok(dir) = std::fs::read_dir(protocol::shm_dir()) else {
        return;
    };
    for entry in dir.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Pool {
    /// Start `n` workers; every one has said hello when this returns.
    pub(crate) fn start(n: usize) -> Result<Pool, String> {
        let (tx, rx) = channel();
        let mut workers = Vec::with_capacity(n);
        for w in 0..n {
            match spawn(w, &tx) {
                Ok(p) => workers.push(p),
                Err(e) => {
                    let mut pool = Pool {
                        workers,
                        events: rx,
                    };
                    pool.kill();
                    return Err(e);
                }
            }
        }
        Ok(Pool {
            workers,
            events: rx,
        })
    }

    /// Whether every worker is still there and nothing is pending: a worker
    /// that died between runs (or a stray reply) shows up here, and the
    /// caller starts a new pool instead of failing the next run.
    pub(crate) fn healthy(&mut self) -> bool {
        matches!(
            self.events.try_recv(),
            Err(std::sync::mpsc::TryRecvError::Empty)
        )
    }

    /// Send a request to worker `w`.
    pub(crate) fn send(&mut self, w: usize, req: &Request) -> std::io::Result<()> {
        let frame = req.encode()?;
        let worker = self
            .workers
            .get_mut(w)
            .ok_or_else(|| std::io::Error::other(format!("no worker {w}")))?;
        protocol::send(&mut worker.stdin, &frame)
    }

    /// How worker `w` ended, waiting a little for it to be reaped.
    pub(crate) fn exit_status(&mut self, w: usize) -> String {
        let Some(worker) = self.workers.get_mut(w) else {
            return "unknown".into();
        };
        for _ in 0..50 {
            if let Ok(Some(status)) = worker.child.try_wait() {
                return describe(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        "still running, but its reply pipe closed".into()
    }

    /// Kill and reap every worker.
    pub(crate) fn kill(&mut self) {
        for w in &mut self.workers {
            let _ = w.child.kill();
        }
        for w in &mut self.workers {
            let _ = w.child.wait();
            remove_shm_files(w.pid);
        }
        self.workers.clear();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.kill();
    }
}

//! Worker processes of the multiprocess scheduler.
//!
//! `Multiprocess` starts its workers by running the current binary again:
//! kernels are code compiled into *your* binary, and only it can rebuild them
//! from the `(id, parameters)` a task travels as. So a program that may use
//! `TESSERA_SCHEDULER=processes` (or [`crate::Multiprocess`]) calls
//! [`init`] first thing in `main`, after registering its own kernels:
//!
//! ```no_run
//! fn main() -> Result<(), tessera::Error> {
//!     tessera::worker::init(); // a worker never returns from here
//!     let x = tessera::ones::<f64>(1000, 100);
//!     let p = tessera::Multiprocess::new(2);
//!     println!("{}", x.sum().compute_with(&tessera::Compute::new().scheduler(&p))?);
//!     Ok(())
//! }
//! ```
//!
//! A test binary has libtest's `main`, so it contains one
//! [`worker_test!`](crate::worker_test) instead: workers are started as
//! `<test binary> __tessera_worker --exact`, which runs only that test, and
//! the test becomes the worker. In a normal test run it passes at once.
//!
//! Workers exit when the parent process dies (they watch it), so none are
//! left behind even if the parent is killed.

use tessera_graph::{KernelError, KernelRef, Params};

pub use tessera_schedulers::multiprocess::{
    is_worker, set_worker_command, WORKER_ARGS, WORKER_ENV,
};

/// Turn this process into a worker and never return, when it was started as
/// one; otherwise return at once (cheap: one environment lookup).
pub fn init() {
    #[cfg(feature = "mimalloc")]
    tessera_schedulers::multiprocess::on_trim(collect);
    // Storage and chunk-core errors of failed tasks travel typed to the
    // parent, where the facade's `Error` decodes them.
    tessera_schedulers::multiprocess::on_error_source(tessera_ops::encode_source);
    tessera_schedulers::multiprocess::serve_if_worker(rebuild);
}

/// mimalloc gives the memory it keeps for reuse back to the system.
#[cfg(feature = "mimalloc")]
fn collect() {
    // SAFETY: `mi_collect` only walks mimalloc's own free lists and arenas;
    // it is safe to call from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Kernels are rebuilt from tessera's registry (with the kernels the program registered).
fn rebuild(id: &str, params: &Params) -> Result<KernelRef, KernelError> {
    tessera_ops::registry::rebuild_kernel(id, params)
}

/// Define the test `__tessera_worker` that makes a test binary usable by
/// the multiprocess scheduler (see [`crate::worker`]). An optional block runs
/// first in workers and in the test alike, e.g. to register kernels.
#[macro_export]
macro_rules! worker_test {
    () => {
        /// Serves tasks when this test binary runs as a tessera worker; passes otherwise.
        #[test]
        fn __tessera_worker() {
            $crate::worker::init();
        }
    };
    ($setup:block) => {
        /// Serves tasks when this test binary runs as a tessera worker; passes otherwise.
        #[test]
        fn __tessera_worker() {
            $setup
            $crate::worker::init();
        }
    };
}

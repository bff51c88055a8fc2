//! The one lock every HDF5 call of this driver is made under.
//!
//! A libhdf5 built without its thread-safety option must never have two
//! threads inside it at once, even for different files, and one built with it
//! still serialises every call on a global lock. hdf5-metno already serialises
//! each single call; this coarser lock also keeps each driver operation (open
//! a dataset, read its layout, read the hyperslab, close the handles) whole,
//! whichever libhdf5 is linked, so the store is `Send + Sync` and safe under
//! the threaded scheduler. HDF5 work does not run in parallel: it is one
//! thread at a time, across every `Hdf5Store` of the process.

use std::sync::Once;

use parking_lot::{Mutex, MutexGuard};

static HDF5: Mutex<()> = Mutex::new(());
static SILENCE: Once = Once::new();

/// Take the driver's global HDF5 lock. Take it first in an operation so every
/// handle opened afterwards is also closed before it is released.
pub(super) fn hdf5_lock() -> MutexGuard<'static, ()> {
    let guard = HDF5.lock();
    // Errors come back as values; HDF5's own printing of its error stack to
    // stderr would only be noise (hdf5-metno also silences it per thread).
    SILENCE.call_once(|| ::hdf5::silence_errors(true));
    guard
}

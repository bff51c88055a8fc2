//! Keep an open file's descriptor out of child processes.
//!
//! libhdf5's POSIX (sec2) driver opens files without `O_CLOEXEC` and, from
//! HDF5 1.10 on, holds an `flock` on them. `std::process::Command` does not
//! close inherited descriptors, so a child started while a store is open
//! (from any thread) would keep the file locked after the store closed it, and
//! h5py or the next open would fail with "unable to lock file". The flag is
//! set just after libhdf5 opened the file, so a child spawned by another
//! thread in that instant can still inherit it: code that spawns processes
//! while opening stores on other threads should not rely on this alone.

use std::ffi::c_void;
use std::os::raw::c_int;

use ::hdf5::file::FileDriver;
use ::hdf5::File;
use hdf5_sys::h5f::H5Fget_vfd_handle;
use hdf5_sys::h5p::H5P_DEFAULT;

/// Mark the file's descriptor close-on-exec (sec2 driver only; best effort).
pub(super) fn close_on_exec(file: &File) {
    let is_sec2 = file
        .access_plist()
        .is_ok_and(|fapl| matches!(fapl.driver(), FileDriver::Sec2));
    if !is_sec2 {
        return;
    }
    ::hdf5::sync::sync(|| {
        let mut handle: *mut c_void = std::ptr::null_mut();
        // SAFETY: for the sec2 driver H5Fget_vfd_handle stores in `handle` a
        // pointer to the driver's `int` descriptor, valid while the file is
        // open (it is: we hold `file`); the call runs under hdf5-metno's lock.
        // fcntl on a valid descriptor only changes its flags.
        unsafe {
            if H5Fget_vfd_handle(file.id(), H5P_DEFAULT, &mut handle) < 0 || handle.is_null() {
                return;
            }
            let fd = *handle.cast::<c_int>();
            let flags = libc::fcntl(fd, libc::F_GETFD);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_descriptor_is_close_on_exec() {
        let dir = tempfile::tempdir().unwrap();
        let file = File::create(dir.path().join("x.h5")).unwrap();
        close_on_exec(&file);
        let mut handle: *mut c_void = std::ptr::null_mut();
        let flags = unsafe {
            assert!(H5Fget_vfd_handle(file.id(), H5P_DEFAULT, &mut handle) >= 0);
            libc::fcntl(*handle.cast::<c_int>(), libc::F_GETFD)
        };
        assert_ne!(flags & libc::FD_CLOEXEC, 0);
    }
}

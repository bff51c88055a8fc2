//! Opening and creating the file, with errors that say which of missing,
//! unreadable, unwritable or not-HDF5 it was.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::Path;

use ::hdf5::File;

use super::lock::hdf5_lock;
use super::{Hdf5Options, Hdf5Store};
use crate::error::{Error, Result};

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn io_error(op: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::Io {
        op: op.to_string(),
        path: shown(path),
        reason: e.to_string(),
    }
}

/// Open an existing file; `writable` opens it read-write.
pub(super) fn open(path: &Path, writable: bool) -> Result<Hdf5Store> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Error::FileNotFound {
                path: shown(path),
                reason: "no such file".into(),
            })
        }
        Err(e) => return Err(io_error("open", path, &e)),
        Ok(m) if m.is_dir() => {
            return Err(Error::FileNotFound {
                path: shown(path),
                reason: "it is a directory, not a file".into(),
            })
        }
        // libhdf5 would open an empty file read-write as a new, empty one.
        Ok(m) if m.len() == 0 => {
            return Err(Error::CorruptFile {
                path: shown(path),
                reason: "the file is empty (0 bytes)".into(),
            })
        }
        Ok(_) => {}
    }
    // The OS's word on permissions is clearer than HDF5's.
    OpenOptions::new()
        .read(true)
        .write(writable)
        .open(path)
        .map_err(|e| io_error(if writable { "open for writing" } else { "open" }, path, &e))?;
    let _lock = hdf5_lock();
    let file = if writable {
        File::open_rw(path)
    } else {
        File::open(path)
    }
    .map_err(|e| Error::CorruptFile {
        path: shown(path),
        reason: e.to_string(),
    })?;
    Ok(store(file, path, writable))
}

/// Create a new file; an existing file is an error, never truncated.
pub(super) fn create(path: &Path) -> Result<Hdf5Store> {
    // Claim the name first: the OS says exactly why a location is unwritable.
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            ErrorKind::AlreadyExists => Error::FileExists { path: shown(path) },
            _ => io_error("create", path, &e),
        })?;
    let _lock = hdf5_lock();
    let file = File::create(path).map_err(|e| {
        let _ = std::fs::remove_file(path);
        Error::Io {
            op: "create HDF5 file".into(),
            path: shown(path),
            reason: e.to_string(),
        }
    })?;
    Ok(store(file, path, true))
}

/// The store over a freshly opened or created `file`, its handle closed on
/// exec so worker processes never inherit it.
fn store(file: File, path: &Path, writable: bool) -> Hdf5Store {
    #[cfg(unix)]
    super::cloexec::close_on_exec(&file);
    Hdf5Store {
        file,
        path: path.to_path_buf(),
        writable,
        options: Hdf5Options::default(),
    }
}

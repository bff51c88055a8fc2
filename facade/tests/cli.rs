//! The `tessera` binary, run on temporary directories.

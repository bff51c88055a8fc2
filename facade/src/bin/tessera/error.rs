//! Why a command failed, as the one `error:` line the user sees.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// A failed command: printed as `error: …` on stderr, exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// tessera refused or failed; its message names the value that was wrong.
    #[error(transparent)]
    Tessera(#[from] tessera::Error),
    /// A bad path, array name or option that the CLI itself checks.
    #[error("{0}")]
    Input(String),
}

impl From<tessera::storage::Error> for CliError {
    /// Store errors read as tessera's.
    fn from(e: tessera::storage::Error) -> Self {
        CliError::Tessera(e.into())
    }
}

/// The CLI's result type.
pub type Result<T, E = CliError> = std::result::Result<T, E>;

/// A message on one line (multi-line messages from lower layers are joined).
pub fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Run `f`, turning a panic into an error line instead of a backtrace
/// (the default panic report stays on when `RUST_BACKTRACE` is set, for debugging).
pub fn catch_panics<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(CliError::Input(format!(
            "internal error (a bug in tessera, please report it): {message}"
        )))
    })
}

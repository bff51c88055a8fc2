//! `tessera`: chunked n-d arrays from the command line — inspect, reduce,
//! generate and rechunk Zarr arrays (`tessera --help`).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod args;
mod commands;
mod error;
mod format;
mod info;
mod metadata;
mod random;
mod rechunk;
mod reduce;
mod runner;
mod source;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Parse the command line, run the command, print its output or one `error:` line (exit code 2).
fn main() -> ExitCode {
    // Worker processes of `--scheduler processes` start here and never return.
    tessera::worker::init();
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return args::report_parse_error(&e),
    };
    match error::catch_panics(|| commands::run(&cli)) {
        Ok(text) => print_stdout(&text),
        Err(e) => {
            eprintln!("error: {}", error::one_line(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

/// Write a command's output; a closed pipe (`tessera info x | head -1`) is not an error.
fn print_stdout(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(2)
        }
        _ => ExitCode::SUCCESS,
    }
}

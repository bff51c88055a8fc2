//! `cargo xtask`: tessera's chores — Dask fixtures, tests with their tools, benchmarks.

mod fixtures;
mod test_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// tessera's chores.
#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "tessera chores: fixtures, tests, benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every Dask fixture file (*.json) in DIR through tessera.
    Fixtures {
        /// Directory holding the fixture JSON files (e.g. ../shared/fixtures).
        dir: PathBuf,
        /// How many failures to print per file.
        #[arg(long, default_value_t = 5)]
        show: usize,
    },
    /// Provision test tools, then run every test of the workspace (the README test command).
    Test {
        /// Extra arguments for `cargo test` (e.g. a test name filter after `--`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        extra: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Test { extra } => match test_cmd::run(&extra) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Fixtures { dir, show } => match fixtures::run_dir(&dir, show) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

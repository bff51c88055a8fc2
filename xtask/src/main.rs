//! `cargo xtask`: tessera's chores — Dask fixtures, tests with their tools, benchmarks.

mod bench;
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
    /// Run the benchmark workloads (tessera, and Dask with --compare-dask) and print a table.
    Bench {
        /// Quick sizes.
        #[arg(long, conflicts_with = "full")]
        quick: bool,
        /// Full sizes (the default).
        #[arg(long)]
        full: bool,
        /// Scheduler for both engines: sync, threads or processes.
        #[arg(long, default_value = "threads")]
        scheduler: String,
        /// Also run Dask's reference scripts, interleaved.
        #[arg(long)]
        compare_dask: bool,
        /// Also run the workloads through the Python package
        /// (`python/bench/workload.py`, in the test venv it builds), interleaved.
        #[arg(long)]
        python: bool,
        /// Runs per workload and engine (the table shows medians).
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// Append every run as a JSON line to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// The Dask reference suite.
        #[arg(long, default_value = "../shared/bench/dask")]
        dask_dir: PathBuf,
        /// Workloads to run (all when none given).
        workloads: Vec<String>,
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
        Command::Bench {
            quick,
            full: _,
            scheduler,
            compare_dask,
            python,
            runs,
            json,
            dask_dir,
            workloads,
        } => {
            let args = bench::BenchArgs {
                quick,
                scheduler,
                compare_dask,
                python,
                runs: runs.max(1),
                json,
                workloads,
                dask_dir,
            };
            match bench::run(&args) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
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

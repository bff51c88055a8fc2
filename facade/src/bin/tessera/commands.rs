//! The dispatch from a parsed command line to its command.

use crate::args::{Cli, Command};
use crate::error::Result;

/// Run the command; its output is returned for `main` to print.
pub fn run(cli: &Cli) -> Result<String> {
    match &cli.command {
        Command::Info(args) => crate::info::run(args),
        Command::Reduce(args) => crate::reduce::run(args),
        Command::Random(args) => crate::random::run(args),
        Command::Rechunk(args) => crate::rechunk::run(args),
    }
}

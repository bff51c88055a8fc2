//! `tessera random`: test data from tessera's seeded generator, written to a new array.

use clap::ValueEnum;
use tessera::{random, Array, Element};

use crate::args::RandomArgs;
use crate::error::Result;
use crate::format::written_line;
use crate::runner::Runner;

/// `--dist`: the distribution of the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dist {
    /// Uniform float64 in [0, 1).
    Uniform,
    /// Standard normal float64 (mean 0, standard deviation 1).
    Normal,
    /// Uniform int64 in [0, 100).
    Integers,
}

/// Run `tessera random`.
pub fn run(args: &RandomArgs) -> Result<String> {
    let runner = Runner::new(&args.run)?;
    let (shape, chunks, seed) = (args.shape.0.clone(), args.chunks.clone(), args.seed);
    match args.dist {
        Dist::Uniform => write(&built(random::random(shape, chunks, seed))?, args, &runner),
        Dist::Normal => write(
            &built(random::standard_normal(shape, chunks, seed))?,
            args,
            &runner,
        ),
        Dist::Integers => write(
            &built(random::integers(0, 100, shape, chunks, seed))?,
            args,
            &runner,
        ),
    }
}

/// The generated array, or the error building it met (bad chunks for the
/// shape), before anything is written and in the message of the error itself:
/// the operation's name and operand shapes add nothing for `random`.
fn built<T: Element>(x: Array<T>) -> Result<Array<T>> {
    match x.check() {
        Ok(()) => Ok(x),
        Err(e) => Err(e.root().clone().into()),
    }
}

/// Write the generated array and say what was written.
fn write<T: Element>(x: &Array<T>, args: &RandomArgs, runner: &Runner) -> Result<String> {
    let chunks = args.format.write(x, &args.out, runner)?;
    Ok(written_line(x, chunks, &args.out))
}

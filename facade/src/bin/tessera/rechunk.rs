//! `tessera rechunk`: an array rewritten with new chunks. The read is lazy
//! and the rechunk is pushed into it, so each task reads the stored region of
//! one new chunk and writes it: memory holds a few chunks, never the array.

use tessera::{with_dtype, Array, Element};

use crate::args::RechunkArgs;
use crate::error::{CliError, Result};
use crate::format::written_line;
use crate::runner::Runner;
use crate::source;

/// Run `tessera rechunk`.
pub fn run(args: &RechunkArgs) -> Result<String> {
    let runner = Runner::new(&args.run)?;
    let src = source::open(&args.input, args.array.as_deref())?;
    let x = src.array()?.rechunk(args.chunks.clone());
    x.check()?;
    with_dtype!(x.dtype(),
        T => write(&x.typed::<T>()?, args, &runner),
        other => Err(CliError::Input(format!("cannot write arrays of dtype {other}")))
    )
}

/// Write the rechunked array and say what was written.
fn write<T: Element>(x: &Array<T>, args: &RechunkArgs, runner: &Runner) -> Result<String> {
    let chunks = args.format.write(x, &args.out, runner)?;
    Ok(written_line(x, chunks, &args.out))
}

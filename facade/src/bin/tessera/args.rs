//! The command line: subcommands, their flags, and the parsers of flag values.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};
use tessera::chunk_core::{parse_bytes, AxisSpec};
use tessera::ChunkSpec;

use crate::format::Format;
use crate::random::Dist;
use crate::reduce::Op;
use crate::runner::SchedulerArg;

/// Chunked n-d arrays from the command line: inspect, reduce, generate and rechunk Zarr arrays.
#[derive(Debug, Parser)]
#[command(name = "tessera", version, about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show an array's summary table and store facts, or a group's arrays.
    Info(InfoArgs),
    /// Reduce an array (all of it, or along one axis) and print the result.
    Reduce(ReduceArgs),
    /// Write an array of random numbers (test data).
    Random(RandomArgs),
    /// Rewrite an array with new chunks, a few chunks in memory at a time.
    Rechunk(RechunkArgs),
}

/// `tessera info PATH [--array NAME]`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// A Zarr (v2 or v3) array or group directory.
    pub path: PathBuf,
    /// The array inside a group (a path like `sub/x`).
    #[arg(long, value_name = "NAME")]
    pub array: Option<String>,
}

/// `tessera reduce PATH --op OP [--axis N]`.
#[derive(Debug, Args)]
pub struct ReduceArgs {
    /// A Zarr (v2 or v3) array or group directory.
    pub path: PathBuf,
    /// The array inside a group (a path like `sub/x`).
    #[arg(long, value_name = "NAME")]
    pub array: Option<String>,
    /// The reduction.
    #[arg(long, value_enum)]
    pub op: Op,
    /// Reduce along this axis only (negative counts from the end); default: all axes.
    #[arg(long, allow_negative_numbers = true)]
    pub axis: Option<i64>,
    /// Delta degrees of freedom of std and var (NumPy's ddof).
    #[arg(long, default_value_t = 0)]
    pub ddof: u32,
    /// How to run the computation.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `tessera random OUT --shape S [--chunks C] [--dist D] [--seed N] [--format F]`.
#[derive(Debug, Args)]
pub struct RandomArgs {
    /// The new array's directory (must not exist).
    pub out: PathBuf,
    /// The shape, sizes separated by commas: `1000,1000`.
    #[arg(long, value_parser = parse_shape, allow_hyphen_values = true)]
    pub shape: ShapeArg,
    /// The chunks: `100,100`, `-1,auto`, `auto`, `10MiB` (Dask's rules).
    #[arg(long, default_value = "auto", value_parser = parse_chunks, allow_hyphen_values = true)]
    pub chunks: ChunkSpec,
    /// The distribution of the values.
    #[arg(long, value_enum, default_value_t = Dist::Uniform)]
    pub dist: Dist,
    /// The seed: the same seed gives the same values whatever the chunks.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Zarr)]
    pub format: Format,
    /// How to run the computation.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `tessera rechunk IN OUT --chunks SPEC [--array NAME]`.
#[derive(Debug, Args)]
pub struct RechunkArgs {
    /// A Zarr (v2 or v3) array or group directory.
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// The new array's directory (must not exist).
    pub out: PathBuf,
    /// The new chunks: `100,100`, `-1,auto`, `auto`, `10MiB` (Dask's rules).
    #[arg(long, value_parser = parse_chunks, allow_hyphen_values = true)]
    pub chunks: ChunkSpec,
    /// The array inside a group (a path like `sub/x`).
    #[arg(long, value_name = "NAME")]
    pub array: Option<String>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Zarr)]
    pub format: Format,
    /// How to run the computation.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The flags of every command that computes.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scheduler (default: $TESSERA_SCHEDULER, else threads).
    #[arg(long, value_enum)]
    pub scheduler: Option<SchedulerArg>,
    /// Draw no progress bar (one is drawn on stderr only when it is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

/// A parsed `--shape` (a newtype, so clap takes it as one value and not a list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeArg(pub Vec<usize>);

/// `1000,1000` (or `(1000, 1000)`) to a shape.
pub fn parse_shape(text: &str) -> Result<ShapeArg, String> {
    let inner = text.trim().trim_start_matches('(').trim_end_matches(')');
    let parts: Vec<&str> = inner
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Err("give at least one size, e.g. 1000,1000".into());
    }
    parts
        .iter()
        .map(|p| {
            p.parse::<usize>().map_err(|_| {
                format!("{p:?} is not a size; write non-negative integers separated by commas, e.g. 1000,1000")
            })
        })
        .collect::<Result<_, _>>()
        .map(ShapeArg)
}

/// `100,100`, `-1,auto`, `auto` or any text tessera's `ChunkSpec` parses; a
/// bare comma list is read as a tuple.
pub fn parse_chunks(text: &str) -> Result<ChunkSpec, String> {
    let trimmed = text.trim();
    let bare_list = trimmed.contains(',') && !trimmed.starts_with(['(', '[', '{']);
    let spec = if bare_list {
        format!("({trimmed})")
    } else {
        trimmed.to_string()
    };
    let spec = spec.parse::<ChunkSpec>().map_err(|e| e.to_string())?;
    // Byte limits are otherwise checked only when chunks are computed, in a
    // message that could not name the flag.
    let axes: Vec<&AxisSpec> = match &spec {
        ChunkSpec::Missing => Vec::new(),
        ChunkSpec::Uniform(a) => vec![a],
        ChunkSpec::PerAxis(axes) => axes.iter().collect(),
        ChunkSpec::Map(items) => items.iter().map(|(_, a)| a).collect(),
    };
    for axis in axes {
        if let AxisSpec::Bytes(text) = axis {
            parse_bytes(text).map_err(|e| e.to_string())?;
        }
    }
    Ok(spec)
}

/// Print clap's help or version as it is; turn a usage error into one `error:` line (exit code 2).
pub fn report_parse_error(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            eprintln!("error: {}", usage_error_line(&e.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// clap's multi-line usage error as one line: the message and its hints, without the usage block.
fn usage_error_line(rendered: &str) -> String {
    let kept: Vec<&str> = rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let joined = kept.join(" ");
    joined
        .strip_prefix("error: ")
        .unwrap_or(&joined)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_parse_with_or_without_parentheses() {
        assert_eq!(parse_shape("1000,1000").unwrap().0, vec![1000, 1000]);
        assert_eq!(parse_shape("(3, 4,)").unwrap().0, vec![3, 4]);
        assert_eq!(parse_shape("7").unwrap().0, vec![7]);
        assert!(parse_shape("10,x").unwrap_err().contains("\"x\""));
        assert!(parse_shape("-3").is_err());
        assert!(parse_shape("").is_err());
    }

    #[test]
    fn chunk_lists_are_tuples() {
        assert_eq!(
            parse_chunks("100,100").unwrap(),
            "(100, 100)".parse::<ChunkSpec>().unwrap()
        );
        assert_eq!(
            parse_chunks("-1,auto").unwrap(),
            "(-1, auto)".parse::<ChunkSpec>().unwrap()
        );
        assert_eq!(
            parse_chunks("auto").unwrap(),
            "auto".parse::<ChunkSpec>().unwrap()
        );
        assert!(parse_chunks("64MiB").is_ok());
        assert!(parse_chunks("1x0").unwrap_err().contains("byte size"));
        assert!(parse_chunks("(1, 2").is_err());
    }

    #[test]
    fn usage_errors_become_one_line() {
        let rendered = "error: invalid value 'foo' for '--op <OP>'\n  [possible values: sum, mean]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_error_line(rendered),
            "invalid value 'foo' for '--op <OP>' [possible values: sum, mean]"
        );
    }
}

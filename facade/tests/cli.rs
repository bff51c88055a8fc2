//! The `tessera` binary, run on temporary directories: random → info → reduce
//! → rechunk → info → reduce, checked against tessera computed in-process on
//! the same data; groups, v2 arrays, every dtype kind; and each bad input
//! exits with code 2 and one `error:` line naming the problem.

use std::path::Path;
use std::process::{Command, Output};

use tessera::storage::{WriteOptions, ZarrFormat, ZarrStore};
use tessera::{random, Array};

/// Run the binary with `args` (tessera's environment settings removed, so defaults apply).
fn tessera(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .current_dir(cwd)
        .env_remove("TESSERA_SCHEDULER")
        .env_remove("TESSERA_NUM_WORKERS")
        .env_remove("TESSERA_CHUNK_SIZE")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

/// Run and require success with nothing on stderr (no progress bar off a terminal); returns stdout.
fn ok(args: &[&str], cwd: &Path) -> String {
    let out = tessera(args, cwd);
    let (stdout, stderr) = texts(&out);
    assert!(
        out.status.success(),
        "{args:?} failed: {stderr}\nstdout: {stdout}"
    );
    assert_eq!(stderr, "", "{args:?} wrote to stderr");
    stdout
}

/// Run and require exit code 2 with one `error:` line containing `needle`; returns that line.
fn fails(args: &[&str], cwd: &Path, needle: &str) -> String {
    let out = tessera(args, cwd);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stdout, "", "{args:?} printed to stdout");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: not one line: {stderr}");
    assert!(lines[0].starts_with("error: "), "{args:?}: {stderr}");
    assert!(
        lines[0].contains(needle),
        "{args:?}: {stderr} lacks {needle:?}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    lines[0].to_string()
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A printed scalar.
fn scalar(stdout: &str) -> f64 {
    stdout.trim().parse().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn random_info_reduce_rechunk_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let wrote = ok(
        &[
            "random", "x.zarr", "--shape", "60,40", "--chunks", "16,16", "--seed", "3",
        ],
        d,
    );
    assert!(wrote.contains("12 chunks of (16, 16)"), "{wrote}");

    let info = ok(&["info", "x.zarr"], d);
    for needle in [
        "Zarr v3 array",
        "codecs",
        "zstd",
        "Shape      (60, 40)",
        "(16, 16)",
        "12 chunks in 2 graph layers",
        "float64",
        "18.75 kiB",
    ] {
        assert!(info.contains(needle), "{needle:?} not in\n{info}");
    }

    // The same seed, shape and chunks in-process: the stored data is tessera's.
    let x = random::random([60, 40], [16, 16], 3);
    let mean = x.mean().compute_scalar().unwrap();
    let sum = x.sum().compute_scalar().unwrap();
    let printed_mean = scalar(&ok(&["reduce", "x.zarr", "--op", "mean"], d));
    assert_eq!(printed_mean, mean);
    let printed_sum = scalar(&ok(
        &["reduce", "x.zarr", "--op", "sum", "--scheduler", "sync"],
        d,
    ));
    assert_eq!(printed_sum, sum);
    // Worker processes are the CLI binary run again; the Zarr reads travel.
    let on_processes = scalar(&ok(
        &[
            "reduce",
            "x.zarr",
            "--op",
            "sum",
            "--scheduler",
            "processes",
        ],
        d,
    ));
    assert!(close(on_processes, sum), "{on_processes} vs {sum}");
    let stored: Array<f64> = tessera::from_zarr(d.join("x.zarr"), "").unwrap();
    assert_eq!(stored.compute().unwrap(), x.compute().unwrap());
    let std = x.std_with(tessera::ddof(1)).compute_scalar().unwrap();
    let printed_std = scalar(&ok(&["reduce", "x.zarr", "--op", "std", "--ddof", "1"], d));
    assert!(close(printed_std, std), "{printed_std} vs {std}");

    let wrote = ok(
        &[
            "rechunk",
            "x.zarr",
            "y.zarr",
            "--chunks",
            "-1,10",
            "--no-progress",
        ],
        d,
    );
    assert!(wrote.contains("4 chunks of (60, 10)"), "{wrote}");
    let info = ok(&["info", "y.zarr"], d);
    assert!(info.contains("(60, 10)"), "{info}");
    assert!(info.contains("4 chunks in 2 graph layers"), "{info}");
    let after = scalar(&ok(&["reduce", "y.zarr", "--op", "mean"], d));
    assert!(close(after, mean), "{after} vs {mean}");
    let rechunked: Array<f64> = tessera::from_zarr(d.join("y.zarr"), "").unwrap();
    assert_eq!(rechunked.chunksize(), vec![60, 10]);
    assert_eq!(rechunked.compute().unwrap(), x.compute().unwrap());

    // "auto" and a quoted tuple parse too.
    ok(&["rechunk", "y.zarr", "z.zarr", "--chunks", "auto"], d);
    ok(&["rechunk", "y.zarr", "w.zarr", "--chunks", "(30, 40)"], d);
    assert!(ok(&["info", "w.zarr"], d).contains("(30, 40)"));
}

#[test]
fn reduce_along_an_axis_prints_the_array() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        &[
            "random", "x.zarr", "--shape", "3,4", "--chunks", "2,3", "--seed", "9",
        ],
        d,
    );
    let x = random::random([3, 4], [2, 3], 9);
    let out = ok(&["reduce", "x.zarr", "--op", "max", "--axis", "-2"], d);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("shape (4,), dtype float64"));
    let printed: Vec<f64> = lines
        .next()
        .unwrap()
        .trim_matches(['[', ']'])
        .split(", ")
        .map(|v| v.parse().unwrap())
        .collect();
    let expected = x
        .reduction::<f64>(
            tessera::ReduceOp::Max,
            tessera::Reduce {
                axes: Some(vec![0]),
                keepdims: false,
                split_every: None,
                ddof: 0,
            },
        )
        .compute()
        .unwrap();
    assert_eq!(printed, expected.iter().copied().collect::<Vec<_>>());
}

#[test]
fn integers_and_normal_data() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        &[
            "random", "i.zarr", "--shape", "50", "--chunks", "20", "--dist", "integers", "--seed",
            "1",
        ],
        d,
    );
    assert!(ok(&["info", "i.zarr"], d).contains("int64"));
    let x = random::integers(0, 100, 50, 20, 1);
    let sum = ok(&["reduce", "i.zarr", "--op", "sum"], d);
    assert_eq!(
        sum.trim().parse::<i64>().unwrap(),
        x.sum().compute_scalar().unwrap()
    );
    let min: i64 = ok(&["reduce", "i.zarr", "--op", "min"], d)
        .trim()
        .parse()
        .unwrap();
    let max: i64 = ok(&["reduce", "i.zarr", "--op", "max"], d)
        .trim()
        .parse()
        .unwrap();
    assert!((0..100).contains(&min) && (min..100).contains(&max));

    ok(
        &[
            "random", "n.zarr", "--shape", "400", "--chunks", "100", "--dist", "normal",
        ],
        d,
    );
    let std = scalar(&ok(&["reduce", "n.zarr", "--op", "std"], d));
    assert!((0.8..1.2).contains(&std), "{std}");
    let var = scalar(&ok(&["reduce", "n.zarr", "--op", "var"], d));
    assert!(close(var, std * std), "{var} vs {std}²");
}

/// A v3 group with a float array, a bool array in a subgroup, and an int32 array.
fn make_group(root: &Path) {
    let store = ZarrStore::create(root).unwrap();
    drop(store);
    let x = random::random([6, 5], [3, 5], 2);
    x.to_zarr(root, "a").unwrap();
    x.gt(0.5).to_zarr(root, "sub/flags").unwrap();
    tessera::arange::<i32>(0.0, 10.0, 1.0, 4)
        .to_zarr(root, "sub/ints")
        .unwrap();
}

#[test]
fn groups_list_their_arrays_and_every_dtype_reduces() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    make_group(&d.join("g.zarr"));
    let info = ok(&["info", "g.zarr"], d);
    assert!(info.contains("Zarr v3 group, 3 arrays"), "{info}");
    let row = |name: &str| {
        info.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} not in\n{info}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("a "), "a (6, 5) float64 (3, 5)");
    assert_eq!(row("sub/flags"), "sub/flags (6, 5) bool (3, 5)");
    assert_eq!(row("sub/ints"), "sub/ints (10,) int32 (4,)");

    let info = ok(&["info", "g.zarr", "--array", "sub/flags"], d);
    assert!(
        info.contains("array \"sub/flags\": Zarr v3 array"),
        "{info}"
    );
    assert!(info.contains("bool ndarray"), "{info}");

    let x = random::random([6, 5], [3, 5], 2);
    let trues = x.gt(0.5).sum().compute_scalar().unwrap();
    let printed = ok(
        &["reduce", "g.zarr", "--array", "sub/flags", "--op", "sum"],
        d,
    );
    assert_eq!(printed.trim().parse::<i64>().unwrap(), trues);
    let max = ok(
        &["reduce", "g.zarr", "--array", "sub/flags", "--op", "max"],
        d,
    );
    assert_eq!(max.trim(), (trues > 0).to_string());
    let sum = ok(
        &["reduce", "g.zarr", "--array", "sub/ints", "--op", "sum"],
        d,
    );
    assert_eq!(sum.trim(), "45");
    let mean = ok(
        &["reduce", "g.zarr", "--array", "/sub/ints", "--op", "mean"],
        d,
    );
    assert_eq!(scalar(&mean), 4.5);

    // A group array rechunked into its own array directory.
    ok(
        &[
            "rechunk", "g.zarr", "a2.zarr", "--array", "a", "--chunks", "2,-1",
        ],
        d,
    );
    assert!(ok(&["info", "a2.zarr"], d).contains("3 chunks in 2 graph layers"));
}

#[test]
fn v2_arrays_show_their_compressor() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("v2.zarr");
    let store =
        ZarrStore::create_with(&root, WriteOptions::default().with_format(ZarrFormat::V2)).unwrap();
    let x = tessera::arange::<i16>(0.0, 12.0, 1.0, 5);
    x.to_store(std::sync::Arc::new(store), "x").unwrap();
    let info = ok(&["info", "v2.zarr"], dir.path());
    assert!(info.contains("Zarr v2 group, 1 array"), "{info}");
    let info = ok(&["info", "v2.zarr", "--array", "x"], dir.path());
    assert!(info.contains("Zarr v2 array"), "{info}");
    assert!(info.contains("compressor"), "{info}");
    assert!(info.contains("int16"), "{info}");
    let sum = ok(
        &["reduce", "v2.zarr", "--array", "x", "--op", "sum"],
        dir.path(),
    );
    assert_eq!(sum.trim(), "66");
}

#[test]
fn bad_inputs_exit_2_with_one_line_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        &["random", "x.zarr", "--shape", "8,8", "--chunks", "4,4"],
        d,
    );
    make_group(&d.join("g.zarr"));
    std::fs::create_dir(d.join("empty")).unwrap();
    std::fs::write(d.join("file.txt"), "not a store").unwrap();

    // Missing path, not a store, unknown array name.
    fails(&["info", "nope.zarr"], d, "nope.zarr does not exist");
    fails(&["reduce", "nope.zarr", "--op", "sum"], d, "does not exist");
    fails(&["info", "empty"], d, "empty is not a Zarr store");
    fails(&["info", "file.txt"], d, "is not a Zarr store");
    fails(
        &["info", "g.zarr", "--array", "zzz"],
        d,
        "no array at \"zzz\"",
    );
    fails(&["info", "x.zarr", "--array", "zzz"], d, "not a group");
    let line = fails(&["reduce", "g.zarr", "--op", "sum"], d, "--array");
    assert!(line.contains("sub/ints"), "{line}");

    // Bad --shape, --chunks, --op, --axis.
    fails(&["random", "o.zarr", "--shape", "10,x"], d, "--shape");
    fails(&["random", "o.zarr", "--shape", ""], d, "--shape");
    fails(&["random", "o.zarr", "--shape", "-4"], d, "--shape");
    fails(
        &["random", "o.zarr", "--shape", "10,10", "--chunks", "5,5,5"],
        d,
        "(5, 5, 5) has 3 dimensions",
    );
    fails(
        &["random", "o.zarr", "--shape", "10", "--chunks", "1x0"],
        d,
        "invalid value '1x0' for '--chunks",
    );
    fails(
        &["rechunk", "x.zarr", "o.zarr", "--chunks", "0,4"],
        d,
        "chunk length 0",
    );
    fails(&["reduce", "x.zarr", "--op", "median"], d, "--op");
    fails(&["reduce", "x.zarr"], d, "--op");
    fails(
        &["reduce", "x.zarr", "--op", "sum", "--axis", "2"],
        d,
        "axis 2 is out of bounds",
    );
    fails(
        &["reduce", "x.zarr", "--op", "sum", "--axis", "-3"],
        d,
        "axis -3 is out of bounds",
    );
    fails(
        &["reduce", "x.zarr", "--op", "sum", "--axis", "one"],
        d,
        "--axis",
    );
    fails(
        &["reduce", "x.zarr", "--op", "sum", "--scheduler", "gpu"],
        d,
        "--scheduler",
    );
    fails(&["frobnicate"], d, "frobnicate");

    // Unwritable OUT, existing OUT, HDF5.
    fails(
        &["random", "file.txt/o.zarr", "--shape", "4"],
        d,
        "cannot create file.txt/o.zarr",
    );
    fails(
        &["random", "x.zarr", "--shape", "4"],
        d,
        "x.zarr already exists",
    );
    fails(
        &["rechunk", "x.zarr", "g.zarr", "--chunks", "2"],
        d,
        "g.zarr already exists",
    );
    #[cfg(not(feature = "hdf5"))]
    {
        fails(
            &["random", "o.h5", "--shape", "4", "--format", "hdf5"],
            d,
            "this build has no HDF5 support",
        );
        fails(
            &[
                "rechunk", "x.zarr", "o.h5", "--chunks", "2", "--format", "hdf5",
            ],
            d,
            "no HDF5 support",
        );
    }
    // Nothing was left behind by the failures.
    for out in ["o.zarr", "o.h5", "file.txt/o.zarr"] {
        assert!(!d.join(out).exists(), "{out} was created");
    }
}

#[cfg(feature = "hdf5")]
#[test]
fn hdf5_files_are_written_read_and_rechunked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(
        &[
            "random", "a.h5", "--shape", "60,40", "--chunks", "20,10", "--seed", "3", "--format",
            "hdf5",
        ],
        d,
    );
    assert!(out.contains("12 chunks of (20, 10) to a.h5"), "{out}");
    let info = ok(&["info", "a.h5"], d);
    assert!(
        info.contains("HDF5") && info.contains("(60, 40)") && info.contains("(20, 10)"),
        "{info}"
    );
    let x = tessera::random::random([60, 40], [20, 10], 3);
    let want = x.mean().compute_scalar().unwrap();
    assert!(close(
        scalar(&ok(&["reduce", "a.h5", "--op", "mean"], d)),
        want
    ));
    ok(&["rechunk", "a.h5", "b.zarr", "--chunks", "60,5"], d);
    assert!(close(
        scalar(&ok(&["reduce", "b.zarr", "--op", "mean"], d)),
        want
    ));
    ok(
        &[
            "rechunk", "b.zarr", "c.h5", "--chunks", "7,40", "--format", "hdf5",
        ],
        d,
    );
    assert!(ok(&["info", "c.h5"], d).contains("(7, 40)"));
    assert!(close(
        scalar(&ok(&["reduce", "c.h5", "--op", "mean"], d)),
        want
    ));
    fails(
        &["reduce", "c.h5", "--array", "nope", "--op", "sum"],
        d,
        "nope",
    );
}

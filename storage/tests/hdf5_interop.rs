//! Interop with h5py, both ways, through `tests/interop/h5py_interop.py`:
//! h5py writes a file that tessera reads, and tessera writes a file that h5py
//! reads and checks against a manifest.
//!
//! The Python interpreter is `$TESSERA_PYTHON`, else `<workspace>/target/py-venv/bin/python`.
//! Without either the tests fail (they never skip): see [`python`].

use std::ops::Range;
use std::path::Path;

use ndarray::{ArrayD, IxDyn, Slice};
use num_complex::Complex;
use serde_json::{json, Value};
use tessera_chunk_core::half::f16;
use tessera_chunk_core::{num_complex, with_block, with_real_block, Block, Chunks, DType, Element};
use tessera_storage::{
    ArrayMetadata, ChunkList, ChunkRead, ChunkWrite, Error, Hdf5Options, Hdf5Store,
};

mod common;

use common::{fnv1a64, run_script};

/// Held by each test for its whole run. libhdf5 opens a file without
/// close-on-exec and the driver sets it just after, so a Python started by
/// one test in that instant would inherit another test's open, locked file
/// and keep it locked (see `storage/src/hdf5/cloexec.rs`).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A value as Python's `tolist()` gives it: ints exact, floats as `float`.
trait ToJson {
    fn to_json(&self) -> Value;
}

macro_rules! to_json_as_is {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                json!(self)
            }
        }
    )*};
}

to_json_as_is!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl ToJson for f16 {
    fn to_json(&self) -> Value {
        json!(self.to_f64())
    }
}

/// The elements of a real block (C order) as JSON values, as Python's `tolist()` gives them.
fn json_values(b: &Block) -> Vec<Value> {
    with_real_block!(b, a => a.iter().map(ToJson::to_json).collect(),
        complex => panic!("complex values are compared by checksum"))
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_u64().expect("a length") as usize)
        .collect()
}

/// The part `ranges` of a block.
fn slice(b: &Block, ranges: &[Range<usize>]) -> Block {
    with_block!(b, a => Block::from_array(
        a.slice_each_axis(|ax| Slice::from(ranges[ax.axis.index()].clone())).to_owned()
    ))
}

/// Check one array h5py wrote against its manifest entry: metadata, every
/// chunk, and one region read of the whole array.
fn check_h5py_array(store: &Hdf5Store, e: &Value) {
    let path = e["path"].as_str().expect("a path");
    let shape = usizes(&e["shape"]);
    let meta = store
        .metadata(path)
        .unwrap_or_else(|err| panic!("{path}: {err}"));
    assert_eq!(meta.dtype.name(), e["dtype"], "{path} dtype");
    assert_eq!(meta.chunks.shape(), shape, "{path} shape");
    let grid = match &e["chunks"] {
        Value::Null if shape.is_empty() => Chunks::scalar(),
        // Small contiguous datasets are one block (see Hdf5Store::CONTIGUOUS_BLOCK_BYTES).
        Value::Null => Chunks::single(&shape),
        chunks => Chunks::regular(&shape, &usizes(chunks)).expect("a grid"),
    };
    assert_eq!(meta.chunks, grid, "{path} grid");
    let whole = store
        .read_region(path, &vec![0; shape.len()], &shape)
        .unwrap_or_else(|err| panic!("{path}: {err}"));
    assert_eq!(whole.shape(), shape.as_slice());
    match (&e["values"], &e["fnv1a64"]) {
        (Value::Array(values), _) => assert_eq!(&json_values(&whole), values, "{path} values"),
        (_, Value::String(sum)) => assert_eq!(&fnv1a64(&whole), sum, "{path} checksum"),
        _ => panic!("{path}: the manifest has neither values nor a checksum"),
    }
    for index in meta.chunks.blocks() {
        let chunk = store
            .read_chunk(path, &index)
            .unwrap_or_else(|err| panic!("{path} {index:?}: {err}"));
        let ranges = meta.chunks.block_range(&index).expect("a block");
        assert_eq!(chunk, slice(&whole, &ranges), "{path} chunk {index:?}");
    }
}

#[test]
fn tessera_reads_what_h5py_wrote() {
    let _serial = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h5py.h5");
    let manifest_file = dir.path().join("manifest.json");
    run_script(
        "h5py_interop.py",
        "h5py",
        &[Path::new("write"), &file, &manifest_file],
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_file).unwrap()).unwrap();
    let store = Hdf5Store::open(&file).unwrap();

    let listed: Vec<String> = manifest["listed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert_eq!(store.list_arrays().unwrap(), listed);

    let arrays = manifest["arrays"].as_array().unwrap();
    assert!(
        arrays.len() >= 20,
        "the manifest lists only {} arrays",
        arrays.len()
    );
    for e in arrays {
        check_h5py_array(&store, e);
    }
    // A soft link reads as its target.
    assert_eq!(
        store.read_chunk("links/soft", &[1]).unwrap(),
        store.read_chunk("f64_1d", &[1]).unwrap()
    );
    for u in manifest["unsupported"].as_array().unwrap() {
        let path = u["path"].as_str().unwrap();
        let err = store.metadata(path).expect_err(path);
        let msg = err.to_string();
        assert!(
            matches!(err, Error::UnsupportedDType { .. }),
            "{path}: {msg}"
        );
        let kind = u["dtype"].as_str().unwrap();
        assert!(msg.contains(path) && msg.contains(kind), "{path}: {msg}");
        assert!(store.read_chunk(path, &[0]).is_err());
    }
}

/// Deterministic values of `dtype`, exact in JSON and in every dtype (as the script's `sample`).
fn sample(dtype: DType, shape: &[usize], seed: usize) -> Block {
    let n: usize = shape.iter().product();
    let float = |i: usize| ((i * 37 + seed) % 203) as f64 * 0.25 - 17.5;
    fn make<T: Element>(shape: &[usize], n: usize, f: impl Fn(usize) -> T) -> Block {
        Block::from_array(ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(f).collect()).unwrap())
    }
    match dtype {
        DType::Bool => make(shape, n, |i| (i * 7 + seed).is_multiple_of(3)),
        DType::F16 => make(shape, n, |i| f16::from_f64(float(i))),
        DType::F32 => make(shape, n, |i| float(i) as f32),
        DType::F64 => make(shape, n, float),
        DType::Complex64 => make(shape, n, |i| {
            Complex::new(float(i) as f32, ((i * 11 + seed) % 17) as f32 - 8.0)
        }),
        DType::Complex128 => make(shape, n, |i| {
            Complex::new(float(i), ((i * 11 + seed) % 17) as f64 - 8.0)
        }),
        DType::U64 => make(shape, n, |i| ((i * 31 + seed) % 251) as u64 + (1 << 63)),
        DType::I64 => make(shape, n, |i| (((i * 31 + seed) % 241) as i64 - 120) << 40),
        d if d.kind() == 'u' => tessera_chunk_core::with_dtype!(d, T => make(shape, n, |i| {
            T::from_f64(((i * 31 + seed) % 251) as f64)
        }), other => panic!("{other}")),
        d => tessera_chunk_core::with_dtype!(d, T => make(shape, n, |i| {
            T::from_f64(((i * 31 + seed) % 241) as f64 - 120.0)
        }), other => panic!("{other}")),
    }
}

/// One array tessera writes: path, dtype, shape, chunk, gzip, and whether
/// only every other chunk is written (the rest must read as zero).
struct Case(
    &'static str,
    DType,
    &'static [usize],
    &'static [usize],
    Option<u8>,
    bool,
);

const CASES: &[Case] = &[
    Case("f64_1d", DType::F64, &[10], &[3], None, false),
    Case("f32_2d_gzip", DType::F32, &[7, 5], &[3, 2], Some(4), false),
    Case(
        "g/sub/i32_3d",
        DType::I32,
        &[4, 5, 6],
        &[3, 2, 4],
        None,
        false,
    ),
    Case("g/u8_2d_gzip", DType::U8, &[16, 9], &[5, 4], Some(9), false),
    Case("g/bool_2d", DType::Bool, &[6, 7], &[4, 4], None, false),
    Case("g/bool_1d_gzip", DType::Bool, &[11], &[4], Some(1), false),
    Case("dtypes/int8", DType::I8, &[9], &[4], None, false),
    Case("dtypes/int16", DType::I16, &[9], &[4], None, false),
    Case("dtypes/int64", DType::I64, &[9], &[4], None, false),
    Case("dtypes/uint16", DType::U16, &[9], &[4], None, false),
    Case("dtypes/uint32", DType::U32, &[9], &[4], None, false),
    Case("dtypes/uint64", DType::U64, &[9], &[4], None, false),
    Case("dtypes/float16", DType::F16, &[9], &[4], Some(3), false),
    Case(
        "dtypes/complex64",
        DType::Complex64,
        &[5, 3],
        &[2, 2],
        None,
        false,
    ),
    Case(
        "dtypes/complex128",
        DType::Complex128,
        &[4],
        &[3],
        Some(2),
        false,
    ),
    Case(
        "big_f64_gzip",
        DType::F64,
        &[200, 150],
        &[64, 64],
        Some(6),
        false,
    ),
    Case("partial_i32", DType::I32, &[10, 6], &[4, 4], None, true),
    Case("scalar_f64", DType::F64, &[], &[], None, false),
    Case("a/b/c/d/deep_f32", DType::F32, &[3], &[3], None, false),
];

/// Write one case with tessera; its manifest entry for the script.
fn write_case(store: &Hdf5Store, case: &Case, seed: usize) -> Value {
    let Case(path, dtype, shape, chunk, gzip, partial) = *case;
    let meta = ArrayMetadata {
        chunks: Chunks::regular(shape, chunk).unwrap(),
        dtype,
    };
    store
        .create_array_with(path, &meta, &Hdf5Options { gzip })
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let full = sample(dtype, shape, seed);
    let mut expected = full.clone();
    for (k, index) in meta.chunks.blocks().enumerate() {
        let ranges = meta.chunks.block_range(&index).unwrap();
        if partial && k % 2 == 1 {
            expected = with_block!(&expected, a => {
                let mut a = a.to_owned();
                a.slice_each_axis_mut(|ax| Slice::from(ranges[ax.axis.index()].clone()))
                    .fill(Default::default());
                Block::from_array(a)
            });
            continue;
        }
        store
            .write_chunk(path, &index, &slice(&full, &ranges))
            .unwrap_or_else(|e| panic!("{path} {index:?}: {e}"));
    }
    let mut e = json!({
        "path": path,
        "dtype": dtype.name(),
        "shape": shape,
        "chunks": if shape.is_empty() { Value::Null } else { json!(chunk) },
        "compression": if gzip.is_some() { json!("gzip") } else { Value::Null },
    });
    if expected.len() <= 512 && !matches!(dtype, DType::Complex64 | DType::Complex128) {
        e["values"] = Value::Array(json_values(&expected));
    } else {
        e["fnv1a64"] = json!(fnv1a64(&expected));
    }
    e
}

#[test]
fn h5py_reads_what_tessera_wrote() {
    let _serial = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tessera.h5");
    let manifest_file = dir.path().join("manifest.json");
    let arrays: Vec<Value> = {
        let store = Hdf5Store::create(&file).unwrap();
        let arrays = CASES
            .iter()
            .enumerate()
            .map(|(seed, case)| write_case(&store, case, seed))
            .collect();
        let mut listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
        listed.sort();
        assert_eq!(store.list_arrays().unwrap(), listed);
        arrays
        // The store closes the file here, before h5py opens it.
    };
    let mut listed: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    listed.sort();
    let manifest = json!({ "arrays": arrays, "listed": listed, "unsupported": [] });
    std::fs::write(
        &manifest_file,
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let out = run_script(
        "h5py_interop.py",
        "h5py",
        &[Path::new("check"), &file, &manifest_file],
    );
    assert!(
        out.contains(&format!("{} arrays ok, 0 problems", CASES.len())),
        "{out}"
    );
}

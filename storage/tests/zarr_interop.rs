//! Interop with zarr-python, both ways, through `tests/interop/zarr_interop.py`:
//! zarr-python writes v2 and v3 stores that tessera reads, and tessera writes
//! stores that zarr-python reads and checks against a manifest.
//!
//! The Python interpreter is `$TESSERA_PYTHON`, else `<workspace>/target/py-venv/bin/python`.
//! Without either the tests fail (they never skip): see [`python`].

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use ndarray::{ArrayD, Dimension, IxDyn, Slice};
use serde_json::{json, Value};
use tessera_chunk_core::half::f16;
use tessera_chunk_core::{with_block, with_dtype, Block, Chunks, DType, Element};
use tessera_storage::{
    ArrayMetadata, ChunkRead, ChunkWrite, Compression, WriteOptions, ZarrFormat, ZarrStore,
};

mod common;

use common::{fnv1a64, run_script};

/// Apply `$body` with `$T` bound to the Rust type of a real (JSON-representable) dtype.
macro_rules! with_real_dtype {
    ($dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            DType::Bool => {
                type $T = bool;
                $body
            }
            DType::I8 => {
                type $T = i8;
                $body
            }
            DType::I16 => {
                type $T = i16;
                $body
            }
            DType::I32 => {
                type $T = i32;
                $body
            }
            DType::I64 => {
                type $T = i64;
                $body
            }
            DType::U8 => {
                type $T = u8;
                $body
            }
            DType::U16 => {
                type $T = u16;
                $body
            }
            DType::U32 => {
                type $T = u32;
                $body
            }
            DType::U64 => {
                type $T = u64;
                $body
            }
            DType::F32 => {
                type $T = f32;
                $body
            }
            DType::F64 => {
                type $T = f64;
                $body
            }
            other => panic!("{other} values are not listed in manifests"),
        }
    };
}

/// A block from a manifest's flat C-order `values`.
fn block_from_values(dtype: DType, shape: &[usize], values: &Value) -> Block {
    if dtype == DType::F16 {
        // JSON numbers, read as f64 (every float16 is one exactly).
        let v: Vec<f64> = serde_json::from_value(values.clone())
            .unwrap_or_else(|e| panic!("values of {dtype}: {e}"));
        let v: Vec<f16> = v.into_iter().map(f16::from_f64).collect();
        return Block::from_array(
            ArrayD::from_shape_vec(IxDyn(shape), v).unwrap_or_else(|e| panic!("{e}")),
        );
    }
    with_real_dtype!(dtype, T => {
        let v: Vec<T> = serde_json::from_value(values.clone())
            .unwrap_or_else(|e| panic!("values of {dtype}: {e}"));
        Block::from_array(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap_or_else(|e| panic!("{e}")))
    })
}

/// A block's values as a flat JSON list.
fn values_of(b: &Block) -> Value {
    if let Block::F16(a) = b {
        return json!(a.iter().map(|v| v.to_f64()).collect::<Vec<f64>>());
    }
    with_real_dtype!(b.dtype(), T => {
        let v: Vec<T> = b.as_array::<T>().unwrap_or_else(|e| panic!("{e}")).iter().copied().collect();
        json!(v)
    })
}

fn slice(b: &Block, ranges: &[Range<usize>]) -> Block {
    with_block!(b, a => Block::from_array(
        a.slice_each_axis(|ax| Slice::from(ranges[ax.axis.index()].clone())).to_owned()
    ))
}

/// The whole array, assembled from `read_chunk` of every chunk.
fn assemble(store: &ZarrStore, path: &str, meta: &ArrayMetadata) -> Block {
    with_dtype!(meta.dtype, T => {
        let mut full = ArrayD::<T>::default(IxDyn(&meta.chunks.shape()));
        for index in meta.chunks.blocks() {
            let range = meta.chunks.block_range(&index).unwrap_or_else(|e| panic!("{e}"));
            let b = store.read_chunk(path, &index).unwrap_or_else(|e| panic!("{path} {index:?}: {e}"));
            let a = b.as_array::<T>().unwrap_or_else(|e| panic!("{e}"));
            full.slice_each_axis_mut(|ax| Slice::from(range[ax.axis.index()].clone())).assign(a);
        }
        Block::from_array(full)
    }, other => panic!("{other}"))
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap_or_else(|| panic!("{v} is not a list"))
        .iter()
        .map(|x| x.as_u64().unwrap_or_else(|| panic!("{x}")) as usize)
        .collect()
}

/// Check one array zarr-python wrote against its manifest entry.
fn check_python_array(store: &ZarrStore, e: &Value) {
    let path = e["path"].as_str().unwrap_or_default();
    let what = format!("{}:{path}", e["store"]);
    let dtype: DType = e["dtype"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let shape = usizes(&e["shape"]);
    // A sharded array's tessera chunks are its shards (the unit zarrs stores).
    let chunk = usizes(if e["shards"].is_null() {
        &e["chunks"]
    } else {
        &e["shards"]
    });
    let meta = store
        .metadata(path)
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    assert_eq!(meta.dtype, dtype, "{what}");
    assert_eq!(
        meta.chunks,
        Chunks::regular(&shape, &chunk).unwrap_or_else(|e| panic!("{e}")),
        "{what}"
    );
    let format = if e["format"] == 2 {
        ZarrFormat::V2
    } else {
        ZarrFormat::V3
    };
    assert_eq!(
        store.format(path).unwrap_or_else(|e| panic!("{e}")),
        format,
        "{what}"
    );

    let whole = store
        .read_region(path, &vec![0; shape.len()], &shape)
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    let chunked = assemble(store, path, &meta);
    assert_eq!(
        whole, chunked,
        "{what}: read_region and read_chunk disagree"
    );
    match e.get("values") {
        Some(values) => {
            let want = block_from_values(dtype, &shape, values);
            assert_eq!(whole, want, "{what}");
            // A box away from the origin, across chunk borders.
            let start: Vec<usize> = shape.iter().map(|&d| d / 3).collect();
            let size: Vec<usize> = shape
                .iter()
                .zip(&start)
                .map(|(&d, &s)| (d - s).min(d / 2 + 1))
                .collect();
            let ranges: Vec<_> = start.iter().zip(&size).map(|(&s, &n)| s..s + n).collect();
            let part = store
                .read_region(path, &start, &size)
                .unwrap_or_else(|err| panic!("{what}: {err}"));
            assert_eq!(part, slice(&want, &ranges), "{what} region {ranges:?}");
        }
        None => assert_eq!(
            fnv1a64(&whole),
            e["fnv1a64"].as_str().unwrap_or_default(),
            "{what}"
        ),
    }
}

#[test]
fn tessera_reads_what_zarr_python_wrote() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    run_script(
        "zarr_interop.py",
        "zarr-python",
        &[Path::new("write"), dir.path()],
    );
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("manifest.json")).unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let arrays = manifest["arrays"].as_array().cloned().unwrap_or_default();
    assert!(
        arrays.len() >= 30,
        "the script wrote only {} arrays",
        arrays.len()
    );
    let mut stores: HashMap<String, ZarrStore> = HashMap::new();
    for e in &arrays {
        let name = e["store"].as_str().unwrap_or_default().to_string();
        let store = stores.entry(name.clone()).or_insert_with(|| {
            ZarrStore::open(dir.path().join(&name)).unwrap_or_else(|e| panic!("{e}"))
        });
        check_python_array(store, e);
    }
    // Listing finds every array zarr-python wrote, nested ones included.
    for (name, store) in &stores {
        let mut want: Vec<String> = arrays
            .iter()
            .filter(|e| e["store"] == name.as_str())
            .map(|e| e["path"].as_str().unwrap_or_default().to_string())
            .collect();
        want.sort();
        use tessera_storage::ChunkList;
        assert_eq!(
            store.list_arrays().unwrap_or_else(|e| panic!("{e}")),
            want,
            "{name}"
        );
    }
}

/// Values for a tessera-written array: position-dependent, exact in JSON.
fn sample(dtype: DType, shape: &[usize], seed: usize) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(shape), |ix| {
        let i = ix.slice().iter().fold(seed, |acc, &x| acc * 7 + x);
        match dtype.kind() {
            'b' => (i % 3 == 0) as u8 as f64,
            'u' => (i % 200) as f64,
            'i' => (i % 200) as f64 - 100.0,
            _ => (i % 401) as f64 * 0.25 - 50.0,
        }
    })
}

fn typed(dtype: DType, a: &ArrayD<f64>) -> Block {
    with_dtype!(dtype, T => Block::from_array(a.mapv(T::from_f64)), other => panic!("{other}"))
}

/// Write `data` as an array (only the chunks `keep` accepts), and describe it for the check.
fn write_array(
    store: &ZarrStore,
    label: &str,
    path: &str,
    dtype: DType,
    data: &ArrayD<f64>,
    chunk: &[usize],
    keep: &dyn Fn(&[usize]) -> bool,
) -> Value {
    let chunks = Chunks::regular(data.shape(), chunk).unwrap_or_else(|e| panic!("{e}"));
    let meta = ArrayMetadata {
        chunks: chunks.clone(),
        dtype,
    };
    store
        .create_array(path, &meta)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let full = typed(dtype, data);
    let mut expected = typed(dtype, &data.mapv(|_| 0.0));
    for index in chunks.blocks().filter(|i| keep(i)) {
        let range = chunks.block_range(&index).unwrap_or_else(|e| panic!("{e}"));
        store
            .write_chunk(path, &index, &slice(&full, &range))
            .unwrap_or_else(|e| panic!("{path} {index:?}: {e}"));
        with_dtype!(dtype, T => {
            let mut arr = expected.as_array::<T>().unwrap_or_else(|e| panic!("{e}")).to_owned();
            arr.slice_each_axis_mut(|ax| Slice::from(range[ax.axis.index()].clone()))
                .assign(&slice(&full, &range).as_array::<T>().unwrap_or_else(|e| panic!("{e}")).clone());
            expected = Block::from_array(arr);
        }, other => panic!("{other}"));
    }
    let options = store.write_options();
    let codec = match options.compression {
        Compression::None => "none",
        Compression::Zstd { .. } => "zstd",
        Compression::Gzip { .. } => "gzip",
    };
    // tessera keeps no chunk length for an empty axis; Zarr gets 1 there.
    let zarr_chunks: Vec<usize> = chunks.axes().iter().map(|c| c[0].max(1)).collect();
    let mut e = json!({
        "store": label,
        "path": path,
        "format": if options.format == ZarrFormat::V2 { 2 } else { 3 },
        "dtype": dtype.name(),
        "shape": data.shape(),
        "chunks": zarr_chunks,
        "codec": codec,
        "fill": 0,
    });
    if expected.len() <= 512 && dtype.kind() != 'c' {
        e["values"] = values_of(&expected);
    } else {
        e["fnv1a64"] = json!(fnv1a64(&expected));
    }
    e
}

#[test]
fn zarr_python_reads_what_tessera_wrote() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let v3 = WriteOptions::default();
    let setups = [
        ("v3.zarr", v3),
        (
            "v3-gzip.zarr",
            v3.with_compression(Compression::Gzip { level: 5 }),
        ),
        ("v3-raw.zarr", v3.with_compression(Compression::None)),
        ("v2.zarr", v3.with_format(ZarrFormat::V2)),
        (
            "v2-gzip.zarr",
            WriteOptions {
                format: ZarrFormat::V2,
                compression: Compression::Gzip { level: 1 },
            },
        ),
    ];
    let all = |_: &[usize]| true;
    let mut manifest = Vec::new();
    for (label, options) in setups {
        let store = ZarrStore::create_with(dir.path().join(label), options)
            .unwrap_or_else(|e| panic!("{e}"));
        let w = |path: &str,
                 dtype,
                 shape: &[usize],
                 chunk: &[usize],
                 seed,
                 keep: &dyn Fn(&[usize]) -> bool| {
            write_array(
                &store,
                label,
                path,
                dtype,
                &sample(dtype, shape, seed),
                chunk,
                keep,
            )
        };
        for (k, dtype) in DType::ALL
            .into_iter()
            .filter(|d| d.is_array_type())
            .enumerate()
        {
            manifest.push(w(
                &format!("dtypes/{dtype}"),
                dtype,
                &[7, 5],
                &[3, 2],
                k,
                &all,
            ));
        }
        manifest.push(w("f64_1d", DType::F64, &[10], &[3], 1, &all));
        manifest.push(w(
            "g/sub/i32_3d",
            DType::I32,
            &[4, 5, 6],
            &[3, 2, 4],
            2,
            &all,
        ));
        manifest.push(w("g/u8_2d", DType::U8, &[16, 9], &[5, 4], 3, &all));
        manifest.push(w("g/bool_2d", DType::Bool, &[6, 7], &[4, 4], 4, &all));
        manifest.push(w("big_f64", DType::F64, &[300, 200], &[64, 64], 5, &all));
        // Chunks never written read as the fill value (0) in zarr-python too.
        manifest.push(w(
            "partial_f32",
            DType::F32,
            &[9, 4],
            &[4, 4],
            6,
            &|i: &[usize]| i[0] != 1,
        ));
        manifest.push(w("empty_i16", DType::I16, &[0, 3], &[2, 2], 7, &all));
        if options.format == ZarrFormat::V3 {
            manifest.push(w("scalar_f64", DType::F64, &[], &[], 8, &all));
        }
    }
    let manifest_file = dir.path().join("tessera-manifest.json");
    std::fs::write(
        &manifest_file,
        serde_json::to_vec_pretty(&json!({ "arrays": manifest })).unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = run_script(
        "zarr_interop.py",
        "zarr-python",
        &[Path::new("check"), dir.path(), &manifest_file],
    );
    assert!(out.contains(" 0 failed"), "{out}");
}

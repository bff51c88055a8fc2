#!/usr/bin/env python3
"""Zarr interop between zarr-python and tessera's ZarrStore.

Driven by storage/tests/zarr_interop.rs:

  zarr_interop.py write DIR
      zarr-python writes Zarr v3 and v2 stores under DIR, plus DIR/manifest.json
      listing every array with its exact values (or a checksum for big ones),
      for tessera to read and compare.

  zarr_interop.py check DIR MANIFEST
      read the arrays tessera wrote under DIR and compare them with the values
      in MANIFEST (written by the Rust side). Exit status 1 on any mismatch.

Manifest entries: store (directory under DIR), path (in the store), format
(2 or 3), dtype (NumPy name), shape, chunks, shards (null unless sharded: then
tessera's chunks are the shards), codec (a label), fill (the fill value), and either values (flat, C order) or fnv1a64 (hex FNV-1a of the
little-endian bytes in C order).
"""

import json
import sys
from pathlib import Path

import numpy as np
import zarr
from zarr.codecs import BloscCodec, GzipCodec, TransposeCodec, ZstdCodec

from interop_common import fnv1a64, le_bytes, sample, values_or_checksum

def entry(store, path, fmt, a, chunks, codec, fill, expected, shards=None):
    e = {
        "shards": list(shards) if shards else None,
        "store": store,
        "path": path,
        "format": fmt,
        "dtype": str(a.dtype.name),
        "shape": list(a.shape),
        "chunks": list(chunks),
        "codec": codec,
        "fill": fill,
    }
    e.update(values_or_checksum(expected))
    return e


def write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    manifest = []

    def add(store, path, fmt, data, chunks, codec="default", fill=None, region=None, **kw):
        """Create with zarr-python, write all of `data` (or only `region`), record expectations."""
        root = zarr.open_group(out / store, mode="a", zarr_format=fmt)
        if codec == "gzip":
            kw["compressors"] = GzipCodec(level=5) if fmt == 3 else _numcodecs("GZip", level=5)
        elif codec == "zstd5":
            kw["compressors"] = ZstdCodec(level=5) if fmt == 3 else _numcodecs("Zstd", level=5)
        elif codec == "blosc":
            kw["compressors"] = (
                BloscCodec(cname="lz4", clevel=5, shuffle="shuffle")
                if fmt == 3
                else _numcodecs("Blosc", cname="lz4", clevel=5)
            )
        elif codec == "none":
            kw["compressors"] = None
        if fill is not None:
            kw["fill_value"] = fill
        arr = root.create_array(path, shape=data.shape, dtype=data.dtype, chunks=chunks, **kw)
        expected = np.full(data.shape, arr.fill_value, dtype=data.dtype)
        if region is None:
            arr[...] = data
            expected = data
        else:
            arr[region] = data[region]
            expected[region] = data[region]
        fill_out = arr.fill_value.item() if hasattr(arr.fill_value, "item") else arr.fill_value
        manifest.append(
            entry(store, path, fmt, data, chunks, codec, fill_out, expected, kw.get("shards"))
        )

    for fmt in (3, 2):
        s = f"v{fmt}.zarr"
        add(s, "f64_1d", fmt, sample("float64", (10,), 1), (3,))
        add(s, "f32_2d_gzip", fmt, sample("float32", (7, 5), 2), (3, 2), codec="gzip")
        add(s, "g/sub/i32_3d", fmt, sample("int32", (4, 5, 6), 3), (3, 2, 4))
        add(s, "g/u8_2d_gzip", fmt, sample("uint8", (16, 9), 4), (5, 4), codec="gzip")
        add(s, "g/bool_2d", fmt, sample("bool", (6, 7), 5), (4, 4))
        for k, dt in enumerate(["int8", "int16", "int64", "uint16", "uint32", "uint64",
                                "float16"]):
            add(s, f"dtypes/{dt}", fmt, sample(dt, (9,), 10 + k), (4,))
        add(s, "big_f64", fmt, sample("float64", (200, 150), 6), (64, 64), codec="zstd5")
        add(s, "blosc_i32", fmt, sample("int32", (50, 20), 7), (16, 16), codec="blosc")
        add(s, "raw_f32", fmt, sample("float32", (5, 5), 8), (2, 3), codec="none")
        # Only the first 4 elements written: the rest reads as the fill value.
        add(s, "partial_i32", fmt, sample("int32", (10,), 9), (4,), fill=-1,
            region=np.s_[0:4])
        if fmt == 2:
            add(s, "order_f", fmt, sample("float64", (6, 4), 11), (4, 3), order="F")
        else:
            add(s, "transposed", fmt, sample("float64", (6, 4), 11), (4, 3),
                filters=[TransposeCodec(order=(1, 0))])

    # v3 only: sharding (chunks inside shards) and a 0-d array.
    add("v3.zarr", "sharded_f32", 3, sample("float32", (8, 8), 12), (2, 2), shards=(4, 4))
    add("v3.zarr", "scalar_f64", 3, np.array(2.75), ())
    # v2 only: a big-endian dtype.
    add("v2.zarr", "big_endian_i32", 2, sample("int32", (7,), 13).astype(">i4"), (3,))

    (out / "manifest.json").write_text(json.dumps({"arrays": manifest}, indent=1))
    print(f"wrote {len(manifest)} arrays under {out}")


def _numcodecs(name, **kw):
    import numcodecs

    return getattr(numcodecs, name)(**kw)


def check(out: Path, manifest_file: Path) -> int:
    manifest = json.loads(manifest_file.read_text())
    failures = []
    for e in manifest["arrays"]:
        where = f"{e['store']}:{e['path']}"
        try:
            arr = zarr.open_array(out / e["store"], path=e["path"], mode="r")
            got = arr[...]
            problems = []
            if arr.metadata.zarr_format != e["format"]:
                problems.append(f"zarr_format {arr.metadata.zarr_format}, expected {e['format']}")
            if str(got.dtype.name) != e["dtype"]:
                problems.append(f"dtype {got.dtype.name}, expected {e['dtype']}")
            if list(got.shape) != e["shape"]:
                problems.append(f"shape {list(got.shape)}, expected {e['shape']}")
            if list(arr.chunks) != e["chunks"]:
                problems.append(f"chunks {list(arr.chunks)}, expected {e['chunks']}")
            if e.get("codec") and e["codec"] != "none":
                names = codec_names(arr)
                if not any(e["codec"] in n for n in names):
                    problems.append(f"codecs {names}, expected {e['codec']}")
            if "values" in e:
                want = np.array(e["values"], dtype=e["dtype"]).reshape(e["shape"])
                if not np.array_equal(got, want):
                    bad = np.argwhere(got != want)[:5].tolist()
                    problems.append(f"values differ at {bad}")
            elif fnv1a64(le_bytes(got)) != e["fnv1a64"]:
                problems.append("checksum differs")
            if problems:
                failures.append(f"{where}: " + "; ".join(problems))
            else:
                print(f"ok   {where} v{e['format']} {e['dtype']}{e['shape']} {e.get('codec')}")
        except Exception as exc:  # a read failure is a finding, not a crash of the check
            failures.append(f"{where}: {type(exc).__name__}: {exc}")
    for f in failures:
        print(f"FAIL {f}")
    print(f"{len(manifest['arrays']) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def codec_names(arr) -> list:
    md = arr.metadata
    if md.zarr_format == 3:
        return [type(c).__name__.lower() for c in md.codecs]
    names = [type(md.compressor).__name__.lower()] if md.compressor is not None else []
    return names


def main(argv) -> int:
    if len(argv) == 3 and argv[1] == "write":
        write(Path(argv[2]))
        return 0
    if len(argv) == 4 and argv[1] == "check":
        return check(Path(argv[2]), Path(argv[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

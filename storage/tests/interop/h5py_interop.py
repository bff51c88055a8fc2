#!/usr/bin/env python3
"""HDF5 interop between h5py and tessera's Hdf5Store.

Driven by storage/tests/hdf5_interop.rs:

  h5py_interop.py write FILE MANIFEST
      h5py writes FILE: chunked and contiguous datasets, gzip-compressed and
      not, bool/int/uint/float (float16 too)/complex dtypes, 0-d to 3-D shapes whose chunks
      leave edge chunks, nested groups, links and datasets of types tessera
      cannot hold. MANIFEST (JSON) lists what tessera must find.

  h5py_interop.py check FILE MANIFEST
      h5py reads the FILE tessera wrote and compares every dataset with the
      MANIFEST the Rust side wrote. Exit status 1 on any mismatch.

Manifest: {"arrays": [...], "listed": [every dataset path, sorted],
"unsupported": [{"path", "dtype"}]}. An array entry has path, dtype (NumPy
name), shape, chunks (null when contiguous), compression ("gzip" or null),
fill, and either values (flat, C order) or fnv1a64 (hex FNV-1a of the
little-endian bytes in C order; complex values are (re, im) pairs).
"""

import json
import sys
from pathlib import Path

import h5py
import numpy as np
from interop_common import fnv1a64, le_bytes, sample, values_or_checksum

def entry(path, ds, expected):
    e = {
        "path": path,
        "dtype": str(expected.dtype.name),
        "shape": list(expected.shape),
        "chunks": list(ds.chunks) if ds.chunks else None,
        "compression": ds.compression,
        "fill": ds.fillvalue.item() if expected.dtype.kind in "biuf" else None,
    }
    e.update(values_or_checksum(expected, listable=expected.dtype.kind != "c"))
    return e


def write(out: Path, manifest_file: Path) -> None:
    arrays = []
    with h5py.File(out, "w") as f:

        def add(path, data, chunks=None, region=None, **kw):
            """Create with h5py, write all of `data` (or only `region`), record expectations."""
            ds = f.create_dataset(path, shape=data.shape, dtype=data.dtype, chunks=chunks, **kw)
            expected = np.full(data.shape, ds.fillvalue, dtype=data.dtype)
            if region is None:
                ds[...] = data
                expected = data
            else:
                ds[region] = data[region]
                expected[region] = data[region]
            arrays.append(entry(path, ds, expected.astype(expected.dtype.newbyteorder("="))))

        # Chunked, with edge chunks on every axis.
        add("f64_1d", sample("float64", (10,), 1), (3,))
        add("f32_2d_gzip", sample("float32", (7, 5), 2), (3, 2), compression="gzip",
            compression_opts=4)
        add("g/sub/i32_3d", sample("int32", (4, 5, 6), 3), (3, 2, 4))
        add("g/u8_2d_gzip", sample("uint8", (16, 9), 4), (5, 4), compression="gzip")
        add("g/bool_2d", sample("bool", (6, 7), 5), (4, 4))
        add("g/bool_1d_gzip", sample("bool", (11,), 6), (4,), compression="gzip")
        for k, dt in enumerate(["int8", "int16", "int64", "uint16", "uint32", "uint64",
                                "float16"]):
            add(f"dtypes/{dt}", sample(dt, (9,), 10 + k), (4,))
        add("dtypes/complex64", sample("complex64", (5, 3), 20), (2, 2))
        add("dtypes/complex128", sample("complex128", (4,), 21), (3,))
        add("big_f64_gzip", sample("float64", (200, 150), 7), (64, 64), compression="gzip")
        add("shuffle_gzip_i32", sample("int32", (50, 20), 8), (16, 16), shuffle=True,
            compression="gzip")
        # Contiguous: no chunks, so tessera reads them as one block (they are small).
        add("contig/f64_2d", sample("float64", (20, 30), 9))
        add("contig/i32_1d", sample("int32", (100,), 10))
        add("contig/bool_3d", sample("bool", (2, 3, 4), 11))
        add("contig/f32_3d", sample("float32", (3, 4, 5), 12))
        add("scalar_f64", np.array(2.75))
        # Only part written: the rest reads as the dataset's fill value.
        add("partial_i32", sample("int32", (10,), 13), (4,), fillvalue=-1, region=np.s_[0:4])
        add("big_endian_i32", sample("int32", (7,), 14).astype(">i4"), (3,))
        add("resizable_f64", sample("float64", (10, 8), 15), (4, 8), maxshape=(None, 8))
        add("empty_f32", sample("float32", (0, 3), 16), (2, 3), maxshape=(None, 3))

        # Types tessera cannot hold.
        f.create_dataset("odd/strings", data=np.array([b"ab", b"cd"]))
        f.create_dataset("odd/record", data=np.zeros(2, dtype=[("a", "i4"), ("b", "f8")]))
        unsupported = [
            {"path": "odd/strings", "dtype": "string"},
            {"path": "odd/record", "dtype": "compound"},
        ]

        # Links: a soft link is listed at its own path; a dangling one is not;
        # a hard link back up the tree must not make the listing loop.
        f["links/soft"] = h5py.SoftLink("/f64_1d")
        f["links/dangling"] = h5py.SoftLink("/nowhere")
        f["g/sub/up"] = f["g"]
        f.create_group("empty_group").attrs["note"] = "no datasets here"

        listed = sorted([a["path"] for a in arrays] + [u["path"] for u in unsupported]
                        + ["links/soft"])
    manifest = {"arrays": arrays, "listed": listed, "unsupported": unsupported}
    manifest_file.write_text(json.dumps(manifest, indent=1))
    print(f"wrote {len(arrays)} arrays to {out}")


def check(out: Path, manifest_file: Path) -> int:
    manifest = json.loads(manifest_file.read_text())
    failures = []
    with h5py.File(out, "r") as f:
        for e in manifest["arrays"]:
            where = e["path"]
            try:
                ds = f[where]
                got = ds[()]
                problems = []
                if str(got.dtype.name) != e["dtype"]:
                    problems.append(f"dtype {got.dtype.name}, expected {e['dtype']}")
                if list(got.shape) != e["shape"]:
                    problems.append(f"shape {list(got.shape)}, expected {e['shape']}")
                chunks = list(ds.chunks) if ds.chunks else None
                if chunks != e["chunks"]:
                    problems.append(f"chunks {chunks}, expected {e['chunks']}")
                if ds.compression != e["compression"]:
                    problems.append(f"compression {ds.compression}, expected {e['compression']}")
                if "values" in e:
                    want = np.array(e["values"], dtype=e["dtype"]).reshape(e["shape"])
                    if not np.array_equal(got, want):
                        bad = np.argwhere(np.asarray(got != want))[:5].tolist()
                        problems.append(f"values differ at {bad}")
                elif fnv1a64(le_bytes(np.asarray(got))) != e["fnv1a64"]:
                    problems.append("checksum differs")
                if problems:
                    failures.append(f"{where}: " + "; ".join(problems))
                else:
                    print(f"ok   {where} {e['dtype']}{e['shape']} chunks={chunks} {ds.compression}")
            except Exception as exc:  # a read failure is a finding, not a crash of the check
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
        listed = []
        f.visititems(lambda name, obj: listed.append(name) if isinstance(obj, h5py.Dataset) else None)
        if sorted(listed) != manifest["listed"]:
            failures.append(f"datasets in the file {sorted(listed)}, expected {manifest['listed']}")
    for msg in failures:
        print(f"FAIL {msg}")
    print(f"h5py check: {len(manifest['arrays']) - len(failures)} arrays ok, {len(failures)} problems")
    return 1 if failures else 0


def main(argv) -> int:
    if len(argv) == 4 and argv[1] == "write":
        write(Path(argv[2]), Path(argv[3]))
        return 0
    if len(argv) == 4 and argv[1] == "check":
        return check(Path(argv[2]), Path(argv[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Dask counterparts of tessera's memory-budget workloads, in the schema of
../shared/bench/dask/bench.py (one JSON line per run; it is imported for its
helpers, so pass --dask-dir if it is not at ../../shared/bench/dask).

    python dask_w7.py prepare [--quick] [--data-dir DIR] [--force]
    python dask_w7.py zarr_anomaly_std [--quick] [--scheduler S] [--data-dir DIR]
    python dask_w7.py zarr_rechunk [--quick] [--scheduler S] [--data-dir DIR]

W7 zarr_anomaly_std: (a - a.mean(axis=0)).std(axis=0) over a float64 Zarr
array in row chunks; result = the sum of the column stds (expected:
ncols * sqrt(1/12) for uniform data). zarr_rechunk: the same array rechunked
from row chunks to column chunks and written to a new Zarr array; result =
the mean of what was written (expected: the prepared mean).

Full: (16384, 32768) = 4 GiB in row chunks of 512 (128 MiB); quick:
(4096, 16384) = 512 MiB in row chunks of 128 (16 MiB). `seconds` covers
opening, building and computing, as W2 does.
"""
import argparse
import json
import math
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 42
SIZES = {
    "full": dict(rows=16384, cols=32768, row_chunk=512, col_chunk=512),
    "quick": dict(rows=4096, cols=16384, row_chunk=128, col_chunk=512),
}


def paths(args):
    d = Path(args.data_dir) / ("quick" if args.quick else "full")
    return d, d / "w7.zarr", d / "w7.json", d / "w7_columns.zarr"


def prepare(args, ref):
    import numpy as np
    import zarr
    d, src, marker, _ = paths(args)
    s = SIZES["quick" if args.quick else "full"]
    want = dict(s, seed=SEED)
    m = ref.read_marker(marker)
    if m and not args.force and all(m.get(k) == v for k, v in want.items()) and src.exists():
        print(json.dumps({"prepare": str(src), "skipped": True, **m}), flush=True)
        return
    d.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    a = zarr.create_array(store=str(src), shape=(s["rows"], s["cols"]),
                          chunks=(s["row_chunk"], s["cols"]), dtype="float64",
                          overwrite=True)
    rs = np.random.RandomState(SEED)
    total = 0.0
    for i in range(0, s["rows"], s["row_chunk"]):
        block = rs.random_sample((s["row_chunk"], s["cols"]))
        a[i:i + s["row_chunk"]] = block
        total += math.fsum(block.sum(axis=1))
    info = dict(want, mean=total / (s["rows"] * s["cols"]),
                prepare_seconds=round(time.perf_counter() - t0, 3))
    marker.write_text(json.dumps(info, indent=1))
    print(json.dumps({"prepare": str(src), "skipped": False, **info}), flush=True)


def verify_columns(da, src, out, col_chunk, scheduler, samples=4):
    """Check what the rechunk wrote, chunk by chunk: each written column chunk
    is read once and `samples` positions in it (first, last, the others from
    a fixed random sample) are compared with the source; exits non-zero
    naming the first mismatch. Returns the number of positions checked."""
    import random
    rng = random.Random(0)
    written, source = da.from_zarr(str(out)), da.from_zarr(str(src))
    rows, cols = written.shape
    checked = 0
    for c0 in range(0, cols, col_chunk):
        c1 = min(c0 + col_chunk, cols)
        block = written[:, c0:c1].compute(scheduler=scheduler)
        for k in range(samples):
            r, c = {0: (0, 0), 1: (rows - 1, c1 - c0 - 1)}.get(
                k, (rng.randrange(rows), rng.randrange(c1 - c0)))
            want = float(source[r, c0 + c].compute(scheduler=scheduler))
            if block[r, c] != want and not (math.isnan(want) and math.isnan(block[r, c])):
                sys.exit(f"zarr_rechunk: wrote {block[r, c]} at {(r, c0 + c)}, "
                         f"but the source has {want} there")
            checked += 1
    return checked


def run(args, ref):
    import dask.array as da
    d, src, marker, out = paths(args)
    m = ref.read_marker(marker)
    if not m:
        sys.exit(f"no prepared data in {d}; run: python dask_w7.py prepare"
                 f"{' --quick' if args.quick else ''} --data-dir {args.data_dir}")
    base = ref.current_rss_mib()
    params = dict(shape=[m["rows"], m["cols"]], chunks=[m["row_chunk"], m["cols"]],
                  dtype="float64", store=src.name)
    if args.workload == "zarr_anomaly_std":
        t0 = time.perf_counter()
        a = da.from_zarr(str(src))
        y = (a - a.mean(axis=0)).std(axis=0)
        result = float(y.compute(scheduler=args.scheduler).sum())
        dt = time.perf_counter() - t0
        expected = m["cols"] * math.sqrt(1 / 12)
        tasks, tasks_exec = ref.count_tasks(y)
    else:
        shutil.rmtree(out, ignore_errors=True)
        params["new_chunks"] = [m["rows"], m["col_chunk"]]
        t0 = time.perf_counter()
        a = da.from_zarr(str(src))
        y = a.rechunk((m["rows"], m["col_chunk"]))
        y.to_zarr(str(out), compute=True)
        dt = time.perf_counter() - t0
        tasks, tasks_exec = ref.count_tasks(y)
        result = float(da.from_zarr(str(out)).mean().compute(scheduler=args.scheduler))
        expected = m["mean"]
        params["verified_positions"] = verify_columns(da, src, out, m["col_chunk"], args.scheduler)
        shutil.rmtree(out, ignore_errors=True)
    ref.emit(args.workload, params, args.scheduler, dt, result, tasks,
             tasks_executed=tasks_exec, expected=expected, base_rss_mib=round(base, 1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workload", choices=["prepare", "zarr_anomaly_std", "zarr_rechunk"])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--scheduler", default="threads", choices=["threads", "sync", "processes"])
    ap.add_argument("--data-dir", default=str(HERE / "data"))
    ap.add_argument("--dask-dir", default=str(HERE / "../../shared/bench/dask"))
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(args.dask_dir).resolve()))
    import bench as ref  # the reference suite's helpers: emit, count_tasks, RSS
    if args.workload == "prepare":
        prepare(args, ref)
    else:
        import dask
        with dask.config.set(scheduler=args.scheduler):
            run(args, ref)


if __name__ == "__main__":
    main()

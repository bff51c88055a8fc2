#!/usr/bin/env python3
"""The benchmark workloads through tessera's Python package: the same
programs as the Rust runner (`facade/examples/workload.rs`) and Dask's
reference scripts, written as a Dask user writes them (``import tessera as
da``), printing the same one JSON line. `cargo xtask bench --python` runs
it beside the Rust runner and Dask, so the table shows what the Python
layer costs on each workload.

    python workload.py WORKLOAD [--quick] [--scheduler sync|threads|processes] [--data-dir DIR] [--has]
"""

import argparse
import json
import math
import resource
import sys
import time
from pathlib import Path

import tessera as da

SEED = 42


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(y):
    """Compute ``y`` (graph built before the clock, as the others do)."""
    tasks = da._tessera.task_count([y])
    t0 = time.perf_counter()
    out = y.compute()
    return time.perf_counter() - t0, float(out.sum()), tasks


def normal_mean(quick, _):
    n, c = (10_000, 1_000) if quick else (30_000, 3_000)
    x = da.random.normal(10.0, 0.1, size=(n, n), chunks=(c, c), seed=SEED)
    s, r, t = timed(x.mean(axis=0))
    return {"N": n, "C": c}, s, r, t, 10.0 * n


def overhead(quick, _):
    n = 5_000 if quick else 20_000
    s, r, t = timed(da.ones(n, chunks=1).sum())
    return {"N": n, "chunks": 1}, s, r, t, float(n), {"us_per_task": s * 1e6 / t}


def transpose_std(quick, _):
    n, c = (8_000, 1_000) if quick else (20_000, 2_000)
    x = da.random.random(size=(n, n), chunks=(c, c), seed=SEED)
    s, r, t = timed(((x + x.T) * 2 - 1).std())
    expected = math.sqrt(((n * n - n) * 8 / 12 + n * 16 / 12) / (n * n))
    return {"N": n, "C": c}, s, r, t, expected


def rechunk_sum(quick, _):
    n = 400 if quick else 1_000
    x = da.random.random(size=(n, n, n), chunks="auto", seed=SEED)
    y = x.rechunk({0: -1, 1: 100, 2: "auto"})
    s, r, t = timed(y.sum())
    return {"N": n, "output_chunksize": list(y.chunksize)}, s, r, t, n**3 / 2


def matmul_sum(quick, _):
    n, c = (4_000, 1_000) if quick else (8_000, 2_000)
    x = da.random.random(size=(n, n), chunks=(c, c), seed=SEED)
    s, r, t = timed((x @ x.T).sum())
    return {"N": n, "C": c}, s, r, t, n * (n / 12 + n * n / 4)


def zarr_mean(quick, data_dir, store="random.zarr"):
    d = Path(data_dir) / ("quick" if quick else "full")
    prepared = json.loads((d / "prepared.json").read_text())
    t0 = time.perf_counter()
    a = da.from_zarr(str(d / store))
    y = a.mean()
    r = float(y.compute())
    s = time.perf_counter() - t0
    return {"n": a.shape[0], "store": store}, s, r, da._tessera.task_count([y]), prepared["mean"]


def mean3x3(b):
    """The Dask suite's W8 kernel: a 3x3 mean by NumPy slicing (a Python function)."""
    out = b.copy()
    out[1:-1, 1:-1] = (
        b[:-2, :-2] + b[:-2, 1:-1] + b[:-2, 2:]
        + b[1:-1, :-2] + b[1:-1, 1:-1] + b[1:-1, 2:]
        + b[2:, :-2] + b[2:, 1:-1] + b[2:, 2:]
    ) / 9.0
    return out


def map_overlap(quick, _):
    n, c = (4_000, 500) if quick else (10_000, 1_000)
    x = da.random.random(size=(n, n), chunks=(c, c), seed=SEED)
    y = x.map_overlap(mean3x3, depth=1, boundary="reflect", dtype=x.dtype)
    s, r, t = timed(y.sum())
    params = {"N": n, "C": c, "depth": 1, "boundary": "reflect",
              "kernel": "3x3 mean (NumPy slicing, a Python function as in Dask)"}
    return params, s, r, t, n * n / 2


def zarr_anomaly_std(quick, data_dir):
    """W7: ``(a - a.mean(axis=0)).std(axis=0)`` over bench/dask_w7.py's Zarr
    array within the same memory budget as the Rust runner."""
    d = Path(data_dir) / ("quick" if quick else "full")
    prepared = json.loads((d / "w7.json").read_text())
    limit = (128 if quick else 512) * 2**20
    with da.config.set(memory_limit=limit):
        t0 = time.perf_counter()
        a = da.from_zarr(str(d / "w7.zarr"))
        y = (a - a.mean(axis=0)).std(axis=0)
        r = float(y.compute().sum())
        s = time.perf_counter() - t0
    params = {"shape": list(a.shape), "chunks": list(a.chunksize), "memory_limit": limit}
    return params, s, r, da._tessera.task_count([y]), prepared["cols"] * math.sqrt(1 / 12)


WORKLOADS = {
    "normal_mean": normal_mean,
    "zarr_mean": zarr_mean,
    "zarr_mean_small_chunks": lambda q, d: zarr_mean(q, d, "random_sc.zarr"),
    "overhead": overhead,
    "transpose_std": transpose_std,
    "rechunk_sum": rechunk_sum,
    "matmul_sum": matmul_sum,
    "map_overlap": map_overlap,
    "zarr_anomaly_std": zarr_anomaly_std,
}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workload")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--scheduler", default="threads")
    p.add_argument("--data-dir")
    p.add_argument("--has", action="store_true", help="exit 0 if the workload runs here, 2 if not")
    a = p.parse_args(argv)
    if a.has:
        return 0 if a.workload in WORKLOADS else 2
    if a.workload not in WORKLOADS:
        # zarr_rechunk (a store write under a budget) is not here yet: said, not faked.
        print(
            f"workload {a.workload!r} does not run from Python yet; "
            f"these do: {', '.join(WORKLOADS)}",
            file=sys.stderr,
        )
        return 2
    da.config.set(scheduler=a.scheduler)
    params, seconds, result, tasks, expected, *extra = WORKLOADS[a.workload](a.quick, a.data_dir)
    rec = {
        "workload": a.workload,
        "engine": "tessera-python",
        "params": params,
        "scheduler": a.scheduler,
        "seconds": seconds,
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "result": result,
        "tasks_executed": tasks,
        "expected": expected,
    }
    for e in extra:
        rec.update(e)
    print(json.dumps(rec))
    return 0


if __name__ == "__main__":
    sys.exit(main())

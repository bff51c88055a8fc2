#!/usr/bin/env python3
"""Dask counterparts of tessera's issue-20 path workloads, in the schema of
../shared/bench/dask/bench.py (one JSON line per run; it is imported for its
helpers, so pass --dask-dir if it is not at ../../shared/bench/dask).

    python dask_paths.py prepare [--quick] [--data-dir DIR] [--force]
    python dask_paths.py WORKLOAD [--quick] [--scheduler S] [--data-dir DIR]

Workloads (full / --quick):

transcendental_chain
    x = RandomState(42).uniform(-2, 2, shape, chunks), persisted before the
    clock; timed: (sin(x) * cos(x) + exp(-x * x) + log1p(abs(x)) ** 1.5).sum().
    (16384, 8192) = 1 GiB in chunks of (2048, 2048) / (4096, 4096) = 128 MiB
    in chunks of (1024, 1024). expected: N * E[...] for x ~ U(-2, 2)
    (integrated numerically; sin*cos is odd and averages 0).

persisted_rechunk
    x = RandomState(42).random_sample(shape, chunks=(1, n, m)), persisted
    before the clock (rows: one chunk per index of axis 0); timed:
    x.rechunk((N, n, 64)).persist() (columns: every chunk spans axes 0 and 1).
    (64, 1024, 2048) = 1 GiB / (32, 512, 1024) = 128 MiB. result: the sum of
    the rechunked array (after the clock), which must equal the source's sum
    (taken before the clock) to 1e-9, and sampled blocks must equal the
    source's slices exactly; expected: N/2.

several_stats
    dask.compute(x.mean(), x.std(), x.min(), x.max()) of the Zarr array
    written by `prepare`; timed: open + compute (as W2). result: the sum of
    the four; expected: the same from numpy at prepare time (exact data).

slice_map_store
    y = x[::2, 100:-100]; (sqrt(abs(y)) * 2 + 1).to_zarr(new store); timed:
    open + compute + write (the irregular column chunks of the slice are made
    regular by to_zarr's own rechunk). result: the mean of what was written,
    read back after the clock; expected: the same from numpy at prepare time.

The Zarr array (`paths.zarr`, zarr v3, zarr-python's default codecs):
standard normal from RandomState(42), (16384, 8192) = 1 GiB in chunks of
(1024, 1024) (128 chunks of 8 MiB) / (4096, 4096) = 128 MiB in chunks of
(512, 512) (64 chunks of 2 MiB), written once under DIR/full or DIR/quick.
"""
import argparse
import json
import math
import shutil
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 42
WORKLOADS = ["transcendental_chain", "persisted_rechunk", "several_stats", "slice_map_store"]
SIZES = {
    "transcendental_chain": {"full": dict(shape=[16384, 8192], chunks=[2048, 2048]),
                             "quick": dict(shape=[4096, 4096], chunks=[1024, 1024])},
    "persisted_rechunk": {"full": dict(shape=[64, 1024, 2048], col=64),
                          "quick": dict(shape=[32, 512, 1024], col=64)},
    "zarr": {"full": dict(shape=[16384, 8192], chunks=[1024, 1024]),
             "quick": dict(shape=[4096, 4096], chunks=[512, 512])},
}
# The slice of slice_map_store: x[::2, EDGE:-EDGE].
EDGE = 100


def mode(args):
    return "quick" if args.quick else "full"


def paths(args):
    d = Path(args.data_dir) / mode(args)
    return d, d / "paths.zarr", d / "paths.json", d / "paths_out_dask.zarr"


def chain_mean():
    """E[sin x cos x + exp(-x^2) + log1p(|x|)^1.5] for x ~ U(-2, 2): the odd
    term averages 0, the even ones are (1/2) * integral over [0, 2]
    (composite Simpson, 200,000 intervals; tessera's runner does the same)."""
    n = 200_000
    h = 2.0 / n

    def f(x):
        return math.exp(-x * x) + math.log1p(x) ** 1.5

    s = f(0.0) + f(2.0)
    for i in range(1, n):
        s += (4 if i % 2 else 2) * f(i * h)
    return 0.5 * s * h / 3


def prepare(args, ref):
    import numpy as np
    import zarr
    d, src, marker, _ = paths(args)
    s = SIZES["zarr"][mode(args)]
    want = dict(shape=s["shape"], chunks=s["chunks"], seed=SEED, dist="standard_normal", edge=EDGE)
    m = ref.read_marker(marker)
    if m and not args.force and all(m.get(k) == v for k, v in want.items()) and src.exists():
        print(json.dumps({"prepare": str(src), "skipped": True, **m}), flush=True)
        return
    d.mkdir(parents=True, exist_ok=True)
    if marker.exists():
        marker.unlink()
    t0 = time.perf_counter()
    rows, cols = s["shape"]
    rc = s["chunks"][0]
    a = zarr.create_array(store=str(src), shape=(rows, cols), chunks=tuple(s["chunks"]),
                          dtype="float64", overwrite=True)
    rs = np.random.RandomState(SEED)
    total, lo, hi = [], math.inf, -math.inf
    blocks = []
    mapped, mapped_n = [], 0
    for i in range(0, rows, rc):
        block = rs.standard_normal((rc, cols))
        a[i:i + rc] = block
        blocks.append(block)
        total.append(math.fsum(block.sum(axis=1)))
        lo, hi = min(lo, float(block.min())), max(hi, float(block.max()))
        # x[::2, EDGE:-EDGE] takes the even global rows; rc is even.
        sl = block[::2, EDGE:cols - EDGE]
        mapped.append(math.fsum((np.sqrt(np.abs(sl)) * 2 + 1).sum(axis=1)))
        mapped_n += sl.size
    n = rows * cols
    mean = math.fsum(total) / n
    # Two-pass variance (ddof 0), as numpy's std.
    sq = math.fsum(math.fsum(((b - mean) ** 2).sum(axis=1)) for b in blocks)
    std = math.sqrt(sq / n)
    info = dict(want, mean=mean, std=std, min=lo, max=hi,
                stats_sum=mean + std + lo + hi,
                slice_map_mean=math.fsum(mapped) / mapped_n,
                prepare_seconds=round(time.perf_counter() - t0, 3))
    marker.write_text(json.dumps(info, indent=1))
    print(json.dumps({"prepare": str(src), "skipped": False, **info}), flush=True)


def need_prepared(args, ref):
    d, _, marker, _ = paths(args)
    m = ref.read_marker(marker)
    if not m:
        sys.exit(f"no prepared data in {d}; run: python dask_paths.py prepare"
                 f"{' --quick' if args.quick else ''} --data-dir {args.data_dir}")
    return m


def check(workload, what, got, want, tol):
    """Fail loudly (non-zero exit naming the workload) when `got` is off `want`."""
    if not (abs(got - want) <= tol * max(abs(want), 1e-300)):
        sys.exit(f"{workload}: {what} is {got!r}, expected {want!r} (relative tolerance {tol:g})")


def transcendental_chain(args, ref):
    import dask.array as da
    p = dict(SIZES["transcendental_chain"][mode(args)])
    p.update(dist="uniform(-2, 2)", rng="RandomState(42)", data="persisted before the clock",
             expr="(sin(x) * cos(x) + exp(-x * x) + log1p(abs(x)) ** 1.5).sum()")
    x = da.random.RandomState(SEED).uniform(-2, 2, size=tuple(p["shape"]),
                                            chunks=tuple(p["chunks"])).persist()
    y = (da.sin(x) * da.cos(x) + da.exp(-x * x) + da.log1p(da.abs(x)) ** 1.5).sum()
    n = p["shape"][0] * p["shape"][1]
    ref.run_dask("transcendental_chain", p, args.scheduler, [y], lambda r: r[0],
                 expected=n * chain_mean())


def persisted_rechunk(args, ref):
    import dask
    import dask.array as da
    import numpy as np
    s = SIZES["persisted_rechunk"][mode(args)]
    shape = tuple(s["shape"])
    rows = (1, shape[1], shape[2])
    cols = (shape[0], shape[1], s["col"])
    x = da.random.RandomState(SEED).random_sample(shape, chunks=rows).persist()
    source_sum = float(x.sum().compute())
    base = ref.current_rss_mib()
    y = x.rechunk(cols)
    t0 = time.perf_counter()
    (z,) = dask.persist(y, scheduler=args.scheduler)
    dt = time.perf_counter() - t0
    tasks, tasks_exec = ref.count_tasks(y)
    result = float(z.sum().compute())
    check("persisted_rechunk", "the sum of the rechunked array", result, source_sum, 1e-9)
    # Sampled output blocks (first, last, one between) against the source's slices.
    nb = z.numblocks[2]
    verified = 0
    for k in sorted({0, nb // 2, nb - 1}):
        got = z.blocks[0, 0, k].compute()
        want = x[:, :, k * s["col"]:(k + 1) * s["col"]].compute()
        if not np.array_equal(got, want):
            sys.exit(f"persisted_rechunk: output block (0, 0, {k}) differs from the source")
        verified += got.size
    p = dict(shape=list(shape), rng="RandomState(42).random_sample",
             input_chunks=list(rows), output_chunks=list(cols),
             input_numblocks=list(x.numblocks), output_numblocks=list(z.numblocks),
             timed="x.rechunk(...).persist(); x persisted before the clock")
    ref.emit("persisted_rechunk", p, args.scheduler, dt, result, tasks,
             tasks_executed=tasks_exec, expected=float(np.prod(shape)) / 2,
             source_sum=source_sum, verified_elements=verified,
             base_rss_mib=round(base, 1))


def several_stats(args, ref):
    import dask
    import dask.array as da
    m = need_prepared(args, ref)
    _, src, _, _ = paths(args)
    base = ref.current_rss_mib()
    t0 = time.perf_counter()
    x = da.from_zarr(str(src))
    stats = (x.mean(), x.std(), x.min(), x.max())
    mean, std, lo, hi = dask.compute(*stats, scheduler=args.scheduler)
    dt = time.perf_counter() - t0
    for what, got in zip(("mean", "std", "min", "max"), (mean, std, lo, hi)):
        check("several_stats", what, float(got), m[what], 1e-9)
    tasks, tasks_exec = ref.count_tasks(*stats)
    p = dict(shape=m["shape"], chunks=m["chunks"], dtype="float64", store=src.name,
             numblocks=list(x.numblocks), expr="dask.compute(x.mean(), x.std(), x.min(), x.max())")
    ref.emit("several_stats", p, args.scheduler, dt, float(mean + std + lo + hi), tasks,
             tasks_executed=tasks_exec, expected=m["stats_sum"],
             stats=[float(mean), float(std), float(lo), float(hi)],
             base_rss_mib=round(base, 1))


def slice_map_store(args, ref):
    import dask.array as da
    m = need_prepared(args, ref)
    _, src, _, out = paths(args)
    shutil.rmtree(out, ignore_errors=True)
    base = ref.current_rss_mib()
    with warnings.catch_warnings():
        # to_zarr's note that it makes the slice's irregular chunks regular.
        warnings.filterwarnings("ignore", message="The array uses irregular chunk sizes")
        t0 = time.perf_counter()
        x = da.from_zarr(str(src))
        y = x[::2, EDGE:-EDGE]
        z = da.sqrt(da.abs(y)) * 2 + 1
        z.to_zarr(str(out))
        dt = time.perf_counter() - t0
    written = da.from_zarr(str(out))
    result = float(written.mean().compute(scheduler=args.scheduler))
    tasks, tasks_exec = ref.count_tasks(z)
    p = dict(shape=m["shape"], chunks=m["chunks"], dtype="float64", store=src.name,
             expr=f"(sqrt(abs(x[::2, {EDGE}:-{EDGE}])) * 2 + 1).to_zarr(...)",
             slice_chunks=[list(c) for c in y.chunks], written_shape=list(written.shape),
             written_chunks=list(written.chunksize))
    shutil.rmtree(out, ignore_errors=True)
    ref.emit("slice_map_store", p, args.scheduler, dt, result, tasks,
             tasks_executed=tasks_exec, expected=m["slice_map_mean"],
             base_rss_mib=round(base, 1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workload", choices=["prepare", "list"] + WORKLOADS)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--scheduler", default="threads", choices=["threads", "sync", "processes"])
    ap.add_argument("--data-dir", default=str(HERE / "data"))
    ap.add_argument("--dask-dir", default=str(HERE / "../../shared/bench/dask"))
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args(argv)
    if args.workload == "list":
        print("\n".join(WORKLOADS))
        return
    sys.path.insert(0, str(Path(args.dask_dir).resolve()))
    import bench as ref  # the reference suite's helpers: emit, count_tasks, RSS
    if args.workload == "prepare":
        prepare(args, ref)
        return
    import dask
    with dask.config.set(scheduler=args.scheduler):
        globals()[args.workload](args, ref)


if __name__ == "__main__":
    main()
